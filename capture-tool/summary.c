/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "summary.h"

#include <string.h>

void
summary_init(summary *s)
{
    memset(s, 0, sizeof *s);
}

void
summary_clear(summary *s)
{
    for (guint i = 0; i < G_N_ELEMENTS(s->commands); i++)
        g_free(s->commands[i].latency);
    summary_init(s);
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

        if ((guint)kind < SR_ANOM_COUNT) {
            s->anomalies[kind]++;
            s->by_severity[sr_anomaly_info_get(kind)->severity]++;
        }
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
    summary_command_reply(s, ev->command, ev->latency_us);
    if (ev->reason.reason != SR_REASON_NONE && (guint)ev->reason.reason < SR_REASON_COUNT)
        s->by_reason[ev->reason.reason]++;
    count_anomalies(s, r->anomalies);
    count_anomalies(s, ev->exchange_anomalies);
    for (guint k = 0; k < TOOL_ANOM_COUNT; k++) {
        if (ev->tool_anomalies & (1u << k)) {
            s->tool_anomalies[k]++;
            s->by_severity[tool_anomaly_severity(k)]++;
        }
    }
}

static summary_command *
command_entry(summary *s, const char *name)
{
    summary_command *c;
    char key[sizeof c->name];

    /* The decoder's names fit; one that did not would still be found
     * again by what was kept of it, rather than fill the table. */
    g_strlcpy(key, name, sizeof key);
    for (guint i = 0; i < s->n_commands; i++) {
        if (strcmp(s->commands[i].name, key) == 0)
            return &s->commands[i];
    }
    c = &s->commands[s->n_commands < SUMMARY_COMMANDS ? s->n_commands++ : SUMMARY_COMMANDS];
    if (!c->latency) {
        g_strlcpy(c->name, c == &s->commands[SUMMARY_COMMANDS] ? SUMMARY_OTHER : key,
                  sizeof c->name);
        /* Allocated when first needed: a run with a handful of commands
         * does not pay for all the others. */
        c->latency = g_new(sr_latency_histogram, 1);
        sr_latency_init(c->latency);
    }
    return c;
}

void
summary_command_reply(summary *s, const char *name, gint64 latency_us)
{
    summary_command *c;

    if (!name) {
        s->without_command++;
        return;
    }
    c = command_entry(s, name);
    c->replies++;
    sr_latency_add(c->latency, latency_us);
}

void
summary_foreach_command(const summary *s,
                        void (*fn)(const summary_command *c, gpointer user_data),
                        gpointer user_data)
{
    for (guint i = 0; i < G_N_ELEMENTS(s->commands); i++) {
        if (s->commands[i].replies)
            fn(&s->commands[i], user_data);
    }
}

void
summary_transaction(summary *s, const sr_transaction *tx)
{
    guint decided = tx->delivered + tx->refused_later;

    s->transactions[tx->status]++;
    s->rcpt_refused += tx->rcpt_total - tx->rcpt_accepted;
    s->rcpt_delivered += tx->delivered;
    s->rcpt_refused_later += tx->refused_later;
    s->rcpt_undecided += tx->rcpt_accepted > decided ? tx->rcpt_accepted - decided : 0;
}
