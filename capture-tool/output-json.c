/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replies for programs: one JSON object per line (RFC 8259). */
#include "output.h"

#include <string.h>

#include "decimal.h"
#include "sr_escape.h"
#include "sr_textbuf.h"
#include "latency.h"
#include "sr_codes.h"
#include "sr_enhanced.h"

/* A literal of ours, keys and punctuation: nothing in it to escape, and
 * its length known when compiled. */
#define RAW(out, literal) TEXTBUF_LITERAL(out, literal)

static void
json_string(GString *out, const char *s)
{
    if (!s) {
        g_string_append(out, "null");
        return;
    }
    g_string_append_c(out, '"');
    sr_escape_json(out, (const guint8 *)s, strlen(s));
    g_string_append_c(out, '"');
}

static void
json_key(GString *out, const char *key)
{
    if (out->len && out->str[out->len - 1] != '{')
        g_string_append_c(out, ',');
    json_string(out, key);
    g_string_append_c(out, ':');
}

static void
json_uint(GString *out, const char *key, guint64 value)
{
    json_key(out, key);
    decimal_append(out, value);
}

/* KEY and VALUE, or null when there is none. */
static void
json_uint_or_null(GString *out, const char *key, gboolean has, guint64 value)
{
    json_key(out, key);
    if (has)
        decimal_append(out, value);
    else
        RAW(out, "null");
}

/* KEY and seconds since the epoch with microseconds, exactly: no float
 * rounding.  No comma before it: the first key, or after json_key's. */
static void
json_time(GString *out, const char *key, gint64 time_us)
{
    gint64 sec, frac;

    decimal_split_us(time_us, &sec, &frac);
    json_string(out, key);
    g_string_append_c(out, ':');
    if (sec < 0) {
        g_string_append_c(out, '-');
        /* -1.5 s is -2 s and 0.5 s: the fraction counts the other way. */
        frac = frac ? G_USEC_PER_SEC - frac : 0;
        sec = frac ? -(sec + 1) : -sec;
    }
    decimal_append(out, (guint64)sec);
    g_string_append_c(out, '.');
    decimal_append_padded(out, (guint64)frac, 6);
}

/* Milliseconds with microseconds, exactly; null when unknown. */
static void
json_ms(GString *out, const char *key, gint64 us)
{
    json_key(out, key);
    if (us < 0)
        g_string_append(out, "null");
    else
        latency_append_ms(out, us);
}

/* [{"keyword":..,"params":..}, ...] in the order offered.  SIZE's value
 * goes with the entry the decoder read it from. */
static void
json_capabilities(GString *out, const sr_capabilities *caps)
{
    guint size_entry = caps->has_size ? caps->size_index : G_MAXUINT;

    json_key(out, "capabilities");
    g_string_append_c(out, '[');
    for (guint i = 0; i < caps->list->len; i++) {
        const sr_capability *cap = &g_array_index(caps->list, sr_capability, i);

        if (i)
            g_string_append_c(out, ',');
        g_string_append_c(out, '{');
        json_key(out, "keyword");
        json_string(out, cap->keyword);
        json_key(out, "params");
        json_string(out, cap->params);
        if (i == size_entry)
            json_uint(out, "size", caps->size);
        g_string_append_c(out, '}');
    }
    g_string_append_c(out, ']');
}

/* The names only: the schema's anomalies are stable identifiers. */
static void
add_name(const char *name, const char *detail, sr_anomaly_severity severity, gpointer user_data)
{
    GString *out = user_data;

    (void)detail;
    (void)severity;
    if (out->str[out->len - 1] != '[')
        g_string_append_c(out, ',');
    json_string(out, name);
}

typedef struct {
    GString *out;
    gsize    start;    /* where the object began: a name listed twice is keyed once */
} severity_object;

static void
add_severity(const char *name, const char *detail, sr_anomaly_severity severity,
             gpointer user_data)
{
    severity_object *obj = user_data;
    GString *out = obj->out;
    gchar key[64];

    (void)detail;
    /* Names are short ASCII words from the tables: quoted, they are keys. */
    g_snprintf(key, sizeof key, "\"%s\":", name);
    if (strstr(out->str + obj->start, key))
        return;
    if (out->str[out->len - 1] != '{')
        g_string_append_c(out, ',');
    json_string(out, name);
    g_string_append_c(out, ':');
    json_string(out, sr_severity_name(severity));
}

