/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compressed capture files, as Wireshark reads them: gzip (concatenated
 * members too), zstd (several frames too) and the lz4 frame format, known
 * by their first bytes, never by their name.  A file is decompressed as it
 * is read, into a stdio stream that libpcap reads like any other, so what
 * it holds never has to fit in memory.
 */
#ifndef DECOMPRESS_H
#define DECOMPRESS_H

#include <stdio.h>

#include <glib.h>

typedef enum {
    DECOMPRESS_NONE,   /* not compressed, or not in a format known here */
    DECOMPRESS_GZIP,   /* 1f 8b */
    DECOMPRESS_ZSTD,   /* 28 b5 2f fd */
    DECOMPRESS_LZ4,    /* 04 22 4d 18, the frame format (not the legacy one) */
} decompress_format;

/* The most bytes decompress_detect() looks at. */
#define DECOMPRESS_MAGIC_LEN 4

/* The format that a file starting with HEAD (LEN bytes, fewer if the file
 * is shorter) is in. */
decompress_format decompress_detect(const guint8 *head, gsize len);
/* "gzip", "zstd", "lz4"; NULL for DECOMPRESS_NONE. */
const char *decompress_name(decompress_format format);

typedef struct decompress decompress;

/* A read-only stream of FD's bytes decompressed as FORMAT, FD read from
 * where it stands.  HEAD_LEN bytes HEAD, already read from FD, come first
 * (at most DECOMPRESS_MAGIC_LEN): that is how a pipe is peeked at without
 * losing what was peeked.  DECOMPRESS_NONE just gives those bytes back,
 * then FD's.  OFFSET: where FD stood before HEAD was read, for
 * decompress_position().  CLOSE_FD: fclose() closes FD too.
 *
 * fclose() frees *STATE; until then it tells why a read failed.  A read
 * that fails for the decompressor (damage, a cut) sets errno to EIO; one
 * that fails for FD keeps read(2)'s errno.  Everything decompressed before
 * damage or a cut is read before the failure. */
FILE *decompress_fdopen(int fd, gboolean close_fd, decompress_format format,
                        const guint8 *head, gsize head_len, guint64 offset,
                        decompress **state);

/* Shown every byte the stream gives, in order, as stdio takes it from the
 * stream and before any of it reaches the reader (the pcapng secrets
 * scanner reads a capture that way).  DATA is valid for the call only. */
typedef void (*decompress_tap)(const guint8 *data, gsize len, gpointer user_data);
/* Before the first read.  TAP NULL: none. */
void decompress_set_tap(decompress *state, decompress_tap tap, gpointer user_data);

/* Once a read has failed for the decompressor: the cause, on one line and
 * naming the format ("gzip: unexpected end of file", "zstd: Data
 * corruption detected"); NULL before that. */
const char *decompress_error(const decompress *state);
/* How far into FD the compressed bytes read so far reach. */
guint64 decompress_position(const decompress *state);
/* How many decompressed bytes the stream has given. */
guint64 decompress_output(const decompress *state);

#endif /* DECOMPRESS_H */
