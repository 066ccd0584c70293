#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Damaged input must never crash smtpreply or make it hang: each generated
capture is mutated (bytes flipped inside packet records, records cut,
lengths and sequence numbers garbled) with a fixed seed, and every run must
end by itself with exit 0 (decoded) or 4 (damaged part-way), its stdout
valid JSON lines.  Run under ASan/UBSan in CI, this is where memory errors
in the packet, reassembly and flow code would show.

usage: check-mutations.py SMTPREPLY CAPTURES_DIR [RUNS]
"""
import glob
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pcapfile import record_offsets  # noqa: E402

tool, caps = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 300
rng = random.Random(20261123)


def mutate(data):
    data = bytearray(data)
    recs = record_offsets(data)
    for _ in range(rng.randint(1, 8)):
        off, caplen = rng.choice(recs)
        how = rng.randrange(5)
        if how == 0 and caplen:                     # flip bytes in a packet
            i = off + 16 + rng.randrange(caplen)
            data[i] = rng.randrange(256)
        elif how == 1 and caplen > 40:              # garble a TCP sequence number
            i = off + 16 + rng.randrange(caplen - 4)
            struct.pack_into("<I", data, i, rng.randrange(1 << 32))
        elif how == 2:                              # lie about the wire length
            struct.pack_into("<I", data, off + 12, rng.randrange(1 << 16))
        elif how == 3:                              # repeat a record (retransmission)
            data[off:off] = data[off:off + 16 + caplen]
        else:                                       # drop a record (a gap)
            del data[off:off + 16 + caplen]
        recs = record_offsets(data)
        if not recs:
            break
    if rng.random() < 0.1:
        del data[rng.randrange(24, len(data)):]     # cut the file
    return bytes(data)


sources = [p for p in sorted(glob.glob(os.path.join(caps, "*.pcap")))
           if not os.path.basename(p).startswith("bad-")]
if not sources:
    print("not ok: no captures in %s" % caps)
    sys.exit(1)

failed = 0
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "mutated.pcap")
    for n in range(runs):
        src = sources[n % len(sources)]
        with open(src, "rb") as f:
            data = mutate(f.read())
        with open(path, "wb") as f:
            f.write(data)
        args = [tool, "-r", path, "--json", "--summary", "--max-flows", "4",
                "--flow-buffer", "64"]
        try:
            p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=30)
        except subprocess.TimeoutExpired:
            failed += 1
            print("not ok %d: %s mutated: hung" % (n, os.path.basename(src)))
            continue
        problem = None
        if p.returncode not in (0, 4):
            problem = "exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace")[-500:])
        else:
            try:
                objs = [json.loads(l) for l in p.stdout.decode("utf-8").splitlines()]
                if not objs or "summary" not in objs[-1]:
                    problem = "no summary line"
            except (UnicodeDecodeError, ValueError) as e:
                problem = "bad JSON: %s" % e
        if problem:
            failed += 1
            keep = os.path.join(os.getcwd(), "mutation-%d.pcap" % n)
            with open(keep, "wb") as f:
                f.write(data)
            print("not ok %d: %s mutated (kept as %s): %s"
                  % (n, os.path.basename(src), keep, problem))

print("%d passed, %d failed" % (runs - failed, failed))
sys.exit(1 if failed else 0)
