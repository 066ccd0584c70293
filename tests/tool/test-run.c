/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run_input(), the tool's read loop, on a small capture written here: one
 * SMTP conversation in raw IP packets, a packet the default filter drops,
 * read from memory by libpcap and from a file by savefile.c.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>

#include "run.h"

#define CLIENT_PORT 40000

typedef struct {
    guint32 client_seq, server_seq;
    guint   sec;
} conversation;

/* One raw-IPv4 TCP segment from the client (TO_SERVER) or the server. */
static void
segment(pcap_dumper_t *d, conversation *c, gboolean to_server, guint16 server_port,
        guint8 flags, const char *text)
{
    gsize len = strlen(text), total = 40 + len;
    guint8 pkt[256] = { 0 };
    guint32 *seq = to_server ? &c->client_seq : &c->server_seq;
    guint16 sport = to_server ? CLIENT_PORT : server_port;
    guint16 dport = to_server ? server_port : CLIENT_PORT;
    struct pcap_pkthdr hdr = { { c->sec++, 0 }, (bpf_u_int32)total, (bpf_u_int32)total };

    g_assert_cmpuint(total, <=, sizeof pkt);
    pkt[0] = 0x45;
    pkt[2] = (guint8)(total >> 8);
    pkt[3] = (guint8)total;
    pkt[8] = 64;
    pkt[9] = 6;   /* TCP */
    pkt[12] = 10;
    pkt[15] = to_server ? 1 : 2;
    pkt[16] = 10;
    pkt[19] = to_server ? 2 : 1;
    pkt[20] = (guint8)(sport >> 8);
    pkt[21] = (guint8)sport;
    pkt[22] = (guint8)(dport >> 8);
    pkt[23] = (guint8)dport;
    for (int i = 0; i < 4; i++)
        pkt[24 + i] = (guint8)(*seq >> (24 - 8 * i));
    pkt[32] = 5 << 4;
    pkt[33] = flags;
    memcpy(pkt + 40, text, len);
    *seq += (guint32)len + ((flags & TCP_SYN) ? 1 : 0);
    pcap_dump((u_char *)d, &hdr, pkt);
}

/* The capture's bytes: greeting, EHLO and its two-line 250, QUIT and 221;
 * and a segment to port 80 amid them. */
static GBytes *
write_capture(void)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
    pcap_dumper_t *d = pcap_dump_fopen(dead, fp);
    conversation c = { 1000, 5000, 1 };
    conversation other = { 1, 1, 2 };

    g_assert_nonnull(d);
    segment(d, &c, TRUE, 25, TCP_SYN, "");
    segment(d, &c, FALSE, 25, TCP_SYN | TCP_ACK, "");
    segment(d, &c, FALSE, 25, TCP_ACK, "220 mx ready\r\n");
    segment(d, &c, TRUE, 25, TCP_ACK, "EHLO a\r\n");
    segment(d, &other, TRUE, 80, TCP_ACK, "GET / HTTP/1.0\r\n");
    segment(d, &c, FALSE, 25, TCP_ACK, "250-mx\r\n250 SIZE 100\r\n");
    segment(d, &c, TRUE, 25, TCP_ACK, "QUIT\r\n");
    segment(d, &c, FALSE, 25, TCP_ACK, "221 bye\r\n");
    pcap_dump_close(d);   /* closes FP too */
    pcap_close(dead);
    return g_bytes_new_take(buf, size);
}

typedef struct {
    int      code;
    gchar   *error;
    summary  sum;
    guint64  emitted;
    guint    lines;   /* of JSON output */
} outcome;

/* Reads CAPTURE's first LEN bytes through run_input(): from a file when
 * FROM_FILE (savefile.c reads a classic pcap file), else from memory; with
 * the default filter when FILTERED; at most LIMIT replies (0 all). */
