/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sr_latency.h"

#include <string.h>


#define SR_LATENCY_OVERFLOW (SR_LATENCY_BUCKETS - 1)
#define LATENCY_LIMIT    ((gint64)1 << SR_LATENCY_TOP_BITS)

void
sr_latency_init(sr_latency_histogram *h)
{
    memset(h, 0, sizeof *h);
}

guint
sr_latency_bucket(gint64 us)
{
    guint shift;

    if (us >= LATENCY_LIMIT)
        return SR_LATENCY_OVERFLOW;
    if (us < (gint64)SR_LATENCY_SUB)
        return (guint)MAX(us, 0);
    /* The power of two decides the bucket width; the next SUB_BITS bits
     * below the leading one pick the bucket within it. */
    shift = g_bit_storage((gulong)us) - 1 - SR_LATENCY_SUB_BITS;
    return SR_LATENCY_SUB + shift * SR_LATENCY_SUB + (guint)((us >> shift) - SR_LATENCY_SUB);
}

void
sr_latency_bucket_range(guint bucket, gint64 *lo, gint64 *width)
{
    guint shift, sub;

    if (bucket >= SR_LATENCY_OVERFLOW) {
        *lo = LATENCY_LIMIT;
        *width = 0;
        return;
    }
    if (bucket < SR_LATENCY_SUB) {
        *lo = bucket;
        *width = 1;
        return;
    }
    shift = (bucket - SR_LATENCY_SUB) / SR_LATENCY_SUB;
    sub = (bucket - SR_LATENCY_SUB) % SR_LATENCY_SUB;
    *lo = (gint64)(SR_LATENCY_SUB + sub) << shift;
    *width = (gint64)1 << shift;
}

void
sr_latency_add(sr_latency_histogram *h, gint64 us)
{
    if (us < 0)
        return;
    if (!h->count || us < h->min_us)
        h->min_us = us;
    if (!h->count || us > h->max_us)
        h->max_us = us;
    h->count++;
    h->buckets[sr_latency_bucket(us)]++;
}

gint64
sr_latency_percentile(const sr_latency_histogram *h, guint percent)
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
    for (guint b = 0; b < SR_LATENCY_BUCKETS; b++) {
        seen += h->buckets[b];
        if (seen >= rank) {
            sr_latency_bucket_range(b, &lo, &width);
            /* Past the top nothing is known but the maximum. */
            value = b == SR_LATENCY_OVERFLOW ? h->max_us : lo + width / 2;
            break;
        }
    }
    /* The bucket's middle may lie outside what was seen; the exact ends
     * bound it, which also keeps min <= p50 <= ... <= max. */
    return CLAMP(value, h->min_us, h->max_us);
}
