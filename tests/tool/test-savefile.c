/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * savefile.c against libpcap itself: each file here is read by both, and
 * every packet (time, lengths, bytes) and the way the reading ends (the end,
 * or the same error text) must be the same.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>

#include "run.h"
#include "savefile.h"

typedef struct {
    GByteArray *bytes;
    gboolean    big_endian;
} pcap_writer;

static void
put32(pcap_writer *w, guint32 v)
{
    v = w->big_endian ? GUINT32_TO_BE(v) : GUINT32_TO_LE(v);
    g_byte_array_append(w->bytes, (const guint8 *)&v, 4);
}

static void
put16(pcap_writer *w, guint16 v)
{
    v = w->big_endian ? GUINT16_TO_BE(v) : GUINT16_TO_LE(v);
    g_byte_array_append(w->bytes, (const guint8 *)&v, 2);
}

static void
writer_init(pcap_writer *w, gboolean big_endian, guint32 magic, guint32 snaplen)
{
    w->bytes = g_byte_array_new();
    w->big_endian = big_endian;
    put32(w, magic);
    put16(w, 2);
    put16(w, 4);
    put32(w, 0);
    put32(w, 0);
    put32(w, snaplen);
    put32(w, 1);   /* Ethernet */
}

/* A record whose header says CAPLEN and LEN; FILL bytes follow it. */
static void
record(pcap_writer *w, guint32 sec, guint32 frac, guint32 caplen, guint32 len, gsize fill)
{
    put32(w, sec);
    put32(w, frac);
    put32(w, caplen);
    put32(w, len);
    for (gsize i = 0; i < fill; i++) {
        guint8 b = (guint8)(i * 7 + sec);

        g_byte_array_append(w->bytes, &b, 1);
    }
}

/* The first record's time as savefile.c read it, set by compare(). */
static gint64 first_time_us;

/* Writes W to a file, reads it both ways, compares; returns the packets. */
static guint
compare(pcap_writer *w, const char *expect_error)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    gchar *path = NULL;
    GError *error = NULL;
    int fd = g_file_open_tmp("savefile-XXXXXX.pcap", &path, &error);
    gboolean swapped, nanoseconds;
    pcap_t *p;
    savefile sf;
    FILE *fp;
    guint n = 0;
    int a, b;

    g_assert_no_error(error);
    g_assert_true(write(fd, w->bytes->data, w->bytes->len) == (ssize_t)w->bytes->len);
    close(fd);
    g_byte_array_free(w->bytes, TRUE);

    p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
    g_assert_nonnull(p);
    fp = fopen(path, "rb");
    g_assert_nonnull(fp);
    g_assert_true(savefile_is_classic(fileno(fp), &swapped, &nanoseconds));
    savefile_init(&sf, fileno(fp), 24, swapped, nanoseconds, (guint32)pcap_snapshot(p),
                  pcap_datalink(p));
    for (;;) {
        struct pcap_pkthdr *h1;
        const struct pcap_pkthdr *h2;
        const u_char *d1;
        const guint8 *d2;

        a = pcap_next_ex(p, &h1, &d1);
        b = savefile_next(&sf, &h2, &d2);
        g_assert_cmpint(a, ==, b);
        if (a != 1)
            break;
        n++;
        /* As the tool takes them: libpcap before 1.10.5 sign-extends a
         * second or a fraction past 2^31, which run_packet_time_us() undoes. */
        g_assert_cmpint(run_packet_time_us(&h1->ts), ==, run_packet_time_us(&h2->ts));
        if (n == 1)
            first_time_us = run_packet_time_us(&h2->ts);
        g_assert_cmpuint(h1->caplen, ==, h2->caplen);
        g_assert_cmpuint(h1->len, ==, h2->len);
        g_assert_true(memcmp(d1, d2, h1->caplen) == 0);
    }
    if (expect_error) {
        g_assert_cmpint(a, ==, PCAP_ERROR);
        g_assert_cmpstr(pcap_geterr(p), ==, sf.error);
        g_assert_cmpstr(sf.error, ==, expect_error);
    } else {
        g_assert_cmpint(a, ==, PCAP_ERROR_BREAK);
    }
    savefile_clear(&sf);
    fclose(fp);
    pcap_close(p);
    g_unlink(path);
    g_free(path);
    return n;
}

