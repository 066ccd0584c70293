/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Link layers, IP and TCP headers, built byte by byte. */
#include <pcap/dlt.h>
#include <string.h>

#include "packet.h"

typedef struct {
    guint8 b[256];
    gsize  len;
} frame;

static void
put(frame *f, const void *bytes, gsize n)
{
    g_assert_cmpuint(f->len + n, <=, sizeof f->b);
    memcpy(f->b + f->len, bytes, n);
    f->len += n;
}

static void
put16(frame *f, guint16 v)
{
    guint8 b[2] = { (guint8)(v >> 8), (guint8)v };

    put(f, b, 2);
}

static void
put32(frame *f, guint32 v)
{
    put16(f, (guint16)(v >> 16));
    put16(f, (guint16)v);
}

static const char payload[] = "220 hi\r\n";
#define PAYLOAD_LEN (sizeof payload - 1)

/* TCP 1025 -> 25, seq 7, ack 9, PSH|ACK, with an optional 12-byte options block. */
static void
put_tcp(frame *f, gboolean options)
{
    put16(f, 1025);
    put16(f, 25);
    put32(f, 7);
    put32(f, 9);
    put16(f, (guint16)((options ? 8 : 5) << 12 | 0x18));
    put16(f, 65535);
    put32(f, 0);
    if (options) {
        static const guint8 opts[12] = { 1, 1, 8, 10 };

        put(f, opts, sizeof opts);
    }
    put(f, payload, PAYLOAD_LEN);
}

static void
put_ipv4(frame *f, guint16 frag)
{
    static const guint8 addrs[8] = { 192, 0, 2, 1, 192, 0, 2, 25 };

    put16(f, 0x4500);
    put16(f, (guint16)(20 + 20 + PAYLOAD_LEN));
    put16(f, 1);
    put16(f, frag);
    put16(f, 0x4006);
    put16(f, 0);
    put(f, addrs, 8);
    put_tcp(f, FALSE);
}

/* IPv6 with EXT extension headers (hop-by-hop, destination options, ...). */
static void
put_ipv6(frame *f, const guint8 *ext, gsize n_ext)
{
    guint8 addrs[32] = { 0x20, 0x01, 0x0d, 0xb8 };

    addrs[15] = 1;
    addrs[16] = 0x20, addrs[17] = 0x01, addrs[18] = 0x0d, addrs[19] = 0xb8, addrs[31] = 0x25;
    put32(f, 6u << 28);
    put16(f, (guint16)(n_ext * 8 + 32 + PAYLOAD_LEN));
    put(f, n_ext ? &ext[0] : (const guint8[]){ 6 }, 1);
    put(f, (const guint8[]){ 64 }, 1);
    put(f, addrs, 32);
    for (gsize i = 0; i < n_ext; i++) {
        guint8 h[8] = { i + 1 < n_ext ? ext[i + 1] : 6, 0, 1, 4 };

        put(f, h, 8);
    }
    put_tcp(f, TRUE);
}

static void
put_ether(frame *f, const guint16 *tags, gsize n_tags, guint16 type)
{
    static const guint8 macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };

    put(f, macs, 12);
    for (gsize i = 0; i < n_tags; i++) {
        put16(f, tags[i]);
        put16(f, (guint16)(100 + i));
    }
    put16(f, type);
}

static void
assert_tcp(const frame *f, int linktype, guint family)
{
    packet_tcp p;

    g_assert_cmpint(packet_parse(linktype, f->b, f->len, f->len, &p), ==, PACKET_TCP);
    g_assert_cmpuint(p.family, ==, family);
    g_assert_cmpuint(p.sport, ==, 1025);
    g_assert_cmpuint(p.dport, ==, 25);
    g_assert_cmpuint(p.seq, ==, 7);
    g_assert_cmpuint(p.ack, ==, 9);
    g_assert_cmpuint(p.flags, ==, TCP_ACK | 0x08);
    g_assert_cmpuint(p.payload_len, ==, PAYLOAD_LEN);
    g_assert_cmpuint(p.payload_wire, ==, PAYLOAD_LEN);
    g_assert_cmpmem(p.payload, p.payload_len, payload, PAYLOAD_LEN);
}

static void
test_ethernet_vlan(void)
{
    static const guint16 one[] = { 0x8100 }, qinq[] = { 0x88a8, 0x8100 };
    frame f = { .len = 0 };

    put_ether(&f, NULL, 0, 0x0800);
    put_ipv4(&f, 0x4000);
    assert_tcp(&f, DLT_EN10MB, 4);
    f.len = 0;
    put_ether(&f, one, 1, 0x0800);
    put_ipv4(&f, 0);
    assert_tcp(&f, DLT_EN10MB, 4);
    f.len = 0;
    put_ether(&f, qinq, 2, 0x86dd);
    put_ipv6(&f, NULL, 0);
    assert_tcp(&f, DLT_EN10MB, 6);
}

