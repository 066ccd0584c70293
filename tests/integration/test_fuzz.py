#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Wireshark-style fuzzing of the plugin: mangled samples through tshark.

  test_fuzz.py PLUGIN_DIR SAMPLES_DIR RUNS [FIRST_SEED [CRASH_DIR]]

Run i mangles capture i mod N with `editcap -E 0.02 --seed FIRST_SEED+i`
(2% of the packet bytes changed at random, the headers kept) and reads it
as Wireshark's own fuzz-test.sh does (-nVx, dissector bugs abort); every
other run reads it in two passes with the statistics tap.  A run passes
when tshark exits 0, or 2 with its message that the file is damaged or cut
short.  Anything else (a signal, an abort, a sanitizer report, a hang) is
tried again without the plugin: if Wireshark fails alone, the fault is in
Wireshark's own dissectors and is reported apart, not failed; if not, it is
ours, the mangled file is kept in CRASH_DIR and the test fails.
"""
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys

import expected
import wsrun

# What fuzz-test.sh sets, so a dissector bug is a crash and not a tree item.
FUZZ_ENV = {"WIRESHARK_ABORT_ON_DISSECTOR_BUG": "1", "WIRESHARK_ABORT_ON_TOO_MANY_ITEMS": "1"}
DAMAGED = re.compile(r"appears to be damaged or corrupt|appears to have been cut short")
TIMEOUT = 120


def report(err):
    """The lines of tshark's stderr that say what broke and where."""
    keep = [l for l in err.splitlines()
            if re.search(r"ERROR|SUMMARY|runtime error|^\s*#\d+ |\*\*|[Dd]issector bug|assert", l)]
    return "\n".join(keep)[:4000] if keep else err.strip()[-1500:]


def verdict(ts, path, args, plugin):
    """(kind, what, trees): kind is ok, damaged, crash (a signal, a
    sanitizer's abort, a hang) or failed (any other exit status)."""
    try:
        proc = ts.run(args + ["-r", path], plugin=plugin, check=False, env=FUZZ_ENV,
                      timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return "crash", "hang (over %d s)" % TIMEOUT, 0
    err = proc.stderr.decode("utf-8", "replace")
    shown = proc.stdout.count(b"SMTP Reply")
    if proc.returncode == 0:
        return "ok", "", shown
    if proc.returncode == 2 and DAMAGED.search(err):
        return "damaged", err.strip(), shown
    if proc.returncode < 0:
        return "crash", "signal %d:\n%s" % (-proc.returncode, report(err)), shown
    return "failed", "exit status %d:\n%s" % (proc.returncode, report(err)), shown


def backtrace(ts, path, args):
    """Where it crashed, to read: the sanitizers print their own report;
    otherwise gdb's backtrace, when gdb is there."""
    env = ts.environment(True, FUZZ_ENV)
    if "LD_PRELOAD" in env:
        return "(see the sanitizer's report above)"
    gdb = shutil.which("gdb")
    if not gdb:
        return "(no gdb for a backtrace)"
    cmd = ts.command(args + ["-r", path], wrapper=[
        gdb, "-q", "-batch", "-ex", "set debuginfod enabled off", "-ex", "run", "-ex", "bt",
        "--args"])
    try:
        proc = subprocess.run(cmd, env=env, cwd=ts.work, capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        return "(gdb took over 300 s)"
    lines = proc.stdout.decode("utf-8", "replace").splitlines()
    return "\n".join(l for l in lines if l.startswith("#"))[:4000]


def in_our_code(text):
    return bool(re.search(r"smtpreply\.so|packet-smtpreply|smtpreply-stats|\bsr_\w+", text))


def fuzz_one(ts, fuzz_dir, capture, seed, two_pass):
    base = os.path.basename(capture)
    stem, ext = os.path.splitext(base)
    path = os.path.join(fuzz_dir, "%s-E0.02-seed%d%s" % (stem, seed, ext))
    subprocess.run(["editcap", "-E", "0.02", "--seed", str(seed), capture, path],
                   check=True, capture_output=True)
    os.chmod(path, 0o644)
    args = ["-n", "-V", "-x"] + (["-2", "-z", "smtpreply,tree"] if two_pass else [])
    kind, what, shown = verdict(ts, path, args, plugin=True)
    outcome = {"path": path, "args": args, "kind": kind, "what": what, "shown": shown}
    if kind in ("ok", "damaged"):
        os.remove(path)
        return outcome
    # Without the plugin its statistics tap does not exist.
    alone = [a for a in args if a not in ("-z", "smtpreply,tree")]
    outcome["alone"] = verdict(ts, path, alone, plugin=False)[:2]
    outcome["backtrace"] = backtrace(ts, path, args)
    outcome["our_frames"] = in_our_code(what + outcome["backtrace"])
    return outcome


def main():
    plugin_dir, samples, runs = sys.argv[1:4]
    first_seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    crash_dir = sys.argv[5] if len(sys.argv) > 5 else os.path.join(os.getcwd(), "fuzz-crashes")
    runs = int(runs)
    ts = wsrun.Tshark(plugin_dir)
    try:
        print("listed: " + ts.assert_plugin_listed())
        fuzz_dir = ts.folder("fuzz")
        caps = expected.captures(samples)
        plan = [(caps[i % len(caps)], first_seed + i, i % 2 == 1) for i in range(runs)]
        counts = {"ok": 0, "damaged": 0, "ours": 0, "wireshark": 0}
        with_tree = 0
        with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            for o in pool.map(lambda p: fuzz_one(ts, fuzz_dir, *p), plan):
                with_tree += o["shown"] > 0
                if o["kind"] in ("ok", "damaged"):
                    counts[o["kind"]] += 1
                    continue
                name = os.path.basename(o["path"])
                where = "yes" if o["our_frames"] else "no"
                if o["alone"][0] == "crash":
                    counts["wireshark"] += 1
                    print("Wireshark's own, it crashes without the plugin too: %s (tshark %s)\n"
                          "  with the plugin: %s\n  without: %s\n  our code on the stack: %s\n%s"
                          % (name, " ".join(o["args"]), o["what"], o["alone"][1], where,
                             o["backtrace"]))
                else:
                    counts["ours"] += 1
                    os.makedirs(crash_dir, exist_ok=True)
                    shutil.copy(o["path"], crash_dir)
                    print("FAIL: %s (tshark %s): %s\n  without the plugin: %s\n"
                          "  our code on the stack: %s; kept in %s\n%s"
                          % (name, " ".join(o["args"]), o["what"], o["alone"][0], where,
                             crash_dir, o["backtrace"]))
        print("%d mangled runs (seeds %d..%d over %d captures): %d exit 0, %d damaged-file "
              "exit 2, %d crashes of ours, %d of Wireshark's alone; %d showed SMTP Reply trees"
              % (runs, first_seed, first_seed + runs - 1, len(caps), counts["ok"],
                 counts["damaged"], counts["ours"], counts["wireshark"], with_tree))
        # The plugin must have had something to chew on, or nothing was tested.
        if with_tree < runs // 2:
            print("FAIL: only %d of %d runs showed an SMTP Reply tree" % (with_tree, runs))
            sys.exit(1)
        if counts["ours"]:
            sys.exit(1)
    finally:
        ts.close()


if __name__ == "__main__":
    main()
