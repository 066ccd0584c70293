/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The records of a classic pcap file, read in large blocks and handed out
 * in place.  libpcap opens the file and checks its header; this reads the
 * records after it, where libpcap would copy every packet twice (stdio's
 * buffer, then its own) in calls of a few bytes.  Truncated and damaged
 * records get libpcap's own words, so both readers fail alike.
 */
#ifndef SAVEFILE_H
#define SAVEFILE_H

#include <glib.h>
#include <pcap/pcap.h>

#define SAVEFILE_BLOCK (1024 * 1024)   /* bytes read at a time */

typedef struct {
    int                fd;
    guint8            *buf;        /* SAVEFILE_BLOCK + the largest record */
    gsize              size;
    gsize              pos, end;   /* buf[pos, end) is read, not yet handed out */
    guint64            consumed;   /* file offset of buf[pos] */
    gboolean           eof;
    gboolean           swapped;    /* the file's byte order is not ours */
    gboolean           nanoseconds;
    guint32            snapshot;   /* longest record kept, as libpcap decides it */
    guint32            file_snapshot; /* libpcap's, unclamped: its messages name it */
    guint32            max_caplen; /* longer is damage */
    struct pcap_pkthdr hdr;
    char               error[PCAP_ERRBUF_SIZE];
} savefile;

/* Whether FD is a classic pcap file whose records this reads: the magic
 * numbers of microsecond and nanosecond files, in either byte order, of
 * version 2.4.  Looks without moving the file offset. */
gboolean savefile_is_classic(int fd, gboolean *swapped, gboolean *nanoseconds);

/* Reads FD's records from OFFSET, the end of the file header, which
 * libpcap read and checked: SNAPLEN and LINKTYPE are what it found. */
void savefile_init(savefile *sf, int fd, guint64 offset, gboolean swapped,
                   gboolean nanoseconds, guint32 snaplen, int linktype);
void savefile_clear(savefile *sf);

/* Like pcap_next_ex() on a file: 1 and the packet, valid until the next
 * call; PCAP_ERROR_BREAK at the end; PCAP_ERROR with sf->error set. */
int savefile_next(savefile *sf, const struct pcap_pkthdr **hdr, const guint8 **data);

/* File offset of the next record. */
guint64 savefile_offset(const savefile *sf);

#endif /* SAVEFILE_H */
