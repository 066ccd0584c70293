#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The Wireshark plugin under tshark, on the bundled samples.

  test_plugin.py PLUGIN_DIR SAMPLES_DIR listed
  test_plugin.py PLUGIN_DIR SAMPLES_DIR sample NAME     one and two passes vs expected
  test_plugin.py PLUGIN_DIR SAMPLES_DIR coexist NAME    Wireshark's SMTP fields unharmed
  test_plugin.py PLUGIN_DIR SAMPLES_DIR nodesegment NAME
"""
import collections
import glob
import json
import os
import subprocess
import sys

import expected
import wsrun


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


# Where Wireshark's TCP keeps the plugin from showing what the expected file
# holds.  Each entry is asserted exactly, so a change either way is noticed.
PLUGIN_DIFFERENCES = {
    # TCP reorders only when asked; users of out-of-order captures must ask.
    "rewritten-out-of-order": {"prefs": ["-o", "tcp.reassemble_out_of_order:TRUE"]},
    # TCP drops the unfinished PDU it was reassembling when a segment is
    # lost, so the part of the EHLO reply before the gap is never handed
    # over; the plugin flags the gap on the reply after it instead.
    "rewritten-gap-multiline": {"drop": [1], "add_anomalies": {2: ["gap"]}},
    # TCP never hands over a PDU the server left unfinished at FIN.
    "scripted-unended": {"drop": [1]},
}


def plugin_view(name, exp):
    """The expected replies as the plugin can show them, and tshark options."""
    diff = PLUGIN_DIFFERENCES.get(name, {})
    shown = []
    for i, r in enumerate(exp):
        if i in diff.get("drop", []):
            continue
        r = dict(r)
        r["anomalies"] = sorted(set(r["anomalies"]) | set(diff.get("add_anomalies", {}).get(i, [])))
        shown.append(r)
    return shown, diff.get("prefs", [])


def expected_by_frame(exp):
    by_frame = collections.OrderedDict()
    for r in exp:
        by_frame.setdefault(r["frame"], []).append({
            "code": r["code"],
            "complete": r["complete"],
            "lines": [expected.as_wireshark_text(t) for t in r["lines"]],
            "anomalies": sorted(set(r["anomalies"])),
            "command": r["command"],
            "reason": r["reason"],
        })
    return by_frame


def compare(name, got, exp):
    """GOT: [(frame, summary)] from tshark; EXP: expected records."""
    keyed = all(r["frame"] is not None for r in exp)
    if keyed:
        want = [(f, r) for f, rs in expected_by_frame(exp).items() for r in rs]
        want.sort(key=lambda fr: fr[0])
        have = [(f, wsrun.reply_summary(t)) for f, t in got]
    else:
        # Out-of-order samples: compare the replies in order, frames aside.
        want = [(None, r) for rs in expected_by_frame(exp).values() for r in rs]
        have = [(None, wsrun.reply_summary(t)) for _, t in got]
    if len(have) != len(want):
        fail("%s: %d replies shown, %d expected\nshown: %s" % (
            name, len(have), len(want), [(f, h["code"]) for f, h in have]))
    for i, ((hf, h), (wf, w)) in enumerate(zip(have, want)):
        if hf != wf or h != w:
            fail("%s: reply %d differs\n  shown    frame %s %s\n  expected frame %s %s"
                 % (name, i, hf, h, wf, w))
    return len(have)


def case_listed(ts, samples, args):
    line = ts.assert_plugin_listed()
    print("listed: " + line)
    if not expected.pairs(samples):
        fail("no samples with expected replies in %s" % samples)


def find_sample(samples, name):
    for n, cap, exp in expected.pairs(samples):
        if n == name:
            return cap, expected.load(exp)
    fail("no sample " + name)


def case_sample(ts, samples, args):
    cap, exp = find_sample(samples, args[0])
    exp, prefs = plugin_view(args[0], exp)
    n1 = compare(args[0] + " (one pass)", ts.replies(cap, extra=prefs), exp)
    n2 = compare(args[0] + " (two passes)", ts.replies(cap, extra=prefs, two_pass=True), exp)
    print("%s: %d replies as expected, one pass and two passes" % (args[0], n1 if n1 == n2 else -1))
    if args[0] in PLUGIN_DIFFERENCES:
        print("  (with the documented difference: %s)" % PLUGIN_DIFFERENCES[args[0]])


# Without the plugin, Wireshark's SMTP dissector must be asked to read
# LMTP on port 24 (the plugin registers there itself and hands it on).
BASELINE_DECODE_AS = {"lmtp": ["-d", "tcp.port==24,smtp"]}

SMTP_FIELDS = ["smtp.req.command", "smtp.req.parameter", "imf.from", "imf.to",
               "imf.subject", "imf.message_id", "smtp.data.fragment.count"]


def case_coexist(ts, samples, args):
    cap, exp = find_sample(samples, args[0])
    baseline = BASELINE_DECODE_AS.get(args[0], [])
    with_plugin = ts.fields(cap, SMTP_FIELDS)
    without = ts.fields(cap, SMTP_FIELDS, plugin=False, extra=baseline)
    if with_plugin != without:
        diff = [(a, b) for a, b in zip(with_plugin, without) if a != b][:5]
        fail("%s: SMTP request/IMF fields change with the plugin: %s" % (args[0], diff))
    # Response codes: unchanged, except where the built-in dissector was
    # wrong on a split reply; there they must be the right ones.
    codes_with = {r[0]: r[1] for r in ts.fields(cap, ["smtp.response.code"]) if r[1]}
    codes_without = {r[0]: r[1] for r in ts.fields(cap, ["smtp.response.code"], plugin=False,
                                                   extra=baseline) if r[1]}
    right = collections.defaultdict(list)
    for r in exp:
        if r["frame"] is not None and r["code"] is not None:
            right[str(r["frame"])].append(str(r["code"]))
    changed = 0
    for frame in sorted(set(codes_with) | set(codes_without), key=int):
        a, b = codes_with.get(frame, ""), codes_without.get(frame, "")
        if a == b:
            continue
        changed += 1
        want = "\x1f".join(right.get(frame, []))
        if a != want:
            fail("%s frame %s: smtp.response.code %r with the plugin, %r without, %r is right"
                 % (args[0], frame, a, b, want))
    print("%s: %d rows of SMTP/IMF fields identical; %d frames of response codes corrected"
          % (args[0], len(with_plugin), changed))


def case_phantom(ts, samples, args):
    """The incumbent's failure, checked outright: a reply cut after
    "250-SIZE 52" is a reply 428 to Wireshark's SMTP dissector alone, and
    with the plugin in front of it, nowhere."""
    cap, _ = find_sample(samples, "scripted-phantom")
    without = {r[0]: r[1] for r in ts.fields(cap, ["smtp.response.code"], plugin=False)}
    with_plugin = {r[0]: r[1] for r in ts.fields(cap, ["smtp.response.code"])}
    ours = {r[0]: r[1] for r in ts.fields(cap, ["smtpreply.code"])}
    if "428" not in without.get("10", "").split("\x1f"):
        fail("without the plugin frame 10 shows %r: the sample no longer shows the bug"
             % without.get("10"))
    for name, codes in (("smtp.response.code", with_plugin), ("smtpreply.code", ours)):
        if any("428" in c.split("\x1f") for c in codes.values()):
            fail("%s still shows 428 with the plugin: %s" % (name, codes))
        if codes.get("10") != "250":
            fail("%s in frame 10 is %r, not the whole EHLO reply's 250" % (name, codes.get("10")))
    print("scripted-phantom: 428 without the plugin (frame 10: %r); 250 with it"
          % without.get("10"))


def case_links(ts, samples, args):
    """Each reply's request_in frame carries the command it answers (its
    TCP payload holds the verb, or the final dot for <end-of-data>), that
    frame links back with response_in (two passes), and the reply time is
    the two frames' time difference when the reply lies in one frame."""
    name = args[0]
    cap, exp = find_sample(samples, name)
    rows = ts.fields(cap, ["frame.time_epoch", "tcp.payload", "smtpreply.response_in",
                           "smtpreply.command", "smtpreply.request_in", "smtpreply.time",
                           "smtpreply.frame"], extra=["-2"])
    by_frame = {r[0]: r for r in rows}
    checked = 0
    for r in rows:
        frame, when, _, _, commands, request_in, times, spans = r[:8]
        for cmd, req, t in zip(commands.split("\x1f"), request_in.split("\x1f"),
                               times.split("\x1f")):
            if not req:
                continue
            cmd_row = by_frame[req]
            payload = bytes.fromhex(cmd_row[2].replace(":", "")).decode("latin-1")
            if cmd == "<end-of-data>":
                carried = "\r\n.\r\n" in "\r\n" + payload
            elif cmd.startswith("<"):
                carried = payload.endswith("\r\n")
            else:
                carried = any(line.upper().startswith(cmd.upper())
                              for line in payload.split("\r\n"))
            if not carried:
                fail("%s frame %s answers %s, but frame %s carries %r"
                     % (name, frame, cmd, req, payload[:60]))
            if frame not in cmd_row[3].split("\x1f"):
                fail("%s: frame %s's response_in is %r, not %s" % (name, req, cmd_row[3], frame))
            if not spans and t:
                want = float(when) - float(cmd_row[1])
                if abs(float(t) - want) > 2e-6:
                    fail("%s frame %s: reply time %s, frames say %.6f" % (name, frame, t, want))
            checked += 1
    want_links = sum(1 for e in exp if e["command"] and e["command"] != "<greeting>")
    if checked != want_links:
        fail("%s: %d replies linked to their command, %d expected" % (name, checked, want_links))
    print("%s: %d replies linked both ways with their command's frame" % (name, checked))


