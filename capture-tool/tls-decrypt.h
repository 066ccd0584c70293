/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decrypting one TLS connection with the secrets of a key log (issue 18):
 * both directions' records, as the decoder's TLS reader frames them
 * (sr_tls_record_funcs in sr_tls.h), decrypted with OpenSSL's libcrypto,
 * and the application data handed to a callback.  What a record means
 * depends on the handshake read in clear, so each record comes with the
 * reader's info at that point: the two randoms, the version and the suite.
 *
 * Supported: TLS 1.3 (RFC 8446) with TLS_AES_128_GCM_SHA256,
 * TLS_AES_256_GCM_SHA384 and TLS_CHACHA20_POLY1305_SHA256, its encrypted
 * handshake followed to each side's Finished and KeyUpdates followed
 * after it; TLS 1.2 (RFC 5246) with the AEAD suites of RFC 5288 (AES-GCM:
 * ECDHE-RSA, ECDHE-ECDSA, DHE-RSA and RSA key exchange), RFC 7905
 * (ChaCha20-Poly1305: ECDHE-RSA, ECDHE-ECDSA, DHE-RSA), and the AES-CBC
 * suites with HMAC-SHA1, -SHA256 and -SHA384 of RFC 5246 and 5289 (the
 * same key exchanges), MAC-then-encrypt or, when both hellos carry
 * encrypt_then_mac, RFC 7366's Encrypt-then-MAC.  Not followed: TLS 1.3
 * early data, TLS 1.2 renegotiation, 3DES, CCM and other suites.
 *
 * Nothing that fails authentication is handed over (a CBC record's MAC
 * and padding both count): a side whose record fails to authenticate
 * stops there, and so does a side whose records the reader lost (a gap,
 * or framing that is no TLS).
 *
 * Memory: a few keys per direction, beside OpenSSL's two cipher contexts.
 * The record being put together is the reader's, kept only while its
 * body is wanted here (SR_TLS_RECORD_MEMORY_BOUND), and decrypted in place.
 */
#ifndef TLS_DECRYPT_H
#define TLS_DECRYPT_H

#include <glib.h>

#include "keylog.h"
#include "sr_tls.h"

/* Decrypted alerts kept per side (all are counted). */
#define TLS_DECRYPT_MAX_ALERTS 4
#define TLS_DECRYPT_MAX_KEY    32   /* AES-256, ChaCha20 */
#define TLS_DECRYPT_NONCE_LEN  12

/* Where decryption stands, for the connection and for each side.  A side
 * leaves "waiting" once for "decrypting" or a stop, and a stop is final. */
#define TLS_DECRYPT_STATUSES(X)                                                  \
    X(TLS_DECRYPT_WAITING,      "waiting",                                       \
      "Nothing encrypted seen yet")                                              \
    X(TLS_DECRYPT_DECRYPTING,   "decrypting",                                    \
      "Records decrypted and authenticated")                                     \
    X(TLS_DECRYPT_NO_KEY,       "no-key",                                        \
      "Not decrypted: no matching key (the client random is not in the key log)")\
    X(TLS_DECRYPT_KEY_MISMATCH, "key-mismatch",                                  \
      "Not decrypted: the first record under the key log's secret failed to "    \
      "authenticate")                                                            \
    X(TLS_DECRYPT_UNSUPPORTED,  "unsupported-suite",                             \
      "Not decrypted: a version or cipher suite not supported here")            \
    X(TLS_DECRYPT_AUTH_FAILED,  "auth-failed",                                   \
      "A record failed to authenticate: the rest of that direction is not "     \
      "decrypted")                                                               \
    X(TLS_DECRYPT_GAP,          "gap",                                           \
      "Bytes were lost: the rest of that direction is not decrypted")            \
    X(TLS_DECRYPT_RENEGOTIATION, "renegotiation",                                \
      "A TLS 1.2 renegotiation: its new keys are not followed")                  \
    X(TLS_DECRYPT_MALFORMED,    "malformed",                                     \
      "A record or a decrypted handshake message cannot be read further")

#define TLS_DECRYPT_ENUM_(id, name, text) id,
typedef enum {
    TLS_DECRYPT_STATUSES(TLS_DECRYPT_ENUM_)
    TLS_DECRYPT_STATUS_COUNT
} tls_decrypt_status;
#undef TLS_DECRYPT_ENUM_

