# SPDX-License-Identifier: GPL-2.0-or-later
"""Finds the sample captures and reads samples/expected/<capture>.jsonl
(format: samples/expected/README.md)."""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import wiretext  # noqa: E402


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip() and not line.startswith("#")]


def captures(samples_dir):
    """Every capture in SAMPLES_DIR, expected file or not."""
    found = sorted(glob.glob(os.path.join(samples_dir, "*.pcap"))
                   + glob.glob(os.path.join(samples_dir, "*.pcapng")))
    if len(found) < 10:
        raise AssertionError("only %d captures in %s" % (len(found), samples_dir))
    return found


def pairs(samples_dir):
    """(name, capture path, expected path) for every sample with expectations."""
    found = []
    for exp in sorted(glob.glob(os.path.join(samples_dir, "expected", "*.jsonl"))):
        name = os.path.basename(exp)[:-len(".jsonl")]
        for ext in (".pcap", ".pcapng"):
            cap = os.path.join(samples_dir, name + ext)
            if os.path.exists(cap):
                found.append((name, cap, exp))
                break
        else:
            raise AssertionError("%s has no capture %s.pcap or .pcapng" % (exp, name))
    return found


def as_wireshark_text(text):
    """How the plugin shows a line (latin-1 mapped in the expected files):
    as the capture tool's text output does (tests/lib/wiretext.py)."""
    return wiretext.text_escape(text.encode("latin-1"))
