#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs smtpreply on captures and compares what it decodes, as JSON and as
text, with the expected replies beside each capture.

  check-replies.py TOOL --dir DIR        every DIR/<capture>.jsonl
  check-replies.py TOOL --samples DIR    every DIR/expected/<capture>.jsonl,
                                         the capture in DIR
  check-replies.py TOOL --times DIR --tshark TSHARK
                                         reply times on DIR's captures
                                         against tshark's frame times

An expected file holds one object per reply: stream (the TCP stream, as
tshark numbers them), code (int or null), complete, lines (each byte as the
Latin-1 character), anomalies (names), and in samples/expected the command
answered.  Streams are matched to the tool's flows by order, reply by reply
within each.  With no pairs to compare the check fails: a comparison of
nothing proves nothing.

Beside the replies: each reply's reply time (latency_ms) and, on an EHLO's
250, its capabilities (the expected lines after the first, the keyword cut
at the first space); the summary's replies by command and reply times, which
must agree with the replies, and the text output with the JSON.
"""
import argparse
import collections
import decimal
import glob
import json
import math
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import schema  # noqa: E402
from wiretext import json_text, text_escape  # noqa: E402

# The samples' expected files list the decoder's anomalies (see
# samples/expected/README.md), not the tool's TCP-level ones
# (capture-tool/flows.c).
NOT_IN_SAMPLES = {"tcp-overlap-conflict", "snaplen-truncated", "flow-evicted", "idle-timeout"}

# In the documented order; "recipient" only on an LMTP delivery reply,
# "greeting_ms" only on a greeting whose connection's SYN was captured,
# "capabilities" only on an EHLO's 250.
NUMBER, NULL = (int, float), type(None)
REPLY_KEYS = {"time": NUMBER, "flow": int, "client": str, "server": str,
              "frame": int, "file": str, "offset": int, "command": (str, NULL), "argument": (str, NULL),
              "recipient": str, "latency_ms": NUMBER + (NULL,), "greeting_ms": NUMBER,
              "code": (int, NULL), "class": (str, NULL),
              "category": (str, NULL), "meaning": (str, NULL),
              "enhanced": (str, NULL), "reason": (str, NULL), "provider": (str, NULL),
              "capabilities": list, "multiline": bool,
              "complete": bool, "tls": bool, "interrupted": bool, "lines": list, "anomalies": list,
              "anomaly_severity": dict}
SEVERITIES = ("violation", "deviation", "observation")
REASONS = ("user-unknown", "mailbox-full", "mailbox-disabled", "greylisted", "rate-limited",
           "blocklisted", "reputation", "spam", "sender-auth", "relay-denied",
           "sender-rejected", "auth-required", "auth-failed", "tls-required",
           "message-too-big", "too-many-recipients", "policy", "storage",
           "server-unavailable", "routing", "syntax", "bad-sequence", "not-implemented",
           "other")
OPTIONAL_KEYS = ("capabilities", "recipient", "greeting_ms", "file")
PERCENTILES = ("min", "p50", "p90", "p99", "max")
# The summary counts this many command names apart, in the order first
# answered, and pools the rest under OTHER.
COMMAND_NAMES, OTHER = 64, "(other)"
# The summary's histogram: a bucket spans at most 1/32 of its values.
RESOLUTION = 1 / 32


def by_stream(items, key):
    groups = {}
    for item in items:
        groups.setdefault(item[key], []).append(item)
    return [groups[k] for k in sorted(groups)]


def run(tool, capture, *args):
    p = subprocess.run([tool, "-r", capture, "--color=never", *args],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def text_output(out):
    """The text output cut into replies (header line, line texts, the
    capabilities line or None, anomaly names), and the summary's lines.
    TLS handshake blocks (check-tls.py reads them) are left out."""
    blocks, summary = [], None
    for line in out.decode("utf-8").split("\n"):
        if summary is not None:
            summary.append(line)
        elif line.startswith("Summary"):
            summary = []
        elif line[:2].isdigit() and " flow " in line:
            blocks.append({"header": line, "lines": [], "capabilities": None,
                           "anomalies": []})
        elif line.startswith(("  TLS after STARTTLS: ", "  TLS from the first byte ")):
            blocks[-1]["tls"] = True
        elif line.startswith("  | "):
            blocks[-1]["lines"].append(line[4:])
        elif line.startswith("  reason: "):
            blocks[-1]["reason"] = line[len("  reason: "):]
        elif line.startswith("  capabilities: "):
            blocks[-1]["capabilities"] = line[len("  capabilities: "):]
        elif line.startswith("  anomalies: "):
            # A name may carry what the decoder adds, "(allowed: ...)".
            shown = line[len("  anomalies: "):]
            names = re.sub(r" \(allowed: [0-9, ]+\)", "", shown)
            blocks[-1]["anomalies"].extend(names.split(", "))
            blocks[-1]["allowed_shown"] = "code-not-allowed (allowed: 2" in shown \
                or "code-not-allowed (allowed: 3" in shown or "code-not-allowed (allowed: 4" in shown
    return [b for b in blocks if not b.get("tls")], summary or []


def capabilities_of(lines):
    """What an EHLO reply with these lines offers, worked out here and not by
    the decoder: every line after the first, the keyword up to the first
    space (upper-cased), the rest its parameters; SIZE's number as size."""
    caps = []
    for line in lines[1:]:
        keyword, _, params = line.partition(" ")
        cap = {"keyword": keyword.upper(), "params": params}
        if cap["keyword"] == "SIZE" and re.match(r"\d", params):
            cap["size"] = int(re.match(r"\d+", params).group())
        caps.append(cap)
    return caps