def case_ehlo(ts, samples, args):
    """The EHLO reply's capabilities are its lines after the first, keyword
    and parameters split at the first space, SIZE's value as a number."""
    name = args[0]
    cap, exp = find_sample(samples, name)
    ehlo = [e for e in exp if e["command"] == "EHLO" and e["code"] == 250][0]
    want_kw = [l.split(" ", 1)[0].split("=", 1)[0].upper() for l in ehlo["lines"][1:]]
    rows = [r for r in ts.fields(cap, ["smtpreply.ehlo.keyword", "smtpreply.ehlo.size"]) if r[1]]
    if len(rows) != 1:
        fail("%s: capabilities in %d frames, expected 1" % (name, len(rows)))
    got_kw = rows[0][1].split("\x1f")
    if got_kw != want_kw:
        fail("%s: keywords %s, expected %s" % (name, got_kw, want_kw))
    sizes = [l.split(" ", 1)[1] for l in ehlo["lines"][1:] if l.upper().startswith("SIZE ")]
    if sizes and rows[0][2] != sizes[0]:
        fail("%s: size %r, expected %r" % (name, rows[0][2], sizes[0]))
    print("%s: %d capabilities as the EHLO reply offers them (SIZE %s)"
          % (name, len(got_kw), rows[0][2] or "none"))


