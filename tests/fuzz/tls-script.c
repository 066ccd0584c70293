/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tls-script.h"

GArray *
tls_script_parse(const uint8_t *data, size_t size)
{
    GArray *ops = g_array_new(FALSE, TRUE, sizeof(tls_op));
    gsize at = 0;
    guint64 frame = 0;
    gboolean have_dir = FALSE, last_client = FALSE;

    while (at < size) {
        guint8 b = data[at++];
        tls_op o = { 0 };

        switch (b >> 6) {
        case 0:
        case 1:
            o.client = (b >> 6) == 0;
            o.len = (b & 0x3f) + 1;
            break;
        case 2:
            o.client = !(b & 0x20);
            o.lost = TRUE;
            o.len = b & 0x1f;
            break;
        default:
            o.client = !(b & 0x20);
            o.len = 32 * ((b & 0x1f) + 1);
            break;
        }
        if (!o.lost) {
            o.len = MIN(o.len, size - at);
            o.data = data + at;
            at += o.len;
            if (o.len == 0)
                break;
        }
        if (!have_dir || o.client != last_client)
            frame++;
        have_dir = TRUE;
        last_client = o.client;
        o.frame = frame;
        g_array_append_val(ops, o);
    }
    return ops;
}
