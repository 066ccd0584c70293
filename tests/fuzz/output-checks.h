/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the capture tool's output must be whatever the packets held: shared
 * by the fuzz targets that drive the tool. */
#ifndef OUTPUT_CHECKS_H
#define OUTPUT_CHECKS_H

#include <glib.h>

/* Text output (colour off): valid UTF-8 with no control character but the
 * line feed: no C0 byte, DEL or C1 control reaches a terminal. */
void check_text_output(const char *text, gsize len);

/* JSON lines: each line one JSON object, the whole valid UTF-8 with no raw
 * control byte but the line feeds between objects.  Returns the lines. */
guint check_json_lines(const char *text, gsize len);

#ifdef OUTPUT_CHECKS_TOOL
#include <stdio.h>

#include "run.h"

/* The tool's reply path with both renderers: JSON lines through the
 * output module as the tool writes them, text beside it. */
typedef struct {
    run_state st;
    GString  *text;
    FILE     *json_stream;
    char     *json;
    size_t    json_len;
    guint64   tls_records;   /* TLS handshakes handed over (one line each) */
} checked_run;

void checked_run_init(checked_run *r);
/* The flow table's reply callback; USER_DATA is the checked_run. */
void checked_run_reply(const reply_event *ev, gpointer user_data);
/* The flow table's TLS callback (flow_table_on_tls). */
void checked_run_tls(const tls_event *ev, gpointer user_data);
/* After flow_table_finish(): the output and the counts checked, the
 * summary rendered and checked; r->json then holds the replies' lines. */
void checked_run_end(checked_run *r, flow_table *flows);
void checked_run_clear(checked_run *r);
#endif

#endif /* OUTPUT_CHECKS_H */
