/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Wire bytes shown to people (text) and to programs (JSON). */
#include <string.h>

#include "sr_escape.h"

static void
check_text(const char *in, gsize len, const char *expected)
{
    GString *out = g_string_new(NULL);

    sr_escape_text(out, (const guint8 *)in, len);
    g_assert_cmpstr(out->str, ==, expected);
    g_assert_true(g_utf8_validate(out->str, (gssize)out->len, NULL));
    g_string_free(out, TRUE);
}

static void
check_json(const char *in, gsize len, const char *expected)
{
    GString *out = g_string_new(NULL);

    sr_escape_json(out, (const guint8 *)in, len);
    g_assert_cmpstr(out->str, ==, expected);
    g_assert_true(g_utf8_validate(out->str, (gssize)out->len, NULL));
    g_string_free(out, TRUE);
}

#define TEXT(in, expected) check_text(in, sizeof(in) - 1, expected)
#define JSON(in, expected) check_json(in, sizeof(in) - 1, expected)

static void
test_utf8_length(void)
{
    static const struct {
        const char *bytes;
        gsize len;
        gsize expected;
    } cases[] = {
        { "A", 1, 1 },
        { "\xc3\xa9", 2, 2 },           /* é */
        { "\xe2\x82\xac", 3, 3 },       /* € */
        { "\xf0\x9f\x98\x80", 4, 4 },   /* U+1F600 */
        { "\xc3", 1, 0 },               /* cut short */
        { "\xc0\xaf", 2, 0 },           /* overlong "/" */
        { "\xe0\x80\xaf", 3, 0 },       /* overlong */
        { "\xed\xa0\x80", 3, 0 },       /* a UTF-16 surrogate */
        { "\xf4\x90\x80\x80", 4, 0 },   /* past U+10FFFF */
        { "\xf5\x80\x80\x80", 4, 0 },
        { "\x80", 1, 0 },               /* a lone continuation byte */
        { "\xe2\x28\xa1", 3, 0 },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
        g_assert_cmpuint(sr_utf8_length((const guint8 *)cases[i].bytes, cases[i].len), ==,
                         cases[i].expected);
    g_assert_cmpuint(sr_utf8_length(NULL, 0), ==, 0);
}

static void
test_text(void)
{
    TEXT("250 OK", "250 OK");
    TEXT("a\rb\nc\td", "a\\rb\\nc\\td");
    TEXT("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
    TEXT("nul\0x", "nul\\x00x");
    TEXT("del\x7f", "del\\x7f");
    TEXT("back\\slash", "back\\\\slash");
    TEXT("caf\xc3\xa9", "caf\xc3\xa9");          /* valid UTF-8 kept */
    TEXT("caf\xe9", "caf\\xe9");                  /* Latin-1: not UTF-8 */
    TEXT("\xc2\x9b" "2J", "\\xc2\\x9b2J");        /* C1 CSI: a terminal would act on it */
    TEXT("\xe2\x82", "\\xe2\\x82");               /* a sequence cut short */
    TEXT("", "");
}

static void
test_json(void)
{
    JSON("250 OK", "250 OK");
    JSON("q\"b\\s", "q\\\"b\\\\s");
    JSON("\b\f\n\r\t", "\\b\\f\\n\\r\\t");
    JSON("\x1b\x01\x1f\x7f", "\\u001b\\u0001\\u001f\\u007f");
    JSON("nul\0x", "nul\\u0000x");
    JSON("caf\xc3\xa9", "caf\xc3\xa9");
    JSON("caf\xe9", "caf\\u00e9");                /* the byte as Latin-1 */
    JSON("\xff\xfe", "\\u00ff\\u00fe");
    JSON("\xc2\x85", "\\u0085");                  /* C1 NEL: one code point */
    JSON("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
    JSON("/", "/");
}

/* Every single byte, alone: the output is valid UTF-8 and never raw control. */
static void
test_every_byte(void)
{
    for (guint b = 0; b < 256; b++) {
        guint8 byte = (guint8)b;
        GString *text = g_string_new(NULL), *json = g_string_new(NULL);

        sr_escape_text(text, &byte, 1);
        sr_escape_json(json, &byte, 1);
        g_assert_true(g_utf8_validate(text->str, (gssize)text->len, NULL));
        g_assert_true(g_utf8_validate(json->str, (gssize)json->len, NULL));
        for (gsize i = 0; i < text->len; i++)
            g_assert_true((guint8)text->str[i] >= 0x20 && (guint8)text->str[i] != 0x7f);
        for (gsize i = 0; i < json->len; i++)
            g_assert_true((guint8)json->str[i] >= 0x20 && (guint8)json->str[i] != 0x7f);
        if (b >= 0x20 && b < 0x7f && b != '\\' && b != '"')
            g_assert_cmpuint(json->len, ==, 1);
        else
            g_assert_cmpuint(json->len, >, 1);
        g_string_free(text, TRUE);
        g_string_free(json, TRUE);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/escape/utf8-length", test_utf8_length);
    g_test_add_func("/escape/text", test_text);
    g_test_add_func("/escape/json", test_json);
    g_test_add_func("/escape/every-byte", test_every_byte);
    return g_test_run();
}
