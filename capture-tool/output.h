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
    OUTPUT_TEXT,
    OUTPUT_JSON,
} output_format;

typedef struct output output;

/* FLUSH: write each reply through at once (live capture into a pipe). */
output *output_new(output_format format, FILE *stream, gboolean colour, gboolean flush);
/* --redact: each address's local part hashed in what is written (redact.h). */
void output_set_redact(output *o, gboolean redact);
/* Text: every anomaly, not only the violations (JSON always has all). */
void output_set_all_anomalies(output *o, gboolean all);
void output_reply(output *o, const reply_event *ev);
void output_transaction(output *o, const transaction_event *ev);
void output_summary(output *o, const summary *s);
/* Writes out the replies held back (see output.c) and flushes the stream. */
void output_flush(output *o);
/* The errno of the first write to the stream that failed (EPIPE: the
 * reader went away), else 0.  After it nothing more is written. */
int output_error(const output *o);
void output_free(output *o);

void output_text_reply(GString *out, const reply_event *ev, gboolean colour,
                       gboolean all_anomalies);
void output_text_summary(GString *out, const summary *s, gboolean colour);
void output_json_reply(GString *out, const reply_event *ev);
void output_text_transaction(GString *out, const transaction_event *ev, gboolean colour);
void output_json_transaction(GString *out, const transaction_event *ev);
void output_json_summary(GString *out, const summary *s);

#endif /* OUTPUT_H */
