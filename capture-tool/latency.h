/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reply times as the capture tool writes them; the histogram behind its
 * percentiles is the decoder's (sr_latency.h). */
#ifndef LATENCY_H
#define LATENCY_H

#include <glib.h>

#include "sr_latency.h"

/* Microseconds as milliseconds with three decimals, "1.107": exact, no
 * float rounding.  Both renderers print reply times this way. */
void latency_append_ms(GString *out, gint64 us);

#endif /* LATENCY_H */
