/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TLS secrets from an NSS key log (the SSLKEYLOGFILE format that OpenSSL,
 * Python's keylog_filename, curl and Wireshark write), for decrypting
 * captured TLS (issue 18).  Each line is "LABEL CLIENT_RANDOM SECRET", the
 * last two in hex; the client random (the ClientHello's, 32 bytes) names
 * the connection.  Lines starting with '#' and blank lines are skipped; a
 * CR before the LF is allowed.
 *
 * Kept: CLIENT_RANDOM (the TLS 1.2 master secret, 48 bytes) and TLS 1.3's
 * four handshake and first application traffic secrets (32 or 48 bytes,
 * the suite's hash length).  Read and left aside: the exporter and early
 * secrets, and the *_TRAFFIC_SECRET_N of later key updates (they are
 * derived from the first).  A line with any other label counts as unknown,
 * not malformed: the format grows.  A malformed line (bad hex, a wrong
 * length, a missing or extra field, longer than KEYLOG_MAX_LINE) is
 * skipped and counted, with the number of the first one, so the caller
 * can warn once.
 *
 * Memory is bounded: at most MAX_ENTRIES client randoms are kept (lines
 * for new ones past that are counted as dropped), each in one entry of
 * KEYLOG_ENTRY_BYTES, and of the text only the line being read, at most
 * KEYLOG_MAX_LINE bytes: a longer line is measured, never held whole.
 */
#ifndef KEYLOG_H
#define KEYLOG_H

#include <glib.h>

/* 1,000,000 connections: about 300 MB of entries and the table's own. */
#define KEYLOG_DEFAULT_MAX_ENTRIES 1000000
/* Longest line read, without its line end; the longest valid one is 193
 * bytes.  A longer comment is skipped as a comment. */
#define KEYLOG_MAX_LINE    1024
#define KEYLOG_RANDOM_LEN  32
#define KEYLOG_MAX_SECRET  48

/* The secrets kept for one connection. */
typedef enum {
    KEYLOG_MASTER_SECRET,      /* CLIENT_RANDOM: TLS 1.2 and older */
    KEYLOG_CLIENT_HANDSHAKE,   /* CLIENT_HANDSHAKE_TRAFFIC_SECRET */
    KEYLOG_SERVER_HANDSHAKE,   /* SERVER_HANDSHAKE_TRAFFIC_SECRET */
    KEYLOG_CLIENT_TRAFFIC,     /* CLIENT_TRAFFIC_SECRET_0 */
    KEYLOG_SERVER_TRAFFIC,     /* SERVER_TRAFFIC_SECRET_0 */
    KEYLOG_SECRETS
} keylog_secret;

/* What one entry (one client random, all its secrets) takes, at most. */
#define KEYLOG_ENTRY_BYTES \
    (KEYLOG_RANDOM_LEN + KEYLOG_SECRETS * (1 + KEYLOG_MAX_SECRET))

typedef struct {
    guint64 lines;             /* every line read, blank and comments too */
    guint64 secrets;           /* lines whose secret was kept */
    guint64 entries;           /* client randoms kept */
    guint64 ignored;           /* well-formed lines of a label left aside */
    guint64 unknown;           /* lines of a label not known here */
    guint64 malformed;
    guint64 first_malformed;   /* its line number (from 1), 0 when none */
    guint64 dropped;           /* lines for a new client random past the cap */
} keylog_stats;

typedef struct keylog keylog;

/* An empty key log keeping at most MAX_ENTRIES client randoms
 * (0: KEYLOG_DEFAULT_MAX_ENTRIES). */
keylog *keylog_new(guint max_entries);
void keylog_free(keylog *k);

/* Reads the file at PATH into K.  FALSE, with a one-line message naming
 * the file and the cause, when it cannot be opened or read; what was read
 * before a read error is kept.  Malformed lines are no error: see
 * keylog_get_stats(). */
gboolean keylog_load_file(keylog *k, const char *path, GError **error);
/* Reads LEN bytes of key log text (a pcapng Decryption Secrets Block's,
 * say); its last line need not end in a line end.  Line numbers go on
 * from the text read before. */
void keylog_add_text(keylog *k, const char *text, gsize len);

const keylog_stats *keylog_get_stats(const keylog *k);

/* The secret KIND of the connection whose ClientHello random is RANDOM:
 * its bytes (valid until K is freed or the secret is read again), with its
 * length in *LEN; NULL when the key log does not have it. */
const guint8 *keylog_lookup(const keylog *k, const guint8 random[KEYLOG_RANDOM_LEN],
                            keylog_secret kind, gsize *len);

/* The label that gives KIND in the file: "CLIENT_RANDOM", ... */
const char *keylog_secret_label(keylog_secret kind);

#endif /* KEYLOG_H */
