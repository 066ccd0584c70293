#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The command line: bad input of every kind (exit code, the one line on
stderr, what stdout kept), options, the text and JSON formats, colour, the
summary, and Ctrl-C.

usage: check-cli.py SMTPREPLY CAPTURES_DIR   (the dir make-captures.py wrote)
"""
import json
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import schema  # noqa: E402
from tap import check  # noqa: E402
import tap  # noqa: E402

TOOL, CAPS = sys.argv[1], sys.argv[2]


def cap(name):
    return os.path.join(CAPS, name)


def run(*args, stdin=None, env=None, user=None):
    cmd = [TOOL, *args]
    if user:
        cmd = ["setpriv", "--reuid=" + user, "--regid=nogroup", "--clear-groups"] + cmd
    p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, timeout=60)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def check_error(name, result, code, message):
    """Exit CODE, exactly one line on stderr, and it is MESSAGE."""
    rc, out, err = result
    check(name + ": exit %d" % code, rc == code, "exit %d, stderr %r" % (rc, err))
    check(name + ": one stderr line", err == message + "\n" if not message.endswith("*")
          else err.startswith(message[:-1]) and err.count("\n") == 1, repr(err))
    return out


def json_lines(out):
    """Every line checked against docs/smtpreply.schema.json too."""
    return [schema.loads(l) for l in out.splitlines()]


def as_nobody():
    return os.geteuid() == 0 and shutil.which("setpriv")


# --- bad input -----------------------------------------------------------
check_error("missing file", run("-r", "/nonexistent/x.pcap"), 2,
            "smtpreply: /nonexistent/x.pcap: No such file or directory")
check_error("directory", run("-r", CAPS), 2, "smtpreply: %s: is a directory" % CAPS)
check_error("not a capture", run("-r", cap("bad-not-a-capture.txt")), 2,
            "smtpreply: %s: not a pcap or pcapng capture (unknown file format)"
            % cap("bad-not-a-capture.txt"))
check_error("empty file", run("-r", cap("bad-empty.pcap")), 2,
            "smtpreply: %s: empty file, not a capture" % cap("bad-empty.pcap"))
check_error("unsupported link type", run("-r", cap("bad-linktype.pcap")), 2,
            "smtpreply: %s: unsupported link type IEEE802_11 (802.11, DLT 105); supported: "
            "Ethernet, Linux cooked (SLL, SLL2), raw IP, BSD loopback" % cap("bad-linktype.pcap"))
check_error("bad filter", run("-r", cap("gap.pcap"), "tcp", "and", "("), 3,
            "smtpreply: %s: bad filter \"tcp and (\": *" % cap("gap.pcap"))
check_error("no such interface", run("-i", "nosuch0"), 2,
            "smtpreply: nosuch0: no such interface*")

out = check_error("truncated capture", run("-r", cap("bad-truncated.pcap"), "--json"), 4,
                  "smtpreply: %s: capture cut or damaged part-way (truncated dump file; *"
                  % cap("bad-truncated.pcap"))
replies = json_lines(out)
check("truncated capture: the 7 replies before the cut are kept",
      [r["code"] for r in replies] == [220, 250, 250, 550, 250, 354, 250], repr(out))

with tempfile.TemporaryDirectory() as tmp:
    locked = os.path.join(tmp, "locked.pcap")
    shutil.copy(cap("gap.pcap"), locked)
    os.chmod(locked, 0)
    os.chmod(tmp, 0o755)
    if as_nobody():
        result = run("-r", locked, user="nobody")
    elif os.geteuid() != 0:
        result = run("-r", locked)
    else:
        result = None
    if result:
        check_error("unreadable file", result, 2,
                    "smtpreply: %s: Permission denied" % locked)
        if as_nobody():
            check_error("no permission to capture", run("-i", "lo", user="nobody"), 2,
                        "smtpreply: lo: no permission to capture; run as root or with "
                        "CAP_NET_RAW*")
    else:
        check("unreadable file: needs setpriv when root", False, "setpriv missing")

# --- usage errors ----------------------------------------------------------
check_error("no input", run(), 1, "smtpreply: give -r FILE or -i IFACE (see --help)")
check_error("two inputs", run("-r", "x", "-i", "y"), 1,
            "smtpreply: give -r FILE or -i IFACE, not both")
check_error("bad port", run("-r", cap("gap.pcap"), "--port", "25,70000"), 1,
            "smtpreply: --port: \"70000\" is not a port or range of ports (1-65535)")
check_error("bad port range", run("-r", cap("gap.pcap"), "--port", "30-20"), 1,
            "smtpreply: --port: \"30-20\" is not a port or range of ports (1-65535)")
check_error("unknown option", run("--bogus"), 1, "smtpreply: Unknown option --bogus")
check_error("negative count", run("-r", cap("gap.pcap"), "-c", "-1"), 1,
            "smtpreply: -c, --max-flows, --flow-buffer and --idle-timeout take numbers of 0 "
            "or more")
# The largest numbers mean "no limit", and must not overflow into a small
# one: an idle timeout of 2^63 - 1 s once wrapped to a negative number of
# microseconds and closed every connection at its next packet.
rc_base, out_base, _ = run("-r", cap("gap.pcap"), "--json")
for opt in ("--idle-timeout", "--max-flows", "--flow-buffer", "-c"):
    rc, out, err = run("-r", cap("gap.pcap"), "--json", opt, "9223372036854775807")
    check("%s 2^63 - 1 reads as no limit" % opt,
          rc == rc_base == 0 and out == out_base and out and err == "", err)
check_error("bad colour", run("-r", cap("gap.pcap"), "--color", "pink"), 1,
            "smtpreply: --color: \"pink\" is not one of auto, always, never")

# --- options ---------------------------------------------------------------
rc, out, err = run("--version")
check("--version", rc == 0 and out.startswith("smtpreply 0.") and "libpcap" in out, out)
rc, out, err = run("--help")
check("--help names every option",
      rc == 0 and all(o in out for o in ("-r, --read", "-i, --interface", "-D,", "-c, --count",
                                         "--port", "--json", "--summary", "-Z, --user",
                                         "-q, --quiet", "Exit status")), out)
rc, out, err = run("-D")
check("-D lists lo", rc == 0 and any(l.split(" ")[0].endswith(".lo") for l in out.splitlines()),
      out + err)

with open(cap("link-vlan.pcap"), "rb") as f:
    rc, out, err = run("-r", "-", "--json", stdin=f.read())
check("-r - reads standard input", rc == 0 and len(json_lines(out)) == 8, out + err)

rc, out, err = run("-r", cap("link-vlan.pcap"), "--json", "-c", "3")
check("-c 3 stops after 3 replies", rc == 0 and [r["code"] for r in json_lines(out)]
      == [220, 250, 250], out)
rc, out, err = run("-r", cap("link-vlan.pcap"), "--json", "--port", "26")
check("--port 26: the port-25 flow is not decoded", rc == 0 and out == "", out)
rc, out, err = run("-r", cap("link-vlan.pcap"), "--json", "--port", "20-30")
check("--port 20-30 covers 25", rc == 0 and len(json_lines(out)) == 8, out)
rc, out, err = run("-r", cap("link-vlan.pcap"), "--json", "vlan 999")
check("a user filter replaces the default", rc == 0 and out == "", out)
rc, out, err = run("-r", cap("link-vlan.pcap"), "--json", "vlan", "100")
check("filter words are joined", rc == 0 and len(json_lines(out)) == 8, out)

# --- JSON ------------------------------------------------------------------
rc, out, err = run("-r", cap("escapes.pcap"), "--json")
lines = out.splitlines()
check("JSON: ASCII escapes, UTF-8 kept, invalid bytes as \\u00XX", lines[1].endswith(
    '"lines":["café utf8","bad \\u00e9 latin1","q\\"b\\\\s\\ttab"],'
    '"anomalies":["8bit-byte","8bit-byte"],'
    '"anomaly_severity":{"8bit-byte":"deviation"}}'), lines[1] if lines else out)
first = json_lines(out)[0]
check("JSON: every documented field", first == {
    "time": 1700000000.004, "flow": 0, "client": "192.0.2.10:41000",
    "server": "192.0.2.25:25", "frame": 4, "offset": 0, "command": "<greeting>", "argument": None,
    "latency_ms": None, "greeting_ms": 3.0,
    "code": 220, "class": "Positive Completion",
    "category": "Connections", "meaning": "<domain> Service ready", "enhanced": None,
    "reason": None, "provider": None,
    "multiline": False, "complete": True, "tls": False, "interrupted": False,
    "lines": ["esc \x1b[31m red"],
    "anomalies": ["control-byte"], "anomaly_severity": {"control-byte": "deviation"}},
    repr(first))
check("JSON: ESC escaped, never raw", "\x1b" not in out and "\\u001b[31m" in lines[0], lines[0])
# The decoder keeps capabilities as printable ASCII ("?" for the rest);
# what is left of JSON's specials is escaped.
check("JSON: capabilities escaped", '"latency_ms":2.000,' in lines[1] and
      '"capabilities":[{"keyword":"BAD","params":"? latin1"},'
      '{"keyword":"Q\\"B\\\\S?TAB","params":""}],"multiline":true' in lines[1], lines[1])
# make-captures.py sends each reply 2 ms after the command it answers.
rc, out, err = run("-r", cap("link-vlan.pcap"), "--json")
replies = json_lines(out)
check("JSON: argument and latency_ms after command, null for the greeting",
      [(r["command"], r["argument"], r["latency_ms"]) for r in replies] ==
      [("<greeting>", None, None), ("EHLO", "client.example.test", 2.0),
       ("MAIL", "FROM:<a@example.test>", 2.0), ("RCPT", "TO:<nobody@example.test>", 2.0),
       ("RCPT", "TO:<b@example.test>", 2.0), ("DATA", None, 2.0), ("<end-of-data>", None, 2.0),
       ("QUIT", None, 2.0)]
      and list(replies[1])[6:10] == ["command", "argument", "latency_ms", "code"], out)
check("JSON: the EHLO reply's capabilities, SIZE's value, none elsewhere",
      replies[1].get("capabilities") == [
          {"keyword": "PIPELINING", "params": ""},
          {"keyword": "SIZE", "params": "10240000", "size": 10240000},
          {"keyword": "ENHANCEDSTATUSCODES", "params": ""},
          {"keyword": "8BITMIME", "params": ""}]
      and list(replies[1])[13:17] == ["enhanced", "reason", "provider", "capabilities"]
      and not any("capabilities" in r for r in replies[:1] + replies[2:]), out)
rc, out, err = run("-r", cap("link-sll2-ipv6.pcap"), "--json")
r = json_lines(out)[3]
check("JSON: IPv6 endpoints in brackets, enhanced code, reason",
      (r["client"], r["server"], r["code"], r["enhanced"], r["class"], r["category"],
       r["reason"], r["provider"])
      == ("[2001:db8::10]:41000", "[2001:db8::25]:587", 550, "5.1.1", "Permanent Negative",
          "Mail system", "user-unknown", None), repr(r))

# --- --redact ----------------------------------------------------------------
# link-vlan.pcap holds a@, nobody@ and b@example.test, in commands and in a
# reply text; no local part may be left in any form of output.
hashed = {"a": "uca978112@example.test", "nobody": "u6382b3cc@example.test",
          "b": "u3e23e816@example.test"}
for args in (["--color=never"], ["--json"], ["--transactions"], ["--transactions", "--json"]):
    rc, out, err = run("-r", cap("link-vlan.pcap"), "--redact", *args)
    left = [w for w in hashed if re.search(r"[<\"\s]%s@example" % w, out)]
    check("--redact %s: local parts hashed, none left" % " ".join(args),
          rc == 0 and not left and all(h in out for h in hashed.values()), out)
    if "--json" in args:
        check("--redact %s: still JSON" % " ".join(args),
              all(isinstance(json.loads(line), dict) for line in out.splitlines()), out)
rc, out, err = run("-r", cap("link-vlan.pcap"), "--redact", "--json")
r = json_lines(out)[3]
check("--redact: the argument and the reply text hashed alike",
      r["argument"] == "TO:<u6382b3cc@example.test>"
      and r["lines"] == ["5.1.1 <u6382b3cc@example.test>: Recipient address rejected"], repr(r))

# --- text ------------------------------------------------------------------
rc, out, err = run("-r", cap("escapes.pcap"), "--color=never", "--anomalies=all")
check("text: the exact blocks", out == (
    "2023-11-14 22:13:20.004000Z  flow 0  client 192.0.2.10:41000 -> server "
    "192.0.2.25:25  frame 4  offset 0  answers <greeting> 3.000 ms after the SYN\n"
    "  220  2yz Positive Completion, x2z Connections: <domain> Service ready\n"
    "  | 220 esc \\x1b[31m red\n"
    "  anomalies: control-byte\n\n"
    "2023-11-14 22:13:20.008000Z  flow 0  client 192.0.2.10:41000 -> server "
    "192.0.2.25:25  frame 8  offset 19  answers EHLO x in 2.000 ms\n"
    "  250  2yz Positive Completion, x5z Mail system: Requested mail action okay, "
    "completed\n"
    "  | 250-café utf8\n"
    "  | 250-bad \\xe9 latin1\n"
    "  | 250 q\"b\\\\s\\ttab\n"
    "  capabilities: BAD ? latin1, Q\"B\\\\S?TAB\n"
    "  anomalies: 8bit-byte, 8bit-byte\n\n"
    "2023-11-14 22:13:20.012000Z  flow 0  client 192.0.2.10:41000 -> server "
    "192.0.2.25:25  frame 12  offset 68  answers NOOP in 2.000 ms\n"
    "  250  2yz Positive Completion, x5z Mail system: Requested mail action okay, "
    "completed\n"
    "  | 250 nul\\x00here\\rcr\n"
    "  anomalies: bare-cr, nul-byte\n\n"), out)
# By default only the violations: the ESC and the 8-bit bytes are deviations.
rc, out, err = run("-r", cap("escapes.pcap"), "--color=never")
check("text: by default the violations only",
      out.count("  anomalies: ") == 1 and "  anomalies: bare-cr, nul-byte\n" in out
      and "control-byte" not in out and "8bit-byte" not in out, out)
rc, out, err = run("-r", cap("escapes.pcap"), "--anomalies=some")
check("--anomalies: a bad value is a usage error", rc == 1 and "--anomalies" in err
      and out == "", err)
rc, out, err = run("-r", cap("link-vlan.pcap"), "--color=never")
check("text: enhanced code and its meaning, then the reason",
      "  enhanced 5.1.1  Permanent Failure, Addressing Status: Bad destination mailbox "
      "address\n  reason: user-unknown\n" in out and out.count("  reason: ") == 1, out)
check("text: the reply time beside the command, the EHLO reply's capabilities",
      "  offset 142  answers RCPT TO:<nobody@example.test> in 2.000 ms\n" in out
      and "  | 250 8BITMIME\n  capabilities: PIPELINING, SIZE 10240000, ENHANCEDSTATUSCODES, "
      "8BITMIME\n\n" in out and out.count("  capabilities: ") == 1
      and "  answers <greeting> 3.000 ms after the SYN\n" in out, out)
rc, out, err = run("-r", cap("gap.pcap"), "--color=never")
check("text: incomplete reply marked, anomalies named",
      "offset 33  answers EHLO x in 2.000 ms  (incomplete)\n" in out
      and "  anomalies: gap, incomplete-reply\n" in out, out)


def on_terminal(*args, env=None):
    """Runs the tool with stdout on a pseudo-terminal; returns its bytes."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(TOOL, [TOOL, *args], env or os.environ)
    data = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    os.waitpid(pid, 0)
    return data


