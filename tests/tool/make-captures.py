#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes small captures for the capture tool's tests, each beside the replies
the tool must decode from it (<name>.jsonl, one object per reply with the
keys of samples/expected: stream, code, complete, lines, anomalies).

Every capture is built packet by packet here, so each test knows exactly
which bytes were on the wire: link layers (Ethernet with VLAN/QinQ tags,
Linux SLL and SLL2, raw IP, BSD loopback), IPv4 and IPv6 with extension
headers, and TCP streams that are split, reordered, retransmitted, cut by
a gap or by the snapshot length, or reset.

usage: make-captures.py OUTDIR
"""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pcapfile import checksum, file_header, record_header  # noqa: E402

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LOOP = 108
LINKTYPE_LINUX_SLL2 = 276
LINKTYPE_IEEE802_11 = 105

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

T0 = 1700000000  # capture start, seconds since the epoch


def ip_bytes(addr):
    if ":" in addr:
        import ipaddress
        return ipaddress.IPv6Address(addr).packed
    return bytes(int(x) for x in addr.split("."))


def tcp_header(src, dst, sport, dport, seq, ack, flags, payload):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      5 << 4, flags, 65535, 0, 0)
    if len(src) == 4:
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(hdr) + len(payload))
    else:
        pseudo = src + dst + struct.pack("!IxxxB", len(hdr) + len(payload), 6)
    csum = checksum(pseudo + hdr + payload)
    return hdr[:16] + struct.pack("!H", csum) + hdr[18:]


def ipv4(src, dst, segment):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(segment), 1, 0x4000, 64, 6, 0,
                      src, dst)
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return hdr + segment


def ipv6(src, dst, segment, ext=()):
    """EXT: extension header types (0 hop-by-hop, 60 destination options)
    put before TCP, each 8 bytes with a PadN option."""
    chain = b""
    types = list(ext) + [6]
    for i, _ in enumerate(ext):
        chain += struct.pack("!BB", types[i + 1], 0) + b"\x01\x04\0\0\0\0"
    first = types[0]
    hdr = struct.pack("!IHBB16s16s", 6 << 28, len(chain) + len(segment), first, 64, src, dst)
    return hdr + chain + segment


class Endpoint:
    def __init__(self, addr, port, isn):
        self.addr = addr
        self.raw = ip_bytes(addr)
        self.port = port
        self.seq = isn


class Capture:
    """Packets of one capture file; each conversation adds to it."""

    def __init__(self, linktype=LINKTYPE_ETHERNET, link=None, snaplen=65535, ext=()):
        self.linktype = linktype
        self.link = link or (lambda ip, v6: ethernet(ip, v6))
        self.snaplen = snaplen
        self.ext = ext
        self.packets = []   # (time, bytes on the wire)
        self.time = 0.0

    def tcp(self, frm, to, flags, payload=b"", seq=None, ack=None):
        seq = frm.seq if seq is None else seq
        ack = to.seq if ack is None else ack
        seg = tcp_header(frm.raw, to.raw, frm.port, to.port, seq, ack, flags, payload) + payload
        if len(frm.raw) == 4:
            ip, v6 = ipv4(frm.raw, to.raw, seg), False
        else:
            ip, v6 = ipv6(frm.raw, to.raw, seg, self.ext), True
        self.time += 0.001
        self.packets.append((T0 + self.time, self.link(ip, v6)))

    def write_pcap(self, path, cut_in=None):
        """CUT_IN: the index of a packet whose record the file ends in."""
        out = [file_header(self.linktype, self.snaplen)]
        for n, (t, frame) in enumerate(self.packets):
            cap = frame[:self.snaplen]
            sec = int(t)
            usec = int(round((t - sec) * 1e6))
            record = record_header(sec, usec, len(cap), len(frame)) + cap
            if n == cut_in:
                out.append(record[:len(record) // 2])
                break
            out.append(record)
        out = b"".join(out)
        with open(path, "wb") as f:
            f.write(out)

    def write_pcapng(self, path):
        def block(btype, body):
            body += b"\0" * (-len(body) % 4)
            n = 12 + len(body)
            return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
        out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
        out += block(1, struct.pack("<HHI", self.linktype, 0, self.snaplen))
        for t, frame in self.packets:
            cap = frame[:self.snaplen]
            ts = int(round(t * 1e6))
            out += block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(cap),
                                        len(frame)) + cap)
        with open(path, "wb") as f:
            f.write(out)


def ethernet(ip, v6, tags=()):
    """TAGS: (TPID, VLAN id) pairs, outermost first."""
    hdr = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01"
    for tpid, vid in tags:
        hdr += struct.pack("!HH", tpid, vid)
    return hdr + struct.pack("!H", 0x86DD if v6 else 0x0800) + ip


def sll(ip, v6):
    return struct.pack("!HHH8sH", 0, 772, 6, b"\0" * 8, 0x86DD if v6 else 0x0800) + ip


def sll2(ip, v6):
    return struct.pack("!HHIHBB8s", 0x86DD if v6 else 0x0800, 0, 1, 772, 0, 6, b"\0" * 8) + ip


def null_le(ip, v6):
    return struct.pack("<I", 30 if v6 else 2) + ip


def loop_be(ip, v6):
    return struct.pack("!I", 24 if v6 else 2) + ip


def raw(ip, v6):
    return ip


class Session:
    """One TCP connection: a client and a server, replies in order."""

    def __init__(self, cap, client=("192.0.2.10", 41000), server=("192.0.2.25", 25),
                 isn=(1000, 5000)):
        self.cap = cap
        self.c = Endpoint(client[0], client[1], isn[0])
        self.s = Endpoint(server[0], server[1], isn[1])

    def handshake(self):
        self.cap.tcp(self.c, self.s, SYN, ack=0)
        self.c.seq += 1
        self.cap.tcp(self.s, self.c, SYN | ACK)
        self.s.seq += 1
        self.cap.tcp(self.c, self.s, ACK)

    def send(self, frm, data, flags=PSH | ACK):
        self.cap.tcp(frm, self.s if frm is self.c else self.c, flags, data)
        frm.seq += len(data)

    def command(self, line):
        self.send(self.c, line)
        self.cap.tcp(self.s, self.c, ACK)

    def reply(self, data):
        self.send(self.s, data)
        self.cap.tcp(self.c, self.s, ACK)

    def quit(self):
        """QUIT, "221 Bye", and both FINs."""
        self.command(b"QUIT\r\n")
        self.reply(b"221 Bye\r\n")
        self.close()

    def close(self):
        self.cap.tcp(self.c, self.s, FIN | ACK)
        self.c.seq += 1
        self.cap.tcp(self.s, self.c, FIN | ACK)
        self.s.seq += 1
        self.cap.tcp(self.c, self.s, ACK)


def expect(stream, code, lines, anomalies=(), complete=True):
    return {"stream": stream, "code": code, "complete": complete,
            "lines": [l.decode("latin-1") for l in lines], "anomalies": list(anomalies)}


# A whole session's replies, with what the tool must make of each.
GREETING = b"220 mx.example.test ESMTP ready\r\n"
EHLO = (b"250-mx.example.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
        b"250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n")
SESSION = [
    (b"EHLO client.example.test\r\n", EHLO),
    (b"MAIL FROM:<a@example.test>\r\n", b"250 2.1.0 Ok\r\n"),
    (b"RCPT TO:<nobody@example.test>\r\n",
     b"550 5.1.1 <nobody@example.test>: Recipient address rejected\r\n"),
    (b"RCPT TO:<b@example.test>\r\n", b"250 2.1.5 Ok\r\n"),
    (b"DATA\r\n", b"354 End data with <CR><LF>.<CR><LF>\r\n"),
    (b"Subject: t\r\n\r\nhello\r\n.\r\n", b"250 2.0.0 Ok: queued as 4XYZ\r\n"),
    (b"QUIT\r\n", b"221 2.0.0 Bye\r\n"),
]


def session_expected(stream):
    return [
        expect(stream, 220, [b"mx.example.test ESMTP ready"]),
        expect(stream, 250, [b"mx.example.test", b"PIPELINING", b"SIZE 10240000",
                             b"ENHANCEDSTATUSCODES", b"8BITMIME"]),
        expect(stream, 250, [b"2.1.0 Ok"]),
        expect(stream, 550, [b"5.1.1 <nobody@example.test>: Recipient address rejected"]),
        expect(stream, 250, [b"2.1.5 Ok"]),
        expect(stream, 354, [b"End data with <CR><LF>.<CR><LF>"]),
        expect(stream, 250, [b"2.0.0 Ok: queued as 4XYZ"]),
        expect(stream, 221, [b"2.0.0 Bye"]),
    ]


def full_session(cap, **kw):
    s = Session(cap, **kw)
    s.handshake()
    s.reply(GREETING)
    for cmd, rep in SESSION:
        s.command(cmd)
        s.reply(rep)
    s.close()
    return s


def write(outdir, name, cap, expected, fmt="pcap"):
    path = os.path.join(outdir, name + "." + fmt)
    if fmt == "pcapng":
        cap.write_pcapng(path)
    else:
        cap.write_pcap(path)
    with open(path + ".jsonl", "w") as f:
        for e in expected:
            f.write(json.dumps(e) + "\n")


def link_layers(outdir):
    """The same session over every supported link layer."""
    v6 = {"client": ("2001:db8::10", 41000), "server": ("2001:db8::25", 587)}
    cases = [
        ("link-vlan", Capture(LINKTYPE_ETHERNET,
                              lambda ip, v: ethernet(ip, v, [(0x8100, 100)])), {}),
        ("link-qinq", Capture(LINKTYPE_ETHERNET,
                              lambda ip, v: ethernet(ip, v, [(0x88A8, 10), (0x8100, 20)])), {}),
        ("link-sll", Capture(LINKTYPE_LINUX_SLL, sll), {}),
        ("link-sll2-ipv6", Capture(LINKTYPE_LINUX_SLL2, sll2), v6),
        ("link-raw", Capture(LINKTYPE_RAW, raw), {}),
        ("link-null", Capture(LINKTYPE_NULL, null_le), {}),
        ("link-null-ipv6", Capture(LINKTYPE_NULL, null_le), v6),
        ("link-loop", Capture(LINKTYPE_LOOP, loop_be), {}),
        ("ipv6-ext", Capture(LINKTYPE_ETHERNET, ethernet, ext=(0, 60)), v6),
    ]
    for name, cap, kw in cases:
        full_session(cap, **kw)
        write(outdir, name, cap, session_expected(0), "pcapng" if name == "ipv6-ext" else "pcap")


def split_replies(outdir):
    """Replies cut at awkward places: mid-code, between CR and LF, mid-line,
    and several replies in one segment."""
    cap = Capture()
    s = Session(cap)
    s.handshake()
    for piece in (b"2", b"20 mx ready\r", b"\n"):
        s.reply(piece)
    s.command(b"EHLO x\r\n")
    for piece in (b"250-mx.example.test\r\n250-PIPE", b"LINING\r\n25",
                  b"0-ENHANCEDSTATUSCODES\r", b"\n250 8BITMIME\r\n"):
        s.reply(piece)
    s.command(b"MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n")
    s.reply(b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n")
    s.close()
    write(outdir, "split", cap, [
        expect(0, 220, [b"mx ready"]),
        expect(0, 250, [b"mx.example.test", b"PIPELINING", b"ENHANCEDSTATUSCODES",
                        b"8BITMIME"]),
        expect(0, 250, [b"2.1.0 Ok"]),
        expect(0, 250, [b"2.1.5 Ok"]),
    ])


def out_of_order(outdir):
    """The server's segments arrive 3, 1, 2: the tool must wait and reorder."""
    cap = Capture()
    s = Session(cap)
    s.handshake()
    parts = [b"220-mx.example.test ESMTP\r\n", b"220-second line\r\n", b"220 ready\r\n"]
    base = s.s.seq
    offs = [0, len(parts[0]), len(parts[0]) + len(parts[1])]
    for i in (2, 0, 1):
        cap.tcp(s.s, s.c, PSH | ACK, parts[i], seq=base + offs[i])
    s.s.seq = base + sum(len(p) for p in parts)
    s.quit()
    write(outdir, "out-of-order", cap, [
        expect(0, 220, [b"mx.example.test ESMTP", b"second line", b"ready"]),
        expect(0, 221, [b"Bye"]),
    ])


