#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes a large classic pcap of SMTP traffic for the benchmarks.

The traffic is shaped like a mail relay's: a few hundred sessions open at
once, their packets interleaved in time order; message bodies of 1 to
50 KB, so the replies are only one or two percent of the bytes; multiline
greetings and EHLO replies; pipelined envelopes answered in one segment;
rejections (unknown user, greylisting, relay denied) and a second
transaction after RSET now and then; replies cut inside a line across two
segments, as servers under load send them.

Nothing is random: every choice follows from the session's number, so the
same arguments give the same bytes on every machine.  The generator counts
the replies it writes, for the benchmark to check each program against.

With --tls FRACTION, that fraction of the sessions say STARTTLS after
EHLO and, after the 220, do a real TLS handshake (Python's ssl module, a
client and a server over memory BIOs, a self-signed RSA certificate made
with the openssl command for the run) and the rest of the dialogue inside
TLS: EHLO again, the transactions, QUIT.  The versions and ciphers follow a
fixed mix (mostly TLS 1.3; TLS 1.2 with ECDHE-RSA), and --keylog FILE gets
every session's secrets in the NSS key log format.  Each session has its
own full handshake, so its own keys.  Which sessions use TLS, which cipher,
and every size still follow from the session's number, but the keys and
randoms, so the TLS bytes, differ on every run.

Addresses are on 127.0.0.0/8 (clients 127.1.0.0/16, the server
127.0.0.25:25) and the Ethernet addresses are not the loopback
interface's, so the file can be replayed onto `lo` for a live test: the
kernel sees frames for another host and drops them, and nothing answers.

usage: make-big-capture.py (--mb N | --sessions N) [--tls FRACTION [--keylog FILE]] OUT.pcap
Prints one line: sessions=N packets=N bytes=N replies=N reply_bytes=N,
and with --tls: tls_sessions=N tls_replies=N clear_replies=N at its end
(tls_replies: those inside TLS) and on stderr the sessions per cipher.
"""
import argparse
import collections
import ctypes
import heapq
import os
import ssl
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pcapfile import checksum, file_header  # noqa: E402

T0 = 1700000000          # capture start, seconds since the epoch
STRIDE_US = 160          # a session starts every 160 us ...
MSS = 1448               # ... body segments as Linux sends them over Ethernet
SERVER = bytes((127, 0, 0, 25))
CLIENT_MAC = bytes.fromhex("020000000001")
SERVER_MAC = bytes.fromhex("020000000002")
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

EHLO_REPLY = (b"250-relay.example.test\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n"
              b"250-ETRN\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n"
              b"250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250 SMTPUTF8\r\n")
# After STARTTLS the server no longer offers it.
EHLO_REPLY_TLS = EHLO_REPLY.replace(b"250-STARTTLS\r\n", b"")
GREETING = b"220 relay.example.test ESMTP\r\n"
GREETING_LONG = (b"220-relay.example.test ESMTP\r\n"
                 b"220-Unsolicited bulk mail is not accepted here.\r\n"
                 b"220 Connections are logged.\r\n")

# Message text the bodies are cut from: ordinary lines, a dot-stuffed one,
# a base64 block; the decoder has to find the final dot through it all.
_LINES = [b"Received: from client.example.test (client.example.test [127.1.0.1])",
          b"\tby relay.example.test with ESMTP id 4Xy7Qk2Jz9; Tue, 14 Nov 2023",
          b"Subject: weekly report",
          b"",
          b"The figures for the week are attached. Totals rose again in the",
          b"north region, and the new depot opened on time.",
          b"..a line that began with a dot, stuffed by the client",
          b"--boundary42",
          b"Content-Type: application/octet-stream; name=report.bin",
          b"Content-Transfer-Encoding: base64",
          b""]
_LINES += [b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5"
           b"ejAxMjM0NTY3ODkr%02d" % i for i in range(60)]
TEXT = b"\r\n".join(_LINES) + b"\r\n"
TEXT = TEXT * (60 * 1024 // len(TEXT) + 2)


def frame(src, dst, sport, dport, seq, ack, flags, payload):
    """Ethernet + IPv4 + TCP (no options), valid checksums."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      5 << 4, flags, 64240, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, 20 + len(payload))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp + payload)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40 + len(payload), 0, 0x4000, 64, 6, 0,
                     src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    eth = (SERVER_MAC + CLIENT_MAC if dst == SERVER else CLIENT_MAC + SERVER_MAC) + b"\x08\x00"
    return eth + ip + tcp + payload