/* "anomalies": the names, as ever; "anomaly_severity": each name's. */
static void
json_anomalies(GString *out, const reply_event *ev)
{
    json_key(out, "anomalies");
    g_string_append_c(out, '[');
    reply_event_foreach_anomaly(ev, add_name, out);
    g_string_append_c(out, ']');
    json_key(out, "anomaly_severity");
    g_string_append_c(out, '{');
    {
        severity_object obj = { out, out->len - 1 };

        reply_event_foreach_anomaly(ev, add_severity, &obj);
    }
    g_string_append_c(out, '}');
}

/* {"code":..,"enhanced":..,"lines":[..],"frame":..}, or null. */
/* ,"file":"name" of frame id FRAME, when several files are read. */
static void
json_file(GString *out, guint64 frame, const output_style *style)
{
    if (!style->files)
        return;
    json_key(out, "file");
    json_string(out, style->files[frame_file(frame)]);
}

static void
json_tx_reply(GString *out, const char *key, const sr_tx_reply *r, const output_style *style)
{
    json_key(out, key);
    if (!r->present) {
        RAW(out, "null");
        return;
    }
    RAW(out, "{\"code\":");
    if (r->has_code)
        decimal_append(out, r->code);
    else
        RAW(out, "null");
    RAW(out, ",\"enhanced\":");
    json_string(out, r->enhanced[0] ? r->enhanced : NULL);
    RAW(out, ",\"lines\":[");
    for (guint i = 0; i < r->line_count && i < SR_TX_REPLY_LINES; i++) {
        if (i)
            RAW(out, ",");
        json_string(out, r->lines[i]);
    }
    RAW(out, "]");
    json_uint(out, "line_count", r->line_count);
    json_uint(out, "frame", frame_number(r->frame));
    json_file(out, r->frame, style);
    RAW(out, "}");
}

/* Zeek's last_reply: the code and the first line's text. */
static void
json_last_reply(GString *out, const sr_transaction *tx)
{
    json_key(out, "last_reply");
    if (!tx->last_code) {
        RAW(out, "null");
        return;
    }
    RAW(out, "\"");
    decimal_append(out, tx->last_code);
    if (tx->last_text[0]) {
        RAW(out, " ");
        sr_escape_json(out, (const guint8 *)tx->last_text, strlen(tx->last_text));
    }
    RAW(out, "\"");
}

void
output_json_transaction(GString *out, const transaction_event *ev, const output_style *style)
{
    const sr_transaction *tx = ev->tx;

    RAW(out, "{");
    json_time(out, "time", tx->start_us);
    json_uint(out, "flow", ev->flow_id);
    json_key(out, "client");
    json_string(out, ev->client);
    json_key(out, "server");
    json_string(out, ev->server);
    json_uint(out, "trans_depth", tx->depth);
    json_key(out, "helo");
    json_string(out, tx->helo);
    json_key(out, "mailfrom");
    json_string(out, tx->mailfrom);
    json_key(out, "rcptto");
    RAW(out, "[");
    for (guint i = 0; i < tx->recipients->len; i++) {
        if (i)
            RAW(out, ",");
        json_string(out, g_array_index(tx->recipients, sr_tx_recipient, i).address);
    }
    RAW(out, "]");
    json_key(out, "recipients");
    RAW(out, "[");
    for (guint i = 0; i < tx->recipients->len; i++) {
        const sr_tx_recipient *r = &g_array_index(tx->recipients, sr_tx_recipient, i);

        g_string_append(out, i ? ",{" : "{");
        RAW(out, "\"address\":");
        json_string(out, r->address);
        json_tx_reply(out, "rcpt", &r->rcpt, style);
        json_tx_reply(out, "data", &r->data, style);
        RAW(out, "}");
    }
    RAW(out, "]");
    json_uint(out, "recipients_total", tx->rcpt_total);
    json_uint(out, "recipients_accepted", tx->rcpt_accepted);
    json_tx_reply(out, "mail", &tx->mail, style);
    json_tx_reply(out, "data", &tx->data, style);
    json_last_reply(out, tx);
    json_key(out, "status");
    json_string(out, sr_tx_status_name(tx->status));
    json_key(out, "end");
    json_string(out, sr_tx_end_name(tx->end));
    json_key(out, "queue_id");
    json_string(out, tx->queue_id);
    json_key(out, "queue_id_source");
    json_string(out, tx->queue_id_source);
    json_uint_or_null(out, "size", tx->has_size, tx->size);
    json_uint_or_null(out, "declared_size", tx->has_declared_size, tx->declared_size);
    json_key(out, "lmtp");
    g_string_append(out, tx->lmtp ? "true" : "false");
    json_key(out, "tls");
    g_string_append(out, tx->tls ? "true" : "false");
    json_ms(out, "duration_ms", tx->end_us >= tx->start_us && tx->start_us >= 0
                                    ? tx->end_us - tx->start_us : -1);
    json_uint_or_null(out, "end_frame", tx->end_frame != 0, frame_number(tx->end_frame));
    if (tx->end_frame)
        json_file(out, tx->end_frame, style);
    RAW(out, "}\n");
}

