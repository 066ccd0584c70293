/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One SMTP or LMTP conversation: replies paired with the commands they
 * answer (in order, pipelined groups of any depth included), the latency of
 * each, the capabilities an EHLO reply offers, whether each code is one its
 * command allows, and the mail transactions (sr_transaction.h).
 */
#ifndef SR_SESSION_H
#define SR_SESSION_H

#include <glib.h>

#include "sr_command.h"
#include "sr_reason.h"
#include "sr_reply.h"
#include "sr_tls.h"
#include "sr_transaction.h"

#define SR_CAP_KEYWORD_MAX 31
#define SR_CAP_PARAMS_MAX  255
/* Commands awaiting replies and the open transaction's recipients are kept
 * up to a budget of bytes per session (sr_config.max_session_bytes, and
 * the pool it may share with others), each counted at these sizes: about
 * 14,000 commands by default.  Past it, commands are not kept (never the
 * oldest) and recipients are counted, not listed. */
#define SR_PENDING_COMMAND_BYTES (sizeof(sr_command) + 3 * sizeof(gpointer))
#define SR_TX_RECIPIENT_BYTES \
    (sizeof(sr_tx_recipient) + SR_ARGUMENT_MAX + 2 * SR_TX_REPLY_LINES * (SR_TX_LINE_MAX + 1))
#define SR_MAX_CAPABILITIES 100   /* kept of one EHLO reply, the first offered */

typedef enum {
    SR_CAP_SIZE,
    SR_CAP_PIPELINING,
    SR_CAP_8BITMIME,
    SR_CAP_STARTTLS,
    SR_CAP_AUTH,
    SR_CAP_ENHANCEDSTATUSCODES,
    SR_CAP_CHUNKING,
    SR_CAP_SMTPUTF8,
    SR_CAP_DSN,
    SR_CAP_BINARYMIME,
    SR_CAP_OTHER,        /* kept verbatim */
} sr_capability_kind;

typedef struct {
    sr_capability_kind kind;
    char  keyword[SR_CAP_KEYWORD_MAX + 1];  /* upper-cased */
    /* The rest of the line, printable ASCII, at most SR_CAP_PARAMS_MAX
     * bytes; "" when there is none.  Valid as long as the list is. */
    const char *params;
    guint line;                             /* its line in the reply, or SR_CAP_LINE_EARLIER */
} sr_capability;

/* The line of a capability read from an earlier part of a reply that was
 * cut (SR_MAX_CAPABILITIES and the reply caps): the list goes on across the
 * parts, but the line indices of one part mean nothing in the next. */
#define SR_CAP_LINE_EARLIER G_MAXUINT

typedef struct {
    GArray  *list;       /* sr_capability, in the order offered */
    GStringChunk *text;  /* holds their params: the decoder's */
    gboolean has_size;
    guint64  size;       /* SIZE's parameter, when given */
    guint    size_index; /* the entry of list it was read from, when has_size */
} sr_capabilities;

/* How a connection came to TLS. */
typedef enum {
    SR_TLS_VIA_STARTTLS,   /* a 220 to STARTTLS (RFC 3207) */
    SR_TLS_VIA_IMPLICIT,   /* from the first byte: port 465 (RFC 8314) */
} sr_tls_via;

/* A connection's TLS handshake, as the TLS reader saw it in clear
 * (sr_tls.h): handed over once, when its outcome is settled, or when the
 * session ends or is interrupted before that; with a decryptor
 * (sr_session_set_tls_decryptor), always when the session ends. */
typedef struct {
    const sr_tls_info *info;
    sr_tls_via         via;
    guint64            starttls_frame;  /* the 220's, for SR_TLS_VIA_STARTTLS */
    /* SR_ANOM_TLS_HANDSHAKE_FAILED when it failed (an alert in clear, not
     * TLS, malformed), else SR_ANOM_COUNT: a gap or an end before it
     * settled is no failure the capture can show. */
    sr_anomaly_kind    anomaly;
    gboolean           interrupted;     /* the reading stopped before it settled */
} sr_tls_event;

