#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The tool on hostile captures (make-adversarial.py), each made in a
temporary directory at test time and removed after: it finishes, its peak
memory stays under the bound, the normal session beside the hostile one is
decoded exactly, the anomaly is reported, and the text output holds no raw
control byte.  Prints each case's figures (time, peak RSS).

usage: check-adversarial.py SMTPREPLY PEAK_RSS [--small] [--no-rss] [CASE ...]
  PEAK_RSS   the peak-rss helper (peak-rss.c), which measures the tool
  --small    the big cases at a tenth of their size
  --no-rss   do not assert peak memory (a sanitizer build uses far more)
"""
import importlib.util
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from tap import check  # noqa: E402
import tap  # noqa: E402

_spec = importlib.util.spec_from_file_location("make_adversarial",
                                               os.path.join(HERE, "make-adversarial.py"))
ma = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ma)

# Peak resident memory allowed of one run on any of these captures.  The
# figures measured are in tests/bench/README.md, the worst case in the man
# page's MEMORY.
RSS_LIMIT_MIB = 64
# Raw control bytes: C0 but LF, DEL, and C1 written as UTF-8.
# Output allowed of one run: far more than any case needs (20 MB), far less
# than a tool that repeats itself can write (before capabilities were
# capped, the million-line reply gave 19 GB of JSON).  Past it the tool is
# killed by SIGXFSZ and the case fails, rather than the disk filling.
OUTPUT_LIMIT = 256 * 1024 * 1024
RAW_CONTROL = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")

PEAK_RSS = None


def limit_output():
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))


def run(tool, path, args, out_path):
    """Runs the tool with stdout to OUT_PATH: exit code, stderr, seconds,
    peak RSS in KiB (from wait4, in the peak-rss helper)."""
    t0 = time.monotonic()
    result = out_path + ".rss"
    with open(out_path, "wb") as out:
        p = subprocess.run([PEAK_RSS, result, tool, "-r", path, *args], stdout=out,
                           stderr=subprocess.PIPE, timeout=600, preexec_fn=limit_output)
    with open(result) as f:
        peak = int(f.read())
    return p.returncode, p.stderr, time.monotonic() - t0, peak


def flow_replies(replies, client):
    return [r for r in replies if r["client"] == client]


def pairs(replies):
    return [[r["command"], r["code"]] for r in replies]


def check_case(tool, name, small, rss):
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.monotonic()
        path, exp = ma.make(tmp, name, small)
        gen = time.monotonic() - t0
        size = os.path.getsize(path)
        json_out = os.path.join(tmp, "out.jsonl")
        text_out = os.path.join(tmp, "out.txt")
        rc, err, secs, peak = run(tool, path, ["--json", "--summary"], json_out)
        check("%s: exit 0, nothing on stderr" % name, rc == 0 and err == b"", (rc, err))
        trc, terr, tsecs, tpeak = run(tool, path, ["--color", "never", "--summary"], text_out)
        check("%s: text: exit 0, nothing on stderr" % name, trc == 0 and terr == b"",
              (trc, terr))
        if rc != 0 or trc != 0:
            return   # what it wrote is cut: nothing more to check
        with open(json_out, "rb") as f:
            objs = [json.loads(l) for l in f]
        with open(text_out, "rb") as f:
            text = f.read()

    summary = objs[-1].get("summary", {}) if objs else {}
    replies = objs[:-1]
    check("%s: a summary" % name, bool(summary))

    normal = flow_replies(replies, exp["normal"]["client"])
    check("%s: the normal session's replies, exactly" % name,
          pairs(normal) == exp["normal"]["replies"]
          and all(r["complete"] and r["anomalies"] == [] for r in normal),
          [(r["command"], r["code"], r["anomalies"]) for r in normal])
    check("%s: the normal session is one flow" % name, len({r["flow"] for r in normal}) == 1)

    hostile = flow_replies(replies, "%s:%d" % ma.HOSTILE_CLIENT)
    if "hostile" in exp:
        check("%s: the hostile session's replies" % name, pairs(hostile) == exp["hostile"],
              pairs(hostile)[:10])
    if "hostile_lines" in exp:
        check("%s: the hostile session's lines" % name,
              [r["lines"] for r in hostile] == exp["hostile_lines"],
              [r["lines"] for r in hostile])
    if exp.get("hostile_clean"):
        check("%s: no anomaly on the hostile session" % name,
              all(r["anomalies"] == [] for r in hostile), [r["anomalies"] for r in hostile])
    for key, count in exp.get("anomalies", {}).items():
        got = summary.get("anomalies", {}).get(key)
        check("%s: anomaly %s counted %d" % (name, key, count), got == count, got)
    for key, value in exp.get("summary", {}).items():
        check("%s: summary %s is %d" % (name, key, value), summary.get(key) == value,
              summary.get(key))
    for key, value in exp.get("summary_min", {}).items():
        check("%s: summary %s at least %d" % (name, key, value),
              (summary.get(key) or 0) >= value, summary.get(key))
    if "max_capabilities" in exp:
        most = max(len(r.get("capabilities", [])) for r in hostile)
        check("%s: at most %d capabilities kept" % (name, exp["max_capabilities"]),
              most == exp["max_capabilities"], most)
    if "silent" in exp:
        silent = flow_replies(replies, exp["silent"]["client"])
        check("%s: the silent session's replies" % name,
              pairs(silent) == exp["silent"]["replies"], pairs(silent))
        check("%s: the silent session was evicted (two flows)" % name,
              len({r["flow"] for r in silent}) == 2, [r["flow"] for r in silent])

    check("%s: text: no raw control byte" % name, not RAW_CONTROL.search(text),
          RAW_CONTROL.search(text))
    blocks = len(re.findall(rb"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}Z  flow ", text, re.M))
    check("%s: text: one block per reply" % name, blocks == len(replies),
          (blocks, len(replies)))
    if rss:
        check("%s: peak RSS under %d MiB" % (name, RSS_LIMIT_MIB),
              max(peak, tpeak) < RSS_LIMIT_MIB * 1024, "%d KiB" % max(peak, tpeak))
    print("# %-14s %-18s capture %7.1f MB, made in %5.2f s; tool: json %5.2f s %6.1f MiB, "
          "text %5.2f s %6.1f MiB" % (name, exp.get("size", ""), size / 1e6, gen, secs,
                                       peak / 1024, tsecs, tpeak / 1024))


def main():
    args = sys.argv[1:]
    global PEAK_RSS
    tool, PEAK_RSS = args.pop(0), args.pop(0)
    small = "--small" in args
    rss = "--no-rss" not in args
    names = [a for a in args if a and not a.startswith("--")] or list(ma.CASES)
    for name in names:
        check_case(tool, name, small, rss)
    tap.finish()


if __name__ == "__main__":
    main()
