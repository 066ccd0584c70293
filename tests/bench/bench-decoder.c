/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Throughput and memory of the reply parser on a few kinds of server stream,
 * each fed in TCP-segment-sized and in one-byte chunks, next to a plain
 * memchr() line splitter over the same bytes in the same chunks: the floor
 * any line-based decoder pays, measured in the same run so the ratio means
 * something on a noisy machine where the absolute figures do not.
 *
 * It only prints figures; nothing here asserts a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <glib.h>

#include "sr_decoder.h"
/* The parser's line buffer is watched (measure_held): its state is opaque. */
#include "sr_internal.h"

/* What a stream is made of: HEAD once, BODY over and over, TAIL once.  The
 * body is one buffer reused, so the input costs the same memory whatever the
 * stream length and the peak RSS measures the parser, not the input. */
typedef struct {
    const char *name;
    const char *what;
    GByteArray *head;
    GByteArray *body;
    GByteArray *tail;
} workload;

typedef struct {
    guint64 lines;    /* LF-ended lines seen */
} baseline_state;

/* The upper bounds of what the parser held while decoding one workload. */
typedef struct {
    guint64 replies;
    guint   max_lines;
    gsize   max_data;
    guint   max_anomalies;
    gsize   max_line_buf;
} held_state;

typedef enum {
    MODE_BOTH,
    MODE_PARSER,
    MODE_BASELINE,
} bench_mode;

static const gsize chunk_sizes[] = { 1460, 1 };
#define BODY_TARGET (1024 * 1024)

/* Called through a pointer per chunk like sr_parser_feed(), so both pay the
 * same call overhead; not static, so the compiler keeps it whole and a
 * profiler can find it by name. */
G_GNUC_NO_INLINE void baseline_feed(baseline_state *b, const guint8 *data, gsize len);

void
baseline_feed(baseline_state *b, const guint8 *data, gsize len)
{
    const guint8 *p = data, *end = data + len, *nl;

    while (p < end && (nl = memchr(p, '\n', (gsize)(end - p))) != NULL) {
        b->lines++;
        p = nl + 1;
    }
}

static void
append(GByteArray *a, const char *s)
{
    g_byte_array_append(a, (const guint8 *)s, (guint)strlen(s));
}

/* Fills BODY with whole copies of PATTERN up to about BODY_TARGET bytes. */
static void
fill_body(GByteArray *body, const char *pattern)
{
    while (body->len < BODY_TARGET)
        append(body, pattern);
}

static void
workload_init(workload *w, const char *name, const char *what)
{
    w->name = name;
    w->what = what;
    w->head = g_byte_array_new();
    w->body = g_byte_array_new();
    w->tail = g_byte_array_new();
}

static void
workload_clear(workload *w)
{
    g_byte_array_free(w->head, TRUE);
    g_byte_array_free(w->body, TRUE);
    g_byte_array_free(w->tail, TRUE);
}

/* A server's side of a pipelining session: greeting, EHLO, an envelope with
 * an accepted and a rejected recipient, a greylisting, DATA, RSET, a relay
 * refusal, QUIT. */
static const char session[] =
    "220 mx.example.test ESMTP ready\r\n"
    "250-mx.example.test Hello client.example.test [192.0.2.7]\r\n"
    "250-SIZE 52428800\r\n"
    "250-8BITMIME\r\n"
    "250-PIPELINING\r\n"
    "250-ENHANCEDSTATUSCODES\r\n"
    "250-CHUNKING\r\n"
    "250-STARTTLS\r\n"
    "250 SMTPUTF8\r\n"
    "250 2.1.0 Sender <alice@example.test> ok\r\n"
    "250 2.1.5 Recipient <bob@example.test> ok\r\n"
    "550-5.1.1 <nobody@example.test>: Recipient address rejected:\r\n"
    "550 5.1.1 User unknown in virtual mailbox table\r\n"
    "451 4.7.1 <carol@example.test>: Greylisted, please try again later\r\n"
    "354 End data with <CR><LF>.<CR><LF>\r\n"
    "250 2.0.0 Ok: queued as 4Bc9Xk2QzLz1\r\n"
    "250 2.0.0 Reset state\r\n"
    "554 5.7.1 <dave@elsewhere.test>: Relay access denied\r\n"
    "221 2.0.0 Bye\r\n";

static void
make_workloads(workload *w)
{
    GString *pattern = g_string_new(NULL);

    workload_init(&w[0], "mixed", "pipelined sessions: EHLO, envelopes, rejections");
    fill_body(w[0].body, session);

    workload_init(&w[1], "multiline", "one endless 250- reply, cut at the line cap");
    fill_body(w[1].body, "250-a capability line of a reasonable length, like most\r\n");
    append(w[1].tail, "250 end\r\n");

    workload_init(&w[2], "long-line", "one line far past the line cap");
    append(w[2].head, "250 ");
    g_byte_array_set_size(w[2].body, BODY_TARGET);
    memset(w[2].body->data, 'x', w[2].body->len);
    append(w[2].tail, "\r\n");

    workload_init(&w[3], "bare-cr", "continuation lines that are half bare CRs");
    g_string_append(pattern, "250-");
    for (int i = 0; i < 100; i++)
        g_string_append(pattern, "a\r");
    g_string_append(pattern, "\r\n");
    fill_body(w[3].body, pattern->str);
    append(w[3].tail, "250 end\r\n");
    g_string_free(pattern, TRUE);
}

