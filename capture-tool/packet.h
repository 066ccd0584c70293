/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Link layer, IPv4/IPv6 and TCP headers of one captured packet, parsed into
 * a plain struct.  Nothing here keeps state between packets.
 */
#ifndef PACKET_H
#define PACKET_H

#include <glib.h>

#define PACKET_ADDR_MAX 16

/* TCP flag bits as they stand in the header. */
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

typedef enum {
    PACKET_TCP,         /* a TCP segment: the struct is filled in */
    PACKET_OTHER,       /* well-formed, but not TCP over IP (ARP, UDP, ...) */
    PACKET_FRAGMENT,    /* an IP fragment: not reassembled, skipped */
    PACKET_MALFORMED,   /* headers that contradict themselves */
    PACKET_SHORT,       /* cut by the snapshot length before the TCP payload */
} packet_status;

typedef struct {
    guint         family;        /* 4 or 6 */
    guint8        src[PACKET_ADDR_MAX];
    guint8        dst[PACKET_ADDR_MAX];
    guint16       sport;
    guint16       dport;
    guint32       seq;
    guint32       ack;
    guint8        flags;         /* TCP_* */
    const guint8 *payload;       /* into the caller's buffer */
    gsize         payload_len;   /* captured payload bytes */
    gsize         payload_wire;  /* payload bytes on the wire (from the IP length) */
} packet_tcp;

/* Whether packet_parse() understands LINKTYPE (a pcap DLT_ value). */
gboolean packet_linktype_supported(int linktype);

/* DATA holds CAPLEN captured bytes of a frame of WIRELEN bytes (pcap's
 * caplen and len) of link type LINKTYPE.  An IP length past WIRELEN is
 * malformed; one past CAPLEN only, a snapshot cut (payload_wire). */
packet_status packet_parse(int linktype, const guint8 *data, gsize caplen, gsize wirelen,
                           packet_tcp *out);

/* "192.0.2.1:25" or "[2001:db8::1]:25" into BUF. */
void packet_format_endpoint(guint family, const guint8 *addr, guint16 port,
                            char *buf, gsize size);

#endif /* PACKET_H */
