#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes a large classic pcap of SMTP sessions for run-tool-bench.sh.

The same arguments always give the same bytes: nothing is random, every
choice (recipients, rejections, body sizes, where a reply is cut) follows
from the session's number, so two runs of the benchmark, or two machines,
read identical input.

Each session: handshake, greeting, EHLO and its multiline reply, MAIL,
one to three RCPTs (some rejected 550 5.1.1), DATA, a body of a few
segments, the 250 that ends it, QUIT, 221, and both FINs. Some replies
are cut across two segments, inside a line, as servers do under load.
Sessions start 9 ms apart and overlap, so their packets are interleaved,
two or three flows at a time, in time order.

Addresses are documentation prefixes (clients in 192.0.2.0/24, the server
198.51.100.25): this only writes a file, nothing is sent.

usage: make-big-capture.py [--sessions N] OUT.pcap
Prints one line to standard output: sessions=N packets=N bytes=N replies=N
(replies: how many SMTP replies the file holds, for a sanity check).
"""
import argparse
import struct
import sys

T0 = 1700000000          # capture start, seconds since the epoch
# One session starts every 9 ms and lasts 21-26 ms: two or three are open
# at any time, their packets interleaved.
STRIDE_US = 9000
MSS = 1448               # body segments: what Linux sends over Ethernet
SERVER = bytes((198, 51, 100, 25))
CLIENT_MAC = bytes.fromhex("020000000001")
SERVER_MAC = bytes.fromhex("020000000002")
FIN, SYN, PSH, ACK = 0x01, 0x02, 0x08, 0x10

EHLO_REPLY = (b"250-mx.example.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
              b"250-VRFY\r\n250-ETRN\r\n250-ENHANCEDSTATUSCODES\r\n"
              b"250-8BITMIME\r\n250-DSN\r\n250 SMTPUTF8\r\n")


def checksum(data):
    """Internet checksum.  A big integer taken modulo 0xFFFF is the end-around
    carry sum of its 16-bit words (2**16 == 1 mod 0xFFFF), and Python does
    that in C: summing words in Python would make the generator the slowest
    part of the benchmark."""
    if len(data) % 2:
        data += b"\0"
    s = int.from_bytes(data, "big") % 0xFFFF
    if s == 0 and any(data):
        s = 0xFFFF
    return ~s & 0xFFFF


def frame(src, dst, sport, dport, seq, ack, flags, payload=b""):
    """Ethernet + IPv4 + TCP (no options) with valid checksums, so tshark
    with checksum validation on sees nothing odd either."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      5 << 4, flags, 64240, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, 20 + len(payload))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp + payload)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40 + len(payload), 0, 0x4000, 64, 6, 0,
                     src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    to_server = dst == SERVER
    eth = (SERVER_MAC + CLIENT_MAC if to_server else CLIENT_MAC + SERVER_MAC) + b"\x08\x00"
    return eth + ip + tcp + payload


