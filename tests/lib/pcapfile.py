# SPDX-License-Identifier: GPL-2.0-or-later
"""Classic pcap files as the project's test and sample scripts write them,
and the Internet checksum their TCP headers need: one copy, so that the
captures they make agree on the format."""
import struct

MAGIC_US = 0xA1B2C3D4
MAGIC_NS = 0xA1B23C4D


def checksum(data):
    """The Internet checksum (RFC 1071).  A big integer modulo 0xFFFF is the
    end-around-carry sum of its 16-bit words, which Python works out in C;
    that sum is 0xFFFF, not 0, unless every word is zero."""
    if len(data) % 2:
        data += b"\0"
    s = int.from_bytes(data, "big") % 0xFFFF
    if s == 0 and any(data):
        s = 0xFFFF
    return ~s & 0xFFFF


def file_header(linktype, snaplen=262144, big_endian=False, nano=False):
    """The 24-byte header: version 2.4, no time zone, SNAPLEN, LINKTYPE."""
    order = ">" if big_endian else "<"
    return struct.pack(order + "IHHiIII", MAGIC_NS if nano else MAGIC_US, 2, 4, 0, 0,
                       snaplen, linktype)


def record_header(sec, frac, caplen, wirelen, big_endian=False):
    """A record's 16-byte header; FRAC in the file's unit (us or ns)."""
    return struct.pack((">" if big_endian else "<") + "IIII", sec, frac, caplen, wirelen)


def record_offsets(data):
    """Where the records of the classic pcap file DATA (bytes, either byte
    order, us or ns) start, each as (offset of its 16-byte header, its
    captured length), as far as whole record headers go: to change records
    in place."""
    order = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    out, at = [], 24
    while at + 16 <= len(data):
        caplen = struct.unpack_from(order + "I", data, at + 8)[0]
        out.append((at, caplen))
        at += 16 + caplen
    return out


def read_records(path):
    """A classic pcap file (either byte order, us or ns) as its 24-byte
    header and the list of its records, each header and data as bytes: to
    be cut or reordered and written again."""
    with open(path, "rb") as f:
        data = f.read()
    return data[:24], [data[at:at + 16 + caplen] for at, caplen in record_offsets(data)]
