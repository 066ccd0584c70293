/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replies for people: one block per reply, wire bytes escaped. */
#include "output.h"

#include <string.h>
#include <time.h>

#include "decimal.h"
#include "sr_escape.h"
#include "sr_textbuf.h"
#include "latency.h"
#include "sr_codes.h"
#include "sr_enhanced.h"

#define SGR_RESET   "\033[0m"
#define SGR_BOLD    "\033[1m"
#define SGR_DIM     "\033[2m"
#define SGR_RED     "\033[31m"
#define SGR_GREEN   "\033[32m"
#define SGR_YELLOW  "\033[33m"
#define SGR_MAGENTA "\033[35m"
#define SGR_CYAN    "\033[36m"

/* Appends TEXT, wrapped in SGR when colour is on. */
static void
paint(GString *out, gboolean colour, const char *sgr, const char *text)
{
    if (colour)
        textbuf_append_str(out, sgr);
    textbuf_append_str(out, text);
    if (colour)
        textbuf_append_str(out, SGR_RESET);
}

static const char *
class_colour(guint16 code)
{
    switch (code / 100) {
    case 2: return SGR_GREEN;
    case 3: return SGR_CYAN;
    case 4: return SGR_YELLOW;
    default: return SGR_RED;
    }
}

/* "2024-05-01 10:00:00.123456+02:00": the zone's offset is written, so a
 * local time is as exact as UTC. */