void
output_json_reply(GString *out, const reply_event *ev, const output_style *style)
{
    const sr_reply *r = ev->reply;
    const sr_enhanced *enh = sr_reply_enhanced(r);
    const sr_code_info *info = ev->has_code ? sr_code_lookup(r->code) : NULL;

    /* The keys in the schema's order; see json_key() for keys from data. */
    RAW(out, "{");
    json_time(out, "time", ev->time_us);
    RAW(out, ",\"flow\":");
    decimal_append(out, ev->flow_id);
    RAW(out, ",\"client\":");
    json_string(out, ev->client);
    RAW(out, ",\"server\":");
    json_string(out, ev->server);
    RAW(out, ",\"frame\":");
    decimal_append(out, frame_number(ev->frame));
    json_file(out, ev->frame, style);
    RAW(out, ",\"offset\":");
    decimal_append(out, r->offset);
    RAW(out, ",\"command\":");
    json_string(out, ev->command);
    RAW(out, ",\"argument\":");
    if (ev->request && ev->request->has_argument) {
        RAW(out, "\"");
        sr_escape_json(out, (const guint8 *)ev->request->argument, ev->request->argument_len);
        RAW(out, "\"");
    } else {
        RAW(out, "null");
    }
    if (ev->recipient) {
        RAW(out, ",\"recipient\":");
        json_string(out, ev->recipient);
    }
    RAW(out, ",\"latency_ms\":");
    if (ev->latency_us < 0)
        RAW(out, "null");
    else
        latency_append_ms(out, ev->latency_us);
    if (ev->greeting_wait_us >= 0) {
        RAW(out, ",\"greeting_ms\":");
        latency_append_ms(out, ev->greeting_wait_us);
    }
    RAW(out, ",\"code\":");
    if (ev->has_code)
        decimal_append(out, r->code);
    else
        RAW(out, "null");
    RAW(out, ",\"class\":");
    json_string(out, ev->has_code ? sr_class_name(r->code / 100) : NULL);
    RAW(out, ",\"category\":");
    json_string(out, ev->has_code ? sr_category_name(r->code / 10 % 10) : NULL);
    RAW(out, ",\"meaning\":");
    json_string(out, info ? info->meaning : NULL);
    RAW(out, ",\"enhanced\":");
    if (enh) {
        char code[16];

        sr_enhanced_format(enh, code, sizeof code);
        json_string(out, code);
    } else {
        RAW(out, "null");
    }
    RAW(out, ",\"reason\":");
    json_string(out, sr_reason_name(ev->reason.reason));
    RAW(out, ",\"provider\":");
    json_string(out, ev->reason.provider);
    if (ev->capabilities)
        json_capabilities(out, ev->capabilities);
    if (r->lines->len > 1)
        RAW(out, ",\"multiline\":true");
    else
        RAW(out, ",\"multiline\":false");
    if (r->complete)
        RAW(out, ",\"complete\":true");
    else
        RAW(out, ",\"complete\":false");
    if (ev->tls)
        RAW(out, ",\"tls\":true");
    else
        RAW(out, ",\"tls\":false");
    if (r->interrupted)
        RAW(out, ",\"interrupted\":true,\"lines\":[");
    else
        RAW(out, ",\"interrupted\":false,\"lines\":[");
    for (guint i = 0; i < r->lines->len; i++) {
        gsize len;
        const guint8 *text = sr_reply_line_text(r, i, &len);

        if (i)
            RAW(out, ",");
        RAW(out, "\"");
        sr_escape_json(out, text, len);
        RAW(out, "\"");
    }
    RAW(out, "]");
    json_anomalies(out, ev);
    RAW(out, "}\n");
}

