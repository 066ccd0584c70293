#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compressed capture files: samples compressed by the real gzip, zstd and
lz4 programs decode exactly as the uncompressed files do, named or on
standard input, whatever their names say; concatenated members and frames
too.  A cut or damaged stream keeps every reply decoded before the damage
and ends with exit 4 and one line naming the cause; what is no capture
inside, or nothing at all, is refused with exit 2.

usage: check-compressed.py SMTPREPLY SAMPLES_DIR

The three programs are needed: without one, this fails (scripts/run deps
installs them).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from tap import check  # noqa: E402
import tap  # noqa: E402

TOOL, SAMPLES = sys.argv[1], sys.argv[2]

# Replies each sample holds, as its expected file in samples/expected says.
REPLIES = {
    "auth.pcap": 21,
    "helo-pcapng.pcapng": 7,
    "ipv6.pcap": 7,
    "many-sessions.pcap": 75,
    "large-message.pcap": 7,
    "pipelined-burst.pcap": 10006,
}
BIG = "pipelined-burst.pcap"   # many compressed blocks: a cut falls between them

# How each program compresses (from standard input, to standard output)
# and the file name it would give.  lz4's blocks are 4 MiB unless told:
# 64 KiB ones (-B4) let a cut fall after some of them.
FORMATS = {
    "gzip": (["gzip", "-c", "-6"], ".gz"),
    "zstd": (["zstd", "-q", "-c", "-3"], ".zst"),
    "lz4": (["lz4", "-q", "-c", "-B4"], ".lz4"),
}
DECOMPRESS = {"zstd": ["zstd", "-q", "-d", "-c"], "lz4": ["lz4", "-q", "-d", "-c"]}


