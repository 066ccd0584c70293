/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the reply parser.  The input is a schedule followed by the
 * server's byte stream:
 *
 *   byte 0          its low 4 bits: how many schedule bytes follow
 *                   (none: the whole stream is fed in one call)
 *   schedule bytes  used in turn, round and round, until the stream runs out
 *   the rest        the stream
 *
 * Each schedule byte B cuts the next chunk of the stream, (B & 0x1f) + 1
 * bytes long, or the whole rest when B & 0x1f is 0x1f, and B >> 5 says what
 * becomes of it:
 *
 *   0-4  it is fed
 *   5    sr_parser_resync(), then it is fed
 *   6    it is lost: sr_parser_gap() with its length instead of a feed
 *   7    sr_parser_gap(0), then it is fed
 *
 * A lost chunk keeps its place, so a stream offset is always an index into
 * the stream bytes and every line handed over can be checked against them.
 *
 * The caps are tiny so that short inputs reach every one of them.  Each input
 * is decoded four times: as scheduled, with the feeds between two gaps or
 * resyncs joined into one call, one byte per call, and as scheduled without a
 * reply callback.  The first three must hand over the same replies: where TCP
 * happens to cut the stream must never change what the decoder reports.
 */
#include <string.h>

#include "fuzz-entry.h"
#include "sr_decoder.h"

#define LINE_LIMIT 80
#define LINE_CAP   64
#define MAX_LINES  8
#define MAX_BYTES  256

typedef enum {
    EV_FEED,    /* bytes start..start+len are fed */
    EV_RESYNC,  /* sr_parser_resync() */
    EV_GAP,     /* bytes start..start+len are lost */
} event_kind;

typedef struct {
    event_kind kind;
    gsize      start;
    gsize      len;
} event;

typedef enum {
    RUN_SCHEDULED,  /* one call per scheduled chunk */
    RUN_MERGED,     /* adjacent chunks fed in one call */
    RUN_BYTEWISE,   /* one call per byte */
} run_mode;

typedef struct {
    const guint8 *stream;
    gsize         stream_len;
    guint64       fed_end;     /* stream offset reached when the current call returns */
    guint64       prev_end;    /* end of the last reply handed over */
    guint64       line_bytes;  /* stream bytes in the lines of those replies */
    GString      *out;         /* every reply rendered, compared between runs */
} run_state;

static GArray *
read_schedule(const guint8 *data, gsize size, const guint8 **stream, gsize *stream_len)
{
    GArray *events = g_array_new(FALSE, FALSE, sizeof(event));
    gsize nops = size ? MIN((gsize)(data[0] & 0x0f), size - 1) : 0;
    const guint8 *ops = size ? data + 1 : data;
    gsize pos = 0, k = 0;

    *stream = ops + nops;
    *stream_len = size ? size - 1 - nops : 0;
    while (pos < *stream_len) {
        event ev = { EV_FEED, pos, *stream_len - pos };

        if (nops) {
            guint8 b = ops[k++ % nops];
            event extra = { EV_GAP, pos, 0 };

            if ((b & 0x1f) != 0x1f)
                ev.len = MIN((gsize)(b & 0x1f) + 1, ev.len);
            switch (b >> 5) {
            case 5:
                extra.kind = EV_RESYNC;
                g_array_append_val(events, extra);
                break;
            case 6:
                ev.kind = EV_GAP;
                break;
            case 7:
                g_array_append_val(events, extra);
                break;
            default:
                break;
            }
        }
        g_array_append_val(events, ev);
        pos += ev.len;
    }
    return events;
}

static guint
count_anomalies(const sr_reply *r, sr_anomaly_kind kind, gint line, guint64 *offset)
{
    guint n = 0;

    for (guint i = 0; i < r->anomalies->len; i++) {
        const sr_anomaly *a = &g_array_index(r->anomalies, sr_anomaly, i);

        if (a->kind != kind || (line >= 0 && a->line != (guint)line))
            continue;
        if (n++ == 0 && offset)
            *offset = a->offset;
    }
    return n;
}

/* The anomaly is reported once at OFFSET for line I when EXPECTED, else never. */
static void
check_line_anomaly(const sr_reply *r, sr_anomaly_kind kind, guint i, gboolean expected,
                   guint64 offset)
{
    guint64 at = 0;
    guint n = count_anomalies(r, kind, (gint)i, &at);

    CHECK(n == (expected ? 1u : 0u));
    CHECK(!expected || at == offset);
}