TX_FIELDS = ["smtpreply.argument", "smtpreply.recipient", "smtpreply.tx.status",
             "smtpreply.tx.end", "smtpreply.tx.mailfrom", "smtpreply.tx.rcpt",
             "smtpreply.tx.rcpt.code", "smtpreply.tx.rcpt.frame", "smtpreply.tx.rcpt.delivery",
             "smtpreply.tx.rcpt.delivery_frame", "smtpreply.tx.queue_id", "smtpreply.tx.size"]

# Per sample, frame -> the TX_FIELDS there (occurrences joined by ","),
# from the captures themselves: Postfix 3.7 (pipelining: bob and carol
# accepted, nobody refused, one reply to the end of the data) and Dovecot
# 2.3's LMTP (a reply per accepted recipient after the dot, in frame 29,
# and after BDAT LAST, in frame 44; carol is over quota).
TX_EXPECTED = {
    "pipelining": {
        "10": ["FROM:<alice@example.test>,TO:<bob@example.test>,TO:<carol@example.test>,"
               "TO:<nobody@example.test>", "", "", "", "", "", "", "", "", "", "", ""],
        "12": ["", "", "partial", "end-of-data", "alice@example.test",
               "bob@example.test,carol@example.test,nobody@example.test", "250,250,550",
               "10,10,10", "250,250", "12,12", "83D80108417", "280"],
    },
    "lmtp": {
        "14": ["TO:<bob@example.test>"] + [""] * 11,
        "29": ["", "bob@example.test,carol@example.test,dave@example.test", "partial",
               "end-of-data", "alice@example.test",
               "bob@example.test,nobody@example.test,carol@example.test,dave@example.test",
               "250,550,250,250", "14,17,20,23", "250,552,250", "29,29,29",
               "3szVHDKGEmufFQAAg+zDdQ", "162"],
        "44": ["50 LAST,50 LAST", "bob@example.test,carol@example.test", "partial", "end-of-data",
               "alice@example.test", "bob@example.test,carol@example.test", "250,250", "35,38",
               "250,552", "44,44", "3szVHDKGEmufFQAAg+zDdQ:T2", "160"],
    },
}