/* "KEY":{"name":count,...} most first, then "other_KEY":count. */
static void
json_tally(GString *out, const char *key, const summary_tally *t)
{
    guint n;
    summary_tally_entry *list = summary_tally_sorted(t, &n);
    gchar *other = g_strconcat("other_", key, NULL);

    json_key(out, key);
    g_string_append_c(out, '{');
    for (guint i = 0; i < n; i++)
        json_uint(out, list[i].name, list[i].count);
    g_string_append_c(out, '}');
    json_uint(out, other, t->other);
    g_free(other);
    g_free(list);
}

/* "slowest":[{"latency_ms":..,"flow":..,"frame":..,"command":..,"code":..,"server":..}] */
static void
json_slowest(GString *out, const summary *s)
{
    output_style style = { .files = s->files };

    json_key(out, "slowest");
    g_string_append_c(out, '[');
    for (guint i = 0; i < s->n_slowest; i++) {
        const summary_slow *w = &s->slowest[i];

        g_string_append_c(out, '{');
        json_ms(out, "latency_ms", w->latency_us);
        json_uint(out, "flow", w->flow_id);
        json_uint(out, "frame", frame_number(w->frame));
        json_file(out, w->frame, &style);
        json_key(out, "command");
        json_string(out, w->command);
        json_uint_or_null(out, "code", w->has_code, w->code);
        json_key(out, "server");
        json_string(out, w->server);
        g_string_append_c(out, '}');
        if (i + 1 < s->n_slowest)
            g_string_append_c(out, ',');
    }
    g_string_append_c(out, ']');
}

/* The names of the decoder's enumerations, by index. */
static const char *
status_name(guint i)
{
    return sr_tx_status_name((sr_tx_status)i);
}

static const char *
reason_name(guint i)
{
    return sr_reason_name((sr_reason)i);
}

static const char *
severity_name(guint i)
{
    return sr_severity_name((sr_anomaly_severity)i);
}

/* {"<name>": count, ...}: every entry of COUNTS that has a name, the zero
 * ones too when ALL. */
static void
json_named_counts(GString *out, const char *key, const guint64 *counts, guint n,
                  const char *(*name)(guint), gboolean all)
{
    json_key(out, key);
    g_string_append_c(out, '{');
    for (guint i = 0; i < n; i++) {
        if (name(i) && (all || counts[i]))
            json_uint(out, name(i), counts[i]);
    }
    g_string_append_c(out, '}');
}

/* {"<label>": count, ...} for the non-zero counts of a table. */
static void
json_counts(GString *out, const char *key, const guint64 *counts, guint n,
            const char *format)
{
    json_key(out, key);
    g_string_append_c(out, '{');
    for (guint i = 0; i < n; i++) {
        gchar *label;

        if (!counts[i])
            continue;
        label = g_strdup_printf(format, i);
        json_uint(out, label, counts[i]);
        g_free(label);
    }
    g_string_append_c(out, '}');
}

static void
json_drops(GString *out, const char *key, gboolean have, guint64 value)
{
    if (have) {
        json_uint(out, key, value);
    } else {
        json_key(out, key);
        g_string_append(out, "null");
    }
}

/* "NAME":{"replies":N,"latency_ms":{"count":..,"min":..,"p50":..,...}}, the
 * reply times null when none was known. */
static void
json_command(const summary_command *c, gpointer user_data)
{
    static const guint percents[] = { 50, 90, 99 };
    GString *out = user_data;
    const sr_latency_histogram *h = c->latency;

    json_key(out, c->name);
    g_string_append_c(out, '{');
    json_uint(out, "replies", c->replies);
    json_key(out, "latency_ms");
    if (!h || !h->count) {
        g_string_append(out, "null}");
        return;
    }
    g_string_append_c(out, '{');
    json_uint(out, "count", h->count);
    json_ms(out, "min", h->min_us);
    for (gsize i = 0; i < G_N_ELEMENTS(percents); i++) {
        gchar key[8];

        g_snprintf(key, sizeof key, "p%u", percents[i]);
        json_ms(out, key, sr_latency_percentile(h, percents[i]));
    }
    json_ms(out, "max", h->max_us);
    g_string_append(out, "}}");
}