def capabilities_text(caps):
    """The text output's capabilities line for CAPS."""
    if not caps:
        return "none"
    return ", ".join(text_escape(c["keyword"].encode()) +
                     (" " + text_escape(c["params"].encode()) if c["params"] else "")
                     for c in caps)


def ms(value):
    """A reply time as the tool prints it: milliseconds, three decimals."""
    return "%.3f" % value


def nearest_rank(values, percent):
    ordered = sorted(values)
    return ordered[max(math.ceil(len(ordered) * percent / 100), 1) - 1]


def check_reply_json(n, obj, errors):
    """Key order and types, the reply time, and where capabilities appear."""
    want_keys = [k for k in REPLY_KEYS if k not in OPTIONAL_KEYS or k in obj]
    if list(obj) != want_keys:
        errors.append("reply %d: keys %s, expected %s" % (n, list(obj), want_keys))
    for k, types in REPLY_KEYS.items():
        value = obj.get(k)
        # A bool is an int to isinstance: true is no number here.
        if k in obj and (not isinstance(value, types)
                         or (isinstance(value, bool) and types is not bool)):
            errors.append("reply %d: %s has type %s" % (n, k, type(value).__name__))
    latency, command = obj.get("latency_ms"), obj.get("command")
    # The greeting answers no command sent, so it has no reply time; every
    # reply to a command in these captures has one.
    if command in (None, "<greeting>"):
        if latency is not None:
            errors.append("reply %d (%s): latency_ms %r, expected null" % (n, command, latency))
    elif not isinstance(latency, NUMBER) or latency < 0 \
            or abs(latency * 1000 - round(latency * 1000)) > 1e-6:
        errors.append("reply %d (%s): latency_ms %r, expected whole microseconds >= 0"
                      % (n, command, latency))
    # Every anomaly named has its severity, and nothing else has one.
    severity = obj.get("anomaly_severity", {})
    if set(severity) != set(obj.get("anomalies", [])) \
            or any(v not in SEVERITIES for v in severity.values()):
        errors.append("reply %d: anomaly_severity %r for anomalies %r"
                      % (n, severity, obj.get("anomalies")))
    # A reason for every 4yz and 5yz reply, and only for them.
    code = obj.get("code")
    negative = isinstance(code, int) and code // 100 in (4, 5)
    if negative != (obj.get("reason") is not None) or \
            (negative and obj.get("reason") not in REASONS):
        errors.append("reply %d: code %r with reason %r" % (n, code, obj.get("reason")))
    if not negative and obj.get("provider") is not None:
        errors.append("reply %d: provider %r on a %r" % (n, obj.get("provider"), code))
    is_ehlo_250 = command in ("EHLO", "LHLO") and obj.get("code") == 250
    if is_ehlo_250 != ("capabilities" in obj):
        errors.append("reply %d: %s %s %s capabilities" % (
            n, command, obj.get("code"), "without" if is_ehlo_250 else "with"))


