/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for sr_enhanced_parse(): the whole input is the text after a
 * reply code.  Besides staying inside the bytes it is given, the parser must
 * describe a token that is really there, and judge it by that token alone.
 */
#include <string.h>

#include "fuzz-entry.h"
#include "sr_enhanced.h"

static gboolean
is_blank(guint8 c)
{
    return c == ' ' || c == '\t';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sr_enhanced e, again;
    guint dots = 0;

    sr_enhanced_parse(data, size, &e);
    if (e.status == SR_ENH_NONE) {
        /* Only text that cannot start a code ("5.") is passed over. */
        CHECK(size < 2 || !g_ascii_isdigit(data[0]) || data[1] != '.');
        CHECK(e.length == 0);
        return 0;
    }
    CHECK(e.status == SR_ENH_VALID || e.status == SR_ENH_MALFORMED);
    CHECK(size >= 2 && g_ascii_isdigit(data[0]) && data[1] == '.');
    /* The token runs from the start to the first blank or the end. */
    CHECK(e.offset == 0 && e.length >= 2 && e.length <= size);
    CHECK(e.length == size || is_blank(data[e.length]));
    for (gsize i = 0; i < e.length; i++) {
        CHECK(!is_blank(data[i]));
        dots += data[i] == '.';
    }

    /* The verdict depends on the token only, not on the text after it. */
    sr_enhanced_parse(data, e.length, &again);
    CHECK(again.status == e.status && sr_enhanced_equal(&e, &again));
    CHECK(again.offset == e.offset && again.length == e.length);

    if (e.status == SR_ENH_VALID) {
        char buf[16];
        const sr_enhanced_info *info = sr_enhanced_lookup(e.subject, e.detail);

        CHECK(e.klass == 2 || e.klass == 4 || e.klass == 5);
        CHECK(e.subject <= 999 && e.detail <= 999);
        CHECK(dots == 2 && e.length >= 5 && e.length <= 11);
        for (gsize i = 0; i < e.length; i++)
            CHECK(data[i] == '.' || g_ascii_isdigit(data[i]));
        CHECK(sr_enhanced_class_name(e.klass) != NULL);
        CHECK(!info || (info->subject == e.subject && info->detail == e.detail));
        /* Formatting and parsing again gives the same code. */
        sr_enhanced_format(&e, buf, sizeof buf);
        sr_enhanced_parse((const guint8 *)buf, strlen(buf), &again);
        CHECK(again.status == SR_ENH_VALID && sr_enhanced_equal(&e, &again));
    }
    return 0;
}
