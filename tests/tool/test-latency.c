/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The reply time histogram: every value lands in the bucket that covers
 * it, buckets are narrow enough for the resolution the man page promises,
 * and percentiles come out where the exact ones are. */
#include "latency.h"

/* Each bucket is the one its own range maps to, and the ranges tile the
 * values from 0 to 2^32 without gap or overlap. */
static void
test_buckets_tile(void)
{
    gint64 next = 0;

    for (guint b = 0; b + 1 < SR_LATENCY_BUCKETS; b++) {
        gint64 lo, width;

        sr_latency_bucket_range(b, &lo, &width);
        g_assert_cmpint(lo, ==, next);
        g_assert_cmpint(width, >=, 1);
        g_assert_cmpuint(sr_latency_bucket(lo), ==, b);
        g_assert_cmpuint(sr_latency_bucket(lo + width - 1), ==, b);
        /* At most 1/32 of the bucket's smallest value wide. */
        if (width > 1)
            g_assert_cmpint(width * 32, <=, lo);
        next = lo + width;
    }
    g_assert_cmpint(next, ==, G_GINT64_CONSTANT(1) << 32);
    g_assert_cmpuint(sr_latency_bucket(next), ==, SR_LATENCY_BUCKETS - 1);
    g_assert_cmpuint(sr_latency_bucket(G_MAXINT64), ==, SR_LATENCY_BUCKETS - 1);
}

/* Small values are exact: below 64 µs each has its own bucket. */
static void
test_small_exact(void)
{
    for (gint64 us = 0; us < 64; us++) {
        sr_latency_histogram h;

        sr_latency_init(&h);
        sr_latency_add(&h, us);
        sr_latency_add(&h, us);
        g_assert_cmpint(sr_latency_percentile(&h, 50), ==, us);
    }
    g_assert_cmpuint(sr_latency_bucket(63), ==, 63);
    g_assert_cmpuint(sr_latency_bucket(64), ==, sr_latency_bucket(65));
}

static void
test_empty_and_unknown(void)
{
    sr_latency_histogram h;

    sr_latency_init(&h);
    g_assert_cmpint(sr_latency_percentile(&h, 50), ==, -1);
    /* The decoder's -1: no command time, not a reply time. */
    sr_latency_add(&h, -1);
    g_assert_cmpuint(h.count, ==, 0);
    g_assert_cmpint(sr_latency_percentile(&h, 99), ==, -1);
}

/* One value: every percentile is that value exactly, however coarse its
 * bucket, because the exact min and max bound them. */
static void
test_single_value_exact(void)
{
    static const gint64 values[] = { 0, 1, 1107, 987654, G_GINT64_CONSTANT(4000000000),
                                     G_GINT64_CONSTANT(9000000000) };

    for (gsize i = 0; i < G_N_ELEMENTS(values); i++) {
        sr_latency_histogram h;

        sr_latency_init(&h);
        sr_latency_add(&h, values[i]);
        g_assert_cmpint(h.min_us, ==, values[i]);
        g_assert_cmpint(h.max_us, ==, values[i]);
        g_assert_cmpint(sr_latency_percentile(&h, 50), ==, values[i]);
        g_assert_cmpint(sr_latency_percentile(&h, 99), ==, values[i]);
    }
}

/* 1 .. 100000 µs, each once: nearest-rank percentiles are 50000, 90000,
 * 99000; the histogram's are within 1/64 of them (half a bucket). */
static void
test_uniform(void)
{
    sr_latency_histogram h;
    static const guint percents[] = { 1, 10, 50, 90, 99, 100 };

    sr_latency_init(&h);
    for (gint64 us = 100000; us >= 1; us--)
        sr_latency_add(&h, us);
    g_assert_cmpuint(h.count, ==, 100000);
    g_assert_cmpint(h.min_us, ==, 1);
    g_assert_cmpint(h.max_us, ==, 100000);
    for (gsize i = 0; i < G_N_ELEMENTS(percents); i++) {
        gint64 exact = 1000 * (gint64)percents[i];
        gint64 got = sr_latency_percentile(&h, percents[i]);

        g_assert_cmpint(ABS(got - exact), <=, exact / 64);
    }
    g_assert_cmpint(sr_latency_percentile(&h, 100), ==, 100000);
}

/* 99 fast replies and one slow one: p50 and p90 are the fast time, p99
 * too (the 99th of 100), the maximum the slow one. */
static void
test_skewed(void)
{
    sr_latency_histogram h;

    sr_latency_init(&h);
    for (int i = 0; i < 99; i++)
        sr_latency_add(&h, 2000);
    sr_latency_add(&h, 30 * G_USEC_PER_SEC);
    g_assert_cmpint(sr_latency_percentile(&h, 50), >=, 2000 - 2000 / 64);
    g_assert_cmpint(sr_latency_percentile(&h, 50), <=, 2000 + 2000 / 64);
    g_assert_cmpint(sr_latency_percentile(&h, 99), <=, 2000 + 2000 / 64);
    g_assert_cmpint(h.max_us, ==, 30 * G_USEC_PER_SEC);
    sr_latency_add(&h, 30 * G_USEC_PER_SEC);
    /* Now the 99th of 101 is the first slow one. */
    g_assert_cmpint(sr_latency_percentile(&h, 99), ==, 30 * G_USEC_PER_SEC);
}

/* Past 2^32 µs only the maximum is known: a percentile there reads as it. */
static void
test_overflow(void)
{
    sr_latency_histogram h;
    gint64 hour = G_GINT64_CONSTANT(3600) * G_USEC_PER_SEC;

    sr_latency_init(&h);
    sr_latency_add(&h, 5000);
    sr_latency_add(&h, 2 * hour);
    sr_latency_add(&h, 3 * hour);
    g_assert_cmpint(sr_latency_percentile(&h, 90), ==, 3 * hour);
    g_assert_cmpint(sr_latency_percentile(&h, 10), >=, 5000);
    g_assert_cmpint(sr_latency_percentile(&h, 10), <=, 5000 + 5000 / 64);
}

static void
test_append_ms(void)
{
    static const struct {
        gint64 us;
        const char *text;
    } cases[] = {
        { 0, "0.000" }, { 1, "0.001" }, { 999, "0.999" }, { 1107, "1.107" },
        { 1000000, "1000.000" }, { G_GINT64_CONSTANT(4294967296), "4294967.296" },
        { -1, "-0.001" }, { G_MININT64, "-9223372036854775.808" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        GString *out = g_string_new(NULL);

        latency_append_ms(out, cases[i].us);
        g_assert_cmpstr(out->str, ==, cases[i].text);
        g_string_free(out, TRUE);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/latency/buckets-tile", test_buckets_tile);
    g_test_add_func("/latency/small-exact", test_small_exact);
    g_test_add_func("/latency/empty-and-unknown", test_empty_and_unknown);
    g_test_add_func("/latency/single-value-exact", test_single_value_exact);
    g_test_add_func("/latency/uniform", test_uniform);
    g_test_add_func("/latency/skewed", test_skewed);
    g_test_add_func("/latency/overflow", test_overflow);
    g_test_add_func("/latency/append-ms", test_append_ms);
    return g_test_run();
}
