/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "decimal.h"

#include <string.h>

#include "sr_textbuf.h"

/* "00" to "99": two digits per division. */
static const char pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

void
decimal_append_padded(GString *out, guint64 n, guint width)
{
    /* Written from the end of TEXT towards its start. */
    char text[20];
    char *p = text + sizeof text;

    while (n >= 100) {
        guint r = (guint)(n % 100);

        n /= 100;
        p -= 2;
        memcpy(p, pairs + 2 * r, 2);
    }
    if (n >= 10) {
        p -= 2;
        memcpy(p, pairs + 2 * n, 2);
    } else {
        *--p = (char)('0' + n);
    }
    while ((guint)(text + sizeof text - p) < width && p > text)
        *--p = '0';
    textbuf_append(out, p, (gsize)(text + sizeof text - p));
}

void
decimal_append(GString *out, guint64 n)
{
    decimal_append_padded(out, n, 1);
}

static gboolean format_utc(char text[19], gint64 seconds);

gboolean
decimal_append_utc(GString *out, gint64 seconds)
{
    /* Replies come many to a second, in order: the last second's text is
     * kept, and the calendar worked out only when the second changes. */
    static gint64 cached_seconds;
    static char cached[19];
    static gboolean cached_valid;

    if (!cached_valid || seconds != cached_seconds) {
        if (!format_utc(cached, seconds))
            return FALSE;
        cached_seconds = seconds;
        cached_valid = TRUE;
    }
    textbuf_append(out, cached, sizeof cached);
    return TRUE;
}

/* Writes "YYYY-MM-DD HH:MM:SS" of SECONDS into TEXT. */
static gboolean
format_utc(char text[19], gint64 seconds)
{
    /* Days since 0000-03-01, counted in 400-year eras of 146097 days: a
     * year then ends with February, and its leap day is its last day. */
    gint64 days = seconds / 86400, rem = seconds % 86400;
    gint64 era, doe, yoe, doy, mp, year;
    guint month, day;

    if (rem < 0) {
        rem += 86400;
        days--;
    }
    days += 719468;   /* 1970-01-01 from 0000-03-01 */
    era = (days >= 0 ? days : days - 146096) / 146097;
    doe = days - era * 146097;                                  /* [0, 146096] */
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    mp = (5 * doy + 2) / 153;                                    /* March is 0 */
    day = (guint)(doy - (153 * mp + 2) / 5 + 1);
    month = (guint)(mp < 10 ? mp + 3 : mp - 9);
    year = yoe + era * 400 + (month <= 2);
    if (year < 1 || year > 9999)
        return FALSE;
    memcpy(text, pairs + 2 * (year / 100), 2);
    memcpy(text + 2, pairs + 2 * (year % 100), 2);
    text[4] = '-';
    memcpy(text + 5, pairs + 2 * month, 2);
    text[7] = '-';
    memcpy(text + 8, pairs + 2 * day, 2);
    text[10] = ' ';
    memcpy(text + 11, pairs + 2 * (rem / 3600), 2);
    text[13] = ':';
    memcpy(text + 14, pairs + 2 * (rem / 60 % 60), 2);
    text[16] = ':';
    memcpy(text + 17, pairs + 2 * (rem % 60), 2);
    return TRUE;
}
