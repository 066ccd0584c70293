/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Line framing: terminators, odd bytes, the cap, chunking. */
#include <string.h>

#include "sr_decoder.h"

static void
render_line(const sr_raw_line *line, gpointer user_data)
{
    static const char *const terms[] = { "CRLF", "LF", "NONE" };
    GString *out = user_data;
    gchar *raw = g_strndup(line->stored ? (const char *)line->data : "", line->stored);
    gchar *esc = g_strescape(raw, NULL);

    g_string_append_printf(out, "%" G_GUINT64_FORMAT "+%" G_GSIZE_FORMAT " %s \"%s\" %x;",
                           line->offset, line->length, terms[line->term], esc, line->flags);
    g_free(esc);
    g_free(raw);
}

static gchar *
frame(const char *in, gsize len, gsize chunk, gsize cap)
{
    GString *out = g_string_new(NULL);
    sr_line_framer f;

    sr_line_framer_init(&f, cap, render_line, out);
    for (gsize off = 0; off < len; off += chunk)
        sr_line_framer_feed(&f, (const guint8 *)in + off, MIN(chunk, len - off));
    sr_line_framer_flush(&f);
    sr_line_framer_clear(&f);
    return g_string_free(out, FALSE);
}

static void
check_all_chunkings(const char *in, const char *expected)
{
    gsize len = strlen(in);

    for (gsize chunk = 1; chunk <= len; chunk++) {
        gchar *got = frame(in, len, chunk, 1024);

        g_assert_cmpstr(got, ==, expected);
        g_free(got);
    }
}

static void
test_terminators(void)
{
    check_all_chunkings("a\r\nb\nc", "0+3 CRLF \"a\" 0;3+2 LF \"b\" 0;5+1 NONE \"c\" 0;");
    check_all_chunkings("\r\n\r\n", "0+2 CRLF \"\" 0;2+2 CRLF \"\" 0;");
}

static void
test_bare_cr(void)
{
    /* Flag bit 0 is SR_LINE_BARE_CR. */
    check_all_chunkings("a\rb\r\n", "0+5 CRLF \"a\\rb\" 1;");
    check_all_chunkings("a\r", "0+2 NONE \"a\\r\" 1;");
}

static void
test_flags(void)
{
    static const char in[] = "\x01x\xff\0\r\n";
    GString *out = g_string_new(NULL);
    sr_line_framer f;

    (void)out;
    sr_line_framer_init(&f, 1024, render_line, out);
    sr_line_framer_feed(&f, (const guint8 *)in, sizeof in - 1);
    /* NUL (bit 1), 8-bit (bit 2), control (bit 3). */
    g_assert_cmpstr(out->str, ==, "0+6 CRLF \"\\001x\\377\" e;");
    sr_line_framer_clear(&f);
    g_string_free(out, TRUE);
}

static void
test_cap(void)
{
    gchar *got = frame("abcdefghij\r\nxy\r\n", 16, 3, 4);

    g_assert_cmpstr(got, ==, "0+12 CRLF \"abcd\" 0;12+4 CRLF \"xy\" 0;");
    g_free(got);
}

static void
test_skip(void)
{
    GString *out = g_string_new(NULL);
    sr_line_framer f;

    sr_line_framer_init(&f, 1024, render_line, out);
    sr_line_framer_feed(&f, (const guint8 *)"ab", 2);
    g_assert_true(sr_line_framer_in_line(&f));
    sr_line_framer_skip(&f, 10);
    g_assert_false(sr_line_framer_in_line(&f));
    sr_line_framer_feed(&f, (const guint8 *)"c\r\n", 3);
    g_assert_cmpstr(out->str, ==, "0+2 NONE \"ab\" 0;12+3 CRLF \"c\" 0;");
    sr_line_framer_clear(&f);
    g_string_free(out, TRUE);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lines/terminators", test_terminators);
    g_test_add_func("/lines/bare-cr", test_bare_cr);
    g_test_add_func("/lines/flags", test_flags);
    g_test_add_func("/lines/cap", test_cap);
    g_test_add_func("/lines/skip", test_skip);
    return g_test_run();
}