/*
 * Decryption, for a caller with keys (the tool, with a key log): the
 * decoder links no crypto, so it hands each side's TLS records over as its
 * reader frames them (sr_tls_record_funcs: each record whole, with the
 * reader's info, which gives the randoms, the version and the suite once
 * the hellos are read), and takes the plaintext back through
 * sr_session_tls_plain(), to be read as in clear.  The records come from
 * inside sr_session_client() and sr_session_server(), and the plaintext
 * may go back at once.
 */
typedef sr_tls_record_funcs sr_tls_decryptor;

/* What pairing found out about one reply. */
typedef struct {
    gboolean   has_command;
    sr_command command;        /* what it answers, when has_command */
    gint64     reply_time_us;  /* when its first byte came */
    gint64     latency_us;     /* reply_time_us - command time; -1 unknown */
    guint64    reply_frame;    /* the caller's id of the packet that completed it */
    /* The greeting: from the client's SYN to its first byte (tarpits,
     * slow banners); -1 when not the greeting or no SYN was seen. */
    gint64     greeting_wait_us;
    /* LMTP: the accepted recipient whose delivery this reply decides
     * (RFC 2033 4.2); else NULL. */
    const char *recipient;
    /* Why, for a 4yz or 5yz reply (SR_REASON_NONE for the rest). */
    sr_reason_result reason;
    GArray    *anomalies;      /* sr_anomaly: sequence and validity findings */
    const sr_capabilities *capabilities; /* an EHLO's 250 reply; else NULL */
    gboolean   tls;            /* it came inside TLS, decrypted */
} sr_exchange;

typedef struct {
    /* Each reply with what pairing found; both valid during the call only. */
    void (*exchange)(const sr_reply *reply, const sr_exchange *exchange, gpointer user_data);
    /* Each command as it is read (optional). */
    void (*command)(const sr_command *command, gpointer user_data);
    /* Each command still unanswered when the session ends (optional). */
    void (*unanswered)(const sr_command *command, gpointer user_data);
    /* Each mail transaction as it ends (optional): after the exchange of
     * the reply that ended it, or from sr_session_finish().  Valid during
     * the call only. */
    void (*transaction)(const sr_transaction *transaction, gpointer user_data);
    /* The TLS handshake (optional).  Without it the bytes after STARTTLS
     * are not read at all (the plugin leaves TLS to Wireshark); with it a
     * TLS reader reads them in clear, at most SR_TLS_MEMORY_BOUND more
     * bytes per session (and SR_TLS_RECORD_MEMORY_BOUND with a
     * decryptor).  Valid during the call only. */
    void (*tls)(const sr_tls_event *event, gpointer user_data);
} sr_session_callbacks;

/* One conversation's state: the decoder's own. */
typedef struct sr_session sr_session;

/* CFG may be NULL for the defaults. */
sr_session *sr_session_new(const sr_config *cfg, const sr_session_callbacks *cb,
                           gpointer user_data);
void sr_session_free(sr_session *s);
/* As after sr_session_new() with the same configuration and callbacks,
 * now for USER_DATA; its memory is kept, so a program that sees many short
 * sessions can reuse one instead of freeing it and making another. */
void sr_session_reset(sr_session *s, gpointer user_data);

/* The time_us every function here takes: SEC seconds and USEC
 * microseconds since the epoch, clamped to +-SR_TIME_LIMIT_US (about 73,000
 * years).  A capture's timestamps can be any 64-bit value (pcapng in a
 * coarse resolution), and every difference of two times the session takes
 * (reply times) or its caller does (idle timeouts) must stay exact.  USEC
 * may be past a second, up to 2^32 - 1 (a damaged file's field). */
#define SR_TIME_LIMIT_US ((gint64)1 << 61)
gint64 sr_time_us(gint64 sec, gint64 usec);

/* Client-to-server bytes, in order; FRAME is the caller's packet id. */
void sr_session_client(sr_session *s, const guint8 *data, gsize len, gint64 time_us, guint64 frame);
void sr_session_client_gap(sr_session *s, guint64 missing);
/* Server-to-client bytes, in order: framed into replies here and paired.
 * A caller that frames replies itself calls sr_session_server_gap on a gap
 * all the same, so pairing can skip what the lost replies answered. */
