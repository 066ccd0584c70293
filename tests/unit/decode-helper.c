/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "decode-helper.h"

#include <string.h>

void
render_reply(GString *out, const sr_reply *reply)
{
    g_string_append_printf(out, "%03u %c", reply->code, reply->complete ? 'C' : 'I');
    for (guint i = 0; i < reply->lines->len; i++) {
        const sr_reply_line *line = sr_reply_line_get(reply, i);
        gsize len;
        const guint8 *text = sr_reply_line_text(reply, i, &len);
        gchar *raw = g_strndup(len ? (const char *)text : "", len);
        gchar *esc = g_strescape(raw, NULL);

        g_string_append_printf(out, " @%" G_GUINT64_FORMAT "+%" G_GSIZE_FORMAT " \"%s\"",
                               line->offset, line->length, esc);
        g_free(esc);
        g_free(raw);
    }
    g_string_append(out, " {");
    for (guint i = 0; i < reply->anomalies->len; i++) {
        const sr_anomaly *a = &g_array_index(reply->anomalies, sr_anomaly, i);

        g_string_append_printf(out, "%s%s@%" G_GUINT64_FORMAT, i ? "," : "",
                               sr_anomaly_name(a->kind), a->offset);
        if (a->count)
            g_string_append_printf(out, "#%" G_GUINT64_FORMAT, a->count);
    }
    g_string_append(out, "}\n");
}

void
collect_reply(const sr_reply *reply, gpointer user_data)
{
    render_reply(user_data, reply);
}

gchar *
decode_chunked(const sr_config *cfg, const char *input, gsize len, gsize chunk)
{
    GString *out = g_string_new(NULL);
    sr_parser *p;

    p = sr_parser_new(cfg, collect_reply, out);
    if (chunk == 0)
        chunk = MAX(len, 1);
    for (gsize off = 0; off < len; off += chunk)
        sr_parser_feed(p, (const guint8 *)input + off, MIN(chunk, len - off));
    sr_parser_finish(p);
    sr_parser_free(p);
    return g_string_free(out, FALSE);
}

gchar *
decode_split(const sr_config *cfg, const char *input, gsize len, gsize split)
{
    GString *out = g_string_new(NULL);
    sr_parser *p;

    p = sr_parser_new(cfg, collect_reply, out);
    sr_parser_feed(p, (const guint8 *)input, split);
    sr_parser_feed(p, (const guint8 *)input + split, len - split);
    sr_parser_finish(p);
    sr_parser_free(p);
    return g_string_free(out, FALSE);
}

gchar *
decode_string(const char *input)
{
    return decode_chunked(NULL, input, strlen(input), 0);
}

void
assert_split_invariant(const char *input, gsize len)
{
    gchar *whole = decode_chunked(NULL, input, len, 0);
    gchar *bytewise = decode_chunked(NULL, input, len, 1);

    g_assert_cmpstr(bytewise, ==, whole);
    for (gsize split = 0; split <= len; split++) {
        gchar *two = decode_split(NULL, input, len, split);

        if (g_strcmp0(two, whole) != 0)
            g_test_message("split at %" G_GSIZE_FORMAT " differs", split);
        g_assert_cmpstr(two, ==, whole);
        g_free(two);
    }
    g_free(bytewise);
    g_free(whole);
}

void
render_capabilities(GString *out, const sr_capabilities *caps)
{
    if (!caps)
        return;
    for (guint i = 0; i < caps->list->len; i++) {
        const sr_capability *c = &g_array_index(caps->list, sr_capability, i);

        g_string_append_printf(out, " [%s:%s|%s]", sr_capability_kind_name(c->kind), c->keyword,
                               c->params);
    }
    if (caps->has_size)
        g_string_append_printf(out, " size=%" G_GUINT64_FORMAT, caps->size);
}
