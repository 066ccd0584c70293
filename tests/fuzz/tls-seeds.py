#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the seed scripts of fuzz-tls into corpus/tls/.

The script format is described at the top of fuzz-tls.c.  The seeds are the
TLS streams of the sample captures (tests/unit/tls/*.bin, written by
tests/unit/tls-streams.py), cut after their first 2 KiB of script: the
handshake and the first encrypted records.  Besides, variants of them:

  tls13-hello-retry    the TLS 1.3 hello answered by a HelloRetryRequest (the
                       server's hello with RFC 8446's special random), then
                       the client's compatibility ChangeCipherSpec and its
                       hello again, then the real exchange
  tls13-gap-encrypted  bytes lost inside the server's encrypted flight
  tls12-gap-clear      bytes lost inside the server's Certificate
  tls12-bytewise       the TLS 1.2 handshake, one byte per record
  tls13-alpn           the TLS 1.3 exchange, the client's hello offering ALPN
  sslv2-hello          an SSL 2.0-style client hello
  plain-smtp           a client that goes on in plain text after the 220
  record-too-long      a record of 2^14 + 2049 bytes

Run it from anywhere: python3 tests/fuzz/tls-seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "unit", "tls")
OUT = os.path.join(HERE, "corpus", "tls")
CUT = 2048
CLIENT, SERVER = 0, 1

HRR_RANDOM = bytes.fromhex(
    "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")


def segments(name):
    """(client?, bytes) of each captured segment of a fixture."""
    with open(os.path.join(FIXTURES, name + ".bin"), "rb") as f:
        blob = f.read()
    out = []
    at = 0
    while at < len(blob):
        _, side, n = struct.unpack_from("!IBH", blob, at)
        out.append((side, blob[at + 7:at + 7 + n]))
        at += 7 + n
    return out


class Script:
    def __init__(self):
        self.out = bytearray()

    def send(self, side, data, piece=None):
        """Long records where they fit, short ones for the rest."""
        i = 0
        while i < len(data):
            rest = len(data) - i
            if piece is None and rest >= 32:
                n = min(rest // 32, 32) * 32
                self.out += bytes([0xC0 | side << 5 | (n // 32 - 1)]) + data[i:i + n]
            else:
                n = min(rest, piece or 64)
                self.out += bytes([side << 6 | (n - 1)]) + data[i:i + n]
            i += n
        return self

    def lose(self, side, n):
        while n > 0:
            k = min(n, 31)
            self.out += bytes([0x80 | side << 5 | k])
            n -= k
        return self


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes(data))


def from_capture(name):
    s = Script()
    for side, data in segments(name):
        if len(s.out) >= CUT:
            break
        s.send(side, data)
    return s.out


def hello_retry():
    segs = segments("starttls-tls13-aes128")
    client_hello = segs[0][1]
    flight = segs[1][1]
    # the server's hello record: 5-byte header, 4-byte handshake header,
    # 2-byte version, then the random
    length = struct.unpack_from("!H", flight, 3)[0]
    hello = bytearray(flight[:5 + length])
    hello[11:43] = HRR_RANDOM
    ccs = b"\x14\x03\x03\x00\x01\x01"
    s = Script()
    s.send(CLIENT, client_hello)
    s.send(SERVER, bytes(hello))
    s.send(CLIENT, ccs + client_hello)
    for side, data in segs[1:8]:
        s.send(side, data)
    return s.out


def add_alpn(record, protocols):
    """The hello in RECORD (one record holding it alone) with an ALPN
    extension at the end, its three lengths made good."""
    out = bytearray(record)
    names = b"".join(bytes([len(p)]) + p for p in protocols)
    ext = struct.pack("!HHH", 16, len(names) + 2, len(names)) + names
    at = 5 + 4 + 2 + 32                      # headers, version, random
    at += 1 + out[at]                        # session id
    at += 2 + struct.unpack_from("!H", out, at)[0]   # cipher suites
    at += 1 + out[at]                        # compression methods
    struct.pack_into("!H", out, at, struct.unpack_from("!H", out, at)[0] + len(ext))
    struct.pack_into("!H", out, 3, struct.unpack_from("!H", out, 3)[0] + len(ext))
    out[6:9] = (int.from_bytes(out[6:9], "big") + len(ext)).to_bytes(3, "big")
    return bytes(out + ext)


def alpn():
    segs = segments("starttls-tls13-aes128")
    s = Script()
    s.send(CLIENT, add_alpn(segs[0][1], [b"smtp", b"h2", b"http/1.1"]))
    for side, data in segs[1:8]:
        s.send(side, data)
    return s.out


def with_gap(name, seg_index, keep_head, lose):
    segs = segments(name)
    s = Script()
    for k, (side, data) in enumerate(segs[:10]):
        if k == seg_index:
            s.send(side, data[:keep_head]).lose(side, lose)
            s.send(side, data[keep_head + lose:])
        else:
            s.send(side, data)
    return s.out


def bytewise(name):
    s = Script()
    for side, data in segments(name)[:4]:
        s.send(side, data, piece=1)
    return s.out


def main():
    os.makedirs(OUT, exist_ok=True)
    names = sorted(f[:-4] for f in os.listdir(FIXTURES) if f.endswith(".bin"))
    for name in names:
        write(name, from_capture(name))
    write("tls13-hello-retry", hello_retry())
    # the server's flight: hello (127 bytes), ChangeCipherSpec, then encrypted
    write("tls13-gap-encrypted", with_gap("starttls-tls13-aes128", 1, 300, 200))
    write("tls12-gap-clear", with_gap("starttls-tls12-aes-gcm", 1, 200, 100))
    write("tls12-bytewise", bytewise("starttls-tls12-chacha"))
    write("tls13-alpn", alpn())
    write("sslv2-hello", Script().send(CLIENT, bytes.fromhex(
        "802e0103010015000000100000390000380000350000160000130000"
        "0a0700c000003300003200002f0300800000050000040100800000")).out)
    write("plain-smtp", Script().send(CLIENT, b"EHLO client.example.org\r\n")
          .send(SERVER, b"250-mail.example.test\r\n250 STARTTLS\r\n").out)
    write("record-too-long", Script().send(SERVER, b"\x17\x03\x03\x48\x01" + b"\0" * 60).out)
    for name in sorted(os.listdir(OUT)):
        print("corpus/tls/%s: %d bytes" % (name, os.path.getsize(os.path.join(OUT, name))))


if __name__ == "__main__":
    main()
