#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Rewrites a real capture into one with TCP trouble in the server's stream.

    pcap_rewrite.py MODE IN.pcap OUT.pcap

IN is a classic pcap of Ethernet frames (tcpdump -i lo) holding one SMTP
connection.  The segments to touch are found by their payload, not by
frame number, so the rewrite still works on a fresh recording.  Modes:

  out-of-order     the server's multiline EHLO reply (five segments) is
                   captured in the order 1 3 2 5 4, the client's ACKs
                   following what arrived in order
  retransmission   the EHLO reply segment is captured twice (same bytes),
                   and the tail of the MAIL reply is sent again
                   (a partial overlap with the same bytes)
  overlap-conflict the RCPT reply "250 2.1.5 Ok" is followed by a segment
                   with the same sequence number and length but other
                   bytes, "550 5.1.1 No"
  gap              the segment carrying the MAIL reply is dropped
  gap-multiline    the third segment of the multiline EHLO reply is dropped

Only the chosen server segments change; the TCP checksum of every new or
changed segment is recomputed.  Timestamps stay in capture order.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "lib"))
from pcapfile import checksum  # noqa: E402

PCAP_MAGIC_US = 0xA1B2C3D4
LINKTYPE_ETHERNET = 1


class Packet:
    def __init__(self, ts_sec, ts_usec, data):
        self.ts = ts_sec * 1000000 + ts_usec
        self.data = bytearray(data)

    # Ethernet + IPv4 or IPv6 + TCP: offsets of the TCP header and payload.
    def layout(self):
        ethertype = struct.unpack_from("!H", self.data, 12)[0]
        ip = 14
        if ethertype == 0x0800:
            ihl = (self.data[ip] & 0x0F) * 4
            total = struct.unpack_from("!H", self.data, ip + 2)[0]
            proto = self.data[ip + 9]
            tcp = ip + ihl
            end = ip + total
        elif ethertype == 0x86DD:
            plen = struct.unpack_from("!H", self.data, ip + 4)[0]
            proto = self.data[ip + 6]
            tcp = ip + 40
            end = tcp + plen
        else:
            return None
        if proto != 6:
            return None
        off = (self.data[tcp + 12] >> 4) * 4
        return ethertype, ip, tcp, tcp + off, end

    def sport(self):
        lay = self.layout()
        return struct.unpack_from("!H", self.data, lay[2])[0] if lay else None

    def seq(self):
        lay = self.layout()
        return struct.unpack_from("!I", self.data, lay[2] + 4)[0]

    def payload(self):
        lay = self.layout()
        return bytes(self.data[lay[3]:lay[4]]) if lay else b""

    def set_ack(self, ack):
        _, _, tcp, pay, end = self.layout()
        struct.pack_into("!I", self.data, tcp + 8, ack)
        self.set_payload(bytes(self.data[pay:end]))

    def copy(self):
        p = Packet(0, 0, bytes(self.data))
        p.ts = self.ts
        return p

    def set_payload(self, payload, seq=None):
        """Replaces the TCP payload (any length) and fixes lengths and checksums."""
        ethertype, ip, tcp, pay, end = self.layout()
        self.data[pay:end] = payload
        end = pay + len(payload)
        del self.data[end:]
        if seq is not None:
            struct.pack_into("!I", self.data, tcp + 4, seq)
        if ethertype == 0x0800:
            struct.pack_into("!H", self.data, ip + 2, end - ip)
            struct.pack_into("!H", self.data, ip + 10, 0)
            struct.pack_into("!H", self.data, ip + 10, checksum(bytes(self.data[ip:tcp])))
            pseudo = bytes(self.data[ip + 12:ip + 20]) + struct.pack("!BBH", 0, 6, end - tcp)
        else:
            struct.pack_into("!H", self.data, ip + 4, end - tcp)
            pseudo = (bytes(self.data[ip + 8:ip + 40])
                      + struct.pack("!IxxxB", end - tcp, 6))
        struct.pack_into("!H", self.data, tcp + 16, 0)
        struct.pack_into("!H", self.data, tcp + 16, checksum(pseudo + bytes(self.data[tcp:end])))


def read_pcap(path):
    with open(path, "rb") as f:
        header = f.read(24)
        magic, _, _, _, _, _, linktype = struct.unpack("<IHHiIII", header)
        if magic != PCAP_MAGIC_US or linktype != LINKTYPE_ETHERNET:
            sys.exit("%s: not a little-endian microsecond pcap of Ethernet frames" % path)
        packets = []
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                break
            ts_sec, ts_usec, incl, _orig = struct.unpack("<IIII", rec)
            packets.append(Packet(ts_sec, ts_usec, f.read(incl)))
    return header, packets


