#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The plugin on the plaintext Wireshark decrypts, on samples/tls/.

  test_plugin_tls.py PLUGIN_DIR TLS_SAMPLES_DIR NAME

For capture NAME (samples/tls/README.md) and its expected replies
(samples/tls/expected/NAME.jsonl):

- decrypted (the key log NAME.keys, or the pcapng's Decryption Secrets
  Block): every reply's frame, code, lines, command and TLS flag as the
  expected file says, in one pass and in two; each reply after the greeting
  linked both ways with its command's frame; the statistics tree counts
  them; the mail transaction ended inside TLS is shown whole;
- not decrypted (no key log): only the replies in clear, none marked TLS;
- Wireshark's own SMTP fields are the same with and without the plugin,
  with keys and without;
- implicit TLS on another port: the 465 capture moved to port 2465 shows
  no reply, and with Decode As (TCP port to TLS, TLS port to smtpreply)
  the same replies as on 465.
"""
import collections
import os
import re
import sys

import expected
import wsrun

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pcapfile  # noqa: E402


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


SMTP_FIELDS = ["smtp.response.code", "smtp.req.command", "smtp.req.parameter", "imf.subject"]


def capture_of(samples, name):
    for ext in (".pcap", ".pcapng"):
        path = os.path.join(samples, name + ext)
        if os.path.exists(path):
            return path
    fail("no capture %s.pcap or .pcapng in %s" % (name, samples))


def summary(frame, tree):
    return {
        "frame": frame,
        "code": int(tree["smtpreply.code"]) if "smtpreply.code" in tree else None,
        "lines": [t.get("smtpreply.text", "")
                  for t in wsrun.as_list(tree.get("smtpreply.line_tree"))],
        "command": tree.get("smtpreply.command"),
        "tls": tree.get("smtpreply.tls") == "1",
    }


def want_of(exp):
    return [{"frame": e["frame"], "code": e["code"],
             "lines": [expected.as_wireshark_text(t) for t in e["lines"]],
             "command": e["command"], "tls": e["tls"]} for e in exp]


def compare(what, got, want):
    if len(got) != len(want):
        fail("%s: %d replies shown, %d expected\n  shown %s" % (
            what, len(got), len(want), [(g["frame"], g["code"], g["tls"]) for g in got]))
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            fail("%s: reply %d differs\n  shown    %s\n  expected %s" % (what, i, g, w))


def check_replies(ts, name, cap, keys, exp):
    want = want_of(exp)
    for two in (False, True):
        got = [summary(f, t) for f, t in ts.replies(cap, extra=keys, two_pass=two)]
        compare("%s decrypted (%s)" % (name, "two passes" if two else "one pass"), got, want)
    return sum(1 for w in want if w["tls"])


def check_links(ts, name, cap, keys, exp):
    """Each reply after the greeting names its command's frame, which names
    the same verb and links back to the reply (two passes)."""
    rows = {r[0]: r for r in ts.fields(cap, ["smtpreply.request_in", "smtpreply.command",
                                            "smtpreply.request", "smtpreply.response_in"],
                                       extra=keys + ["-2"])}
    linked = 0
    for e in exp:
        if e["command"] == "<greeting>":
            continue
        row = rows[str(e["frame"])]
        req = row[1]
        if not req or int(req) >= e["frame"]:
            fail("%s frame %d (%s): request_in %r" % (name, e["frame"], e["command"], req))
        cmd_row = rows[req]
        if cmd_row[3] != e["command"]:
            fail("%s frame %s carries command %r, the reply in %d answers %r"
                 % (name, req, cmd_row[3], e["frame"], e["command"]))
        if cmd_row[4] != str(e["frame"]):
            fail("%s frame %s: response_in %r, not %d" % (name, req, cmd_row[4], e["frame"]))
        linked += 1
    return linked


def check_stats(ts, name, cap, keys, exp):
    out = ts.run(["-q", "-r", ts.stage(cap), "-z", "smtpreply,tree"] + keys).stdout.decode()
    counts = wsrun.stats_tree_counts(out)
    if counts.get(("Replies by class", None)) != len(exp):
        fail("%s: the statistics tree counts %s replies, expected %d\n%s"
             % (name, counts.get(("Replies by class", None)), len(exp), out))
    for cmd, n in collections.Counter(e["command"] for e in exp).items():
        if counts.get(("Replies by command", cmd)) != n:
            fail("%s: command %r counted %s, expected %d"
                 % (name, cmd, counts.get(("Replies by command", cmd)), n))
    return counts


def check_transaction(ts, name, cap, keys, exp):
    """Every session here sends one message to bob (250) and nobody (550)."""
    ends = [e for e in exp if e["command"] == "<end-of-data>"]
    if not ends:
        return 0
    end = ends[0]
    queue_id = re.search(r"queued as (\S+)", end["lines"][0]).group(1)
    fields = ["smtpreply.tx.status", "smtpreply.tx.end", "smtpreply.tx.mailfrom",
              "smtpreply.tx.rcpt", "smtpreply.tx.rcpt.code", "smtpreply.tx.queue_id"]
    got = {r[0]: [v.replace("\x1f", ",") for v in r[1:]]
           for r in ts.fields(cap, fields, extra=keys) if any(r[1:])}
    want = {str(end["frame"]): ["partial", "end-of-data", "alice@example.test",
                                "bob@example.test,nobody@example.test", "250,550", queue_id]}
    if got != want:
        fail("%s: transactions %s\n  expected %s" % (name, got, want))
    return 1


def check_without_keys(ts, name, cap, exp):
    clear = [e for e in exp if not e["tls"]]
    got = [summary(f, t) for f, t in ts.replies(cap)]
    compare(name + " without keys", got, want_of(clear))
    marked = [r for r in ts.fields(cap, ["smtpreply.tls"]) if r[1]]
    if marked:
        fail("%s: without keys, frames %s marked TLS" % (name, [r[0] for r in marked]))
    return len(clear)


def check_coexist(ts, name, cap, keys, exp, decrypted=True):
    """Wireshark's SMTP dissector shows the same with the plugin as without,
    and, with keys, every reply's code where the expected file has it."""
    with_plugin = ts.fields(cap, SMTP_FIELDS, extra=keys)
    without = ts.fields(cap, SMTP_FIELDS, plugin=False, extra=keys)
    if with_plugin != without:
        diff = [(a, b) for a, b in zip(with_plugin, without) if a != b][:5]
        fail("%s: SMTP fields change with the plugin: %s" % (name, diff))
    codes = {int(r[0]): int(r[1]) for r in with_plugin if r[1]}
    if decrypted and codes != {e["frame"]: e["code"] for e in exp}:
        fail("%s: smtp.response.code %s, the expected replies %s"
             % (name, codes, {e["frame"]: e["code"] for e in exp}))
    return len(codes)