static outcome
run_capture(GBytes *capture, gsize len, gboolean from_file, gboolean filtered, guint64 limit)
{
    static guint8 ports[65536];
    GError *error = NULL;
    gsize size;
    const guint8 *bytes = g_bytes_get_data(capture, &size);
    gchar *path = NULL;
    char *text = NULL;
    size_t text_len = 0;
    FILE *out = open_memstream(&text, &text_len);
    outcome res = { 0 };
    flow_config cfg;
    flow_table *flows;
    run_state st;
    input in;
    gboolean opened;

    ports[25] = 1;
    len = MIN(len, size);
    if (from_file) {
        int fd = g_file_open_tmp("test-run-XXXXXX.pcap", &path, &error);

        g_assert_no_error(error);
        g_assert_cmpint(write(fd, bytes, len), ==, (gssize)len);
        close(fd);
        opened = input_open_file(&in, path, &error);
    } else {
        opened = input_open_stream(&in, fmemopen((void *)bytes, len, "rb"), "memory", &error);
    }
    g_assert_no_error(error);
    g_assert_true(opened);
    g_assert_true(from_file == (in.records != NULL));
    if (filtered)
        g_assert_true(input_set_filter(&in, NULL, "port 25", &error));

    memset(&st, 0, sizeof st);
    summary_init(&st.sum);
    st.limit = limit;
    st.out = output_new(OUTPUT_JSON, out, NULL, FALSE);
    flow_config_init(&cfg, ports);
    flows = flow_table_new(&cfg, run_reply, &st);
    res.code = run_input(&in, flows, ports, &st, &res.error);
    flow_table_finish(flows);
    output_flush(st.out);
    res.sum = st.sum;
    res.emitted = st.emitted;
    flow_table_free(flows);
    output_free(st.out);
    fclose(out);
    for (size_t i = 0; i < text_len; i++)
        res.lines += text[i] == '\n';
    free(text);
    input_close(&in);
    if (path) {
        g_unlink(path);
        g_free(path);
    }
    return res;
}

static void
outcome_clear(outcome *res)
{
    summary_clear(&res->sum);
    g_free(res->error);
}

static void
test_whole(void)
{
    GBytes *capture = write_capture();

    for (int from_file = 0; from_file <= 1; from_file++) {
        outcome all = run_capture(capture, G_MAXSIZE, from_file, FALSE, 0);
        outcome smtp = run_capture(capture, G_MAXSIZE, from_file, TRUE, 0);

        g_assert_cmpint(all.code, ==, EXIT_OK);
        g_assert_null(all.error);
        g_assert_cmpuint(all.sum.packets, ==, 8);
        g_assert_cmpuint(all.sum.replies, ==, 3);
        g_assert_cmpuint(all.emitted, ==, 3);
        g_assert_cmpuint(all.lines, ==, 3);
        g_assert_cmpuint(all.sum.by_code[220], ==, 1);
        g_assert_cmpuint(all.sum.by_code[250], ==, 1);
        g_assert_cmpuint(all.sum.by_code[221], ==, 1);
        /* The filter drops the port-80 segment before it is counted. */
        g_assert_cmpint(smtp.code, ==, EXIT_OK);
        g_assert_cmpuint(smtp.sum.packets, ==, 7);
        g_assert_cmpuint(smtp.sum.by_status[PACKET_TCP], ==, 7);
        g_assert_cmpuint(smtp.sum.replies, ==, 3);
        outcome_clear(&all);
        outcome_clear(&smtp);
    }
    g_bytes_unref(capture);
}

static void
test_count_limit(void)
{
    GBytes *capture = write_capture();
    outcome res = run_capture(capture, G_MAXSIZE, FALSE, TRUE, 2);

    /* -c 2: the loop stops at the packet that ended the second reply. */
    g_assert_cmpint(res.code, ==, EXIT_OK);
    g_assert_cmpuint(res.emitted, ==, 2);
    g_assert_cmpuint(res.lines, ==, 2);
    g_assert_cmpuint(res.sum.replies, ==, 2);
    g_assert_cmpuint(res.sum.packets, ==, 5);
    outcome_clear(&res);
    g_bytes_unref(capture);
}

