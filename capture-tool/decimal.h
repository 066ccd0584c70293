/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Numbers in decimal, appended without printf: the output writes several
 * for each reply, and printf-style formatting (parsing the format, a
 * temporary string each time) was most of the cost of a reply.
 */
#ifndef DECIMAL_H
#define DECIMAL_H

#include <glib.h>

/* N in decimal. */
void decimal_append(GString *out, guint64 n);
/* N in decimal with leading zeros to at least WIDTH digits ("%0*u"). */
void decimal_append_padded(GString *out, guint64 n, guint width);
/* "YYYY-MM-DD HH:MM:SS" of SECONDS since the epoch (UTC, proleptic
 * Gregorian calendar); FALSE, and nothing appended, out of years 1-9999.
 * Keeps the last second's text in static storage: one thread only. */
gboolean decimal_append_utc(GString *out, gint64 seconds);

/* TIME_US as whole seconds (rounded down) and the microseconds past them
 * (0 to 999999), so that times before 1970 split the way the calendar
 * counts them. */
static inline void
decimal_split_us(gint64 time_us, gint64 *sec, gint64 *frac)
{
    *sec = time_us / G_USEC_PER_SEC;
    *frac = time_us % G_USEC_PER_SEC;
    if (*frac < 0) {
        (*sec)--;
        *frac += G_USEC_PER_SEC;
    }
}

#endif /* DECIMAL_H */
