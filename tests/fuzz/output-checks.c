/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "output-checks.h"

#include <string.h>

#include "fuzz-entry.h"

/* Nesting deeper than the tool ever writes is an error too. */
#define JSON_MAX_DEPTH 8

void
check_text_output(const char *text, gsize len)
{
    const char *end = text + len;

    CHECK(g_utf8_validate_len(text, len, NULL));
    for (const char *p = text; p < end; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);

        CHECK(c == '\n' || !g_unichar_iscntrl(c));
    }
}

typedef struct {
    const char *p, *end;
} json_cursor;

static gboolean json_value(json_cursor *j, guint depth);

static gboolean
json_literal(json_cursor *j, const char *word)
{
    gsize n = strlen(word);

    if ((gsize)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
        return FALSE;
    j->p += n;
    return TRUE;
}

static gboolean
json_digits(json_cursor *j)
{
    const char *start = j->p;

    while (j->p < j->end && g_ascii_isdigit(*j->p))
        j->p++;
    return j->p > start;
}

/* RFC 8259 section 6. */
static gboolean
json_number(json_cursor *j)
{
    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p < j->end && *j->p == '0')
        j->p++;
    else if (!json_digits(j))
        return FALSE;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (!json_digits(j))
            return FALSE;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (!json_digits(j))
            return FALSE;
    }
    return TRUE;
}

/* RFC 8259 section 7: no raw control character, known escapes only. */
static gboolean
json_string(json_cursor *j)
{
    if (j->p >= j->end || *j->p != '"')
        return FALSE;
    for (j->p++; j->p < j->end; j->p++) {
        guint8 c = (guint8)*j->p;

        if (c == '"') {
            j->p++;
            return TRUE;
        }
        if (c < 0x20)
            return FALSE;
        if (c != '\\')
            continue;
        if (++j->p >= j->end)
            return FALSE;
        if (*j->p == 'u') {
            for (int i = 0; i < 4; i++)
                if (++j->p >= j->end || !g_ascii_isxdigit(*j->p))
                    return FALSE;
        } else if (!strchr("\"\\/bfnrt", *j->p)) {
            return FALSE;
        }
    }
    return FALSE;
}

/* The members of an object (CLOSE '}') or the elements of an array (']'),
 * the opening bracket already passed. */
static gboolean
json_members(json_cursor *j, char close, guint depth)
{
    if (j->p < j->end && *j->p == close) {
        j->p++;
        return TRUE;
    }
    for (;;) {
        if (close == '}' && !(json_string(j) && json_literal(j, ":")))
            return FALSE;
        if (!json_value(j, depth + 1))
            return FALSE;
        if (j->p >= j->end)
            return FALSE;
        if (*j->p++ == close)
            return TRUE;
        if (j->p[-1] != ',')
            return FALSE;
    }
}

/* One value, no white space around it: the tool writes none. */
static gboolean
json_value(json_cursor *j, guint depth)
{
    if (j->p >= j->end || depth > JSON_MAX_DEPTH)
        return FALSE;
    switch (*j->p) {
    case '{':
        j->p++;
        return json_members(j, '}', depth);
    case '[':
        j->p++;
        return json_members(j, ']', depth);
    case '"':
        return json_string(j);
    case 't':
        return json_literal(j, "true");
    case 'f':
        return json_literal(j, "false");
    case 'n':
        return json_literal(j, "null");
    default:
        return json_number(j);
    }
}

guint
check_json_lines(const char *text, gsize len)
{
    const char *p = text, *end = text + len;
    guint lines = 0;

    CHECK(g_utf8_validate_len(text, len, NULL));
    while (p < end) {
        const char *nl = memchr(p, '\n', (gsize)(end - p));
        json_cursor j = { p, nl ? nl : end };

        CHECK(nl != NULL);   /* every line ends */
        CHECK(*p == '{');
        CHECK(json_value(&j, 0) && j.p == nl);
        lines++;
        p = nl + 1;
    }
    return lines;
}