def retransmission(outdir):
    """A plain retransmission (same bytes, ignored), then an overlapping one
    whose bytes differ: the first copy wins and the reply is flagged."""
    cap = Capture()
    s = Session(cap)
    s.handshake()
    first = b"220 mx.example.test ESMTP\r\n"
    base = s.s.seq
    s.reply(first)
    cap.tcp(s.s, s.c, PSH | ACK, first, seq=base)          # same bytes again
    s.command(b"NOOP\r\n")
    base = s.s.seq
    s.send(s.s, b"250 2.0.0 Ok\r\n")
    s.send(s.c, b"QUIT\r\n")
    # overlaps the reply just sent with other bytes, then brings new ones
    cap.tcp(s.s, s.c, PSH | ACK, b"250 2.0.0 XX\r\n221 Bye\r\n", seq=base)
    s.s.seq = base + len(b"250 2.0.0 Ok\r\n221 Bye\r\n")
    s.close()
    write(outdir, "retransmission", cap, [
        expect(0, 220, [b"mx.example.test ESMTP"]),
        expect(0, 250, [b"2.0.0 Ok"]),
        expect(0, 221, [b"Bye"], ["tcp-overlap-conflict"]),
    ])


def gap(outdir):
    """A segment of a multiline reply was never captured, but the client
    acknowledged it: the reply is cut there, and decoding resumes at the
    next reply line."""
    cap = Capture()
    s = Session(cap)
    s.handshake()
    s.reply(GREETING)
    s.command(b"EHLO x\r\n")
    s.reply(b"250-mx.example.test\r\n")
    s.s.seq += len(b"250-PIPELINING\r\n250-SIZE 1")     # lost
    s.send(s.s, b"0240000\r\n250 8BITMIME\r\n")
    cap.tcp(s.c, s.s, ACK)
    s.quit()
    write(outdir, "gap", cap, [
        expect(0, 220, [b"mx.example.test ESMTP ready"]),
        expect(0, 250, [b"mx.example.test"], ["gap", "incomplete-reply"], complete=False),
        expect(0, 250, [b"8BITMIME"], ["resync"]),
        expect(0, 221, [b"Bye"]),
    ])