/*
 * Checks line I against the stream bytes it came from.  What the line must
 * be is worked out here from those bytes alone, without the framer.
 */
static void
check_line(const run_state *st, const sr_reply *r, guint i, gsize *packed)
{
    const sr_reply_line *l = sr_reply_line_get(r, i);
    const guint8 *s, *data;
    gsize cl, len;
    gboolean valid, loose, has[SR_LINE_FLAG_COUNT] = { FALSE };
    guint64 first[SR_LINE_FLAG_COUNT] = { 0 };

    CHECK(l != NULL);
    CHECK(l->length >= 1);
    CHECK(l->offset + l->length <= st->fed_end);
    CHECK(l->offset + l->length <= st->stream_len);
    s = st->stream + l->offset;
    cl = l->content_length;
    switch (l->term) {
    case SR_TERM_CRLF:
        CHECK(l->length == cl + 2 && s[cl] == '\r' && s[cl + 1] == '\n');
        break;
    case SR_TERM_LF:
        CHECK(l->length == cl + 1 && s[cl] == '\n' && (cl == 0 || s[cl - 1] != '\r'));
        break;
    case SR_TERM_NONE:
        CHECK(l->length == cl);
        break;
    default:
        CHECK(!"unknown terminator");
    }
    CHECK(memchr(s, '\n', cl) == NULL);

    CHECK(l->stored <= cl);
    CHECK(l->stored == MIN(cl, (gsize)LINE_CAP));
    CHECK(l->data_offset == *packed);
    *packed += l->stored;
    CHECK(*packed <= r->data->len);
    data = sr_reply_line_data(r, i, &len);
    CHECK(len == l->stored);
    CHECK(len == 0 || memcmp(data, s, len) == 0);

    /* Three digits start a reply line; then SP, "-" or the end follow the
     * grammar, anything else is loose: a final line, malformed-line. */
    valid = cl >= 3 && g_ascii_isdigit(s[0]) && g_ascii_isdigit(s[1]) && g_ascii_isdigit(s[2]);
    loose = valid && cl > 3 && s[3] != ' ' && s[3] != '-';
    CHECK(l->valid == valid);
    CHECK(l->loose == loose);
    if (valid) {
        CHECK(l->code == (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0'));
        CHECK(l->separator == (cl == 3 || loose ? '\0' : (char)s[3]));
        CHECK(l->text_start == (loose ? 3 : MIN(cl, 4)));
    } else {
        CHECK(l->text_start == 0);
    }

    for (gsize k = 0; k < cl; k++) {
        guint8 c = s[k];
        sr_line_flag f;

        if (c == 0)
            f = SR_LINE_NUL;
        else if (c >= 0x80)
            f = SR_LINE_8BIT;
        else if (c == '\r')
            f = SR_LINE_BARE_CR;
        else if (c < 0x20 ? c != '\t' : c == 0x7f)
            f = SR_LINE_CONTROL;
        else
            continue;
        if (!has[f]) {
            has[f] = TRUE;
            first[f] = l->offset + k;
        }
    }
    check_line_anomaly(r, SR_ANOM_NUL_BYTE, i, has[SR_LINE_NUL], first[SR_LINE_NUL]);
    check_line_anomaly(r, SR_ANOM_8BIT_BYTE, i, has[SR_LINE_8BIT], first[SR_LINE_8BIT]);
    check_line_anomaly(r, SR_ANOM_BARE_CR, i, has[SR_LINE_BARE_CR], first[SR_LINE_BARE_CR]);
    check_line_anomaly(r, SR_ANOM_CONTROL_BYTE, i, has[SR_LINE_CONTROL],
                       first[SR_LINE_CONTROL]);
    check_line_anomaly(r, SR_ANOM_BARE_LF, i, l->term == SR_TERM_LF, l->offset + cl);
    check_line_anomaly(r, SR_ANOM_UNTERMINATED_LINE, i, l->term == SR_TERM_NONE,
                       l->offset + l->length);
    check_line_anomaly(r, SR_ANOM_LINE_TOO_LONG, i, cl + 2 > LINE_LIMIT, l->offset);
    check_line_anomaly(r, SR_ANOM_LINE_OVER_CAP, i, l->stored < cl, l->offset + l->stored);
    check_line_anomaly(r, SR_ANOM_MALFORMED_LINE, i, !valid || loose, l->offset);

    if (l->enhanced.status != SR_ENH_NONE) {
        CHECK(valid);
        CHECK(l->text_start <= l->stored);
        CHECK(l->enhanced.offset + l->enhanced.length <= l->stored - l->text_start);
    }
    if (l->enhanced.status == SR_ENH_VALID) {
        CHECK(l->enhanced.klass == 2 || l->enhanced.klass == 4 || l->enhanced.klass == 5);
        CHECK(l->enhanced.subject <= 999 && l->enhanced.detail <= 999);
    }
    check_line_anomaly(r, SR_ANOM_ENH_MALFORMED, i, l->enhanced.status == SR_ENH_MALFORMED,
                       l->offset + l->text_start + l->enhanced.offset);
}

static void
render(GString *out, const sr_reply *r)
{
    g_string_append_printf(out, "reply %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT
                           " code=%u complete=%d enhanced_line=%d\n",
                           r->offset, r->end, r->code, r->complete, r->enhanced_line);
    for (guint i = 0; i < r->lines->len; i++) {
        const sr_reply_line *l = sr_reply_line_get(r, i);
        const sr_enhanced *e = &l->enhanced;
        gsize len;
        const guint8 *data = sr_reply_line_data(r, i, &len);

        g_string_append_printf(out, "  line %" G_GUINT64_FORMAT "+%" G_GSIZE_FORMAT
                               " content=%" G_GSIZE_FORMAT " stored=%" G_GSIZE_FORMAT
                               " at=%" G_GSIZE_FORMAT " text=%" G_GSIZE_FORMAT
                               " term=%d valid=%d code=%u sep=%d"
                               " enh=%d:%u.%u.%u@%" G_GSIZE_FORMAT "+%" G_GSIZE_FORMAT " ",
                               l->offset, l->length, l->content_length, l->stored,
                               l->data_offset, l->text_start, l->term, l->valid, l->code,
                               l->separator, e->status, e->klass, e->subject, e->detail,
                               e->offset, e->length);
        for (gsize k = 0; k < len; k++)
            g_string_append_printf(out, "%02x", data[k]);
        g_string_append_c(out, '\n');
    }
    for (guint i = 0; i < r->anomalies->len; i++) {
        const sr_anomaly *a = &g_array_index(r->anomalies, sr_anomaly, i);

        g_string_append_printf(out, "  anomaly %s@%" G_GUINT64_FORMAT "+%" G_GSIZE_FORMAT
                               " line=%u count=%" G_GUINT64_FORMAT "\n",
                               sr_anomaly_name(a->kind), a->offset, a->length, a->line,
                               a->count);
    }
}

static void
on_reply(const sr_reply *r, gpointer user_data)
{
    run_state *st = user_data;
    const sr_reply_line *first, *last;
    gsize packed = 0;
    gint enhanced_line = -1;
    gboolean lone_malformed;

    CHECK(r->lines->len >= 1 && r->lines->len <= MAX_LINES);
    first = sr_reply_line_get(r, 0);
    last = sr_reply_line_get(r, r->lines->len - 1);
    /* Replies come in stream order and never share a byte. */
    CHECK(r->offset >= st->prev_end);
    CHECK(r->offset == first->offset);
    CHECK(r->end == last->offset + last->length);
    CHECK(r->end <= st->fed_end);
    /* A malformed line never starts a multiline reply. */
    CHECK(first->valid || r->lines->len == 1);

    for (guint i = 0; i < r->lines->len; i++) {
        const sr_reply_line *l = sr_reply_line_get(r, i);
        gboolean mismatch = i > 0 && l->valid && first->valid && l->code != first->code;

        if (i > 0) {
            const sr_reply_line *prev = sr_reply_line_get(r, i - 1);

            CHECK(l->offset >= prev->offset + prev->length);
        }
        /* Only the last line may end a reply. */
        if (i + 1 < r->lines->len)
            CHECK(l->term != SR_TERM_NONE && (l->valid ? l->separator == '-' : i > 0));
        check_line(st, r, i, &packed);
        st->line_bytes += l->length;
        if (enhanced_line < 0 && l->enhanced.status == SR_ENH_VALID)
            enhanced_line = (gint)i;
        CHECK(count_anomalies(r, SR_ANOM_CODE_MISMATCH, (gint)i, NULL) == (mismatch ? 1u : 0u));
    }
    CHECK(packed == r->data->len);
    CHECK(r->enhanced_line == enhanced_line);
    CHECK(sr_reply_enhanced(r) == (enhanced_line < 0 ? NULL
                                   : &sr_reply_line_get(r, (guint)enhanced_line)->enhanced));
    /* sr_reply.h: the first line's code, 0 when that line is malformed. */
    CHECK(r->code == (first->valid ? first->code : 0));
    CHECK(r->complete == (last->valid && last->separator != '-' && last->term != SR_TERM_NONE));
    lone_malformed = r->lines->len == 1 && !first->valid;
    CHECK(count_anomalies(r, SR_ANOM_INCOMPLETE_REPLY, -1, NULL)
          == (!r->complete && !lone_malformed ? 1u : 0u));
    if (count_anomalies(r, SR_ANOM_REPLY_TOO_LONG, -1, NULL))
        CHECK(r->lines->len == MAX_LINES || r->data->len >= MAX_BYTES);

    for (guint i = 0; i < r->anomalies->len; i++) {
        const sr_anomaly *a = &g_array_index(r->anomalies, sr_anomaly, i);

        CHECK(a->kind < SR_ANOM_COUNT);
        CHECK(a->line < r->lines->len);
        if (a->kind == SR_ANOM_RESYNC) {
            /* The bytes skipped before the reply. */
            CHECK(a->count > 0 && a->count == a->length);
            CHECK(a->offset + a->count <= r->offset);
        } else {
            CHECK(a->offset >= r->offset && a->offset + a->length <= r->end);
        }
        if (a->kind == SR_ANOM_GAP)
            CHECK(a->count > 0);
    }

    /* The reason: for 4yz and 5yz only, whatever the command, with its
     * source; the same however the bytes were fed (it joins the render). */
    for (guint k = 0; k <= SR_CMD_COUNT; k += SR_CMD_COUNT / 4 + 1) {
        sr_reason_result why = sr_reason_find(r, (sr_command_kind)MIN(k, SR_CMD_COUNT));
        guint klass = r->code / 100;

        CHECK((guint)why.reason < SR_REASON_COUNT);
        CHECK((why.reason != SR_REASON_NONE) == (klass == 4 || klass == 5));
        CHECK(why.reason == SR_REASON_NONE || why.source != NULL);
        CHECK(why.reason != SR_REASON_NONE || why.provider == NULL);
        CHECK(why.provider == NULL || why.provider[0] != '\0');
    }

    st->prev_end = r->end;
    render(st->out, r);
    {
        sr_reason_result why = sr_reason_find(r, SR_CMD_COUNT);

        g_string_append_printf(st->out, "  reason %s %s\n",
                               why.reason ? sr_reason_name(why.reason) : "-",
                               why.provider ? why.provider : "-");
    }
}

static void
feed(sr_parser *p, run_state *st, gsize start, gsize len, run_mode mode)
{
    if (mode == RUN_BYTEWISE) {
        for (gsize k = 0; k < len; k++) {
            st->fed_end = start + k + 1;
            sr_parser_feed(p, st->stream + start + k, 1);
        }
    } else {
        st->fed_end = start + len;
        sr_parser_feed(p, st->stream + start, len);
    }
}

/* Everything before the pending offset was handed over; nothing after the
 * bytes fed so far can be pending. */
static void
check_pending(const sr_parser *p, const run_state *st, gboolean with_func)
{
    guint64 pending = sr_parser_pending_offset(p);

    CHECK(pending <= st->fed_end);
    if (with_func)
        CHECK(pending >= st->prev_end);
}

/*
 * Decodes the stream as EVENTS say in MODE.  OUT (with a callback) receives
 * every reply and the counters; PENDING, when given, the pending offset after
 * each event.
 */
static void
run(const GArray *events, const guint8 *stream, gsize stream_len, run_mode mode,
    gboolean with_func, GString *out, GString *pending)
{
    sr_config cfg = {
        .line_limit = LINE_LIMIT,
        .line_cap = LINE_CAP,
        .max_lines = MAX_LINES,
        .max_bytes = MAX_BYTES,
    };
    run_state st = { .stream = stream, .stream_len = stream_len, .out = out };
    sr_parser *p;
    guint64 lost = 0, replies;

    p = sr_parser_new(&cfg, with_func ? on_reply : NULL, &st);
    for (guint i = 0; i < events->len; i++) {
        const event *ev = &g_array_index(events, event, i);
        gsize len = ev->len;

        switch (ev->kind) {
        case EV_RESYNC:
            sr_parser_resync(p);
            break;
        case EV_GAP:
            st.fed_end = ev->start + ev->len;
            sr_parser_gap(p, ev->len);
            lost += ev->len;
            break;
        case EV_FEED:
            while (mode == RUN_MERGED && i + 1 < events->len
                   && g_array_index(events, event, i + 1).kind == EV_FEED)
                len += g_array_index(events, event, ++i).len;
            feed(p, &st, ev->start, len, mode);
            break;
        }
        check_pending(p, &st, with_func);
        if (pending)
            g_string_append_printf(pending, "%" G_GUINT64_FORMAT " ",
                                   sr_parser_pending_offset(p));
    }
    CHECK(st.fed_end == stream_len);
    sr_parser_finish(p);
    /* Finishing again hands over nothing more. */
    replies = sr_parser_get_stats(p)->replies;
    sr_parser_finish(p);
    CHECK(sr_parser_get_stats(p)->replies == replies);
    CHECK(sr_parser_pending_offset(p) == stream_len);

    CHECK(sr_parser_get_stats(p)->bytes + lost == stream_len);
    CHECK(sr_parser_get_stats(p)->gap_bytes == lost);
    /* Every byte is in a reply's lines, skipped while resynchronising, or lost. */
    if (with_func)
        CHECK(st.line_bytes + sr_parser_get_stats(p)->skipped_bytes + lost == stream_len);
    if (out)
        g_string_append_printf(out, "stats bytes=%" G_GUINT64_FORMAT " lines=%" G_GUINT64_FORMAT
                               " replies=%" G_GUINT64_FORMAT " gap=%" G_GUINT64_FORMAT
                               " skipped=%" G_GUINT64_FORMAT "\n",
                               sr_parser_get_stats(p)->bytes, sr_parser_get_stats(p)->lines, sr_parser_get_stats(p)->replies,
                               sr_parser_get_stats(p)->gap_bytes, sr_parser_get_stats(p)->skipped_bytes);
    sr_parser_free(p);
}

static void
check_same(const char *what, const GString *expected, const GString *got)
{
    if (g_string_equal(expected, got))
        return;
    fprintf(stderr, "fuzz-reply: %s differs from the scheduled run\n--- scheduled\n%s"
            "--- %s\n%s", what, expected->str, what, got->str);
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const guint8 *stream;
    gsize stream_len;
    GArray *events = read_schedule(data, size, &stream, &stream_len);
    GString *scheduled = g_string_new(NULL), *merged = g_string_new(NULL);
    GString *bytewise = g_string_new(NULL), *counters = g_string_new(NULL);
    GString *pending = g_string_new(NULL), *pending_no_func = g_string_new(NULL);
    const char *counted;

    run(events, stream, stream_len, RUN_SCHEDULED, TRUE, scheduled, pending);
    run(events, stream, stream_len, RUN_MERGED, TRUE, merged, NULL);
    run(events, stream, stream_len, RUN_BYTEWISE, TRUE, bytewise, NULL);
    run(events, stream, stream_len, RUN_SCHEDULED, FALSE, counters, pending_no_func);
    check_same("all at once", scheduled, merged);
    check_same("one byte at a time", scheduled, bytewise);
    /* Without a callback the parser still finds the same reply ends. */
    check_same("pending offsets without a callback", pending, pending_no_func);
    counted = g_strrstr(scheduled->str, "stats ");
    CHECK(counted && strcmp(counted, counters->str) == 0);

    g_string_free(pending_no_func, TRUE);
    g_string_free(pending, TRUE);
    g_string_free(counters, TRUE);
    g_string_free(bytewise, TRUE);
    g_string_free(merged, TRUE);
    g_string_free(scheduled, TRUE);
    g_array_free(events, TRUE);
    return 0;
}
