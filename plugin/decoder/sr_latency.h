/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reply times for percentiles (the capture tool's --summary, the plugin's
 * reply-time table): a fixed log-linear histogram, so percentiles
 * cost the same memory after ten replies or ten billion.  Below 64 µs every
 * microsecond has its own bucket; above, each power of two is cut into 32
 * buckets, so a bucket spans at most 1/32 (3.1%) of its values and the
 * middle of it is within 1.6% of any.  Past 2^32 µs (71.6 minutes, far
 * beyond any SMTP timeout) one last bucket holds the rest.  The count, the
 * minimum and the maximum are exact.
 */
#ifndef SR_LATENCY_H
#define SR_LATENCY_H

#include <glib.h>

#define SR_LATENCY_SUB_BITS  5                        /* 32 buckets per power of two */
#define SR_LATENCY_SUB       (1u << SR_LATENCY_SUB_BITS)
#define SR_LATENCY_TOP_BITS  32                       /* exact up to 2^32 - 1 µs */
#define SR_LATENCY_BUCKETS   (SR_LATENCY_SUB * (SR_LATENCY_TOP_BITS - SR_LATENCY_SUB_BITS + 1) + 1)

typedef struct {
    guint64 count;
    gint64  min_us;
    gint64  max_us;
    guint64 buckets[SR_LATENCY_BUCKETS];
} sr_latency_histogram;

void sr_latency_init(sr_latency_histogram *h);
/* One reply time; negative ones (unknown) are not counted. */
void sr_latency_add(sr_latency_histogram *h, gint64 us);
/* The PERCENT-th percentile (nearest rank): the exact minimum or maximum
 * when it ranks first or last, else the middle of its bucket clamped to
 * [min, max]; -1 when nothing was counted. */
gint64 sr_latency_percentile(const sr_latency_histogram *h, guint percent);

/* Which bucket holds US (>= 0), and the values [*LO, *LO + *WIDTH) a bucket
 * covers (the last bucket: from 2^32 on, WIDTH 0).  For the unit tests. */
guint sr_latency_bucket(gint64 us);
void sr_latency_bucket_range(guint bucket, gint64 *lo, gint64 *width);

#endif /* SR_LATENCY_H */
