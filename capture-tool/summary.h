/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a run saw, counted for --summary. */
#ifndef SUMMARY_H
#define SUMMARY_H

#include <glib.h>

#include "flows.h"
#include "latency.h"
#include "packet.h"
#include "sr_anomaly.h"
#include "sr_command.h"

#define SUMMARY_CODES 1000
/* Distinct command names counted apart.  A client can send any verb, so
 * the names past this many are pooled under SUMMARY_OTHER; the known
 * commands (18) and the usual unknown ones fit with room to spare. */
#define SUMMARY_COMMANDS 64
#define SUMMARY_OTHER "(other)"

/* Replies counted by a name (a server, an enhanced code): at most
 * SUMMARY_NAMES names, the replies of any further name under other. */
#define SUMMARY_NAMES 1024
typedef struct {
    GHashTable *counts;   /* name -> guint64 *, both owned */
    guint64     other;
} summary_tally;

typedef struct {
    const char *name;
    guint64     count;
} summary_tally_entry;

/* The slowest replies, by reply time. */
#define SUMMARY_SLOWEST 10
typedef struct {
    gint64  latency_us;
    guint   flow_id;
    guint64 frame;                     /* frame id (flows.h) */
    gboolean has_code;
    guint16 code;
    char    command[SR_VERB_MAX + 1];
    char    server[ENDPOINT_MAX];
} summary_slow;

/* The replies to one command name, and their reply times. */
typedef struct {
    char               name[MAX(SR_VERB_MAX + 1, sizeof SUMMARY_OTHER)];
    guint64            replies;
    sr_latency_histogram *latency;   /* the replies whose time is known */
} summary_command;

typedef struct {
    guint64    packets;
    guint64    captured_bytes;
    guint64    wire_bytes;
    guint64    by_status[PACKET_SHORT + 1];   /* packet_status */
    guint64    replies;
    guint64    complete;
    guint64    interrupted_replies;        /* open when the run was stopped */
    gboolean   detailed;                   /* --summary: servers, enhanced codes, slowest */
    const char *const *files;              /* several files: their names (output_style) */
    gboolean   selecting;                  /* -Y: only some replies are written */
    guint64    selected;                   /* the replies -Y selected */
    guint64    without_code;               /* no line was a reply line */
    guint64    by_code[SUMMARY_CODES];
    guint64    by_class[10];
    guint64    by_category[10];
    guint64    without_command;            /* no command was waiting */
    /* In the order first seen; commands[SUMMARY_COMMANDS] is SUMMARY_OTHER. */
    summary_command commands[SUMMARY_COMMANDS + 1];
    guint      n_commands;
    summary_tally by_server;
    summary_tally by_enhanced;
    summary_slow slowest[SUMMARY_SLOWEST]; /* slowest first */
    guint      n_slowest;
    guint64    transactions[SR_TX_STATUS_COUNT]; /* by status */
    /* Recipients of those transactions, by what became of them. */
    guint64    rcpt_refused;               /* RCPT not answered 2yz */
    guint64    rcpt_delivered;             /* accepted, then the message too */
    guint64    rcpt_refused_later;         /* accepted, then the message refused */
    guint64    rcpt_undecided;             /* accepted, no reply about the message */
    guint64    by_reason[SR_REASON_COUNT];  /* 4yz and 5yz replies */
    guint64    anomalies[SR_ANOM_COUNT];
    guint64    by_severity[SR_SEVERITY_COUNT]; /* anomalies, the tool's too */
    guint64    tool_anomalies[TOOL_ANOM_COUNT];
    flow_stats flows;                      /* copied in at the end */
    gboolean   have_drops;                 /* live capture: libpcap's counters */
    guint64    dropped;                    /* by the kernel: no buffer room */
    guint64    if_dropped;                 /* by the interface or its driver */
    gboolean   interrupted;                /* stopped by a signal */
    /* TLS handshakes (always counted: a few per connection at most). */
    guint64    tls_handshakes;
    guint64    tls_outcomes[SR_TLS_OUTCOME_COUNT];
    summary_tally tls_versions;            /* agreed, by the server's hello */
    summary_tally tls_suites;
    summary_tally tls_failure_alerts;      /* the alert that ended a failed one */
    gboolean   tls_keylog;                 /* --tls-keylog: decryption was tried */
    guint64    tls_decryption[TLS_DECRYPT_STATUS_COUNT]; /* handshakes by its outcome */
} summary;

void summary_init(summary *s);
void summary_clear(summary *s);
void summary_packet(summary *s, packet_status status, gsize caplen, gsize wirelen);
void summary_reply(summary *s, const reply_event *ev);
void summary_transaction(summary *s, const sr_transaction *tx);
void summary_tls(summary *s, const tls_event *ev);
/* A reply to command NAME (NULL: none was waiting), LATENCY_US < 0 when
 * its time is unknown.  summary_reply calls it; tests call it alone. */
void summary_command_reply(summary *s, const char *name, gint64 latency_us);
/* The entries with replies, in order, SUMMARY_OTHER last: FN for each. */
void summary_foreach_command(const summary *s,
                             void (*fn)(const summary_command *c, gpointer user_data),
                             gpointer user_data);
/* A tally's entries, most replies first (names in byte order among equals);
 * g_free() the array, not the names. */
summary_tally_entry *summary_tally_sorted(const summary_tally *t, guint *n);

#endif /* SUMMARY_H */
