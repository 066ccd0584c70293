#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Drafts an expected-replies file from tshark's view of a capture.

    expected_draft.py CAPTURE > draft.jsonl

An aid for writing samples/expected/*.jsonl by hand, not a generator of
them: it uses tshark only (never this project's decoder), applies the
RFC 5321 reply grammar and the anomaly rules written out in
expected/README.md, and pairs replies with commands in order.  Every draft
was then read line by line against `tshark -q -z follow,tcp,ascii,N` and
corrected by hand where pairing by order is wrong (gaps, see README).

Replies are listed per tcp.stream; "frame" is the frame in which the
reply's last byte becomes available in order.
"""

import json
import re
import subprocess
import sys

SERVER_PORTS = {24, 25, 587}

# RFC 5321 and the extensions that define reply codes of their own.
REGISTERED = {211, 214, 220, 221, 235, 250, 251, 252, 253, 334, 354, 355,
              421, 432, 450, 451, 452, 453, 454, 455, 458, 459,
              500, 501, 502, 503, 504, 521, 530, 534, 535, 538,
              550, 551, 552, 553, 554, 555, 556}

# IANA's enhanced status code registry: subject.detail pairs.
ENHANCED = {(0, 0)} | {(1, d) for d in range(0, 11)} | {(2, d) for d in range(0, 5)} \
    | {(3, d) for d in range(0, 7)} | {(4, d) for d in range(0, 8)} \
    | {(5, d) for d in range(0, 7)} | {(6, d) for d in range(0, 10)} \
    | {(7, d) for d in range(0, 31) if d != 28}


def tshark_segments(path):
    out = subprocess.run(
        ["tshark", "-r", path, "-o", "tcp.relative_sequence_numbers:TRUE",
         "-o", "tcp.analyze_sequence_numbers:TRUE",
         "-T", "fields", "-e", "tcp.stream", "-e", "frame.number", "-e", "tcp.srcport",
         "-e", "tcp.dstport", "-e", "tcp.seq", "-e", "tcp.len", "-e", "tcp.payload"],
        check=True, capture_output=True, text=True).stdout
    for row in out.splitlines():
        f = row.split("\t")
        if len(f) < 7 or not f[6]:
            continue
        yield int(f[0]), int(f[1]), int(f[2]), int(f[3]), int(f[4]), bytes.fromhex(f[6])


class Stream:
    """One direction's bytes in sequence order; the first copy of a byte wins."""

    def __init__(self):
        self.segs = {}   # seq -> (frame, payload), first arrival

    def add(self, frame, seq, payload):
        self.segs.setdefault(seq, (frame, payload))

    def assemble(self):
        data = bytearray()
        frames = []
        arrived = {}     # offset -> frame of first arrival
        for seq in sorted(self.segs):
            frame, payload = self.segs[seq]
            for i, b in enumerate(payload):
                off = seq - 1 + i
                if off not in arrived or frame < arrived[off][0]:
                    arrived[off] = (frame, b)
        # Contiguous from 0 (holes are gaps: bytes after them still count).
        last_frame = 0
        for off in sorted(arrived):
            frame, b = arrived[off]
            data.append(b)
            # Available in order once it and everything before it arrived.
            last_frame = max(last_frame, frame)
            frames.append(last_frame)
        return bytes(data), frames


def split_lines(data):
    """(content, terminator) pairs; terminator is b"\\r\\n", b"\\n" or b""."""
    lines, pos = [], 0
    while pos < len(data):
        nl = data.find(b"\n", pos)
        if nl < 0:
            lines.append((data[pos:], b"", len(data)))
            break
        if nl > pos and data[nl - 1:nl] == b"\r":
            lines.append((data[pos:nl - 1], b"\r\n", nl + 1))
        else:
            lines.append((data[pos:nl], b"\n", nl + 1))
        pos = nl + 1
    return lines


LINE = re.compile(rb"^([0-9]{3})([ -]|$)")
# Three digits then anything else: clients read the digits as the code and
# the line as the last (smtplib: code = line[:3]; last unless line[3] is
# "-"); it still breaks the grammar (malformed-line).
LOOSE = re.compile(rb"^([0-9]{3})")


def enhanced(text):
    if len(text) < 2 or not text[:1].isdigit() or text[1:2] != b".":
        return None
    token = re.split(rb"[ \t]", text, 1)[0]
    m = re.fullmatch(rb"([0-9])\.([0-9]{1,3})\.([0-9]{1,3})", token)
    if not m or int(m.group(1)) not in (2, 4, 5):
        return "malformed"
    return tuple(int(x) for x in m.groups())


def replies(data, frames):
    out, cur = [], None
    for content, term, end in split_lines(data):
        m = LINE.match(content)
        loose = None if m else LOOSE.match(content)
        anomalies = set()
        if term == b"\n":
            anomalies.add("bare-lf")
        if term == b"":
            anomalies.add("unterminated-line")
        if b"\r" in content:
            anomalies.add("bare-cr")
        if b"\0" in content:
            anomalies.add("nul-byte")
        if any(b >= 0x80 for b in content):
            anomalies.add("8bit-byte")
        if any((b < 0x20 and b not in (9, 13, 0)) or b == 0x7F for b in content):
            anomalies.add("control-byte")
        if len(content) + 2 > 512:
            anomalies.add("line-too-long")
        if loose:
            anomalies.add("malformed-line")
        if not m and not loose:
            anomalies.add("malformed-line")
            text = content
            if cur is None:
                out.append(dict(code=None, complete=False, lines=[text],
                                anomalies=anomalies, end=end, enh=[]))
                continue
            cur["lines"].append(text)
            cur["anomalies"] |= anomalies
            cur["end"] = end
            continue
        if m:
            code, sep = int(m.group(1)), m.group(2)
            text = content[4:]
        else:
            code, sep = int(loose.group(1)), b""
            text = content[3:]
        if cur is None:
            cur = dict(code=code, complete=False, lines=[], anomalies=set(), end=end, enh=[])
            if code // 100 == 1:
                anomalies.add("unused-class-1yz")
            elif not 1 <= code // 100 <= 5:
                anomalies.add("invalid-class")
            if code // 10 % 10 > 5:
                anomalies.add("undefined-category")
            if code not in REGISTERED:
                anomalies.add("unregistered-code")
        elif code != cur["code"]:
            anomalies.add("code-mismatch")
        e = enhanced(text)
        if e == "malformed":
            anomalies.add("enhanced-malformed")
        elif e:
            if code // 100 in (1, 3):
                anomalies.add("enhanced-on-intermediate")
            elif e[0] != code // 100:
                anomalies.add("enhanced-class-mismatch")
            if e[1:] not in ENHANCED:
                anomalies.add("enhanced-unregistered")
            if cur["enh"] and cur["enh"][0] != e:
                anomalies.add("enhanced-inconsistent")
            cur["enh"].append(e)
        cur["lines"].append(text)
        cur["anomalies"] |= anomalies
        cur["end"] = end
        if sep != b"-" or term == b"":
            cur["complete"] = sep != b"-" and term != b""
            if not cur["complete"]:
                cur["anomalies"].add("incomplete-reply")
            out.append(cur)
            cur = None
    if cur is not None:
        cur["anomalies"].add("incomplete-reply")
        out.append(cur)
    for r in out:
        r["frame"] = frames[r["end"] - 1]
    return out


class Commands:
    """The client's commands in order, read as the replies ask for them."""

    def __init__(self, data):
        self.data, self.pos = data, 0

    def line(self):
        nl = self.data.find(b"\r\n", self.pos)
        if nl < 0:
            return None
        text = self.data[self.pos:nl]
        self.pos = nl + 2
        return text

    def next(self, mode):
        if mode == "data":
            end = self.data.find(b"\r\n.\r\n", self.pos - 2)
            if end < 0:
                return None
            self.pos = end + 5
            return "<end-of-data>"
        text = self.line()
        if text is None:
            return None
        if mode == "auth":
            return "<auth-response>"
        verb = text.split(b" ", 1)[0].decode("latin-1").upper()
        if verb == "BDAT":
            self.pos += int(text.split()[1])
        return verb


def draft(path):
    streams = {}
    for stream, frame, sport, dport, seq, payload in tshark_segments(path):
        s = streams.setdefault(stream, {"server": Stream(), "client": Stream()})
        s["server" if sport in SERVER_PORTS else "client"].add(frame, seq, payload)
    for stream in sorted(streams):
        sdata, sframes = streams[stream]["server"].assemble()
        cdata, _ = streams[stream]["client"].assemble()
        cmds = Commands(cdata)
        mode, first = "cmd", True
        for r in replies(sdata, sframes):
            if first:
                command, first = "<greeting>", False
            else:
                command = cmds.next(mode)
            mode = "cmd"
            if r["code"] == 354 and command == "DATA":
                mode = "data"
            elif r["code"] == 334:
                mode = "auth"
            yield dict(stream=stream, frame=r["frame"], code=r["code"],
                       complete=r["complete"], command=command,
                       lines=[t.decode("latin-1") for t in r["lines"]],
                       anomalies=sorted(r["anomalies"]))
            if command == "STARTTLS" and r["code"] == 220:
                break


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: expected_draft.py CAPTURE")
    for r in draft(sys.argv[1]):
        print(json.dumps(r))


if __name__ == "__main__":
    main()
