/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sr_escape.h"

#include "sr_textbuf.h"

static gboolean
continuation(guint8 b)
{
    return (b & 0xc0) == 0x80;
}

gsize
sr_utf8_length(const guint8 *data, gsize len)
{
    guint8 b0, lo = 0x80, hi = 0xbf;
    gsize need;

    if (len == 0)
        return 0;
    b0 = data[0];
    if (b0 < 0x80)
        return 1;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        need = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        need = 3;
        /* No overlong forms, no UTF-16 surrogates. */
        if (b0 == 0xe0)
            lo = 0xa0;
        else if (b0 == 0xed)
            hi = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        need = 4;
        /* No overlong forms, nothing past U+10FFFF. */
        if (b0 == 0xf0)
            lo = 0x90;
        else if (b0 == 0xf4)
            hi = 0x8f;
    } else {
        return 0;
    }
    if (len < need || data[1] < lo || data[1] > hi)
        return 0;
    for (gsize i = 2; i < need; i++) {
        if (!continuation(data[i]))
            return 0;
    }
    return need;
}

/* U+0080 to U+009F: terminals act on some of them (0x9B starts a CSI). */
static gboolean
is_c1(const guint8 *seq, gsize n)
{
    return n == 2 && seq[0] == 0xc2 && seq[1] < 0xa0;
}

/* Shows one byte that stands alone: ASCII, or a byte that is not UTF-8. */
typedef void (*byte_escaper)(GString *out, guint8 b);
/* Shows a two-byte C1 control. */
typedef void (*c1_escaper)(GString *out, const guint8 *seq);

/* The bytes that appear as they are, copied a run at a time: printable
 * ASCII but the backslash, and for JSON the quote (bit 2) too. */
enum { PLAIN_TEXT = 1, PLAIN_JSON = 2 };
#define P_ (PLAIN_TEXT | PLAIN_JSON)
#define ROW_NONE  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
#define ROW_PLAIN P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_
static const guint8 plain_bytes[256] = {
    ROW_NONE, ROW_NONE,                                                   /* controls */
    P_, P_, PLAIN_TEXT, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, /* 0x20: '"' */
    ROW_PLAIN, ROW_PLAIN,
    P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, 0, P_, P_, P_,       /* 0x50: '\\' */
    ROW_PLAIN,
    P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, 0,       /* 0x70: DEL */
    ROW_NONE, ROW_NONE, ROW_NONE, ROW_NONE, ROW_NONE, ROW_NONE, ROW_NONE, ROW_NONE,
};
#undef ROW_PLAIN
#undef ROW_NONE
#undef P_

static void
escape_with(GString *out, const guint8 *data, gsize len, guint8 plain,
            byte_escaper byte, c1_escaper c1)
{
    gsize i = 0;

    while (i < len) {
        gsize run = i, n;

        while (run < len && (plain_bytes[data[run]] & plain))
            run++;
        if (run > i) {
            textbuf_append(out, data + i, run - i);
            i = run;
            continue;
        }
        n = sr_utf8_length(data + i, len - i);

        if (n <= 1)
            byte(out, data[i]);
        else if (is_c1(data + i, n))
            c1(out, data + i);
        else
            g_string_append_len(out, (const char *)data + i, (gssize)n);
        i += MAX(n, 1);
    }
}

static void
text_byte(GString *out, guint8 b)
{
    switch (b) {
    case '\r': g_string_append(out, "\\r"); break;
    case '\n': g_string_append(out, "\\n"); break;
    case '\t': g_string_append(out, "\\t"); break;
    case '\\': g_string_append(out, "\\\\"); break;
    default:
        if (b < 0x20 || b >= 0x7f)
            g_string_append_printf(out, "\\x%02x", b);
        else
            g_string_append_c(out, (char)b);
    }
}

static void
text_c1(GString *out, const guint8 *seq)
{
    g_string_append_printf(out, "\\x%02x\\x%02x", seq[0], seq[1]);
}

void
sr_escape_text(GString *out, const guint8 *data, gsize len)
{
    escape_with(out, data, len, PLAIN_TEXT, text_byte, text_c1);
}

static void
json_byte(GString *out, guint8 b)
{
    switch (b) {
    case '"': g_string_append(out, "\\\""); break;
    case '\\': g_string_append(out, "\\\\"); break;
    case '\b': g_string_append(out, "\\b"); break;
    case '\f': g_string_append(out, "\\f"); break;
    case '\n': g_string_append(out, "\\n"); break;
    case '\r': g_string_append(out, "\\r"); break;
    case '\t': g_string_append(out, "\\t"); break;
    default:
        /* Controls, DEL, and bytes that are not UTF-8 (read as Latin-1). */
        if (b < 0x20 || b >= 0x7f)
            g_string_append_printf(out, "\\u%04x", b);
        else
            g_string_append_c(out, (char)b);
    }
}

/* As the code point it is: U+0080 to U+009F. */
static void
json_c1(GString *out, const guint8 *seq)
{
    g_string_append_printf(out, "\\u%04x", seq[1]);
}

void
sr_escape_json(GString *out, const guint8 *data, gsize len)
{
    escape_with(out, data, len, PLAIN_JSON, json_byte, json_c1);
}
