/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The flow table: server side, numbering, the caps, and what reaches the
 * decoder from reassembly. */
#include <string.h>

#include "flows.h"

typedef struct {
    flow_table *table;
    GString    *out;
    guint8      ports[65536];
} fixture;

static void
add_name(const char *name, const char *detail, sr_anomaly_severity severity, gpointer user_data)
{
    (void)detail;
    (void)severity;
    g_string_append_printf(user_data, "%s,", name);
}

/* Each reply as: flow code C|I "line|line" {anomalies} */
static void
on_reply(const reply_event *ev, gpointer user_data)
{
    GString *out = user_data;
    const sr_reply *r = ev->reply;

    g_string_append_printf(out, "%u %03u %c \"", ev->flow_id, r->code, r->complete ? 'C' : 'I');
    for (guint i = 0; i < r->lines->len; i++) {
        gsize len;
        const guint8 *text = sr_reply_line_text(r, i, &len);

        g_string_append_printf(out, "%s%.*s", i ? "|" : "", (int)len, (const char *)text);
    }
    g_string_append(out, "\" {");
    reply_event_foreach_anomaly(ev, add_name, out);
    if (out->str[out->len - 1] == ',')
        g_string_truncate(out, out->len - 1);
    g_string_append(out, "}\n");
}

static void
setup(fixture *f, guint max_flows, gint64 idle_us)
{
    flow_config cfg;

    memset(f->ports, 0, sizeof f->ports);
    f->ports[25] = 1;
    flow_config_init(&cfg, f->ports);
    if (max_flows)
        cfg.max_flows = max_flows;
    if (idle_us)
        cfg.idle_timeout_us = idle_us;
    f->out = g_string_new(NULL);
    f->table = flow_table_new(&cfg, on_reply, f->out);
}

static void
finish(fixture *f, const char *expected)
{
    flow_table_finish(f->table);
    g_assert_cmpstr(f->out->str, ==, expected);
    flow_table_free(f->table);
    g_string_free(f->out, TRUE);
}

/* A segment between 10.0.0.<client>:<cport> and 10.0.0.1:25. */
static void
send(fixture *f, guint8 client, guint16 cport, gboolean to_client, guint32 seq,
     guint8 flags, const char *data, gint64 time_us)
{
    packet_tcp p = { .family = 4, .flags = flags };
    guint8 c[4] = { 10, 0, 0, client }, s[4] = { 10, 0, 0, 1 };

    memcpy(to_client ? p.src : p.dst, s, 4);
    memcpy(to_client ? p.dst : p.src, c, 4);
    p.sport = to_client ? 25 : cport;
    p.dport = to_client ? cport : 25;
    p.seq = seq;
    p.payload = (const guint8 *)data;
    p.payload_len = p.payload_wire = strlen(data);
    flow_table_packet(f->table, &p, time_us, (guint64)time_us);
}

static void
test_server_side_and_numbering(void)
{
    fixture f;

    setup(&f, 0, 0);
    send(&f, 2, 4000, FALSE, 100, TCP_SYN, "", 1);
    send(&f, 3, 4001, FALSE, 300, TCP_SYN, "", 2);
    send(&f, 3, 4001, TRUE, 900, TCP_SYN | TCP_ACK, "", 3);
    send(&f, 2, 4000, TRUE, 500, TCP_SYN | TCP_ACK, "", 4);
    send(&f, 3, 4001, TRUE, 901, TCP_ACK, "220 three\r\n", 5);
    send(&f, 2, 4000, TRUE, 501, TCP_ACK, "220 two\r\n", 6);
    g_assert_cmpuint(flow_table_stats(f.table)->flows, ==, 2);
    finish(&f, "1 220 C \"three\" {}\n0 220 C \"two\" {}\n");
}

static void
test_no_server_port(void)
{
    fixture f;
    packet_tcp p = { .family = 4, .sport = 80, .dport = 4000, .flags = TCP_ACK };

    setup(&f, 0, 0);
    flow_table_packet(f.table, &p, 1, 1);
    g_assert_cmpuint(flow_table_stats(f.table)->ignored, ==, 1);
    g_assert_cmpuint(flow_table_stats(f.table)->flows, ==, 0);
    finish(&f, "");
}