void
output_json_summary(GString *out, const summary *s)
{
    const flow_stats *f = &s->flows;
    const rs_stats *rs = &f->server;

    g_string_append(out, "{\"summary\":{");
    json_uint(out, "packets", s->packets);
    json_uint(out, "captured_bytes", s->captured_bytes);
    json_uint(out, "wire_bytes", s->wire_bytes);
    json_uint(out, "tcp_packets", s->by_status[PACKET_TCP]);
    json_uint(out, "other_packets", s->by_status[PACKET_OTHER]);
    json_uint(out, "ip_fragments", s->by_status[PACKET_FRAGMENT]);
    json_uint(out, "malformed_packets", s->by_status[PACKET_MALFORMED]);
    json_uint(out, "short_packets", s->by_status[PACKET_SHORT]);
    json_uint(out, "ignored_packets", f->ignored);
    json_uint(out, "unanswered_commands", f->unanswered);
    json_uint(out, "flows", f->flows);
    json_uint(out, "flows_peak", f->peak);
    json_uint(out, "flows_evicted", f->evicted);
    json_uint(out, "flows_idle_closed", f->idle_closed);
    json_uint(out, "reply_bytes", rs->bytes);
    json_uint(out, "retransmitted_bytes", rs->retransmitted);
    json_uint(out, "out_of_order_segments", rs->out_of_order);
    json_uint(out, "overlap_conflicts", rs->conflicts);
    json_uint(out, "gaps", rs->gaps);
    json_uint(out, "gap_bytes", rs->gap_bytes);
    json_uint(out, "truncated_segments", rs->truncated);
    json_uint(out, "queue_overflows", rs->overflows);
    json_uint(out, "replies", s->replies);
    json_uint(out, "complete", s->complete);
    json_uint(out, "incomplete", s->replies - s->complete - s->interrupted_replies);
    json_uint(out, "without_code", s->without_code);
    json_counts(out, "classes", s->by_class, G_N_ELEMENTS(s->by_class), "%uyz");
    json_counts(out, "categories", s->by_category, G_N_ELEMENTS(s->by_category), "x%uz");
    json_counts(out, "codes", s->by_code, SUMMARY_CODES, "%03u");
    json_uint(out, "without_command", s->without_command);
    json_key(out, "commands");
    g_string_append_c(out, '{');
    summary_foreach_command(s, json_command, out);
    g_string_append_c(out, '}');
    json_named_counts(out, "transactions", s->transactions, SR_TX_STATUS_COUNT, status_name, TRUE);
    json_key(out, "recipients");
    g_string_append_c(out, '{');
    json_uint(out, "refused", s->rcpt_refused);
    json_uint(out, "delivered", s->rcpt_delivered);
    json_uint(out, "refused_later", s->rcpt_refused_later);
    json_uint(out, "undecided", s->rcpt_undecided);
    g_string_append_c(out, '}');
    json_named_counts(out, "reasons", s->by_reason, SR_REASON_COUNT, reason_name, FALSE);
    json_named_counts(out, "anomaly_severities", s->by_severity, SR_SEVERITY_COUNT,
                      severity_name, TRUE);
    json_key(out, "anomalies");
    g_string_append_c(out, '{');
    for (guint k = 0; k < SR_ANOM_COUNT; k++) {
        if (s->anomalies[k])
            json_uint(out, sr_anomaly_name(k), s->anomalies[k]);
    }
    for (guint k = 0; k < TOOL_ANOM_COUNT; k++) {
        if (s->tool_anomalies[k])
            json_uint(out, tool_anomaly_name(k), s->tool_anomalies[k]);
    }
    g_string_append_c(out, '}');
    json_drops(out, "dropped", s->have_drops, s->dropped);
    json_drops(out, "if_dropped", s->have_drops, s->if_dropped);
    json_key(out, "interrupted");
    g_string_append(out, s->interrupted ? "true" : "false");
    json_uint(out, "interrupted_replies", s->interrupted_replies);
    json_uint_or_null(out, "selected", s->selecting, s->selected);
    json_key(out, "tls");
    g_string_append_c(out, '{');
    json_uint(out, "handshakes", s->tls_handshakes);
    json_key(out, "outcomes");
    g_string_append_c(out, '{');
    for (guint k = 0; k < SR_TLS_OUTCOME_COUNT; k++)
        json_uint(out, sr_tls_outcome_name(k), s->tls_outcomes[k]);
    g_string_append_c(out, '}');
    json_tally(out, "versions", &s->tls_versions);
    json_tally(out, "cipher_suites", &s->tls_suites);
    json_tally(out, "failure_alerts", &s->tls_failure_alerts);
    json_key(out, "decryption");
    if (s->tls_keylog) {
        g_string_append_c(out, '{');
        for (guint k = 0; k < TLS_DECRYPT_STATUS_COUNT; k++)
            json_uint(out, tls_decrypt_status_name(k), s->tls_decryption[k]);
        g_string_append_c(out, '}');
    } else {
        RAW(out, "null");
    }
    g_string_append_c(out, '}');
    if (s->detailed) {
        json_tally(out, "servers", &s->by_server);
        json_tally(out, "enhanced_codes", &s->by_enhanced);
        json_slowest(out, s);
    }
    g_string_append(out, "}}\n");
}

