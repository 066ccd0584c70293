/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMTP replies (RFC 5321 4.2) rebuilt from the server-to-client byte stream:
 * lines are grouped into multiline replies, each code's digits and enhanced
 * status code are checked, and every irregularity is recorded as an anomaly.
 */
#ifndef SR_REPLY_H
#define SR_REPLY_H

#include <glib.h>

#include "sr_anomaly.h"
#include "sr_enhanced.h"
#include "sr_line.h"

#define SR_LINE_LIMIT         512          /* RFC 5321 4.5.3.1.5, CRLF included */
#define SR_DEFAULT_LINE_CAP   (64 * 1024)
#define SR_MIN_LINE_CAP       64
#define SR_DEFAULT_MAX_LINES  1000
#define SR_DEFAULT_MAX_BYTES  (1024 * 1024)
/* What one session keeps of commands and recipients, in bytes (sr_session.h). */
#define SR_DEFAULT_MAX_SESSION_BYTES (8u * 1024 * 1024)

/* Memory that sessions share (the tool's overall budget): what each keeps
 * of commands awaiting replies and of its transaction's recipients. */
typedef struct {
    gsize used;
    gsize max;
} sr_memory_pool;

typedef struct {
    gsize line_limit;   /* longer lines are flagged line-too-long */
    gsize line_cap;     /* bytes kept per line; the rest is skipped */
    guint max_lines;    /* a reply is cut after this many lines */
    gsize max_bytes;    /* ... or once it holds this many bytes */
    /* sr_session: commands awaiting replies and the open transaction's
     * recipients, at most, per session (0: the default), and in POOL, if
     * given, for all the sessions that share it. */
    gsize max_session_bytes;
    sr_memory_pool *pool;
} sr_config;

typedef struct {
    guint64       offset;          /* stream offset of the line */
    gsize         length;          /* bytes in the stream, terminator included */
    gsize         content_length;  /* bytes before the terminator */
    gsize         stored;          /* content bytes kept (see sr_reply_line_data) */
    gsize         data_offset;     /* where they are in the reply's data */
    gsize         text_start;      /* where the text starts in the content */
    sr_line_term  term;
    gboolean      valid;           /* starts with a reply code: its three digits */
    guint16       code;            /* when valid */
    char          separator;       /* '-', ' ', or '\0' for a bare code */
    /* Three digits, then neither SP, "-" nor the line end ("2500 text"):
     * against the grammar (malformed-line), but clients read the digits as
     * the code and the line as the last (Python's smtplib, Postfix's smtp
     * client), so it is valid, final, with separator '\0' and the text
     * starting after the digits. */
    gboolean      loose;
    sr_enhanced   enhanced;        /* offset is relative to text_start */
} sr_reply_line;

typedef struct {
    guint64  offset;     /* stream offset of the first line */
    guint64  end;        /* stream offset just past the last line */
    guint16  code;       /* first line's code; 0 when that line is malformed */
    gboolean complete;   /* ended by a final line ("250 ", "250") */
    gboolean interrupted; /* the run stopped while it was being read
                           * (sr_parser_interrupt): not judged, no anomalies */
    GArray  *lines;      /* sr_reply_line */
    GArray  *anomalies;  /* sr_anomaly, in the order found */
    GByteArray *data;    /* the kept bytes of every line */
    gint     enhanced_line; /* first line with a valid enhanced code, or -1 */
} sr_reply;

/* Receives each reply; it is valid during the call only. */
typedef void (*sr_reply_func)(const sr_reply *reply, gpointer user_data);

typedef struct {
    guint64 bytes;          /* fed, gaps excluded */
    guint64 lines;
    guint64 replies;
    guint64 gap_bytes;
    guint64 skipped_bytes;  /* discarded while resynchronising */
} sr_parser_stats;

/* A reply reader: bytes in, replies out.  Its state is the decoder's own. */
typedef struct sr_parser sr_parser;

void sr_config_init(sr_config *cfg);

/* CFG may be NULL for the defaults; FUNC may be NULL to only find where
 * replies end (see sr_parser_pending_offset). */
sr_parser *sr_parser_new(const sr_config *cfg, sr_reply_func func, gpointer user_data);
void sr_parser_free(sr_parser *p);
/* As after sr_parser_new() with the same arguments; its memory is kept. */
void sr_parser_reset(sr_parser *p);
void sr_parser_feed(sr_parser *p, const guint8 *data, gsize len);
/* MISSING bytes were lost: the open reply is handed over incomplete and the
 * parser resynchronises at the next reply line. */
void sr_parser_gap(sr_parser *p, guint64 missing);
/* The same, for a caller whose offsets count only the bytes it feeds (the
 * plugin's are offsets into one buffer): offsets do not move on by MISSING. */
void sr_parser_mark_gap(sr_parser *p, guint64 missing);
/* The next bytes may start mid-line (a capture that starts mid-session);
 * a reply being read is handed over incomplete. */
void sr_parser_resync(sr_parser *p);
/* End of stream: an open reply is handed over incomplete. */
void sr_parser_finish(sr_parser *p);
/* The reader stopped (Ctrl-C), not the stream: an open reply, or a line
 * begun, is handed over marked interrupted, with no anomalies, since what
 * is missing was never read rather than never sent. */
void sr_parser_interrupt(sr_parser *p);
/* Stream offset where the unfinished reply or line starts: everything before
 * it has been handed over. */
guint64 sr_parser_pending_offset(const sr_parser *p);
/* What the parser has read so far: bytes, lines, replies handed over. */
const sr_parser_stats *sr_parser_get_stats(const sr_parser *p);

const sr_reply_line *sr_reply_line_get(const sr_reply *reply, guint i);
/* The kept content bytes of line I (possibly fewer than content_length).
 * Not NULL for a line that exists, even an empty one. */
const guint8 *sr_reply_line_data(const sr_reply *reply, guint i, gsize *len);
/* The kept text of line I: what follows the code and separator. */
const guint8 *sr_reply_line_text(const sr_reply *reply, guint i, gsize *len);
/* The reply's enhanced status code, or NULL. */
const sr_enhanced *sr_reply_enhanced(const sr_reply *reply);
gboolean sr_reply_has_anomaly(const sr_reply *reply, sr_anomaly_kind kind);
/* Whether reply->code is real: its first line starts with a code (a
 * malformed first line stands alone, so no later line can give one). */
gboolean sr_reply_has_code(const sr_reply *reply);
/* Whether the reply is the first part of one whose rest may follow: cut by
 * a gap (not merely after one: then the gap is at its start, nor inside
 * its final line: then nothing follows), or at the line or byte cap. */
gboolean sr_reply_was_cut(const sr_reply *reply);

#endif /* SR_REPLY_H */
