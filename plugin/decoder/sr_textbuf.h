/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Appending to a GString on an output's hot path (the escaping here, and
 * the capture tool's writers).  g_string_append_len()
 * is a call into the general insertion code; with several dozen appends per
 * reply that was the largest single cost of writing one.  This copies
 * straight in and lets GLib grow the string only when it must.
 */
#ifndef SR_TEXTBUF_H
#define SR_TEXTBUF_H

#include <string.h>

#include <glib.h>

static inline void
textbuf_append(GString *out, const void *data, gsize n)
{
    if (G_UNLIKELY(out->len + n >= out->allocated_len)) {
        gsize len = out->len;

        g_string_set_size(out, len + n);   /* grows the allocation */
        out->len = len;
    }
    memcpy(out->str + out->len, data, n);
    out->len += n;
    out->str[out->len] = '\0';
}

/* A string literal: its length is known when compiled. */
#define TEXTBUF_LITERAL(out, literal) \
    textbuf_append((out), "" literal, sizeof(literal) - 1)

static inline void
textbuf_append_str(GString *out, const char *s)
{
    textbuf_append(out, s, strlen(s));
}

#endif /* SR_TEXTBUF_H */