static void
test_ethernet_padding(void)
{
    frame f = { .len = 0 };
    static const guint8 pad[6] = { 0 };

    /* Padding after the IP packet is not payload. */
    put_ether(&f, NULL, 0, 0x0800);
    put_ipv4(&f, 0);
    put(&f, pad, sizeof pad);
    assert_tcp(&f, DLT_EN10MB, 4);
}

static void
test_cooked(void)
{
    frame f = { .len = 0 };
    static const guint8 sll_head[14] = { 0, 0, 0x03, 0x04, 0, 6 };
    static const guint8 sll2_rest[18] = { 0, 0, 0, 0, 0, 1, 0x03, 0x04, 0, 6 };

    put(&f, sll_head, sizeof sll_head);
    put16(&f, 0x0800);
    put_ipv4(&f, 0);
    assert_tcp(&f, DLT_LINUX_SLL, 4);
    f.len = 0;
    put16(&f, 0x86dd);
    put(&f, sll2_rest, sizeof sll2_rest);
    put_ipv6(&f, NULL, 0);
    assert_tcp(&f, DLT_LINUX_SLL2, 6);
}

static void
test_raw_and_loopback(void)
{
    frame f = { .len = 0 };

    put_ipv4(&f, 0);
    assert_tcp(&f, DLT_RAW, 4);
    assert_tcp(&f, DLT_IPV4, 4);
    /* NULL: the family in the capturing host's order, either order. */
    f.len = 0;
    put(&f, (const guint8[]){ 2, 0, 0, 0 }, 4);
    put_ipv4(&f, 0);
    assert_tcp(&f, DLT_NULL, 4);
    f.len = 0;
    put(&f, (const guint8[]){ 0, 0, 0, 30 }, 4);
    put_ipv6(&f, NULL, 0);
    assert_tcp(&f, DLT_NULL, 6);
    f.len = 0;
    put(&f, (const guint8[]){ 0, 0, 0, 24 }, 4);
    put_ipv6(&f, NULL, 0);
    assert_tcp(&f, DLT_LOOP, 6);
}

static void
test_ipv6_extension_headers(void)
{
    static const guint8 hop_dst[] = { 0, 60 }, routing[] = { 43 }, frag_first[] = { 44 };
    frame f = { .len = 0 };
    packet_tcp p;

    put_ipv6(&f, hop_dst, 2);
    assert_tcp(&f, DLT_RAW, 6);
    f.len = 0;
    put_ipv6(&f, routing, 1);
    assert_tcp(&f, DLT_RAW, 6);
    /* A fragment header with offset 0 and no more fragments is a whole packet
     * (the test header's bytes 2-3 are 0x0104: offset 32, so a fragment). */
    f.len = 0;
    put_ipv6(&f, frag_first, 1);
    g_assert_cmpint(packet_parse(DLT_RAW, f.b, f.len, f.len, &p), ==, PACKET_FRAGMENT);
}

static void
test_not_tcp(void)
{
    frame f = { .len = 0 };
    packet_tcp p;

    put_ether(&f, NULL, 0, 0x0806);   /* ARP */
    put32(&f, 0);
    g_assert_cmpint(packet_parse(DLT_EN10MB, f.b, f.len, f.len, &p), ==, PACKET_OTHER);
    f.len = 0;
    put_ipv4(&f, 0);
    f.b[9] = 17;                      /* UDP */
    g_assert_cmpint(packet_parse(DLT_RAW, f.b, f.len, f.len, &p), ==, PACKET_OTHER);
    f.len = 0;
    put_ipv4(&f, 0x2000);             /* more fragments */
    g_assert_cmpint(packet_parse(DLT_RAW, f.b, f.len, f.len, &p), ==, PACKET_FRAGMENT);
    g_assert_false(packet_linktype_supported(DLT_IEEE802_11));
    g_assert_cmpint(packet_parse(DLT_IEEE802_11, f.b, f.len, f.len, &p), ==, PACKET_OTHER);
}

static void
test_snaplen(void)
{
    frame f = { .len = 0 };
    packet_tcp p;

    put_ether(&f, NULL, 0, 0x0800);
    put_ipv4(&f, 0);
    /* Cut 3 bytes into the payload: parsed, with 3 of 8 bytes captured. */
    g_assert_cmpint(packet_parse(DLT_EN10MB, f.b, 14 + 40 + 3, f.len, &p), ==, PACKET_TCP);
    g_assert_cmpuint(p.payload_len, ==, 3);
    g_assert_cmpuint(p.payload_wire, ==, PAYLOAD_LEN);
    /* Every shorter cut, down to nothing: no read past the end, and short. */
    for (gsize n = 0; n < 14 + 40; n++)
        g_assert_cmpint(packet_parse(DLT_EN10MB, f.b, n, f.len, &p), ==, PACKET_SHORT);
}

