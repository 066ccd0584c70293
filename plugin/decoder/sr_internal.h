/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state of the decoder's readers: a parser (sr_reply.h), a command
 * reader (sr_command.h) and a session (sr_session.h).  For the decoder's
 * own files, and for the white-box tests and fuzz targets that look inside;
 * not installed.  Everyone else holds these through the opaque types and
 * their functions, so that the fields here can change freely.
 */
#ifndef SR_INTERNAL_H
#define SR_INTERNAL_H

#include "sr_session.h"

struct sr_parser {
    sr_config       config;
    sr_line_framer  framer;
    sr_reply        reply;
    gboolean        open;          /* a reply has lines and awaits more */
    gboolean        resync;        /* discard lines until a reply line */
    guint64         cut_by_gap;    /* the reply handed over now was cut by a gap */
    guint64         pending_gap;   /* to report on the next reply */
    guint64         pending_skip;
    guint64         pending_skip_offset;
    gboolean        interrupting;  /* inside sr_parser_interrupt() */
    sr_parser_stats stats;
    sr_reply_func   func;
    gpointer        user_data;
};

/* On storage the caller owns (a session holds its parser and its command
 * reader in place): as sr_parser_new() and sr_parser_free() do on the heap. */
void sr_parser_init(sr_parser *p, const sr_config *cfg, sr_reply_func func, gpointer user_data);
void sr_parser_clear(sr_parser *p);

/* A part of what was held: LEN bytes fed at once, or LEN bytes lost. */
typedef struct {
    guint64  len;
    gint64   time_us;
    guint64  frame;
    gboolean gap;
} sr_held_feed;

struct sr_client {
    sr_line_framer  framer;
    sr_client_mode  mode;
    gboolean        resync;        /* the first line may be the end of one */
    /* SR_CLIENT_BODY: the body line being scanned (see scan_body). */
    guint64         body_line_start;
    guint64         body_line_len;
    guint8          body_head[2];  /* its first bytes: is it "." alone? */
    guint64         chunk_left;    /* SR_CLIENT_CHUNK: bytes still to skip */
    /* SR_CLIENT_HOLD: a client may send its message before DATA's reply
     * (most servers read it all the same); after 354 the bytes are the
     * message, after a refusal they are commands. */
    GByteArray     *held;          /* at most SR_HOLD_MAX bytes */
    GArray         *held_feeds;    /* sr_held_feed: each part in order, gaps too */
    gint64          line_time_us;  /* when the current line's first byte came */
    guint64         line_frame;
    gint64          now_us;        /* the feed in progress */
    guint64         now_frame;
    sr_command_func func;
    gpointer        user_data;
};

void sr_client_init(sr_client *c, sr_command_func func, gpointer user_data);
void sr_client_clear(sr_client *c);

struct sr_session {
    sr_client        client;
    sr_parser        server;
    GQueue           pending;        /* sr_command *, oldest first */
    gboolean         greeted;        /* the first reply has been seen */
    gboolean         midstream;      /* the capture began mid-conversation */
    gboolean         seen_command;
    gboolean         hello_done;     /* HELO or EHLO accepted */
    gboolean         enhanced_offered;
    gboolean         tls;            /* STARTTLS accepted: the rest is TLS */
    gboolean         after_gap;      /* server bytes were lost since the last reply */
    gboolean         cut_pending;    /* a gap cut the last reply: its rest may follow */
    guint16          cut_code;
    gboolean         cut_from_queue;
    sr_command       cut_command;    /* what the cut reply answered */
    gboolean         pairing_rest;   /* the reply being paired is a cut one's rest */
    gint64           reply_time_us;  /* first byte of what is pending in the parser */
    gint64           server_now_us;
    guint64          server_feed_offset; /* where the feed in progress began */
    sr_exchange      exchange;
    sr_capabilities  capabilities;
    gboolean         capabilities_cut; /* the EHLO reply was cut by a gap */
    gsize            max_session_bytes;
    gsize            kept_bytes;      /* charged against it (and the pool) */
    sr_memory_pool  *pool;
    guint            tx_kept;         /* recipients of the open transaction charged */
    guint64          pending_dropped; /* commands not kept for want of budget, still to be answered */
    gboolean         overflow_told;   /* pipeline-overflow said once */
    gboolean         lmtp;            /* the client said LHLO */
    guint            lmtp_left;       /* LMTP: replies still due to the end of data at the head */
    guint            lmtp_rank;       /* LMTP: the accepted recipient the next one is for */
    gchar           *helo;            /* the last HELO, EHLO or LHLO domain */
    guint            lmtp_current;    /* LMTP: the rank the reply being paired is for */
    gboolean         answers_dropped; /* the reply being paired answers a command not kept */
    gboolean         tx_open;
    sr_transaction   tx;
    guint            tx_depth;
    guint64          data_body_start; /* client offset where the DATA body begins */
    gboolean         tx_done_ready;   /* tx_done ended with the reply being paired */
    sr_transaction   tx_done;
    sr_tx_storage    tx_spare;        /* a finished transaction's storage, to reuse */
    guint64          server_frame;    /* the feed in progress */
    gint64           connect_us;      /* when the client's SYN was captured; -1 unknown */
    gboolean         ended;           /* QUIT answered, a 421, or TLS: no more SMTP */
    sr_tls          *tls_reader;      /* with cb.tls, once TLS began */
    sr_tls_via       tls_via;
    guint64          tls_starttls_frame;
    guint64          tls_server_start;/* server stream offset where TLS begins */
    gboolean         tls_told;        /* cb.tls was called */
    guint64          tls_client_frame;/* the client's TLS feed in progress */
    const sr_tls_decryptor *decryptor;
    gpointer         decryptor_data;
    gboolean         tls_plain;       /* decrypted bytes came: SMTP goes on inside TLS */
    sr_session_callbacks cb;
    gpointer         user_data;
};

void sr_session_init(sr_session *s, const sr_config *cfg, const sr_session_callbacks *cb,
                     gpointer user_data);
void sr_session_clear(sr_session *s);

#endif /* SR_INTERNAL_H */
