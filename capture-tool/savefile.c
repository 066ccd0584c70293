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
    guint8 head[8];
    guint32 magic;
    guint16 major, minor;

    if (pread(fd, head, sizeof head, 0) != (ssize_t)sizeof head)
        return FALSE;
    memcpy(&magic, head, 4);
    memcpy(&major, head + 4, 2);
    memcpy(&minor, head + 6, 2);
    *swapped = magic == GUINT32_SWAP_LE_BE(MAGIC_MICRO) || magic == GUINT32_SWAP_LE_BE(MAGIC_NANO);
    *nanoseconds = magic == MAGIC_NANO || magic == GUINT32_SWAP_LE_BE(MAGIC_NANO);
    if (*swapped) {
        major = GUINT16_SWAP_LE_BE(major);
        minor = GUINT16_SWAP_LE_BE(minor);
    }
    /* Version 2.4 only, written since 1998: before 2.3 the two lengths
     * stand the other way round, and in 2.3 (and DG/UX's 543.0) libpcap
     * guesses which way; such files are left to libpcap. */
    return (*swapped || magic == MAGIC_MICRO || magic == MAGIC_NANO) && major == 2 && minor == 4;
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
    sf->file_snapshot = snaplen;
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

/* A time field: unsigned 32 bits in either byte order, as the pcap format
 * defines it and libpcap reads it from 1.10.5 on (earlier releases read an
 * unswapped second as signed; run_packet_time_us() undoes that). */
static gint64
time_field(const savefile *sf, const guint8 *p)
{
    return (gint64)field(sf, p);
}

int
savefile_next(savefile *sf, const struct pcap_pkthdr **hdr, const guint8 **data)
{
    const guint8 *rec;
    guint32 caplen;
    gint64 frac;
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
        /* libpcap names the file's snapshot length if the record passes
         * it too, else its own maximum. */
        if (caplen > sf->file_snapshot)
            g_snprintf(sf->error, sizeof sf->error,
                       "invalid packet capture length %u, bigger than snaplen of %u",
                       caplen, sf->file_snapshot);
        else
            g_snprintf(sf->error, sizeof sf->error,
                       "invalid packet capture length %u, bigger than maximum of %u",
                       caplen, sf->max_caplen);
        return PCAP_ERROR;
    }
    if (!fill(sf, RECORD_HEADER + (gsize)caplen))
        return PCAP_ERROR;
    avail = sf->end - sf->pos;
    if (avail < RECORD_HEADER + (gsize)caplen) {
        /* libpcap reads a record longer than the snapshot length in two
         * steps, the bytes it keeps first, and names the one cut short. */
        guint32 wanted = caplen > sf->snapshot && avail - RECORD_HEADER < sf->snapshot
            ? sf->snapshot : caplen;

        g_snprintf(sf->error, sizeof sf->error,
                   "truncated dump file; tried to read %u captured bytes, only got %" G_GSIZE_FORMAT,
                   wanted, avail - RECORD_HEADER);
        return PCAP_ERROR;
    }
    rec = sf->buf + sf->pos;   /* fill() may have moved it */
    frac = time_field(sf, rec + 4);
    sf->hdr.ts.tv_sec = time_field(sf, rec);
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