def moved(cap, old, new, dest):
    """CAP with TCP port OLD written as NEW (Ethernet and IPv4, as the
    samples are); the checksums are left, as Wireshark does not check them."""
    data = bytearray(open(cap, "rb").read())
    if data[20:24] not in (b"\x01\x00\x00\x00", b"\x00\x00\x00\x01"):
        fail("%s: not an Ethernet pcap" % cap)
    changed = 0
    for off, caplen in pcapfile.record_offsets(bytes(data)):
        ip = off + 16 + 14
        if caplen < 14 + 20 or data[ip] >> 4 != 4 or data[ip + 9] != 6:
            continue
        tcp = ip + (data[ip] & 15) * 4
        for at in (tcp, tcp + 2):
            if data[at:at + 2] == old.to_bytes(2, "big"):
                data[at:at + 2] = new.to_bytes(2, "big")
                changed += 1
    if changed == 0:
        fail("%s: no packet on port %d" % (cap, old))
    with open(dest, "wb") as out:
        out.write(data)
    return dest


def check_decode_as(ts, name, cap, keys, exp):
    """Implicit TLS on a port of the user's choosing, by Decode As."""
    work = ts.folder("moved")
    other = ts.stage(moved(cap, 465, 2465, os.path.join(work, name + "-2465.pcap")))
    if ts.replies(other, extra=keys):
        fail("%s on port 2465: replies shown without Decode As" % name)
    decode_as = ["-d", "tcp.port==2465,tls", "-d", "tls.port==2465,smtpreply"]
    got = [summary(f, t) for f, t in ts.replies(other, extra=keys + decode_as)]
    compare(name + " on port 2465 with Decode As", got, want_of(exp))
    return len(got)


def main():
    plugin_dir, samples, name = sys.argv[1:4]
    cap = capture_of(samples, name)
    exp = expected.load(os.path.join(samples, "expected", name + ".jsonl"))
    if not exp or any(set(e) != {"frame", "code", "lines", "command", "tls"} for e in exp):
        fail("%s: expected file empty or not in the format of samples/tls/README.md" % name)
    key_log = os.path.join(samples, name + ".keys")
    ts = wsrun.Tshark(plugin_dir)
    try:
        ts.assert_plugin_listed()
        keys = ["-o", "tls.keylog_file:" + ts.stage(key_log)] if os.path.exists(key_log) else []
        in_tls = check_replies(ts, name, cap, keys, exp)
        linked = check_links(ts, name, cap, keys, exp)
        check_stats(ts, name, cap, keys, exp)
        tx = check_transaction(ts, name, cap, keys, exp)
        codes = check_coexist(ts, name, cap, keys, exp)
        print("%s: %d replies (%d inside TLS) as expected, one pass and two; %d linked both ways;"
              " %d transaction; Wireshark's SMTP fields unchanged (%d response codes)"
              % (name, len(exp), in_tls, linked, tx, codes))
        if name == "smtps-465":
            n = check_decode_as(ts, name, cap, keys, exp)
            print("%s moved to port 2465: no reply, then with Decode As the same %d replies"
                  % (name, n))
        # The -dsb capture carries its keys: it is always decrypted.
        if keys:
            clear = check_without_keys(ts, name, cap, exp)
            check_coexist(ts, name, cap, [], exp, decrypted=False)
            print("%s without keys: only the %d replies in clear, Wireshark's SMTP fields"
                  " unchanged" % (name, clear))
    finally:
        ts.close()


if __name__ == "__main__":
    main()
