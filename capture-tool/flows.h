/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table of TCP connections: which side is the server, one reassembled
 * stream per direction, the decoder's session pairing replies with
 * commands, and the
 * caps that keep memory bounded whatever the input (flow count with the
 * longest idle evicted first, bytes buffered per flow, an idle timeout).
 */
#ifndef FLOWS_H
#define FLOWS_H

#include <glib.h>

#include "packet.h"
#include "reassembly.h"
#include "sr_reply.h"
#include "sr_session.h"
#include "keylog.h"
#include "tls-cert.h"
#include "tls-decrypt.h"

/* Anomalies of the capture and its reassembly rather than of SMTP; reported
 * beside the decoder's, named from this one table. */
typedef enum {
    TOOL_ANOM_OVERLAP_CONFLICT,   /* a retransmission carried different bytes */
    TOOL_ANOM_SNAPLEN_TRUNCATED,  /* a packet was cut by the snapshot length */
    TOOL_ANOM_FLOW_EVICTED,       /* the flow table was full: the flow was dropped */
    TOOL_ANOM_IDLE_TIMEOUT,       /* the flow fell silent: the reply was closed */
    TOOL_ANOM_COUNT
} tool_anomaly_kind;

const char *tool_anomaly_name(tool_anomaly_kind kind);
sr_anomaly_severity tool_anomaly_severity(tool_anomaly_kind kind);

/* A frame id, as the flow table is given it and reply events carry it:
 * the number of the file (from 0) in the top 16 bits, when several are
 * read as one capture, and the frame's number in that file below, from 1
 * as Wireshark counts.  Ids grow from one file to the next, as the
 * decoder's pairing wants. */
#define FRAME_FILE_SHIFT 48
#define FRAME_FILES_MAX  (1u << 16)

static inline guint64
frame_id(guint file, guint64 number)
{
    return (guint64)file << FRAME_FILE_SHIFT | (number & ((G_GUINT64_CONSTANT(1) << FRAME_FILE_SHIFT) - 1));
}

static inline guint64
frame_number(guint64 id)
{
    return id & ((G_GUINT64_CONSTANT(1) << FRAME_FILE_SHIFT) - 1);
}

static inline guint
frame_file(guint64 id)
{
    return (guint)(id >> FRAME_FILE_SHIFT);
}

#define ENDPOINT_MAX 64   /* "[" INET6_ADDRSTRLEN "]:65535" */

/* One reply of one flow, as handed to the output. */
typedef struct {
    gint64          time_us;        /* capture time of the packet that ended the reply */
    guint           flow_id;        /* 0, 1, ... in order of each flow's first packet */
    const char     *client;         /* "ip:port" */
    const char     *server;
    guint64         frame;          /* the packet that completed it: a frame id (above) */
    const sr_reply *reply;
    gboolean        has_code;       /* sr_reply_has_code(): reply->code is real */
    const char     *command;        /* what it answers ("EHLO", "<greeting>"), or NULL */
    const sr_command *request;      /* that command, with its argument, or NULL */
    const char     *recipient;      /* LMTP: the recipient whose delivery it decides, or NULL */
    gint64          latency_us;     /* command first byte to reply first byte, capture times; < 0 unknown */
    gint64          greeting_wait_us; /* the greeting: client's SYN to its first byte; < 0 unknown */
    const sr_capabilities *capabilities; /* an EHLO's 250: what it offers; else NULL */
    sr_reason_result reason;        /* why, for a 4yz or 5yz reply */
    const GArray   *exchange_anomalies; /* sr_anomaly from pairing, or NULL */
    guint           tool_anomalies; /* 1 << tool_anomaly_kind */
    gboolean        tls;            /* it came inside TLS, decrypted */
} reply_event;

typedef void (*reply_event_func)(const reply_event *ev, gpointer user_data);

/* One mail transaction of one flow, as it ends. */
typedef struct {
    gint64                time_us;  /* capture time of the packet that ended it */
    guint                 flow_id;
    const char           *client;
    const char           *server;
    const sr_transaction *tx;
} transaction_event;

typedef void (*transaction_event_func)(const transaction_event *ev, gpointer user_data);

/* One flow's TLS handshake, as the decoder read it in clear (sr_session.h:
 * sr_tls_event), once settled or when the flow ends. */