def run(*args, stdin=None):
    p = subprocess.run([TOOL, *args], input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def compress(fmt, data):
    p = subprocess.run(FORMATS[fmt][0], input=data, stdout=subprocess.PIPE, check=True)
    return p.stdout


def decompressed_prefix(fmt, data):
    """What the library gives of a cut stream: zlib here, the program itself
    for the others (which print all they decoded before failing)."""
    if fmt == "gzip":
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)
    p = subprocess.run(DECOMPRESS[fmt], input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    return p.stdout


def write(tmp, name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def check_same(name, result, want):
    rc, out, err = result
    check(name + ": exit 0, nothing on stderr", rc == 0 and err == "", "exit %d %r" % (rc, err))
    check(name + ": the same JSON, byte for byte", out == want,
          "%d lines, want %d" % (out.count(b"\n"), want.count(b"\n")))


def check_error(name, result, code, message):
    rc, out, err = result
    check(name + ": exit %d, one line: %s" % (code, message),
          rc == code and err == "smtpreply: %s\n" % message, "exit %d %r" % (rc, err))
    return out


missing = [p for p in ("gzip", "zstd", "lz4") if not shutil.which(p)]
check("gzip, zstd and lz4 are installed", not missing, "missing: %s" % missing)
if missing:
    tap.finish()   # exits 1: the check above failed

with tempfile.TemporaryDirectory() as tmp:
    plain = {}
    for sample, replies in REPLIES.items():
        path = os.path.join(SAMPLES, sample)
        rc, out, err = run("-r", path, "--json")
        check("%s: %d replies uncompressed" % (sample, replies),
              rc == 0 and out.count(b"\n") == replies, "exit %d, %d lines %r"
              % (rc, out.count(b"\n"), err))
        plain[sample] = out
        data = open(path, "rb").read()
        for fmt, (_, suffix) in FORMATS.items():
            packed = compress(fmt, data)
            name = "%s with %s" % (sample, fmt)
            check_same(name, run("-r", write(tmp, sample + suffix, packed), "--json"), out)
            check_same(name + " on standard input", run("-r", "-", "--json", stdin=packed), out)

    auth = open(os.path.join(SAMPLES, "auth.pcap"), "rb").read()
    big = open(os.path.join(SAMPLES, BIG), "rb").read()

    # --- names say nothing -------------------------------------------------
    check_same("gzip data named .pcap",
               run("-r", write(tmp, "really-gzip.pcap", compress("gzip", auth)), "--json"),
               plain["auth.pcap"])
    check_same("zstd data named .lz4",
               run("-r", write(tmp, "really-zstd.lz4", compress("zstd", auth)), "--json"),
               plain["auth.pcap"])
    check_same("a plain pcap named .gz", run("-r", write(tmp, "plain.gz", auth), "--json"),
               plain["auth.pcap"])

    # --- members and frames one after another ---------------------------------
    # Split inside a record, so a record spans two members or frames.
    cut = len(big) // 3 + 7
    for fmt in FORMATS:
        joined = compress(fmt, big[:cut]) + compress(fmt, big[cut:2 * cut]) \
            + compress(fmt, big[2 * cut:])
        check_same("three %s %s, a record across each seam"
                   % (fmt, "members" if fmt == "gzip" else "frames"),
                   run("-r", write(tmp, "joined-" + fmt, joined), "--json"), plain[BIG])
        check_same("the same on standard input", run("-r", "-", "--json", stdin=joined),
                   plain[BIG])
    empty_member = compress("gzip", b"")
    check_same("an empty gzip member, then the capture",
               run("-r", write(tmp, "empty-first.gz", empty_member + compress("gzip", auth)),
                   "--json"), plain["auth.pcap"])
    check_same("zstd, a skippable frame after the capture's",
               run("-r", write(tmp, "skippable.zst", compress("zstd", auth)
                               + b"\x50\x2a\x4d\x18" + (5).to_bytes(4, "little") + b"extra"),
                   "--json"), plain["auth.pcap"])

    # --- nothing inside, or no capture -------------------------------------------
    path = write(tmp, "empty.gz", empty_member)
    check_error("an empty gzip member", run("-r", path), 2,
                "%s: gzip-compressed, but empty inside, not a capture" % path)
    check_error("an empty gzip member on standard input", run("-r", "-", stdin=empty_member), 2,
                "standard input: gzip-compressed, but empty inside, not a capture")
    text = b"Subject: not a capture\r\n\r\nJust some text, compressed.\r\n" * 20
    for fmt, (_, suffix) in FORMATS.items():
        path = write(tmp, "text" + suffix, compress(fmt, text))
        check_error("%s of a text file" % fmt, run("-r", path), 2,
                    "%s: %s-compressed, but not a pcap or pcapng capture inside "
                    "(unknown file format)" % (path, fmt))
    path = write(tmp, "header-only.gz", compress("gzip", b"")[:6])
    check_error("a gzip header cut short", run("-r", path), 2,
                "%s: gzip-compressed, but cannot be decompressed "
                "(gzip: unexpected end of file)" % path)
    # A window of 1 GiB: zstd(1) itself wants --memory for it, and so much
    # memory is not taken here.
    long_window = subprocess.run(["zstd", "-q", "-c", "--long=30"], input=auth,
                                 stdout=subprocess.PIPE, check=True).stdout
    path = write(tmp, "long.zst", long_window)
    check_error("zstd with a 1 GiB window", run("-r", path), 2,
                "%s: zstd-compressed, but cannot be decompressed (zstd: Frame requires too "
                "much memory for decoding: its window is over 128 MiB)" % path)

    # --- cut part-way ------------------------------------------------------
    # Every reply decoded before the cut is written, then the cause: the
    # same replies as the uncompressed bytes the library could give.
    full = plain[BIG].splitlines()
    for fmt, (_, suffix) in FORMATS.items():
        packed = compress(fmt, big)
        half = packed[:len(packed) // 2]
        prefix = decompressed_prefix(fmt, half)
        _, want, _ = run("-r", "-", "--json", stdin=prefix)
        path = write(tmp, "cut" + suffix, half)
        for where, result in ((path, run("-r", path, "--json")),
                              ("standard input", run("-r", "-", "--json", stdin=half))):
            name = "%s cut in the middle%s" % (fmt, "" if where == path else ", standard input")
            out = check_error(name, result, 4, "%s: capture cut or damaged part-way "
                              "(%s: unexpected end of file)" % (where, fmt))
            got = out.splitlines()
            if want:
                check(name + ": the replies before the cut (%d of %d)" % (len(got), len(full)),
                      out == want and 0 < len(got) < len(full), "%d lines, the prefix gives %d"
                      % (len(got), want.count(b"\n")))
            else:
                # lz4 1.9.4 writes what it decoded of a cut stream, 1.10
                # (Debian 13) nothing: then there is no second decoder to
                # compare with, and the check below, that these are the
                # whole file's first replies, is what remains.
                check(name + ": some of the replies before the cut (%d of %d; the %s "
                      "program gives none to compare with)" % (len(got), len(full), fmt),
                      0 < len(got) < len(full), "%d lines" % len(got))
            # The last may be a reply the cut ended early.
            check(name + ": those replies as the whole file has them",
                  got[:-1] == full[:len(got) - 1]
                  and (got[-1] == full[len(got) - 1] or not json.loads(got[-1])["complete"]))

    # --- damaged --------------------------------------------------------------
    # Each check value at the end: all of the capture is decoded first.
    damaged = {
        "gzip": (-8, "gzip: incorrect data check"),              # the CRC-32
        "zstd": (-1, "zstd: Restored data doesn't match checksum"),
        "lz4": (-1, "lz4: ERROR_contentChecksum_invalid"),
    }
    for fmt, (where, cause) in damaged.items():
        packed = bytearray(compress(fmt, big))
        packed[where] ^= 0x55
        path = write(tmp, "damaged" + FORMATS[fmt][1], bytes(packed))
        out = check_error("%s with a wrong checksum" % fmt, run("-r", path, "--json"), 4,
                          "%s: capture cut or damaged part-way (%s)" % (path, cause))
        check("%s with a wrong checksum: every reply first" % fmt, out == plain[BIG],
              "%d lines" % out.count(b"\n"))
    path = write(tmp, "garbage.gz", compress("gzip", auth) + b"\0\0\0\0")
    out = check_error("gzip with bytes after the member", run("-r", path, "--json"), 4,
                      "%s: capture cut or damaged part-way (gzip: trailing garbage after the "
                      "compressed data)" % path)
    check("gzip with bytes after the member: every reply first", out == plain["auth.pcap"])

tap.finish()