/* ------------------------------------------------------------------ */
/* TLS handshakes                                                       */

/* A TLS number by its name, or "0xNNNN" when NAME is NULL. */
static void
json_tls_name(GString *out, const char *key, const char *name, guint16 value)
{
    char buf[SR_TLS_LABEL_SIZE];

    json_key(out, key);
    json_string(out, sr_tls_label(name, value, buf));
}

static void
json_bool(GString *out, const char *key, gboolean value)
{
    json_key(out, key);
    g_string_append(out, value ? "true" : "false");
}

static void
json_tls_client_hello(GString *out, const sr_tls_client_hello *ch)
{
    char buf[SR_TLS_LABEL_SIZE];

    json_key(out, "client_hello");
    if (!ch->seen) {
        RAW(out, "null");
        return;
    }
    RAW(out, "{");
    json_uint(out, "frame", frame_number(ch->frame));
    json_tls_name(out, "record_version", sr_tls_version_name(ch->record_version),
                  ch->record_version);
    json_tls_name(out, "legacy_version", sr_tls_version_name(ch->legacy_version),
                  ch->legacy_version);
    json_key(out, "versions");
    RAW(out, "[");
    for (guint i = 0; i < MIN(ch->versions_count, SR_TLS_MAX_VERSIONS); i++) {
        if (i)
            RAW(out, ",");
        json_string(out, sr_tls_label(sr_tls_version_name(ch->versions[i]), ch->versions[i], buf));
    }
    RAW(out, "]");
    json_uint(out, "cipher_suites_offered", ch->suites_count);
    json_key(out, "cipher_suites");
    RAW(out, "[");
    for (guint i = 0; i < MIN(ch->suites_count, SR_TLS_MAX_SUITES); i++) {
        if (i)
            RAW(out, ",");
        json_string(out, sr_tls_label(sr_tls_cipher_suite_name(ch->suites[i]), ch->suites[i],
                                      buf));
    }
    RAW(out, "]");
    json_key(out, "sni");
    if (ch->has_sni) {
        RAW(out, "\"");
        sr_escape_json(out, ch->sni, MIN(ch->sni_length, SR_TLS_MAX_SNI));
        RAW(out, "\"");
    } else {
        RAW(out, "null");
    }
    json_key(out, "alpn");
    RAW(out, "[");
    for (guint i = 0; i < MIN(ch->alpn_count, SR_TLS_MAX_ALPN); i++) {
        if (i)
            RAW(out, ",");
        RAW(out, "\"");
        sr_escape_json(out, ch->alpn[i], ch->alpn_length[i]);
        RAW(out, "\"");
    }
    RAW(out, "]");
    json_uint(out, "hellos", ch->hellos);
    json_bool(out, "malformed", ch->malformed);
    RAW(out, "}");
}

