/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The read loop: packets from an input, through the packet parser and the
 * filter, into the summary and the flow table, whose replies go to the
 * output.  The tool and the fuzz-capture harness run this same loop.
 */
#ifndef RUN_H
#define RUN_H

#include <signal.h>

#include <glib.h>

#include "flows.h"
#include "input.h"
#include "output.h"
#include "select.h"
#include "summary.h"

/* Called after each packet counted, with the count so far. */
typedef void (*run_progress_func)(const input *in, guint64 packets, gpointer user_data);

/* What the read loop and the reply callback share. */
typedef struct {
    output  *out;
    summary  sum;
    guint64  limit;      /* -c: stop after this many replies; 0 none */
    guint64  emitted;
    gboolean quiet;
    gboolean transactions; /* write transactions, not replies */
    gboolean done;       /* -c reached: later replies are not shown or counted */
    const select_expr *select;           /* -Y: the replies written; NULL: all */
    guint    file_index; /* of the input being read, from 0: frame ids (flows.h) */
    guint64  frame;      /* packets read from it so far, filtered or not */
    gboolean have_first; /* the first packet's time is known */
    gint64   first_us;
    guint64 *tcp_ports;  /* 65536 counts: TCP packets by port, either end; NULL: none */
    const volatile sig_atomic_t *stop;   /* set by a signal handler; NULL: never */
    run_progress_func progress;          /* NULL: none */
    gpointer          progress_data;
} run_state;

/* A packet's time as the decoder takes it: sr_time_us(), clamped, with a
 * 32-bit second always unsigned, whatever the libpcap release. */
gint64 run_packet_time_us(const struct timeval *ts);

/* The flow table's reply and transaction callbacks; USER_DATA is the
 * run_state.  -c counts what is written: replies, or transactions. */
void run_reply(const reply_event *ev, gpointer user_data);
void run_transaction(const transaction_event *ev, gpointer user_data);
/* Each TLS handshake: counted, and written as a record of its own. */
void run_tls(const tls_event *ev, gpointer user_data);

/* Reads until the end, a stop, -c or an error; returns the exit code and,
 * on an error, its one-line message in ERROR_MESSAGE.  Called once per
 * input, with st->file_index and st->frame set for it. */
int run_input(input *in, flow_table *flows, const guint8 *server_ports, run_state *st,
              gchar **error_message);

#endif /* RUN_H */