plain = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
check("colour on a terminal", b"\x1b[32m220\x1b[0m" in on_terminal(
    "-r", cap("link-vlan.pcap"), env=plain))
check("no colour on a terminal with NO_COLOR", b"\x1b[" not in on_terminal(
    "-r", cap("link-vlan.pcap"), env=dict(plain, NO_COLOR="1")))
rc, out, err = run("-r", cap("link-vlan.pcap"), env=plain)
check("no colour into a pipe", rc == 0 and "\x1b" not in out)
rc, out, err = run("-r", cap("link-vlan.pcap"), "--color=always", env=dict(plain, NO_COLOR="1"))
check("--color=always wins over NO_COLOR", "\x1b[31m550\x1b[0m" in out, out[:300])

# --- summary ---------------------------------------------------------------
rc, out, err = run("-r", cap("gap.pcap"), "--json", "--summary")
s = json_lines(out)[-1]["summary"]
check("JSON summary: counts", (s["packets"], s["flows"], s["replies"], s["complete"],
                               s["incomplete"], s["codes"], s["classes"], s["categories"],
                               s["anomalies"], s["gaps"], s["gap_bytes"], s["dropped"],
                               s["interrupted"])
      == (18, 1, 4, 3, 1, {"220": 1, "221": 1, "250": 2}, {"2yz": 4}, {"x2z": 2, "x5z": 2},
          {"incomplete-reply": 1, "gap": 1, "resync": 1}, 1, 26, None, False), repr(s))