def body(n, size):
    """About SIZE bytes of message, ending with the end-of-data line."""
    start = (n * 7919) % (len(TEXT) - size - 4)
    start = TEXT.index(b"\r\n", start) + 2    # whole lines only
    text = TEXT[start:start + size]
    text = text[:text.rindex(b"\r\n") + 2]
    head = b"Message-ID: <%d@client.example.test>\r\n" % n
    return head + text + b".\r\n"


# The TLS mix, one entry per tenth of the TLS sessions: (version, cipher).
# TLS 1.3 suites are named as OpenSSL's ciphersuites list names them, TLS 1.2
# ciphers as its cipher list does; the server offers them all and the
# client offers only its session's one, so that one is chosen.
TLS_MIX = [("TLSv1.3", "TLS_AES_128_GCM_SHA256"),
           ("TLSv1.3", "TLS_AES_256_GCM_SHA384"),
           ("TLSv1.3", "TLS_AES_128_GCM_SHA256"),
           ("TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256"),
           ("TLSv1.3", "TLS_AES_256_GCM_SHA384"),
           ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"),
           ("TLSv1.3", "TLS_AES_128_GCM_SHA256"),
           ("TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256"),
           ("TLSv1.2", "ECDHE-RSA-AES256-GCM-SHA384"),
           ("TLSv1.2", "ECDHE-RSA-CHACHA20-POLY1305")]
STARTTLS_REPLY = b"220 2.0.0 Ready to start TLS\r\n"