def case_transactions(ts, samples, args):
    """Arguments, LMTP recipients and the Mail transaction subtree, one
    pass and two."""
    name = args[0]
    cap, _ = find_sample(samples, name)
    for extra in ([], ["-2"]):
        rows = {r[0]: [v.replace("\x1f", ",") for v in r[1:]]
                for r in ts.fields(cap, TX_FIELDS, extra=extra)}
        for frame, want in TX_EXPECTED[name].items():
            if rows.get(frame) != want:
                fail("%s frame %s%s: %s\n  expected %s" % (name, frame, " (-2)" if extra else "",
                                                        rows.get(frame), want))
    print("%s: arguments and transactions in %d frames as expected, one pass and two"
          % (name, len(TX_EXPECTED[name])))


def case_transactions_agree(ts, samples, args):
    """On every sample, the plugin's Mail transaction trees say what the
    tool's --transactions says, transaction for transaction (the tool's
    end_frame is where the plugin shows it), and the greetings' waits after
    the SYN are the same."""
    tool = args[0]
    total = greetings = 0
    for exp in sorted(glob.glob(os.path.join(samples, "expected", "*.jsonl"))):
        name = os.path.basename(exp)[:-len(".jsonl")]
        cap, _ = find_sample(samples, name)
        # The greetings' waits after the SYN, in microseconds, as a multiset.
        replies = subprocess.run([tool, "-r", cap, "--json"], check=True,
                                 capture_output=True).stdout.decode()
        tool_waits = sorted(round(json.loads(l)["greeting_ms"] * 1000) for l in replies.splitlines()
                            if "greeting_ms" in json.loads(l))
        plugin_waits = sorted(round(float(r[1]) * 1000000)
                              for r in ts.fields(cap, ["smtpreply.greeting_time"]) if r[1])
        if tool_waits != plugin_waits:
            fail("%s: greetings after the SYN: plugin %s us, tool %s us"
                 % (name, plugin_waits, tool_waits))
        greetings += len(tool_waits)
        out = subprocess.run([tool, "-r", cap, "--transactions", "--json"], check=True,
                             capture_output=True).stdout.decode()
        want = {}
        for line in out.splitlines():
            t = json.loads(line)
            if t["end_frame"] is None:
                continue     # ended by the connection's end: no reply to show it on
            rcpts = t["recipients"]
            want.setdefault(str(t["end_frame"]), []).append([
                t["status"], t["end"], t["mailfrom"] or "",
                ",".join(r["address"] or "" for r in rcpts),
                # A reply without a code has no code field in the plugin.
                ",".join(str(r["rcpt"]["code"]) for r in rcpts
                         if r["rcpt"] and r["rcpt"]["code"] is not None),
                ",".join(str(r["data"]["code"]) for r in rcpts if r["data"]),
                t["queue_id"] or "", "" if t["size"] is None else str(t["size"])])
        fields = ["smtpreply.tx.status", "smtpreply.tx.end", "smtpreply.tx.mailfrom",
                  "smtpreply.tx.rcpt", "smtpreply.tx.rcpt.code", "smtpreply.tx.rcpt.delivery",
                  "smtpreply.tx.queue_id", "smtpreply.tx.size"]
        got = {r[0]: [v.replace("\x1f", ",") for v in r[1:]]
               for r in ts.fields(cap, fields) if any(r[1:])}
        # One frame may end two transactions (a 421 after a refused MAIL, say):
        # the plugin's occurrences then join them.
        joined = {f: [",".join(x for x in col if x != "") if len(ts_) > 1 else col[0]
                      for col in zip(*ts_)] for f, ts_ in want.items()}
        if got != joined:
            fail("%s: the plugin's transactions %s\n  the tool's %s" % (name, got, joined))
        total += sum(len(v) for v in want.values())
    if total < 20 or greetings < 30:
        fail("only %d transactions and %d greetings in all the samples: the samples changed?"
             % (total, greetings))
    print("plugin and tool agree on %d transactions and %d greetings' waits in the samples"
          % (total, greetings))


