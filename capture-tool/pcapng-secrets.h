/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TLS key logs carried inside a pcapng capture (issue 18): a Decryption
 * Secrets Block (DSB, block type 0x0000000A) holds a secrets type, the
 * secrets' length and the secrets, padded to 32 bits, then options.  Type
 * "TLSK" (0x544c534b) is the text of an NSS key log, the one keylog.h
 * reads.  libpcap skips these blocks, so the tool looks for them itself, in
 * the bytes of the file as they are read, before libpcap parses them.
 *
 * A push parser of pcapng block framing only: it is fed the stream's bytes
 * in order, in pieces of any size (a file, a pipe, a decompressed stream),
 * and gives each TLS key log whole to a callback, in one call, once the
 * block that holds it has been read to its end.  Every other block's body
 * is skipped as it goes by, never kept.
 *
 * Memory is bounded: only the secrets of the DSB being read are kept, and
 * only as far as they have arrived, so a length that lies costs nothing;
 * a key log over the cap (PCAPNG_SECRETS_DEFAULT_MAX, 16 MiB) is skipped
 * and counted.
 *
 * Each Section Header Block gives the byte order of its section.  A stream
 * whose first block is not a Section Header Block is not pcapng: nothing
 * in it is read.  Broken framing (a total length too small for its block,
 * not a multiple of 4, or not the same at the block's end; a secrets
 * length past its block; an unknown byte-order magic) is counted, and the
 * rest of that stream is not read: there is no telling where the next
 * block would start.
 */
#ifndef PCAPNG_SECRETS_H
#define PCAPNG_SECRETS_H

#include <glib.h>

/* Longest TLS key log taken from one block: the secrets of some 95,000
 * TLS 1.2 connections, or 20,000 of TLS 1.3. */
#define PCAPNG_SECRETS_DEFAULT_MAX (16u * 1024 * 1024)

#define PCAPNG_BLOCK_SHB  0x0A0D0D0Au   /* the same in either byte order */
#define PCAPNG_BLOCK_DSB  0x0000000Au
#define PCAPNG_BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define PCAPNG_SECRETS_TLS_KEY_LOG 0x544c534bu   /* "TLSK" */

typedef struct {
    guint64 sections;      /* Section Header Blocks */
    guint64 dsbs;          /* Decryption Secrets Blocks read to their end */
    guint64 tls;           /* of them, TLS key logs handed over */
    guint64 tls_bytes;     /* the bytes of those key logs */
    guint64 other_types;   /* DSBs of another secrets type, skipped */
    guint64 too_long;      /* TLS key logs over the cap, skipped */
    guint64 malformed;     /* streams whose framing broke, each read no further */
} pcapng_secrets_stats;

/* One DSB's TLS key log, LEN bytes of TEXT (not NUL-terminated, valid for
 * the call only). */
typedef void (*pcapng_secrets_func)(const char *text, gsize len, gpointer user_data);

typedef struct pcapng_secrets pcapng_secrets;

/* A scanner that gives FUNC each TLS key log of at most MAX bytes
 * (0: PCAPNG_SECRETS_DEFAULT_MAX).  It is ready for a stream's first byte. */
pcapng_secrets *pcapng_secrets_new(gsize max, pcapng_secrets_func func, gpointer user_data);
void pcapng_secrets_free(pcapng_secrets *s);

/* A pcapng_secrets_func that reads the text into the keylog USER_DATA
 * (a keylog *). */
void pcapng_secrets_to_keylog(const char *text, gsize len, gpointer user_data);

/* Another stream starts: what is left of the last one (a block cut short)
 * is dropped.  The counts go on. */
void pcapng_secrets_restart(pcapng_secrets *s);
/* The stream's next LEN bytes. */
void pcapng_secrets_feed(pcapng_secrets *s, const guint8 *data, gsize len);

const pcapng_secrets_stats *pcapng_secrets_get_stats(const pcapng_secrets *s);
/* The bytes of secrets held now, never over the cap: for the tests. */
gsize pcapng_secrets_held(const pcapng_secrets *s);

#endif /* PCAPNG_SECRETS_H */