static void
test_midstream_resync(void)
{
    fixture f;

    /* No SYN seen: the first bytes are mid-line and skipped to a line start. */
    setup(&f, 0, 0);
    send(&f, 2, 4000, TRUE, 7000, TCP_ACK, "LINING\r\n250 OK\r\n", 1);
    finish(&f, "0 250 C \"OK\" {resync}\n");
}

static void
test_eviction(void)
{
    fixture f;

    /* Two flows at most: a third evicts the one idle longest, whose open
     * reply is handed over, marked. */
    setup(&f, 2, 0);
    send(&f, 2, 4000, TRUE, 1, TCP_ACK, "220-open\r\n", 1);
    send(&f, 3, 4000, TRUE, 1, TCP_ACK, "220 three\r\n", 2);
    send(&f, 4, 4000, TRUE, 1, TCP_ACK, "220 four\r\n", 3);
    g_assert_cmpuint(flow_table_stats(f.table)->evicted, ==, 1);
    g_assert_cmpuint(flow_table_stats(f.table)->open, ==, 2);
    finish(&f, "1 220 C \"three\" {}\n"
               "0 220 I \"open\" {incomplete-reply,flow-evicted}\n"
               "2 220 C \"four\" {}\n");
}

static void
test_many_flows_bounded(void)
{
    fixture f;

    setup(&f, 16, 0);
    for (guint i = 0; i < 1000; i++)
        send(&f, (guint8)(i % 250), (guint16)(1024 + i), TRUE, 1, TCP_ACK, "220-x\r\n",
             (gint64)i);
    g_assert_cmpuint(flow_table_stats(f.table)->open, <=, 16);
    g_assert_cmpuint(flow_table_stats(f.table)->peak, ==, 16);
    g_assert_cmpuint(flow_table_stats(f.table)->evicted, ==, 1000 - 16);
    flow_table_finish(f.table);
    g_assert_cmpuint(flow_table_stats(f.table)->open, ==, 0);
    flow_table_free(f.table);
    g_string_free(f.out, TRUE);
}

static void
test_idle_timeout(void)
{
    fixture f;

    setup(&f, 0, 10 * G_USEC_PER_SEC);
    send(&f, 2, 4000, TRUE, 1, TCP_ACK, "220-waiting\r\n", 1 * G_USEC_PER_SEC);
    send(&f, 3, 4000, TRUE, 1, TCP_ACK, "220 fresh\r\n", 5 * G_USEC_PER_SEC);
    send(&f, 3, 4000, TRUE, 12, TCP_ACK, "250 later\r\n", 14 * G_USEC_PER_SEC);
    g_assert_cmpuint(flow_table_stats(f.table)->idle_closed, ==, 1);
    finish(&f, "1 220 C \"fresh\" {}\n"
               "0 220 I \"waiting\" {incomplete-reply,idle-timeout}\n"
               "1 250 C \"later\" {}\n");
}

static void
test_rst_ends_flow(void)
{
    fixture f;

    /* The client resets: the server's open reply ends there. */
    setup(&f, 0, 0);
    send(&f, 2, 4000, FALSE, 100, TCP_SYN, "", 1);
    send(&f, 2, 4000, TRUE, 500, TCP_SYN | TCP_ACK, "", 2);
    send(&f, 2, 4000, TRUE, 501, TCP_ACK, "220-first\r\n", 3);
    send(&f, 2, 4000, FALSE, 101, TCP_RST, "", 4);
    g_assert_cmpstr(f.out->str, ==, "0 220 I \"first\" {incomplete-reply}\n");
    /* Strays after the end neither decode nor open a new flow. */
    send(&f, 2, 4000, TRUE, 512, TCP_ACK, "250 late\r\n", 5);
    g_assert_cmpuint(flow_table_stats(f.table)->flows, ==, 1);
    finish(&f, "0 220 I \"first\" {incomplete-reply}\n");
}