def check_summary(summary, got, expected, errors):
    """Replies by command and reply times, against the replies themselves
    and, where the expected file names commands, against it."""
    commands = summary.get("commands", {})
    counts = {name: c["replies"] for name, c in commands.items()}

    def pooled(replies):
        """Replies by command as the summary must count them: in the order
        first answered, names past the cap under OTHER, that last."""
        names = list(dict.fromkeys(r["command"] for r in replies if r["command"] is not None))
        kept = set(names[:COMMAND_NAMES])
        pool = collections.Counter(r["command"] if r["command"] in kept else OTHER
                                   for r in replies if r["command"] is not None)
        return {name: pool[name] for name in names[:COMMAND_NAMES] + [OTHER] if pool[name]}, \
            sum(r["command"] is None for r in replies), kept

    # Negative replies by reason, and anomalies by severity (each anomaly
    # listed, duplicates too, as the anomaly counts do).
    reasons = collections.Counter(r["reason"] for r in got if r["reason"])
    if summary.get("reasons") != dict(reasons):
        errors.append("summary: reasons %r, replies say %r" % (summary.get("reasons"), dict(reasons)))
    severities = collections.Counter(r["anomaly_severity"][a] for r in got for a in r["anomalies"])
    if summary.get("anomaly_severities") != {k: severities[k] for k in SEVERITIES}:
        errors.append("summary: anomaly_severities %r, replies say %r"
                      % (summary.get("anomaly_severities"), dict(severities)))
    want, without, kept = pooled(got)
    if list(counts.items()) != list(want.items()):
        errors.append("summary: replies by command %r, replies say %r" % (counts, want))
    if summary.get("without_command") != without:
        errors.append("summary: without_command %r, expected %d"
                      % (summary.get("without_command"), without))
    if all("command" in e for e in expected):
        # The file lists replies flow by flow, not in capture order: the
        # counts must agree, their order need not.
        want_file, without_file, _ = pooled(expected)
        if counts != want_file or summary.get("without_command") != without_file:
            errors.append("summary: replies by command %r (+%r without), expected file %r "
                          "(+%d without)" % (counts, summary.get("without_command"),
                                             want_file, without_file))
    for name, c in commands.items():
        times = [g["latency_ms"] for g in got
                 if g["command"] is not None and g["latency_ms"] is not None
                 and (g["command"] if g["command"] in kept else OTHER) == name]
        stats = c.get("latency_ms")
        if not times:
            if stats is not None:
                errors.append("summary %s: latency_ms %r, expected null" % (name, stats))
            continue
        if not isinstance(stats, dict) or list(stats) != ["count"] + list(PERCENTILES):
            errors.append("summary %s: latency_ms %r" % (name, stats))
            continue
        values = [stats[k] for k in PERCENTILES]
        if stats["count"] != len(times):
            errors.append("summary %s: count %r, expected %d" % (name, stats["count"], len(times)))
        # The ends are exact; percentiles are ordered and within the
        # histogram's resolution of the exact ones.
        if ms(stats["min"]) != ms(min(times)) or ms(stats["max"]) != ms(max(times)):
            errors.append("summary %s: min %r max %r, expected %r %r"
                          % (name, stats["min"], stats["max"], min(times), max(times)))
        if values != sorted(values):
            errors.append("summary %s: not min <= p50 <= p90 <= p99 <= max: %r" % (name, values))
        for key, percent in (("p50", 50), ("p90", 90), ("p99", 99)):
            exact = nearest_rank(times, percent)
            if abs(stats[key] - exact) > exact * RESOLUTION / 2 + 0.0005:
                errors.append("summary %s: %s %r, exact %r" % (name, key, stats[key], exact))