def body(n, size):
    """A message of about SIZE bytes ending with the end-of-data line; its
    lines are short and ordinary, the kind the decoder skips through."""
    head = (b"From: <sender%d@example.test>\r\nTo: <user%d@example.test>\r\n"
            b"Subject: benchmark message %d\r\nMessage-ID: <%d@client.example.test>\r\n"
            b"\r\n" % (n, n, n, n))
    line = b"The quick brown fox jumps over the lazy dog, message %08d.\r\n" % n
    text = head + line * max(1, (size - len(head)) // len(line))
    return text + b".\r\n"


class Session:
    """One SMTP session as a time-ordered list of (microseconds, frame)."""

    def __init__(self, n):
        self.n = n
        # Unique 4-tuple for up to 200 * 60000 sessions: no port reuse, so
        # every session is a new flow to the tool and to tshark.
        self.client = bytes((192, 0, 2, 10 + n % 200))
        self.cport = 1024 + n // 200
        self.cseq = (n * 2654435761) & 0xFFFFFFFF      # spread ISNs, some wrap
        self.sseq = (n * 40503 * 65537) & 0xFFFFFFFF
        self.t = STRIDE_US * n
        self.packets = []
        self.replies = 0
        self._script()

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

    def _command(self, line):
        self._emit(True, 150, line)

    def _reply(self, text, delay_us, cut=None):
        """The server's reply, in two segments when CUT (a byte offset) is
        given: the decoder has to hold the first part until the rest comes."""
        self.replies += 1
        if cut is None:
            self._emit(False, delay_us, text)
        else:
            self._emit(False, delay_us, text[:cut])
            self._emit(False, 40, text[cut:])

    def _script(self):
        n = self.n
        self._emit(True, 0, flags=SYN)
        self._emit(False, 60, flags=SYN | ACK)
        self._emit(True, 60, flags=ACK)
        self._reply(b"220 mx.example.test ESMTP smtpreply benchmark\r\n", 2000)
        self._command(b"EHLO client%d.example.test\r\n" % n)
        # Every third EHLO reply is cut inside a line, as in
        # samples/scripted-phantom.pcap.
        self._reply(EHLO_REPLY, 400, cut=50 if n % 3 == 0 else None)
        self._command(b"MAIL FROM:<sender%d@example.test> SIZE=%d\r\n" % (n, 4000))
        self._reply(b"250 2.1.0 Ok\r\n", 600)
        # The first recipient is always accepted, so DATA always proceeds.
        for r in range(1 + n % 3):
            self._command(b"RCPT TO:<user%d.%d@example.test>\r\n" % (n, r))
            if r and (n + r) % 4 == 0:
                text = (b"550 5.1.1 <user%d.%d@example.test>: Recipient address "
                        b"rejected: User unknown in local recipient table\r\n" % (n, r))
                self._reply(text, 3000, cut=23 if n % 2 else None)
            else:
                self._reply(b"250 2.1.5 Ok\r\n", 1500)
        self._command(b"DATA\r\n")
        self._reply(b"354 End data with <CR><LF>.<CR><LF>\r\n", 300)
        msg = body(n, 1200 + (n * 797) % 3600)
        for off in range(0, len(msg), MSS):
            self._emit(True, 80, msg[off:off + MSS])
            if (off // MSS) % 2 == 1:
                self._emit(False, 30, flags=ACK)    # delayed ACK, every other segment
        self._reply(b"250 2.0.0 Ok: queued as %08X\r\n" % (n * 2246822519 & 0xFFFFFFFF),
                    15000, cut=9 if n % 5 == 0 else None)
        self._command(b"QUIT\r\n")
        self._reply(b"221 2.0.0 Bye\r\n", 200)
        self._emit(False, 20, flags=FIN | ACK)
        self._emit(True, 60, flags=ACK)
        self._emit(True, 40, flags=FIN | ACK)
        self._emit(False, 60, flags=ACK)


def record(ts_us, pkt):
    sec, usec = divmod(T0 * 1000000 + ts_us, 1000000)
    return struct.pack("<IIII", sec, usec, len(pkt), len(pkt)) + pkt


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=50000, help="SMTP sessions (default 50000)")
    ap.add_argument("out", help="the pcap to write")
    args = ap.parse_args()
    if not 1 <= args.sessions <= 200 * 60000:
        ap.error("--sessions must be 1..12000000 (unique client address and port)")

    packets = replies = 0
    with open(args.out, "wb") as f:
        # Classic pcap, little-endian, microseconds, Ethernet.
        size = f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        # Merge the overlapping sessions by time: only the few open ones
        # are held, so memory stays flat whatever --sessions is.
        active, started, out = [], 0, []
        while active or started < args.sessions:
            head = min(active, key=lambda s: s.packets[s.pos][0]) if active else None
            if started < args.sessions and (
                    head is None or STRIDE_US * started <= head.packets[head.pos][0]):
                s = Session(started)
                s.pos = 0
                active.append(s)
                replies += s.replies
                started += 1
                continue
            out.append(record(*head.packets[head.pos]))
            head.pos += 1
            packets += 1
            if head.pos == len(head.packets):
                active.remove(head)
            if len(out) >= 4096:
                size += f.write(b"".join(out))
                out = []
        size += f.write(b"".join(out))
    print("sessions=%d packets=%d bytes=%d replies=%d" % (args.sessions, packets, size, replies))
    return 0


if __name__ == "__main__":
    sys.exit(main())