static void
count_reply(const sr_reply *reply, gpointer user_data)
{
    guint64 *replies = user_data;

    (void)reply;
    (*replies)++;
}

static void
note_held(const sr_reply *reply, gpointer user_data)
{
    held_state *h = user_data;

    h->replies++;
    h->max_lines = MAX(h->max_lines, reply->lines->len);
    h->max_data = MAX(h->max_data, reply->data->len);
    h->max_anomalies = MAX(h->max_anomalies, reply->anomalies->len);
}

/* Feeds SIZE bytes of BUF in CHUNK-byte calls to FEED. */
#define FEED_CHUNKED(feed, state, buf, size, chunk)                              \
    do {                                                                         \
        for (gsize off_ = 0; off_ < (size); off_ += (chunk))                    \
            feed((state), (buf) + off_, MIN((chunk), (size) - off_));            \
    } while (0)

/* How many times the body is fed for a stream of about MIB mebibytes. */
static guint
body_repeats(const workload *w, guint mib)
{
    guint64 want = (guint64)mib * 1024 * 1024;

    return MAX(1u, (guint)((want + w->body->len / 2) / w->body->len));
}

static guint64
stream_bytes(const workload *w, guint repeats)
{
    return w->head->len + (guint64)w->body->len * repeats + w->tail->len;
}

/* Decodes the workload once; returns the seconds it took. */
static double
time_parser(const workload *w, guint repeats, gsize chunk, guint64 *replies)
{
    sr_parser *p;
    gint64 start;

    *replies = 0;
    p = sr_parser_new(NULL, count_reply, replies);
    start = g_get_monotonic_time();
    FEED_CHUNKED(sr_parser_feed, p, w->head->data, w->head->len, chunk);
    for (guint r = 0; r < repeats; r++)
        FEED_CHUNKED(sr_parser_feed, p, w->body->data, w->body->len, chunk);
    FEED_CHUNKED(sr_parser_feed, p, w->tail->data, w->tail->len, chunk);
    sr_parser_finish(p);
    start = g_get_monotonic_time() - start;
    sr_parser_free(p);
    return (double)start / 1e6;
}

static double
time_baseline(const workload *w, guint repeats, gsize chunk, guint64 *lines)
{
    baseline_state b = { 0 };
    gint64 start = g_get_monotonic_time();

    FEED_CHUNKED(baseline_feed, &b, w->head->data, w->head->len, chunk);
    for (guint r = 0; r < repeats; r++)
        FEED_CHUNKED(baseline_feed, &b, w->body->data, w->body->len, chunk);
    FEED_CHUNKED(baseline_feed, &b, w->tail->data, w->tail->len, chunk);
    start = g_get_monotonic_time() - start;
    *lines = b.lines;
    return (double)start / 1e6;
}

/* Decodes the workload untimed, watching how much the parser holds. */
static void
measure_held(const workload *w, guint repeats, held_state *h)
{
    sr_parser *p;

    *h = (held_state){ 0 };
    p = sr_parser_new(NULL, note_held, h);
    sr_parser_feed(p, w->head->data, w->head->len);
    for (guint r = 0; r < repeats; r++) {
        for (gsize off = 0; off < w->body->len; off += 1460) {
            sr_parser_feed(p, w->body->data + off, MIN(1460, w->body->len - off));
            h->max_line_buf = MAX(h->max_line_buf, p->framer.buf->len);
        }
    }
    sr_parser_feed(p, w->tail->data, w->tail->len);
    sr_parser_finish(p);
    sr_parser_free(p);
}

static long
peak_rss_kib(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return ru.ru_maxrss;  /* kibibytes on Linux */
}

static void
usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s [--mib N] [--reps N] [--only WORKLOAD] [--chunk N]"
            " [--mode both|parser|baseline]\n"
            "  --mib N     stream length per workload in MiB (default 16)\n"
            "  --reps N    timed runs of each case; the fastest counts (default 3)\n"
            "  --only W    mixed, multiline, long-line or bare-cr\n"
            "  --chunk N   only this chunk size (default: 1460 and 1)\n"
            "  --mode M    both (default), or only the parser or the baseline,"
            " without the memory pass (for a profiler)\n",
            argv0);
    exit(2);
}

static guint
parse_count(const char *arg, const char *argv0)
{
    char *end;
    guint64 v = g_ascii_strtoull(arg, &end, 10);

    if (*arg == '\0' || *end != '\0' || v == 0 || v > G_MAXUINT)
        usage(argv0);
    return (guint)v;
}