def midstream(outdir):
    """The capture starts mid-session, in the middle of a reply line."""
    cap = Capture()
    s = Session(cap)
    s.reply(b"ITELINING\r\n250 8BITMIME\r\n")
    s.quit()
    write(outdir, "midstream", cap, [
        expect(0, 250, [b"8BITMIME"], ["resync"]),
        expect(0, 221, [b"Bye"]),
    ])


def midstream_client_first(outdir):
    """The capture starts inside a command: the client's bytes come first,
    and its first line is the end of a RCPT sent before the capture."""
    cap = Capture()
    s = Session(cap)
    s.command(b"T TO:<b@example.test>\r\nNOOP\r\n")
    s.reply(b"250 2.1.5 Ok\r\n250 2.0.0 Ok\r\n")
    s.quit()
    write(outdir, "midstream-client-first", cap, [
        dict(expect(0, 250, [b"2.1.5 Ok"]), command="<partial>"),
        dict(expect(0, 250, [b"2.0.0 Ok"]), command="NOOP"),
        dict(expect(0, 221, [b"Bye"]), command="QUIT"),
    ])


def reset(outdir):
    """The server resets the connection inside a multiline reply."""
    cap = Capture()
    s = Session(cap)
    s.handshake()
    s.reply(b"220-mx.example.test\r\n")
    cap.tcp(s.s, s.c, RST | ACK)
    write(outdir, "reset", cap, [
        expect(0, 220, [b"mx.example.test"], ["incomplete-reply"], complete=False),
    ])