typedef struct {
    guint8  level;                /* 1 warning, 2 fatal: sr_tls_alert_level_name() */
    guint8  description;          /* sr_tls_alert_name() */
    guint64 frame;
} tls_decrypt_alert;

typedef struct {
    tls_decrypt_status status;
    guint64  status_frame;        /* where it left "waiting" */
    guint64  records;             /* decrypted and authenticated */
    guint64  skipped;             /* encrypted records not decrypted: after a
                                   * stop, or before the ServerHello */
    guint64  plaintext_bytes;     /* application data handed over */
    gboolean finished;            /* its Finished decrypted */
    guint64  finished_frame;
    guint    key_updates;         /* TLS 1.3 KeyUpdates it sent */
    guint    alerts_count;        /* decrypted alerts (all) */
    tls_decrypt_alert alerts[TLS_DECRYPT_MAX_ALERTS];
} tls_decrypt_side;

typedef struct {
    tls_decrypt_status status;    /* the first stop of either side, else
                                   * "decrypting" once a side is, else "waiting" */
    guint16  version;             /* the ServerHello's, once read (0 before) */
    guint16  cipher_suite;
    tls_decrypt_side client;
    tls_decrypt_side server;
} tls_decrypt_stats;

/* Application data of one direction (CLIENT: client to server), LEN > 0
 * bytes, of the record whose last byte came with the feed of FRAME. */
typedef void (*tls_plain_fn)(gboolean client, const guint8 *data, gsize len, guint64 frame,
                             gpointer user_data);

typedef struct tls_decrypt tls_decrypt;

/* K is read when a side first needs its keys, so it must outlive D. */
tls_decrypt *tls_decrypt_new(const keylog *k, tls_plain_fn plain, gpointer user_data);
void tls_decrypt_free(tls_decrypt *d);
/* The three of sr_tls_record_funcs, for the records of one connection in
 * the order the reader hands them over.  begin: whether the record's body
 * is wanted, to be decrypted (no keys, a stop, or nothing encrypted yet:
 * not; such a record of application data is counted skipped).  record:
 * the record whole, decrypted in place when its body was wanted.  lost:
 * that side stops with "gap" (WHY SR_TLS_STOP_GAP: with the bytes, its
 * sequence numbers are lost) or "malformed", unless it already stopped. */
gboolean tls_decrypt_begin(tls_decrypt *d, const sr_tls_info *info, gboolean client,
                           const sr_tls_record *record, guint64 frame);
void tls_decrypt_record(tls_decrypt *d, const sr_tls_info *info, gboolean client,
                        sr_tls_record *record, guint64 frame);
void tls_decrypt_lost(tls_decrypt *d, const sr_tls_info *info, gboolean client,
                      sr_tls_stop why, guint64 frame);
/* The same, with the tls_decrypt as their user data. */
extern const sr_tls_record_funcs tls_decrypt_record_funcs;
/* Valid until the next call on D. */
const tls_decrypt_stats *tls_decrypt_get(const tls_decrypt *d);

/* TRUE when SUITE can be decrypted here in VERSION (the ServerHello's). */
gboolean tls_decrypt_supported(guint16 version, guint16 suite);
/* The record key and iv of TLS 1.3 traffic SECRET (RFC 8446 7.3) for
 * SUITE: FALSE when the suite is not supported or the secret's length is
 * not its hash's.  The key schedule, alone, for the tests. */
gboolean tls_decrypt_tls13_keys(guint16 suite, const guint8 *secret, gsize secret_len,
                                guint8 key[TLS_DECRYPT_MAX_KEY], gsize *key_len,
                                guint8 iv[TLS_DECRYPT_NONCE_LEN]);
/* Never NULL for a value of the enum. */
const char *tls_decrypt_status_name(tls_decrypt_status status);
const char *tls_decrypt_status_description(tls_decrypt_status status);
/* One line for a person: the status's description, naming the suite (its
 * IANA name, else 0xNNNN) when it is not supported.  Free with g_free(). */
gchar *tls_decrypt_describe(const tls_decrypt_stats *stats);

#endif /* TLS_DECRYPT_H */
