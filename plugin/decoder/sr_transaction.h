/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A mail transaction (RFC 5321 3.3): from a MAIL command to the reply that
 * ends its data, or to whatever abandons it.  Which recipient got which
 * answer, and what became of the message for each: in SMTP the one reply
 * to the end of the data decides for every accepted recipient; in LMTP
 * (RFC 2033 4.2) each accepted recipient gets a reply of its own.
 *
 * sr_session builds them; its caller gets each one when it ends.
 */
#ifndef SR_TRANSACTION_H
#define SR_TRANSACTION_H

#include <glib.h>

#include "sr_reply.h"

/* Kept of one reply: its first lines, each cut at a length. */
#define SR_TX_REPLY_LINES 4
#define SR_TX_LINE_MAX    256
/* Recipients kept with their replies; more are counted by outcome only. */
#define SR_TX_MAX_RECIPIENTS 1000

/* One list makes the enum and its names (JSON, text and Wireshark alike). */
#define SR_TX_STATUS_LIST(X) \
    X(ACCEPTED, "accepted")        /* every recipient's delivery reply was 2yz */ \
    X(PARTIAL, "partial")          /* some recipients accepted, some refused */ \
    X(REJECTED, "rejected")        /* refused for good (5yz): MAIL, every RCPT, DATA or the message */ \
    X(DEFERRED, "deferred")        /* refused for now (4yz): to be tried again */ \
    X(ABORTED, "aborted")          /* the client gave up: RSET, QUIT, a new MAIL or HELO */ \
    X(UNFINISHED, "unfinished")    /* the connection, the capture or the reading ended first */

#define SR_TX_END_LIST(X) \
    X(DATA, "end-of-data")         /* the reply to the end of the data (DATA or BDAT LAST) */ \
    X(RSET, "rset") \
    X(MAIL, "mail")                /* the next MAIL */ \
    X(HELLO, "hello")              /* HELO, EHLO or LHLO, which reset the transaction */ \
    X(STARTTLS, "starttls") \
    X(QUIT, "quit") \
    X(CLOSED, "server-closed")     /* a 421: the server closes the connection */ \
    X(CONNECTION, "connection-end") \
    X(INTERRUPTED, "interrupted")  /* the reading stopped (Ctrl-C), not the connection */

#define SR_TX_ENUM_STATUS(name, text) SR_TX_##name,
typedef enum { SR_TX_STATUS_LIST(SR_TX_ENUM_STATUS) SR_TX_STATUS_COUNT } sr_tx_status;
#undef SR_TX_ENUM_STATUS
#define SR_TX_ENUM_END(name, text) SR_TX_END_##name,
typedef enum { SR_TX_END_LIST(SR_TX_ENUM_END) SR_TX_END_COUNT } sr_tx_end;
#undef SR_TX_ENUM_END

/* One reply as a transaction keeps it; its lines live in the
 * transaction's string chunk, so copies of it share them. */
typedef struct {
    gboolean present;
    gboolean has_code;          /* sr_reply_has_code(); else code is 0 and means nothing */
    guint16  code;
    char     enhanced[16];      /* "5.1.1", or "" */
    guint    line_count;        /* all its lines; the first SR_TX_REPLY_LINES are kept */
    gchar   *lines[SR_TX_REPLY_LINES]; /* the text after the code, as sent, cut at SR_TX_LINE_MAX */
    gint64   time_us;           /* when its first byte came */
    guint64  frame;             /* the caller's id of the packet that completed it */
} sr_tx_reply;

typedef struct {
    gchar      *address;        /* the forward-path, without angle brackets; NULL for a bare RCPT */
    sr_tx_reply rcpt;           /* the reply to its RCPT */
    sr_tx_reply data;           /* if accepted: the reply that decided its delivery */
} sr_tx_recipient;

