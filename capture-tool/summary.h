/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a run saw, counted for --summary. */
#ifndef SUMMARY_H
#define SUMMARY_H

#include <glib.h>

#include "flows.h"
#include "packet.h"
#include "sr_anomaly.h"

#define SUMMARY_CODES 1000

typedef struct {
    guint64    packets;
    guint64    captured_bytes;
    guint64    wire_bytes;
    guint64    by_status[PACKET_SHORT + 1];   /* packet_status */
    guint64    replies;
    guint64    complete;
    guint64    without_code;               /* no line was a reply line */
    guint64    by_code[SUMMARY_CODES];
    guint64    by_class[10];
    guint64    by_category[10];
    guint64    anomalies[SR_ANOM_COUNT];
    guint64    tool_anomalies[TOOL_ANOM_COUNT];
    flow_stats flows;                      /* copied in at the end */
    gboolean   have_drops;                 /* live capture: libpcap's counters */
    guint64    dropped;                    /* by the kernel: no buffer room */
    guint64    if_dropped;                 /* by the interface or its driver */
    gboolean   interrupted;                /* stopped by a signal */
} summary;

void summary_init(summary *s);
void summary_packet(summary *s, packet_status status, gsize caplen, gsize wirelen);
void summary_reply(summary *s, const reply_event *ev);

#endif /* SUMMARY_H */