typedef struct {
    gint64              time_us;  /* capture time of the packet that settled it */
    guint               flow_id;
    const char         *client;
    const char         *server;
    guint64             frame;    /* that packet: a frame id */
    const sr_tls_event *tls;
    /* The server's certificate, when sent in clear and libcrypto reads it;
     * else NULL. */
    const tls_cert     *cert;
    /* With a key log: what became of decryption; else NULL. */
    const tls_decrypt_stats *decrypt;
} tls_event;

typedef void (*tls_event_func)(const tls_event *ev, gpointer user_data);

/* Calls FN with the name and severity of each anomaly of EV, in order: the
 * reply's, its pairing's, then the tool's; DETAIL completes it where the
 * decoder says more (code-not-allowed: the codes the command allows), else
 * NULL. */
typedef void (*anomaly_func)(const char *name, const char *detail, sr_anomaly_severity severity,
                             gpointer user_data);
void reply_event_foreach_anomaly(const reply_event *ev, anomaly_func fn, gpointer user_data);

typedef struct {
    guint         max_flows;
    gint64        idle_timeout_us;
    rs_limits     limits;         /* the server's direction of each flow */
    rs_limits     command_limits; /* the client's */
    sr_config     decoder;
    /* What all the sessions keep of commands awaiting replies and of
     * transactions' recipients, together (each at most decoder.max_session_bytes). */
    gsize         session_pool_bytes;
    /* 65536 entries: which ports are servers' (FLOW_PORT_SMTP), and which
     * of those are TLS from the first byte (FLOW_PORT_IMPLICIT_TLS, RFC 8314). */
    const guint8 *server_ports;
    /* --tls-keylog: TLS is decrypted with its secrets, and the replies
     * inside read as in clear; NULL: TLS is only read in clear. */
    const keylog *keylog;
    /* Decrypt every TLS flow, even with no secrets for it (--tls-keylog
     * given: say "no-key"); else only once the key log has secrets (from a
     * pcapng file's Decryption Secrets Block). */
    gboolean      tls_decrypt;
} flow_config;

#define FLOW_PORT_SMTP         1
#define FLOW_PORT_IMPLICIT_TLS 2

#define FLOW_DEFAULT_MAX_FLOWS 4096
#define FLOW_DEFAULT_IDLE_SECONDS 300
#define FLOW_DEFAULT_SESSION_POOL (64u * 1024 * 1024)

typedef struct {
    guint64  flows;           /* created */
    guint64  evicted;         /* open flows dropped because the table was full */
    guint64  idle_closed;     /* open flows closed by the idle timeout */
    guint64  ignored;         /* TCP packets with no server port on either side */
    guint64  unanswered;      /* commands the server never answered */
    guint    open;            /* flows in the table now */
    guint    peak;            /* most flows in the table at once */
    rs_stats server;          /* reassembly of the server-to-client streams */
    rs_stats client;
} flow_stats;

typedef struct flow_table flow_table;

void flow_config_init(flow_config *cfg, const guint8 *server_ports);
flow_table *flow_table_new(const flow_config *cfg, reply_event_func func, gpointer user_data);
/* Each mail transaction as it ends goes to FUNC too, with the same
 * USER_DATA (optional). */
void flow_table_on_transaction(flow_table *t, transaction_event_func func);
/* Each TLS handshake goes to FUNC (optional): without it, nothing after
 * STARTTLS or on an implicit-TLS port is read. */
void flow_table_on_tls(flow_table *t, tls_event_func func);
void flow_table_free(flow_table *t);
/* One TCP segment: packet number FRAME of the input (from 1), captured at
 * TIME_US.  The decoder tells pipelined command groups apart by frame. */
void flow_table_packet(flow_table *t, const packet_tcp *pkt, gint64 time_us, guint64 frame);
/* End of input: every flow is ended and its open reply handed over. */
void flow_table_finish(flow_table *t);
/* The reading stopped (Ctrl-C) while the connections went on: each open
 * reply is handed over marked interrupted, without the anomalies an end
 * would bring, and the commands waiting are not counted unanswered. */
void flow_table_interrupt(flow_table *t);
const flow_stats *flow_table_stats(const flow_table *t);

#endif /* FLOWS_H */
