# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs tshark with the smtpreply plugin as the tests need it.

tshark started as root silently ignores WIRESHARK_PLUGIN_DIR and personal
plugins, so as root it is run as nobody.  The plugin and the capture are
copied into a private world-readable folder first: the checkout itself may
sit where nobody cannot read (CI clones under /root, say).
"""
import json
import os
import re
import shutil
import subprocess
import tempfile

class Tshark:
    def __init__(self, plugin_dir):
        self.work = tempfile.mkdtemp(prefix="smtpreply-tshark-")
        os.chmod(self.work, 0o755)
        # PLUGIN_DIR holds <major>.<minor>/epan/smtpreply.so for the
        # Wireshark it was built against; the layout is copied as it is.
        self.plugins = os.path.join(self.work, "plugins")
        shutil.copytree(plugin_dir, self.plugins)
        self.home = os.path.join(self.work, "home")
        os.makedirs(self.home)
        for root, dirs, files in os.walk(self.work):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
            for f in files:
                os.chmod(os.path.join(root, f), 0o644)
        # nobody needs to write its own profile folder.
        os.chmod(self.home, 0o777)

    def close(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def stage(self, path):
        """A copy of PATH that nobody can read."""
        dest = os.path.join(self.work, os.path.basename(path))
        if not os.path.exists(dest):
            shutil.copy(path, dest)
            os.chmod(dest, 0o644)
        return dest

    def folder(self, name, mode=0o755):
        """A folder in the private one, open to the user nobody as MODE says."""
        path = os.path.join(self.work, name)
        os.makedirs(path, exist_ok=True)
        os.chmod(path, mode)
        return path

    def environment(self, plugin=True, extra=None):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.home,
            "LC_ALL": "C.UTF-8",
            # No extcap is started: none is needed to read files, and under
            # the sanitizers or valgrind they would only be slow or noisy.
            "WIRESHARK_EXTCAP_DIR": self.folder("no-extcaps"),
        }
        # An empty folder: no personal or test plugin is picked up.
        env["WIRESHARK_PLUGIN_DIR"] = self.plugins if plugin else self.folder("no-plugins")
        # A plugin built with ASan + UBSan loads only into a tshark whose
        # first libraries are their runtimes (CMake names them when
        # SMTPREPLY_SANITIZE is on).  Wireshark itself leaks at exit, so
        # leaks are valgrind's job (plugin-valgrind); errors stop tshark.
        preload = os.environ.get("SMTPREPLY_TSHARK_PRELOAD")
        if preload:
            env["LD_PRELOAD"] = preload
            env["ASAN_OPTIONS"] = "detect_leaks=0:halt_on_error=1:abort_on_error=1"
            env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
        env.update(extra or {})
        return env

    def command(self, args, wrapper=()):
        """tshark ARGS, under WRAPPER (valgrind, say), as nobody if root."""
        cmd = list(wrapper) + ["tshark"] + list(args)
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + cmd
        return cmd

    def run(self, args, plugin=True, check=True, wrapper=(), env=None, timeout=None):
        proc = subprocess.run(self.command(args, wrapper), env=self.environment(plugin, env),
                              cwd=self.work, capture_output=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError("tshark %s failed (%d): %s" % (
                " ".join(args), proc.returncode, proc.stderr.decode(errors="replace")))
        return proc

    def assert_plugin_listed(self):
        out = self.run(["-G", "plugins"]).stdout.decode()
        lines = [l for l in out.splitlines() if l.startswith("smtpreply.so")]
        if not lines:
            raise AssertionError("tshark -G plugins does not list smtpreply.so:\n" + out)
        if self.plugins not in lines[0]:
            raise AssertionError("smtpreply.so loaded from elsewhere: " + lines[0])
        return lines[0]

    def replies(self, capture, extra=(), two_pass=False):
        """Every smtpreply tree in CAPTURE as (frame, dict), in frame order."""
        args = ["-r", self.stage(capture), "-Y", "smtpreply", "-T", "json",
                "--no-duplicate-keys", "-J", "frame smtpreply"] + list(extra)
        if two_pass:
            args.insert(0, "-2")
        packets = json.loads(self.run(args).stdout.decode("utf-8") or "[]")
        found = []
        for pkt in packets:
            layers = pkt["_source"]["layers"]
            frame = int(layers["frame"]["frame.number"])
            trees = layers["smtpreply"]
            if isinstance(trees, dict):
                trees = [trees]
            for tree in trees:
                # Command frames carry a tree too, without lines.
                if "smtpreply.line" in tree:
                    found.append((frame, tree))
        return found

    def fields(self, capture, fields, plugin=True, extra=()):
        """-T fields output as a list of rows (frame number first)."""
        args = ["-r", self.stage(capture), "-T", "fields", "-E", "occurrence=a",
                "-E", "aggregator=\x1f", "-e", "frame.number"]
        for f in fields:
            args += ["-e", f]
        out = self.run(args + list(extra), plugin=plugin).stdout.decode("utf-8", "replace")
        return [line.split("\t") for line in out.splitlines()]


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def reply_summary(tree):
    """The parts of one smtpreply tree the expected files also hold."""
    code = tree.get("smtpreply.code")
    line_trees = as_list(tree.get("smtpreply.line_tree"))
    return {
        "code": int(code) if code is not None else None,
        "complete": tree.get("smtpreply.complete") == "1",
        "lines": [t.get("smtpreply.text", "") for t in line_trees],
        "anomalies": sorted(set(as_list(tree.get("smtpreply.anomaly")))),
        "command": tree.get("smtpreply.command"),
        "reason": tree.get("smtpreply.reason"),
    }


def stats_tree_counts(text):
    """tshark's -z NAME,tree table as {(section, item): count}; each
    section's own count under (section, None)."""
    counts = {}
    section = None
    for line in text.splitlines():
        m = re.match(r"^(\S.*?)\s{2,}(\d+)\s", line)
        if m:
            section = m.group(1)
            counts[(section, None)] = int(m.group(2))
            continue
        m = re.match(r"^ (\S.*?)\s{2,}(\d+)\s", line)
        if m and section:
            counts[(section, m.group(1))] = int(m.group(2))
    return counts