# The EHLO reply cut by the gap is two replies to EHLO: 2 ms, then 4 ms to
# the packet that brought the first byte after the gap (handed over only at
# 5 ms, when the client's ACK shows the hole will never fill).
check("JSON summary: replies by command, reply times", (s["without_command"], s["commands"])
      == (0, {"<greeting>": {"replies": 1, "latency_ms": None},
              "EHLO": {"replies": 2, "latency_ms": {"count": 2, "min": 2.0, "p50": 2.0,
                                                     "p90": 4.0, "p99": 4.0, "max": 4.0}},
              "QUIT": {"replies": 1, "latency_ms": {"count": 1, "min": 2.0, "p50": 2.0,
                                                     "p90": 2.0, "p99": 2.0, "max": 2.0}}}),
      repr(s))
# 72 commands of which 70 distinct unknown verbs, X00 .. X69, X<n>'s reply
# (2 + n) ms after it; a reply no command asked for.
rc, out, err = run("-r", cap("many-verbs.pcap"), "-q", "--summary", "--json")
s = json_lines(out)[0]["summary"]
names = list(s["commands"])
other = s["commands"].get("(other)", {})
check("JSON summary: 64 command names, then (other) last",
      names == ["<greeting>", ""] + ["X%02d" % n for n in range(62)] + ["(other)"]
      and other.get("replies") == 8 and s["without_command"] == 1
      and other.get("latency_ms", {}).get("count") == 8
      and (other["latency_ms"]["min"], other["latency_ms"]["max"]) == (64.0, 71.0)
      and s["commands"]["X07"]["latency_ms"]["max"] == 9.0, repr(s))
