/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "summary.h"

#include <stdlib.h>
#include <string.h>

#include "sr_enhanced.h"

void
summary_init(summary *s)
{
    memset(s, 0, sizeof *s);
}

static void
tally_add(summary_tally *t, const char *name)
{
    guint64 *count;

    if (!t->counts)
        t->counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    count = g_hash_table_lookup(t->counts, name);
    if (!count) {
        /* Names come from the capture: their number is capped. */
        if (g_hash_table_size(t->counts) >= SUMMARY_NAMES) {
            t->other++;
            return;
        }
        count = g_new0(guint64, 1);
        g_hash_table_insert(t->counts, g_strdup(name), count);
    }
    ++*count;
}

static gint
by_count(gconstpointer a, gconstpointer b)
{
    const summary_tally_entry *x = a, *y = b;

    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->name, y->name);
}

summary_tally_entry *
summary_tally_sorted(const summary_tally *t, guint *n)
{
    summary_tally_entry *list;
    GHashTableIter it;
    gpointer key, value;
    guint i = 0;

    *n = t->counts ? g_hash_table_size(t->counts) : 0;
    list = g_new(summary_tally_entry, *n + 1);
    if (t->counts) {
        g_hash_table_iter_init(&it, t->counts);
        while (g_hash_table_iter_next(&it, &key, &value))
            list[i++] = (summary_tally_entry){ key, *(guint64 *)value };
    }
    qsort(list, *n, sizeof *list, by_count);
    return list;
}

/* Kept in order, slowest first; among equal times the first seen stays. */
static void
note_slow(summary *s, const reply_event *ev)
{
    summary_slow *slot;
    guint at = s->n_slowest;

    if (ev->latency_us < 0)
        return;
    while (at > 0 && s->slowest[at - 1].latency_us < ev->latency_us)
        at--;
    if (at >= SUMMARY_SLOWEST)
        return;
    if (s->n_slowest < SUMMARY_SLOWEST)
        s->n_slowest++;
    memmove(&s->slowest[at + 1], &s->slowest[at],
            (s->n_slowest - 1 - at) * sizeof s->slowest[0]);
    slot = &s->slowest[at];
    slot->latency_us = ev->latency_us;
    slot->flow_id = ev->flow_id;
    slot->frame = ev->frame;
    slot->has_code = ev->has_code;
    slot->code = ev->reply->code;
    g_strlcpy(slot->command, ev->command ? ev->command : "", sizeof slot->command);
    g_strlcpy(slot->server, ev->server, sizeof slot->server);
}

void
summary_clear(summary *s)
{
    for (guint i = 0; i < G_N_ELEMENTS(s->commands); i++)
        g_free(s->commands[i].latency);
    if (s->by_server.counts)
        g_hash_table_destroy(s->by_server.counts);
    if (s->by_enhanced.counts)
        g_hash_table_destroy(s->by_enhanced.counts);
    if (s->tls_versions.counts)
        g_hash_table_destroy(s->tls_versions.counts);
    if (s->tls_suites.counts)
        g_hash_table_destroy(s->tls_suites.counts);
    if (s->tls_failure_alerts.counts)
        g_hash_table_destroy(s->tls_failure_alerts.counts);
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
    if (r->interrupted)
        s->interrupted_replies++;
    /* Only when they will be shown: a lookup by name costs per reply. */
    if (s->detailed) {
        tally_add(&s->by_server, ev->server);
        if (sr_reply_enhanced(r)) {
            char code[16];

            sr_enhanced_format(sr_reply_enhanced(r), code, sizeof code);
            tally_add(&s->by_enhanced, code);
        }
        note_slow(s, ev);
    }
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

void
summary_tls(summary *s, const tls_event *ev)
{
    const sr_tls_info *info = ev->tls->info;
    const sr_tls_server_hello *sh = &info->server_hello;
    char buf[SR_TLS_LABEL_SIZE];

    s->tls_handshakes++;
    if ((guint)info->outcome < SR_TLS_OUTCOME_COUNT)
        s->tls_outcomes[info->outcome]++;
    if (sh->seen) {
        tally_add(&s->tls_versions, sr_tls_label(sr_tls_version_name(sh->version), sh->version,
                                                 buf));
        tally_add(&s->tls_suites, sr_tls_label(sr_tls_cipher_suite_name(sh->cipher_suite),
                                               sh->cipher_suite, buf));
    }
    /* The alert that ended it is the first one sent by the side that did. */
    if (info->outcome == SR_TLS_FAILED_ALERT) {
        for (guint i = 0; i < info->alerts_count; i++) {
            const sr_tls_alert *a = &info->alerts[i];

            if (a->frame == info->outcome_frame && a->from_client == info->outcome_client) {
                tally_add(&s->tls_failure_alerts,
                          sr_tls_label(sr_tls_alert_name(a->description), a->description,
                                       buf));
                break;
            }
        }
    }
    if (ev->decrypt && (guint)ev->decrypt->status < TLS_DECRYPT_STATUS_COUNT)
        s->tls_decryption[ev->decrypt->status]++;
    if ((guint)ev->tls->anomaly < SR_ANOM_COUNT) {
        s->anomalies[ev->tls->anomaly]++;
        s->by_severity[sr_anomaly_info_get(ev->tls->anomaly)->severity]++;
    }
}
