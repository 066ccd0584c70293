/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sr_reply.h"

#include "sr_codes.h"
#include "sr_internal.h"

void
sr_config_init(sr_config *cfg)
{
    cfg->line_limit = SR_LINE_LIMIT;
    cfg->line_cap = SR_DEFAULT_LINE_CAP;
    cfg->max_lines = SR_DEFAULT_MAX_LINES;
    cfg->max_bytes = SR_DEFAULT_MAX_BYTES;
    cfg->max_session_bytes = SR_DEFAULT_MAX_SESSION_BYTES;
    cfg->pool = NULL;
}

static void
reply_reset(sr_reply *r)
{
    r->offset = r->end = 0;
    r->code = 0;
    r->complete = FALSE;
    r->interrupted = FALSE;
    r->enhanced_line = -1;
    g_array_set_size(r->lines, 0);
    g_array_set_size(r->anomalies, 0);
    g_byte_array_set_size(r->data, 0);
}

static void
add_anomaly(sr_reply *r, sr_anomaly_kind kind, guint64 offset, gsize length, guint64 count)
{
    sr_anomaly a = {
        .kind = kind,
        .offset = offset,
        .length = length,
        .line = r->lines->len ? r->lines->len - 1 : 0,
        .count = count,
    };

    g_array_append_val(r->anomalies, a);
}

/*
 * Hands the reply over.  COMPLETE: ended by a final line.  A reply that is
 * not complete is flagged incomplete unless it is a lone malformed line,
 * which never started a reply.
 */
static void
emit(sr_parser *p, gboolean complete)
{
    sr_reply *r = &p->reply;
    gboolean lone_malformed = r->lines->len == 1
        && !g_array_index(r->lines, sr_reply_line, 0).valid;

    r->complete = complete;
    if (p->interrupting) {
        r->interrupted = TRUE;
        g_array_set_size(r->anomalies, 0);
    } else if (p->cut_by_gap) {
        add_anomaly(r, SR_ANOM_GAP, r->end, 0, p->cut_by_gap);
        p->cut_by_gap = 0;
    }
    if (!complete && !lone_malformed && !r->interrupted)
        add_anomaly(r, SR_ANOM_INCOMPLETE_REPLY, r->end, 0, 0);
    p->stats.replies++;
    if (p->func)
        p->func(r, p->user_data);
    reply_reset(r);
    p->open = FALSE;
}

/* Whether the line starts with a reply code: Reply-code [ SP / "-" ], or,
 * LOOSE, three digits followed by anything else, read as clients read it. */