static void
json_tls_server_hello(GString *out, const sr_tls_server_hello *sh)
{
    json_key(out, "server_hello");
    if (!sh->seen) {
        RAW(out, "null");
        return;
    }
    RAW(out, "{");
    json_uint(out, "frame", frame_number(sh->frame));
    json_tls_name(out, "version", sr_tls_version_name(sh->version), sh->version);
    json_tls_name(out, "cipher_suite", sr_tls_cipher_suite_name(sh->cipher_suite),
                  sh->cipher_suite);
    json_key(out, "cipher_suite_id");
    g_string_append_printf(out, "\"0x%04x\"", sh->cipher_suite);
    json_bool(out, "hello_retry", sh->hello_retry);
    json_bool(out, "malformed", sh->malformed);
    RAW(out, "}");
}

static void
json_tls_certificate(GString *out, const sr_tls_certificate *c, const tls_cert *cert)
{
    json_key(out, "certificate");
    if (!c->seen) {
        RAW(out, "null");
        return;
    }
    RAW(out, "{");
    json_uint(out, "frame", frame_number(c->frame));
    json_uint(out, "count", c->count);
    json_uint(out, "length", c->first_length);
    json_bool(out, "readable", cert != NULL);
    if (cert) {
        json_key(out, "subject");
        json_string(out, cert->subject);
        json_key(out, "issuer");
        json_string(out, cert->issuer);
        json_bool(out, "self_signed", cert->self_signed);
        json_key(out, "not_before");
        json_string(out, cert->not_before);
        json_key(out, "not_after");
        json_string(out, cert->not_after);
        json_key(out, "serial");
        json_string(out, cert->serial);
        json_key(out, "signature_algorithm");
        json_string(out, cert->signature_algorithm);
        json_key(out, "key_algorithm");
        json_string(out, cert->key_algorithm);
        json_uint(out, "key_bits", cert->key_bits);
        json_key(out, "dns");
        RAW(out, "[");
        for (guint i = 0; i < MIN(cert->dns_count, TLS_CERT_DNS_MAX); i++) {
            if (i)
                RAW(out, ",");
            json_string(out, cert->dns[i]);
        }
        RAW(out, "]");
        json_uint(out, "dns_total", cert->dns_count);
    }
    RAW(out, "}");
}

static void
json_tls_side(GString *out, const char *key, const sr_tls_side *side)
{
    json_key(out, key);
    RAW(out, "{");
    json_uint(out, "bytes", side->bytes);
    json_uint(out, "lost", side->lost);
    json_uint(out, "handshake", side->records[SR_TLS_HANDSHAKE - SR_TLS_CHANGE_CIPHER_SPEC]);
    json_uint(out, "change_cipher_spec",
              side->records[SR_TLS_CHANGE_CIPHER_SPEC - SR_TLS_CHANGE_CIPHER_SPEC]);
    json_uint(out, "alert", side->records[SR_TLS_ALERT - SR_TLS_CHANGE_CIPHER_SPEC]);
    json_uint(out, "application_data",
              side->records[SR_TLS_APPLICATION_DATA - SR_TLS_CHANGE_CIPHER_SPEC]);
    json_uint(out, "heartbeat", side->records[SR_TLS_HEARTBEAT - SR_TLS_CHANGE_CIPHER_SPEC]);
    json_uint(out, "encrypted", side->encrypted_records);
    json_uint_or_null(out, "encrypted_frame", side->encrypted, frame_number(side->encrypted_frame));
    json_key(out, "stop");
    json_string(out, side->stop == SR_TLS_STOP_NONE ? NULL : sr_tls_stop_name(side->stop));
    RAW(out, "}");
}

static void
json_decrypt_side(GString *out, const char *key, const tls_decrypt_side *side)
{
    json_key(out, key);
    RAW(out, "{");
    json_key(out, "status");
    json_string(out, tls_decrypt_status_name(side->status));
    json_uint(out, "records", side->records);
    json_uint(out, "skipped", side->skipped);
    json_uint(out, "plaintext_bytes", side->plaintext_bytes);
    json_uint_or_null(out, "finished_frame", side->finished, frame_number(side->finished_frame));
    json_uint(out, "key_updates", side->key_updates);
    json_uint(out, "alerts_total", side->alerts_count);
    json_key(out, "alerts");
    RAW(out, "[");
    for (guint i = 0; i < MIN(side->alerts_count, TLS_DECRYPT_MAX_ALERTS); i++) {
        const tls_decrypt_alert *a = &side->alerts[i];

        g_string_append(out, i ? ",{" : "{");
        json_uint(out, "frame", frame_number(a->frame));
        json_tls_name(out, "level", sr_tls_alert_level_name(a->level), a->level);
        json_tls_name(out, "description", sr_tls_alert_name(a->description), a->description);
        RAW(out, "}");
    }
    RAW(out, "]}");
}