static void
test_plain(void)
{
    pcap_writer w;

    writer_init(&w, FALSE, 0xa1b2c3d4, 65535);
    record(&w, 1700000000, 1, 60, 60, 60);
    record(&w, 1700000001, 999999, 0, 0, 0);
    record(&w, 1700000002, 5, 1514, 1514, 1514);
    g_assert_cmpuint(compare(&w, NULL), ==, 3);
}

/* Big-endian, nanoseconds: fields swapped, times cut to microseconds. */
static void
test_swapped_nanoseconds(void)
{
    pcap_writer w;

    writer_init(&w, TRUE, 0xa1b23c4d, 262144);
    record(&w, 1700000000, 123456789, 74, 74, 74);
    record(&w, 1700000000, 999999999, 10, 1500, 10);
    g_assert_cmpuint(compare(&w, NULL), ==, 2);
}

/* Time fields past 2^31 (a second after 2038, a damaged fraction) are
 * unsigned, as the pcap format says and libpcap reads them from 1.10.5 on.
 * The tool must take them alike from savefile.c and from libpcap (earlier
 * releases sign-extend an unswapped second), or a file read from a pipe and
 * the same file named would give other times. */
static void
test_time_fields_unsigned(void)
{
    pcap_writer w;

    writer_init(&w, FALSE, 0xa1b2c3d4, 65535);
    record(&w, 0x9d000000u, 5, 60, 60, 60);
    record(&w, 1700000000, 0x80000001u, 60, 60, 60);
    g_assert_cmpuint(compare(&w, NULL), ==, 2);
    g_assert_cmpint(first_time_us, ==, G_GINT64_CONSTANT(2634022912000005));
    writer_init(&w, TRUE, 0xa1b23c4d, 65535);
    record(&w, 0xfffffff0u, 0xfffffc17u, 60, 60, 60);
    g_assert_cmpuint(compare(&w, NULL), ==, 1);
    /* 4294966295 ns of fraction: 4294966 us, carried into the seconds. */
    g_assert_cmpint(first_time_us, ==, G_GINT64_CONSTANT(4294967280) * G_USEC_PER_SEC + 4294966);
}

/* A record longer than the file's snapshot length keeps that much. */
static void
test_longer_than_snapshot(void)
{
    pcap_writer w;

    writer_init(&w, FALSE, 0xa1b2c3d4, 64);
    record(&w, 1, 0, 100, 100, 100);
    record(&w, 2, 0, 64, 64, 64);
    g_assert_cmpuint(compare(&w, NULL), ==, 2);
}

/* Records straddle the ends of many blocks of SAVEFILE_BLOCK bytes. */
static void
test_across_blocks(void)
{
    pcap_writer w;
    guint n = 0;

    writer_init(&w, FALSE, 0xa1b2c3d4, 262144);
    for (gsize total = 0; total < 3 * SAVEFILE_BLOCK; n++) {
        guint32 len = (guint32)(n * 977 % 70000);

        record(&w, n, n, len, len, len);
        total += 16 + len;
    }
    record(&w, n, 0, 262144, 262144, 262144);
    g_assert_cmpuint(compare(&w, NULL), ==, n + 1);
}

/* libpcap names the file's snapshot length if the record is longer than
 * that too, else its own maximum. */
