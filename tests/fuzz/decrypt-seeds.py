#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the seeds of fuzz-keylog and fuzz-tlsdecrypt into corpus/keylog/
and corpus/tlsdecrypt/.

fuzz-keylog: the key logs of samples/tls/ as they are, and one text with a
line of each kind the reader tells apart (each label, comments, CRLF, an
unknown label, every kind of malformed line, a line over the length limit).

fuzz-tlsdecrypt: the whole TLS streams of the samples (tests/unit/tls/*.bin)
as scripts of fuzz-tls's format (tls-seeds.py writes them), so that the
fuzzer starts from records that decrypt; and variants: bytes lost inside an
encrypted record, a byte of an encrypted record changed, the TLS 1.3 server
flight one byte per record.

Run it from anywhere: python3 tests/fuzz/decrypt-seeds.py
"""
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "..", "samples", "tls")
FIXTURES = os.path.join(HERE, "..", "unit", "tls")

spec = importlib.util.spec_from_file_location("tls_seeds", os.path.join(HERE, "tls-seeds.py"))
tls_seeds = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tls_seeds)
Script, segments = tls_seeds.Script, tls_seeds.segments

R = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
S32 = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
S48 = S32 + "2122232425262728292a2b2c2d2e2f30"

KINDS = "\n".join([
    "# a comment",
    "CLIENT_RANDOM %s %s" % (R, S48),
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET %s %s\r" % (R, S32),
    "SERVER_HANDSHAKE_TRAFFIC_SECRET %s %s" % (R, S48.upper()),
    "CLIENT_TRAFFIC_SECRET_0\t%s  %s" % (R, S32),
    "SERVER_TRAFFIC_SECRET_0 %s %s" % (R, S32),
    "SERVER_TRAFFIC_SECRET_3 %s %s" % (R, S32),
    "EXPORTER_SECRET %s %s" % (R, S32),
    "RSA 0011223344556677 %s" % S48,
    "",
    "CLIENT_RANDOM %s %s" % (R, S32),
    "CLIENT_RANDOM %s" % R,
    "CLIENT_RANDOM 00%s %s" % (R, S48),
    "SERVER_TRAFFIC_SECRET_0 %s %sx" % (R, S32[:-1]),
    "CLIENT_RANDOM %s %s extra" % (R, S48),
    "CLIENT_RANDOM " + "ab" * 600,
    "CLIENT_RANDOM %s %s" % (R[:-2] + "01", S48),
]) + "\n"


def write(corpus, name, data):
    out = os.path.join(HERE, "corpus", corpus)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, name), "wb") as f:
        f.write(bytes(data))


def whole(name):
    s = Script()
    for side, data in segments(name):
        s.send(side, data)
    return s.out


def changed(name, seg_index, at, lose=0):
    """NAME's stream with segment SEG_INDEX's byte AT changed, or LOSE bytes
    from AT lost."""
    s = Script()
    for k, (side, data) in enumerate(segments(name)):
        if k == seg_index and lose:
            s.send(side, data[:at]).lose(side, lose).send(side, data[at + lose:])
        elif k == seg_index:
            data = bytearray(data)
            data[at] ^= 0x01
            s.send(side, bytes(data))
        else:
            s.send(side, data)
    return s.out


def main():
    for name in sorted(os.listdir(SAMPLES)):
        if name.endswith(".keys"):
            with open(os.path.join(SAMPLES, name), "rb") as f:
                write("keylog", name[:-5], f.read())
    write("keylog", "every-kind", KINDS.encode())

    names = sorted(f[:-4] for f in os.listdir(FIXTURES) if f.endswith(".bin"))
    for name in names:
        write("tlsdecrypt", name, whole(name))
    # the server's flight of TLS 1.3: hello, ChangeCipherSpec, encrypted records
    write("tlsdecrypt", "tls13-gap-encrypted", changed("starttls-tls13-aes128", 1, 300, 20))
    write("tlsdecrypt", "tls13-changed-byte", changed("starttls-tls13-aes128", 1, 300))
    write("tlsdecrypt", "tls12-changed-byte", changed("starttls-tls12-chacha", 5, 20))
    # CBC, MAC-then-encrypt: a byte of the client's Finished's ciphertext
    write("tlsdecrypt", "tls12-cbc-changed-byte", changed("starttls-tls12-cbc-sha-mte", 2, 60))
    s = Script()
    for k, (side, data) in enumerate(segments("starttls-tls13-chacha")):
        s.send(side, data, piece=1 if k == 1 else None)
    write("tlsdecrypt", "tls13-bytewise-flight", s.out)
    for corpus in ("keylog", "tlsdecrypt"):
        d = os.path.join(HERE, "corpus", corpus)
        for name in sorted(os.listdir(d)):
            print("corpus/%s/%s: %d bytes" % (corpus, name, os.path.getsize(os.path.join(d, name))))


if __name__ == "__main__":
    main()