static void
test_port_reuse(void)
{
    fixture f;

    /* A new SYN on a closed flow's 4-tuple is a new connection. */
    setup(&f, 0, 0);
    send(&f, 2, 4000, FALSE, 100, TCP_SYN, "", 1);
    send(&f, 2, 4000, TRUE, 500, TCP_SYN | TCP_ACK, "", 2);
    send(&f, 2, 4000, TRUE, 501, TCP_ACK | TCP_FIN, "220 hi\r\n", 3);
    send(&f, 2, 4000, FALSE, 101, TCP_ACK | TCP_FIN, "", 4);
    send(&f, 2, 4000, FALSE, 100, TCP_SYN, "", 5);   /* the old SYN again: nothing */
    send(&f, 2, 4000, FALSE, 7000, TCP_SYN, "", 6);
    send(&f, 2, 4000, TRUE, 9000, TCP_SYN | TCP_ACK, "", 7);
    send(&f, 2, 4000, TRUE, 9001, TCP_ACK, "220 again\r\n", 8);
    g_assert_cmpuint(flow_table_stats(f.table)->flows, ==, 2);
    finish(&f, "0 220 C \"hi\" {}\n1 220 C \"again\" {}\n");
}

static void
test_overlap_conflict_marked(void)
{
    fixture f;

    setup(&f, 0, 0);
    send(&f, 2, 4000, TRUE, 500, TCP_SYN | TCP_ACK, "", 1);
    send(&f, 2, 4000, TRUE, 501, TCP_ACK, "220-a\r\n", 2);
    send(&f, 2, 4000, TRUE, 501, TCP_ACK, "220-b\r\n", 3);
    send(&f, 2, 4000, TRUE, 508, TCP_ACK, "220 c\r\n", 4);
    finish(&f, "0 220 C \"a|c\" {tcp-overlap-conflict}\n");
}

static void
test_gap_to_decoder(void)
{
    fixture f;

    /* A hole in the server's stream, acknowledged by the client.  (Joined
     * mid-session, so no reply is taken as the greeting.) */
    setup(&f, 0, 0);
    send(&f, 2, 4000, TRUE, 501, TCP_ACK, "220-a\r\n220-", 2);
    send(&f, 2, 4000, TRUE, 520, TCP_ACK, "ine\r\n220 c\r\n", 3);
    {
        packet_tcp p = { .family = 4, .sport = 4000, .dport = 25, .flags = TCP_ACK,
                         .ack = 537 };

        p.src[0] = 10, p.src[3] = 2, p.dst[0] = 10, p.dst[3] = 1;
        flow_table_packet(f.table, &p, 4, 4);
    }
    finish(&f, "0 220 I \"a|\" {unterminated-line,gap,incomplete-reply}\n"
               "0 220 C \"c\" {resync}\n");
}

static void
test_snaplen_marked(void)
{
    fixture f;
    packet_tcp p = { .family = 4, .sport = 25, .dport = 4000, .flags = TCP_ACK, .seq = 501 };

    /* Joined mid-session, so no reply is taken as the greeting. */
    setup(&f, 0, 0);
    p.src[0] = 10, p.src[3] = 1, p.dst[0] = 10, p.dst[3] = 2;
    p.payload = (const guint8 *)"220-ab\r\n220 cd\r\n";
    p.payload_len = 10;
    p.payload_wire = 16;
    flow_table_packet(f.table, &p, 2, 2);
    send(&f, 2, 4000, TRUE, 517, TCP_ACK, "220 more\r\n", 3);
    finish(&f, "0 220 I \"ab|22\" {unterminated-line,malformed-line,gap,incomplete-reply,"
               "snaplen-truncated}\n0 220 C \"more\" {}\n");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/flows/server-side-and-numbering", test_server_side_and_numbering);
    g_test_add_func("/flows/no-server-port", test_no_server_port);
    g_test_add_func("/flows/midstream-resync", test_midstream_resync);
    g_test_add_func("/flows/cap/eviction", test_eviction);
    g_test_add_func("/flows/cap/many-flows", test_many_flows_bounded);
    g_test_add_func("/flows/cap/idle-timeout", test_idle_timeout);
    g_test_add_func("/flows/rst", test_rst_ends_flow);
    g_test_add_func("/flows/port-reuse", test_port_reuse);
    g_test_add_func("/flows/overlap-conflict", test_overlap_conflict_marked);
    g_test_add_func("/flows/gap", test_gap_to_decoder);
    g_test_add_func("/flows/snaplen", test_snaplen_marked);
    return g_test_run();
}
