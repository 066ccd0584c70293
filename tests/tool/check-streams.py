#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The tool's standard streams under stress: a reader that goes away
(`| head -1`), a full disk (`> /dev/full`), a closed stdout, a capture file
still being written while it is read, and a slow writer on standard input.

usage: check-streams.py SMTPREPLY
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from tap import check  # noqa: E402
import tap  # noqa: E402

TOOL = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_captures",
                                               os.path.join(HERE, "make-captures.py"))
mc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mc)

CODES = [e["code"] for e in mc.session_expected(0)]


def sessions_capture(n):
    """N whole sessions one after another, each on its own client port."""
    cap = mc.Capture()
    for i in range(n):
        mc.full_session(cap, client=("192.0.2.10", 10000 + i))
    return cap


def pcap_bytes(cap):
    with tempfile.NamedTemporaryFile(suffix=".pcap") as f:
        cap.write_pcap(f.name)
        return open(f.name, "rb").read()


def codes(out):
    return [json.loads(l)["code"] for l in out.splitlines() if not l.startswith('{"summary"')]


def shell(script, *args):
    return subprocess.run(["bash", "-c", script, *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120)


with tempfile.TemporaryDirectory() as tmp:
    big = os.path.join(tmp, "many.pcap")
    with open(big, "wb") as f:
        f.write(pcap_bytes(sessions_capture(400)))

    # --- the reader goes away: EPIPE is how a pipe ends, not an error -------
    for fmt in ([], ["--json"], ["-q", "--summary"]):
        name = "stdout closed early %s" % " ".join(fmt or ["(text)"])
        t0 = time.monotonic()
        p = shell('"$0" -r "$1" "${@:2}" | head -c 100 >/dev/null; '
                  'echo "${PIPESTATUS[0]}"', TOOL, big, *fmt)
        check(name + ": exit 0", p.stdout.strip() == b"0", repr(p.stdout))
        check(name + ": nothing on stderr", p.stderr == b"", repr(p.stderr))
        check(name + ": done at once", time.monotonic() - t0 < 30)

    # --- a write that fails otherwise: one line, exit 2 --------------------
    for fmt in ([], ["--json", "--summary"], ["-q", "--summary"]):
        name = "stdout full %s" % " ".join(fmt or ["(text)"])
        p = subprocess.run([TOOL, "-r", big, *fmt], stdout=open("/dev/full", "wb"),
                           stderr=subprocess.PIPE, timeout=60)
        check(name + ": exit 2", p.returncode == 2, "exit %d" % p.returncode)
        check(name + ": one stderr line", p.stderr ==
              b"smtpreply: standard output: No space left on device\n", repr(p.stderr))
    p = subprocess.run([TOOL, "--version"], stdout=open("/dev/full", "wb"),
                       stderr=subprocess.PIPE, timeout=60)
    check("--version to a full disk: exit 2, one line", p.returncode == 2 and p.stderr ==
          b"smtpreply: standard output: No space left on device\n", (p.returncode, p.stderr))
    p = shell('"$0" --version | true; echo "rc=${PIPESTATUS[0]}"', TOOL)
    check("--version to a reader gone: exit 0, quiet", p.stdout.strip() == b"rc=0"
          and p.stderr == b"", (p.stdout, p.stderr))
    p = shell('"$0" -r "$1" >&-; echo "rc=$?"', TOOL, big)
    check("stdout closed: exit 2", p.stdout.strip() == b"rc=2", repr(p.stdout))
    check("stdout closed: one stderr line",
          p.stderr == b"smtpreply: standard output: Bad file descriptor\n", repr(p.stderr))

    # --- a capture file still being written ---------------------------------
    # The tool reads what is there when it gets there and does not wait for
    # more: ending between two records is the end (exit 0); ending inside
    # one is a cut record (exit 4), every reply before it written first.
    data = pcap_bytes(sessions_capture(1))
    records = []
    pos = 24
    while pos < len(data):
        caplen = int.from_bytes(data[pos + 8:pos + 12], "little")
        records.append(data[pos:pos + 16 + caplen])
        pos += 16 + caplen
    growing = os.path.join(tmp, "growing.pcap")
    half = len(records) // 2
    with open(growing, "wb") as f:
        f.write(data[:24] + b"".join(records[:half]))
        f.flush()
        done_at_boundary = subprocess.run([TOOL, "-r", growing, "--json"],
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        f.write(records[half][:20])   # the writer is inside a record
        f.flush()
        inside = subprocess.run([TOOL, "-r", growing, "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        f.write(records[half][20:] + b"".join(records[half + 1:]))
    whole = subprocess.run([TOOL, "-r", growing, "--json"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    got = codes(done_at_boundary.stdout.decode())
    check("growing file, between records: exit 0, what was there",
          done_at_boundary.returncode == 0 and done_at_boundary.stderr == b""
          and 0 < len(got) < len(CODES) and got == CODES[:len(got)],
          "exit %d %r %r" % (done_at_boundary.returncode, got, done_at_boundary.stderr))
    got_inside = codes(inside.stdout.decode())
    check("growing file, inside a record: exit 4, the replies before it",
          inside.returncode == 4 and got_inside == got
          and inside.stderr.startswith(b"smtpreply: %s: capture cut or damaged part-way"
                                       % growing.encode())
          and inside.stderr.count(b"\n") == 1,
          "exit %d %r %r" % (inside.returncode, got_inside, inside.stderr))
    check("growing file, once written: every reply",
          whole.returncode == 0 and codes(whole.stdout.decode()) == CODES)

    # A writer appending while the tool reads: whichever of the two ends it
    # meets, what it wrote is a prefix of the replies.
    with open(growing, "wb") as f:
        f.write(data[:24])
        f.flush()
        tool = None
        for n, rec in enumerate(records):
            f.write(rec[:len(rec) // 2])
            f.flush()
            if n == half:
                tool = subprocess.Popen([TOOL, "-r", growing, "--json"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            time.sleep(0.002)
            f.write(rec[len(rec) // 2:])
            f.flush()
    out, err = tool.communicate(timeout=60)
    got = codes(out.decode())
    check("growing file, read while written: exit 0 or 4, a prefix of the replies",
          tool.returncode in (0, 4) and got == CODES[:len(got)]
          and (tool.returncode == 0) == (err == b""), "exit %d %r" % (tool.returncode, err))

    # --- a slow writer on standard input ------------------------------------
    for name, fmt in (("pcap", "pcap"), ("pcapng", "pcapng")):
        cap = sessions_capture(3)
        path = os.path.join(tmp, "slow." + fmt)
        cap.write_pcapng(path) if fmt == "pcapng" else cap.write_pcap(path)
        blob = open(path, "rb").read()
        tool = subprocess.Popen([TOOL, "-r", "-", "--json"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for i in range(0, len(blob), 97):   # pieces that split headers and records
            tool.stdin.write(blob[i:i + 97])
            tool.stdin.flush()
            time.sleep(0.003)
        tool.stdin.close()
        out = tool.stdout.read()
        err = tool.stderr.read()
        tool.wait(timeout=60)
        check("slow writer on stdin (%s): every reply, exit 0" % name,
              tool.returncode == 0 and err == b"" and codes(out.decode()) == CODES * 3,
              "exit %d %r" % (tool.returncode, err))

tap.finish()
