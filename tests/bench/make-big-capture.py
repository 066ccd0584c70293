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

Addresses are on 127.0.0.0/8 (clients 127.1.0.0/16, the server
127.0.0.25:25) and the Ethernet addresses are not the loopback
interface's, so the file can be replayed onto `lo` for a live test: the
kernel sees frames for another host and drops them, and nothing answers.

usage: make-big-capture.py (--mb N | --sessions N) OUT.pcap
Prints one line: sessions=N packets=N bytes=N replies=N reply_bytes=N
"""
import argparse
import heapq
import os
import struct
import sys

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


class Session:
    """One SMTP session: a time-ordered list of (microseconds, frame)."""

    def __init__(self, n):
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

    def _send(self, data, delay_us=150):
        self._emit(True, delay_us, data)

    def _answer(self, replies, delay_us, cut=None):
        """The server's REPLIES (each one whole reply) in one segment, or in
        two when CUT, a byte offset inside them, is given."""
        text = b"".join(replies)
        self.replies += len(replies)
        self.reply_bytes += len(text)
        if cut is None or not 0 < cut < len(text):
            self._emit(False, delay_us, text)
        else:
            self._emit(False, delay_us, text[:cut])
            self._emit(False, 60, text[cut:])

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
        for i, off in enumerate(range(0, len(msg), MSS)):
            self._send(msg[off:off + MSS], 90)
            if i % 2 == 1:
                self._emit(False, 25, flags=ACK)    # delayed ACK, every other segment
        queued = b"250 2.0.0 Ok: queued as %010X\r\n" % ((n * 2246822519 + k) & 0xFFFFFFFFFF)
        self._answer([queued], 9000, cut=11 if n % 5 == 2 else None)

    def _script(self):
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = ap.add_mutually_exclusive_group(required=True)
    size.add_argument("--mb", type=int, help="stop at the first session past N MB (10^6)")
    size.add_argument("--sessions", type=int, help="exactly N sessions")
    ap.add_argument("out", help="the pcap to write")
    args = ap.parse_args()
    limit_sessions = args.sessions if args.sessions is not None else 250 * 250 * 50000
    limit_bytes = args.mb * 1000000 if args.mb is not None else None
    if limit_sessions < 1 or (limit_bytes is not None and limit_bytes < 1):
        ap.error("the size must be at least 1")
    if limit_sessions > 250 * 250 * 50000:
        ap.error("--sessions must be at most 3125000000 (distinct client address and port)")

    sessions = packets = replies = reply_bytes = 0
    with open(args.out, "wb") as f:
        # Classic pcap, little-endian, microseconds, Ethernet.
        size = f.write(file_header(1))
        # Merge the open sessions' packets by time; only those are held.
        heap, out, written = [], [], size
        more = True
        while heap or more:
            if more and (not heap or STRIDE_US * sessions <= heap[0][0]):
                s = Session(sessions)
                heapq.heappush(heap, (s.packets[0][0], sessions, 0, s))
                sessions += 1
                replies += s.replies
                reply_bytes += s.reply_bytes
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
    print("sessions=%d packets=%d bytes=%d replies=%d reply_bytes=%d"
          % (sessions, packets, size, replies, reply_bytes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
