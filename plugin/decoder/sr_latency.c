/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "latency.h"

#include <string.h>

#include "decimal.h"

#define LATENCY_OVERFLOW (LATENCY_BUCKETS - 1)
#define LATENCY_LIMIT    ((gint64)1 << LATENCY_TOP_BITS)

void
latency_init(latency_histogram *h)
{
    memset(h, 0, sizeof *h);
}

guint
latency_bucket(gint64 us)
{
    guint shift;

    if (us >= LATENCY_LIMIT)
        return LATENCY_OVERFLOW;
    if (us < (gint64)LATENCY_SUB)
        return (guint)MAX(us, 0);
    /* The power of two decides the bucket width; the next SUB_BITS bits
     * below the leading one pick the bucket within it. */
    shift = g_bit_storage((gulong)us) - 1 - LATENCY_SUB_BITS;
    return LATENCY_SUB + shift * LATENCY_SUB + (guint)((us >> shift) - LATENCY_SUB);
}

void
latency_bucket_range(guint bucket, gint64 *lo, gint64 *width)
{
    guint shift, sub;

    if (bucket >= LATENCY_OVERFLOW) {
        *lo = LATENCY_LIMIT;
        *width = 0;
        return;
    }
    if (bucket < LATENCY_SUB) {
        *lo = bucket;
        *width = 1;
        return;
    }
    shift = (bucket - LATENCY_SUB) / LATENCY_SUB;
    sub = (bucket - LATENCY_SUB) % LATENCY_SUB;
    *lo = (gint64)(LATENCY_SUB + sub) << shift;
    *width = (gint64)1 << shift;
}

void
latency_add(latency_histogram *h, gint64 us)
{
    if (us < 0)
        return;
    if (!h->count || us < h->min_us)
        h->min_us = us;
    if (!h->count || us > h->max_us)
        h->max_us = us;
    h->count++;
    h->buckets[latency_bucket(us)]++;
}

gint64
latency_percentile(const latency_histogram *h, guint percent)
{
    guint64 rank, seen = 0;
    gint64 lo, width, value = h->max_us;

    if (!h->count)
        return -1;
    rank = MAX((h->count * MIN(percent, 100u) + 99) / 100, 1);
    /* The first and the last rank are known exactly. */
    if (rank == 1)
        return h->min_us;
    if (rank == h->count)
        return h->max_us;
    for (guint b = 0; b < LATENCY_BUCKETS; b++) {
        seen += h->buckets[b];
        if (seen >= rank) {
            latency_bucket_range(b, &lo, &width);
            /* Past the top nothing is known but the maximum. */
            value = b == LATENCY_OVERFLOW ? h->max_us : lo + width / 2;
            break;
        }
    }
    /* The bucket's middle may lie outside what was seen; the exact ends
     * bound it, which also keeps min <= p50 <= ... <= max. */
    return CLAMP(value, h->min_us, h->max_us);
}

void
latency_append_ms(GString *out, gint64 us)
{
    guint64 abs = us < 0 ? (guint64)-(us + 1) + 1 : (guint64)us;

    if (us < 0)
        g_string_append_c(out, '-');
    decimal_append(out, abs / 1000);
    g_string_append_c(out, '.');
    decimal_append_padded(out, abs % 1000, 3);
}
