/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TCP stream reassembly: what the owner is handed, in what order. */
#include <string.h>

#include "packet.h"
#include "reassembly.h"

/* Events rendered as one string:
 *   D<offset>"bytes"   in-order data
 *   G<offset>+<n>L/T   gap, lost or truncated
 *   C<offset>+<n>      a later copy differed
 *   E:FIN/RST/FLUSH    end */
static void
on_data(const guint8 *data, gsize len, guint64 offset, gpointer user_data)
{
    g_string_append_printf(user_data, "D%" G_GUINT64_FORMAT "\"%.*s\" ", offset, (int)len,
                           (const char *)data);
}

static void
on_gap(guint64 offset, guint64 missing, rs_gap_reason reason, gpointer user_data)
{
    g_string_append_printf(user_data, "G%" G_GUINT64_FORMAT "+%" G_GUINT64_FORMAT "%c ",
                           offset, missing, reason == RS_GAP_LOST ? 'L' : 'T');
}

static void
on_conflict(guint64 offset, gsize len, gpointer user_data)
{
    g_string_append_printf(user_data, "C%" G_GUINT64_FORMAT "+%" G_GSIZE_FORMAT " ",
                           offset, len);
}

static void
on_end(rs_end_reason reason, gpointer user_data)
{
    static const char *const names[] = { "FIN", "RST", "FLUSH" };

    g_string_append_printf(user_data, "E:%s", names[reason]);
}

static const rs_callbacks callbacks = { on_data, on_gap, on_conflict, on_end };

typedef struct {
    rs_stream rs;
    GString  *events;
} fixture;

static void
setup(fixture *f, const rs_limits *limits)
{
    f->events = g_string_new(NULL);
    rs_stream_init(&f->rs, limits, &callbacks, f->events);
}

static void
teardown(fixture *f)
{
    rs_stream_clear(&f->rs);
    g_string_free(f->events, TRUE);
}

/* A segment carrying the string DATA, captured whole. */
static void
seg(fixture *f, guint32 seq, guint8 flags, const char *data)
{
    gsize len = strlen(data);

    rs_stream_segment(&f->rs, seq, flags, (const guint8 *)data, len, len);
}

static void
check(fixture *f, const char *expected)
{
    g_assert_cmpstr(f->events->str, ==, expected);
    teardown(f);
}

static void
test_in_order(void)
{
    fixture f;

    setup(&f, NULL);
    seg(&f, 100, TCP_SYN, "");
    seg(&f, 101, TCP_ACK, "220 a\r\n");
    seg(&f, 108, TCP_ACK, "221 b\r\n");
    seg(&f, 115, TCP_FIN | TCP_ACK, "");
    g_assert_true(f.rs.syn_seen);
    g_assert_cmpuint(f.rs.stats.bytes, ==, 14);
    check(&f, "D0\"220 a\r\n\" D7\"221 b\r\n\" E:FIN");
}

static void
test_wraparound(void)
{
    fixture f;

    /* The SYN takes 0xfffffffd; data runs across 2^32 to sequence 4. */
    setup(&f, NULL);
    seg(&f, 0xfffffffdu, TCP_SYN, "");
    seg(&f, 0xfffffffeu, TCP_ACK, "abcd");
    seg(&f, 2, TCP_ACK, "efg");
    seg(&f, 0xffffffffu, TCP_ACK, "bcd");   /* an old copy, from before the wrap */
    seg(&f, 5, TCP_FIN | TCP_ACK, "");
    g_assert_cmpuint(f.rs.next, ==, 7);
    g_assert_cmpuint(f.rs.stats.retransmitted, ==, 3);
    check(&f, "D0\"abcd\" D4\"efg\" E:FIN");
}

