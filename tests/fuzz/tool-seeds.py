#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the seeds of fuzz-packet and fuzz-capture from the captures in samples/.

corpus/packet/<sample>[-<link>]: the sample's packets in fuzz-packet's format
(described at the top of fuzz-packet.c): a link type byte, then each packet
behind its length and time step; the Ethernet frames as they are, and for
two samples once more behind every other link layer the tool reads.

corpus/capture/<sample>: the sample itself, cut after the packet that brings
it past CAPTURE_MAX bytes; and ehlo.pcap written again big-endian with
nanoseconds, and with raw IP frames, to start those readers off.

Run it from anywhere: python3 tests/fuzz/tool-seeds.py
"""
import glob
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pcapfile import file_header, record_header  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "..", "samples")
PACKET_MAX = 4096      # bytes of one packet seed
CAPTURE_MAX = 16384    # bytes of one capture seed, about
CAPLEN_MAX = 2047      # what fuzz-packet's 11-bit length holds
STEP_US = 250000       # fuzz-packet's time step

# fuzz-packet's LINKTYPES, in order.
LINKS = ["ether", "sll", "sll2", "raw", "ipv4", "ipv6", "null", "loop"]
DLT_EN10MB, DLT_RAW = 1, 101


def read_capture(path):
    """(linktype, [(time_us, frame)]) of a classic pcap or pcapng file."""
    data = open(path, "rb").read()
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        return read_pcapng(data)
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    nano = struct.unpack(order + "I", data[:4])[0] == 0xA1B23C4D
    linktype = struct.unpack(order + "I", data[20:24])[0]
    packets, pos = [], 24
    while pos + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack(order + "IIII", data[pos:pos + 16])
        packets.append((sec * 1000000 + (frac // 1000 if nano else frac),
                        data[pos + 16:pos + 16 + caplen]))
        pos += 16 + caplen
    return linktype, packets


def read_pcapng(data):
    """Interface descriptions and enhanced packets only (all the samples hold)."""
    order = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    linktype, packets, pos = None, [], 0
    while pos + 12 <= len(data):
        btype, blen = struct.unpack(order + "II", data[pos:pos + 8])
        body = data[pos + 8:pos + blen - 4]
        if btype == 1 and linktype is None:
            linktype = struct.unpack(order + "H", body[:2])[0]
        elif btype == 6:
            _, hi, lo, caplen, _ = struct.unpack(order + "IIIII", body[:20])
            packets.append(((hi << 32 | lo), body[20:20 + caplen]))   # microseconds
        pos += blen
    return linktype, packets


def ip_of(frame):
    """The IP packet in an Ethernet frame and its EtherType, past VLAN tags."""
    pos = 12
    while struct.unpack(">H", frame[pos:pos + 2])[0] in (0x8100, 0x88A8):
        pos += 4
    return struct.unpack(">H", frame[pos:pos + 2])[0], frame[pos + 2:]


def relink(frame, link):
    """The Ethernet FRAME's IP packet behind LINK's header instead."""
    ethertype, ip = ip_of(frame)
    v6 = ethertype == 0x86DD
    mac = b"\x02\x00\x00\x00\x00\x01\x00\x00"
    if link == "sll":
        return struct.pack(">HHH8sH", 0, 1, 6, mac, ethertype) + ip
    if link == "sll2":
        return struct.pack(">HHIHBB8s", ethertype, 0, 1, 1, 0, 6, mac) + ip
    if link == "null":
        return struct.pack("<I", 30 if v6 else 2) + ip   # the writer's own byte order
    if link == "loop":
        return struct.pack(">I", 30 if v6 else 2) + ip
    return ip   # raw, ipv4, ipv6


def packet_seed(link, packets):
    out = bytearray([LINKS.index(link)])
    last = packets[0][0] if packets else 0
    for time_us, frame in packets:
        frame = frame[:CAPLEN_MAX]
        if len(out) + 2 + len(frame) > PACKET_MAX:
            break
        step = min(max(time_us - last, 0) // STEP_US, 31)
        last = time_us
        out += bytes([step << 3 | len(frame) >> 8, len(frame) & 0xFF]) + frame
    return bytes(out)


def pcap_file(linktype, packets, big_endian=False, nano=False):
    out = bytearray(file_header(linktype, big_endian=big_endian, nano=nano))
    for time_us, frame in packets:
        frac = time_us % 1000000 * (1000 if nano else 1)
        out += record_header(time_us // 1000000, frac, len(frame), len(frame), big_endian)
        out += frame
    return bytes(out)


def cut(data, linktype, packets):
    """DATA itself if small, else the packets that fit in CAPTURE_MAX."""
    if len(data) <= CAPTURE_MAX:
        return data
    kept, size = [], 24
    for p in packets:
        kept.append(p)
        size += 16 + len(p[1])
        if size > CAPTURE_MAX:
            break
    return pcap_file(linktype, kept)


def write(directory, name, data):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def main():
    packet_dir = os.path.join(HERE, "corpus", "packet")
    capture_dir = os.path.join(HERE, "corpus", "capture")
    for path in sorted(glob.glob(os.path.join(SAMPLES, "*.pcap*"))):
        name = os.path.basename(path)
        stem = name.split(".")[0]
        linktype, packets = read_capture(path)
        assert linktype == DLT_EN10MB, name
        write(packet_dir, stem, packet_seed("ether", packets))
        write(capture_dir, name, cut(open(path, "rb").read(), linktype, packets))
        if stem in ("ehlo", "ipv6"):
            for link in LINKS[1:]:
                if link == ("ipv6" if stem == "ehlo" else "ipv4"):
                    continue
                write(packet_dir, f"{stem}-{link}",
                      packet_seed(link, [(t, relink(f, link)) for t, f in packets]))
        if stem == "ehlo":
            write(capture_dir, "ehlo-big-endian-nano.pcap",
                  pcap_file(linktype, packets, big_endian=True, nano=True))
            write(capture_dir, "ehlo-raw.pcap",
                  pcap_file(DLT_RAW, [(t, relink(f, "raw")) for t, f in packets]))


if __name__ == "__main__":
    main()
