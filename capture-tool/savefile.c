/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "savefile.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define RECORD_HEADER 16
/* libpcap's largest capture length for every link type the tool reads. */
#define MAX_CAPLEN 262144

#define MAGIC_MICRO 0xa1b2c3d4u
#define MAGIC_NANO  0xa1b23c4du

gboolean
savefile_is_classic(int fd, gboolean *swapped, gboolean *nanoseconds)
{
    guint32 magic;

    if (pread(fd, &magic, sizeof magic, 0) != (ssize_t)sizeof magic)
        return FALSE;
    *swapped = magic == GUINT32_SWAP_LE_BE(MAGIC_MICRO) || magic == GUINT32_SWAP_LE_BE(MAGIC_NANO);
    *nanoseconds = magic == MAGIC_NANO || magic == GUINT32_SWAP_LE_BE(MAGIC_NANO);
    return *swapped || magic == MAGIC_MICRO || magic == MAGIC_NANO;
}

void
savefile_init(savefile *sf, int fd, guint64 offset, gboolean swapped,
              gboolean nanoseconds, guint32 snaplen, int linktype)
{
    (void)linktype;   /* every link type the tool reads has the same maximum */
    memset(sf, 0, sizeof *sf);
    sf->fd = fd;
    sf->consumed = offset;
    sf->swapped = swapped;
    sf->nanoseconds = nanoseconds;
    sf->max_caplen = MAX_CAPLEN;
    /* As libpcap adjusts a header's snapshot length. */
    sf->snapshot = snaplen == 0 || snaplen > MAX_CAPLEN ? MAX_CAPLEN : snaplen;
    /* A whole block behind a record that straddles the last one. */
    sf->size = SAVEFILE_BLOCK + RECORD_HEADER + MAX_CAPLEN;
    sf->buf = g_malloc(sf->size);
}

void
savefile_clear(savefile *sf)
{
    g_free(sf->buf);
    sf->buf = NULL;
}

guint64
savefile_offset(const savefile *sf)
{
    return sf->consumed;
}

/* Makes NEED bytes available from sf->pos, or all that remain; FALSE on a
 * read error. */
static gboolean
fill(savefile *sf, gsize need)
{
    if (sf->end - sf->pos >= need || sf->eof)
        return TRUE;
    if (sf->pos + need > sf->size) {
        memmove(sf->buf, sf->buf + sf->pos, sf->end - sf->pos);
        sf->end -= sf->pos;
        sf->pos = 0;
    }
    while (sf->end - sf->pos < need && !sf->eof) {
        /* pread(): libpcap's stdio has read ahead on the same descriptor. */
        ssize_t n = pread(sf->fd, sf->buf + sf->end, sf->size - sf->end,
                          (off_t)(sf->consumed + (sf->end - sf->pos)));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            g_snprintf(sf->error, sizeof sf->error, "error reading dump file: %s",
                       g_strerror(errno));
            return FALSE;
        }
        if (n == 0)
            sf->eof = TRUE;
        sf->end += (gsize)n;
    }
    return TRUE;
}

static guint32
field(const savefile *sf, const guint8 *p)
{
    guint32 v;

    memcpy(&v, p, sizeof v);
    return sf->swapped ? GUINT32_SWAP_LE_BE(v) : v;
}

int
savefile_next(savefile *sf, const struct pcap_pkthdr **hdr, const guint8 **data)
{
    const guint8 *rec;
    guint32 caplen, frac;
    gsize avail;

    if (!fill(sf, RECORD_HEADER))
        return PCAP_ERROR;
    avail = sf->end - sf->pos;
    if (avail == 0)
        return PCAP_ERROR_BREAK;
    if (avail < RECORD_HEADER) {
        g_snprintf(sf->error, sizeof sf->error,
                   "truncated dump file; tried to read %u header bytes, only got %" G_GSIZE_FORMAT,
                   RECORD_HEADER, avail);
        return PCAP_ERROR;
    }
    rec = sf->buf + sf->pos;
    caplen = field(sf, rec + 8);
    if (caplen > sf->max_caplen) {
        g_snprintf(sf->error, sizeof sf->error,
                   "invalid packet capture length %u, bigger than snaplen of %u",
                   caplen, sf->snapshot);
        return PCAP_ERROR;
    }
    if (!fill(sf, RECORD_HEADER + (gsize)caplen))
        return PCAP_ERROR;
    avail = sf->end - sf->pos;
    if (avail < RECORD_HEADER + (gsize)caplen) {
        g_snprintf(sf->error, sizeof sf->error,
                   "truncated dump file; tried to read %u captured bytes, only got %" G_GSIZE_FORMAT,
                   caplen, avail - RECORD_HEADER);
        return PCAP_ERROR;
    }
    rec = sf->buf + sf->pos;   /* fill() may have moved it */
    frac = field(sf, rec + 4);
    sf->hdr.ts.tv_sec = field(sf, rec);
    sf->hdr.ts.tv_usec = sf->nanoseconds ? frac / 1000 : frac;
    /* Longer than the file's snapshot length: libpcap keeps that much. */
    sf->hdr.caplen = MIN(caplen, sf->snapshot);
    sf->hdr.len = field(sf, rec + 12);
    sf->pos += RECORD_HEADER + caplen;
    sf->consumed += RECORD_HEADER + caplen;
    *hdr = &sf->hdr;
    *data = rec + RECORD_HEADER;
    return 1;
}