def check_text(got, summary, out, errors):
    """The text output says what the JSON says: per reply the command, the
    reply time and the capabilities; at the end, replies by command and the
    reply time table."""
    blocks, summary_lines = text_output(out)
    for n, (g, b) in enumerate(zip(got, blocks)):
        head = "  offset %d" % g["offset"]
        if g["command"] is not None:
            head += "  answers " + (g["command"] or '""')
            if g["argument"] is not None:
                head += " " + text_escape(g["argument"].encode("utf-8", "surrogateescape"))
            if "recipient" in g:
                head += " for " + text_escape(g["recipient"].encode())
            if g["latency_ms"] is not None:
                head += " in %s ms" % ms(g["latency_ms"])
            if "greeting_ms" in g:
                head += " %s ms after the SYN" % ms(g["greeting_ms"])
        if not g["complete"]:
            head += "  (incomplete)"
        if not b["header"].endswith(head):
            errors.append("text reply %d: header %r does not end with %r" % (n, b["header"], head))
        want = capabilities_text(g["capabilities"]) if "capabilities" in g else None
        if b["capabilities"] != want:
            errors.append("text reply %d: capabilities %r, JSON says %r" % (n, b["capabilities"], want))
    by_command = [l for l in summary_lines if l.startswith("  by command     ")]
    shown = by_command[0][17:].split(", ") if by_command else None
    want = ["%s %d" % (name or '""', c["replies"]) for name, c in summary["commands"].items()]
    if summary["without_command"]:
        want.append("(none) %d" % summary["without_command"])
    if shown != (want or ["none"]):
        errors.append("text summary: by command %r, JSON says %r" % (shown, want))
    rows = []
    for i, line in enumerate(summary_lines):
        if line.startswith("  reply time ms  command "):
            for row in summary_lines[i + 1:]:
                if not row.startswith(" " * 17) or not row.strip():
                    break
                rows.append(row.split())
    want_rows = [[name or '""', str(c["latency_ms"]["count"])] +
                 [ms(c["latency_ms"][k]) for k in PERCENTILES]
                 for name, c in summary["commands"].items() if c["latency_ms"]]
    if rows != want_rows:
        errors.append("text summary: reply times %r, JSON says %r" % (rows, want_rows))


