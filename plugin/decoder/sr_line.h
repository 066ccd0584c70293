/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Line framing: turns a byte stream fed in chunks of any size into lines,
 * keeping at most a capped prefix of each line so memory never grows with
 * the input.
 */
#ifndef SR_LINE_H
#define SR_LINE_H

#include <glib.h>

typedef enum {
    SR_TERM_CRLF,  /* CR LF, as RFC 5321 requires */
    SR_TERM_LF,    /* a bare LF */
    SR_TERM_NONE,  /* the stream ended or broke first */
} sr_line_term;

/* Irregular content found in a line, one bit each. */
typedef enum {
    SR_LINE_BARE_CR,
    SR_LINE_NUL,
    SR_LINE_8BIT,
    SR_LINE_CONTROL,
    SR_LINE_FLAG_COUNT
} sr_line_flag;

typedef struct {
    guint64       offset;          /* stream offset of the first byte */
    gsize         length;          /* bytes in the stream, terminator included */
    gsize         content_length;  /* bytes before the terminator */
    const guint8 *data;            /* the first `stored` content bytes */
    gsize         stored;          /* < content_length when over the cap */
    sr_line_term  term;
    guint         flags;           /* 1 << sr_line_flag */
    guint64       flag_offset[SR_LINE_FLAG_COUNT]; /* first occurrence of each */
} sr_raw_line;

/* Receives each line; LINE and its data are valid during the call only. */
typedef void (*sr_line_func)(const sr_raw_line *line, gpointer user_data);

typedef struct {
    gsize         cap;             /* content bytes kept per line */
    GByteArray   *buf;
    guint64       offset;          /* stream offset of the next byte fed */
    guint64       line_start;
    gsize         content_length;
    gboolean      pending_cr;      /* last byte fed was a CR: LF may follow */
    guint         flags;
    guint64       flag_offset[SR_LINE_FLAG_COUNT];
    sr_line_func  func;
    gpointer      user_data;
} sr_line_framer;

void sr_line_framer_init(sr_line_framer *f, gsize cap, sr_line_func func, gpointer user_data);
void sr_line_framer_clear(sr_line_framer *f);
/* As after sr_line_framer_init(), with its buffer kept for reuse. */
void sr_line_framer_reset(sr_line_framer *f);
void sr_line_framer_feed(sr_line_framer *f, const guint8 *data, gsize len);
/* Like sr_line_framer_feed but stops after the first line it ends, so the
 * caller can change how it reads what follows; returns the bytes used. */
gsize sr_line_framer_feed_line(sr_line_framer *f, const guint8 *data, gsize len);
/* Hands over a partial line as SR_TERM_NONE; FALSE if there was none. */
gboolean sr_line_framer_flush(sr_line_framer *f);
/* Skips MISSING bytes of stream (a gap): the next byte fed starts a line. */
void sr_line_framer_skip(sr_line_framer *f, guint64 missing);
/* Drops the unfinished line, if any, without handing it over. */
void sr_line_framer_discard(sr_line_framer *f);
/* TRUE while bytes of an unfinished line are held. */
gboolean sr_line_framer_in_line(const sr_line_framer *f);

#endif /* SR_LINE_H */
