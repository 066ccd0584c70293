#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The plugin under valgrind's memcheck inside tshark, on every sample.

  test_valgrind.py PLUGIN_DIR SAMPLES_DIR SOURCE_DIR VALGRIND [JOBS]

Each capture is read twice: one pass building the whole tree with the
statistics tap (-V -z smtpreply,tree), and two passes (-2 -V -z ...), where
the tree is built from what the first pass recorded.  A run fails on any
memory error (invalid read, write or free, a jump on an uninitialised
value: valgrind's --error-exitcode) and on any definite leak allocated by
our code: the first frame above the allocators (malloc, GLib's g_*, wmem_*)
is in smtpreply.so or our sources.  Wireshark and GLib leak a little at
exit on their own; those leaks are counted and shown, not failed: they are
not ours to fix, and no suppression file is needed.  A leak of a block
that Wireshark allocated and owns but that our code led it to make (a
statistics tree node, say) is shown in full and counted apart.
"""
import re
import concurrent.futures
import os
import sys
import xml.etree.ElementTree as ET

import expected
import wsrun

ERROR_EXIT = 97
MODES = {
    "one-pass": ["-V", "-z", "smtpreply,tree"],
    "two-pass": ["-2", "-V", "-z", "smtpreply,tree"],
}


def frames(error):
    return [{k: (f.findtext(k) or "") for k in ("obj", "fn", "dir", "file", "line")}
            for f in error.iter("frame")]


def is_ours(frame, source_dir):
    return (os.path.basename(frame["obj"]) == "smtpreply.so"
            or frame["dir"].startswith(source_dir))


ALLOCATOR = re.compile(r"^(malloc|calloc|realloc|memalign|posix_memalign|__\w*vasprintf\w*|"
                       r"g_\w+|wmem_\w+)$")


def allocated_by_us(error, source_dir):
    """Whether the first frame above the allocators is ours."""
    for f in frames(error):
        if "vgpreload" in os.path.basename(f["obj"]) or ALLOCATOR.match(f["fn"]):
            continue
        return is_ours(f, source_dir)
    return False


def describe(error):
    what = error.findtext("what") or error.findtext("xwhat/text") or ""
    stack = ["    %s (%s%s)" % (f["fn"] or "???", f["file"] or os.path.basename(f["obj"]),
                                ":" + f["line"] if f["line"] else "")
             for f in frames(error)[:16]]
    return "  %s: %s\n%s" % (error.findtext("kind"), what, "\n".join(stack))


def run_one(ts, valgrind_path, logs, source_dir, capture, mode):
    name = "%s.%s" % (os.path.basename(capture), mode)
    xml_file = os.path.join(logs, name + ".xml")
    valgrind = [valgrind_path, "--tool=memcheck", "--error-exitcode=%d" % ERROR_EXIT,
                "--leak-check=full", "--errors-for-leak-kinds=none",
                "--show-leak-kinds=definite", "--keep-debuginfo=yes", "--num-callers=40",
                "--xml=yes", "--xml-file=" + xml_file]
    proc = ts.run(["-n", "-r", ts.stage(capture)] + MODES[mode], check=False,
                  wrapper=valgrind, timeout=900)
    problems = []
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0:
        problems.append("exit status %d%s: %s" % (
            proc.returncode, " (memory errors)" if proc.returncode == ERROR_EXIT else "",
            proc.stderr.decode("utf-8", "replace")[-2000:]))
    # The plugin was loaded and ran: its tree and its statistics are there.
    if "SMTP Reply" not in out or "Replies by class" not in out:
        problems.append("no SMTP Reply tree or statistics in the output")
    errors, ours_leaks, via_leaks, other_leaks = [], [], [], []
    try:
        root = ET.parse(xml_file).getroot()
    except (ET.ParseError, OSError) as e:
        problems.append("no valgrind report: %s" % e)
        root = ET.Element("none")
    for error in root.iter("error"):
        kind = error.findtext("kind") or ""
        if kind.startswith("Leak_"):
            if kind != "Leak_DefinitelyLost":
                continue
            if allocated_by_us(error, source_dir):
                ours_leaks.append(error)
            elif any(is_ours(f, source_dir) for f in frames(error)):
                via_leaks.append(error)
            else:
                other_leaks.append(error)
        else:
            errors.append(error)
    for error in errors:
        problems.append("memory error%s\n%s" % (
            " in our code" if any(is_ours(f, source_dir) for f in frames(error)) else "",
            describe(error)))
    for error in ours_leaks:
        problems.append("definite leak from our code\n" + describe(error))
    notes = ["definite leak of a block Wireshark allocated, called from our code\n"
             + describe(e) for e in via_leaks]
    return name, problems, notes, (len(errors), len(ours_leaks), len(via_leaks), len(other_leaks))


def main():
    plugin_dir, samples, source_dir, valgrind_path = sys.argv[1:5]
    jobs = int(sys.argv[5]) if len(sys.argv) > 5 else (os.cpu_count() or 1)
    source_dir = os.path.realpath(source_dir) + os.sep
    ts = wsrun.Tshark(plugin_dir)
    try:
        print("listed: " + ts.assert_plugin_listed())
        logs = ts.folder("valgrind", 0o777)
        runs = [(c, m) for c in expected.captures(samples) for m in MODES]
        failed = 0
        totals = [0, 0, 0, 0]
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            results = pool.map(lambda cm: run_one(ts, valgrind_path, logs, source_dir, *cm), runs)
            for name, problems, notes, counts in results:
                totals = [t + c for t, c in zip(totals, counts)]
                print("%-44s %d errors; definite leaks: %d ours, %d via our calls, %d others'"
                      % ((name,) + counts))
                for n in notes:
                    print("NOTE: %s: %s" % (name, n))
                for p in problems:
                    print("FAIL: %s: %s" % (name, p))
                failed += bool(problems)
        print("%d runs under valgrind: %d memory errors; definite leaks: %d allocated by our "
              "code, %d allocated by Wireshark called from ours (shown, not failed), %d of "
              "Wireshark/GLib alone (not ours, not failed)" % ((len(runs),) + tuple(totals)))
        if failed:
            print("FAIL: %d of %d runs" % (failed, len(runs)))
            sys.exit(1)
    finally:
        ts.close()


if __name__ == "__main__":
    main()