static void
test_out_of_order(void)
{
    fixture f;

    setup(&f, NULL);
    seg(&f, 0, TCP_SYN, "");
    seg(&f, 7, TCP_ACK, "ghi");
    seg(&f, 4, TCP_ACK, "def");
    g_assert_cmpstr(f.events->str, ==, "");   /* held until the hole fills */
    g_assert_cmpuint(f.rs.queued, ==, 6);
    seg(&f, 1, TCP_ACK, "abc");
    g_assert_cmpuint(f.rs.queued, ==, 0);
    g_assert_cmpuint(f.rs.stats.out_of_order, ==, 2);
    rs_stream_flush(&f.rs, RS_END_FLUSH);
    check(&f, "D0\"abc\" D3\"def\" D6\"ghi\" E:FLUSH");
}

static void
test_retransmission_same_bytes(void)
{
    fixture f;

    setup(&f, NULL);
    seg(&f, 0, TCP_SYN, "");
    seg(&f, 1, TCP_ACK, "abcdef");
    seg(&f, 1, TCP_ACK, "abcdef");
    seg(&f, 4, TCP_ACK, "defghi");   /* overlaps 3 old bytes, brings 3 new */
    g_assert_cmpuint(f.rs.stats.retransmitted, ==, 9);
    g_assert_cmpuint(f.rs.stats.conflicts, ==, 0);
    rs_stream_flush(&f.rs, RS_END_FLUSH);
    check(&f, "D0\"abcdef\" D6\"ghi\" E:FLUSH");
}

static void
test_overlap_conflict_delivered(void)
{
    fixture f;

    setup(&f, NULL);
    seg(&f, 0, TCP_SYN, "");
    seg(&f, 1, TCP_ACK, "abcdef");
    seg(&f, 3, TCP_ACK, "cXeZgh");   /* first copy wins: "cdef" stays */
    rs_stream_flush(&f.rs, RS_END_FLUSH);
    g_assert_cmpuint(f.rs.stats.conflicts, ==, 1);
    check(&f, "D0\"abcdef\" C2+4 D6\"gh\" E:FLUSH");
}

static void
test_overlap_conflict_queued(void)
{
    fixture f;

    /* Two copies of queued bytes disagree before the hole fills. */
    setup(&f, NULL);
    seg(&f, 0, TCP_SYN, "");
    seg(&f, 5, TCP_ACK, "efgh");
    seg(&f, 3, TCP_ACK, "cdEFghij");
    seg(&f, 1, TCP_ACK, "ab");
    rs_stream_flush(&f.rs, RS_END_FLUSH);
    check(&f, "C4+4 D0\"ab\" D2\"cd\" D4\"efgh\" D8\"ij\" E:FLUSH");
}

static void
test_gap_at_end(void)
{
    fixture f;

    /* "def" never came: at the end the queued bytes go out after a gap. */
    setup(&f, NULL);
    seg(&f, 0, TCP_SYN, "");
    seg(&f, 1, TCP_ACK, "abc");
    seg(&f, 7, TCP_ACK, "ghi");
    rs_stream_flush(&f.rs, RS_END_FLUSH);
    g_assert_cmpuint(f.rs.stats.gaps, ==, 1);
    g_assert_cmpuint(f.rs.stats.gap_bytes, ==, 3);
    check(&f, "D0\"abc\" G3+3L D6\"ghi\" E:FLUSH");
}

static void
test_gap_acked(void)
{
    fixture f;

    /* The receiver acknowledged past the hole: it will not be resent. */
    setup(&f, NULL);
    seg(&f, 0, TCP_SYN, "");
    seg(&f, 1, TCP_ACK, "abc");
    seg(&f, 7, TCP_ACK, "ghi");
    rs_stream_ack(&f.rs, 7);
    g_assert_cmpstr(f.events->str, ==, "D0\"abc\" G3+3L D6\"ghi\" ");
    /* An ACK past everything with nothing queued (a FIN's) reports nothing. */
    rs_stream_ack(&f.rs, 11);
    check(&f, "D0\"abc\" G3+3L D6\"ghi\" ");
}

