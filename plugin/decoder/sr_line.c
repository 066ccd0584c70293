/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sr_line.h"

#include <string.h>

void
sr_line_framer_init(sr_line_framer *f, gsize cap, sr_line_func func, gpointer user_data)
{
    *f = (sr_line_framer){ 0 };
    f->cap = cap;
    f->buf = g_byte_array_sized_new(128);   /* most lines, without a reallocation */
    f->func = func;
    f->user_data = user_data;
}

void
sr_line_framer_reset(sr_line_framer *f)
{
    sr_line_framer kept = *f;

    *f = (sr_line_framer){ 0 };
    f->cap = kept.cap;
    f->buf = kept.buf;
    f->func = kept.func;
    f->user_data = kept.user_data;
    g_byte_array_set_size(f->buf, 0);
}

void
sr_line_framer_clear(sr_line_framer *f)
{
    if (f->buf)
        g_byte_array_free(f->buf, TRUE);
    f->buf = NULL;
}

static void
note_flag(sr_line_framer *f, sr_line_flag flag, guint64 offset)
{
    if (!(f->flags & (1u << flag))) {
        f->flags |= 1u << flag;
        f->flag_offset[flag] = offset;
    }
}

/* What a byte is to the framer: ordinary (0), a line end, or one that
 * flags its line.  One look-up per byte finds both. */
enum {
    BYTE_FLAGGED = 1,   /* NUL, 8-bit or a control byte: see append() */
    BYTE_CR = 2,
    BYTE_LF = 4,
};

#define F_ BYTE_FLAGGED
#define ROW_FLAGGED F_, F_, F_, F_, F_, F_, F_, F_, F_, F_, F_, F_, F_, F_, F_, F_
#define ROW_PLAIN   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
static const guint8 byte_class[256] = {
    /* 0x00: controls but TAB, with LF and CR */
    F_, F_, F_, F_, F_, F_, F_, F_, F_, 0, BYTE_LF, F_, F_, BYTE_CR, F_, F_,
    ROW_FLAGGED,                                                    /* 0x10 */
    ROW_PLAIN, ROW_PLAIN, ROW_PLAIN, ROW_PLAIN, ROW_PLAIN,          /* 0x20-0x6f */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, F_,                /* 0x70: DEL */
    ROW_FLAGGED, ROW_FLAGGED, ROW_FLAGGED, ROW_FLAGGED,             /* 0x80-0xff */
    ROW_FLAGGED, ROW_FLAGGED, ROW_FLAGGED, ROW_FLAGGED,
};
#undef ROW_PLAIN
#undef ROW_FLAGGED
#undef F_

/* Adds N content bytes that start at stream offset AT; FLAGGED: some of
 * them are NUL, 8-bit or control bytes. */
static void
append(sr_line_framer *f, const guint8 *data, gsize n, guint64 at, gboolean flagged)
{
    for (gsize i = 0; flagged && i < n; i++) {
        guint8 c = data[i];

        if (c == 0)
            note_flag(f, SR_LINE_NUL, at + i);
        else if (c >= 0x80)
            note_flag(f, SR_LINE_8BIT, at + i);
        else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
            note_flag(f, SR_LINE_CONTROL, at + i);
    }
    if (f->buf->len < f->cap) {
        gsize room = f->cap - f->buf->len;

        g_byte_array_append(f->buf, data, (guint)MIN(room, n));
    }
    f->content_length += n;
}

static void
append_bare_cr(sr_line_framer *f, guint64 at)
{
    static const guint8 cr = '\r';

    note_flag(f, SR_LINE_BARE_CR, at);
    append(f, &cr, 1, at, FALSE);
}

static void
emit(sr_line_framer *f, sr_line_term term)
{
    sr_raw_line line = {
        .offset = f->line_start,
        .length = (gsize)(f->offset - f->line_start),
        .content_length = f->content_length,
        .data = f->buf->data,
        .stored = f->buf->len,
        .term = term,
        .flags = f->flags,
    };

    memcpy(line.flag_offset, f->flag_offset, sizeof line.flag_offset);
    f->func(&line, f->user_data);
    g_byte_array_set_size(f->buf, 0);
    f->content_length = 0;
    f->flags = 0;
    f->line_start = f->offset;
}

gsize
sr_line_framer_feed_line(sr_line_framer *f, const guint8 *data, gsize len)
{
    gsize pos = 0;

    if (len == 0)
        return 0;
    if (f->pending_cr) {
        f->pending_cr = FALSE;
        if (data[0] == '\n') {
            f->offset++;
            emit(f, SR_TERM_CRLF);
            return 1;
        }
        append_bare_cr(f, f->offset - 1);
    }

    for (;;) {
        gsize i;
        guint seen = 0;

        for (i = pos; i < len; i++) {
            guint k = byte_class[data[i]];

            if (k & (BYTE_CR | BYTE_LF))
                break;
            seen |= k;
        }
        append(f, data + pos, i - pos, f->offset, seen != 0);
        f->offset += i - pos;
        pos = i;
        if (pos == len)
            return len;

        f->offset++;
        if (data[pos++] == '\n') {
            emit(f, SR_TERM_LF);
            return pos;
        }
        if (pos == len) {
            f->pending_cr = TRUE;
            return len;
        }
        if (data[pos] == '\n') {
            f->offset++;
            emit(f, SR_TERM_CRLF);
            return pos + 1;
        }
        append_bare_cr(f, f->offset - 1);
    }
}

void
sr_line_framer_feed(sr_line_framer *f, const guint8 *data, gsize len)
{
    while (len > 0) {
        gsize used = sr_line_framer_feed_line(f, data, len);

        data += used;
        len -= used;
    }
}

gboolean
sr_line_framer_in_line(const sr_line_framer *f)
{
    return f->offset > f->line_start;
}

gboolean
sr_line_framer_flush(sr_line_framer *f)
{
    if (!sr_line_framer_in_line(f))
        return FALSE;
    if (f->pending_cr) {
        f->pending_cr = FALSE;
        append_bare_cr(f, f->offset - 1);
    }
    emit(f, SR_TERM_NONE);
    return TRUE;
}

void
sr_line_framer_discard(sr_line_framer *f)
{
    g_byte_array_set_size(f->buf, 0);
    f->content_length = 0;
    f->flags = 0;
    f->pending_cr = FALSE;
    f->line_start = f->offset;
}

void
sr_line_framer_skip(sr_line_framer *f, guint64 missing)
{
    sr_line_framer_flush(f);
    f->offset += missing;
    f->line_start = f->offset;
}
