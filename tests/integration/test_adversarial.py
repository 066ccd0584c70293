#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The plugin inside tshark on the hostile captures of the tool's tests.

  test_adversarial.py PLUGIN_DIR MAKE_ADVERSARIAL OUTDIR [CASE ...]

MAKE_ADVERSARIAL (tests/tool/make-adversarial.py) writes each case in its
small size (--small) into OUTDIR, with a normal session beside the hostile
one and what the tool must make of both.  Each capture is read in one pass
and in two (-2), with the tree built (-Y smtpreply), and each run must:

- end with exit status 0 (a crash, an abort, a sanitizer report fails);
- give the normal session's replies, paired with their commands, exactly
  as the tool does: the hostile flow must not take the others down;
- for the EHLO reply of many lines, cut by the reply caps into parts, show
  every part as a reply to EHLO, as many as the tool counts.

The tool is checked on the same captures by tests/tool/check-adversarial.py
(memory, anomalies, counters); this is the plugin's side of it.
"""
import json
import os
import subprocess
import sys

import wsrun

TIMEOUT = 600
MODES = {"one-pass": [], "two-pass": ["-2"]}


def replies_by_client(out):
    """{client port: [(command, code), ...]} from the fields below."""
    found = {}
    for line in out.splitlines():
        port, commands, codes = (line.split("\t") + ["", ""])[:3]
        if not codes:
            continue
        commands = commands.split(",") if commands else []
        codes = codes.split(",")
        commands += [""] * (len(codes) - len(commands))
        found.setdefault(int(port), []).extend(
            (cmd, int(code)) for cmd, code in zip(commands, codes))
    return found


def check_case(ts, path, expected, mode):
    problems = []
    args = MODES[mode] + ["-r", ts.stage(path), "-Y", "smtpreply", "-T", "fields",
                          "-e", "tcp.dstport", "-e", "smtpreply.command", "-e", "smtpreply.code"]
    try:
        proc = ts.run(args, check=False, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return ["no end within %d s" % TIMEOUT]
    if proc.returncode != 0:
        return ["exit status %d: %s" % (proc.returncode,
                                         proc.stderr.decode("utf-8", "replace")[-2000:])]
    found = replies_by_client(proc.stdout.decode("utf-8", "replace"))
    normal = expected["normal"]
    port = int(normal["client"].rsplit(":", 1)[1])
    want = [(c, code) for c, code in normal["replies"]]
    if found.get(port) != want:
        problems.append("normal session: got %s, want %s" % (found.get(port), want))
    if "max_capabilities" in expected:
        ehlo = [r for p, rs in found.items() if p != port for r in rs if r == ("EHLO", 250)]
        want_parts = sum(1 for r in expected["hostile"] if tuple(r) == ("EHLO", 250))
        if len(ehlo) != want_parts:
            problems.append("EHLO reply in %d parts, the tool counts %d"
                            % (len(ehlo), want_parts))
    return problems


def main():
    plugin_dir, maker, outdir = sys.argv[1:4]
    cases = sys.argv[4:]
    os.makedirs(outdir, exist_ok=True)
    subprocess.run([sys.executable, maker, "--small", outdir] + cases, check=True)
    if not cases:
        cases = sorted(f[:-len(".json")] for f in os.listdir(outdir) if f.endswith(".json"))
        if len(cases) < 10:
            raise AssertionError("only %d hostile cases written in %s" % (len(cases), outdir))
    ts = wsrun.Tshark(plugin_dir)
    failed = 0
    try:
        print("listed: " + ts.assert_plugin_listed())
        for name in cases:
            path = os.path.join(outdir, name + ".pcap")
            with open(os.path.join(outdir, name + ".json")) as f:
                expected = json.load(f)
            for mode in MODES:
                problems = check_case(ts, path, expected, mode)
                print("%-20s %-9s %s" % (name, mode, "ok" if not problems else "FAIL"))
                for p in problems:
                    print("FAIL: %s %s: %s" % (name, mode, p))
                failed += bool(problems)
    finally:
        ts.close()
    print("%d hostile captures, %d runs: %d failed" % (len(cases), 2 * len(cases), failed))
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