rc, out, err = run("-r", cap("many-verbs.pcap"), "-q", "--summary", "--color=never")
check("text summary: replies by command and reply times",
      '  by command     <greeting> 1, "" 1, X00 1, X01 1, ' in out
      and ", X61 1, (other) 8, (none) 1\n" in out
      and "  reply time ms  command             count        min        p50        p90"
          "        p99        max\n"
          '                 ""                      1      2.000      2.000      2.000'
          "      2.000      2.000\n" in out
      and "\n                 (other)                 8     64.000 " in out, out)
rc, out, err = run("-r", cap("retransmission.pcap"), "-q", "--summary", "--color=never")
check("-q --summary: only the summary, text", out.startswith("Summary\n") and (
    "  tcp anomalies  tcp-overlap-conflict 1\n" in out) and (
    "  by code        220 1, 221 1, 250 1\n" in out) and " flow 0 " not in out, out)
rc, out, err = run("-r", cap("two-flows.pcap"), "-q", "--summary", "--json")
s = json_lines(out)[0]["summary"]
check("summary: flows and packets", (s["flows"], s["flows_peak"], s["tcp_packets"])
      == (2, 2, 24), repr(s))

# --- Ctrl-C ----------------------------------------------------------------
with open(cap("link-vlan.pcap"), "rb") as f:
    data = f.read()