def write_pcap(path, header, packets):
    with open(path, "wb") as f:
        f.write(header)
        for p in packets:
            f.write(struct.pack("<IIII", p.ts // 1000000, p.ts % 1000000,
                                len(p.data), len(p.data)))
            f.write(p.data)


def server_segments(packets):
    """Indexes of the packets the server (port 25) sent with data."""
    return [i for i, p in enumerate(packets) if p.sport() == 25 and p.payload()]


def find(packets, prefix, nth=0):
    hits = [i for i in server_segments(packets) if packets[i].payload().startswith(prefix)]
    if len(hits) <= nth:
        sys.exit("no server segment starting with %r" % prefix)
    return hits[nth]


def insert_after(packets, i, new):
    """Puts NEW right after packet I, timed between it and the next packet."""
    after = packets[i + 1].ts if i + 1 < len(packets) else packets[i].ts + 2000
    new.ts = packets[i].ts + max(1, (after - packets[i].ts) // 2)
    packets.insert(i + 1, new)


def ehlo_run(packets):
    """The consecutive server segments of the multiline EHLO reply."""
    first = find(packets, b"250-")
    run = [first]
    segs = server_segments(packets)
    k = segs.index(first)
    while (k + 1 < len(segs) and segs[k + 1] == run[-1] + 2
           and not packets[run[-1]].payload().endswith(b"250 CHUNKING\r\n")):
        k += 1
        run.append(segs[k])
    return run


def out_of_order(packets):
    run = ehlo_run(packets)
    if len(run) != 5:
        sys.exit("expected the EHLO reply in five segments, found %d" % len(run))
    # Only the data segments move; the client's ACKs stay where they were.
    order = [0, 2, 1, 4, 3]
    moved = [packets[run[k]].copy() for k in order]
    for k, (slot, pkt) in enumerate(zip(run, moved)):
        pkt.ts = packets[slot].ts
        if k and order[k] < order[k - 1]:
            # The late segment follows the early one closely, so it reads as
            # reordered on the way rather than resent after a timeout.
            early = packets[slot - 2].ts
            packets[slot - 1].ts = early + 3
            pkt.ts = early + 6
            packets[slot + 1].ts = early + 9
        packets[slot] = pkt
    # The client's ACK after each segment acknowledges only what has arrived
    # in order: a duplicate ACK after an early segment, as a real stack sends.
    start = packets[run[0]].seq()
    have = {}
    for slot in run:
        pkt = packets[slot]
        have[pkt.seq()] = pkt.seq() + len(pkt.payload())
        edge = start
        while edge in have:
            edge = have[edge]
        ack = packets[slot + 1]
        if ack.sport() != 25 and not ack.payload():
            ack.set_ack(edge & 0xFFFFFFFF)
    return packets


def retransmission(packets):
    i = find(packets, b"250-")
    dup = packets[i].copy()
    insert_after(packets, i + 1, dup)          # after the client's ACK
    i = find(packets, b"250 2.1.0")
    tail = packets[i].copy()
    payload = tail.payload()
    tail.set_payload(payload[6:], seq=(packets[i].seq() + 6) & 0xFFFFFFFF)
    insert_after(packets, i + 1, tail)
    return packets


def overlap_conflict(packets):
    i = find(packets, b"250 2.1.5 Ok\r\n")
    other = packets[i].copy()
    other.set_payload(b"550 5.1.1 No\r\n")
    insert_after(packets, i + 1, other)
    return packets


def gap(packets):
    del packets[find(packets, b"250 2.1.0")]
    return packets


def gap_multiline(packets):
    run = ehlo_run(packets)
    del packets[run[2]]
    return packets


MODES = {
    "out-of-order": out_of_order,
    "retransmission": retransmission,
    "overlap-conflict": overlap_conflict,
    "gap": gap,
    "gap-multiline": gap_multiline,
}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in MODES:
        sys.exit("usage: pcap_rewrite.py {%s} IN.pcap OUT.pcap" % ",".join(MODES))
    header, packets = read_pcap(sys.argv[2])
    write_pcap(sys.argv[3], header, MODES[sys.argv[1]](packets))


if __name__ == "__main__":
    main()
