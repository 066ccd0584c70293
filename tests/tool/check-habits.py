#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The tool in everyday troubleshooting: -Y selection, --format=line, -l,
Ctrl-C in the middle of a reply, several -r files as one capture, tcpdump's
option habits, times, the hint when nothing is found, the summary's
servers, enhanced codes and slowest replies, the usage line, and the bash
completion.

usage: check-habits.py SMTPREPLY CAPTURES_DIR SAMPLES_DIR COMPLETION_FILE
"""
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pcapfile  # noqa: E402
import schema  # noqa: E402
from tap import check  # noqa: E402
import tap  # noqa: E402

TOOL, CAPS, SAMPLES, COMPLETION = sys.argv[1:5]
UTF8 = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")


def cap(name):
    return os.path.join(CAPS, name)


def sample(name):
    return os.path.join(SAMPLES, name)


def run(*args, stdin=None, env=None):
    p = subprocess.run([TOOL, *args], input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, timeout=120)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def json_lines(out):
    """Every line checked against docs/smtpreply.schema.json too."""
    return [schema.loads(l) for l in out.splitlines() if l]


# --- -Y: selection after decoding -----------------------------------------
SEL = sample("many-sessions.pcap")
rc, out, err = run("-r", SEL, "--json")
every = json_lines(out)
failures = [r for r in every if r["code"] is not None and r["code"] >= 500]
rcpt_4_5 = [r for r in every if r["command"] == "RCPT" and r["code"] is not None
            and r["code"] >= 400]
check("many-sessions: 75 replies to select from", rc == 0 and len(every) == 75
      and len(failures) > 0, len(every))

rc, out, err = run("-r", SEL, "--json", "-Y", "code >= 500")
check("-Y 'code >= 500': exactly the 5yz replies, same records",
      rc == 0 and json_lines(out) == failures, "%d vs %d" % (len(json_lines(out)), len(failures)))
rc, out, err = run("-r", SEL, "--json", "--select", 'command == "RCPT" and code >= 400')
check("-Y 'command == \"RCPT\" and code >= 400'", rc == 0 and json_lines(out) == rcpt_4_5
      and len(rcpt_4_5) > 0, "%d vs %d" % (len(json_lines(out)), len(rcpt_4_5)))
rc, out, err = run("-r", SEL, "--json", "-Y", 'not (class == 2) or enhanced contains "5.1."')
want = [r for r in every if not (r["code"] is not None and r["code"] // 100 == 2)
        or (r["enhanced"] or "").find("5.1.") >= 0]
check("-Y: not, or, contains, parentheses", rc == 0 and json_lines(out) == want, len(want))
rc, out, err = run("-r", SEL, "-q", "--summary", "--json", "-Y", "code >= 500")
s = json_lines(out)[0]["summary"]
check("-Y: the summary counts every reply and says how many were selected",
      rc == 0 and s["replies"] == len(every) and s["selected"] == len(failures), s)
rc, out, err = run("-r", SEL, "-q", "--summary", "-Y", "code >= 500", "--color=never")
check("-Y: the text summary says it too",
      "  selected       %d of %d replies (-Y)\n" % (len(failures), len(every)) in out, out)
rc, out, err = run("-r", SEL, "--json", "-Y", "code >= 500", "-c", "2")
check("-Y with -c 2: the first two selected", rc == 0 and json_lines(out) == failures[:2])
rc, out, err = run("-r", SEL, "--json", "-Y", "code >= ")
check("-Y: a bad expression is one line quoting it, exit 1",
      rc == 1 and out == "" and err.count("\n") == 1 and err.startswith('smtpreply: -Y "code >= "'),
      err)
rc, out, err = run("-r", SEL, "-Y", "colour == 5")
check("-Y: an unknown field is named", rc == 1 and "colour" in err and err.count("\n") == 1, err)
rc, out, err = run("-r", SEL, "-Y", "code >= 500", "--transactions")
check("-Y does not go with --transactions", rc == 1 and "--transactions" in err, err)

# --- --format=line ---------------------------------------------------------
rc, out, err = run("-r", cap("escapes.pcap"), "--format=line", "--color=never")
lines = out.splitlines()
check("line: one line per reply", rc == 0 and len(lines) == len(json_lines(
    run("-r", cap("escapes.pcap"), "--json")[1])), out)
check("line: the greeting, exactly", lines[0] ==
      "2023-11-14 22:13:20.004000Z flow 0 frame 4 192.0.2.10:41000 > 192.0.2.25:25: "
      "<greeting> -> 220: esc \\x1b[31m red", lines[0])
check("line: the rest of the lines counted, anomalies named",
      lines[1].endswith(" EHLO x -> 250 2.000 ms: caf\u00e9 utf8 (+2 lines)")
      and lines[2].endswith(": nul\\x00here\\rcr [anomalies: bare-cr, nul-byte]"), lines)
rc, out, err = run("-r", cap("link-vlan.pcap"), "--format", "line", "--color=never")
lines = out.splitlines()
check("line: command, argument, code, enhanced code, reason, time, text, more lines",
      any(" RCPT TO:<" in l and " -> 550 5.1.1 [user-unknown] " in l and " ms: " in l
          for l in lines), out)
rc, out, err = run("-r", cap("gap.pcap"), "--format=line", "--color=never")
check("line: incomplete said, with its anomalies",
      "EHLO x -> 250 2.000 ms: mx.example.test (incomplete) [anomalies: gap, "
      "incomplete-reply]\n" in out, out)
rc, out, err = run("-r", cap("gap.pcap"), "--format=xml")
check("--format: a bad value", rc == 1 and err ==
      'smtpreply: --format: "xml" is not one of block, line, json\n', err)
rc, out, err = run("-r", cap("gap.pcap"), "--format=line", "--json")
check("--json and --format=line disagree", rc == 1 and "disagree" in err, err)

# --- times ------------------------------------------------------------------
rc, out, err = run("-r", cap("escapes.pcap"), "--format=line", "--time=relative")
check("--time=relative: seconds since the first packet",
      out.splitlines()[0].startswith("0.003000 flow 0 frame 4 "), out[:200])
rc, out, err = run("-r", cap("escapes.pcap"), "--format=line", "--time=local",
                   env=dict(os.environ, TZ="XYZ-2"))
check("--time=local: the zone's time and offset",
      out.splitlines()[0].startswith("2023-11-15 00:13:20.004000+02:00 flow 0 "), out[:200])
rc, out, err = run("-r", cap("escapes.pcap"), "--time=mars")
check("--time: a bad value", rc == 1 and "--time" in err and err.count("\n") == 1, err)

# --- -l: each reply as it is decoded, into a pipe ---------------------------
head, recs = pcapfile.read_records(cap("split.pcap"))


def first_line_within(args, seconds):
    """Feeds all but the last packets of split.pcap through a pipe kept open;
    returns the first line of output seen within SECONDS, or None."""
    p = subprocess.Popen([TOOL, "-r", "-", "--json", *args], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(head + b"".join(recs[:8]))
    p.stdin.flush()
    ready, _, _ = select.select([p.stdout], [], [], seconds)
    line = p.stdout.readline() if ready else None
    p.send_signal(signal.SIGINT)
    p.communicate(timeout=10)
    return line


line = first_line_within(["-l"], 5)
check("-l: the greeting is out while the pipe is still open",
      line is not None and json.loads(line)["code"] == 220, line)
check("without -l into a pipe, output waits (batched)", first_line_within([], 1.5) is None)

# --- Ctrl-C in the middle of a reply is not damage --------------------------


def interrupted_run(n_packets, wait_code, args):
    """split.pcap's first N_PACKETS through a pipe; once the reply WAIT_CODE
    is out (-l), Ctrl-C.  Returns exit code, JSON objects and stderr."""
    p = subprocess.Popen([TOOL, "-r", "-", "--json", "-l", "--summary", *args],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(head + b"".join(recs[:n_packets]))
    p.stdin.flush()
    got = b""
    deadline = time.time() + (10 if wait_code else 1)
    while time.time() < deadline:
        ready, _, _ = select.select([p.stdout], [], [], 0.5)
        if ready:
            got += os.read(p.stdout.fileno(), 65536)
            if wait_code and (b'"code":%d' % wait_code) in got:
                break
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=10)
    return p.returncode, json_lines((got + out).decode()), err.decode()


# Frames: the greeting ends in 8 ("\n"), EHLO is 10, and 12 is the EHLO
# reply's first piece, "250-mx.example.test\r\n250-PIPE".
rc, objs, err = interrupted_run(12, 220, [])
replies = [o for o in objs if "summary" not in o]
s = objs[-1].get("summary", {})
ehlo = replies[-1] if replies else {}
check("Ctrl-C mid-reply: exit 0, nothing on stderr", rc == 0 and err == "", err)
check("Ctrl-C mid-reply: the open reply is written, marked interrupted, no anomalies",
      len(replies) == 2 and ehlo.get("command") == "EHLO" and ehlo.get("code") == 250
      and ehlo.get("interrupted") is True and ehlo.get("complete") is False
      and ehlo.get("lines") == ["mx.example.test", "PIPE"] and ehlo.get("anomalies") == [],
      objs)
check("Ctrl-C mid-reply: the summary counts it interrupted, not incomplete, no anomaly",
      (s.get("interrupted"), s.get("interrupted_replies"), s.get("incomplete"),
       s.get("anomalies"), s.get("unanswered_commands")) == (True, 1, 0, {}, 0), s)
# Through frame 20, the client's MAIL and RCPT, whose replies never came.
rc, objs, err = interrupted_run(20, None, [])
s = objs[-1].get("summary", {})
check("Ctrl-C with commands waiting: none counted unanswered",
      rc == 0 and s.get("unanswered_commands") == 0 and s.get("interrupted") is True
      and s.get("replies") == 2, objs)
# Through frame 22, their replies: the transaction is open.
rc, objs, err = interrupted_run(22, None, ["--transactions"])
txs = [o for o in objs if "summary" not in o]
check("Ctrl-C with a transaction open: it ends \"interrupted\", unfinished",
      rc == 0 and len(txs) == 1 and txs[0]["end"] == "interrupted"
      and txs[0]["status"] == "unfinished" and txs[0]["mailfrom"] == "a@example.test"
      and txs[0]["rcptto"] == ["b@example.test"], objs)

# --- several -r: one capture -------------------------------------------------
head, recs = pcapfile.read_records(SEL)
cut = len(recs) // 2
tmp = tempfile.mkdtemp()
part_a, part_b = os.path.join(tmp, "ring_00001.pcap"), os.path.join(tmp, "ring_00002.pcap")
with open(part_a, "wb") as f:
    f.write(head + b"".join(recs[:cut]))
with open(part_b, "wb") as f:
    f.write(head + b"".join(recs[cut:]))
rc, out, err = run("-r", part_a, "-r", part_b, "--json")
both = json_lines(out)
strip = [{k: v for k, v in r.items() if k not in ("file", "frame")} for r in both]
check("two -r files read as one capture: the same replies as the whole file",
      rc == 0 and strip == [{k: v for k, v in r.items() if k != "frame"} for r in every],
      "%d vs %d" % (len(both), len(every)))
check("two -r files: each record names its file, frames count from 1 in each",
      all((r["file"], r["frame"]) == ((part_a, w["frame"]) if w["frame"] <= cut
                                      else (part_b, w["frame"] - cut))
          for r, w in zip(both, every)) and len(both) == len(every),
      [(r.get("file"), r.get("frame")) for r in both[:3]])
check("one -r file: no file key", "file" not in every[0], every[0])
rc, out, err = run("-r", part_a, "-r", part_b, "--transactions", "--json")
rc2, out2, err2 = run("-r", SEL, "--transactions", "--json")
check("two -r files: transactions carry over", rc == 0 and len(json_lines(out)) ==
      len(json_lines(out2)) > 0, (len(json_lines(out)), len(json_lines(out2))))
rc, out, err = run("-r", part_a, "-r", "/nonexistent/b.pcap", "--json")
check("a second file that cannot be opened: the first file's replies, then the error",
      rc == 2 and len(json_lines(out)) > 0
      and err == "smtpreply: /nonexistent/b.pcap: No such file or directory\n", err)
rc, out, err = run("-r", "-", "-r", part_a)
check("standard input cannot be one of several", rc == 1 and "standard input" in err, err)

# --- tcpdump's habits ---------------------------------------------------------
rc, out, err = run("-c1", "-r" + cap("link-vlan.pcap"), "--json")
check("-c1 -rFILE: values attached", rc == 0 and len(json_lines(out)) == 1, out + err)
rc, out, err = run("-nr", cap("link-vlan.pcap"), "-qc", "2", "--summary", "--json")
check("-nr FILE -qc 2: flags run together", rc == 0 and
      json_lines(out)[0]["summary"]["replies"] >= 2, out + err)
rc, out, err = run("-r", cap("link-vlan.pcap"), "-n", "--json")
check("-n is accepted", rc == 0 and len(json_lines(out)) == 8, err)
rc, out, err = run("-r", cap("link-vlan.pcap"), "--json", "-Y", "-c1 == 2")
check("an option's value is never split", rc == 1 and err.startswith('smtpreply: -Y "-c1 == 2"'),
      err)
rc, out, err = run("-i", "999")
check("-i 999: no such interface number", rc == 1
      and err.startswith("smtpreply: -i 999: no such interface number; there are "), err)
rc, dlist, err = run("-D")
first_iface = dlist.splitlines()[0].split(".", 1)[1].split(" ")[0]
p = subprocess.Popen([TOOL, "-i1", "-c1", "-p"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
time.sleep(1.5)
p.send_signal(signal.SIGINT)
out, err = p.communicate(timeout=10)
err = err.decode()
check("-i1: the first interface of -D, tcpdump's banner on stderr",
      err.startswith("listening on %s, link-type " % first_iface)
      and "snapshot length 262144 bytes" in err if os.geteuid() == 0
      else err.startswith("smtpreply: %s: " % first_iface), err)

# --- the hint when nothing is found -------------------------------------------
rc, out, err = run("-r", cap("link-vlan.pcap"), "--port", "26")
check("no SMTP found: the busiest TCP ports and --port, on stderr, exit 0",
      rc == 0 and out == "" and err.startswith(
          "smtpreply: no SMTP replies found on ports 26; the busiest TCP ports were 25 (")
      and err.endswith("; try --port 25\n"), err)
rc, out, err = run("-r", cap("link-vlan.pcap"), "--port", "26", "-q")
check("no hint with -q", rc == 0 and err == "", err)

# --- the summary: servers, enhanced codes, slowest ----------------------------
rc, out, err = run("-r", SEL, "-q", "--summary", "--json")
s = json_lines(out)[0]["summary"]
servers = {}
enhanced = {}
for r in every:
    servers[r["server"]] = servers.get(r["server"], 0) + 1
    if r["enhanced"]:
        enhanced[r["enhanced"]] = enhanced.get(r["enhanced"], 0) + 1
timed = sorted((r for r in every if r["latency_ms"] is not None),
               key=lambda r: -r["latency_ms"])
check("summary: replies by server", s["servers"] == servers and s["other_servers"] == 0,
      (s.get("servers"), servers))
check("summary: replies by enhanced code", s["enhanced_codes"] == enhanced
      and s["other_enhanced_codes"] == 0, (s.get("enhanced_codes"), enhanced))
check("summary: the ten slowest, with flow and frame",
      len(s["slowest"]) == 10 and [w["latency_ms"] for w in s["slowest"]]
      == [r["latency_ms"] for r in timed[:10]]
      and all(any((w["flow"], w["frame"], w["command"], w["code"], w["server"])
                  == (r["flow"], r["frame"], r["command"], r["code"], r["server"])
                  for r in timed[:12]) for w in s["slowest"]), s.get("slowest"))
rc, out, err = run("-r", SEL, "-q", "--summary", "--color=never")
check("text summary: by server, by enhanced, slowest",
      "\n  by server      " in out and "\n  by enhanced    " in out
      and "\n  slowest          reply ms   flow  command  code  server" in out, out)

# --- usage, GOption's words -----------------------------------------------------
rc, out, err = run("--help", env=UTF8)
check("usage line", out.startswith(
    "Usage:\n  smtpreply [OPTION\u2026] [FILTER\u2026] - decode SMTP replies\n"), out[:200])
rc, out, err = run("-r", cap("gap.pcap"), "-c", "abc", env=UTF8)
check("GOption's quotes under a UTF-8 locale", rc == 1 and
      err == "smtpreply: Cannot parse integer value \u201cabc\u201d for -c\n", err)

# --- bash completion ------------------------------------------------------------


def complete(*words):
    script = ('source %s; COMP_WORDS=(%s); COMP_CWORD=%d; _smtpreply; '
              'printf "%%s\\n" "${COMPREPLY[@]}"' %
              (COMPLETION, " ".join("'%s'" % w for w in words), len(words) - 1))
    p = subprocess.run(["bash", "-c", script], stdout=subprocess.PIPE, text=True, timeout=30)
    return p.stdout.split()


check("completion: --for -> --format", complete("smtpreply", "--for") == ["--format"])
check("completion: --format values", complete("smtpreply", "--format", "l") == ["line"])
check("completion: --time= values", complete("smtpreply", "--time=r") == ["relative"])
check("completion: -Y fields", complete("smtpreply", "-Y", "lat") == ["latency_ms"])
rc, helptext, err = run("--help")
longs = sorted(set(w.split("=")[0].rstrip(",") for l in helptext.splitlines()
                   for w in l.split() if w.startswith("--") and len(w) > 2))
check("completion: every option --help lists",
      sorted(complete("smtpreply", "--")) == sorted(set(longs) | {"--help"}),
      (longs, complete("smtpreply", "--")))

tap.finish()