def _set_tls13_suite(ctx, suite):
    """Restricts CTX to one TLS 1.3 suite.  Python's ssl module has no call
    for it (set_ciphers covers TLS 1.2 and older only), so this calls
    OpenSSL's SSL_CTX_set_ciphersuites on the SSL_CTX the context wraps,
    found where CPython keeps it (first after the object header) and
    checked there by reading the options back.  Returns False when any of
    that fails; the context then keeps OpenSSL's default suites."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/libssl.so" in line}
        if len(paths) != 1:
            return False
        lib = ctypes.CDLL(paths.pop())
        lib.SSL_CTX_get_options.restype = ctypes.c_uint64
        lib.SSL_CTX_get_options.argtypes = [ctypes.c_void_p]
        lib.SSL_CTX_set_ciphersuites.restype = ctypes.c_int
        lib.SSL_CTX_set_ciphersuites.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        ptr = ctypes.c_void_p.from_address(id(ctx) + object.__basicsize__).value
        if not ptr or lib.SSL_CTX_get_options(ptr) != ctx.options:
            return False
        return lib.SSL_CTX_set_ciphersuites(ptr, suite.encode()) == 1
    except (OSError, AttributeError, ValueError):
        return False


class Tls:
    """The contexts every TLS session is made from: one server context with
    a certificate made for this run (it writes the key log), and one client
    context per entry of TLS_MIX.  Tallies the ciphers the sessions got."""

    def __init__(self, permille, keylog):
        self.permille = permille
        with tempfile.TemporaryDirectory(prefix="make-big-capture-") as tmp:
            key, cert = os.path.join(tmp, "key.pem"), os.path.join(tmp, "cert.pem")
            try:
                subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                                "-keyout", key, "-out", cert, "-days", "2",
                                "-subj", "/CN=relay.example.test"],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            except (OSError, subprocess.CalledProcessError) as e:
                sys.exit("make-big-capture.py: cannot make the server certificate with "
                         "openssl: %s" % (getattr(e, "stderr", b"") or str(e).encode())
                         .decode(errors="replace").strip())
            self.server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.server.load_cert_chain(cert, key)
        if keylog is not None:
            open(keylog, "w").close()       # the context appends
            self.server.keylog_filename = keylog
        self.clients = []
        self.suites_set = True
        for version, cipher in TLS_MIX:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            if version == "TLSv1.2":
                ctx.maximum_version = ssl.TLSVersion.TLSv1_2
                ctx.set_ciphers(cipher)
            else:
                ctx.minimum_version = ssl.TLSVersion.TLSv1_3
                self.suites_set &= _set_tls13_suite(ctx, cipher)
            self.clients.append(ctx)
        self.ciphers = collections.Counter()

    def pick(self, n):
        """The client context of session N, or None when it stays in clear.
        919 is prime to 1000, so any 1000 sessions in a row hold exactly
        PERMILLE TLS ones, spread over the other choices made by N."""
        if (n * 919) % 1000 >= self.permille:
            return None
        return self.clients[(n * 7 // 3) % len(self.clients)]


class TlsPair:
    """A TLS client and server talking to each other through memory: what
    one end writes is what goes on the wire, and is fed to the other."""

    def __init__(self, client_ctx, server_ctx):
        self.c_in, self.c_out, self.s_in, self.s_out = (ssl.MemoryBIO() for _ in range(4))
        self.client = client_ctx.wrap_bio(self.c_in, self.c_out,
                                          server_hostname="relay.example.test")
        self.server = server_ctx.wrap_bio(self.s_in, self.s_out, server_side=True)

    def handshake(self):
        """Yields (from_client, bytes), each flight of the handshake in turn,
        until both ends are done and neither has more to send (the server's
        TLS 1.3 session tickets are its last flight)."""
        ends = ((self.client, self.c_out, self.s_in, True),
                (self.server, self.s_out, self.c_in, False))
        done = [False, False]
        idle = turn = 0
        while idle < 2:
            end, out, peer_in, from_client = ends[turn % 2]
            if not done[turn % 2]:
                try:
                    end.do_handshake()
                    done[turn % 2] = True
                except ssl.SSLWantReadError:
                    pass
            wire = out.read()
            if wire:
                peer_in.write(wire)
                idle = 0
                yield from_client, wire
            else:
                idle += 1
            turn += 1
        if not all(done):
            raise RuntimeError("TLS handshake stalled")

    def seal(self, from_client, data, chunk=None):
        """DATA written by one end (in writes of CHUNK bytes when given, a
        record or more each) as the bytes on the wire; the other end reads
        it back, which must give DATA."""
        if from_client:
            writer, out, reader, peer_in = self.client, self.c_out, self.server, self.s_in
        else:
            writer, out, reader, peer_in = self.server, self.s_out, self.client, self.c_in
        step = chunk or len(data)
        for off in range(0, len(data), step):
            writer.write(data[off:off + step])
        wire = out.read()
        peer_in.write(wire)
        got = []
        left = len(data)
        while left:
            part = reader.read(left)
            if not part:
                raise RuntimeError("TLS: the peer read less than was written")
            got.append(part)
            left -= len(part)
        if b"".join(got) != data:
            raise RuntimeError("TLS: the peer read other bytes than were written")
        return wire


class Session:
    """One SMTP session: a time-ordered list of (microseconds, frame).
    With TLS (a Tls), the session may go over to TLS after EHLO."""

    def __init__(self, n, tls=None):
        self.n = n
        # A distinct 4-tuple for every session: 65,000 addresses times
        # 50,000 ports, no reuse.
        self.client = bytes((127, 1, 1 + n % 250, 1 + (n // 250) % 250))
        self.cport = 10000 + (n // 62500) % 50000
        self.cseq = (n * 2654435761) & 0xFFFFFFFF       # spread ISNs, some wrap
        self.sseq = (n * 40503 * 65537) & 0xFFFFFFFF
        self.t = STRIDE_US * n
        self.packets = []
        self.replies = 0
        self.reply_bytes = 0
        self.tls_replies = 0
        self._tls = None        # a TlsPair once STARTTLS is answered
        self._script(tls)

    def _emit(self, from_client, delay_us, payload=b"", flags=PSH | ACK):
        self.t += delay_us
        if from_client:
            pkt = frame(self.client, SERVER, self.cport, 25, self.cseq, self.sseq, flags,
                        payload)
            self.cseq += len(payload) + (1 if flags & (SYN | FIN) else 0)
        else:
            pkt = frame(SERVER, self.client, 25, self.cport, self.sseq, self.cseq, flags,
                        payload)
            self.sseq += len(payload) + (1 if flags & (SYN | FIN) else 0)
        self.packets.append((self.t, pkt))

    def _seal(self, from_client, data, chunk=None):
        """DATA as it goes on the wire: itself, or inside TLS."""
        return self._tls.seal(from_client, data, chunk) if self._tls else data

    def _send(self, data, delay_us=150):
        self._emit(True, delay_us, self._seal(True, data))

    def _answer(self, replies, delay_us, cut=None):
        """The server's REPLIES (each one whole reply) in one segment, or in
        two when CUT, a byte offset inside them, is given."""
        text = b"".join(replies)
        self.replies += len(replies)
        self.reply_bytes += len(text)
        if self._tls:
            self.tls_replies += len(replies)
        # Inside TLS, each part is a record of its own.
        if cut is None or not 0 < cut < len(text):
            self._emit(False, delay_us, self._seal(False, text))
        else:
            self._emit(False, delay_us, self._seal(False, text[:cut]))
            self._emit(False, 60, self._seal(False, text[cut:]))

    def _transaction(self, n, k):
        """MAIL, RCPTs and DATA pipelined in one segment, then the body."""
        rcpts = 1 + (n + k) % 4
        size = 1000 + (n * 2654435761 + k * 97) % 50000
        cmds = [b"MAIL FROM:<sender%d@client.example.test> SIZE=%d\r\n" % (n, size)]
        replies = [b"250 2.1.0 Ok\r\n"]
        accepted = 0
        for r in range(rcpts):
            cmds.append(b"RCPT TO:<user%d.%d@relay.example.test>\r\n" % (n, r))
            kind = (n * 31 + r * 7 + k) % 17
            if r and kind == 3:
                replies.append(b"550 5.1.1 <user%d.%d@relay.example.test>: Recipient "
                               b"address rejected: User unknown in local recipient "
                               b"table\r\n" % (n, r))
            elif r and kind == 5:
                replies.append(b"450 4.2.0 <user%d.%d@relay.example.test>: Recipient "
                               b"address rejected: Greylisted, see "
                               b"https://relay.example.test/greylist\r\n" % (n, r))
            elif r and kind == 9:
                replies.append(b"554 5.7.1 <user%d.%d@elsewhere.example>: Relay access "
                               b"denied\r\n" % (n, r))
            else:
                replies.append(b"250 2.1.5 Ok\r\n")
                accepted += 1
        cmds.append(b"DATA\r\n")
        replies.append(b"354 End data with <CR><LF>.<CR><LF>\r\n")
        self._send(b"".join(cmds))
        # One envelope answer in four is cut inside a line.
        self._answer(replies, 700, cut=len(replies[0]) + 9 if n % 4 == 1 else None)
        msg = body(n * 3 + k, size)
        # Inside TLS, half the clients write the body in 4 KB records, the
        # others in records as large as TLS allows (16 KB).
        msg = self._seal(True, msg, 4096 if n % 2 else None)
        for i, off in enumerate(range(0, len(msg), MSS)):
            self._emit(True, 90, msg[off:off + MSS])
            if i % 2 == 1:
                self._emit(False, 25, flags=ACK)    # delayed ACK, every other segment
        queued = b"250 2.0.0 Ok: queued as %010X\r\n" % ((n * 2246822519 + k) & 0xFFFFFFFFFF)
        self._answer([queued], 9000, cut=11 if n % 5 == 2 else None)

    def _starttls(self, tls, client_ctx):
        """STARTTLS, its 220, the handshake, and EHLO again inside TLS."""
        self._send(b"STARTTLS\r\n", 150)
        self._answer([STARTTLS_REPLY], 300)
        pair = TlsPair(client_ctx, tls.server)
        # Client and server take turns: ClientHello, the server's flight
        # (its signature takes time), the client's Finished, and so on.
        delays = iter((200, 900, 400))
        for from_client, wire in pair.handshake():
            delay = next(delays, 150)
            for off in range(0, len(wire), MSS):
                self._emit(from_client, delay if off == 0 else 10, wire[off:off + MSS])
        tls.ciphers["%s %s" % (pair.client.version(), pair.client.cipher()[0])] += 1
        self._tls = pair
        self._send(b"EHLO client%d.example.test\r\n" % self.n, 200)
        self._answer([EHLO_REPLY_TLS], 400)

    def _script(self, tls):
        n = self.n
        self._emit(True, 0, flags=SYN)
        self._emit(False, 50, flags=SYN | ACK)
        self._emit(True, 50, flags=ACK)
        greeting = GREETING_LONG if n % 10 == 0 else GREETING
        self._answer([greeting], 1500, cut=40 if n % 10 == 0 else None)
        self._send(b"EHLO client%d.example.test\r\n" % n)
        # Every third EHLO reply is cut inside "SIZE 52428800", the very cut
        # that makes Wireshark's SMTP dissector report a reply 428.
        self._answer([EHLO_REPLY], 400, cut=EHLO_REPLY.index(b"428800") if n % 3 == 0 else None)
        client_ctx = tls.pick(n) if tls else None
        if client_ctx:
            self._starttls(tls, client_ctx)
        self._transaction(n, 0)
        if n % 7 == 0:
            self._send(b"RSET\r\n", 300)
            self._answer([b"250 2.0.0 Ok\r\n"], 200)
            self._transaction(n, 1)
        self._send(b"QUIT\r\n", 300)
        self._answer([b"221 2.0.0 Bye\r\n"], 200)
        self._emit(False, 20, flags=FIN | ACK)
        self._emit(True, 60, flags=ACK)
        self._emit(True, 40, flags=FIN | ACK)
        self._emit(False, 60, flags=ACK)
        self._tls = None        # its buffers, while the packets wait their turn


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = ap.add_mutually_exclusive_group(required=True)
    size.add_argument("--mb", type=int, help="stop at the first session past N MB (10^6)")
    size.add_argument("--sessions", type=int, help="exactly N sessions")
    ap.add_argument("--tls", type=float, metavar="FRACTION",
                    help="this fraction of the sessions (0 to 1, in thousandths) go over "
                         "to TLS with STARTTLS")
    ap.add_argument("--keylog", metavar="FILE",
                    help="with --tls: write the sessions' TLS secrets to FILE (NSS key log)")
    ap.add_argument("out", help="the pcap to write")
    args = ap.parse_args()
    if args.tls is not None and not 0 <= args.tls <= 1:
        ap.error("--tls takes a fraction from 0 to 1")
    if args.keylog is not None and args.tls is None:
        ap.error("--keylog needs --tls")
    tls = Tls(round(args.tls * 1000), args.keylog) if args.tls is not None else None
    limit_sessions = args.sessions if args.sessions is not None else 250 * 250 * 50000
    limit_bytes = args.mb * 1000000 if args.mb is not None else None
    if limit_sessions < 1 or (limit_bytes is not None and limit_bytes < 1):
        ap.error("the size must be at least 1")
    if limit_sessions > 250 * 250 * 50000:
        ap.error("--sessions must be at most 3125000000 (distinct client address and port)")

    sessions = packets = replies = reply_bytes = tls_sessions = tls_replies = 0
    with open(args.out, "wb") as f:
        # Classic pcap, little-endian, microseconds, Ethernet.
        size = f.write(file_header(1))
        # Merge the open sessions' packets by time; only those are held.
        heap, out, written = [], [], size
        more = True
        while heap or more:
            if more and (not heap or STRIDE_US * sessions <= heap[0][0]):
                s = Session(sessions, tls)
                heapq.heappush(heap, (s.packets[0][0], sessions, 0, s))
                sessions += 1
                replies += s.replies
                reply_bytes += s.reply_bytes
                tls_sessions += 1 if s.tls_replies else 0
                tls_replies += s.tls_replies
                more = sessions < limit_sessions and (limit_bytes is None
                                                      or written < limit_bytes)
                continue
            t, key, i, s = heapq.heappop(heap)
            pkt = s.packets[i]
            sec, usec = divmod(T0 * 1000000 + t, 1000000)
            rec = struct.pack("<IIII", sec, usec, len(pkt[1]), len(pkt[1])) + pkt[1]
            out.append(rec)
            written += len(rec)
            packets += 1
            if i + 1 < len(s.packets):
                heapq.heappush(heap, (s.packets[i + 1][0], key, i + 1, s))
            if len(out) >= 4096:
                size += f.write(b"".join(out))
                out = []
        size += f.write(b"".join(out))
    line = ("sessions=%d packets=%d bytes=%d replies=%d reply_bytes=%d"
            % (sessions, packets, size, replies, reply_bytes))
    if tls:
        line += (" tls_sessions=%d tls_replies=%d clear_replies=%d"
                 % (tls_sessions, tls_replies, replies - tls_replies))
        print("make-big-capture.py: TLS sessions by cipher: %s" % ", ".join(
            "%s %d" % kv for kv in sorted(tls.ciphers.items())), file=sys.stderr)
        if not tls.suites_set:
            print("make-big-capture.py: could not choose the TLS 1.3 suites: OpenSSL chose "
                  "them", file=sys.stderr)
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
