/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "decimal.h"

#include "textbuf.h"

void
decimal_append_padded(GString *out, guint64 n, guint width)
{
    char digits[20];
    guint k = 0;

    do {
        digits[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    while (k < width && k < sizeof digits)
        digits[k++] = '0';
    {
        char text[20];

        for (guint i = 0; i < k; i++)
            text[i] = digits[k - 1 - i];
        textbuf_append(out, text, k);
    }
}

void
decimal_append(GString *out, guint64 n)
{
    decimal_append_padded(out, n, 1);
}

gboolean
decimal_append_utc(GString *out, gint64 seconds)
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
    decimal_append_padded(out, (guint64)year, 4);
    g_string_append_c(out, '-');
    decimal_append_padded(out, month, 2);
    g_string_append_c(out, '-');
    decimal_append_padded(out, day, 2);
    g_string_append_c(out, ' ');
    decimal_append_padded(out, (guint64)(rem / 3600), 2);
    g_string_append_c(out, ':');
    decimal_append_padded(out, (guint64)(rem / 60 % 60), 2);
    g_string_append_c(out, ':');
    decimal_append_padded(out, (guint64)(rem % 60), 2);
    return TRUE;
}
