/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "packet.h"

#include <arpa/inet.h>
#include <pcap/dlt.h>
#include <string.h>
#include <sys/socket.h>

#define ETHERTYPE_IPV4   0x0800
#define ETHERTYPE_IPV6   0x86dd
#define ETHERTYPE_MIN    0x0600   /* below: an 802.3 length, not a type */
#define MAX_VLAN_TAGS    8        /* QinQ stacks are two deep; more is junk */
#define MAX_IPV6_EXT     16       /* bounds the walk over a crafted chain */

#define IPPROTO_HOPOPTS_  0
#define IPPROTO_TCP_      6
#define IPPROTO_ROUTING_  43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_AH_       51
#define IPPROTO_NONE_     59
#define IPPROTO_DSTOPTS_  60
#define IPPROTO_MOBILITY_ 135
#define IPPROTO_HIP_      139
#define IPPROTO_SHIM6_    140

/* A bounded view of the captured bytes: every read goes through it. */
typedef struct {
    const guint8 *data;
    gsize         len;    /* captured */
    gsize         wire;   /* on the wire, at least len: what a header may claim */
} span;

static gboolean
has(const span *s, gsize off, gsize n)
{
    return off <= s->len && n <= s->len - off;
}

static guint16
be16(const span *s, gsize off)
{
    return (guint16)(s->data[off] << 8 | s->data[off + 1]);
}

static guint32
be32(const span *s, gsize off)
{
    return (guint32)s->data[off] << 24 | (guint32)s->data[off + 1] << 16
        | (guint32)s->data[off + 2] << 8 | s->data[off + 3];
}

static span
tail(const span *s, gsize off)
{
    span t = { s->data + off, s->len - off, s->wire - off };

    return t;
}

/* TCP header and payload.  WIRE: bytes of TCP segment on the wire. */
static packet_status
parse_tcp(span s, gsize wire, packet_tcp *out)
{
    gsize hlen;

    if (!has(&s, 0, 20))
        return wire < 20 ? PACKET_MALFORMED : PACKET_SHORT;
    hlen = (gsize)(s.data[12] >> 4) * 4;
    if (hlen < 20 || hlen > wire)
        return PACKET_MALFORMED;
    if (!has(&s, 0, hlen))
        return PACKET_SHORT;
    out->sport = be16(&s, 0);
    out->dport = be16(&s, 2);
    out->seq = be32(&s, 4);
    out->ack = be32(&s, 8);
    out->flags = s.data[13];
    out->payload = s.data + hlen;
    out->payload_wire = wire - hlen;
    /* Link-layer padding may follow the segment; it is not payload. */
    out->payload_len = MIN(s.len, wire) - hlen;
    return PACKET_TCP;
}

static packet_status
parse_ipv4(span s, packet_tcp *out)
{
    gsize ihl, total;
    guint16 frag;

    if (!has(&s, 0, 20))
        return PACKET_SHORT;
    if (s.data[0] >> 4 != 4)
        return PACKET_MALFORMED;
    ihl = (gsize)(s.data[0] & 0x0f) * 4;
    total = be16(&s, 2);
    /* Segmentation offload hands the capture a zero length: trust the capture. */
    if (total == 0)
        total = s.wire;
    /* A length past what was on the wire is a lie, not a snapshot cut:
     * trusted, it would make the missing bytes a gap in the stream. */
    if (ihl < 20 || total < ihl || total > s.wire)
        return PACKET_MALFORMED;
    if (!has(&s, 0, ihl))
        return PACKET_SHORT;
    frag = be16(&s, 6);
    if (frag & 0x3fff)
        return PACKET_FRAGMENT;
    if (s.data[9] != IPPROTO_TCP_)
        return PACKET_OTHER;
    out->family = 4;
    memset(out->src, 0, sizeof out->src);
    memset(out->dst, 0, sizeof out->dst);
    memcpy(out->src, s.data + 12, 4);
    memcpy(out->dst, s.data + 16, 4);
    return parse_tcp(tail(&s, ihl), total - ihl, out);
}

static packet_status
parse_ipv6(span s, packet_tcp *out)
{
    gsize off = 40, wire;
    guint next;

    if (!has(&s, 0, 40))
        return PACKET_SHORT;
    if (s.data[0] >> 4 != 6)
        return PACKET_MALFORMED;
    wire = be16(&s, 4);
    if (wire == 0)   /* a jumbogram, or offload: trust the capture */
        wire = s.wire - 40;
    wire += 40;
    if (wire > s.wire)   /* see parse_ipv4 */
        return PACKET_MALFORMED;
    next = s.data[6];
    for (guint n = 0; next != IPPROTO_TCP_; n++) {
        gsize hlen;

        if (n == MAX_IPV6_EXT)
            return PACKET_MALFORMED;
        switch (next) {
        case IPPROTO_HOPOPTS_:
        case IPPROTO_ROUTING_:
        case IPPROTO_DSTOPTS_:
        case IPPROTO_MOBILITY_:
        case IPPROTO_HIP_:
        case IPPROTO_SHIM6_:
            if (!has(&s, off, 2))
                return off + 2 > wire ? PACKET_MALFORMED : PACKET_SHORT;
            hlen = ((gsize)s.data[off + 1] + 1) * 8;
            break;
        case IPPROTO_AH_:
            if (!has(&s, off, 2))
                return off + 2 > wire ? PACKET_MALFORMED : PACKET_SHORT;
            hlen = ((gsize)s.data[off + 1] + 2) * 4;
            break;
        case IPPROTO_FRAGMENT_:
            if (!has(&s, off, 8))
                return off + 8 > wire ? PACKET_MALFORMED : PACKET_SHORT;
            /* An atomic fragment (offset 0, no more) is a whole packet. */
            if (be16(&s, off + 2) & 0xfff9)
                return PACKET_FRAGMENT;
            hlen = 8;
            break;
        default:   /* IPPROTO_NONE_, ESP, UDP, ICMPv6, ... */
            return PACKET_OTHER;
        }
        if (off + hlen > wire)
            return PACKET_MALFORMED;
        if (!has(&s, off, hlen))
            return PACKET_SHORT;
        next = s.data[off];
        off += hlen;
    }
    out->family = 6;
    memcpy(out->src, s.data + 8, 16);
    memcpy(out->dst, s.data + 24, 16);
    return parse_tcp(tail(&s, off), wire - off, out);
}