def case_stats(ts, samples, args):
    """tshark -z smtpreply,tree counts what the expected file holds."""
    name = args[0]
    cap, exp = find_sample(samples, name)
    out = ts.run(["-q", "-r", ts.stage(cap), "-z", "smtpreply,tree"]).stdout.decode()
    counts = wsrun.stats_tree_counts(out)
    classes = collections.Counter()
    commands = collections.Counter()
    names = {1: "Positive Preliminary", 2: "Positive Completion", 3: "Positive Intermediate",
             4: "Transient Negative", 5: "Permanent Negative"}
    for e in exp:
        if e["code"] is not None:
            classes[names.get(e["code"] // 100, "(no such class)")] += 1
        # Every reply counts under its command, a malformed one too.
        command = e["command"]
        commands["(none)" if command is None else command or "<empty>"] += 1
    for cls, n in classes.items():
        if counts.get(("Replies by class", cls)) != n:
            fail("%s: %r counted %s, expected %d\n%s" % (name, cls, counts.get(("Replies by class", cls)), n, out))
    for cmd, n in commands.items():
        if counts.get(("Replies by command", cmd)) != n:
            fail("%s: command %r counted %s, expected %d" % (name, cmd, counts.get(("Replies by command", cmd)), n))
    reasons = collections.Counter(e["reason"] for e in exp if e["reason"])
    shown = {k[1]: v for k, v in counts.items()
             if k[0] == "Negative replies by reason" and k[1] is not None}
    if shown != dict(reasons):
        fail("%s: reasons counted %r, expected %r" % (name, shown, dict(reasons)))
    print("%s: statistics tree counts %d classes, %d commands and %d reasons as expected"
          % (name, len(classes), len(commands), len(reasons)))


def case_severities(ts, samples, args):
    """Each anomaly's expert info has its severity from the decoder's one
    table: a violation is a Warning, a deviation a Note, an observation a
    Chat; and a negative reply's expert info names its reason."""
    warn, note, chat = 0x00600000, 0x00400000, 0x00200000
    # The start of each description in sr_anomaly.c, and its severity.
    want = {"Not a reply line": warn,                     # malformed-line: violation
            "Line ended by a bare LF": warn,              # bare-lf: violation
            "Reply code not among those": note,           # code-not-allowed: deviation
            "Octet above 0x7F": note,                     # 8bit-byte: deviation
            "Control octet": note,                        # control-byte: deviation
            "Lines of one reply carry different": chat}   # enhanced-inconsistent
    cap, _ = find_sample(samples, "scripted-malformed")
    seen = collections.defaultdict(set)
    for row in ts.fields(cap, ["_ws.expert.severity", "_ws.expert.message"]):
        for sev, msg in zip(row[1].split("\x1f"), row[2].split("\x1f")):
            for start in want:
                if msg.startswith(start):
                    seen[start].add(int(sev))
    got = {k: sorted(v) for k, v in seen.items()}
    if got != {k: [v] for k, v in want.items()}:
        fail("expert severities %r, expected %r" % (got, want))
    cap, _ = find_sample(samples, "unknown-user")
    rows = ts.fields(cap, ["_ws.expert.message"])
    messages = [m for r in rows for m in r[1].split("\x1f") if "negative reply" in m]
    if messages != ["Permanent negative reply: 550 Requested action not taken: "
                    "mailbox unavailable (user-unknown)"]:
        fail("negative replies' expert infos: %r" % messages)
    print("expert severities as the decoder's table says (%d anomalies checked); the reason "
          "in the expert info" % len(want))


def case_columns(ts, samples, args):
    """What a Wireshark user sees of unknown-user.pcap's RCPT reply: our
    fields as columns (the code a number, so it sorts as one), the Info
    line with the essentials first, and the tree header."""
    cap, _ = find_sample(samples, "unknown-user")
    columns = ('"No.","%m","Code","%Cus:smtpreply.code","Enhanced","%Cus:smtpreply.enhanced",'
               '"Command","%Cus:smtpreply.command","Argument","%Cus:smtpreply.argument",'
               '"Reason","%Cus:smtpreply.reason","Time","%Cus:smtpreply.time","Info","%i"')
    out = ts.run(["-r", ts.stage(cap), "-Y", "smtpreply.code == 550",
                  "-o", "gui.column.format:" + columns, "-T", "fields",
                  "-e", "_ws.col.Code", "-e", "_ws.col.Enhanced", "-e", "_ws.col.Command",
                  "-e", "_ws.col.Argument", "-e", "_ws.col.Reason", "-e", "_ws.col.Time",
                  "-e", "_ws.col.Info"]).stdout.decode()
    want = ["550", "5.1.1", "RCPT", "TO:<nobody@example.test>", "user-unknown", "0.000172000",
            "S: 550 5.1.1 RCPT TO:<nobody@example.test> (user-unknown) 0.172 ms: "
            "<nobody@example.test>: Recipient address rejected: User unkn\u2026"]
    if out.rstrip("\n").split("\t") != want:
        fail("columns and Info:\n  %r\nexpected\n  %r" % (out.rstrip("\n").split("\t"), want))
    # The tree header, and the code's meaning in its item's text.
    text = ts.run(["-r", ts.stage(cap), "-Y", "smtpreply.code == 550", "-V",
                   "-O", "smtpreply"]).stdout.decode()
    for line in ("SMTP Reply: 550 5.1.1 (user-unknown), answers RCPT TO:<nobody@example.test> "
                 "in 0.172 ms (1 line)",
                 "Reply code: 550 (Requested action not taken: mailbox unavailable)"):
        if line not in text:
            fail("the details lack %r:\n%s" % (line, text))
    # Sorting by code sorts numbers: 221 before 250 before 550.
    out = ts.run(["-r", ts.stage(cap), "-Y", "smtpreply", "-T", "fields",
                  "-e", "smtpreply.code"]).stdout.decode().split()
    if sorted(out, key=int) != sorted(out) or "550" not in out:
        fail("codes as numbers: %r" % out)
    print("columns, Info and the tree header as a user reads them")


def case_times(ts, samples, args):
    """tshark -z smtpreply,times: per command the replies and the minimum,
    p50, p90, p99 and maximum reply time, the same numbers as the capture
    tool's --summary (one histogram, the decoder's), on every sample."""
    tool = args[0]
    rows_seen, skipped = 0, []
    for name, cap, _ in expected.pairs(samples):
        diff = PLUGIN_DIFFERENCES.get(name, {})
        if "drop" in diff:
            skipped.append(name)    # a reply TCP never hands over has no time here
            continue
        out = ts.run(["-q", "-r", ts.stage(cap), "-z", "smtpreply,times"]
                     + diff.get("prefs", [])).stdout.decode()
        table = {}
        for line in out.splitlines():
            cells = [c.strip() for c in line.split("|")]
            if len(cells) == 8 and cells[1].isdigit():
                table[cells[0]] = [int(c) for c in cells[1:7]]
        summary = json.loads(subprocess.run(
            [tool, "-r", cap, "-q", "--summary", "--json"], check=True,
            capture_output=True).stdout.decode().splitlines()[-1])["summary"]
        want = {}
        for command, c in summary["commands"].items():
            t = c.get("latency_ms")
            if t:
                want[command or "<empty>"] = [t["count"]] + [round(t[k] * 1000) for k in
                                                               ("min", "p50", "p90", "p99", "max")]
        if table != want:
            fail("%s: smtpreply,times %r, the tool's summary %r" % (name, table, want))
        rows_seen += len(table)
    if rows_seen < 50:
        fail("only %d rows in all the samples' tables" % rows_seen)
    print("reply-time percentiles as the tool's summary, %d command rows (not compared: %s, "
          "where TCP keeps a reply from the plugin)" % (rows_seen, ", ".join(skipped)))


def case_nodesegment(ts, samples, args):
    """Desegmentation off: each segment is decoded alone.

    NAME whole: every reply of the sample sits in one segment, so the result
    is exactly the expected one.  NAME split: replies are cut across
    segments; every complete reply shown is one of the expected ones, every
    partial one is flagged, and no code is made up from a cut."""
    name, mode = args
    cap, exp = find_sample(samples, name)
    got = ts.replies(cap, extra=["-o", "smtpreply.desegment:FALSE"])
    if mode == "whole":
        n = compare(name + " (no desegmentation)", got, exp)
        print("%s: %d replies as expected without desegmentation" % (name, n))
        return
    want = [s for rs in expected_by_frame(exp).values() for s in rs]
    shown = [wsrun.reply_summary(t) for _, t in got]
    partial = [s for s in shown if not s["complete"]]
    whole = [s for s in shown if s["complete"]]
    if not partial:
        fail("%s: no partial reply shown without desegmentation" % name)
    for s in partial:
        if not set(s["anomalies"]) & {"incomplete-reply", "malformed-line", "unterminated-line"}:
            fail("%s: partial reply not flagged: %s" % (name, s))
    for s in whole:
        # Alone, the last line of a multiline reply looks like a whole reply.
        tails = [w for w in want if w["code"] == s["code"] and s["lines"]
                 and w["lines"][-len(s["lines"]):] == s["lines"]]
        if not tails:
            fail("%s: complete reply %s is not one the server sent, nor the end of one"
                 % (name, s))
    codes = {w["code"] for w in want}
    for s in shown:
        if s["code"] is not None and s["code"] not in codes:
            fail("%s: code %s made up from a cut" % (name, s["code"]))
    print("%s: without desegmentation %d replies whole and right, %d partial and flagged"
          % (name, len(whole), len(partial)))


def main():
    plugin_dir, samples, case = sys.argv[1:4]
    ts = wsrun.Tshark(plugin_dir)
    try:
        ts.assert_plugin_listed()
        globals()["case_" + case](ts, samples, sys.argv[4:])
    finally:
        ts.close()


if __name__ == "__main__":
    main()
