#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the TLS fixtures of test-tls into tests/unit/tls/ from the
captures in samples/tls/.

    python3 tests/unit/tls-streams.py           write them
    python3 tests/unit/tls-streams.py --check   say whether the committed ones are current

For each classic pcap NAME.pcap (Ethernet, IPv4 or IPv6, TCP) it writes:

NAME.bin    the TLS bytes of both directions in capture order: after the
            client's STARTTLS line and the server's 220 reply to it, or from
            the first byte when the server's port is 465.  A sequence of
            segments, each a 7-byte header (frame number, 4 bytes big-endian;
            direction, 1 byte, 0 client and 1 server; length, 2 bytes
            big-endian) and its payload.  TCP is put in order by sequence
            number; bytes captured twice are written once.
NAME.facts  what tshark says of it, as a GKeyFile: the facts of
            samples/tls/expected/NAME.tls.json (tshark 4.0.17 with the key
            log), and what tshark reads without keys: every TLS record's
            frame, sender and content type (for TLS 1.3, the outer type 23),
            and the length of each certificate in clear.

The .pcapng sample is left out: it is starttls-tls13-aes128.pcap again, with
its keys inside.  Needs tshark (Debian's 4.0 was used); run it after the
samples or their expected files change.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SAMPLES = os.path.join(TOP, "samples", "tls")
OUT = os.path.join(TOP, "tests", "unit", "tls")
MAX_FIXTURE = 8192

PCAP_MAGIC_US = 0xA1B2C3D4
LINKTYPE_ETHERNET = 1


def packets(path):
    """(frame, src port, dst port, seq, flags, payload) of each TCP packet."""
    with open(path, "rb") as f:
        magic, _, _, _, _, _, linktype = struct.unpack("<IHHiIII", f.read(24))
        if magic != PCAP_MAGIC_US or linktype != LINKTYPE_ETHERNET:
            sys.exit("%s: not a little-endian microsecond pcap of Ethernet frames" % path)
        frame = 0
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            _, _, incl, _ = struct.unpack("<IIII", rec)
            data = f.read(incl)
            frame += 1
            ethertype = struct.unpack_from("!H", data, 12)[0]
            ip = 14
            if ethertype == 0x0800:
                ihl = (data[ip] & 0x0F) * 4
                end = ip + struct.unpack_from("!H", data, ip + 2)[0]
                proto = data[ip + 9]
                tcp = ip + ihl
            elif ethertype == 0x86DD:
                proto = data[ip + 6]
                tcp = ip + 40
                end = tcp + struct.unpack_from("!H", data, ip + 4)[0]
            else:
                continue
            if proto != 6:
                continue
            sport, dport, seq = struct.unpack_from("!HHI", data, tcp)
            flags = data[tcp + 13]
            payload = data[tcp + (data[tcp + 12] >> 4) * 4:end]
            yield frame, sport, dport, seq, flags, payload


def streams(path):
    """Both directions' bytes in order, as (frame, client?, bytes) pieces."""
    pieces = []
    isn = {}
    nxt = {}
    client_port = server_port = None
    for frame, sport, dport, seq, flags, payload in packets(path):
        if flags & 0x02:                     # SYN: the sequence starts after it
            isn[sport] = seq + 1
            if not flags & 0x10:             # SYN without ACK: the client's
                client_port, server_port = sport, dport
        if not payload:
            continue
        if sport not in isn:
            sys.exit("%s: frame %d: data before the SYN" % (path, frame))
        off = (seq - isn[sport]) & 0xFFFFFFFF
        have = nxt.get(sport, 0)
        if off > have:
            sys.exit("%s: frame %d: bytes missing" % (path, frame))
        if off + len(payload) <= have:
            continue                         # captured twice
        payload = payload[have - off:]
        nxt[sport] = have + len(payload)
        pieces.append((frame, sport == client_port, payload))
    return pieces, server_port


def tls_part(pieces, implicit):
    """The pieces from where TLS starts in each direction."""
    if implicit:
        return pieces
    start = {True: None, False: None}
    seen = {True: b"", False: b""}
    out = []
    for frame, client, data in pieces:
        if start[client] is not None:
            out.append((frame, client, data))
            continue
        before = len(seen[client])
        seen[client] += data
        if client:
            at = seen[client].upper().find(b"STARTTLS\r\n")
            end = at + len(b"STARTTLS\r\n") if at >= 0 else -1
        else:
            # the 220 after the greeting: the answer to STARTTLS
            lines = seen[client].split(b"\r\n")
            end = -1
            pos = 0
            greeted = False
            for line in lines[:-1]:
                pos += len(line) + 2
                if line.startswith(b"220 "):
                    if greeted:
                        end = pos
                        break
                    greeted = True
        if end >= 0:
            start[client] = end
            rest = seen[client][end:]
            assert end >= before
            if rest:
                out.append((frame, client, rest))
    return out


def tshark_records(path):
    """(frame, client?, [types]) of each frame with TLS records, read with
    no keys, and the certificate lengths in clear."""
    out = subprocess.run(
        ["tshark", "-r", path, "-o", "tls.keylog_file:", "-T", "fields",
         "-e", "frame.number", "-e", "tcp.srcport", "-e", "tcp.dstport",
         "-e", "tls.record.content_type", "-e", "tls.record.opaque_type",
         "-e", "tls.handshake.certificate_length", "-E", "occurrence=a"],
        check=True, capture_output=True, text=True).stdout
    rows = []
    certs = []
    for line in out.splitlines():
        frame, sport, dport, types, opaque, certlen = line.split("\t")
        kinds = [int(x) for x in (types.split(",") if types else [])]
        kinds += [int(x) for x in (opaque.split(",") if opaque else [])]
        if kinds:
            rows.append((int(frame), int(sport), int(dport), kinds))
        if certlen:
            certs += [int(x) for x in certlen.split(",")]
    return rows, certs


def keyfile_list(values):
    return ";".join(str(v) for v in values) + (";" if values else "")


def facts(name, path, server_port, expected):
    rows, certs = tshark_records(path)
    ch = expected["client_hello"]
    sh = expected["server_hello"]
    cert = expected["certificate"]
    lines = ["# Written by tests/unit/tls-streams.py from samples/tls/%s:" % os.path.basename(path),
             "# expected/%s.tls.json (tshark with the key log) and tshark with no keys." % name,
             "[capture]",
             "transport=%s" % expected["transport"],
             "handshake_completed=%s" % str(expected["handshake_completed"]).lower(),
             "",
             "[client_hello]",
             "frame=%d" % ch["frame"],
             "record_version=%s" % ch["record_version"],
             "legacy_version=%s" % ch["legacy_version"],
             "supported_versions=%s" % keyfile_list(ch["supported_versions"]),
             "cipher_suites_offered=%d" % ch["cipher_suites_offered"],
             "cipher_suites=%s" % keyfile_list(ch["cipher_suites"]),
             "sni=%s" % (ch["sni"] or ""),
             "alpn=%s" % keyfile_list(ch["alpn"]),
             "encrypt_then_mac=%s" % str(ch["encrypt_then_mac"]).lower(),
             "",
             "[server_hello]",
             "present=%s" % str(sh is not None).lower()]
    if sh:
        lines += ["frame=%d" % sh["frame"],
                  "version=%s" % sh["version"],
                  "cipher_suite=%s" % sh["cipher_suite"],
                  "cipher_suite_id=%s" % sh["cipher_suite_id"],
                  "encrypt_then_mac=%s" % str(sh["encrypt_then_mac"]).lower()]
    lines += ["", "[certificate]", "in_clear=%s" % str(bool(cert and cert["in_clear"])).lower()]
    if cert and cert["in_clear"]:
        lines += ["frame=%d" % cert["frame"],
                  "subject=%s" % cert["subject"],
                  "issuer=%s" % cert["issuer"],
                  "serial=%s" % cert["serial"],
                  "length=%d" % certs[0]]
    clear = [a for a in expected["alerts"] if not a["encrypted"]]
    hidden = [a for a in expected["alerts"] if a["encrypted"]]
    lines += ["", "[alerts]",
              "frames=%s" % keyfile_list([a["frame"] for a in clear]),
              "from=%s" % keyfile_list([a["from"] for a in clear]),
              "levels=%s" % keyfile_list([a["level"] for a in clear]),
              "descriptions=%s" % keyfile_list([a["description"] for a in clear]),
              "names=%s" % keyfile_list([a["description_name"] for a in clear]),
              "encrypted_from=%s" % keyfile_list([a["from"] for a in hidden]),
              "", "[finished]"]
    for side in ("client", "server"):
        if expected["finished"][side] is not None:
            lines.append("%s=%d" % (side, expected["finished"][side]))
    lines += ["", "[records]",
              "# FRAME SENDER TYPE,TYPE...: content types of the records that end in it",
              "frames=%s" % keyfile_list(
                  ["%d %s %s" % (f, "server" if sp == server_port else "client",
                                 ",".join(str(k) for k in kinds))
                   for f, sp, dp, kinds in rows])]
    return "\n".join(lines) + "\n"


def build(outdir):
    names = []
    for entry in sorted(os.listdir(SAMPLES)):
        if not entry.endswith(".pcap"):
            continue
        name = entry[:-len(".pcap")]
        path = os.path.join(SAMPLES, entry)
        with open(os.path.join(SAMPLES, "expected", name + ".tls.json")) as f:
            expected = json.load(f)
        pieces, server_port = streams(path)
        implicit = expected["transport"] == "implicit TLS"
        if implicit != (server_port == 465):
            sys.exit("%s: transport %s on port %d" % (path, expected["transport"], server_port))
        blob = bytearray()
        for frame, client, data in tls_part(pieces, implicit):
            for i in range(0, len(data), 0xFFFF):
                part = data[i:i + 0xFFFF]
                blob += struct.pack("!IBH", frame, 0 if client else 1, len(part)) + part
        if len(blob) > MAX_FIXTURE:
            sys.exit("%s: %d bytes of TLS, more than a fixture should hold" % (path, len(blob)))
        with open(os.path.join(outdir, name + ".bin"), "wb") as f:
            f.write(blob)
        with open(os.path.join(outdir, name + ".facts"), "w") as f:
            f.write(facts(name, path, server_port, expected))
        names.append(name)
    return names


def main():
    if sys.argv[1:] == ["--check"]:
        with tempfile.TemporaryDirectory() as tmp:
            stale = []
            for name in build(tmp):
                for ext in (".bin", ".facts"):
                    try:
                        with open(os.path.join(OUT, name + ext), "rb") as f:
                            old = f.read()
                    except FileNotFoundError:
                        old = None
                    with open(os.path.join(tmp, name + ext), "rb") as f:
                        if f.read() != old:
                            stale.append(name + ext)
        if stale:
            sys.exit("stale, run python3 tests/unit/tls-streams.py: " + " ".join(stale))
        print("the TLS fixtures are current")
        return
    if sys.argv[1:]:
        sys.exit(__doc__)
    os.makedirs(OUT, exist_ok=True)
    for name in build(OUT):
        print("tests/unit/tls/%s.bin, .facts" % name)


if __name__ == "__main__":
    main()