def snaplen(outdir):
    """A snapshot length that cuts the longest segment, in the middle of a
    multiline reply whose last line comes in the next segment."""
    cap = Capture(snaplen=14 + 20 + 20 + 30)
    s = Session(cap)
    s.handshake()
    s.reply(b"220 short\r\n")
    s.command(b"EHLO x\r\n")
    s.reply(b"250-mx.example.test\r\n250-a line long enough to be cut\r\n")
    s.reply(b"250 8BITMIME\r\n")
    s.quit()
    write(outdir, "snaplen", cap, [
        expect(0, 220, [b"short"]),
        expect(0, 250, [b"mx.example.test", b"a lin"],
               ["unterminated-line", "gap", "incomplete-reply", "snaplen-truncated"],
               complete=False),
        expect(0, 250, [b"8BITMIME"]),
        expect(0, 221, [b"Bye"]),
    ])


def wraparound(outdir):
    """The server's sequence numbers pass 2^32 inside a reply."""
    cap = Capture()
    s = Session(cap, isn=(1000, 0xFFFFFFFF - 40))
    s.handshake()
    s.reply(b"220-mx.example.test ESMTP\r\n")
    s.reply(b"220-wrapping now\r\n")
    s.reply(b"220 done\r\n")
    s.quit()
    write(outdir, "wraparound", cap, [
        expect(0, 220, [b"mx.example.test ESMTP", b"wrapping now", b"done"]),
        expect(0, 221, [b"Bye"]),
    ])