static void
test_truncated(void)
{
    GBytes *capture = write_capture();
    gsize size = g_bytes_get_size(capture);

    /* Cut inside the last record: the replies before it still come out. */
    for (int from_file = 0; from_file <= 1; from_file++) {
        outcome res = run_capture(capture, size - 3, from_file, TRUE, 0);

        g_assert_cmpint(res.code, ==, EXIT_TRUNCATED);
        g_assert_nonnull(res.error);
        g_assert_true(g_str_has_suffix(res.error, ")"));
        g_assert_nonnull(strstr(res.error, ": capture cut or damaged part-way ("));
        g_assert_cmpuint(res.sum.packets, ==, 6);
        /* The 221 was never read: the two before it were. */
        g_assert_cmpuint(res.sum.replies, ==, 2);
        g_assert_cmpuint(res.lines, ==, 2);
        outcome_clear(&res);
    }
    g_bytes_unref(capture);
}

/* Packet times: exact within the limit, clamped beyond it, never
 * overflowing (a pcapng file with if_tsresol 10^0 gives tv_sec past
 * 2^63 / 10^6: fuzz-capture found it, corpus/capture/crash-huge-timestamp).
 * The clamp is the decoder's sr_time_us(), which the plugin uses too. */
static void
test_packet_time(void)
{
    static const struct {
        gint64 sec, usec, want;
    } cases[] = {
        { 0, 0, 0 },
        { 1700000000, 123456, G_GINT64_CONSTANT(1700000000123456) },
        /* A second sign-extended by libpcap < 1.10.5 reads as unsigned. */
        { -1, 999999, (gint64)G_MAXUINT32 * G_USEC_PER_SEC + 999999 },
        { 1700000000, -2147483647, G_GINT64_CONSTANT(1700000000) * G_USEC_PER_SEC + 2147483649 },
        { G_MININT32, 0, (gint64)G_MAXINT32 * G_USEC_PER_SEC + G_USEC_PER_SEC },
        { (gint64)G_MININT32 - 1, 0, ((gint64)G_MININT32 - 1) * G_USEC_PER_SEC },
        { G_MAXUINT32, G_MAXUINT32, (gint64)G_MAXUINT32 * G_USEC_PER_SEC + G_MAXUINT32 },
        { SR_TIME_LIMIT_US / G_USEC_PER_SEC - 1, 999999,
          SR_TIME_LIMIT_US / G_USEC_PER_SEC * G_USEC_PER_SEC - 1 },
        { SR_TIME_LIMIT_US / G_USEC_PER_SEC - 1, G_MAXUINT32, SR_TIME_LIMIT_US },
        { SR_TIME_LIMIT_US / G_USEC_PER_SEC, 0, SR_TIME_LIMIT_US },
        { G_GINT64_CONSTANT(1795455710372358298), 0, SR_TIME_LIMIT_US },
        { G_MAXINT64, 999999, SR_TIME_LIMIT_US },
        { -(SR_TIME_LIMIT_US / G_USEC_PER_SEC), 0, -SR_TIME_LIMIT_US },
        { G_MININT64, 0, -SR_TIME_LIMIT_US },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        struct timeval tv = { .tv_sec = (time_t)cases[i].sec,
                              .tv_usec = (suseconds_t)cases[i].usec };

        g_assert_cmpint(run_packet_time_us(&tv), ==, cases[i].want);
    }
    /* Two times within the limit never overflow when subtracted. */
    g_assert_cmpint(SR_TIME_LIMIT_US - -SR_TIME_LIMIT_US, >, 0);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/run/whole", test_whole);
    g_test_add_func("/run/count-limit", test_count_limit);
    g_test_add_func("/run/truncated", test_truncated);
    g_test_add_func("/run/packet-time", test_packet_time);
    return g_test_run();
}
