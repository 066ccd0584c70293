#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the seeds of fuzz-decompress: small captures from samples/
compressed by gzip, zstd and lz4 (which must be installed) in their
variants, one after another, cut, damaged, and holding no capture.

Run it from anywhere: python3 tests/fuzz/decompress-seeds.py
"""
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "..", "samples")
OUT = os.path.join(HERE, "corpus", "decompress")


def packed(args, data):
    return subprocess.run(args, input=data, stdout=subprocess.PIPE, check=True).stdout


def gzip(data, *opts):
    return packed(["gzip", "-c", *opts], data)


def zstd(data, *opts):
    return packed(["zstd", "-q", "-c", *opts], data)


def lz4(data, *opts):
    return packed(["lz4", "-q", "-c", *opts], data)


def flip(data, at):
    b = bytearray(data)
    b[at] ^= 0x55
    return bytes(b)


ehlo = open(os.path.join(SAMPLES, "ehlo.pcap"), "rb").read()          # 1388 bytes
pcapng = open(os.path.join(SAMPLES, "helo-pcapng.pcapng"), "rb").read()
half = len(ehlo) // 2 + 3   # inside a record
text = b"220 not a capture, only text\r\n" * 8
# A zstd frame asking for a 256 MiB window (Window_Descriptor 0x90), then
# one raw last block of 5 bytes: refused, not allocated.
big_window = bytes.fromhex("28b52ffd" "00" "90" "290000") + b"hello"

seeds = {
    "plain.pcap": ehlo,
    "gzip.pcap.gz": gzip(ehlo, "-9"),
    "gzip-pcapng.gz": gzip(pcapng, "-1"),
    "gzip-two-members.gz": gzip(ehlo[:half]) + gzip(ehlo[half:]),
    "gzip-empty-then-capture.gz": gzip(b"") + gzip(ehlo),
    "gzip-empty.gz": gzip(b""),
    "gzip-text.gz": gzip(text),
    "gzip-cut.gz": gzip(ehlo)[:400],
    "gzip-damaged.gz": flip(gzip(ehlo), 300),
    "gzip-bad-crc.gz": flip(gzip(ehlo), -8),
    "gzip-trailing.gz": gzip(ehlo) + b"\0\0\0",
    "zstd.zst": zstd(ehlo, "-19"),
    "zstd-no-check.zst": zstd(ehlo, "--no-check"),
    "zstd-pcapng.zst": zstd(pcapng),
    "zstd-two-frames.zst": zstd(ehlo[:half]) + zstd(ehlo[half:]),
    "zstd-skippable.zst": zstd(ehlo) + bytes.fromhex("502a4d18" "03000000") + b"abc",
    "zstd-empty.zst": zstd(b""),
    "zstd-text.zst": zstd(text),
    "zstd-cut.zst": zstd(ehlo)[:300],
    "zstd-damaged.zst": flip(zstd(ehlo), 200),
    "zstd-bad-checksum.zst": flip(zstd(ehlo), -1),
    "zstd-big-window.zst": big_window,
    "lz4.lz4": lz4(ehlo, "-9"),
    "lz4-options.lz4": lz4(ehlo, "-B4", "-BD", "-BX", "--content-size"),
    "lz4-pcapng.lz4": lz4(pcapng),
    "lz4-two-frames.lz4": lz4(ehlo[:half]) + lz4(ehlo[half:]),
    "lz4-empty.lz4": lz4(b""),
    "lz4-text.lz4": lz4(text),
    "lz4-cut.lz4": lz4(ehlo)[:500],
    "lz4-damaged.lz4": flip(lz4(ehlo), 300),
    "lz4-bad-checksum.lz4": flip(lz4(ehlo), -1),
}

os.makedirs(OUT, exist_ok=True)
for name, data in seeds.items():
    assert len(data) < 4096, name
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print("%d seeds in %s" % (len(seeds), OUT))