static gboolean
parse_code(const sr_raw_line *raw, guint16 *code, char *sep, gboolean *loose)
{
    const guint8 *d = raw->data;

    *loose = FALSE;
    if (raw->stored < 3 || !g_ascii_isdigit(d[0]) || !g_ascii_isdigit(d[1])
            || !g_ascii_isdigit(d[2]))
        return FALSE;
    if (raw->content_length == 3) {
        *sep = '\0';
    } else if (d[3] == ' ' || d[3] == '-') {
        *sep = (char)d[3];
    } else {
        *sep = '\0';
        *loose = TRUE;
    }
    *code = (guint16)((d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0'));
    return TRUE;
}

static void
check_line_bytes(sr_parser *p, const sr_raw_line *raw)
{
    static const sr_anomaly_kind flag_kinds[SR_LINE_FLAG_COUNT] = {
        [SR_LINE_BARE_CR] = SR_ANOM_BARE_CR,
        [SR_LINE_NUL] = SR_ANOM_NUL_BYTE,
        [SR_LINE_8BIT] = SR_ANOM_8BIT_BYTE,
        [SR_LINE_CONTROL] = SR_ANOM_CONTROL_BYTE,
    };
    sr_reply *r = &p->reply;

    for (guint f = 0; f < SR_LINE_FLAG_COUNT; f++) {
        if (raw->flags & (1u << f))
            add_anomaly(r, flag_kinds[f], raw->flag_offset[f], 1, 0);
    }
    if (raw->term == SR_TERM_LF)
        add_anomaly(r, SR_ANOM_BARE_LF, raw->offset + raw->content_length, 1, 0);
    if (raw->term == SR_TERM_NONE)
        add_anomaly(r, SR_ANOM_UNTERMINATED_LINE, raw->offset + raw->length, 0, 0);
    /* The limit counts CRLF whatever ended the line. */
    if (raw->content_length + 2 > p->config.line_limit)
        add_anomaly(r, SR_ANOM_LINE_TOO_LONG, raw->offset, raw->length,
                    raw->content_length + 2);
    if (raw->stored < raw->content_length)
        add_anomaly(r, SR_ANOM_LINE_OVER_CAP, raw->offset + raw->stored,
                    raw->content_length - raw->stored, raw->content_length - raw->stored);
}

/* Digit meanings are checked once per reply, on its first code. */
static void
check_code(sr_reply *r, guint16 code, guint64 offset)
{
    guint klass = code / 100, category = code / 10 % 10;

    if (klass == 1)
        add_anomaly(r, SR_ANOM_CLASS_UNUSED_1YZ, offset, 1, 0);
    else if (klass < 1 || klass > 5)
        add_anomaly(r, SR_ANOM_CLASS_INVALID, offset, 1, 0);
    if (category > 5)
        add_anomaly(r, SR_ANOM_CATEGORY_UNDEFINED, offset + 1, 1, 0);
    if (!sr_code_lookup(code))
        add_anomaly(r, SR_ANOM_CODE_UNREGISTERED, offset, 3, 0);
}

static void
check_enhanced(sr_reply *r, sr_reply_line *line)
{
    sr_enhanced *enh = &line->enhanced;
    guint64 at = line->offset + line->text_start + enh->offset;
    guint klass = line->code / 100;

    if (enh->status == SR_ENH_MALFORMED) {
        add_anomaly(r, SR_ANOM_ENH_MALFORMED, at, enh->length, 0);
        return;
    }
    if (enh->status != SR_ENH_VALID)
        return;
    if (klass == 1 || klass == 3)
        add_anomaly(r, SR_ANOM_ENH_ON_INTERMEDIATE, at, enh->length, 0);
    else if (enh->klass != klass)
        add_anomaly(r, SR_ANOM_ENH_CLASS_MISMATCH, at, 1, 0);
    if (!sr_enhanced_lookup(enh->subject, enh->detail))
        add_anomaly(r, SR_ANOM_ENH_UNREGISTERED, at, enh->length, 0);
    if (r->enhanced_line < 0) {
        r->enhanced_line = (gint)r->lines->len - 1;
    } else {
        const sr_reply_line *first = &g_array_index(r->lines, sr_reply_line, r->enhanced_line);

        if (!sr_enhanced_equal(&first->enhanced, enh))
            add_anomaly(r, SR_ANOM_ENH_INCONSISTENT, at, enh->length, 0);
    }
}

static void
on_line(const sr_raw_line *raw, gpointer user_data)
{
    sr_parser *p = user_data;
    sr_reply *r = &p->reply;
    sr_reply_line line = { 0 };

    p->stats.lines++;
    line.valid = parse_code(raw, &line.code, &line.separator, &line.loose);

    if (p->resync) {
        /* Only a line that follows the grammar ends the search: the tail
         * of a cut line ("428800" of "SIZE 52428800") may start with
         * digits, and must not become a reply 428. */
        if (!line.valid || line.loose) {
            if (p->pending_skip == 0)
                p->pending_skip_offset = raw->offset;
            p->pending_skip += raw->length;
            p->stats.skipped_bytes += raw->length;
            return;
        }
        p->resync = FALSE;
    }

    if (!p->open) {
        r->offset = raw->offset;
        p->open = TRUE;
        if (p->pending_gap) {
            add_anomaly(r, SR_ANOM_GAP, raw->offset, 0, p->pending_gap);
            p->pending_gap = 0;
        }
        if (p->pending_skip) {
            add_anomaly(r, SR_ANOM_RESYNC, p->pending_skip_offset,
                        (gsize)p->pending_skip, p->pending_skip);
            p->pending_skip = 0;
        }
    }

    line.offset = raw->offset;
    line.length = raw->length;
    line.content_length = raw->content_length;
    line.stored = raw->stored;
    line.data_offset = r->data->len;
    line.term = raw->term;
    line.text_start = !line.valid ? 0 : line.loose ? 3 : MIN(raw->content_length, 4);
    g_byte_array_append(r->data, raw->data, (guint)raw->stored);
    g_array_append_val(r->lines, line);
    r->end = raw->offset + raw->length;

    check_line_bytes(p, raw);

    if (!line.valid || line.loose)
        add_anomaly(r, SR_ANOM_MALFORMED_LINE, raw->offset, raw->length, 0);
    if (line.valid) {
        sr_reply_line *added = &g_array_index(r->lines, sr_reply_line, r->lines->len - 1);

        /* Only the first line names the reply: a malformed first line
         * stands alone, so a multiline reply's first line is valid, and 000
         * is a code of its own (an invalid one), not "none yet". */
        if (r->lines->len == 1) {
            check_code(r, line.code, raw->offset);
            r->code = line.code;
        } else if (line.code != r->code) {
            add_anomaly(r, SR_ANOM_CODE_MISMATCH, raw->offset, 3, 0);
        }
        if (line.text_start < raw->stored)
            sr_enhanced_parse(raw->data + line.text_start, raw->stored - line.text_start,
                              &added->enhanced);
        check_enhanced(r, added);
    }

    if (raw->term == SR_TERM_NONE) {
        emit(p, FALSE);
    } else if (line.valid && line.separator != '-') {
        emit(p, TRUE);
    } else if (!line.valid && r->lines->len == 1) {
        /* A malformed line outside any reply stands alone. */
        emit(p, FALSE);
    } else if (r->lines->len >= p->config.max_lines || r->data->len >= p->config.max_bytes) {
        add_anomaly(r, SR_ANOM_REPLY_TOO_LONG, r->end, 0, r->lines->len);
        emit(p, FALSE);
    }
}

void
sr_parser_init(sr_parser *p, const sr_config *cfg, sr_reply_func func, gpointer user_data)
{
    *p = (sr_parser){ 0 };
    if (cfg)
        p->config = *cfg;
    else
        sr_config_init(&p->config);
    p->config.line_cap = MAX(p->config.line_cap, SR_MIN_LINE_CAP);
    p->config.max_lines = MAX(p->config.max_lines, 1);
    p->func = func;
    p->user_data = user_data;
    /* Room for a usual EHLO reply from the start: a capture holds many
     * short sessions, and arrays grown from nothing are reallocated
     * several times in each. */
    p->reply.lines = g_array_sized_new(FALSE, TRUE, sizeof(sr_reply_line), 12);
    p->reply.anomalies = g_array_new(FALSE, TRUE, sizeof(sr_anomaly));
    p->reply.data = g_byte_array_sized_new(256);
    p->reply.enhanced_line = -1;
    sr_line_framer_init(&p->framer, p->config.line_cap, on_line, p);
}

void
sr_parser_reset(sr_parser *p)
{
    sr_parser kept = *p;

    *p = (sr_parser){ 0 };
    p->config = kept.config;
    p->func = kept.func;
    p->user_data = kept.user_data;
    p->reply.lines = kept.reply.lines;
    p->reply.anomalies = kept.reply.anomalies;
    p->reply.data = kept.reply.data;
    g_array_set_size(p->reply.lines, 0);
    g_array_set_size(p->reply.anomalies, 0);
    g_byte_array_set_size(p->reply.data, 0);
    p->reply.enhanced_line = -1;
    p->framer = kept.framer;
    sr_line_framer_reset(&p->framer);
}

void
sr_parser_clear(sr_parser *p)
{
    sr_line_framer_clear(&p->framer);
    if (p->reply.lines)
        g_array_free(p->reply.lines, TRUE);
    if (p->reply.anomalies)
        g_array_free(p->reply.anomalies, TRUE);
    if (p->reply.data)
        g_byte_array_free(p->reply.data, TRUE);
    p->reply.lines = p->reply.anomalies = NULL;
    p->reply.data = NULL;
}

sr_parser *
sr_parser_new(const sr_config *cfg, sr_reply_func func, gpointer user_data)
{
    sr_parser *p = g_new(sr_parser, 1);

    sr_parser_init(p, cfg, func, user_data);
    return p;
}

void
sr_parser_free(sr_parser *p)
{
    if (!p)
        return;
    sr_parser_clear(p);
    g_free(p);
}

void
sr_parser_feed(sr_parser *p, const guint8 *data, gsize len)
{
    p->stats.bytes += len;
    sr_line_framer_feed(&p->framer, data, len);
}

void
sr_parser_mark_gap(sr_parser *p, guint64 missing)
{
    p->stats.gap_bytes += missing;
    p->cut_by_gap = missing;
    sr_line_framer_flush(&p->framer);
    if (p->open)
        emit(p, FALSE);
    /* Nothing was cut: the gap is reported on the next reply. */
    p->pending_gap += p->cut_by_gap;
    p->cut_by_gap = 0;
    p->resync = TRUE;
}

void
sr_parser_gap(sr_parser *p, guint64 missing)
{
    sr_parser_mark_gap(p, missing);
    sr_line_framer_skip(&p->framer, missing);
}

void
sr_parser_resync(sr_parser *p)
{
    /* What was being read will not go on: hand it over unfinished. */
    sr_line_framer_flush(&p->framer);
    if (p->open)
        emit(p, FALSE);
    p->resync = TRUE;
}

void
sr_parser_finish(sr_parser *p)
{
    sr_line_framer_flush(&p->framer);
    if (p->open)
        emit(p, FALSE);
}

void
sr_parser_interrupt(sr_parser *p)
{
    p->interrupting = TRUE;
    sr_line_framer_flush(&p->framer);
    if (p->open)
        emit(p, FALSE);
    p->interrupting = FALSE;
}

const sr_parser_stats *
sr_parser_get_stats(const sr_parser *p)
{
    return &p->stats;
}

guint64
sr_parser_pending_offset(const sr_parser *p)
{
    return p->open ? p->reply.offset : p->framer.line_start;
}

const sr_reply_line *
sr_reply_line_get(const sr_reply *reply, guint i)
{
    return i < reply->lines->len ? &g_array_index(reply->lines, sr_reply_line, i) : NULL;
}

/*
 * LINE's kept bytes from START on.  Until a parser has kept a byte its data
 * array has no storage (data is NULL), and NULL + 0 is undefined behaviour in
 * C, so an empty line is given a static empty string instead.
 */
static const guint8 *
kept_bytes(const sr_reply *reply, const sr_reply_line *line, gsize start, gsize *len)
{
    *len = line->stored - start;
    if (*len == 0)
        return (const guint8 *)"";
    return reply->data->data + line->data_offset + start;
}

const guint8 *
sr_reply_line_data(const sr_reply *reply, guint i, gsize *len)
{
    const sr_reply_line *line = sr_reply_line_get(reply, i);

    if (!line) {
        *len = 0;
        return NULL;
    }
    return kept_bytes(reply, line, 0, len);
}

const guint8 *
sr_reply_line_text(const sr_reply *reply, guint i, gsize *len)
{
    const sr_reply_line *line = sr_reply_line_get(reply, i);
    gsize start;

    if (!line) {
        *len = 0;
        return NULL;
    }
    start = MIN(line->text_start, line->stored);
    return kept_bytes(reply, line, start, len);
}

const sr_enhanced *
sr_reply_enhanced(const sr_reply *reply)
{
    if (reply->enhanced_line < 0)
        return NULL;
    return &g_array_index(reply->lines, sr_reply_line, reply->enhanced_line).enhanced;
}

gboolean
sr_reply_has_code(const sr_reply *reply)
{
    return reply->lines->len > 0 && g_array_index(reply->lines, sr_reply_line, 0).valid;
}

gboolean
sr_reply_was_cut(const sr_reply *reply)
{
    const sr_reply_line *last = reply->lines->len
        ? &g_array_index(reply->lines, sr_reply_line, reply->lines->len - 1) : NULL;

    if (reply->complete)
        return FALSE;
    /* A gap inside the final line ("250 SIZE 10" then the gap): the line
     * said it was the last, so no rest can follow, and the next reply with
     * the same code answers a command of its own. */
    if (last && last->valid && last->separator == ' ')
        return FALSE;
    for (guint i = 0; i < reply->anomalies->len; i++) {
        const sr_anomaly *a = &g_array_index(reply->anomalies, sr_anomaly, i);

        if ((a->kind == SR_ANOM_GAP && a->offset == reply->end) || a->kind == SR_ANOM_REPLY_TOO_LONG)
            return TRUE;
    }
    return FALSE;
}

gboolean
sr_reply_has_anomaly(const sr_reply *reply, sr_anomaly_kind kind)
{
    for (guint i = 0; i < reply->anomalies->len; i++) {
        if (g_array_index(reply->anomalies, sr_anomaly, i).kind == kind)
            return TRUE;
    }
    return FALSE;
}