def compare(tool, capture, expected_path, decoder_only):
    """Returns a list of differences; empty when all match."""
    with open(expected_path, encoding="utf-8") as f:
        expected = [json.loads(l) for l in f if l.strip()]
    errors = []
    status, out, err = run(tool, capture, "--json", "--summary")
    want_status = 4 if "truncated" in os.path.basename(capture) else 0
    if status != want_status:
        errors.append("exit status %d, expected %d (%s)" % (status, want_status, err.strip()))
    got = [schema.loads(line) for line in out.decode("utf-8").splitlines()]
    summary = got.pop()["summary"] if got and "summary" in got[-1] else None
    if summary is None:
        errors.append("no summary line")
        summary = {"commands": {}, "without_command": 0, "tls": {"handshakes": 0}}
    # A TLS handshake record for each STARTTLS the server accepted
    # (check-tls.py compares them with tshark's); the rest are replies.
    tls = [obj for obj in got if "handshake" in obj]
    got = [obj for obj in got if "handshake" not in obj]
    accepted = sum(1 for e in expected if e.get("command") == "STARTTLS" and e["code"] == 220)
    if len(tls) != accepted or summary["tls"]["handshakes"] != accepted:
        errors.append("%d TLS records (summary: %d), expected %d: one per accepted STARTTLS"
                      % (len(tls), summary["tls"]["handshakes"], accepted))
    for n, obj in enumerate(got):
        check_reply_json(n, obj, errors)
    if any(k not in obj for obj in got for k in REPLY_KEYS if k not in OPTIONAL_KEYS):
        return errors, len(got)
    if len(got) != len(expected):
        errors.append("%d replies, expected %d" % (len(got), len(expected)))
    exp_streams, got_flows = by_stream(expected, "stream"), by_stream(got, "flow")
    matched = {}   # id of each reply the tool wrote -> the expected one
    if len(exp_streams) != len(got_flows):
        errors.append("replies in %d flows, expected %d" % (len(got_flows), len(exp_streams)))
    for es, gf in zip(exp_streams, got_flows):
        where = "stream %s (flow %s)" % (es[0]["stream"], gf[0]["flow"])
        # Flows are numbered by first packet, as tshark numbers streams.
        if decoder_only and es[0]["stream"] != gf[0]["flow"]:
            errors.append("%s: flow number differs from tshark's tcp.stream" % where)
        if len(es) != len(gf):
            errors.append("%s: %d replies, expected %d" % (where, len(gf), len(es)))
        for i, (e, g) in enumerate(zip(es, gf)):
            matched[id(g)] = e
            anomalies, want_anomalies = g["anomalies"], e["anomalies"]
            if decoder_only:
                # samples/expected lists the decoder's names, sorted.
                anomalies = sorted(a for a in anomalies if a not in NOT_IN_SAMPLES)
                want_anomalies = sorted(want_anomalies)
            want_lines = [json_text(l.encode("latin-1")) for l in e["lines"]]
            if "command" in e and e["command"] != g["command"]:
                errors.append("%s reply %d: command %r, expected %r"
                              % (where, i, g["command"], e["command"]))
            # The packet that completed it, as Wireshark numbers frames (the
            # file says null where that is not well defined).
            if e.get("frame") is not None and e["frame"] != g["frame"]:
                errors.append("%s reply %d: frame %r, expected %r" % (where, i, g["frame"], e["frame"]))
            if decoder_only and e.get("reason", "absent") != g["reason"]:
                errors.append("%s reply %d: reason %r, expected %r"
                              % (where, i, g["reason"], e.get("reason", "(no reason key)")))
            for key, want, have in (("code", e["code"], g["code"]),
                                    ("complete", e["complete"], g["complete"]),
                                    ("lines", want_lines, g["lines"]),
                                    ("anomalies", want_anomalies, anomalies)):
                if want != have:
                    errors.append("%s reply %d: %s %r, expected %r" % (where, i, key, have, want))
            # An EHLO reply read whole and clean: its capabilities are its
            # lines, whatever the decoder made of them.  Not so the rest of
            # a reply that was cut: it adds to what the cut part offered.
            rest_of_cut = i > 0 and not es[i - 1]["complete"]
            if "capabilities" in g and e["complete"] and not e["anomalies"] and not rest_of_cut \
                    and g["capabilities"] != capabilities_of(want_lines):
                errors.append("%s reply %d: capabilities %r, expected %r"
                              % (where, i, g["capabilities"], capabilities_of(want_lines)))
    check_summary(summary, got, expected, errors)

    # The same replies as text: every line escaped, every anomaly named
    # (--anomalies=all), and by default the violations only.
    status, out, err = run(tool, capture)
    default_blocks, _ = text_output(out)
    for n, (g, b) in enumerate(zip(got, default_blocks)):
        violations = [a for a in g["anomalies"] if g["anomaly_severity"][a] == "violation"]
        if b["anomalies"] != violations:
            errors.append("default text reply %d: anomalies %r, the violations are %r"
                          % (n, b["anomalies"], violations))
    status, out, err = run(tool, capture, "--summary", "--anomalies=all")
    blocks, _ = text_output(out)
    if len(blocks) != len(got):
        errors.append("text: %d replies, JSON %d" % (len(blocks), len(got)))
    for n, (g, b) in enumerate(zip(got, blocks)):
        e = matched.get(id(g))
        raw = [l.encode("latin-1") for l in e["lines"]] if e else []
        for k, (shown, line) in enumerate(zip(b["lines"], raw)):
            # What the decoder did not keep, and a missing or bare-LF line
            # end, are marked after the text.
            shown = re.sub(r"( \[\d+ more bytes not kept\])?( \[no line end\])?$", "", shown)
            if not shown.endswith(text_escape(line)) and not (
                    shown.endswith("\\n") and shown[:-2].endswith(text_escape(line))):
                errors.append("text reply %d line %d: %r does not end with %r"
                              % (n, k, shown, text_escape(line)))
        if "code-not-allowed" in g["anomalies"] and not b.get("allowed_shown"):
            errors.append("text reply %d: code-not-allowed without the codes allowed" % n)
        want_reason = g["reason"] and g["reason"] + (" (%s)" % g["provider"] if g["provider"] else "")
        if b.get("reason") != want_reason:
            errors.append("text reply %d: reason %r, JSON %r" % (n, b.get("reason"), want_reason))
        if b["anomalies"] != g["anomalies"]:
            errors.append("text reply %d: anomalies %r, JSON %r" % (n, b["anomalies"], g["anomalies"]))
    check_text(got, summary, out, errors)
    return errors, len(got)


