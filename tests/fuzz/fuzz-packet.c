/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the capture tool's packet path: link layer, IP and TCP
 * headers, the flow table with its reassembly and the decoder's session,
 * the summary and both output renderers, on packets of arbitrary bytes.
 * The input:
 *
 *   byte 0     its low 3 bits choose the link type (LINKTYPES below)
 *   records    each a 2-byte header A B, then the packet:
 *                caplen   (A & 0x07) << 8 | B bytes (fewer if the input
 *                         ends first)
 *                time     the packet comes (A >> 3) * 250 ms after the one
 *                         before
 *
 * The caps are small (4 flows, an idle timeout of 5 s, 1 KiB and 8 pieces
 * out of order per direction, short replies) so that short inputs reach
 * eviction, the idle timeout and every reassembly and decoder cap.
 */
#define OUTPUT_CHECKS_TOOL
#include "output-checks.h"

#include <string.h>

#include "fuzz-entry.h"
#include "packet.h"

static const int LINKTYPES[8] = {
    DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW,
    DLT_IPV4, DLT_IPV6, DLT_NULL, DLT_LOOP,
};

#define TIME_STEP_US (G_USEC_PER_SEC / 4)

static void
small_config(flow_config *cfg, const guint8 *ports)
{
    flow_config_init(cfg, ports);
    cfg->max_flows = 4;
    cfg->idle_timeout_us = 5 * G_USEC_PER_SEC;
    cfg->limits.max_queued = 1024;
    cfg->limits.max_segments = 8;
    cfg->limits.history = 256;
    cfg->command_limits.max_queued = 1024;
    cfg->command_limits.max_segments = 8;
    cfg->decoder.line_limit = 80;
    cfg->decoder.line_cap = 64;
    cfg->decoder.max_lines = 8;
    cfg->decoder.max_bytes = 256;
}

/* What packet_parse() hands over stays inside the packet. */
static void
check_packet(packet_status status, const packet_tcp *pkt, const guint8 *data, gsize caplen)
{
    if (status != PACKET_TCP)
        return;
    CHECK(pkt->family == 4 || pkt->family == 6);
    CHECK(pkt->payload_len <= pkt->payload_wire);
    CHECK(pkt->payload_len == 0
          || (pkt->payload >= data && pkt->payload_len <= caplen
              && (gsize)(pkt->payload - data) <= caplen - pkt->payload_len));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static guint8 ports[65536];
    int linktype;
    gint64 time_us = 0;
    guint64 records = 0;
    gsize pos = 1;
    flow_config cfg;
    flow_table *flows;
    checked_run r;

    if (size < 1)
        return 0;
    /* The tool's default. */
    ports[25] = ports[587] = FLOW_PORT_SMTP;
    ports[465] = FLOW_PORT_IMPLICIT_TLS;
    linktype = LINKTYPES[data[0] & 0x07];
    CHECK(packet_linktype_supported(linktype));

    checked_run_init(&r);
    small_config(&cfg, ports);
    flows = flow_table_new(&cfg, checked_run_reply, &r);
    flow_table_on_tls(flows, checked_run_tls);
    while (pos + 2 <= size) {
        gsize caplen = MIN((gsize)(data[pos] & 0x07) << 8 | data[pos + 1], size - pos - 2);
        /* A copy of exactly the packet, so a read past it is caught. */
        guint8 *packet = g_memdup2(data + pos + 2, caplen);
        packet_tcp pkt;
        packet_status status = packet_parse(linktype, packet, caplen, caplen, &pkt);

        time_us += (gint64)(data[pos] >> 3) * TIME_STEP_US;
        pos += 2 + caplen;
        records++;
        check_packet(status, &pkt, packet, caplen);
        summary_packet(&r.st.sum, status, caplen, caplen);
        if (status == PACKET_TCP)
            flow_table_packet(flows, &pkt, time_us, r.st.sum.packets);
        g_free(packet);
    }
    flow_table_finish(flows);
    CHECK(r.st.sum.packets == records);
    checked_run_end(&r, flows);
    CHECK(r.st.sum.flows.peak <= cfg.max_flows);
    flow_table_free(flows);
    checked_run_clear(&r);
    return 0;
}
