/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decimal.c against printf and GDateTime, which it stands in for. */
#include <glib.h>

#include "decimal.h"

static void
test_numbers(void)
{
    static const guint64 values[] = { 0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 12345,
                                      65535, 4294967295u, 99999999999u, G_MAXUINT64 };
    GString *out = g_string_new(NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(values); i++) {
        for (guint width = 1; width <= 8; width++) {
            gchar *want = g_strdup_printf("%0*" G_GUINT64_FORMAT, (int)width, values[i]);

            g_string_truncate(out, 0);
            decimal_append_padded(out, values[i], width);
            g_assert_cmpstr(out->str, ==, want);
            g_free(want);
        }
        g_string_truncate(out, 0);
        decimal_append(out, values[i]);
        g_assert_cmpuint(g_ascii_strtoull(out->str, NULL, 10), ==, values[i]);
    }
    g_string_free(out, TRUE);
}

/* Every day from 1969 to 2101 (leap years, 2000, 2100), the ends of the
 * range, and times before 1970: the same text as GDateTime writes. */
static void
test_utc(void)
{
    static const gint64 edges[] = {
        -62135596800,   /* 0001-01-01 00:00:00 */
        -62135596801,   /* the second before: out of range */
        253402300799,   /* 9999-12-31 23:59:59 */
        253402300800,   /* 10000-01-01: out of range */
        -1, 0, 951782400, 951868799, 4107542399,
    };
    GString *out = g_string_new(NULL);

    for (gint64 t = -86400 * 366; t < 4107542400; t += 86400 - 1) {
        GDateTime *dt = g_date_time_new_from_unix_utc(t);
        gchar *want = g_date_time_format(dt, "%Y-%m-%d %H:%M:%S");

        g_string_truncate(out, 0);
        g_assert_true(decimal_append_utc(out, t));
        g_assert_cmpstr(out->str, ==, want);
        g_free(want);
        g_date_time_unref(dt);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(edges); i++) {
        GDateTime *dt = g_date_time_new_from_unix_utc(edges[i]);

        g_string_truncate(out, 0);
        g_assert_cmpint(decimal_append_utc(out, edges[i]), ==, dt != NULL);
        if (dt) {
            /* GDateTime writes year 1 as "1"; ISO 8601, and we, as "0001". */
            gchar *want = g_date_time_format(dt, edges[i] == -62135596800
                                             ? "000%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M:%S");

            g_assert_cmpstr(out->str, ==, want);
            g_free(want);
            g_date_time_unref(dt);
        } else {
            g_assert_cmpuint(out->len, ==, 0);
        }
    }
    g_string_free(out, TRUE);
}

/* The text of the last second is kept: repeats, a step back, and a
 * refusal in between must each still give the right text. */
static void
test_utc_repeats(void)
{
    static const gint64 seconds[] = {
        1700000000, 1700000000, 1700000001, 1700000000, 253402300800, 1700000000,
        -62135596801, -62135596801, 0, 0, 1700000001,
    };
    GString *out = g_string_new(NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(seconds); i++) {
        GDateTime *dt = g_date_time_new_from_unix_utc(seconds[i]);

        g_string_assign(out, "x");
        g_assert_cmpint(decimal_append_utc(out, seconds[i]), ==, dt != NULL);
        if (dt) {
            gchar *want = g_date_time_format(dt, "x%Y-%m-%d %H:%M:%S");

            g_assert_cmpstr(out->str, ==, want);
            g_free(want);
            g_date_time_unref(dt);
        } else {
            g_assert_cmpstr(out->str, ==, "x");
        }
    }
    g_string_free(out, TRUE);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/decimal/numbers", test_numbers);
    g_test_add_func("/decimal/utc", test_utc);
    g_test_add_func("/decimal/utc-repeats", test_utc_repeats);
    return g_test_run();
}