# What samples/expected/transactions/*.jsonl lists of a transaction, and
# where the tool's --transactions --json record has it.
TX_KEYS = ("trans_depth", "helo", "mailfrom", "recipients_total", "status", "end",
           "queue_id", "size", "declared_size", "lmtp", "end_frame")


def tx_code(reply):
    return reply["code"] if reply else None


def compare_transactions(tool, capture, expected_path):
    """The tool's transactions against the hand-checked file: every key,
    every listed recipient and its replies' codes and frames.  A frame the
    file gives as null (a reply held behind a gap) is not compared."""
    with open(expected_path, encoding="utf-8") as f:
        expected = [json.loads(l) for l in f if l.strip()]
    errors = []
    status, out, err = run(tool, capture, "--json", "--transactions")
    if status != 0:
        errors.append("transactions: exit status %d (%s)" % (status, err.strip()))
    got = [schema.loads(line) for line in out.decode("utf-8").splitlines()]
    # Written as each ends, so flows interleave; the file lists them by stream.
    got.sort(key=lambda t: (t["flow"], t["trans_depth"]))
    if len(got) != len(expected):
        errors.append("%d transactions, expected %d" % (len(got), len(expected)))
    for e, g in zip(expected, got):
        where = "stream %d transaction %d" % (e["stream"], e["trans_depth"])
        pairs = [("flow", e["stream"], g["flow"]), ("mail", e["mail"], tx_code(g["mail"]))]
        pairs += [(k, e[k], g[k]) for k in TX_KEYS]
        pairs.append(("recipients listed", len(e["recipients"]), len(g["recipients"])))
        pairs.append(("rcptto", [r["address"] for r in e["recipients"]], g["rcptto"]))
        for n, (er, gr) in enumerate(zip(e["recipients"], g["recipients"])):
            pairs += [("recipient %d address" % n, er["address"], gr["address"]),
                      ("recipient %d rcpt" % n, er["rcpt"], tx_code(gr["rcpt"])),
                      ("recipient %d data" % n, er["data"], tx_code(gr["data"]))]
            for key, frame in (("rcpt", er["rcpt_frame"]), ("data", er["data_frame"])):
                if frame is not None:
                    pairs.append(("recipient %d %s frame" % (n, key), frame,
                                  gr[key]["frame"] if gr[key] else None))
        accepted = sum(1 for r in e["recipients"] if r["rcpt"] is not None and r["rcpt"] // 100 == 2)
        if e["recipients_total"] == len(e["recipients"]):
            pairs.append(("recipients_accepted", accepted, g["recipients_accepted"]))
        for key, want, have in pairs:
            if want != have:
                errors.append("%s: %s %r, expected %r" % (where, key, have, want))
    return errors, len(got)


# Reply times measured here from tshark's frame times, never from the tool:
# (capture, the reply's command and code, the client bytes its command's
# line starts at or after, how far into them it starts).  The tool measures
# from the packet that brought the command's first byte to the one that
# brought the reply's first byte: scripted-split's RCPT reply comes one byte
# a packet over a second, so measuring to its last byte would show.
TIMED = [
    ("pipelining.pcap", "RCPT", 550, b"RCPT TO:<nobody@", 0),
    ("pipelining.pcap", "EHLO", 250, b"EHLO ", 0),
    ("pipelining.pcap", "<end-of-data>", 250, b"\r\n.\r\n", 2),
    ("ehlo.pcap", "EHLO", 250, b"EHLO ", 0),
    ("scripted-split.pcap", "RCPT", 250, b"RCPT TO:<bob@", 0),
    ("scripted-split.pcap", "QUIT", 221, b"QUIT\r\n", 0),
    ("scripted-multiline-frames.pcap", "HELP", 214, b"HELP\r\n", 0),
]
SERVER_PORTS = {"24", "25", "587"}


def tshark_streams(tshark, capture):
    """Per (tcp.stream, server side?): the payload bytes by relative
    sequence number, and each payload frame's (first offset, length, time,
    frame number)."""
    p = subprocess.run([tshark, "-r", capture, "-n", "-o", "tcp.relative_sequence_numbers:TRUE",
                        "-T", "fields", "-E", "separator=\t", "-e", "frame.number",
                        "-e", "frame.time_epoch",
                        "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "tcp.seq",
                        "-e", "tcp.len", "-e", "tcp.payload"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    streams = {}
    for row in p.stdout.decode().splitlines():
        frame, when, stream, sport, seq, length, payload = (row.split("\t") + [""] * 7)[:7]
        if not length or int(length) == 0:
            continue
        side = streams.setdefault((int(stream), sport in SERVER_PORTS),
                                  {"bytes": bytearray(), "frames": []})
        start = int(seq) - 1     # the SYN takes sequence number 0
        data = bytes.fromhex(payload.replace(":", ""))
        if len(side["bytes"]) < start + len(data):
            side["bytes"].extend(b"\0" * (start + len(data) - len(side["bytes"])))
        side["bytes"][start:start + len(data)] = data
        side["frames"].append((start, len(data), decimal.Decimal(when), int(frame)))
    return streams


def first_frame(side, offset):
    """The first packet carrying stream byte OFFSET: (time, frame number)."""
    for start, length, when, frame in side["frames"]:
        if start <= offset < start + length:
            return when, frame
    return None


def check_times(tool, samples, tshark):
    failed = 0
    for capture, command, code, starts, skip in TIMED:
        path = os.path.join(samples, capture)
        status, out, err = run(tool, path, "--json")
        replies = [r for r in (json.loads(l, parse_float=decimal.Decimal)
                               for l in out.decode().splitlines()) if "handshake" not in r]
        reply = next((r for r in replies if r["command"] == command and r["code"] == code), None)
        streams = tshark_streams(tshark, path)
        name = "%s %s %d" % (capture, command, code)
        if reply is None:
            print("not ok %s: no such reply" % name)
            failed += 1
            continue
        client, server = streams[(reply["flow"], False)], streams[(reply["flow"], True)]
        at = client["bytes"].find(starts)
        sent = first_frame(client, at + skip) if at >= 0 else None
        answered = first_frame(server, reply["offset"])
        if sent is None or answered is None:
            print("not ok %s: command or reply not found in tshark's frames" % name)
            failed += 1
            continue
        want = (answered[0] - sent[0]) * 1000
        have = reply["latency_ms"]
        ok = have is not None and abs(have - want) < decimal.Decimal("0.001")
        print("%s %s: latency_ms %s; tshark: frame %d at %s, frame %d at %s: %s ms"
              % ("ok" if ok else "not ok", name, have, sent[1], sent[0], answered[1],
                 answered[0], want.normalize()))
        failed += not ok
    greeted, bad = check_greetings(tool, samples, tshark)
    failed += bad
    print("%d passed, %d failed" % (len(TIMED) + greeted - failed, failed))
    return 1 if failed else 0


def check_greetings(tool, samples, tshark):
    """Every greeting of a connection whose SYN was captured says how long
    after the SYN it began (greeting_ms): tshark's SYN frame to the frame of
    the greeting's first byte.  Returns (greetings checked, failures)."""
    checked = failed = 0
    for capture in sorted(os.listdir(samples)):
        if not capture.endswith((".pcap", ".pcapng")):
            continue
        path = os.path.join(samples, capture)
        status, out, err = run(tool, path, "--json")
        p = subprocess.run([tshark, "-r", path, "-n", "-Y", "tcp.flags.syn==1 && tcp.flags.ack==0",
                            "-T", "fields", "-e", "tcp.stream", "-e", "frame.time_epoch"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
        syns = {}
        for row in p.stdout.decode().splitlines():
            stream, when = row.split("\t")
            syns.setdefault(int(stream), decimal.Decimal(when))
        streams = None
        for line in out.decode().splitlines():
            r = json.loads(line, parse_float=decimal.Decimal)
            if r.get("command") != "<greeting>":
                continue
            name = "%s flow %d greeting" % (capture, r["flow"])
            if r["flow"] not in syns:
                ok = "greeting_ms" not in r
                print("%s %s: no SYN captured, greeting_ms %s" % ("ok" if ok else "not ok", name,
                                                                 r.get("greeting_ms", "absent")))
            else:
                streams = streams or tshark_streams(tshark, path)
                first = first_frame(streams[(r["flow"], True)], r["offset"])
                want = (first[0] - syns[r["flow"]]) * 1000
                have = r.get("greeting_ms")
                ok = have is not None and abs(have - want) < decimal.Decimal("0.001")
                print("%s %s: greeting_ms %s; tshark: SYN at %s, frame %d at %s: %s ms"
                      % ("ok" if ok else "not ok", name, have, syns[r["flow"]], first[1], first[0],
                         want.normalize()))
            checked += 1
            failed += not ok
    if checked < 30:
        print("not ok: only %d greetings in the samples" % checked)
        failed += 1
    return checked, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--dir")
    where.add_argument("--samples")
    where.add_argument("--times")
    ap.add_argument("--tshark")
    args = ap.parse_args()

    if args.times:
        if not args.tshark:
            ap.error("--times needs --tshark")
        return check_times(args.tool, args.times, args.tshark)

    pairs = []
    if args.dir:
        for exp in sorted(glob.glob(os.path.join(args.dir, "*.jsonl"))):
            pairs.append((exp[:-len(".jsonl")], exp))
    else:
        for exp in sorted(glob.glob(os.path.join(args.samples, "expected", "*.jsonl"))):
            stem = os.path.basename(exp)[:-len(".jsonl")]
            cands = [os.path.join(args.samples, stem + ext) for ext in ("", ".pcapng", ".pcap")]
            cap = next((c for c in cands if os.path.isfile(c)), None)
            if cap is None:
                print("not ok %s: no capture for %s" % (stem, exp))
                pairs.append((None, exp))
            else:
                pairs.append((cap, exp))
    if not pairs:
        print("not ok: no captures with expected replies found")
        return 1

    failed = 0
    for cap, exp in pairs:
        if cap is None:
            failed += 1
            continue
        errors, n = compare(args.tool, cap, exp, decoder_only=bool(args.samples))
        name = os.path.basename(cap)
        tx_note = ""
        if args.samples:
            tx_exp = os.path.join(os.path.dirname(exp), "transactions", os.path.basename(exp))
            if os.path.isfile(tx_exp):
                tx_errors, n_tx = compare_transactions(args.tool, cap, tx_exp)
                errors += tx_errors
                tx_note = ", %d transactions" % n_tx
            else:
                errors.append("no %s" % tx_exp)
        if errors:
            failed += 1
            print("not ok %s" % name)
            for e in errors[:20]:
                print("    " + e)
        else:
            print("ok %s: %d replies%s" % (name, n, tx_note))
    print("%d passed, %d failed" % (len(pairs) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
