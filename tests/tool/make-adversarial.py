#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes hostile captures for the capture tool, each with a normal,
well-formed session beside the hostile one, and says what the tool must
make of each (<name>.json: the normal session's replies, the anomalies and
counts the hostile part must show, the peak memory allowed).

The big ones (a 100 MB line, a reply of a million lines, a million
half-open flows) are written as they are made, never held in memory.
Nothing is random: the same arguments give the same bytes.

usage: make-adversarial.py [--small] OUTDIR [CASE ...]
  --small   the big cases at a tenth of their size (CI)
"""
import importlib.util
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_captures",
                                               os.path.join(HERE, "make-captures.py"))
mc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mc)

SYN, PSH, ACK, FIN = mc.SYN, mc.PSH, mc.ACK, mc.FIN
NORMAL_CLIENT = ("192.0.2.10", 41000)
HOSTILE_CLIENT = ("198.51.100.7", 50000)
HOSTILE_SERVER = ("192.0.2.66", 25)
SEGMENT = 60000          # big segments: fewer packets to write for the big cases
MIB = 1024 * 1024


class StreamCapture(mc.Capture):
    """make-captures.py's Capture, each packet written to PATH as it comes."""

    def __init__(self, path, snaplen=65535):
        super().__init__(snaplen=snaplen)
        self.file = open(path, "wb", buffering=MIB)
        self.file.write(mc.file_header(mc.LINKTYPE_ETHERNET, snaplen))
        self.packets = self     # Capture.tcp() appends here
        self.count = 0

    def append(self, packet):
        t, frame = packet
        cap = frame[:self.snaplen]
        usec = int(round(t * 1e6))
        self.file.write(mc.record_header(usec // 1000000, usec % 1000000, len(cap), len(frame)))
        self.file.write(cap)
        self.count += 1

    def raw(self, frame, step=0.001):
        """A frame built by hand (fragments, bogus headers)."""
        self.time += step
        self.append((mc.T0 + self.time, frame))

    def close(self):
        self.file.close()


class ChunkedSession(mc.Session):
    """A session whose segments carry at most CHUNK bytes each."""

    def __init__(self, cap, chunk=None, **kw):
        super().__init__(cap, **kw)
        self.chunk = chunk

    def send(self, frm, data, flags=PSH | ACK):
        step = self.chunk or max(len(data), 1)
        for i in range(0, max(len(data), 1), step):
            super().send(frm, data[i:i + step], flags)


def normal_steps(s):
    """The normal session of make-captures.py, one step at a time, so the
    hostile traffic can be woven between its steps."""
    yield s.handshake
    yield lambda: s.reply(mc.GREETING)
    for cmd, rep in mc.SESSION:
        yield lambda cmd=cmd: s.command(cmd)
        yield lambda rep=rep: s.reply(rep)
    yield s.close


def normal_expected():
    commands = ["<greeting>", "EHLO", "MAIL", "RCPT", "RCPT", "DATA", "<end-of-data>", "QUIT"]
    return {"client": "%s:%d" % NORMAL_CLIENT,
            "replies": [[c, e["code"]] for c, e in zip(commands, mc.session_expected(0))]}


class Weave:
    """Runs the normal session's steps one at a time between hostile ones."""

    def __init__(self, cap, chunk=None):
        self.session = ChunkedSession(cap, chunk=chunk, client=NORMAL_CLIENT)
        self.steps = normal_steps(self.session)

    def step(self, n=1):
        for _ in range(n):
            f = next(self.steps, None)
            if f:
                f()

    def rest(self):
        for f in self.steps:
            f()


def hostile(cap, isn=(7000, 90000)):
    s = ChunkedSession(cap, client=HOSTILE_CLIENT, server=HOSTILE_SERVER, isn=isn)
    return s


def start(path, snaplen=65535, chunk=None, handshake=True):
    """A capture at PATH, the normal session to weave in, the hostile one."""
    cap = StreamCapture(path, snaplen=snaplen)
    w = Weave(cap, chunk=chunk)
    h = hostile(cap)
    if handshake:
        h.handshake()
    return cap, w, h


def finish(cap, w, h, steps=4):
    """STEPS more of the normal session, the hostile one's QUIT, the rest."""
    w.step(steps)
    h.command(b"QUIT\r\n")
    h.reply(b"221 Bye\r\n")
    h.close()
    w.rest()
    cap.close()


def send_big(s, chunks):
    """Server bytes from the iterable CHUNKS, SEGMENT bytes a packet, the
    client acknowledging every tenth."""
    n = 0
    for data in chunks:
        for i in range(0, len(data), SEGMENT):
            s.send(s.s, data[i:i + SEGMENT])
            n += 1
            if n % 10 == 0:
                s.cap.tcp(s.c, s.s, ACK)


def case_long_line(path, small):
    """A greeting of 100 MB with no line end, then the connection closes."""
    size = (10 if small else 100) * MIB
    cap, w, h = start(path, handshake=False)
    w.step(3)
    h.handshake()
    block = b"x" * (10 * SEGMENT)
    send_big(h, [b"220 "] + [block] * (size // len(block)) + [b"x" * (size % len(block))])
    w.step(4)
    h.close()
    w.rest()
    cap.close()
    return {"hostile": [["<greeting>", 220]],
            "anomalies": {"line-over-cap": 1, "line-too-long": 1, "unterminated-line": 1,
                          "incomplete-reply": 1},
            "size": "%d MiB line" % (size // MIB)}


def case_million_lines(path, small):
    """An EHLO reply of a million lines, then a normal end of session."""
    lines = 100000 if small else 1000000
    cap, w, h = start(path)
    h.reply(b"220 hostile ESMTP\r\n")
    w.step(3)
    h.command(b"EHLO x\r\n")

    def body():
        yield b"250-hostile\r\n"
        for start in range(0, lines, 5000):
            yield b"".join(b"250-X-CAP%07d\r\n" % i for i in range(start, min(start + 5000, lines)))
        yield b"250 END\r\n"
    send_big(h, body())
    w.step(6)
    finish(cap, w, h, steps=0)
    cuts = (lines + 2 + 999) // 1000 - 1
    return {"hostile": [["<greeting>", 220]] + [["EHLO", 250]] * (cuts + 1) + [["QUIT", 221]],
            "anomalies": {"reply-too-long": cuts},
            "max_capabilities": 100,
            "size": "%d lines" % lines}


def syn_frame(i):
    """Client I's SYN to the hostile server, checksums left 0 (not read)."""
    src = bytes((10, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF))
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 1, 0x4000, 64, 6, 0, src,
                     mc.ip_bytes(HOSTILE_SERVER[0]))
    tcp = struct.pack("!HHIIBBHHH", 1024 + (i % 60000), 25, (i * 7919) & 0xFFFFFFFF, 0, 5 << 4, SYN, 65535, 0, 0)
    return mc.ethernet(ip + tcp, False)


def case_million_flows(path, small):
    """A million half-open flows (one SYN each) while a normal session goes
    on, and a second session that falls silent during the flood."""
    flows = 100000 if small else 1000000
    cap = StreamCapture(path)
    w = Weave(cap)
    silent = ChunkedSession(cap, client=("192.0.2.11", 42000), isn=(3000, 4000))
    silent.handshake()
    silent.reply(b"220 quiet ESMTP\r\n")
    silent.command(b"NOOP\r\n")
    silent.reply(b"250 2.0.0 Ok\r\n")
    w.step(4)
    for i in range(flows):
        cap.raw(syn_frame(i), step=1e-6)
        # The normal session keeps talking (or at least acknowledging):
        # a flow heard from within the last max-flows new ones stays.
        if i % 1000 == 999:
            if i % 50000 == 49999:
                w.step()
            else:
                cap.tcp(w.session.c, w.session.s, ACK)
    w.rest()
    silent.command(b"QUIT\r\n")
    silent.reply(b"221 2.0.0 Bye\r\n")
    silent.close()
    cap.close()
    return {"silent": {"client": "192.0.2.11:42000",
                       "replies": [["<greeting>", 220], ["NOOP", 250], ["QUIT", 221]]},
            "summary_min": {"flows_evicted": flows - 4096, "flows": flows},
            "size": "%d flows" % flows}


def case_overlap(path, small):
    """Retransmissions that cover bytes already had with other bytes: in
    order, and inside a segment queued out of order.  The first copy wins,
    so the reply reads as first sent."""
    cap, w, h = start(path)
    w.step(3)
    text = b"220-first line\r\n220-second line\r\n220 third line\r\n"
    base = h.s.seq
    cap.tcp(h.s, h.c, PSH | ACK, text[:20], seq=base)
    cap.tcp(h.s, h.c, PSH | ACK, text[10:20].upper(), seq=base + 10)   # had, differs
    cap.tcp(h.s, h.c, PSH | ACK, text[35:], seq=base + 35)             # ahead: queued
    cap.tcp(h.s, h.c, PSH | ACK, b"Y" * 10, seq=base + 37)              # inside the queued
    cap.tcp(h.s, h.c, PSH | ACK, text[20:35], seq=base + 20)
    h.s.seq = base + len(text)
    finish(cap, w, h)
    return {"hostile": [["<greeting>", 220], ["QUIT", 221]],
            "hostile_lines": [["first line", "second line", "third line"], ["Bye"]],
            "anomalies": {"tcp-overlap-conflict": 1},
            "summary": {"overlap_conflicts": 2}}


def case_gap(path, small):
    """A segment lost in the middle of an EHLO reply, and one lost inside
    the final line of the next."""
    cap, w, h = start(path)
    h.reply(b"220 hostile ESMTP\r\n")
    w.step(3)
    h.command(b"EHLO x\r\n")
    h.reply(b"250-hostile\r\n250-PIPELINING\r\n")
    h.s.seq += len(b"250-SIZE 1000\r\n")             # never on the wire
    h.reply(b"250 8BITMIME\r\n")
    w.step(4)
    h.command(b"EHLO again\r\n")
    h.reply(b"250-hostile\r\n250 SIZE 10")
    h.s.seq += len(b"00\r\n")
    h.command(b"MAIL FROM:<a@example.test>\r\n")
    h.reply(b"250 2.1.0 Ok\r\n")
    finish(cap, w, h, steps=0)
    return {"hostile": [["<greeting>", 220], ["EHLO", 250], ["EHLO", 250], ["EHLO", 250],
                        ["MAIL", 250], ["QUIT", 221]],
            "anomalies": {"gap": 2, "incomplete-reply": 2}}


def case_midstream(path, small):
    """The capture starts in the middle of a reply."""
    cap, w, h = start(path, handshake=False)
    h.send(h.s, b"ITELINING\r\n250-SIZE 5\r\n250 HELP\r\n")
    w.step(3)
    h.command(b"MAIL FROM:<>\r\n")
    h.reply(b"250 2.1.0 Ok\r\n")
    finish(cap, w, h, steps=0)
    return {"hostile": [[None, 250], ["MAIL", 250], ["QUIT", 221]],
            "anomalies": {"resync": 1}}


def case_snaplen(path, small):
    """Snapshot length 64: the hostile session's segments are cut, the
    normal one sends at most 10 bytes a segment (14 + 20 + 20 + 10)."""
    cap, w, h = start(path, snaplen=64, chunk=10)
    h.reply(b"220 hostile ESMTP, a greeting longer than the snapshot\r\n")
    finish(cap, w, h, steps=5)
    return {"hostile": [["<greeting>", 220], ["QUIT", 221]],
            "anomalies": {"snaplen-truncated": 1, "gap": 1}}


def fragments(ip, size):
    """IPv4 packet IP as fragments of SIZE payload bytes (a multiple of 8)."""
    hdr, payload = ip[:20], ip[20:]
    out = []
    for off in range(0, len(payload), size):
        part = payload[off:off + size]
        more = 0x2000 if off + size < len(payload) else 0
        h = hdr[:2] + struct.pack("!H", 20 + len(part)) + hdr[4:6] \
            + struct.pack("!H", more | off // 8) + hdr[8:10] + b"\0\0" + hdr[12:]
        out.append(h + part)
    return out


def hostile_frame(h, payload):
    seg = mc.tcp_header(h.s.raw, h.c.raw, h.s.port, h.c.port, h.s.seq, h.c.seq, PSH | ACK,
                        payload) + payload
    return mc.ipv4(h.s.raw, h.c.raw, seg)


def case_fragments(path, small):
    """A reply sent in IPv4 fragments (not reassembled: a gap)."""
    cap, w, h = start(path)
    h.reply(b"220 hostile ESMTP\r\n")
    h.command(b"EHLO x\r\n")
    data = b"250-hostile\r\n250-PIPELINING\r\n250 8BITMIME\r\n"
    for frag in fragments(hostile_frame(h, data), 24):
        cap.raw(mc.ethernet(frag, False))
    h.s.seq += len(data)
    finish(cap, w, h)
    return {"hostile": [["<greeting>", 220], ["QUIT", 221]],
            "anomalies": {"gap": 1},
            # Only the first fragment holds the TCP ports: the default
            # filter turns the others away.
            "summary": {"ip_fragments": 1}}


def case_bogus_headers(path, small):
    """Copies of a reply's packet with lying IP and TCP header lengths,
    each before the real one: all malformed, none changing the stream."""
    cap, w, h = start(path)
    h.reply(b"220 hostile ESMTP\r\n")
    h.command(b"EHLO x\r\n")
    data = b"250-hostile\r\n250 8BITMIME\r\n"
    good = hostile_frame(h, data)
    total = len(good)
    bogus = [
        bytes([0x44]) + good[1:],                                     # IHL 16 < 20
        bytes([0x4F]) + good[1:],                                     # IHL 60 > total of header
        good[:2] + struct.pack("!H", 19) + good[4:],                  # total < IHL
        good[:2] + struct.pack("!H", total + 200) + good[4:],         # total past the wire
        good[:32] + bytes([0x40]) + good[33:],                        # TCP offset 16 < 20
        good[:32] + bytes([0xF0]) + good[33:],                        # TCP offset past the segment
    ]
    for b in bogus:
        cap.raw(mc.ethernet(b, False))
    cap.raw(mc.ethernet(good, False))
    h.s.seq += len(data)
    finish(cap, w, h)
    return {"hostile": [["<greeting>", 220], ["EHLO", 250], ["QUIT", 221]],
            "hostile_clean": True,
            # The two whose IHL moves the TCP ports are turned away by the
            # default filter; the other four are read and found malformed.
            "summary": {"malformed_packets": 4}}


def case_escapes(path, small):
    """Reply text with ANSI escape sequences, C1 controls, DEL and NULs, and
    a client verb with them too (the text output and summary name it)."""
    cap, w, h = start(path)
    h.reply(b"220 \x1b[2J\x1b[H\x1b]0;pwned\x07 hostile\x00ESMTP\r\n")
    w.step(3)
    h.command(b"EHLO x\r\n")
    h.reply(b"250-\x1b[31mred\x1b[0m\r\n250-C1 \xc2\x9b6n and \x9b6n\x7f\r\n"
            b"250 \x00\x00\x08\x08\x08X-\x1bP+q\x1b\\\r\n")
    h.command(b"\x1b[2J\x00\x9b\r\n")
    h.reply(b"500 5.5.2 what\r\n")
    finish(cap, w, h)
    return {"hostile": [["<greeting>", 220], ["EHLO", 250], ["?[2J??", 500],
                        ["QUIT", 221]],
            # one of each kind a line: ESC in the greeting; ESC, DEL,
            # backspace in three lines of the EHLO reply
            "anomalies": {"control-byte": 4, "nul-byte": 2}}


CASES = {
    "long-line": case_long_line,
    "million-lines": case_million_lines,
    "million-flows": case_million_flows,
    "overlap": case_overlap,
    "gap": case_gap,
    "midstream": case_midstream,
    "snaplen": case_snaplen,
    "fragments": case_fragments,
    "bogus-headers": case_bogus_headers,
    "escapes": case_escapes,
}


def make(outdir, name, small):
    """Writes OUTDIR/NAME.pcap; returns what the tool must make of it."""
    path = os.path.join(outdir, name + ".pcap")
    expected = CASES[name](path, small)
    expected["normal"] = normal_expected()
    return path, expected


def main():
    args = sys.argv[1:]
    small = "--small" in args
    args = [a for a in args if a != "--small"]
    outdir, names = args[0], args[1:] or list(CASES)
    os.makedirs(outdir, exist_ok=True)
    for name in names:
        path, expected = make(outdir, name, small)
        with open(path[:-len(".pcap")] + ".json", "w") as f:
            json.dump(expected, f)


if __name__ == "__main__":
    main()
