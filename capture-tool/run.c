/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "run.h"

#include "packet.h"

static void
emitted(run_state *st)
{
    st->emitted++;
    /* -c reached, or the output failed: a reader that went away (EPIPE)
     * or a full disk; run() tells which. */
    if ((st->limit && st->emitted >= st->limit) || output_error(st->out))
        st->done = TRUE;
}

void
run_reply(const reply_event *ev, gpointer user_data)
{
    run_state *st = user_data;

    if (st->done)
        return;
    /* Every reply is counted; -Y chooses what is written. */
    summary_reply(&st->sum, ev);
    if (st->transactions)
        return;
    if (st->select) {
        if (!select_match(st->select, ev))
            return;
        st->sum.selected++;
    }
    if (!st->quiet)
        output_reply(st->out, ev);
    emitted(st);
}

void
run_transaction(const transaction_event *ev, gpointer user_data)
{
    run_state *st = user_data;

    if (st->done)
        return;
    summary_transaction(&st->sum, ev->tx);
    if (!st->transactions)
        return;
    if (!st->quiet)
        output_transaction(st->out, ev);
    emitted(st);
}

void
run_tls(const tls_event *ev, gpointer user_data)
{
    run_state *st = user_data;

    if (st->done)
        return;
    summary_tls(&st->sum, ev);
    /* A record of the connection, not a reply: not with transactions, nor
     * with -Y, whose fields are a reply's; -c counts replies only. */
    if (st->quiet || st->transactions || st->select)
        return;
    output_tls(st->out, ev);
}

/* libpcap before 1.10.5 sign-extends a classic file's 32-bit time fields
 * (a second past January 2038, a damaged fraction); the format says
 * unsigned.  Neither format holds a negative time otherwise, so this undoes
 * it, and the tool reads the same times on every libpcap. */
static gint64
unsigned_field(gint64 v)
{
    return v < 0 && v >= G_MININT32 ? v + (G_GINT64_CONSTANT(1) << 32) : v;
}

gint64
run_packet_time_us(const struct timeval *ts)
{
    return sr_time_us(unsigned_field((gint64)ts->tv_sec), unsigned_field((gint64)ts->tv_usec));
}

static gboolean
stopped(const run_state *st)
{
    return st->stop && *st->stop;
}

int
run_input(input *in, flow_table *flows, const guint8 *server_ports, run_state *st,
          gchar **error_message)
{
    int code = EXIT_OK;

    while (!stopped(st) && !st->done) {
        const struct pcap_pkthdr *hdr;
        const guint8 *data;
        packet_tcp pkt;
        packet_status status;
        int rc = input_next(in, &hdr, &data);

        if (rc == 0) {        /* live: nothing yet */
            input_wait(in);
            continue;
        }
        if (rc == PCAP_ERROR_BREAK)   /* end of the file */
            break;
        if (rc < 0 && stopped(st))    /* a read cut short by Ctrl-C */
            break;
        if (rc < 0) {
            if (in->live) {
                *error_message = g_strdup_printf("%s: %s", in->name, input_read_error(in));
                code = EXIT_INPUT;
            } else {
                *error_message = g_strdup_printf("%s: capture cut or damaged part-way (%s)",
                                                 in->name, input_read_error(in));
                code = EXIT_TRUNCATED;
            }
            break;
        }
        /* Frames are numbered as Wireshark numbers them: every packet of
         * the file, whether the filter keeps it or not. */
        st->frame++;
        if (!st->have_first) {
            st->have_first = TRUE;
            st->first_us = run_packet_time_us(&hdr->ts);
            if (st->out)
                output_set_time_base(st->out, st->first_us);
        }
        status = packet_parse(in->linktype, data, hdr->caplen, hdr->len, &pkt);
        if (status == PACKET_TCP && st->tcp_ports) {
            st->tcp_ports[pkt.sport]++;
            st->tcp_ports[pkt.dport]++;
        }
        if (!input_keep(in, hdr, data, status == PACKET_TCP
                        && (server_ports[pkt.sport] || server_ports[pkt.dport])))
            continue;
        summary_packet(&st->sum, status, hdr->caplen, hdr->len);
        if (status == PACKET_TCP)
            flow_table_packet(flows, &pkt, run_packet_time_us(&hdr->ts),
                              frame_id(st->file_index, st->frame));
        if (st->progress)
            st->progress(in, st->sum.packets, st->progress_data);
    }
    return code;
}