typedef struct {
    guint        depth;         /* 1, 2, ...: its place in the session (Zeek's trans_depth) */
    gboolean     lmtp;
    gboolean     tls;           /* inside TLS (after STARTTLS, or implicit) */
    gchar       *helo;          /* the domain of the last HELO, EHLO or LHLO, or NULL */
    gchar       *mailfrom;      /* the reverse-path without brackets ("" for <>), or NULL */
    sr_tx_reply  mail;          /* the reply to MAIL */
    GArray      *recipients;    /* sr_tx_recipient, in RCPT order, at most SR_TX_MAX_RECIPIENTS */
    guint        rcpt_total;    /* RCPT commands answered, kept or not */
    guint        rcpt_accepted; /* of which 2yz */
    guint        delivered;     /* accepted recipients whose delivery reply was 2yz */
    guint        refused_later; /* ... 4yz or 5yz */
    sr_tx_reply  data;          /* the reply to DATA (354, or a refusal) */
    /* The last reply of the transaction, as Zeek's last_reply: its code
     * (0: none yet) and its first line, cut at SR_TX_LINE_MAX. */
    guint16      last_code;
    char         last_text[SR_TX_LINE_MAX + 1];
    gboolean     has_size;
    guint64      size;          /* message bytes sent (DATA body up to the dot, or BDAT chunks) */
    gboolean     has_declared_size;
    guint64      declared_size; /* MAIL's SIZE parameter */
    gchar       *queue_id;      /* named by the accepting reply, or NULL */
    GStringChunk *strings;      /* every string above and in the replies */
    const char  *queue_id_source; /* whose wording named it ("Postfix", ...) */
    sr_tx_status status;
    sr_tx_end    end;
    gint64       start_us;      /* the MAIL command's first byte */
    gint64       end_us;        /* the first byte of the reply that ended it; -1 if none did */
    guint64      end_frame;     /* the caller's id of the packet that completed it; 0 if none */
} sr_transaction;

const char *sr_tx_status_name(sr_tx_status status);
const char *sr_tx_end_name(sr_tx_end end);

/* The calls sr_session makes, in this order. */
/* Storage a finished transaction leaves for the next one of its session. */
typedef struct {
    GArray       *recipients;   /* empty */
    GStringChunk *strings;      /* cleared */
} sr_tx_storage;

/* SPARE: storage from sr_transaction_release() to reuse (taken), or NULL. */
void sr_transaction_begin(sr_transaction *tx, guint depth, const char *helo, gboolean lmtp,
                          gboolean tls, const char *mailfrom, gsize mailfrom_len,
                          gint64 start_us, sr_tx_storage *spare);
/* REPLY as OUT keeps it, its lines copied into TX's strings. */
void sr_transaction_reply(sr_transaction *tx, sr_tx_reply *out, const sr_reply *reply,
                          gint64 time_us, guint64 frame);
/* REPLY is the transaction's last so far. */
void sr_transaction_last(sr_transaction *tx, const sr_reply *reply);
/* A RCPT answered, with its reply: counted, and listed when KEEP (the
 * session's budget). */
void sr_transaction_add_recipient(sr_transaction *tx, const char *address, gsize len,
                                  const sr_tx_reply *rcpt, gboolean keep);
/* The delivery reply for accepted recipient INDEX (0, 1, ... among the
 * accepted ones), or for every accepted recipient when INDEX is -1. */
void sr_transaction_delivery(sr_transaction *tx, gint index, const sr_tx_reply *reply,
                             const sr_reply *whole);
/* Decides the status; END says what ended it, and when (END_FRAME: 0 when
 * no reply did). */
void sr_transaction_close(sr_transaction *tx, sr_tx_end end, gint64 end_us, guint64 end_frame);
void sr_transaction_clear(sr_transaction *tx);
/* As sr_transaction_clear(), but its storage is handed back, emptied, for
 * the next transaction: a session has many, each with a dozen strings. */
sr_tx_storage sr_transaction_release(sr_transaction *tx);
void sr_tx_storage_free(sr_tx_storage *storage);

#endif /* SR_TRANSACTION_H */