int
main(int argc, char **argv)
{
    workload w[4];
    guint mib = 16, reps = 3;
    gsize only_chunk = 0;
    const char *only = NULL;
    bench_mode mode = MODE_BOTH;
    sr_config defaults;
    long rss_inputs;

    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            usage(argv[0]);
        if (strcmp(argv[i], "--mib") == 0)
            mib = parse_count(argv[++i], argv[0]);
        else if (strcmp(argv[i], "--reps") == 0)
            reps = parse_count(argv[++i], argv[0]);
        else if (strcmp(argv[i], "--chunk") == 0)
            only_chunk = parse_count(argv[++i], argv[0]);
        else if (strcmp(argv[i], "--only") == 0)
            only = argv[++i];
        else if (strcmp(argv[i], "--mode") == 0) {
            const char *m = argv[++i];

            if (strcmp(m, "both") == 0)
                mode = MODE_BOTH;
            else if (strcmp(m, "parser") == 0)
                mode = MODE_PARSER;
            else if (strcmp(m, "baseline") == 0)
                mode = MODE_BASELINE;
            else
                usage(argv[0]);
        } else {
            usage(argv[0]);
        }
    }

    make_workloads(w);
    rss_inputs = peak_rss_kib();
    sr_config_init(&defaults);
    printf("bench-decoder: %u MiB per workload, best of %u runs, default parser config"
           " (line cap %" G_GSIZE_FORMAT " B, %u lines or %" G_GSIZE_FORMAT " B per reply)\n\n",
           mib, reps, defaults.line_cap, defaults.max_lines, defaults.max_bytes);
    printf("%-10s %6s %10s %10s %12s %10s %13s %7s\n", "workload", "chunk", "bytes", "MB/s",
           "replies/s", "lines", "baseline MB/s", "ratio");

    for (guint i = 0; i < G_N_ELEMENTS(w); i++) {
        guint repeats = body_repeats(&w[i], mib);
        guint64 bytes = stream_bytes(&w[i], repeats);

        if (only && strcmp(only, w[i].name) != 0)
            continue;
        for (guint c = 0; c < G_N_ELEMENTS(chunk_sizes); c++) {
            gsize chunk = chunk_sizes[c];
            double best = 0, best_base = 0;
            guint64 replies = 0, lines = 0;

            if (only_chunk && only_chunk != chunk)
                continue;
            for (guint r = 0; r < reps; r++) {
                if (mode != MODE_BASELINE) {
                    double t = time_parser(&w[i], repeats, chunk, &replies);

                    best = r == 0 ? t : MIN(best, t);
                }
                if (mode != MODE_PARSER) {
                    double t = time_baseline(&w[i], repeats, chunk, &lines);

                    best_base = r == 0 ? t : MIN(best_base, t);
                }
            }
            printf("%-10s %6" G_GSIZE_FORMAT " %10" G_GUINT64_FORMAT, w[i].name, chunk, bytes);
            if (mode != MODE_BASELINE && best > 0)
                printf(" %10.1f %12.0f", bytes / best / 1e6, replies / best);
            else
                printf(" %10s %12s", "-", "-");
            if (mode != MODE_PARSER && best_base > 0)
                printf(" %10" G_GUINT64_FORMAT " %13.1f", lines, bytes / best_base / 1e6);
            else
                printf(" %10s %13s", "-", "-");
            if (mode == MODE_BOTH && best > 0 && best_base > 0)
                printf(" %6.1fx", best / best_base);
            printf("\n");
        }
    }

    /* Profiling one side (run-bench.sh) must not count this extra pass. */
    if (mode != MODE_BOTH)
        goto done;
    printf("\nlargest reply held and line buffer, while decoding in 1460-byte chunks\n");
    printf("%-10s %10s %10s %10s %10s %11s %10s %9s\n", "workload", "stream MB", "replies",
           "max lines", "max data", "max anomal.", "line buf", "held KiB");
    for (guint i = 0; i < G_N_ELEMENTS(w); i++) {
        guint repeats = body_repeats(&w[i], mib);
        held_state h;
        gsize held;

        if (only && strcmp(only, w[i].name) != 0)
            continue;
        measure_held(&w[i], repeats, &h);
        /* The payload of the parser's arrays, not what malloc rounds it to. */
        held = h.max_lines * sizeof(sr_reply_line) + h.max_data
            + h.max_anomalies * sizeof(sr_anomaly) + h.max_line_buf;
        printf("%-10s %10.1f %10" G_GUINT64_FORMAT " %10u %10" G_GSIZE_FORMAT " %11u %10"
               G_GSIZE_FORMAT " %9.1f\n", w[i].name, stream_bytes(&w[i], repeats) / 1e6,
               h.replies, h.max_lines, h.max_data, h.max_anomalies, h.max_line_buf,
               held / 1024.0);
    }
    printf("\npeak RSS: %ld KiB with the inputs built, %ld KiB after every run"
           " (the parser's share is the difference)\n", rss_inputs, peak_rss_kib());
done:

    for (guint i = 0; i < G_N_ELEMENTS(w); i++)
        workload_clear(&w[i]);
    return 0;
}
