/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "summary.h"

#include <string.h>

void
summary_init(summary *s)
{
    memset(s, 0, sizeof *s);
}

void
summary_packet(summary *s, packet_status status, gsize caplen, gsize wirelen)
{
    s->packets++;
    s->captured_bytes += caplen;
    s->wire_bytes += wirelen;
    if ((guint)status < G_N_ELEMENTS(s->by_status))
        s->by_status[status]++;
}

static void
count_anomalies(summary *s, const GArray *list)
{
    for (guint i = 0; list && i < list->len; i++) {
        sr_anomaly_kind kind = g_array_index(list, sr_anomaly, i).kind;

        if ((guint)kind < SR_ANOM_COUNT)
            s->anomalies[kind]++;
    }
}

void
summary_reply(summary *s, const reply_event *ev)
{
    const sr_reply *r = ev->reply;

    s->replies++;
    if (r->complete)
        s->complete++;
    if (ev->has_code) {
        s->by_code[r->code % SUMMARY_CODES]++;
        s->by_class[r->code / 100 % 10]++;
        s->by_category[r->code / 10 % 10]++;
    } else {
        s->without_code++;
    }
    count_anomalies(s, r->anomalies);
    count_anomalies(s, ev->exchange_anomalies);
    for (guint k = 0; k < TOOL_ANOM_COUNT; k++) {
        if (ev->tool_anomalies & (1u << k))
            s->tool_anomalies[k]++;
    }
}