def escapes(outdir):
    """Bytes a terminal or a JSON parser must not see raw."""
    cap = Capture()
    s = Session(cap)
    s.handshake()
    s.reply(b"220 esc \x1b[31m red\r\n")
    s.command(b"EHLO x\r\n")
    s.reply(b"250-caf\xc3\xa9 utf8\r\n250-bad \xe9 latin1\r\n250 q\"b\\s\ttab\r\n")
    s.command(b"NOOP\r\n")
    s.reply(b"250 nul\x00here\rcr\r\n")
    s.close()
    write(outdir, "escapes", cap, [
        expect(0, 220, [b"esc \x1b[31m red"], ["control-byte"]),
        expect(0, 250, [b"caf\xc3\xa9 utf8", b"bad \xe9 latin1", b"q\"b\\s\ttab"],
               ["8bit-byte", "8bit-byte"]),
        expect(0, 250, [b"nul\x00here\rcr"], ["bare-cr", "nul-byte"]),
    ])


def many_verbs(outdir):
    """More distinct commands than the summary counts apart (64): the rest
    are pooled.  Each reply takes longer than the one before, so reply times
    spread; an empty command line, and a reply nobody asked for."""
    cap = Capture()
    s = Session(cap)
    s.handshake()
    s.reply(b"220 mx ready\r\n")
    expected = [dict(expect(0, 220, [b"mx ready"]), command="<greeting>")]
    s.command(b"\r\n")
    s.reply(b"500 5.5.2 empty\r\n")
    expected.append(dict(expect(0, 500, [b"5.5.2 empty"]), command=""))
    for n in range(70):
        verb = b"X%02d" % n
        s.command(verb + b" arg\r\n")
        cap.time += n * 0.001
        s.reply(b"502 5.5.1 " + verb + b"\r\n")
        expected.append(dict(expect(0, 502, [b"5.5.1 " + verb]), command=verb.decode()))
    # Unsolicited, as a server may close at any time (RFC 5321 3.8): no anomaly.
    s.reply(b"421 4.4.2 idle\r\n")
    expected.append(dict(expect(0, 421, [b"4.4.2 idle"]), command=None))
    s.close()
    write(outdir, "many-verbs", cap, expected)