static void
test_fin_waits_for_hole(void)
{
    fixture f;

    setup(&f, NULL);
    seg(&f, 0, TCP_SYN, "");
    seg(&f, 4, TCP_FIN | TCP_ACK, "def");
    g_assert_false(f.rs.ended);
    seg(&f, 1, TCP_ACK, "abc");
    g_assert_true(f.rs.ended);
    seg(&f, 1, TCP_ACK, "zzz");   /* after the end: ignored */
    check(&f, "D0\"abc\" D3\"def\" E:FIN");
}

static void
test_fin_lost_bytes(void)
{
    fixture f;

    /* The bytes before the FIN never came: a gap, then the end. */
    setup(&f, NULL);
    seg(&f, 0, TCP_SYN, "");
    seg(&f, 1, TCP_ACK, "ab");
    seg(&f, 6, TCP_FIN | TCP_ACK, "");
    rs_stream_flush(&f.rs, RS_END_FLUSH);
    check(&f, "D0\"ab\" G2+3L E:FLUSH");
}

static void
test_rst(void)
{
    fixture f;

    setup(&f, NULL);
    seg(&f, 0, TCP_SYN, "");
    seg(&f, 1, TCP_ACK, "ab");
    seg(&f, 5, TCP_ACK, "ef");
    seg(&f, 7, TCP_RST, "");
    g_assert_true(f.rs.ended);
    check(&f, "D0\"ab\" G2+2L D4\"ef\" E:RST");
}

static void
test_midstream(void)
{
    fixture f;

    /* No SYN: the first segment seen starts the stream. */
    setup(&f, NULL);
    seg(&f, 5000, TCP_ACK, "NING\r\n250 OK\r\n");
    seg(&f, 4990, TCP_ACK, "too early");   /* before the stream we know */
    g_assert_false(f.rs.syn_seen);
    rs_stream_flush(&f.rs, RS_END_FLUSH);
    check(&f, "D0\"NING\r\n250 OK\r\n\" E:FLUSH");
}

static void
test_truncated(void)
{
    fixture f;

    /* 10 bytes on the wire, 4 captured: the other 6 are a gap. */
    setup(&f, NULL);
    seg(&f, 0, TCP_SYN, "");
    rs_stream_segment(&f.rs, 1, TCP_ACK, (const guint8 *)"abcdefghij", 4, 10);
    seg(&f, 11, TCP_ACK, "kl");
    g_assert_cmpuint(f.rs.stats.truncated, ==, 1);
    rs_stream_flush(&f.rs, RS_END_FLUSH);
    check(&f, "D0\"abcd\" G4+6T D10\"kl\" E:FLUSH");
}

static void
test_truncated_out_of_order(void)
{
    fixture f;

    /* A truncated segment waits in the queue like any other. */
    setup(&f, NULL);
    seg(&f, 0, TCP_SYN, "");
    rs_stream_segment(&f.rs, 3, TCP_ACK, (const guint8 *)"cdefgh", 2, 6);
    seg(&f, 1, TCP_ACK, "ab");
    rs_stream_flush(&f.rs, RS_END_FLUSH);
    check(&f, "D0\"ab\" D2\"cd\" G4+4T E:FLUSH");
}

static void
test_queue_cap(void)
{
    rs_limits limits = { .max_queued = 8, .max_segments = 100, .history = 64 };
    fixture f;

    /* Past 8 queued bytes the hole is given up: memory stays bounded. */
    setup(&f, &limits);
    seg(&f, 0, TCP_SYN, "");
    seg(&f, 11, TCP_ACK, "klmno");
    g_assert_cmpuint(f.rs.queued, ==, 5);
    seg(&f, 16, TCP_ACK, "pqrs");
    g_assert_cmpuint(f.rs.queued, ==, 0);
    g_assert_cmpuint(f.rs.stats.overflows, ==, 1);
    check(&f, "G0+10L D10\"klmno\" D15\"pqrs\" ");
}

static void
test_segment_cap(void)
{
    rs_limits limits = { .max_queued = 1000, .max_segments = 2, .history = 64 };
    fixture f;

    setup(&f, &limits);
    seg(&f, 0, TCP_SYN, "");
    seg(&f, 3, TCP_ACK, "c");
    seg(&f, 5, TCP_ACK, "e");
    seg(&f, 7, TCP_ACK, "g");
    g_assert_cmpuint(g_queue_get_length(&f.rs.queue), <=, 2);
    check(&f, "G0+2L D2\"c\" ");
}

