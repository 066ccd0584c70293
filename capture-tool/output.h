/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where replies and the summary go: one small interface, a renderer behind
 * it for people (text) and one for programs (JSON lines).  The renderers
 * format into a GString so tests can call them without a stream.
 */
#ifndef OUTPUT_H
#define OUTPUT_H

#include <stdio.h>

#include <glib.h>

#include "flows.h"
#include "summary.h"

typedef enum {
    OUTPUT_TEXT,         /* --format=block: a block of lines per reply */
    OUTPUT_LINE,         /* --format=line: one line per reply */
    OUTPUT_JSON,
} output_format;

/* How text and lines show a time; JSON always has UTC. */
typedef enum {
    OUTPUT_TIME_UTC,
    OUTPUT_TIME_LOCAL,
    OUTPUT_TIME_RELATIVE,   /* seconds since the first packet */
} output_time;

/* What the renderers need beyond the record. */
typedef struct {
    gboolean    colour;         /* text and lines only */
    gboolean    all_anomalies;  /* text and lines: not only the violations */
    output_time time;
    gint64      time_base_us;   /* OUTPUT_TIME_RELATIVE: the first packet's time */
    /* Several files read as one: their names, by frame_file() of a frame
     * id; NULL when there is one, and no record names its file. */
    const char *const *files;
} output_style;

typedef struct output output;

/* FLUSH: write each reply through at once (-l, live capture).  STYLE is
 * copied. */
output *output_new(output_format format, FILE *stream, const output_style *style,
                   gboolean flush);
/* --redact: each address's local part hashed in what is written (redact.h). */
void output_set_redact(output *o, gboolean redact);
/* The first packet's time, for relative times. */
void output_set_time_base(output *o, gint64 time_us);
void output_reply(output *o, const reply_event *ev);
void output_transaction(output *o, const transaction_event *ev);
void output_summary(output *o, const summary *s);
/* Writes out the replies held back (see output.c) and flushes the stream. */
void output_flush(output *o);
/* The errno of the first write to the stream that failed (EPIPE: the
 * reader went away), else 0.  After it nothing more is written. */
int output_error(const output *o);
void output_free(output *o);

void output_text_reply(GString *out, const reply_event *ev, const output_style *style);
void output_line_reply(GString *out, const reply_event *ev, const output_style *style);
void output_text_summary(GString *out, const summary *s, gboolean colour);
void output_json_reply(GString *out, const reply_event *ev, const output_style *style);
void output_text_transaction(GString *out, const transaction_event *ev,
                             const output_style *style);
void output_json_transaction(GString *out, const transaction_event *ev,
                             const output_style *style);
/* A TLS handshake: a record of its own (JSON: the object with
 * "handshake"), a block, or a line. */
void output_tls(output *o, const tls_event *ev);
void output_json_tls(GString *out, const tls_event *ev, const output_style *style);
void output_text_tls(GString *out, const tls_event *ev, const output_style *style);
void output_line_tls(GString *out, const tls_event *ev, const output_style *style);
/* Text and lines: TIME_US as STYLE asks. */
void output_append_time(GString *out, gint64 time_us, const output_style *style);
void output_json_summary(GString *out, const summary *s);

#endif /* OUTPUT_H */