static void
test_malformed(void)
{
    frame f = { .len = 0 };
    packet_tcp p;

    put_ipv4(&f, 0);
    f.b[0] = 0x44;                    /* IHL 16 bytes */
    g_assert_cmpint(packet_parse(DLT_RAW, f.b, f.len, f.len, &p), ==, PACKET_MALFORMED);
    f.b[0] = 0x45;
    f.b[20 + 12] = 0x40;              /* TCP data offset 16 bytes */
    g_assert_cmpint(packet_parse(DLT_RAW, f.b, f.len, f.len, &p), ==, PACKET_MALFORMED);
    f.b[20 + 12] = 0xf0;              /* 60 bytes: more than the segment */
    g_assert_cmpint(packet_parse(DLT_RAW, f.b, f.len, f.len, &p), ==, PACKET_MALFORMED);
}

/* An IP length past the frame on the wire is damage, not a snapshot cut:
 * trusted, its missing bytes would be a gap in the stream. */
static void
test_length_past_wire(void)
{
    static const guint8 no_ext[1];
    frame f = { .len = 0 };
    packet_tcp p;

    put_ether(&f, NULL, 0, 0x0800);
    put_ipv4(&f, 0);
    f.b[14 + 3] += 100;               /* IPv4 total length 100 past the frame */
    g_assert_cmpint(packet_parse(DLT_EN10MB, f.b, f.len, f.len, &p), ==, PACKET_MALFORMED);
    /* Cut by the snapshot length, with the same wire length: still a lie. */
    g_assert_cmpint(packet_parse(DLT_EN10MB, f.b, 14 + 40, f.len, &p), ==, PACKET_MALFORMED);
    /* The same length on a frame that was that long: a snapshot cut. */
    g_assert_cmpint(packet_parse(DLT_EN10MB, f.b, f.len, f.len + 100, &p), ==, PACKET_TCP);
    g_assert_cmpuint(p.payload_len, ==, PAYLOAD_LEN);
    g_assert_cmpuint(p.payload_wire, ==, PAYLOAD_LEN + 100);

    f.len = 0;
    put_ipv6(&f, no_ext, 0);
    f.b[5] += 1;                      /* IPv6 payload length one past the packet */
    g_assert_cmpint(packet_parse(DLT_RAW, f.b, f.len, f.len, &p), ==, PACKET_MALFORMED);
    g_assert_cmpint(packet_parse(DLT_RAW, f.b, f.len, f.len + 1, &p), ==, PACKET_TCP);
    /* A record whose wire length is below its captured length: what it
     * holds was there. */
    f.b[5] -= 1;
    g_assert_cmpint(packet_parse(DLT_RAW, f.b, f.len, 10, &p), ==, PACKET_TCP);
}

static void
test_every_cut_is_safe(void)
{
    static const guint8 ext[] = { 0, 60, 43 };
    static const guint16 tags[] = { 0x88a8, 0x8100 };
    frame f = { .len = 0 };
    packet_tcp p;

    put_ether(&f, tags, 2, 0x86dd);
    put_ipv6(&f, ext, 3);
    assert_tcp(&f, DLT_EN10MB, 6);
    /* ASan catches any read past N; each cut parses to some status. */
    for (gsize n = 0; n <= f.len; n++) {
        guint8 *copy = g_memdup2(f.b, n ? n : 1);
        packet_status s = packet_parse(DLT_EN10MB, copy, n, f.len, &p);

        g_assert_cmpint(s, <=, PACKET_SHORT);
        if (s == PACKET_TCP)
            g_assert_cmpuint(p.payload_len, <=, PAYLOAD_LEN);
        g_free(copy);
    }
}

static void
test_endpoint(void)
{
    guint8 v4[16] = { 192, 0, 2, 1 }, v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
    char buf[64];

    v6[15] = 1;
    packet_format_endpoint(4, v4, 25, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "192.0.2.1:25");
    /* The widest, and zeros, written by hand as inet_ntop() would. */
    memset(v4, 255, 4);
    packet_format_endpoint(4, v4, 65535, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "255.255.255.255:65535");
    memset(v4, 0, 4);
    v4[0] = 10;
    packet_format_endpoint(4, v4, 0, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "10.0.0.0:0");
    packet_format_endpoint(6, v6, 587, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "[2001:db8::1]:587");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/packet/ethernet/vlan", test_ethernet_vlan);
    g_test_add_func("/packet/ethernet/padding", test_ethernet_padding);
    g_test_add_func("/packet/cooked", test_cooked);
    g_test_add_func("/packet/raw-and-loopback", test_raw_and_loopback);
    g_test_add_func("/packet/ipv6/extension-headers", test_ipv6_extension_headers);
    g_test_add_func("/packet/not-tcp", test_not_tcp);
    g_test_add_func("/packet/snaplen", test_snaplen);
    g_test_add_func("/packet/malformed", test_malformed);
    g_test_add_func("/packet/length-past-wire", test_length_past_wire);
    g_test_add_func("/packet/every-cut", test_every_cut_is_safe);
    g_test_add_func("/packet/endpoint", test_endpoint);
    return g_test_run();
}
