/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TLS seen in clear, without keys (issue 18): after an accepted STARTTLS,
 * or from the first byte on port 465 (RFC 8314 implicit TLS).  Reads the
 * record layer of both directions and the handshake messages sent in
 * clear: the ClientHello (versions, SNI, ALPN, cipher suites offered), the
 * ServerHello (the version and suite chosen), TLS 1.2's Certificate (the
 * first certificate's DER bytes, handed over for the caller to parse with
 * GnuTLS: the decoder links GLib only), alerts in clear, and, from the
 * records alone, where each side turns encrypted and whether the handshake
 * completed.  Once a side is encrypted its records are counted and skipped
 * by their length, never kept by the reader itself.
 *
 * The reader is also the one record layer of the decoder: a consumer set
 * with sr_tls_set_record_funcs() (the tool's decryptor) is handed each
 * record it frames, so no one else frames TLS records again.
 *
 * Memory is bounded: per direction a record header and the one handshake
 * message being put together, kept only for the three messages read (at
 * most SR_TLS_MAX_MESSAGE bytes; a longer one stops the reading as
 * malformed), and one copy of the first certificate (SR_TLS_MAX_CERT).
 * A record consumer adds, per direction, the body of the record it asked
 * to keep (SR_TLS_RECORD_MEMORY_BOUND).
 *
 * Feed the two directions in the order they were captured.  What a
 * record means can depend on the other side: after the client's
 * ChangeCipherSpec, TLS 1.2's Finished is encrypted while TLS 1.3's second
 * ClientHello (after a HelloRetryRequest) is not, and only the server's
 * hello tells the two apart.
 */
#ifndef SR_TLS_H
#define SR_TLS_H

#include <glib.h>

/* Longest record body: TLSCiphertext.length (RFC 5246 6.2.3); longer is
 * malformed in every version. */
#define SR_TLS_MAX_RECORD   (16384 + 2048)
/* Longest ClientHello or ServerHello kept to be read (of a Certificate,
 * only what holds the first certificate is kept). */
#define SR_TLS_MAX_MESSAGE  (64 * 1024)
/* Longest first certificate copied; a longer one is only measured. */
#define SR_TLS_MAX_CERT     (16 * 1024)
#define SR_TLS_MAX_VERSIONS 16   /* supported_versions kept */
#define SR_TLS_MAX_SUITES   64   /* cipher suites kept (all are counted) */
#define SR_TLS_MAX_SNI      255  /* bytes of the host name kept */
#define SR_TLS_MAX_ALPN     8    /* ALPN protocols kept (all are counted) */
#define SR_TLS_MAX_ALPN_LEN 255  /* the longest a protocol name can be */
#define SR_TLS_MAX_ALERTS   8    /* alerts in clear kept (all are counted) */

/* The most the reader holds at any time, for all it buffers and copies,
 * without a record consumer. */
#define SR_TLS_MEMORY_BOUND (2 * SR_TLS_MAX_MESSAGE + SR_TLS_MAX_CERT)
/* What a record consumer adds to it: one record body per direction, held
 * only while the consumer keeps asking for bodies. */
#define SR_TLS_RECORD_MEMORY_BOUND (2 * SR_TLS_MAX_RECORD)

#define SR_TLS_VERSION_SSL3  0x0300
#define SR_TLS_VERSION_TLS10 0x0301
#define SR_TLS_VERSION_TLS11 0x0302
#define SR_TLS_VERSION_TLS12 0x0303
#define SR_TLS_VERSION_TLS13 0x0304

/* Record content types (RFC 8446 5.1, RFC 6520); indexes
 * sr_tls_side.records by type - SR_TLS_CHANGE_CIPHER_SPEC. */
typedef enum {
    SR_TLS_CHANGE_CIPHER_SPEC = 20,
    SR_TLS_ALERT              = 21,
    SR_TLS_HANDSHAKE          = 22,
    SR_TLS_APPLICATION_DATA   = 23,
    SR_TLS_HEARTBEAT          = 24,
} sr_tls_content_type;
#define SR_TLS_CONTENT_TYPES 5

typedef enum {
    SR_TLS_STATE_HANDSHAKE,  /* some of it is still read in clear */
    SR_TLS_STATE_ENCRYPTED,  /* both sides encrypted: records are only counted */
    SR_TLS_STATE_DONE,       /* nothing more is read: finished, or both sides stopped */
} sr_tls_state;

/*
 * What became of the handshake.  Decided once, at the first event that
 * settles it (sr_tls_info.outcome_frame), and never changed afterwards.
 *
 * Without keys, "completed" is read from the records, not from the
 * Finished messages (which TLS 1.3 encrypts).  It means, with no alert in
 * clear that ends the handshake (see failed-alert) before it:
 *
 * - TLS 1.2 and older (the ServerHello's version): each side sent its
 *   ChangeCipherSpec and then one more record, its encrypted Finished.
 *   Decided at the later of the two.
 * - TLS 1.3 (the ServerHello's supported_versions): after the ServerHello
 *   (not a HelloRetryRequest), the server sent at least one
 *   application_data record (its encrypted flight) and the client at
 *   least two.  The client's first is its Finished (or the flight that
 *   ends with it); a client that rejects the server's flight sends one
 *   encrypted alert instead and stops, so a second record is what only a
 *   client past its Finished sends: the SMTP dialogue's first command, or
 *   anything else.  Decided at the client's second record.
 *
 * "failed-alert": an alert in clear ended it first: a fatal one, a
 * close_notify (its sender is done), or in TLS 1.3 any but user_canceled
 * whatever its level says (RFC 8446 6.2).  A TLS 1.2 warning, such as the
 * unrecognized_name some servers send, is listed but lets it go on.
 * "not-tls", "malformed" and "gap": a side stopped (sr_tls_side.stop)
 * before it settled.
 *
 * What this cannot see: an alert encrypted under the new keys looks like
 * any other record.  A server that rejects the client's Finished (or its
 * certificate) after the client already sent a command, and a TLS 1.2
 * client that rejects the server's Finished, are taken for "completed".
 * A stream that ends before either rule settles is "unknown" (a TLS 1.3
 * client that sent one encrypted record and left may have failed).
 */
#define SR_TLS_OUTCOMES(X)                                                       \
    X(SR_TLS_UNKNOWN,      "unknown",                                            \
      "Not settled: still in progress, or the streams ended before it was")      \
    X(SR_TLS_COMPLETED,    "completed",                                          \
      "Both sides went on encrypted past the handshake, with no alert in clear") \
    X(SR_TLS_FAILED_ALERT, "failed-alert",                                       \
      "An alert in clear ended the handshake")                                   \
    X(SR_TLS_NOT_TLS,      "not-tls",                                            \
      "A side's first bytes are not a TLS record")                               \
    X(SR_TLS_MALFORMED,    "malformed",                                          \
      "A side's records or handshake messages cannot be read further")           \
    X(SR_TLS_GAP,          "gap",                                                \
      "Bytes were lost where they were needed to read on")

#define SR_TLS_ENUM_(id, name, text) id,
typedef enum {
    SR_TLS_OUTCOMES(SR_TLS_ENUM_)
    SR_TLS_OUTCOME_COUNT
} sr_tls_outcome;

/* Why one side's reading stopped; SR_TLS_STOP_NONE while it goes on. */
#define SR_TLS_STOPS(X)                                                          \
    X(SR_TLS_STOP_NONE,             "none",             "Still read")            \
    X(SR_TLS_STOP_NOT_TLS,          "not-tls",                                   \
      "First bytes not a TLS record header (content type 20-24, version 3.x)")   \
    X(SR_TLS_STOP_SSLV2,            "sslv2-header",                              \
      "First byte has the high bit set, as an SSL 2.0 record header does")       \
    X(SR_TLS_STOP_BAD_CONTENT_TYPE, "bad-content-type",                          \
      "A record of a content type TLS does not define")                          \
    X(SR_TLS_STOP_BAD_VERSION,      "bad-record-version",                        \
      "A record whose version is not 3.0 to 3.4")                                \
    X(SR_TLS_STOP_RECORD_TOO_LONG,  "record-too-long",                           \
      "A record longer than 2^14 + 2048 bytes (RFC 5246 6.2.3)")                 \
    X(SR_TLS_STOP_MESSAGE_TOO_LONG, "message-too-long",                          \
      "A ClientHello or ServerHello longer than the 64 KiB the reader keeps")    \
    X(SR_TLS_STOP_CCS_IN_MESSAGE,   "ccs-inside-message",                        \
      "A ChangeCipherSpec before the handshake message being read ended")        \
    X(SR_TLS_STOP_GAP,              "gap",                                       \
      "Bytes lost where the records could not be followed past them")

typedef enum {
    SR_TLS_STOPS(SR_TLS_ENUM_)
    SR_TLS_STOP_COUNT
} sr_tls_stop;
#undef SR_TLS_ENUM_

/* One side of the connection, as its records show it. */
typedef struct {
    guint64     bytes;            /* fed, after a stop too */
    guint64     lost;             /* reported lost by sr_tls_gap() */
    guint       records[SR_TLS_CONTENT_TYPES]; /* whole records, by content type */
    guint       encrypted_records;/* of those: application_data, and in TLS 1.2
                                   * whatever follows the ChangeCipherSpec */
    guint       encrypted_alerts; /* TLS 1.2 alert records after the
                                   * ChangeCipherSpec: there, but unreadable */
    gboolean    encrypted;        /* has sent an encrypted record */
    guint64     encrypted_frame;  /* the first one's, when encrypted */
    gboolean    finished;         /* TLS 1.2: the record after its ChangeCipherSpec
                                   * (its encrypted Finished) */
    guint64     finished_frame;
    sr_tls_stop stop;             /* why its reading stopped */
    guint64     stop_frame;
} sr_tls_side;

typedef struct {
    gboolean seen;
    guint64  frame;               /* where its last byte came */
    guint    hellos;              /* 2 after a HelloRetryRequest */
    gboolean malformed;           /* its fields are not all well formed: those
                                   * below were read up to the first fault */
    guint16  record_version;      /* of the record that began it */
    guint16  legacy_version;
    guint8   random[32];          /* names the key log's secrets of this
                                   * connection (CLIENT_RANDOM and the rest) */
    guint    versions_count;      /* supported_versions offered (all) */
    guint16  versions[SR_TLS_MAX_VERSIONS];
    gboolean has_supported_versions;
    guint    suites_count;        /* cipher suites offered (all, SCSVs too) */
    guint16  suites[SR_TLS_MAX_SUITES];
    gboolean has_sni;
    gsize    sni_length;          /* the whole host name's */
    guint8   sni[SR_TLS_MAX_SNI]; /* its first bytes, raw: the caller escapes */
    guint    alpn_count;          /* protocols offered (all) */
    guint8   alpn_length[SR_TLS_MAX_ALPN];
    guint8   alpn[SR_TLS_MAX_ALPN][SR_TLS_MAX_ALPN_LEN]; /* raw */
    gboolean encrypt_then_mac;    /* offers encrypt_then_mac (RFC 7366) */
} sr_tls_client_hello;

typedef struct {
    gboolean seen;                /* a ServerHello that is not a HelloRetryRequest */
    guint64  frame;
    gboolean malformed;
    guint16  legacy_version;
    guint8   random[32];          /* TLS 1.2's key derivation needs it */
    guint16  version;             /* chosen: supported_versions, else legacy_version */
    gboolean has_supported_versions;
    guint16  cipher_suite;
    gboolean encrypt_then_mac;    /* echoes encrypt_then_mac: TLS 1.2's CBC
                                   * records are MACed after encryption */
    gboolean hello_retry;         /* a HelloRetryRequest came first */
    guint64  hello_retry_frame;
} sr_tls_server_hello;

/* The server's Certificate message, when sent in clear (TLS 1.2 and older;
 * TLS 1.3 encrypts it). */
typedef struct {
    gboolean      seen;
    guint64       frame;
    gboolean      malformed;
    guint         count;          /* certificates read in it (those within the
                                   * bytes kept: a huge chain counts short) */
    gsize         first_length;   /* the first certificate's, as the message says */
    const guint8 *der;            /* its DER bytes when whole and at most
                                   * SR_TLS_MAX_CERT long, else NULL; valid
                                   * until sr_tls_free() */
    gsize         der_length;
} sr_tls_certificate;

typedef struct {
    gboolean from_client;
    guint8   level;               /* 1 warning, 2 fatal */
    guint8   description;         /* sr_tls_alert_name() */
    guint64  frame;
} sr_tls_alert;

typedef struct {
    sr_tls_client_hello client_hello;
    sr_tls_server_hello server_hello;
    sr_tls_certificate  certificate;
    guint               alerts_total;   /* alerts in clear, both sides */
    guint               alerts_count;   /* kept, the first ones */
    sr_tls_alert        alerts[SR_TLS_MAX_ALERTS];
    sr_tls_side         client;
    sr_tls_side         server;
    sr_tls_state        state;
    sr_tls_outcome      outcome;
    guint64             outcome_frame;  /* where it was decided, unless unknown */
    gboolean            outcome_client; /* the side that decided it, unless
                                         * unknown or completed */
} sr_tls_info;

typedef struct sr_tls sr_tls;     /* one TLS connection, both directions */

/* Every frame in sr_tls_info is that of the feed (or gap) that brought the
 * last byte of what it dates: a message, an alert, a record. */

sr_tls *sr_tls_new(void);
void sr_tls_free(sr_tls *t);
/* In-order bytes of one direction (CLIENT: client to server) from the
 * caller's packet FRAME. */
void sr_tls_feed(sr_tls *t, gboolean client, const guint8 *data, gsize len, guint64 frame);
/* MISSING bytes of one direction were lost, seen at FRAME.  Inside an
 * encrypted record's body, which is skipped anyway, the reading goes on;
 * anywhere else that side stops (SR_TLS_STOP_GAP). */
void sr_tls_gap(sr_tls *t, gboolean client, guint64 missing, guint64 frame);
/* Both streams ended: an unsettled outcome stays unknown for good. */
void sr_tls_finish(sr_tls *t);
/* What was read so far; valid until the next call on T. */
const sr_tls_info *sr_tls_info_get(const sr_tls *t);
/* The bytes T holds now beyond its own struct: at most SR_TLS_MEMORY_BOUND,
 * and SR_TLS_RECORD_MEMORY_BOUND more with a record consumer. */
gsize sr_tls_memory(const sr_tls *t);

/*
 * Records, for a consumer that needs them whole (decryption): the reader
 * frames each direction's records (RFC 8446 5.1, RFC 5246 6.2) and hands
 * them over as they end.  A record's header is told first, for the
 * consumer to say whether it wants the body: only then does the reader
 * keep it (at most SR_TLS_MAX_RECORD bytes; a header with a longer length
 * is the record layer's error, malformed, and ends the records of that
 * side).  The records of a side go on being framed after its reading in
 * clear stopped for a handshake message (message-too-long,
 * ccs-inside-message): the record layer is still sound there.
 *
 * They end, for good, for that side, with one call to lost: at a gap
 * anywhere (inside a body too: what follows may be framed, but a consumer
 * that counts records, as decryption's sequence numbers do, has lost
 * count), or at a header that is no TLS record (the stops not-tls,
 * sslv2-header, bad-content-type, bad-record-version, record-too-long).
 * A record a gap or the end of the streams cut is begun but never handed
 * over: nothing of an incomplete record reaches the consumer.
 *
 * Each call carries the reader's info as it stands at that point of the
 * stream (the hellos read before this record), and FRAME, that of the
 * feed (or gap) that brought the header's last byte (begin), the record's
 * last byte (record) or the loss (lost).  Calls come from inside
 * sr_tls_feed() and sr_tls_gap(); the consumer must not call into T.
 */
typedef struct {
    guint8   type;                /* content type, 20 to 24 (sr_tls_content_type) */
    guint16  version;             /* legacy_record_version, 3.0 to 3.4 */
    gsize    length;              /* of the body (the fragment), <= SR_TLS_MAX_RECORD */
    /* The body, in record only and only when begin wanted it; else NULL.
     * The consumer may change it in place (decrypt it) during the call. */
    guint8  *body;
} sr_tls_record;

typedef struct {
    /* A record's header: TRUE to have its body kept for record. */
    gboolean (*begin)(gpointer user_data, const sr_tls_info *info, gboolean client,
                      const sr_tls_record *record, guint64 frame);
    /* The record, whole. */
    void (*record)(gpointer user_data, const sr_tls_info *info, gboolean client,
                   sr_tls_record *record, guint64 frame);
    /* CLIENT's records cannot be followed from here on (WHY: SR_TLS_STOP_GAP,
     * or the record layer's fault): no more calls for that side. */
    void (*lost)(gpointer user_data, const sr_tls_info *info, gboolean client, sr_tls_stop why,
                 guint64 frame);
} sr_tls_record_funcs;

/* Hands T's records to FUNCS (with USER_DATA), NULL for none.  Set it
 * before the first byte: a side already fed is not followed. */
void sr_tls_set_record_funcs(sr_tls *t, const sr_tls_record_funcs *funcs, gpointer user_data);
/* TRUE when VERSION is TLS 1.3 or one of its drafts. */
gboolean sr_tls_version_is_13(guint16 version);

/* Names: NULL for a number they do not know (print it as 0xNNNN). */
const char *sr_tls_version_name(guint16 version);        /* "TLS 1.2", "GREASE" */
const char *sr_tls_cipher_suite_name(guint16 suite);     /* IANA's, "TLS_AES_128_GCM_SHA256" */
const char *sr_tls_alert_name(guint8 description);      /* RFC 8446's, "unknown_ca" */
const char *sr_tls_alert_level_name(guint8 level);       /* "warning", "fatal" */
const char *sr_tls_content_type_name(guint8 type);       /* "handshake" */
/* How every output shows such a number: NAME (one of the above's) when
 * there is one, else VALUE as "0x%04x" written into BUF and BUF returned. */
#define SR_TLS_LABEL_SIZE (sizeof "0xffff")
const char *sr_tls_label(const char *name, guint16 value, char buf[SR_TLS_LABEL_SIZE]);
/* Never NULL for a value of the enum. */
const char *sr_tls_outcome_name(sr_tls_outcome outcome);
const char *sr_tls_outcome_description(sr_tls_outcome outcome);
const char *sr_tls_stop_name(sr_tls_stop stop);
const char *sr_tls_stop_description(sr_tls_stop stop);
const char *sr_tls_state_name(sr_tls_state state);

#endif /* SR_TLS_H */