static void
test_capture_length_too_big(void)
{
    static const struct {
        guint32     snaplen, caplen;
        const char *error;
    } cases[] = {
        { 65535, 262145, "invalid packet capture length 262145, bigger than snaplen of 65535" },
        { 1000000, 262145, "invalid packet capture length 262145, bigger than maximum of 262144" },
        { 1000000, 1000001,
          "invalid packet capture length 1000001, bigger than snaplen of 1000000" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        pcap_writer w;

        writer_init(&w, FALSE, 0xa1b2c3d4, cases[i].snaplen);
        record(&w, 1, 0, 60, 60, 60);
        record(&w, 2, 0, cases[i].caplen, cases[i].caplen, 100);
        g_assert_cmpuint(compare(&w, cases[i].error), ==, 1);
    }
}

static void
test_cut_in_record_header(void)
{
    pcap_writer w;

    writer_init(&w, FALSE, 0xa1b2c3d4, 65535);
    record(&w, 1, 0, 60, 60, 60);
    put32(&w, 2);
    put32(&w, 0);
    g_assert_cmpuint(compare(&w, "truncated dump file; tried to read 16 header bytes, "
                                 "only got 8"), ==, 1);
}

/* A record longer than the snapshot length is read in two steps by
 * libpcap, the kept bytes then the rest: its message names the step that
 * fell short. */
static void
test_cut_in_packet(void)
{
    static const struct {
        guint32     snaplen, caplen;
        gsize       fill;
        const char *error;
    } cases[] = {
        { 65535, 1514, 700, "truncated dump file; tried to read 1514 captured bytes, only got 700" },
        { 64, 100, 50, "truncated dump file; tried to read 64 captured bytes, only got 50" },
        { 64, 100, 80, "truncated dump file; tried to read 100 captured bytes, only got 80" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        pcap_writer w;

        writer_init(&w, FALSE, 0xa1b2c3d4, cases[i].snaplen);
        record(&w, 1, 0, 60, 60, 60);
        record(&w, 2, 0, cases[i].caplen, cases[i].caplen, cases[i].fill);
        g_assert_cmpuint(compare(&w, cases[i].error), ==, 1);
    }
}

/* Versions before 2.4 may hold the two lengths the other way round:
 * savefile.c leaves them to libpcap. */
static void
test_old_versions_not_classic(void)
{
    static const guint8 versions[][4] = { { 2, 0, 0, 0 }, { 2, 0, 3, 0 }, { 0x1f, 2, 0, 0 } };
    gboolean swapped, nanoseconds;

    for (gsize i = 0; i < G_N_ELEMENTS(versions); i++) {
        gchar *path = NULL;
        int fd = g_file_open_tmp("savefile-XXXXXX.pcap", &path, NULL);
        guint8 head[24] = { 0xd4, 0xc3, 0xb2, 0xa1 };

        memcpy(head + 4, versions[i], 4);
        g_assert_cmpint(fd, >=, 0);
        g_assert_true(write(fd, head, sizeof head) == (ssize_t)sizeof head);
        g_assert_false(savefile_is_classic(fd, &swapped, &nanoseconds));
        head[4] = 2;
        head[5] = 0;
        head[6] = 4;
        head[7] = 0;
        g_assert_true(pwrite(fd, head, sizeof head, 0) == (ssize_t)sizeof head);
        g_assert_true(savefile_is_classic(fd, &swapped, &nanoseconds));
        close(fd);
        g_unlink(path);
        g_free(path);
    }
}

static void
test_not_classic(void)
{
    gchar *path = NULL;
    int fd = g_file_open_tmp("savefile-XXXXXX.pcapng", &path, NULL);
    static const guint8 pcapng[] = { 0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0 };
    gboolean swapped, nanoseconds;

    g_assert_cmpint(fd, >=, 0);
    g_assert_true(write(fd, pcapng, sizeof pcapng) == (ssize_t)sizeof pcapng);
    g_assert_false(savefile_is_classic(fd, &swapped, &nanoseconds));
    close(fd);
    g_unlink(path);
    g_free(path);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/savefile/plain", test_plain);
    g_test_add_func("/savefile/swapped-nanoseconds", test_swapped_nanoseconds);
    g_test_add_func("/savefile/time-fields-unsigned", test_time_fields_unsigned);
    g_test_add_func("/savefile/longer-than-snapshot", test_longer_than_snapshot);
    g_test_add_func("/savefile/across-blocks", test_across_blocks);
    g_test_add_func("/savefile/capture-length-too-big", test_capture_length_too_big);
    g_test_add_func("/savefile/cut-in-record-header", test_cut_in_record_header);
    g_test_add_func("/savefile/cut-in-packet", test_cut_in_packet);
    g_test_add_func("/savefile/old-versions-not-classic", test_old_versions_not_classic);
    g_test_add_func("/savefile/not-classic", test_not_classic);
    return g_test_run();
}
