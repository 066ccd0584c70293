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
not ours to fix, and no suppression file is needed.

One of them concerns us.  tshark registers each -z NAME,tree listener with
no finish callback, so no statistics tree is ever freed: at exit the tree
(the stats_tree, its arrays and every node, all pointing at each other) is
lost as one cycle.  valgrind reports a cycle as a single definite leak of
one of its blocks, with the rest "indirect"; which block leads depends on
where the heap put them, so it is sometimes a node that our tap callback
had Wireshark create.  Such a leak (a stack through stats_tree_*) is
counted apart, and it passes only while a control run shows Wireshark's
own built-in http,tree lost the same way, without our tap.
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
    # Not run on every capture: Wireshark's own statistics tree alone.
    "control": ["-q", "-z", "http,tree"],
}
VALGRIND_OPTIONS = ["--tool=memcheck", "--error-exitcode=%d" % ERROR_EXIT, "--leak-check=full",
                    "--errors-for-leak-kinds=none", "--show-leak-kinds=definite",
                    "--keep-debuginfo=yes", "--num-callers=40", "--xml=yes"]


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


def is_stats_tree(error):
    """A leak whose block was made inside Wireshark's stats_tree code."""
    return any(f["fn"].startswith("stats_tree_")
               and os.path.basename(f["obj"]).startswith("libwireshark")
               for f in frames(error))


def describe(error):
    what = error.findtext("what") or error.findtext("xwhat/text") or ""
    stack = ["    %s (%s%s)" % (f["fn"] or "???", f["file"] or os.path.basename(f["obj"]),
                                ":" + f["line"] if f["line"] else "")
             for f in frames(error)[:16]]
    return "  %s: %s\n%s" % (error.findtext("kind"), what, "\n".join(stack))


def run_one(ts, valgrind_path, logs, source_dir, capture, mode):
    """One tshark run under valgrind: (name, problems, notes, counts, tree_leaks)."""
    name = "%s.%s" % (os.path.basename(capture), mode)
    xml_file = os.path.join(logs, name + ".xml")
    valgrind = [valgrind_path] + VALGRIND_OPTIONS + ["--xml-file=" + xml_file]
    proc = ts.run(["-n", "-r", ts.stage(capture)] + MODES[mode], check=False,
                  wrapper=valgrind, timeout=900)
    problems = []
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0:
        problems.append("exit status %d%s: %s" % (
            proc.returncode, " (memory errors)" if proc.returncode == ERROR_EXIT else "",
            proc.stderr.decode("utf-8", "replace")[-2000:]))
    # The plugin was loaded and ran: its tree and its statistics are there;
    # the control printed Wireshark's own tree.
    if mode == "control":
        if "HTTP/Packet Counter" not in out:
            problems.append("no HTTP/Packet Counter statistics in the output")
    elif "SMTP Reply" not in out or "Replies by class" not in out:
        problems.append("no SMTP Reply tree or statistics in the output")
    errors, ours_leaks, tree_leaks, via_leaks, other_leaks = [], [], [], [], []
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
            elif is_stats_tree(error):
                tree_leaks.append(error)
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
    # Not a statistics tree, not ours, but with our frames on the stack:
    # shown in full, for a person to judge.
    notes = ["definite leak of a block Wireshark allocated, called from our code\n"
             + describe(e) for e in via_leaks]
    counts = (len(errors), len(ours_leaks), len(tree_leaks), len(via_leaks), len(other_leaks))
    return name, problems, notes, counts, [leak_text(e) for e in tree_leaks]


def leak_text(error):
    """'6,952 (136 direct, 6,816 indirect) bytes in 1 blocks ...' and the block's maker."""
    maker = next((f["fn"] for f in frames(error) if f["fn"].startswith("stats_tree_")), "?")
    return "%s (made in %s)" % (error.findtext("xwhat/text") or "?", maker)


def main():
    plugin_dir, samples, source_dir, valgrind_path = sys.argv[1:5]
    jobs = int(sys.argv[5]) if len(sys.argv) > 5 else (os.cpu_count() or 1)
    source_dir = os.path.realpath(source_dir) + os.sep
    ts = wsrun.Tshark(plugin_dir)
    try:
        print("listed: " + ts.assert_plugin_listed())
        logs = ts.folder("valgrind", 0o777)
        captures = expected.captures(samples)
        runs = [(c, m) for c in captures for m in MODES if m != "control"]
        runs.append((captures[0], "control"))
        failed = 0
        totals = [0] * 5
        control_lost = None
        tree_runs = []
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            results = pool.map(lambda cm: run_one(ts, valgrind_path, logs, source_dir, *cm), runs)
            for name, problems, notes, counts, tree_leaks in results:
                if name.endswith(".control"):
                    control_lost = tree_leaks
                    print("%-44s control: %s" % (name, "; ".join(tree_leaks) or
                                                 "no statistics tree lost"))
                else:
                    totals = [t + c for t, c in zip(totals, counts)]
                    print("%-44s %d errors; definite leaks: %d ours, %d statistics tree, "
                          "%d via our calls, %d others'" % ((name,) + counts))
                    if tree_leaks:
                        tree_runs.append(name)
                        for t in tree_leaks:
                            print("  statistics tree lost at exit: " + t)
                for n in notes:
                    print("NOTE: %s: %s" % (name, n))
                for p in problems:
                    print("FAIL: %s: %s" % (name, p))
                failed += bool(problems)
        # Our tree's leak is tshark's only while tshark loses its own tree too.
        if tree_runs and not control_lost:
            print("FAIL: statistics tree lost in %d runs (%s), but Wireshark's own http,tree "
                  "was not lost in the control run: the leak may be ours"
                  % (len(tree_runs), ", ".join(tree_runs)))
            failed += 1
        print("%d runs under valgrind and 1 control: %d memory errors; definite leaks: %d "
              "allocated by our code, %d of the statistics tree tshark never frees (its own "
              "http,tree too), %d allocated by Wireshark called from ours (shown, not failed), "
              "%d of Wireshark/GLib alone (not ours, not failed)"
              % ((len(runs) - 1,) + tuple(totals)))
        if failed:
            print("FAIL: %d of %d runs" % (failed, len(runs)))
            sys.exit(1)
    finally:
        ts.close()


if __name__ == "__main__":
    main()
