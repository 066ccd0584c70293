#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Drafts tls/expected/NAME.jsonl and NAME.tls.json from tshark's own TLS
decryption of a capture in samples/tls/.

    tls_expected_draft.py CAPTURE OUTDIR

An aid for writing the expected files by hand, not a generator of them: it
uses tshark only (never this project's decoder).  tshark decrypts with
CAPTURE's key log beside it (NAME.keys, `-o tls.keylog_file:`) or with the
secrets inside a pcapng; Wireshark's SMTP dissector then decodes the
plaintext, after STARTTLS (its own hand-over) and on port 465 (registered
for SMTP over TLS in Wireshark 4.0, so no "Decode As" is needed).

Replies come from the dissector's tree (PDML): one per smtp.response item,
its code and its smtp.rsp.parameter items as the line texts.  They are
then compared with the server's bytes as tshark's follow streams give
them (follow,tcp,raw for the part before TLS, follow,tls,raw for the
decrypted part): any difference stops the draft, so that a dissector
mistake cannot pass into the expected file unnoticed.  Commands are paired
by order; Wireshark 4.0 names every command by its first four bytes
(STARTTLS is "STAR" with the parameter "TLS"), so the verb is taken from
smtp.command_line instead.

The TLS facts come from the same tree: ClientHello, ServerHello,
Certificate, alerts, KeyUpdates, Finished.
"""

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

SERVER_PORTS = {25, 465}


def tshark(capture, *args):
    cmd = ["tshark", "-r", capture]
    keys = re.sub(r"(-dsb)?\.pcap(ng)?$", "", capture) + ".keys"
    if capture.endswith(".pcap") and os.path.exists(keys):
        cmd += ["-o", "tls.keylog_file:" + keys]
    return subprocess.run(cmd + list(args), check=True, capture_output=True, text=True).stdout


def showname_value(showname):
    """'Cipher Suite: TLS_AES_128_GCM_SHA256 (0x1301)' -> 'TLS_AES_128_GCM_SHA256'."""
    text = showname.split(": ", 1)[1]
    return re.sub(r" \((0x[0-9a-f]+|\d+)\)$", "", text)


def showname_paren(showname):
    """'Algorithm Id: 1.2.840.113549.1.1.11 (sha256WithRSAEncryption)' -> the name."""
    return re.search(r"\(([^()]*)\)$", showname).group(1)


def packets(capture):
    root = ET.fromstring(tshark(capture, "-T", "pdml"))
    for pkt in root.iter("packet"):
        protos = {p.get("name"): p for p in pkt.iter("proto")}
        yield pkt, protos


def frame_info(protos):
    num = int(protos["frame"].find("field[@name='frame.number']").get("show"))
    tcp = protos["tcp"]
    src = int(tcp.find("field[@name='tcp.srcport']").get("show"))
    stream = int(tcp.find("field[@name='tcp.stream']").get("show"))
    return num, src, stream


def draft_replies(capture):
    replies, commands = [], []
    for pkt, protos in packets(capture):
        if "smtp" not in protos:
            continue
        num, src, _ = frame_info(protos)
        in_tls = "tls" in protos
        for smtp in pkt.findall("proto[@name='smtp']"):
            for f in smtp.findall("field"):
                name = f.get("name")
                if name == "smtp.response":
                    code = int(f.find("field[@name='smtp.response.code']").get("show"))
                    lines = [p.get("show") for p in f.findall("field[@name='smtp.rsp.parameter']")]
                    replies.append({"frame": num, "code": code, "lines": lines,
                                    "command": None, "tls": in_tls})
                elif name == "smtp.command_line" and src not in SERVER_PORTS:
                    commands.append(f.get("show").split()[0].upper() if f.get("show").strip() else "")
    # Pairing by order: the greeting first, the reply after a 354 answers
    # the end of the data, every other reply the next command.
    pending = list(commands)
    after_354 = False
    for i, r in enumerate(replies):
        if i == 0:
            r["command"] = "<greeting>"
        elif after_354:
            r["command"] = "<end-of-data>"
        else:
            r["command"] = pending.pop(0) if pending else None
        after_354 = r["code"] == 354
    return replies


def follow_server_bytes(capture, proto):
    """The server's bytes of stream 0 from tshark's follow,PROTO,raw.
    Lines of node 1 are indented with a tab.  Node 0 is the client in
    follow,tcp, but in Wireshark 4.0's follow,tls it is the client in TLS
    1.2 and the server in TLS 1.3 (and node 1's address prints as ":0"),
    so the server's side is found by node 0's port."""
    out = tshark(capture, "-q", "-z", "follow,%s,raw,0" % proto)
    node0 = re.search(r"^Node 0: .*:(\d+)$", out, re.M)
    server_indented = not (node0 and int(node0.group(1)) in SERVER_PORTS)
    body = out.split("=" * 67)[1]
    data = b""
    for line in body.splitlines():
        if not re.fullmatch(r"\t?[0-9a-f]+", line):
            continue
        if line.startswith("\t") == server_indented:
            data += bytes.fromhex(line.strip())
    return data


def replies_from_bytes(data):
    """RFC 5321 replies from a server's bytes: (code, [texts])."""
    out, cur = [], []
    for line in data.split(b"\r\n")[:-1]:
        cur.append(line[4:].decode("latin-1"))
        if line[3:4] != b"-":
            out.append((int(line[:3]), cur))
            cur = []
    return out


def check_against_follow(capture, replies):
    """Compares the drafted replies with the follow streams' bytes."""
    tls_bytes = follow_server_bytes(capture, "tls")
    clear = []
    if any(not r["tls"] for r in replies):
        tcp_bytes = follow_server_bytes(capture, "tcp")
        # The clear part ends with the 220 to STARTTLS; then TLS records.
        end = tcp_bytes.find(b"220 2.0.0 Ready to start TLS\r\n")
        if end >= 0:
            tcp_bytes = tcp_bytes[:end + len(b"220 2.0.0 Ready to start TLS\r\n")]
        # In a capture without TLS application data, the server's clear bytes
        # may be followed by records (an alert): cut at the last CRLF.
        tcp_bytes = tcp_bytes[:tcp_bytes.rfind(b"\r\n") + 2]
        clear = replies_from_bytes(tcp_bytes)
    from_bytes = [(c, l, False) for c, l in clear] + \
                 [(c, l, True) for c, l in replies_from_bytes(tls_bytes)]
    drafted = [(r["code"], r["lines"], r["tls"]) for r in replies]
    if drafted != from_bytes:
        for a, b in zip(drafted, from_bytes + [None] * len(drafted)):
            if a != b:
                sys.stderr.write("dissector: %r\nbytes:     %r\n" % (a, b))
        sys.exit("%s: the SMTP dissector's replies differ from the follow streams" % capture)


def encrypt_then_mac(hs):
    """Whether a hello carries the encrypt_then_mac extension (22, RFC 7366)."""
    return any(f.get("name") == "tls.handshake.extension.type" and f.get("show") == "22"
               for f in hs.iter("field"))


def tls_facts(capture):
    facts = {"capture": os.path.basename(capture), "keys": None, "stream": 0,
             "server": None, "transport": None,
             "version": None, "cipher_suite": None, "handshake_completed": False,
             "client_hello": None, "server_hello": None, "certificate": None,
             "alerts": [], "key_updates": [], "finished": {"client": None, "server": None}}
    if capture.endswith(".pcapng"):
        facts["keys"] = "inside the capture (Decryption Secrets Block)"
    else:
        keys = capture[:-len(".pcap")] + ".keys"
        facts["keys"] = os.path.basename(keys) if os.path.exists(keys) else None
    ccs = set()  # the sides that sent ChangeCipherSpec: TLS 1.2 encrypts after it
    for pkt, protos in packets(capture):
        if "tls" not in protos:
            continue
        num, src, _ = frame_info(protos)
        side = "server" if src in SERVER_PORTS else "client"
        if facts["server"] is None:
            ip = protos["ip"]
            tcp = protos["tcp"]
            server_ip = ip.find("field[@name='ip.%s']" % ("src" if side == "server" else "dst")).get("show")
            server_port = src if side == "server" else \
                int(tcp.find("field[@name='tcp.dstport']").get("show"))
            facts["server"] = "%s:%d" % (server_ip, server_port)
            facts["transport"] = "implicit TLS" if server_port == 465 else "STARTTLS"
        for tls in pkt.findall("proto[@name='tls']"):
            for rec in tls.findall("field[@name='tls.record']"):
                opaque = rec.find("field[@name='tls.record.opaque_type']") is not None
                ctype = rec.find("field[@name='tls.record.content_type']")
                if ctype is not None and ctype.get("show") == "20":
                    ccs.add(side)
                encrypted = opaque or (facts["version"] != "TLS 1.3" and side in ccs)
                for hs in rec.iter("field"):
                    if hs.get("name") != "tls.handshake":
                        continue
                    t = hs.find("field[@name='tls.handshake.type']")
                    if t is None:
                        continue
                    htype = int(t.get("show"))
                    if htype == 1:
                        suites = [showname_value(f.get("showname")) for f in
                                  hs.iter("field") if f.get("name") == "tls.handshake.ciphersuite"]
                        sv = [showname_value(f.get("showname")) for f in hs.iter("field")
                              if f.get("name") == "tls.handshake.extensions.supported_version"]
                        sni = [f.get("show") for f in hs.iter("field")
                               if f.get("name") == "tls.handshake.extensions_server_name"]
                        alpn = [f.get("show") for f in hs.iter("field")
                                if f.get("name") == "tls.handshake.extensions_alpn_str"]
                        legacy = hs.find("field[@name='tls.handshake.version']")
                        rv = rec.find("field[@name='tls.record.version']")
                        facts["client_hello"] = {
                            "frame": num,
                            "record_version": showname_value(rv.get("showname")),
                            "legacy_version": showname_value(legacy.get("showname")),
                            "supported_versions": sv,
                            "cipher_suites_offered": len(suites),
                            "cipher_suites": suites,
                            "sni": sni[0] if sni else None,
                            "alpn": alpn,
                            "encrypt_then_mac": encrypt_then_mac(hs),
                        }
                    elif htype == 2:
                        suite = hs.find("field[@name='tls.handshake.ciphersuite']")
                        legacy = hs.find("field[@name='tls.handshake.version']")
                        sv = [showname_value(f.get("showname")) for f in hs.iter("field")
                              if f.get("name") == "tls.handshake.extensions.supported_version"]
                        version = sv[0] if sv else showname_value(legacy.get("showname"))
                        facts["server_hello"] = {"frame": num, "version": version,
                                                 "cipher_suite": showname_value(suite.get("showname")),
                                                 "cipher_suite_id": "0x%04x" % int(suite.get("show"), 0),
                                                 "encrypt_then_mac": encrypt_then_mac(hs)}
                        facts["version"] = version
                        facts["cipher_suite"] = facts["server_hello"]["cipher_suite"]
                    elif htype == 11 and facts["certificate"] is None:
                        facts["certificate"] = certificate(hs, num, encrypted)
                    elif htype == 20:
                        facts["finished"][side] = num
                    elif htype == 24:
                        req = [f for f in hs.iter("field")
                               if f.get("name") == "tls.handshake.key_update.request_update"]
                        # Wireshark 4.0 puts the request field beside the
                        # handshake item, not under it.
                        if not req:
                            req = [f for f in rec.iter("field")
                                   if f.get("name") == "tls.handshake.key_update.request_update"]
                        facts["key_updates"].append(
                            {"frame": num, "from": side,
                             "request_update": showname_value(req[0].get("showname"))})
                for al in rec.iter("field"):
                    if al.get("name") != "tls.alert_message":
                        continue
                    level = al.find("field[@name='tls.alert_message.level']")
                    desc = al.find("field[@name='tls.alert_message.desc']")
                    facts["alerts"].append({"frame": num, "from": side,
                                            "level": int(level.get("show")),
                                            "level_name": showname_value(level.get("showname")),
                                            "description": int(desc.get("show")),
                                            "description_name": showname_value(desc.get("showname")),
                                            "encrypted": encrypted})
    fin = facts["finished"]
    facts["handshake_completed"] = fin["client"] is not None and fin["server"] is not None
    return facts


def certificate(hs, num, encrypted):
    """The first certificate of the chain: subject, issuer, validity."""
    cert = next(f for f in hs.iter("field") if f.get("name") == "tls.handshake.certificate")
    def dn(which):
        # "rdnSequence: 1 item (id-at-commonName=mail.example.test)"
        item = next(f for f in cert.iter("field") if f.get("name") == which)[0]
        return re.sub(r"^rdnSequence: \d+ items? \((.*)\)$", r"\1", item.get("showname"))
    times = [f.get("show") for f in cert.iter("field") if f.get("name") == "x509af.utcTime"]
    serial = next(f.get("show") for f in cert.iter("field") if f.get("name") == "x509af.serialNumber")
    alg = [showname_paren(f.get("showname")) for f in cert.iter("field")
           if f.get("name") == "x509af.algorithm.id"]
    return {"frame": num, "in_clear": not encrypted,
            "issuer": dn("x509af.issuer"), "subject": dn("x509af.subject"),
            "not_before": times[0], "not_after": times[1],
            "serial": serial, "signature_algorithm": alg[0], "public_key_algorithm": alg[1],
            "der": cert.get("value")}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    capture, outdir = sys.argv[1], sys.argv[2]
    name = re.sub(r"\.pcap(ng)?$", "", os.path.basename(capture))
    replies = draft_replies(capture)
    check_against_follow(capture, replies)
    facts = tls_facts(capture)
    der = facts["certificate"].pop("der") if facts["certificate"] else None
    if der:
        # Cross-check with OpenSSL: the same certificate, read from its bytes.
        out = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-subject",
                              "-issuer", "-dates"], input=bytes.fromhex(der),
                             capture_output=True, check=True).stdout.decode()
        sys.stderr.write("%s: openssl reads the certificate as:\n%s" % (name, out))
    with open(os.path.join(outdir, name + ".jsonl"), "w") as f:
        for r in replies:
            f.write(json.dumps({k: r[k] for k in ("frame", "code", "lines", "command", "tls")}) + "\n")
    with open(os.path.join(outdir, name + ".tls.json"), "w") as f:
        f.write(json.dumps(facts, indent=2) + "\n")


if __name__ == "__main__":
    main()
