/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "redact.h"

#include <string.h>

/* RFC 5322 atext and the dot: what a local part is made of.  A quoted
 * local part ("a b"@x) is rare enough to be left as it is. */
static gboolean
local_char(guint8 ch)
{
    return g_ascii_isalnum(ch) || (ch && strchr(".!#$%&'*+-/=?^_`{|}~", ch));
}

/* A domain starts with a letter or digit, or is an address literal. */
static gboolean
domain_start(guint8 ch)
{
    return g_ascii_isalnum(ch) || ch == '[';
}

void
redact_text(GString *out, const guint8 *text, gsize len)
{
    gsize done = 0;

    for (gsize at = 0; at < len; at++) {
        gsize start = at;
        gchar *sum;

        if (text[at] != '@' || at + 1 >= len || !domain_start(text[at + 1]))
            continue;
        while (start > done && local_char(text[start - 1]))
            start--;
        while (start < at && text[start] == '.')
            start++;
        if (start == at)
            continue;
        g_string_append_len(out, (const char *)text + done, (gssize)(start - done));
        sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, text + start, at - start);
        g_string_append_c(out, 'u');
        g_string_append_len(out, sum, 8);
        g_free(sum);
        done = at;
    }
    g_string_append_len(out, (const char *)text + done, (gssize)(len - done));
}