def two_flows(outdir):
    """Two connections interleaved, IPv4 and IPv6: flows are numbered by
    their first packet."""
    cap = Capture()
    a = Session(cap, client=("192.0.2.10", 41000))
    b = Session(cap, client=("2001:db8::10", 41001), server=("2001:db8::25", 587))
    a.handshake()
    b.handshake()
    b.reply(b"220 b ready\r\n")
    a.reply(b"220 a ready\r\n")
    a.command(b"QUIT\r\n")
    b.command(b"QUIT\r\n")
    a.reply(b"221 a bye\r\n")
    b.reply(b"221 b bye\r\n")
    a.close()
    b.close()
    write(outdir, "two-flows", cap, [
        expect(1, 220, [b"b ready"]),
        expect(0, 220, [b"a ready"]),
        expect(0, 221, [b"a bye"]),
        expect(1, 221, [b"b bye"]),
    ])


def other_traffic(outdir):
    """A session among what the default filter turns away or lets past:
    ARP, UDP, ICMP, TCP on port 80, and both fragments of a datagram to
    port 25.  Only the session's replies come out, and the summary's counts
    must be those of libpcap running the filter on every packet."""
    cap = Capture()
    s = Session(cap)
    web_c, web_s = Endpoint("192.0.2.10", 41001, 7000), Endpoint("192.0.2.80", 80, 9000)

    def raw_ip(proto, payload, frag=0):
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 7, frag, 64, proto, 0,
                          ip_bytes("192.0.2.10"), ip_bytes("192.0.2.25"))
        hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
        return hdr + payload

    def add(frame):
        cap.time += 0.001
        cap.packets.append((T0 + cap.time, frame))

    add(b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x06" + bytes(28))   # ARP
    s.handshake()
    add(ethernet(raw_ip(17, struct.pack("!HHHH", 5353, 53, 12, 0) + b"dns!"), False))
    s.reply(GREETING)
    cap.tcp(web_c, web_s, PSH | ACK, b"GET / HTTP/1.1\r\n\r\n")
    add(ethernet(raw_ip(1, b"\x08\x00\xf7\xff\x00\x00\x00\x00"), False))   # ICMP echo
    # A TCP segment to port 25 in two fragments: the first carries the
    # ports (and passes the filter), the second does not.
    seg = tcp_header(ip_bytes("192.0.2.10"), ip_bytes("192.0.2.25"), 41002, 25, 1, 0,
                     PSH | ACK, b"NOOP\r\n" * 4) + b"NOOP\r\n" * 4
    add(ethernet(raw_ip(6, seg[:24], frag=0x2000), False))
    add(ethernet(raw_ip(6, seg[24:], frag=3), False))
    for cmd, rep in SESSION:
        s.command(cmd)
        s.reply(rep)
    s.close()
    write(outdir, "other-traffic", cap, session_expected(0))


def bad_inputs(outdir):
    cap = Capture(LINKTYPE_IEEE802_11, raw)
    full_session(cap)
    cap.write_pcap(os.path.join(outdir, "bad-linktype.pcap"))

    cap = Capture()
    full_session(cap)
    # the file ends in the middle of the 221's record: that reply is lost
    last = next(n for n, (_, frame) in enumerate(cap.packets) if b"221 2.0.0" in frame)
    cap.write_pcap(os.path.join(outdir, "bad-truncated.pcap"), cut_in=last)
    with open(os.path.join(outdir, "bad-truncated.pcap.jsonl"), "w") as f:
        for e in session_expected(0)[:-1]:
            f.write(json.dumps(e) + "\n")

    with open(os.path.join(outdir, "bad-not-a-capture.txt"), "w") as f:
        f.write("220 this is text, not a capture\r\n")
    open(os.path.join(outdir, "bad-empty.pcap"), "wb").close()


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    link_layers(outdir)
    split_replies(outdir)
    out_of_order(outdir)
    retransmission(outdir)
    gap(outdir)
    midstream(outdir)
    midstream_client_first(outdir)
    reset(outdir)
    snaplen(outdir)
    wraparound(outdir)
    escapes(outdir)
    many_verbs(outdir)
    two_flows(outdir)
    other_traffic(outdir)
    bad_inputs(outdir)


if __name__ == "__main__":
    main()