static packet_status
parse_ip_version(span s, packet_tcp *out)
{
    if (!has(&s, 0, 1))
        return PACKET_SHORT;
    switch (s.data[0] >> 4) {
    case 4: return parse_ipv4(s, out);
    case 6: return parse_ipv6(s, out);
    default: return PACKET_OTHER;
    }
}

/* The payload at OFF of EtherType TYPE, possibly behind 802.1Q / 802.1ad tags. */
static packet_status
parse_ethertype(span s, guint16 type, gsize off, packet_tcp *out)
{
    for (guint tags = 0; type == 0x8100 || type == 0x88a8 || type == 0x9100; tags++) {
        if (tags == MAX_VLAN_TAGS)
            return PACKET_MALFORMED;
        if (!has(&s, off, 4))
            return PACKET_SHORT;
        type = be16(&s, off + 2);
        off += 4;
    }
    switch (type) {
    case ETHERTYPE_IPV4: return parse_ipv4(tail(&s, off), out);
    case ETHERTYPE_IPV6: return parse_ipv6(tail(&s, off), out);
    default: return PACKET_OTHER;
    }
}

/* A link header of HLEN bytes whose EtherType is at TYPE_OFF. */
static packet_status
parse_link(span s, gsize type_off, gsize hlen, packet_tcp *out)
{
    if (!has(&s, 0, hlen))
        return PACKET_SHORT;
    return parse_ethertype(s, be16(&s, type_off), hlen, out);
}

/* BSD loopback: an address family, host order for NULL, network for LOOP. */
static packet_status
parse_loopback(span s, gboolean network_order, packet_tcp *out)
{
    guint32 af;

    if (!has(&s, 0, 4))
        return PACKET_SHORT;
    af = be32(&s, 0);
    /* NULL is in the capturing host's order, which may not be ours. */
    if (!network_order && af > 0xffff)
        af = GUINT32_SWAP_LE_BE(af);
    switch (af) {
    case 2:                        /* AF_INET everywhere */
        return parse_ipv4(tail(&s, 4), out);
    case 10: case 24: case 28: case 30:   /* AF_INET6: Linux, BSDs, macOS */
        return parse_ipv6(tail(&s, 4), out);
    default:
        return PACKET_OTHER;
    }
}

gboolean
packet_linktype_supported(int linktype)
{
    switch (linktype) {
    case DLT_EN10MB:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
    case DLT_NULL:
    case DLT_LOOP:
        return TRUE;
    default:
        return FALSE;
    }
}

packet_status
packet_parse(int linktype, const guint8 *data, gsize caplen, gsize wirelen, packet_tcp *out)
{
    /* A record claiming fewer bytes on the wire than it holds is damaged:
     * what it holds is what was there. */
    span s = { data, caplen, MAX(caplen, wirelen) };

    memset(out, 0, sizeof *out);
    switch (linktype) {
    case DLT_EN10MB:
        return parse_link(s, 12, 14, out);
    case DLT_LINUX_SLL:
        return parse_link(s, 14, 16, out);
    case DLT_LINUX_SLL2:
        return parse_link(s, 0, 20, out);
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
        return parse_ip_version(s, out);
    case DLT_NULL:
        return parse_loopback(s, FALSE, out);
    case DLT_LOOP:
        return parse_loopback(s, TRUE, out);
    default:
        return PACKET_OTHER;
    }
}

/* Appends N in decimal at P; returns the end. */
static char *
put_decimal(char *p, guint n)
{
    char digits[10];
    gsize k = 0;

    do {
        digits[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    while (k)
        *p++ = digits[--k];
    return p;
}

void
packet_format_endpoint(guint family, const guint8 *addr, guint16 port, char *buf, gsize size)
{
    /* "255.255.255.255:65535" by hand: every flow's two endpoints are
     * written, and printf-style formatting cost more than a reply. */
    if (family != 6 && size >= sizeof "255.255.255.255:65535") {
        char *p = buf;

        for (gsize i = 0; i < 4; i++) {
            p = put_decimal(p, addr[i]);
            *p++ = i < 3 ? '.' : ':';
        }
        p = put_decimal(p, port);
        *p = '\0';
        return;
    }
    {
        char text[INET6_ADDRSTRLEN];

        if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, text, sizeof text))
            g_strlcpy(text, "?", sizeof text);
        if (family == 6)
            g_snprintf(buf, size, "[%s]:%u", text, port);
        else
            g_snprintf(buf, size, "%s:%u", text, port);
    }
}
