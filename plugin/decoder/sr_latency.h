/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reply times for --summary: a fixed log-linear histogram, so percentiles
 * cost the same memory after ten replies or ten billion.  Below 64 µs every
 * microsecond has its own bucket; above, each power of two is cut into 32
 * buckets, so a bucket spans at most 1/32 (3.1%) of its values and the
 * middle of it is within 1.6% of any.  Past 2^32 µs (71.6 minutes, far
 * beyond any SMTP timeout) one last bucket holds the rest.  The count, the
 * minimum and the maximum are exact.
 */
#ifndef LATENCY_H
#define LATENCY_H

#include <glib.h>

#define LATENCY_SUB_BITS  5                        /* 32 buckets per power of two */
#define LATENCY_SUB       (1u << LATENCY_SUB_BITS)
#define LATENCY_TOP_BITS  32                       /* exact up to 2^32 - 1 µs */
#define LATENCY_BUCKETS   (LATENCY_SUB * (LATENCY_TOP_BITS - LATENCY_SUB_BITS + 1) + 1)

typedef struct {
    guint64 count;
    gint64  min_us;
    gint64  max_us;
    guint64 buckets[LATENCY_BUCKETS];
} latency_histogram;

void latency_init(latency_histogram *h);
/* One reply time; negative ones (unknown) are not counted. */
void latency_add(latency_histogram *h, gint64 us);
/* The PERCENT-th percentile (nearest rank): the exact minimum or maximum
 * when it ranks first or last, else the middle of its bucket clamped to
 * [min, max]; -1 when nothing was counted. */
gint64 latency_percentile(const latency_histogram *h, guint percent);

/* Which bucket holds US (>= 0), and the values [*LO, *LO + *WIDTH) a bucket
 * covers (the last bucket: from 2^32 on, WIDTH 0).  For the unit tests. */
guint latency_bucket(gint64 us);
void latency_bucket_range(guint bucket, gint64 *lo, gint64 *width);

/* Microseconds as milliseconds with three decimals, "1.107": exact, no
 * float rounding.  Both renderers print reply times this way. */
void latency_append_ms(GString *out, gint64 us);

#endif /* LATENCY_H */
