/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The scripts of the TLS fuzz targets (fuzz-tls, fuzz-tlsdecrypt): both
 * directions of one connection in the order they were captured, as
 * records that each start with an op byte:
 *
 *   00LLLLLL  the client sends the next L+1 bytes
 *   01LLLLLL  the server sends the next L+1 bytes
 *   10DLLLLL  L bytes of direction D (0 client, 1 server) are lost (L may be 0)
 *   11DNNNNN  direction D sends the next 32 * (N + 1) bytes (certificates,
 *             long records)
 *
 * A record cut by the end of the input sends what there is.  The frame
 * number starts at 1 and moves on whenever the direction changes, so a
 * run of one side's records is one packet.  tls-seeds.py writes scripts.
 */
#ifndef TLS_SCRIPT_H
#define TLS_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

typedef struct {
    gboolean      client;
    gboolean      lost;       /* a gap of LEN bytes; else LEN bytes at DATA */
    const guint8 *data;
    gsize         len;
    guint64       frame;
} tls_op;

/* The ops of the script DATA (SIZE bytes), which they point into. */
GArray *tls_script_parse(const uint8_t *data, size_t size);

#endif /* TLS_SCRIPT_H */