/* "decryption": null without a key log, else what became of it. */
static void
json_decryption(GString *out, const tls_decrypt_stats *d)
{
    json_key(out, "decryption");
    if (!d) {
        RAW(out, "null");
        return;
    }
    RAW(out, "{");
    json_key(out, "status");
    json_string(out, tls_decrypt_status_name(d->status));
    json_key(out, "description");
    json_string(out, tls_decrypt_status_description(d->status));
    json_decrypt_side(out, "client", &d->client);
    json_decrypt_side(out, "server", &d->server);
    RAW(out, "}");
}

void
output_json_tls(GString *out, const tls_event *ev, const output_style *style)
{
    const sr_tls_event *t = ev->tls;
    const sr_tls_info *info = t->info;
    const sr_tls_server_hello *sh = &info->server_hello;

    RAW(out, "{");
    json_time(out, "time", ev->time_us);
    json_uint(out, "flow", ev->flow_id);
    json_key(out, "client");
    json_string(out, ev->client);
    json_key(out, "server");
    json_string(out, ev->server);
    json_uint(out, "frame", frame_number(ev->frame));
    json_file(out, ev->frame, style);
    json_key(out, "transport");
    json_string(out, t->via == SR_TLS_VIA_IMPLICIT ? "implicit-tls" : "starttls");
    json_uint_or_null(out, "starttls_frame", t->via == SR_TLS_VIA_STARTTLS,
                      frame_number(t->starttls_frame));
    json_key(out, "handshake");
    json_string(out, sr_tls_outcome_name(info->outcome));
    json_key(out, "decided_by");
    json_string(out, info->outcome == SR_TLS_UNKNOWN || info->outcome == SR_TLS_COMPLETED
                     ? NULL : info->outcome_client ? "client" : "server");
    /* What was agreed, for a reader who wants no more: the server's hello's. */
    if (sh->seen) {
        json_tls_name(out, "version", sr_tls_version_name(sh->version), sh->version);
        json_tls_name(out, "cipher_suite", sr_tls_cipher_suite_name(sh->cipher_suite),
                      sh->cipher_suite);
    } else {
        RAW(out, ",\"version\":null,\"cipher_suite\":null");
    }
    json_tls_client_hello(out, &info->client_hello);
    json_tls_server_hello(out, sh);
    json_tls_certificate(out, &info->certificate, ev->cert);
    json_uint(out, "alerts_total", info->alerts_total);
    json_key(out, "alerts");
    RAW(out, "[");
    for (guint i = 0; i < info->alerts_count; i++) {
        const sr_tls_alert *a = &info->alerts[i];

        g_string_append(out, i ? ",{" : "{");
        json_uint(out, "frame", frame_number(a->frame));
        json_key(out, "from");
        json_string(out, a->from_client ? "client" : "server");
        json_tls_name(out, "level", sr_tls_alert_level_name(a->level), a->level);
        json_uint(out, "level_id", a->level);
        json_tls_name(out, "description", sr_tls_alert_name(a->description), a->description);
        json_uint(out, "description_id", a->description);
        RAW(out, "}");
    }
    RAW(out, "]");
    json_key(out, "records");
    RAW(out, "{");
    json_tls_side(out, "client", &info->client);
    json_tls_side(out, "server", &info->server);
    RAW(out, "}");
    json_decryption(out, ev->decrypt);
    json_bool(out, "interrupted", t->interrupted);
    json_key(out, "anomalies");
    RAW(out, "[");
    if (t->anomaly != SR_ANOM_COUNT)
        json_string(out, sr_anomaly_name(t->anomaly));
    RAW(out, "]");
    RAW(out, "}\n");
}
