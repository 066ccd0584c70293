/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "output.h"

#include <errno.h>

#include "redact.h"

struct output {
    output_format format;
    FILE         *stream;
    output_style  style;
    gboolean      flush;
    GString      *buf;
    GString      *scratch; /* --redact: one record, before it joins buf; else NULL */
    int           error;   /* errno of the first failed write; then nothing more is written */
};

output *
output_new(output_format format, FILE *stream, const output_style *style, gboolean flush)
{
    output *o = g_new0(output, 1);

    o->format = format;
    o->stream = stream;
    if (style)
        o->style = *style;
    o->style.colour = o->style.colour && format != OUTPUT_JSON;
    o->flush = flush;
    o->buf = g_string_new(NULL);
    return o;
}

/* Reading a file, replies are handed to stdio in batches of this much. */
#define OUTPUT_BATCH (64 * 1024)

void
output_flush(output *o)
{
    /* A reader that went away (EPIPE: SIGPIPE is ignored) or a full disk:
     * what is not written is dropped, so memory does not grow with it. */
    if (!o->error) {
        errno = 0;
        if ((o->buf->len && fwrite(o->buf->str, 1, o->buf->len, o->stream) < o->buf->len)
                || fflush(o->stream) != 0)
            o->error = errno ? errno : EIO;
    }
    g_string_truncate(o->buf, 0);
}

int
output_error(const output *o)
{
    return o->error;
}

void
output_set_time_base(output *o, gint64 time_us)
{
    o->style.time_base_us = time_us;
}

void
output_set_redact(output *o, gboolean redact)
{
    if (redact && !o->scratch)
        o->scratch = g_string_new(NULL);
}

/* Where a record is rendered: straight into the buffer, or, to be
 * redacted, into the scratch string (see end_record). */
static GString *
record_buffer(output *o)
{
    if (!o->scratch)
        return o->buf;
    g_string_truncate(o->scratch, 0);
    return o->scratch;
}

/* Our own words hold no "@": every address in a record is wire text. */
static void
end_record(output *o)
{
    if (o->scratch)
        redact_text(o->buf, (const guint8 *)o->scratch->str, o->scratch->len);
}

static void
write_out(output *o)
{
    /* Live, a program reading JSON lines from a pipe sees each reply as it
     * is decoded; from a file, what counts is how fast it all comes. */
    if (o->flush || o->buf->len >= OUTPUT_BATCH)
        output_flush(o);
}

void
output_reply(output *o, const reply_event *ev)
{
    if (o->format == OUTPUT_JSON)
        output_json_reply(record_buffer(o), ev, &o->style);
    else if (o->format == OUTPUT_LINE)
        output_line_reply(record_buffer(o), ev, &o->style);
    else
        output_text_reply(record_buffer(o), ev, &o->style);
    end_record(o);
    write_out(o);
}

void
output_transaction(output *o, const transaction_event *ev)
{
    if (o->format == OUTPUT_JSON)
        output_json_transaction(record_buffer(o), ev, &o->style);
    else
        output_text_transaction(record_buffer(o), ev, &o->style);
    end_record(o);
    write_out(o);
}

void
output_tls(output *o, const tls_event *ev)
{
    if (o->format == OUTPUT_JSON)
        output_json_tls(record_buffer(o), ev, &o->style);
    else if (o->format == OUTPUT_LINE)
        output_line_tls(record_buffer(o), ev, &o->style);
    else
        output_text_tls(record_buffer(o), ev, &o->style);
    end_record(o);
    write_out(o);
}

void
output_summary(output *o, const summary *s)
{
    if (o->format == OUTPUT_JSON)
        output_json_summary(o->buf, s);
    else
        output_text_summary(o->buf, s, o->style.colour);
    output_flush(o);
}

void
output_free(output *o)
{
    if (!o)
        return;
    output_flush(o);
    g_string_free(o->buf, TRUE);
    if (o->scratch)
        g_string_free(o->scratch, TRUE);
    g_free(o);
}