static gboolean
append_local(GString *out, gint64 sec)
{
    time_t t = (time_t)sec;
    struct tm tm;
    char text[32];

    if ((gint64)t != sec || !localtime_r(&t, &tm) || tm.tm_year < -1899 || tm.tm_year > 8099
            || strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        return FALSE;
    textbuf_append_str(out, text);
    return TRUE;
}

static void
append_zone(GString *out, gint64 sec)
{
    time_t t = (time_t)sec;
    struct tm tm;
    long off;

    if (!localtime_r(&t, &tm))
        return;
    off = tm.tm_gmtoff;
    g_string_append_c(out, off < 0 ? '-' : '+');
    off = off < 0 ? -off : off;
    decimal_append_padded(out, (guint64)(off / 3600), 2);
    g_string_append_c(out, ':');
    decimal_append_padded(out, (guint64)(off / 60 % 60), 2);
}

void
output_append_time(GString *out, gint64 time_us, const output_style *style)
{
    gint64 sec, frac;

    if (style->time == OUTPUT_TIME_RELATIVE) {
        gint64 d = time_us - style->time_base_us;

        /* A packet may be dated before the first one. */
        if (d < 0) {
            g_string_append_c(out, '-');
            d = -d;
        }
        decimal_append(out, (guint64)(d / G_USEC_PER_SEC));
        g_string_append_c(out, '.');
        decimal_append_padded(out, (guint64)(d % G_USEC_PER_SEC), 6);
        return;
    }
    decimal_split_us(time_us, &sec, &frac);
    if (style->time == OUTPUT_TIME_LOCAL ? !append_local(out, sec)
                                         : !decimal_append_utc(out, sec)) {
        g_string_append_printf(out, "%" G_GINT64_FORMAT "us", time_us);
        return;
    }
    g_string_append_c(out, '.');
    decimal_append_padded(out, (guint64)frac, 6);
    if (style->time == OUTPUT_TIME_LOCAL)
        append_zone(out, sec);
    else
        g_string_append_c(out, 'Z');
}

static void
append_code(GString *out, const reply_event *ev, gboolean colour)
{
    guint16 code = ev->reply->code;
    const sr_code_info *info = sr_code_lookup(code);
    char digits[4];

    TEXTBUF_LITERAL(out, "  ");
    if (!ev->has_code) {
        paint(out, colour, SGR_RED, "no reply code");
        TEXTBUF_LITERAL(out, ": no line is a reply line\n");
        return;
    }
    /* A reply code is three digits. */
    digits[0] = (char)('0' + code / 100 % 10);
    digits[1] = (char)('0' + code / 10 % 10);
    digits[2] = (char)('0' + code % 10);
    digits[3] = '\0';
    paint(out, colour, class_colour(code), digits);
    TEXTBUF_LITERAL(out, "  ");
    g_string_append_c(out, digits[0]);
    TEXTBUF_LITERAL(out, "yz ");
    textbuf_append_str(out, sr_class_label(code / 100));
    TEXTBUF_LITERAL(out, ", x");
    g_string_append_c(out, digits[1]);
    TEXTBUF_LITERAL(out, "z ");
    textbuf_append_str(out, sr_category_label(code / 10 % 10));
    TEXTBUF_LITERAL(out, ": ");
    textbuf_append_str(out, info ? info->meaning : SR_UNREGISTERED_CODE);
    g_string_append_c(out, '\n');
}

static void
append_enhanced(GString *out, const sr_reply *r)
{
    const sr_enhanced *enh = sr_reply_enhanced(r);
    const sr_enhanced_info *info;
    const char *klass, *subject;
    char code[16];

    if (!enh)
        return;
    sr_enhanced_format(enh, code, sizeof code);
    klass = sr_enhanced_class_name(enh->klass);
    subject = sr_enhanced_subject_name(enh->subject);
    info = sr_enhanced_lookup(enh->subject, enh->detail);
    TEXTBUF_LITERAL(out, "  enhanced ");
    textbuf_append_str(out, code);
    TEXTBUF_LITERAL(out, "  ");
    textbuf_append_str(out, klass ? klass : SR_NO_SUCH_CLASS);
    TEXTBUF_LITERAL(out, ", ");
    textbuf_append_str(out, subject ? subject : "(unregistered subject)");
    TEXTBUF_LITERAL(out, ": ");
    textbuf_append_str(out, info ? info->meaning : "(unregistered subject.detail)");
    g_string_append_c(out, '\n');
}

static void
append_lines(GString *out, const sr_reply *r, gboolean colour)
{
    for (guint i = 0; i < r->lines->len; i++) {
        const sr_reply_line *line = sr_reply_line_get(r, i);
        gsize len;
        const guint8 *data = sr_reply_line_data(r, i, &len);

        paint(out, colour, SGR_DIM, "  | ");
        sr_escape_text(out, data, len);
        /* What the decoder did not keep, and terminators other than CRLF,
         * are shown so that nothing is silently missing. */
        if (line->stored < line->content_length) {
            gchar *more = g_strdup_printf(" [%" G_GSIZE_FORMAT " more bytes not kept]",
                                          line->content_length - line->stored);

            paint(out, colour, SGR_DIM, more);
            g_free(more);
        }
        if (line->term == SR_TERM_LF)
            paint(out, colour, SGR_DIM, "\\n");
        else if (line->term == SR_TERM_NONE)
            paint(out, colour, SGR_DIM, " [no line end]");
        g_string_append_c(out, '\n');
    }
}

/* "capabilities: PIPELINING, SIZE 52428800, AUTH PLAIN LOGIN": what an
 * EHLO reply offers, as the decoder read it. */
static void
append_capabilities(GString *out, const sr_capabilities *caps)
{
    if (!caps)
        return;
    TEXTBUF_LITERAL(out, "  capabilities: ");
    for (guint i = 0; i < caps->list->len; i++) {
        const sr_capability *cap = &g_array_index(caps->list, sr_capability, i);

        if (i)
            TEXTBUF_LITERAL(out, ", ");
        /* The decoder keeps printable ASCII only; escaped all the same,
         * so that nothing from the wire reaches the terminal unchecked. */
        sr_escape_text(out, (const guint8 *)cap->keyword, strlen(cap->keyword));
        if (cap->params[0]) {
            g_string_append_c(out, ' ');
            sr_escape_text(out, (const guint8 *)cap->params, strlen(cap->params));
        }
    }
    textbuf_append_str(out, caps->list->len ? "\n" : "none\n");
}

typedef struct {
    GString *out;
    gboolean colour;
    gboolean all;        /* deviations and observations too */
    gboolean any;
} anomaly_list;

/* People get what the decoder adds, e.g. the codes a command allows. */
static void
add_name(const char *name, const char *detail, sr_anomaly_severity severity, gpointer user_data)
{
    anomaly_list *list = user_data;

    if (severity != SR_SEVERITY_VIOLATION && !list->all)
        return;
    if (!list->any) {
        TEXTBUF_LITERAL(list->out, "  anomalies: ");
        if (list->colour)
            textbuf_append_str(list->out, SGR_MAGENTA);
    } else {
        TEXTBUF_LITERAL(list->out, ", ");
    }
    list->any = TRUE;
    textbuf_append_str(list->out, name);
    if (detail) {
        TEXTBUF_LITERAL(list->out, " (allowed: ");
        textbuf_append_str(list->out, detail);
        g_string_append_c(list->out, ')');
    }
}

static void
append_anomalies(GString *out, const reply_event *ev, gboolean colour, gboolean all)
{
    anomaly_list list = { out, colour, all, FALSE };

    reply_event_foreach_anomaly(ev, add_name, &list);
    if (list.any) {
        if (colour)
            textbuf_append_str(out, SGR_RESET);
        g_string_append_c(out, '\n');
    }
}

/* A block's first words: "<time>  flow N  client A -> server B", bold. */
static void
append_head(GString *out, gint64 time_us, guint flow_id, const char *client, const char *server,
            const output_style *style)
{
    gboolean colour = style->colour;

    if (colour)
        textbuf_append_str(out, SGR_BOLD);
    output_append_time(out, time_us, style);
    TEXTBUF_LITERAL(out, "  flow ");
    decimal_append(out, flow_id);
    TEXTBUF_LITERAL(out, "  client ");
    textbuf_append_str(out, client);
    TEXTBUF_LITERAL(out, " -> server ");
    textbuf_append_str(out, server);
    if (colour)
        textbuf_append_str(out, SGR_RESET);
}

/* "  reason: rate-limited (Gmail)" */
static void
append_reason(GString *out, const sr_reason_result *reason)
{
    if (reason->reason == SR_REASON_NONE)
        return;
    TEXTBUF_LITERAL(out, "  reason: ");
    textbuf_append_str(out, sr_reason_name(reason->reason));
    if (reason->provider) {
        TEXTBUF_LITERAL(out, " (");
        textbuf_append_str(out, reason->provider);
        g_string_append_c(out, ')');
    }
    g_string_append_c(out, '\n');
}

/* "frame 17", and its file when several are read: what Wireshark's "Go to
 * packet" needs. */
static void
append_frame(GString *out, guint64 frame, const output_style *style)
{
    TEXTBUF_LITERAL(out, "frame ");
    decimal_append(out, frame_number(frame));
    if (style->files) {
        TEXTBUF_LITERAL(out, " of ");
        sr_escape_text(out, (const guint8 *)style->files[frame_file(frame)],
                       strlen(style->files[frame_file(frame)]));
    }
}

void
output_text_reply(GString *out, const reply_event *ev, const output_style *style)
{
    const sr_reply *r = ev->reply;
    gboolean colour = style->colour;

    append_head(out, ev->time_us, ev->flow_id, ev->client, ev->server, style);
    TEXTBUF_LITERAL(out, "  ");
    append_frame(out, ev->frame, style);
    TEXTBUF_LITERAL(out, "  offset ");
    decimal_append(out, r->offset);
    if (ev->command) {
        /* An empty command line has the empty name: quoted, so it is seen. */
        TEXTBUF_LITERAL(out, "  answers ");
        textbuf_append_str(out, ev->command[0] ? ev->command : "\"\"");
        if (ev->request && ev->request->has_argument) {
            g_string_append_c(out, ' ');
            sr_escape_text(out, (const guint8 *)ev->request->argument, ev->request->argument_len);
        }
        if (ev->recipient) {
            TEXTBUF_LITERAL(out, " for ");
            sr_escape_text(out, (const guint8 *)ev->recipient, strlen(ev->recipient));
        }
        if (ev->latency_us >= 0) {
            TEXTBUF_LITERAL(out, " in ");
            latency_append_ms(out, ev->latency_us);
            TEXTBUF_LITERAL(out, " ms");
        }
        if (ev->greeting_wait_us >= 0) {
            TEXTBUF_LITERAL(out, " ");
            latency_append_ms(out, ev->greeting_wait_us);
            TEXTBUF_LITERAL(out, " ms after the SYN");
        }
    }
    if (ev->tls)
        TEXTBUF_LITERAL(out, "  in TLS");
    if (r->interrupted)
        TEXTBUF_LITERAL(out, "  (interrupted)");
    else if (!r->complete)
        TEXTBUF_LITERAL(out, "  (incomplete)");
    g_string_append_c(out, '\n');
    append_code(out, ev, colour);
    append_enhanced(out, r);
    append_reason(out, &ev->reason);
    append_lines(out, r, colour);
    append_capabilities(out, ev->capabilities);
    append_anomalies(out, ev, colour, style->all_anomalies);
    g_string_append_c(out, '\n');
}

/* The first line's text for a one-line record: without the enhanced code
 * shown beside the reply code already. */
static void
append_first_text(GString *out, const sr_reply *r)
{
    gsize len;
    const guint8 *text = sr_reply_line_text(r, 0, &len);
    const sr_enhanced *enh = r->enhanced_line == 0 ? sr_reply_enhanced(r) : NULL;

    if (!text)
        return;
    if (enh && enh->offset == 0 && enh->length <= len) {
        text += enh->length;
        len -= enh->length;
        while (len && *text == ' ') {
            text++;
            len--;
        }
    }
    if (len) {
        TEXTBUF_LITERAL(out, ": ");
        sr_escape_text(out, text, len);
    }
}

typedef struct {
    GString *out;
    gboolean colour;
    gboolean all;
    gboolean any;
} anomaly_names;

static void
add_line_anomaly(const char *name, const char *detail, sr_anomaly_severity severity,
                 gpointer user_data)
{
    anomaly_names *list = user_data;

    (void)detail;
    if (severity != SR_SEVERITY_VIOLATION && !list->all)
        return;
    if (!list->any && list->colour)
        textbuf_append_str(list->out, SGR_MAGENTA);
    textbuf_append_str(list->out, list->any ? ", " : " [anomalies: ");
    textbuf_append_str(list->out, name);
    list->any = TRUE;
}

/*
 * One line per reply, as tcpdump writes a packet:
 *   TIME flow N frame F CLIENT > SERVER: COMMAND ARGUMENT -> CODE ENHANCED
 *   [reason] LATENCY ms: first text line (+N lines) [anomalies: ...]
 * What a reply lacks is left out, and the rest of its lines are counted.
 */
/* A line's first words: "<time> flow N frame F client > server". */
static void
append_line_head(GString *out, gint64 time_us, guint flow_id, guint64 frame, const char *client,
                 const char *server, const output_style *style)
{
    output_append_time(out, time_us, style);
    TEXTBUF_LITERAL(out, " flow ");
    decimal_append(out, flow_id);
    g_string_append_c(out, ' ');
    append_frame(out, frame, style);
    g_string_append_c(out, ' ');
    textbuf_append_str(out, client);
    TEXTBUF_LITERAL(out, " > ");
    textbuf_append_str(out, server);
}

void
output_line_reply(GString *out, const reply_event *ev, const output_style *style)
{
    const sr_reply *r = ev->reply;
    const sr_enhanced *enh = sr_reply_enhanced(r);
    anomaly_names names = { out, style->colour, style->all_anomalies, FALSE };

    append_line_head(out, ev->time_us, ev->flow_id, ev->frame, ev->client, ev->server, style);
    TEXTBUF_LITERAL(out, ": ");
    if (ev->tls)
        TEXTBUF_LITERAL(out, "[TLS] ");
    if (ev->command) {
        textbuf_append_str(out, ev->command[0] ? ev->command : "\"\"");
        if (ev->request && ev->request->has_argument) {
            g_string_append_c(out, ' ');
            sr_escape_text(out, (const guint8 *)ev->request->argument, ev->request->argument_len);
        }
    } else {
        g_string_append_c(out, '-');
    }
    TEXTBUF_LITERAL(out, " -> ");
    if (ev->has_code) {
        char digits[4] = {
            (char)('0' + r->code / 100 % 10), (char)('0' + r->code / 10 % 10),
            (char)('0' + r->code % 10), '\0',
        };

        paint(out, style->colour, class_colour(r->code), digits);
    } else {
        paint(out, style->colour, SGR_RED, "no-code");
    }
    if (enh) {
        char code[16];

        sr_enhanced_format(enh, code, sizeof code);
        g_string_append_c(out, ' ');
        textbuf_append_str(out, code);
    }
    if (ev->reason.reason != SR_REASON_NONE) {
        TEXTBUF_LITERAL(out, " [");
        textbuf_append_str(out, sr_reason_name(ev->reason.reason));
        if (ev->reason.provider) {
            TEXTBUF_LITERAL(out, ", ");
            textbuf_append_str(out, ev->reason.provider);
        }
        g_string_append_c(out, ']');
    }
    if (ev->latency_us >= 0) {
        g_string_append_c(out, ' ');
        latency_append_ms(out, ev->latency_us);
        TEXTBUF_LITERAL(out, " ms");
    }
    append_first_text(out, r);
    if (r->lines->len > 1) {
        TEXTBUF_LITERAL(out, " (+");
        decimal_append(out, r->lines->len - 1);
        textbuf_append_str(out, r->lines->len == 2 ? " line)" : " lines)");
    }
    if (r->interrupted)
        TEXTBUF_LITERAL(out, " (interrupted)");
    else if (!r->complete)
        TEXTBUF_LITERAL(out, " (incomplete)");
    reply_event_foreach_anomaly(ev, add_line_anomaly, &names);
    if (names.any)
        g_string_append_c(out, ']');
    if (names.any && style->colour)
        textbuf_append_str(out, SGR_RESET);
    g_string_append_c(out, '\n');
}

/* "550 5.1.1 text" of a reply a transaction kept (first line only). */
static void
append_tx_reply(GString *out, const sr_tx_reply *r)
{
    if (!r->present) {
        TEXTBUF_LITERAL(out, "(no reply)");
        return;
    }
    if (r->has_code)
        decimal_append(out, r->code);
    else
        TEXTBUF_LITERAL(out, "(no code)");
    if (r->enhanced[0] && !(r->lines[0] && g_str_has_prefix(r->lines[0], r->enhanced))) {
        g_string_append_c(out, ' ');
        textbuf_append_str(out, r->enhanced);
    }
    if (r->lines[0] && r->lines[0][0]) {
        g_string_append_c(out, ' ');
        sr_escape_text(out, (const guint8 *)r->lines[0], strlen(r->lines[0]));
    }
    if (r->line_count > 1)
        g_string_append_printf(out, " (+%u lines)", r->line_count - 1);
}

static void
append_escaped(GString *out, const char *s)
{
    sr_escape_text(out, (const guint8 *)s, strlen(s));
}

void
output_text_transaction(GString *out, const transaction_event *ev, const output_style *style)
{
    const sr_transaction *tx = ev->tx;

    append_head(out, tx->start_us, ev->flow_id, ev->client, ev->server, style);
    g_string_append_printf(out, "  %s transaction %u: %s\n", tx->lmtp ? "LMTP" : "mail", tx->depth,
                           sr_tx_status_name(tx->status));
    if (tx->helo) {
        TEXTBUF_LITERAL(out, "  helo          ");
        append_escaped(out, tx->helo);
        g_string_append_c(out, '\n');
    }
    TEXTBUF_LITERAL(out, "  from          <");
    append_escaped(out, tx->mailfrom ? tx->mailfrom : "");
    TEXTBUF_LITERAL(out, ">  ");
    append_tx_reply(out, &tx->mail);
    g_string_append_c(out, '\n');
    for (guint i = 0; i < tx->recipients->len; i++) {
        const sr_tx_recipient *r = &g_array_index(tx->recipients, sr_tx_recipient, i);

        if (r->address) {
            TEXTBUF_LITERAL(out, "  to            <");
            append_escaped(out, r->address);
            TEXTBUF_LITERAL(out, ">  ");
        } else {
            TEXTBUF_LITERAL(out, "  to            (no address)  ");
        }
        append_tx_reply(out, &r->rcpt);
        if (r->data.present) {
            TEXTBUF_LITERAL(out, "\n                then ");
            append_tx_reply(out, &r->data);
        }
        g_string_append_c(out, '\n');
    }
    if (tx->rcpt_total > tx->recipients->len)
        g_string_append_printf(out, "  to            %u more recipients, not kept (%u of all %u accepted)\n",
                               tx->rcpt_total - tx->recipients->len, tx->rcpt_accepted, tx->rcpt_total);
    if (tx->data.present) {
        TEXTBUF_LITERAL(out, "  data          ");
        append_tx_reply(out, &tx->data);
        g_string_append_c(out, '\n');
    }
    if (tx->has_size || tx->has_declared_size) {
        TEXTBUF_LITERAL(out, "  size          ");
        if (tx->has_size)
            g_string_append_printf(out, "%" G_GUINT64_FORMAT " bytes", tx->size);
        if (tx->has_declared_size)
            g_string_append_printf(out, "%s(declared %" G_GUINT64_FORMAT ")", tx->has_size ? " " : "",
                                   tx->declared_size);
        g_string_append_c(out, '\n');
    }
    if (tx->queue_id) {
        TEXTBUF_LITERAL(out, "  queue id      ");
        append_escaped(out, tx->queue_id);
        g_string_append_printf(out, " (%s)\n", tx->queue_id_source);
    }
    g_string_append_printf(out, "  ended by      %s", sr_tx_end_name(tx->end));
    if (tx->end_us >= 0 && tx->start_us >= 0 && tx->end_us >= tx->start_us) {
        TEXTBUF_LITERAL(out, " after ");
        latency_append_ms(out, tx->end_us - tx->start_us);
        TEXTBUF_LITERAL(out, " ms");
    }
    TEXTBUF_LITERAL(out, "\n\n");
}

/* "name count, name count" for the non-zero counts of a table. */
static void
append_counts(GString *out, const char *label, const guint64 *counts, guint n,
              void (*name)(GString *out, guint i))
{
    gboolean any = FALSE;

    g_string_append_printf(out, "  %-15s", label);
    for (guint i = 0; i < n; i++) {
        if (!counts[i])
            continue;
        if (any)
            g_string_append(out, ", ");
        name(out, i);
        g_string_append_printf(out, " %" G_GUINT64_FORMAT, counts[i]);
        any = TRUE;
    }
    g_string_append(out, any ? "\n" : "none\n");
}

static void
code_label(GString *out, guint i)
{
    g_string_append_printf(out, "%03u", i);
}

static void
class_label(GString *out, guint i)
{
    g_string_append_printf(out, "%uyz %s", i, sr_class_label(i));
}

static void
category_label(GString *out, guint i)
{
    g_string_append_printf(out, "x%uz %s", i, sr_category_label(i));
}

static void
anomaly_label(GString *out, guint i)
{
    g_string_append(out, sr_anomaly_name((sr_anomaly_kind)i));
}

static void
reason_label(GString *out, guint i)
{
    g_string_append(out, sr_reason_name((sr_reason)i));
}

static void
severity_label(GString *out, guint i)
{
    g_string_append(out, sr_severity_name((sr_anomaly_severity)i));
}

static void
status_label(GString *out, guint i)
{
    g_string_append(out, sr_tx_status_name((sr_tx_status)i));
}

static void
tool_anomaly_label(GString *out, guint i)
{
    g_string_append(out, tool_anomaly_name((tool_anomaly_kind)i));
}

static void
tls_decryption_label(GString *out, guint i)
{
    g_string_append(out, tls_decrypt_status_name((tls_decrypt_status)i));
}

static void
tls_outcome_label(GString *out, guint i)
{
    g_string_append(out, sr_tls_outcome_name((sr_tls_outcome)i));
}

/* The empty name of an empty command line, quoted as in each reply's head. */
static const char *
command_label(const summary_command *c)
{
    return c->name[0] ? c->name : "\"\"";
}

static void
command_count(const summary_command *c, gpointer user_data)
{
    GString *out = user_data;

    g_string_append_printf(out, ", %s %" G_GUINT64_FORMAT, command_label(c), c->replies);
}

static void
append_ms_column(GString *out, gint64 us)
{
    GString *ms = g_string_new(NULL);

    latency_append_ms(ms, us);
    g_string_append_printf(out, " %10s", ms->str);
    g_string_free(ms, TRUE);
}

/* One row of the reply time table, for a command with timed replies. */
static void
command_times(const summary_command *c, gpointer user_data)
{
    GString *out = user_data;
    const sr_latency_histogram *h = c->latency;

    if (!h || !h->count)
        return;
    g_string_append_printf(out, "  %-15s%-16s %8" G_GUINT64_FORMAT, "", command_label(c),
                           h->count);
    append_ms_column(out, h->min_us);
    append_ms_column(out, sr_latency_percentile(h, 50));
    append_ms_column(out, sr_latency_percentile(h, 90));
    append_ms_column(out, sr_latency_percentile(h, 99));
    append_ms_column(out, h->max_us);
    g_string_append_c(out, '\n');
}

static void
count_timed(const summary_command *c, gpointer user_data)
{
    if (c->latency && c->latency->count)
        ++*(guint *)user_data;
}

static void
append_commands(GString *out, const summary *s)
{
    GString *counts = g_string_new(NULL);
    guint timed = 0;

    summary_foreach_command(s, command_count, counts);
    if (s->without_command)
        g_string_append_printf(counts, ", (none) %" G_GUINT64_FORMAT, s->without_command);
    /* Skips the first ", ". */
    g_string_append_printf(out, "  %-15s%s\n", "by command", counts->len ? counts->str + 2 : "none");
    g_string_free(counts, TRUE);

    summary_foreach_command(s, count_timed, &timed);
    if (!timed) {
        g_string_append_printf(out, "  %-15snone\n", "reply time ms");
        return;
    }
    g_string_append_printf(out, "  %-15s%-16s %8s %10s %10s %10s %10s %10s\n", "reply time ms",
                           "command", "count", "min", "p50", "p90", "p99", "max");
    summary_foreach_command(s, command_times, out);
}

/* Text shows this many names of a tally; JSON has them all. */
#define TEXT_TALLY_NAMES 20

static void
append_tally(GString *out, const char *label, const summary_tally *t, const char *what,
             const char *counted)
{
    guint n;
    summary_tally_entry *list = summary_tally_sorted(t, &n);
    guint64 rest = t->other;
    guint rest_names = 0;

    g_string_append_printf(out, "  %-15s", label);
    for (guint i = 0; i < n; i++) {
        if (i >= TEXT_TALLY_NAMES) {
            rest += list[i].count;
            rest_names++;
            continue;
        }
        if (i)
            g_string_append(out, ", ");
        sr_escape_text(out, (const guint8 *)list[i].name, strlen(list[i].name));
        g_string_append_printf(out, " %" G_GUINT64_FORMAT, list[i].count);
    }
    if (!n)
        g_string_append(out, "none");
    if (rest_names || t->other)
        g_string_append_printf(out, ", and %s%u more %s with %" G_GUINT64_FORMAT " %s",
                               t->other ? "over " : "", rest_names, what, rest, counted);
    g_string_append_c(out, '\n');
    g_free(list);
}

static void
append_slowest(GString *out, const summary *s)
{
    output_style style = { .files = s->files };

    if (!s->n_slowest) {
        g_string_append_printf(out, "  %-15snone\n", "slowest");
        return;
    }
    g_string_append_printf(out, "  %-15s%10s %6s  %-8s %-4s  %-22s %s\n", "slowest", "reply ms",
                           "flow", "command", "code", "server", "frame");
    for (guint i = 0; i < s->n_slowest; i++) {
        const summary_slow *w = &s->slowest[i];

        g_string_append_printf(out, "  %-15s", "");
        append_ms_column(out, w->latency_us);
        g_string_append_printf(out, " %6u  %-8s ", w->flow_id, w->command[0] ? w->command : "\"\"");
        if (w->has_code)
            g_string_append_printf(out, "%03u ", w->code);
        else
            g_string_append(out, "-    ");
        g_string_append_printf(out, "  %-22s ", w->server);
        append_frame(out, w->frame, &style);
        g_string_append_c(out, '\n');
    }
}

void
output_text_summary(GString *out, const summary *s, gboolean colour)
{
    const flow_stats *f = &s->flows;
    const rs_stats *rs = &f->server;

    paint(out, colour, SGR_BOLD, "Summary");
    g_string_append(out, s->interrupted ? " (interrupted)\n" : "\n");
    g_string_append_printf(out,
        "  %-15s%" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " bytes captured of %"
        G_GUINT64_FORMAT " on the wire)\n", "packets", s->packets, s->captured_bytes,
        s->wire_bytes);
    g_string_append_printf(out,
        "  %-15stcp %" G_GUINT64_FORMAT ", not tcp %" G_GUINT64_FORMAT ", ip fragments %"
        G_GUINT64_FORMAT ", malformed %" G_GUINT64_FORMAT ", cut before the payload %"
        G_GUINT64_FORMAT ", no server port %" G_GUINT64_FORMAT "\n", "",
        s->by_status[PACKET_TCP], s->by_status[PACKET_OTHER], s->by_status[PACKET_FRAGMENT],
        s->by_status[PACKET_MALFORMED], s->by_status[PACKET_SHORT], f->ignored);
    g_string_append_printf(out,
        "  %-15s%" G_GUINT64_FORMAT " (at most %u at once, %" G_GUINT64_FORMAT
        " evicted, %" G_GUINT64_FORMAT " closed idle; %" G_GUINT64_FORMAT
        " commands unanswered)\n", "flows",
        f->flows, f->peak, f->evicted, f->idle_closed, f->unanswered);
    g_string_append_printf(out,
        "  %-15s%" G_GUINT64_FORMAT " reply bytes; %" G_GUINT64_FORMAT
        " bytes retransmitted, %" G_GUINT64_FORMAT " segments out of order, %"
        G_GUINT64_FORMAT " overlap conflicts, %" G_GUINT64_FORMAT " gaps (%" G_GUINT64_FORMAT
        " bytes), %" G_GUINT64_FORMAT " segments truncated, %" G_GUINT64_FORMAT
        " queue overflows\n", "reassembly", rs->bytes, rs->retransmitted, rs->out_of_order,
        rs->conflicts, rs->gaps, rs->gap_bytes, rs->truncated, rs->overflows);
    g_string_append_printf(out,
        "  %-15s%" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " complete, %" G_GUINT64_FORMAT
        " incomplete, %" G_GUINT64_FORMAT " without a reply code)\n", "replies",
        s->replies, s->complete, s->replies - s->complete - s->interrupted_replies,
        s->without_code);
    if (s->interrupted_replies)
        g_string_append_printf(out, "  %-15s%" G_GUINT64_FORMAT " replies were being read\n",
                               "interrupted", s->interrupted_replies);
    if (s->selecting)
        g_string_append_printf(out, "  %-15s%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                               " replies (-Y)\n", "selected", s->selected, s->replies);
    append_counts(out, "by class", s->by_class, G_N_ELEMENTS(s->by_class), class_label);
    append_counts(out, "by category", s->by_category, G_N_ELEMENTS(s->by_category),
                  category_label);
    append_counts(out, "by code", s->by_code, SUMMARY_CODES, code_label);
    append_commands(out, s);
    append_counts(out, "transactions", s->transactions, SR_TX_STATUS_COUNT, status_label);
    g_string_append_printf(out, "  %-15srefused %" G_GUINT64_FORMAT ", delivered %" G_GUINT64_FORMAT
                           ", refused later %" G_GUINT64_FORMAT ", undecided %" G_GUINT64_FORMAT "\n",
                           "recipients", s->rcpt_refused, s->rcpt_delivered, s->rcpt_refused_later,
                           s->rcpt_undecided);
    append_counts(out, "by reason", s->by_reason, SR_REASON_COUNT, reason_label);
    append_counts(out, "anomalies", s->anomalies, SR_ANOM_COUNT, anomaly_label);
    append_counts(out, "by severity", s->by_severity, SR_SEVERITY_COUNT, severity_label);
    append_counts(out, "tcp anomalies", s->tool_anomalies, TOOL_ANOM_COUNT, tool_anomaly_label);
    if (s->tls_handshakes) {
        append_counts(out, "tls handshakes", s->tls_outcomes, SR_TLS_OUTCOME_COUNT,
                      tls_outcome_label);
        append_tally(out, "tls versions", &s->tls_versions, "versions", "handshakes");
        append_tally(out, "tls ciphers", &s->tls_suites, "suites", "handshakes");
        append_tally(out, "tls failed by", &s->tls_failure_alerts, "alerts", "handshakes");
        if (s->tls_keylog)
            append_counts(out, "tls decryption", s->tls_decryption, TLS_DECRYPT_STATUS_COUNT,
                          tls_decryption_label);
    }
    if (s->detailed) {
        append_tally(out, "by server", &s->by_server, "servers", "replies");
        append_tally(out, "by enhanced", &s->by_enhanced, "codes", "replies");
        append_slowest(out, s);
    }
    if (s->have_drops)
        g_string_append_printf(out, "  %-15s%" G_GUINT64_FORMAT " by the kernel, %"
                               G_GUINT64_FORMAT " by the interface\n", "dropped",
                               s->dropped, s->if_dropped);
}

/* ------------------------------------------------------------------ */
/* TLS handshakes                                                       */

/* A TLS number's name, or 0xNNNN. */
static void
append_tls_name(GString *out, const char *name, guint16 value)
{
    char buf[SR_TLS_LABEL_SIZE];

    textbuf_append_str(out, sr_tls_label(name, value, buf));
}

/* "completed", green; a failure red; what is not settled yellow. */
static void
append_tls_outcome(GString *out, const sr_tls_info *info, gboolean colour)
{
    const char *sgr = info->outcome == SR_TLS_COMPLETED ? SGR_GREEN
                      : info->outcome == SR_TLS_UNKNOWN || info->outcome == SR_TLS_GAP ? SGR_YELLOW
                      : SGR_RED;

    paint(out, colour, sgr, sr_tls_outcome_name(info->outcome));
}

/* "alert fatal unknown_ca (48) from client in frame 13" */
static void
append_tls_alert(GString *out, const sr_tls_alert *a, const output_style *style)
{
    append_tls_name(out, sr_tls_alert_level_name(a->level), a->level);
    g_string_append_c(out, ' ');
    append_tls_name(out, sr_tls_alert_name(a->description), a->description);
    g_string_append_printf(out, " (%u) from %s, ", a->description,
                           a->from_client ? "client" : "server");
    append_frame(out, a->frame, style);
}

void
output_text_tls(GString *out, const tls_event *ev, const output_style *style)
{
    const sr_tls_event *t = ev->tls;
    const sr_tls_info *info = t->info;
    const sr_tls_client_hello *ch = &info->client_hello;
    const sr_tls_server_hello *sh = &info->server_hello;

    append_head(out, ev->time_us, ev->flow_id, ev->client, ev->server, style);
    TEXTBUF_LITERAL(out, "  ");
    append_frame(out, ev->frame, style);
    TEXTBUF_LITERAL(out, "\n  TLS ");
    textbuf_append_str(out, t->via == SR_TLS_VIA_IMPLICIT ? "from the first byte (implicit TLS)"
                                                          : "after STARTTLS");
    TEXTBUF_LITERAL(out, ": handshake ");
    append_tls_outcome(out, info, style->colour);
    if (info->outcome != SR_TLS_UNKNOWN && info->outcome != SR_TLS_COMPLETED)
        g_string_append_printf(out, " (%s)", info->outcome_client ? "client" : "server");
    if (t->interrupted)
        TEXTBUF_LITERAL(out, " (interrupted)");
    if (t->anomaly != SR_ANOM_COUNT) {
        TEXTBUF_LITERAL(out, "  ");
        paint(out, style->colour, SGR_RED, sr_anomaly_name(t->anomaly));
    }
    g_string_append_c(out, '\n');
    if (ch->seen) {
        TEXTBUF_LITERAL(out, "  client hello  ");
        append_frame(out, ch->frame, style);
        TEXTBUF_LITERAL(out, "  offers ");
        if (ch->versions_count) {
            for (guint i = 0; i < MIN(ch->versions_count, SR_TLS_MAX_VERSIONS); i++) {
                if (i)
                    TEXTBUF_LITERAL(out, ", ");
                append_tls_name(out, sr_tls_version_name(ch->versions[i]), ch->versions[i]);
            }
        } else {
            append_tls_name(out, sr_tls_version_name(ch->legacy_version), ch->legacy_version);
        }
        g_string_append_printf(out, "; %u cipher suite%s", ch->suites_count,
                               ch->suites_count == 1 ? "" : "s");
        if (ch->has_sni) {
            TEXTBUF_LITERAL(out, "; SNI ");
            sr_escape_text(out, ch->sni, MIN(ch->sni_length, SR_TLS_MAX_SNI));
        }
        for (guint i = 0; i < MIN(ch->alpn_count, SR_TLS_MAX_ALPN); i++) {
            textbuf_append_str(out, i ? ", " : "; ALPN ");
            sr_escape_text(out, ch->alpn[i], ch->alpn_length[i]);
        }
        if (ch->malformed)
            TEXTBUF_LITERAL(out, " (malformed)");
        g_string_append_c(out, '\n');
    }
    if (sh->hello_retry) {
        TEXTBUF_LITERAL(out, "  retry         ");
        append_frame(out, sh->hello_retry_frame, style);
        TEXTBUF_LITERAL(out, "  HelloRetryRequest\n");
    }
    if (sh->seen) {
        TEXTBUF_LITERAL(out, "  server hello  ");
        append_frame(out, sh->frame, style);
        TEXTBUF_LITERAL(out, "  ");
        append_tls_name(out, sr_tls_version_name(sh->version), sh->version);
        TEXTBUF_LITERAL(out, ", ");
        append_tls_name(out, sr_tls_cipher_suite_name(sh->cipher_suite), sh->cipher_suite);
        g_string_append_printf(out, " (0x%04x)%s\n", sh->cipher_suite,
                               sh->malformed ? " (malformed)" : "");
    }
    if (info->certificate.seen) {
        TEXTBUF_LITERAL(out, "  certificate   ");
        append_frame(out, info->certificate.frame, style);
        if (ev->cert) {
            TEXTBUF_LITERAL(out, "  ");
            textbuf_append_str(out, ev->cert->subject);
            TEXTBUF_LITERAL(out, ", issued by ");
            textbuf_append_str(out, ev->cert->self_signed ? "itself" : ev->cert->issuer);
            TEXTBUF_LITERAL(out, "\n                valid ");
            textbuf_append_str(out, ev->cert->not_before);
            TEXTBUF_LITERAL(out, " to ");
            textbuf_append_str(out, ev->cert->not_after);
            g_string_append_printf(out, ", %s %u bits, %s", ev->cert->key_algorithm,
                                   ev->cert->key_bits, ev->cert->signature_algorithm);
        } else {
            g_string_append_printf(out, "  %" G_GSIZE_FORMAT " bytes, not readable as X.509",
                                   info->certificate.first_length);
        }
        g_string_append_c(out, '\n');
    }
    for (guint i = 0; i < info->alerts_count; i++) {
        TEXTBUF_LITERAL(out, "  alert         ");
        append_tls_alert(out, &info->alerts[i], style);
        g_string_append_c(out, '\n');
    }
    if (info->alerts_total > info->alerts_count)
        g_string_append_printf(out, "  alert         %u more in clear\n",
                               info->alerts_total - info->alerts_count);
    if (ev->decrypt) {
        const tls_decrypt_stats *d = ev->decrypt;

        TEXTBUF_LITERAL(out, "  decryption    ");
        paint(out, style->colour, d->status == TLS_DECRYPT_DECRYPTING ? SGR_GREEN : SGR_RED,
              tls_decrypt_status_name(d->status));
        if (d->status != TLS_DECRYPT_DECRYPTING) {
            TEXTBUF_LITERAL(out, ": ");
            textbuf_append_str(out, tls_decrypt_status_description(d->status));
        }
        g_string_append_printf(out, "; records client %" G_GUINT64_FORMAT ", server %"
                               G_GUINT64_FORMAT, d->client.records, d->server.records);
        if (d->client.key_updates || d->server.key_updates)
            g_string_append_printf(out, "; key updates client %u, server %u",
                                   d->client.key_updates, d->server.key_updates);
        g_string_append_c(out, '\n');
    }
    for (int k = 0; k < 2; k++) {
        const sr_tls_side *side = k ? &info->server : &info->client;

        if (side->stop != SR_TLS_STOP_NONE) {
            g_string_append_printf(out, "  %s stopped %s: ", k ? "server" : "client",
                                   sr_tls_stop_name(side->stop));
            textbuf_append_str(out, sr_tls_stop_description(side->stop));
            g_string_append_c(out, '\n');
        }
    }
    g_string_append_c(out, '\n');
}

void
output_line_tls(GString *out, const tls_event *ev, const output_style *style)
{
    const sr_tls_event *t = ev->tls;
    const sr_tls_info *info = t->info;
    const sr_tls_server_hello *sh = &info->server_hello;

    append_line_head(out, ev->time_us, ev->flow_id, ev->frame, ev->client, ev->server, style);
    textbuf_append_str(out, t->via == SR_TLS_VIA_IMPLICIT ? ": TLS (implicit) " : ": TLS (STARTTLS) ");
    append_tls_outcome(out, info, style->colour);
    if (sh->seen) {
        g_string_append_c(out, ' ');
        append_tls_name(out, sr_tls_version_name(sh->version), sh->version);
        g_string_append_c(out, ' ');
        append_tls_name(out, sr_tls_cipher_suite_name(sh->cipher_suite), sh->cipher_suite);
    }
    if (info->client_hello.has_sni) {
        TEXTBUF_LITERAL(out, " sni=");
        sr_escape_text(out, info->client_hello.sni,
                       MIN(info->client_hello.sni_length, SR_TLS_MAX_SNI));
    }
    if (info->alerts_count) {
        TEXTBUF_LITERAL(out, " alert ");
        append_tls_alert(out, &info->alerts[0], style);
    }
    if (ev->decrypt) {
        TEXTBUF_LITERAL(out, " decryption ");
        textbuf_append_str(out, tls_decrypt_status_name(ev->decrypt->status));
    }
    if (t->interrupted)
        TEXTBUF_LITERAL(out, " (interrupted)");
    if (t->anomaly != SR_ANOM_COUNT) {
        TEXTBUF_LITERAL(out, " !");
        paint(out, style->colour, SGR_RED, sr_anomaly_name(t->anomaly));
    }
    g_string_append_c(out, '\n');
}
