/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "latency.h"

#include "decimal.h"

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