static void
test_history_bounded(void)
{
    rs_limits limits = { .max_queued = 100, .max_segments = 10, .history = 4 };
    char big[64];
    fixture f;

    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    setup(&f, &limits);
    seg(&f, 0, TCP_SYN, "");
    for (guint32 i = 0; i < 20; i++)
        seg(&f, 1 + i * 63, TCP_ACK, big);
    g_assert_cmpuint(rs_stream_buffered(&f.rs), <=, 2 * 4);
    /* A copy of bytes older than the history cannot be checked: no conflict. */
    seg(&f, 1, TCP_ACK, "yyy");
    g_assert_cmpuint(f.rs.stats.conflicts, ==, 0);
    teardown(&f);
}

static const char *const order_parts[] = { "220-a\r\n", "220-", "bb\r\n", "220 c", "\r\n" };

/* Feeds the five parts in the order PERM: the stream must come out whole. */
static void
feed_in_order(const guint *perm)
{
    guint32 seqs[5], seq = 1;
    fixture f;

    for (guint i = 0; i < 5; i++) {
        seqs[i] = seq;
        seq += (guint32)strlen(order_parts[i]);
    }
    setup(&f, NULL);
    seg(&f, 0, TCP_SYN, "");
    for (guint k = 0; k < 5; k++)
        seg(&f, seqs[perm[k]], TCP_ACK, order_parts[perm[k]]);
    rs_stream_flush(&f.rs, RS_END_FLUSH);
    check(&f, "D0\"220-a\r\n\" D7\"220-\" D11\"bb\r\n\" D15\"220 c\" D20\"\r\n\" E:FLUSH");
}

/* Every order of five segments gives the same stream (Heap's algorithm
 * walks the 120 permutations). */
static void
test_all_orders(void)
{
    guint perm[5] = { 0, 1, 2, 3, 4 }, c[5] = { 0 }, orders = 1;

    feed_in_order(perm);
    for (guint i = 1; i < 5; ) {
        if (c[i] < i) {
            guint j = i % 2 ? c[i] : 0, t = perm[j];

            perm[j] = perm[i];
            perm[i] = t;
            feed_in_order(perm);
            orders++;
            c[i]++;
            i = 1;
        } else {
            c[i] = 0;
            i++;
        }
    }
    g_assert_cmpuint(orders, ==, 120);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/reassembly/in-order", test_in_order);
    g_test_add_func("/reassembly/wraparound", test_wraparound);
    g_test_add_func("/reassembly/out-of-order", test_out_of_order);
    g_test_add_func("/reassembly/out-of-order/all-orders", test_all_orders);
    g_test_add_func("/reassembly/retransmission/same-bytes", test_retransmission_same_bytes);
    g_test_add_func("/reassembly/overlap/conflict-delivered", test_overlap_conflict_delivered);
    g_test_add_func("/reassembly/overlap/conflict-queued", test_overlap_conflict_queued);
    g_test_add_func("/reassembly/gap/at-end", test_gap_at_end);
    g_test_add_func("/reassembly/gap/acked", test_gap_acked);
    g_test_add_func("/reassembly/fin/waits-for-hole", test_fin_waits_for_hole);
    g_test_add_func("/reassembly/fin/lost-bytes", test_fin_lost_bytes);
    g_test_add_func("/reassembly/rst", test_rst);
    g_test_add_func("/reassembly/midstream", test_midstream);
    g_test_add_func("/reassembly/truncated", test_truncated);
    g_test_add_func("/reassembly/truncated/out-of-order", test_truncated_out_of_order);
    g_test_add_func("/reassembly/cap/bytes", test_queue_cap);
    g_test_add_func("/reassembly/cap/segments", test_segment_cap);
    g_test_add_func("/reassembly/cap/history", test_history_bounded);
    return g_test_run();
}