void sr_session_server(sr_session *s, const guint8 *data, gsize len, gint64 time_us, guint64 frame);
void sr_session_server_gap(sr_session *s, guint64 missing);
/* The client's SYN was captured at TIME_US: the greeting's wait counts from it. */
void sr_session_connected(sr_session *s, gint64 time_us);
/* The capture began mid-conversation: read on at the next line. */
void sr_session_resync(sr_session *s);
/* Pairs a reply the caller framed itself (the Wireshark plugin does). */
void sr_session_pair(sr_session *s, const sr_reply *reply, gint64 reply_time_us, guint64 frame);
/* End of the conversation: open replies, the open transaction, then
 * unanswered commands. */
void sr_session_finish(sr_session *s);
/* The reading stopped, not the conversation (Ctrl-C): the open reply is
 * handed over marked interrupted, the open transaction ends "interrupted",
 * and the commands still waiting are dropped, not reported unanswered. */
void sr_session_interrupt(sr_session *s);
gboolean sr_session_in_tls(const sr_session *s);
/* Hands this session's TLS records to D (with USER_DATA); NULL for none.
 * Set it before TLS begins.  Needs the tls callback: the reader frames
 * the records.  With D the reader keeps, per direction, the body of a
 * record D wants (SR_TLS_RECORD_MEMORY_BOUND more per session). */
void sr_session_set_tls_decryptor(sr_session *s, const sr_tls_decryptor *d, gpointer user_data);
/* Decrypted application data of one side, in order, from the decryptor:
 * read as the bytes in clear are, its replies marked exchange.tls.  After
 * STARTTLS the conversation starts again (RFC 3207 4.2): the client's next
 * command is EHLO, and the server has forgotten the old one. */
void sr_session_tls_plain(sr_session *s, gboolean client, const guint8 *data, gsize len,
                          gint64 time_us, guint64 frame);
/* For a caller that frames replies itself and has the plaintext from
 * elsewhere (the plugin: Wireshark decrypts): from now on the bytes handed
 * over, to sr_session_tls_plain() for the client and sr_session_pair()
 * for the server's replies, are TLS's plaintext.  After sr_session_tls_plain's
 * rules; a session not yet in TLS is taken for implicit TLS.  Calling it
 * again changes nothing. */
void sr_session_tls_decrypted(sr_session *s);
/* The bytes handed over are TLS's plaintext: sr_session_tls_plain() or
 * sr_session_tls_decrypted() was called.  A session in TLS without it
 * (sr_session_in_tls) has no plaintext yet, and may never have any. */
gboolean sr_session_tls_plaintext(const sr_session *s);
/* The server's port is one of implicit TLS (RFC 8314: 465): the
 * connection is TLS from its first byte.  Call before any bytes. */
void sr_session_implicit_tls(sr_session *s);
/* Nothing more in this connection is SMTP: QUIT was answered with 221, the
 * server said 421 (RFC 5321 3.8), or STARTTLS was accepted. */
gboolean sr_session_ended(const sr_session *s);

/* Which end of a TCP packet is the SMTP server. */
typedef enum {
    SR_SERVER_SOURCE,
    SR_SERVER_DESTINATION,
} sr_server_side;

/* Decides it for a packet from SPORT to DPORT: the port that received the
 * connection's SYN when the handshake was seen (HANDSHAKE_PORT, 0 when
 * not), else the one end on a server port (SPORT_SERVER, DPORT_SERVER:
 * the configured ports), else this packet's own SYN or SYN-ACK (SYN, ACK:
 * its flags), else the lower port. */
sr_server_side sr_server_side_of(guint16 sport, guint16 dport, gboolean sport_server,
                                 gboolean dport_server, guint16 handshake_port, gboolean syn,
                                 gboolean ack);

const char *sr_capability_kind_name(sr_capability_kind kind);

#endif /* SR_SESSION_H */