p = subprocess.Popen([TOOL, "-r", "-", "--json", "--summary"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
p.stdin.write(data[:len(data) // 2])   # half the file, then the pipe stays open
p.stdin.flush()
time.sleep(0.5)
p.send_signal(signal.SIGINT)
try:
    out, err = p.communicate(timeout=10)
    rc = p.returncode
except subprocess.TimeoutExpired:
    p.kill()
    out, err, rc = b"", b"timed out", -1
objs = json_lines(out.decode())
check("Ctrl-C: exit 0, replies so far, then the summary",
      rc == 0 and err == b"" and len(objs) >= 2 and objs[-1]["summary"]["interrupted"] is True
      and all("code" in o for o in objs[:-1]), "rc %d %r %r" % (rc, out[-300:], err))

# --- two readers, one filter ---------------------------------------------
# A classic pcap file is read by the tool itself, which runs the default
# filter only where it must; standard input goes through libpcap, which
# runs it on every packet.  Both must count and decode the same.
for name in sorted(os.listdir(CAPS)):
    if name.endswith(".jsonl") or name.startswith("bad-"):
        continue
    with open(cap(name), "rb") as f:
        piped = run("-r", "-", "--json", "--summary", stdin=f.read())
    direct = run("-r", cap(name), "--json", "--summary")
    check("%s: the same from the file and from standard input" % name,
          piped[:2] == direct[:2] and piped[1] != "", "%r\n%r" % (direct[1][-400:], piped[1][-400:]))
rc, out, err = run("-r", cap("other-traffic.pcap"), "--json", "--summary")
total = json_lines(out)[-1]["summary"]
check("other traffic: 37 packets pass the default filter, one an IP fragment",
      rc == 0 and total["packets"] == 37 and total["ip_fragments"] == 1
      and total["tcp_packets"] == 36 and total["replies"] == 8, out[-400:])

tap.finish()
