/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pcapng Decryption Secrets Block scanner (pcapng-secrets.h): the real
 * sample that editcap wrote, whole, a byte at a time and cut at every
 * offset; sections of both byte orders; other blocks and other secrets
 * types; the cap; every kind of broken framing; and the input layer,
 * which must hand the secrets over before libpcap returns the packets
 * after them, from a file, a gzip'd file, a pipe and standard input.
 */
#include <string.h>

#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <zlib.h>

#include "input.h"
#include "keylog.h"
#include "pcapng-secrets.h"

#ifndef SOURCE_DIR
#error "SOURCE_DIR: the project's top directory"
#endif

#define SAMPLE_DSB SOURCE_DIR "/samples/tls/starttls-tls13-aes128-dsb.pcapng"
#define SAMPLE_KEYS SOURCE_DIR "/samples/tls/starttls-tls13-aes128.keys"
#define SAMPLE_PCAP SOURCE_DIR "/samples/tls/starttls-tls13-aes128.pcap"

#define WIREGUARD_KEY_LOG 0x57474b4cu   /* "WGKL": a secrets type not ours */
#define BLOCK_IDB 0x00000001u
#define BLOCK_EPB 0x00000006u

/* ---- what the scanner hands over ---- */

typedef struct {
    GString *text;   /* every key log, one after the other */
    guint    calls;
} collected;

static void
collect(const char *text, gsize len, gpointer user_data)
{
    collected *c = user_data;

    g_string_append_len(c->text, text, (gssize)len);
    c->calls++;
}

typedef struct {
    collected            got;
    pcapng_secrets_stats stats;
} result;

static void
result_clear(result *r)
{
    g_string_free(r->got.text, TRUE);
}

/* BYTES fed in pieces of CHUNK bytes (0: whole), to a scanner of cap MAX. */
static result
scan(const guint8 *bytes, gsize len, gsize chunk, gsize max)
{
    result r = { { g_string_new(NULL), 0 }, { 0 } };
    pcapng_secrets *s = pcapng_secrets_new(max, collect, &r.got);

    if (chunk == 0)
        chunk = MAX(len, 1);
    for (gsize at = 0; at < len; at += chunk) {
        pcapng_secrets_feed(s, bytes + at, MIN(chunk, len - at));
        g_assert_cmpuint(pcapng_secrets_held(s), <=, max ? max : PCAPNG_SECRETS_DEFAULT_MAX);
    }
    r.stats = *pcapng_secrets_get_stats(s);
    pcapng_secrets_free(s);
    return r;
}

static void
assert_same(const result *a, const result *b)
{
    g_assert_cmpuint(a->got.calls, ==, b->got.calls);
    g_assert_cmpmem(a->got.text->str, a->got.text->len, b->got.text->str, b->got.text->len);
    g_assert_cmpmem(&a->stats, sizeof a->stats, &b->stats, sizeof b->stats);
}

/* Whole, a byte at a time, in pieces of 3 and 4096, and in two pieces cut
 * at every offset: all the same as whole, which is returned. */
static result
scan_every_way(const guint8 *bytes, gsize len, gsize max)
{
    result whole = scan(bytes, len, 0, max);
    static const gsize chunks[] = { 1, 3, 4096 };

    for (gsize i = 0; i < G_N_ELEMENTS(chunks); i++) {
        result r = scan(bytes, len, chunks[i], max);

        assert_same(&r, &whole);
        result_clear(&r);
    }
    for (gsize cut = 0; cut <= len; cut++) {
        result r = { { g_string_new(NULL), 0 }, { 0 } };
        pcapng_secrets *s = pcapng_secrets_new(max, collect, &r.got);

        pcapng_secrets_feed(s, bytes, cut);
        pcapng_secrets_feed(s, bytes + cut, len - cut);
        r.stats = *pcapng_secrets_get_stats(s);
        pcapng_secrets_free(s);
        assert_same(&r, &whole);
        result_clear(&r);
    }
    return whole;
}

/* ---- pcapng written here ---- */

typedef struct {
    GByteArray *bytes;
    gboolean    big_endian;   /* of the current section */
} writer;

static void
put32(writer *w, guint32 v)
{
    guint32 x = w->big_endian ? GUINT32_TO_BE(v) : GUINT32_TO_LE(v);

    g_byte_array_append(w->bytes, (const guint8 *)&x, 4);
}

static void
put16(writer *w, guint16 v)
{
    guint16 x = w->big_endian ? GUINT16_TO_BE(v) : GUINT16_TO_LE(v);

    g_byte_array_append(w->bytes, (const guint8 *)&x, 2);
}

static void
pad(writer *w)
{
    static const guint8 zero[4] = { 0 };

    g_byte_array_append(w->bytes, zero, (4 - w->bytes->len % 4) % 4);
}

/* A block of TYPE around BODY (padded here). */
static void
block(writer *w, guint32 type, const guint8 *body, gsize len)
{
    guint32 total = (guint32)(12 + (len + 3) / 4 * 4);

    put32(w, type);
    put32(w, total);
    g_byte_array_append(w->bytes, body, (guint)len);
    pad(w);
    put32(w, total);
}

static void
shb(writer *w, gboolean big_endian)
{
    w->big_endian = big_endian;
    put32(w, PCAPNG_BLOCK_SHB);
    put32(w, 28);
    put32(w, PCAPNG_BYTE_ORDER_MAGIC);
    put16(w, 1);
    put16(w, 0);
    put32(w, 0xffffffff);   /* section length: not given */
    put32(w, 0xffffffff);
    put32(w, 28);
}

/* An Ethernet interface. */
static void
idb(writer *w)
{
    put32(w, BLOCK_IDB);
    put32(w, 20);
    put16(w, 1);
    put16(w, 0);
    put32(w, 65535);
    put32(w, 20);
}

/* A packet of LEN bytes, each FILL, at second SECOND. */
static void
epb(writer *w, guint8 fill, gsize len, guint32 second)
{
    guint64 us = (guint64)second * G_USEC_PER_SEC;
    guint32 total = (guint32)(32 + (len + 3) / 4 * 4);

    put32(w, BLOCK_EPB);
    put32(w, total);
    put32(w, 0);
    put32(w, (guint32)(us >> 32));
    put32(w, (guint32)us);
    put32(w, (guint32)len);
    put32(w, (guint32)len);
    for (gsize i = 0; i < len; i++)
        g_byte_array_append(w->bytes, &fill, 1);
    pad(w);
    put32(w, total);
}

/* A DSB of secrets TYPE holding TEXT, with OPTION_BYTES of options (an
 * opt_comment, then opt_endofopt) when not 0. */
static void
dsb(writer *w, guint32 type, const char *text, gsize option_bytes)
{
    gsize len = strlen(text);
    guint32 total = (guint32)(20 + (len + 3) / 4 * 4 + option_bytes);

    put32(w, PCAPNG_BLOCK_DSB);
    put32(w, total);
    put32(w, type);
    put32(w, (guint32)len);
    g_byte_array_append(w->bytes, (const guint8 *)text, (guint)len);
    pad(w);
    if (option_bytes > 0) {
        g_assert_cmpuint(option_bytes, >=, 8);
        g_assert_cmpuint(option_bytes % 4, ==, 0);
        put16(w, 1);
        put16(w, (guint16)(option_bytes - 8));
        for (gsize i = 0; i < option_bytes - 8; i++)
            g_byte_array_append(w->bytes, (const guint8 *)"x", 1);
        put32(w, 0);
    }
    put32(w, total);
}

static writer
writer_new(void)
{
    writer w = { g_byte_array_new(), FALSE };

    return w;
}

static const char keys_a[] =
    "CLIENT_RANDOM 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff "
    "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
    "2122232425262728292a2b2c2d2e2f30\n";
static const char keys_b[] = "# a comment only, of 33 bytes.\n";
static const char keys_c[] = "SOMETHING_NEW no line end";

/* ---- the sample ---- */

static gchar *
read_file(const char *path, gsize *len)
{
    gchar *text = NULL;
    GError *error = NULL;

    g_assert_true(g_file_get_contents(path, &text, len, &error));
    g_assert_no_error(error);
    return text;
}

static void
test_sample(void)
{
    gsize len, keys_len;
    gchar *bytes = read_file(SAMPLE_DSB, &len);
    gchar *keys = read_file(SAMPLE_KEYS, &keys_len);
    result r = scan_every_way((const guint8 *)bytes, len, 0);

    /* editcap stores the file as it is, without its padding. */
    g_assert_cmpuint(r.got.calls, ==, 1);
    g_assert_cmpmem(r.got.text->str, r.got.text->len, keys, keys_len);
    g_assert_cmpuint(r.stats.sections, ==, 1);
    g_assert_cmpuint(r.stats.dsbs, ==, 1);
    g_assert_cmpuint(r.stats.tls, ==, 1);
    g_assert_cmpuint(r.stats.tls_bytes, ==, 832);
    g_assert_cmpuint(keys_len, ==, 832);
    g_assert_cmpuint(r.stats.other_types, ==, 0);
    g_assert_cmpuint(r.stats.too_long, ==, 0);
    g_assert_cmpuint(r.stats.malformed, ==, 0);
    result_clear(&r);
    g_free(bytes);
    g_free(keys);
}

/* The key log a scanner fills holds what the .keys file gives. */
static void
test_sample_keylog(void)
{
    gsize len;
    gchar *bytes = read_file(SAMPLE_DSB, &len);
    keylog *from_file = keylog_new(0), *from_dsb = keylog_new(0);
    pcapng_secrets *s = pcapng_secrets_new(0, pcapng_secrets_to_keylog, from_dsb);
    guint8 random[KEYLOG_RANDOM_LEN];
    static const char random_hex[] =
        "36f377ebbce00ea9a53483da3ba42c2b4609917758a5ee880b04f5274774ca73";
    const keylog_stats *ks;

    for (gsize i = 0; i < KEYLOG_RANDOM_LEN; i++)
        random[i] = (guint8)(g_ascii_xdigit_value(random_hex[2 * i]) << 4
                             | g_ascii_xdigit_value(random_hex[2 * i + 1]));
    g_assert_true(keylog_load_file(from_file, SAMPLE_KEYS, NULL));
    for (gsize i = 0; i < len; i++)
        pcapng_secrets_feed(s, (const guint8 *)bytes + i, 1);
    ks = keylog_get_stats(from_dsb);
    g_assert_cmpuint(ks->lines, ==, 6);
    g_assert_cmpuint(ks->secrets, ==, 4);
    g_assert_cmpuint(ks->ignored, ==, 1);
    g_assert_cmpuint(ks->entries, ==, 1);
    g_assert_cmpuint(ks->malformed, ==, 0);
    for (int kind = 0; kind < KEYLOG_SECRETS; kind++) {
        gsize a_len = 0, b_len = 0;
        const guint8 *a = keylog_lookup(from_file, random, kind, &a_len);
        const guint8 *b = keylog_lookup(from_dsb, random, kind, &b_len);

        /* TLS 1.3: all but the master secret, 32 bytes each. */
        g_assert_true((a != NULL) == (kind != KEYLOG_MASTER_SECRET));
        g_assert_true((b != NULL) == (a != NULL));
        if (a)
            g_assert_cmpmem(a, a_len, b, b_len);
        g_assert_cmpuint(b_len, ==, a ? 32 : 0);
    }
    pcapng_secrets_free(s);
    keylog_free(from_file);
    keylog_free(from_dsb);
    g_free(bytes);
}

/* ---- sections, byte orders, other blocks ---- */

static void
test_big_endian(void)
{
    writer w = writer_new();
    result r;

    shb(&w, TRUE);
    idb(&w);
    dsb(&w, PCAPNG_SECRETS_TLS_KEY_LOG, keys_a, 0);
    epb(&w, 0xab, 60, 1);
    r = scan_every_way(w.bytes->data, w.bytes->len, 0);
    g_assert_cmpuint(r.got.calls, ==, 1);
    g_assert_cmpstr(r.got.text->str, ==, keys_a);
    g_assert_cmpuint(r.stats.sections, ==, 1);
    g_assert_cmpuint(r.stats.tls_bytes, ==, strlen(keys_a));
    g_assert_cmpuint(r.stats.malformed, ==, 0);
    result_clear(&r);
    g_byte_array_unref(w.bytes);
}

/* Little-endian, then big-endian, then little again: each section's own
 * order, with options after the secrets and padding of 1 to 3 bytes. */
static void
test_sections(void)
{
    writer w = writer_new();
    result r;
    gchar *want = g_strconcat(keys_a, keys_b, keys_c, keys_a, NULL);

    shb(&w, FALSE);
    idb(&w);
    dsb(&w, PCAPNG_SECRETS_TLS_KEY_LOG, keys_a, 12);
    epb(&w, 1, 61, 1);
    shb(&w, TRUE);
    idb(&w);
    dsb(&w, PCAPNG_SECRETS_TLS_KEY_LOG, keys_b, 0);
    epb(&w, 2, 62, 2);
    dsb(&w, PCAPNG_SECRETS_TLS_KEY_LOG, keys_c, 16);
    shb(&w, FALSE);
    dsb(&w, PCAPNG_SECRETS_TLS_KEY_LOG, keys_a, 0);
    r = scan_every_way(w.bytes->data, w.bytes->len, 0);
    g_assert_cmpuint(r.got.calls, ==, 4);
    g_assert_cmpstr(r.got.text->str, ==, want);
    g_assert_cmpuint(r.stats.sections, ==, 3);
    g_assert_cmpuint(r.stats.dsbs, ==, 4);
    g_assert_cmpuint(r.stats.tls, ==, 4);
    g_assert_cmpuint(r.stats.tls_bytes, ==, strlen(want));
    g_assert_cmpuint(r.stats.malformed, ==, 0);
    result_clear(&r);
    g_free(want);
    g_byte_array_unref(w.bytes);
}

/* Another secrets type, an empty key log, a key log over the cap, then
 * packets and a key log after them: all counted, only ours handed over. */
static void
test_other_types_and_cap(void)
{
    writer w = writer_new();
    result r;
    gchar *want = g_strconcat(keys_b, keys_c, NULL);

    shb(&w, FALSE);
    idb(&w);
    dsb(&w, WIREGUARD_KEY_LOG, keys_a, 0);
    dsb(&w, PCAPNG_SECRETS_TLS_KEY_LOG, "", 8);
    dsb(&w, PCAPNG_SECRETS_TLS_KEY_LOG, keys_a, 0);   /* 177 bytes: over a cap of 64 */
    dsb(&w, PCAPNG_SECRETS_TLS_KEY_LOG, keys_b, 0);
    for (guint i = 0; i < 5; i++)
        epb(&w, (guint8)i, 100 + i, i);
    block(&w, 0x00000BADu, (const guint8 *)"an unknown block", 16);
    dsb(&w, PCAPNG_SECRETS_TLS_KEY_LOG, keys_c, 0);
    r = scan_every_way(w.bytes->data, w.bytes->len, 64);
    g_assert_cmpuint(r.got.calls, ==, 3);   /* the empty one is one */
    g_assert_cmpstr(r.got.text->str, ==, want);
    g_assert_cmpuint(r.stats.dsbs, ==, 5);
    g_assert_cmpuint(r.stats.tls, ==, 3);
    g_assert_cmpuint(r.stats.tls_bytes, ==, strlen(want));
    g_assert_cmpuint(r.stats.other_types, ==, 1);
    g_assert_cmpuint(r.stats.too_long, ==, 1);
    g_assert_cmpuint(r.stats.malformed, ==, 0);
    result_clear(&r);

    /* The default cap takes the long one too. */
    r = scan(w.bytes->data, w.bytes->len, 0, 0);
    g_assert_cmpuint(r.got.calls, ==, 4);
    g_assert_cmpuint(r.stats.too_long, ==, 0);
    result_clear(&r);
    g_free(want);
    g_byte_array_unref(w.bytes);
}

static void
test_not_pcapng(void)
{
    gsize len;
    gchar *bytes = read_file(SAMPLE_PCAP, &len);
    result r = scan((const guint8 *)bytes, len, 0, 0);
    pcapng_secrets_stats zero = { 0 };
    static const guint8 short_shb[3] = { 0x0a, 0x0d, 0x0d };

    g_assert_cmpuint(r.got.calls, ==, 0);
    g_assert_cmpmem(&r.stats, sizeof r.stats, &zero, sizeof zero);
    result_clear(&r);
    /* Text, and a stream too short to tell. */
    r = scan((const guint8 *)keys_a, strlen(keys_a), 1, 0);
    g_assert_cmpmem(&r.stats, sizeof r.stats, &zero, sizeof zero);
    result_clear(&r);
    r = scan(short_shb, sizeof short_shb, 0, 0);
    g_assert_cmpmem(&r.stats, sizeof r.stats, &zero, sizeof zero);
    result_clear(&r);
    g_free(bytes);
}

/* ---- broken framing ---- */

/* Each a block's first words (in its section's byte order) that break
 * the framing; what follows them is never read. */
typedef struct {
    const char *name;
    guint32     words[8];
    gsize       n;
} breakage;

static const breakage breakages[] = {
    { "SHB shorter than its fixed fields",
      { PCAPNG_BLOCK_SHB, 24, PCAPNG_BYTE_ORDER_MAGIC, 1, 0, 0, 24 }, 7 },
    { "SHB length not a multiple of 4",
      { PCAPNG_BLOCK_SHB, 30, PCAPNG_BYTE_ORDER_MAGIC, 1, 0, 0, 30 }, 7 },
    { "byte-order magic of neither order",
      { PCAPNG_BLOCK_SHB, 28, 0x4d3c2b1bu, 1, 0, 0, 28 }, 7 },
    { "block of 8 bytes", { BLOCK_EPB, 8, 0, 0 }, 4 },
    { "block length not a multiple of 4", { BLOCK_EPB, 22, 0, 0 }, 4 },
    { "DSB without room for its secrets length",
      { PCAPNG_BLOCK_DSB, 16, PCAPNG_SECRETS_TLS_KEY_LOG, 16 }, 4 },
    { "secrets past their block",
      { PCAPNG_BLOCK_DSB, 28, PCAPNG_SECRETS_TLS_KEY_LOG, 12, 0, 0, 28 }, 7 },
    { "secrets' padding past their block",
      { PCAPNG_BLOCK_DSB, 28, PCAPNG_SECRETS_TLS_KEY_LOG, 9, 0, 0, 28 }, 7 },
    { "length at the end not the same",
      { PCAPNG_BLOCK_DSB, 28, PCAPNG_SECRETS_TLS_KEY_LOG, 8, 0, 0, 32 }, 7 },
    { "length wrapped past 2^32 to 4",
      { PCAPNG_BLOCK_DSB, (guint32)(0xfffffff0u + 20u), PCAPNG_SECRETS_TLS_KEY_LOG,
        0xfffffff0u }, 4 },
};
/* The break that test_restart() reads twice. */
#define BREAK_TRAILER 8

/* A good DSB (keys_b), then the break, then a good one never read. */
static GByteArray *
broken(const breakage *how, gboolean big_endian)
{
    writer w = writer_new();

    shb(&w, big_endian);
    dsb(&w, PCAPNG_SECRETS_TLS_KEY_LOG, keys_b, 0);
    for (gsize i = 0; i < how->n; i++)
        put32(&w, how->words[i]);
    dsb(&w, PCAPNG_SECRETS_TLS_KEY_LOG, keys_a, 0);
    return w.bytes;
}

/* Each break stops the stream: what came before is kept, nothing after
 * is read, and it is counted once. */
static void
test_broken(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(breakages); i++) {
        for (int big_endian = 0; big_endian <= 1; big_endian++) {
            GByteArray *bytes = broken(&breakages[i], big_endian);
            result r = scan_every_way(bytes->data, bytes->len, 0);

            g_test_message("%s, %s-endian", breakages[i].name, big_endian ? "big" : "little");
            g_assert_cmpuint(r.got.calls, ==, 1);
            g_assert_cmpstr(r.got.text->str, ==, keys_b);
            g_assert_cmpuint(r.stats.dsbs, ==, 1);
            g_assert_cmpuint(r.stats.malformed, ==, 1);
            g_assert_cmpuint(r.stats.sections, ==, 1);
            result_clear(&r);
            g_byte_array_unref(bytes);
        }
    }
}

/* A block cut short hands nothing over, whatever its length promises;
 * what is kept is what has arrived, never what was promised. */
static void
test_lies(void)
{
    writer w = writer_new();
    result r = { { g_string_new(NULL), 0 }, { 0 } };
    pcapng_secrets *s = pcapng_secrets_new(0, collect, &r.got);
    guint8 zeros[1000] = { 0 };

    shb(&w, FALSE);
    /* 4 GiB, the most a block can say: over the cap, skipped. */
    put32(&w, PCAPNG_BLOCK_DSB);
    put32(&w, 0xfffffffcu);
    put32(&w, PCAPNG_SECRETS_TLS_KEY_LOG);
    put32(&w, 0xfffffffcu - 20);
    pcapng_secrets_feed(s, w.bytes->data, w.bytes->len);
    for (guint i = 0; i < 100; i++)
        pcapng_secrets_feed(s, zeros, sizeof zeros);
    g_assert_cmpuint(pcapng_secrets_held(s), ==, 0);
    g_assert_cmpuint(r.got.calls, ==, 0);
    g_assert_cmpuint(pcapng_secrets_get_stats(s)->dsbs, ==, 0);

    /* The cap exactly, of which 100,000 bytes come. */
    g_byte_array_set_size(w.bytes, 0);
    shb(&w, FALSE);
    put32(&w, PCAPNG_BLOCK_DSB);
    put32(&w, PCAPNG_SECRETS_DEFAULT_MAX + 20);
    put32(&w, PCAPNG_SECRETS_TLS_KEY_LOG);
    put32(&w, PCAPNG_SECRETS_DEFAULT_MAX);
    pcapng_secrets_restart(s);
    pcapng_secrets_feed(s, w.bytes->data, w.bytes->len);
    for (guint i = 0; i < 100; i++)
        pcapng_secrets_feed(s, zeros, sizeof zeros);
    g_assert_cmpuint(pcapng_secrets_held(s), >=, 100000);
    g_assert_cmpuint(pcapng_secrets_held(s), <=, 2 * 100000);
    /* A new stream drops it. */
    pcapng_secrets_restart(s);
    g_assert_cmpuint(pcapng_secrets_held(s), ==, 0);
    g_assert_cmpuint(r.got.calls, ==, 0);
    g_assert_cmpuint(pcapng_secrets_get_stats(s)->sections, ==, 2);
    g_assert_cmpuint(pcapng_secrets_get_stats(s)->malformed, ==, 0);

    pcapng_secrets_free(s);
    result_clear(&r);
    g_byte_array_unref(w.bytes);
}

/* A stream that broke is read again from its start once restarted. */
static void
test_restart(void)
{
    GByteArray *bytes = broken(&breakages[BREAK_TRAILER], FALSE);
    result r = { { g_string_new(NULL), 0 }, { 0 } };
    pcapng_secrets *s = pcapng_secrets_new(0, collect, &r.got);
    gchar *want = g_strconcat(keys_b, keys_b, NULL);

    g_assert_cmpstr(breakages[BREAK_TRAILER].name, ==, "length at the end not the same");
    pcapng_secrets_feed(s, bytes->data, bytes->len);
    pcapng_secrets_restart(s);
    pcapng_secrets_feed(s, bytes->data, bytes->len);
    g_assert_cmpuint(r.got.calls, ==, 2);
    g_assert_cmpstr(r.got.text->str, ==, want);
    g_assert_cmpuint(pcapng_secrets_get_stats(s)->malformed, ==, 2);
    g_assert_cmpuint(pcapng_secrets_get_stats(s)->sections, ==, 2);
    pcapng_secrets_free(s);
    result_clear(&r);
    g_free(want);
    g_byte_array_unref(bytes);
}

/* ---- through the input layer ---- */

typedef enum {
    VIA_FILE,
    VIA_GZIP,    /* the file gzip'd */
    VIA_PIPE,    /* standard input, a pipe */
    VIA_STDIN,   /* standard input, the file */
} via;

typedef struct {
    int          fd;
    GByteArray  *bytes;
} pipe_writer;

static gpointer
write_pipe(gpointer data)
{
    pipe_writer *p = data;
    gsize done = 0;

    /* In small pieces, as a slow writer gives them. */
    while (done < p->bytes->len) {
        ssize_t n = write(p->fd, p->bytes->data + done, MIN(p->bytes->len - done, 1000));

        g_assert_cmpint(n, >, 0);
        done += (gsize)n;
    }
    close(p->fd);
    return NULL;
}

/* What one reading through the input layer saw. */
typedef struct {
    guint   packets;
    GString *fills;     /* each packet's first byte */
    GArray  *calls_at;  /* at each packet, the key logs handed over so far */
    gboolean records;   /* savefile.c read it */
    gboolean streamed;  /* through a stream of ours */
} reading;

static reading
read_input(const guint8 *bytes, gsize len, via how, pcapng_secrets *s, const collected *c)
{
    reading rd = { 0, g_string_new(NULL), g_array_new(FALSE, FALSE, sizeof(guint)), FALSE,
                   FALSE };
    gchar *path = NULL;
    int fd = g_file_open_tmp("pcapng-secrets-XXXXXX", &path, NULL);
    int saved_stdin = -1, source = -1;
    GThread *writer_thread = NULL;
    pipe_writer pw = { -1, NULL };
    GError *error = NULL;
    input in;
    const struct pcap_pkthdr *hdr;
    const guint8 *data;
    int rc;

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    if (how == VIA_GZIP) {
        gzFile gz = gzopen(path, "wb");

        g_assert_nonnull(gz);
        g_assert_cmpint(gzwrite(gz, bytes, (unsigned)len), ==, (int)len);
        g_assert_cmpint(gzclose(gz), ==, Z_OK);
    } else {
        g_assert_true(g_file_set_contents(path, (const gchar *)bytes, (gssize)len, NULL));
    }
    if (how == VIA_PIPE || how == VIA_STDIN) {
        saved_stdin = dup(STDIN_FILENO);
        if (how == VIA_PIPE) {
            int ends[2];

            g_assert_cmpint(pipe(ends), ==, 0);
            source = ends[0];
            pw.fd = ends[1];
            pw.bytes = g_byte_array_new();
            g_byte_array_append(pw.bytes, bytes, (guint)len);
            writer_thread = g_thread_new("pipe", write_pipe, &pw);
        } else {
            source = g_open(path, O_RDONLY, 0);
        }
        g_assert_cmpint(dup2(source, STDIN_FILENO), ==, STDIN_FILENO);
        close(source);
    }
    g_assert_true(input_open_file_secrets(&in, how == VIA_PIPE || how == VIA_STDIN
                                                  ? "-" : path, s, &error));
    g_assert_no_error(error);
    rd.records = in.records != NULL;
    rd.streamed = in.decompressed != NULL;
    while ((rc = input_next(&in, &hdr, &data)) == 1) {
        rd.packets++;
        g_string_append_c(rd.fills, hdr->caplen > 0 ? (gchar)data[0] : '-');
        g_array_append_val(rd.calls_at, c->calls);
    }
    g_assert_cmpint(rc, ==, PCAP_ERROR_BREAK);
    input_close(&in);
    if (writer_thread) {
        g_thread_join(writer_thread);
        g_byte_array_unref(pw.bytes);
    }
    if (saved_stdin >= 0) {
        g_assert_cmpint(dup2(saved_stdin, STDIN_FILENO), ==, STDIN_FILENO);
        close(saved_stdin);
    }
    g_unlink(path);
    g_free(path);
    return rd;
}

static void
reading_clear(reading *rd)
{
    g_string_free(rd->fills, TRUE);
    g_array_unref(rd->calls_at);
}

/* Packets, a key log, packets, a key log: each in before the packets
 * after it come out, however the file is read.  One scanner serves every
 * reading, its counts adding up. */
static void
test_input_order(void)
{
    writer w = writer_new();
    collected c = { g_string_new(NULL), 0 };
    pcapng_secrets *s = pcapng_secrets_new(0, collect, &c);
    static const via ways[] = { VIA_FILE, VIA_GZIP, VIA_PIPE, VIA_STDIN };
    gchar *want = g_strconcat(keys_a, keys_b, NULL);

    shb(&w, FALSE);
    idb(&w);
    epb(&w, 'a', 60, 1);
    epb(&w, 'b', 61, 2);
    dsb(&w, PCAPNG_SECRETS_TLS_KEY_LOG, keys_a, 0);
    epb(&w, 'c', 62, 3);
    dsb(&w, WIREGUARD_KEY_LOG, keys_c, 0);
    dsb(&w, PCAPNG_SECRETS_TLS_KEY_LOG, keys_b, 8);
    epb(&w, 'd', 63, 4);
    for (gsize i = 0; i < G_N_ELEMENTS(ways); i++) {
        reading rd;
        guint before = c.calls;

        g_string_truncate(c.text, 0);
        rd = read_input(w.bytes->data, w.bytes->len, ways[i], s, &c);
        g_test_message("way %d", ways[i]);
        g_assert_cmpuint(rd.packets, ==, 4);
        g_assert_cmpstr(rd.fills->str, ==, "abcd");
        g_assert_true(rd.streamed);
        g_assert_false(rd.records);
        g_assert_cmpuint(g_array_index(rd.calls_at, guint, 2), >=, before + 1);
        g_assert_cmpuint(g_array_index(rd.calls_at, guint, 3), ==, before + 2);
        g_assert_cmpuint(c.calls, ==, before + 2);
        g_assert_cmpstr(c.text->str, ==, want);
        reading_clear(&rd);
    }
    g_assert_cmpuint(pcapng_secrets_get_stats(s)->sections, ==, G_N_ELEMENTS(ways));
    g_assert_cmpuint(pcapng_secrets_get_stats(s)->tls, ==, 2 * G_N_ELEMENTS(ways));
    g_assert_cmpuint(pcapng_secrets_get_stats(s)->other_types, ==, G_N_ELEMENTS(ways));
    g_assert_cmpuint(pcapng_secrets_get_stats(s)->malformed, ==, 0);
    pcapng_secrets_free(s);
    g_string_free(c.text, TRUE);
    g_free(want);
    g_byte_array_unref(w.bytes);
}

/* The sample through the input layer into a key log: the same packets as
 * the pcap it was made from, the keys in before the first packet. */
static void
test_input_sample(void)
{
    gsize dsb_len, pcap_len;
    gchar *dsb_bytes = read_file(SAMPLE_DSB, &dsb_len);
    gchar *pcap_bytes = read_file(SAMPLE_PCAP, &pcap_len);
    collected c = { g_string_new(NULL), 0 };
    pcapng_secrets *s = pcapng_secrets_new(0, collect, &c);
    pcapng_secrets_stats zero = { 0 };
    reading pcapng, classic;

    classic = read_input((const guint8 *)pcap_bytes, pcap_len, VIA_FILE, s, &c);
    /* A classic pcap file keeps its own reader, and is not scanned. */
    g_assert_true(classic.records);
    g_assert_false(classic.streamed);
    g_assert_cmpmem(pcapng_secrets_get_stats(s), sizeof zero, &zero, sizeof zero);
    g_assert_cmpuint(c.calls, ==, 0);

    pcapng = read_input((const guint8 *)dsb_bytes, dsb_len, VIA_FILE, s, &c);
    g_assert_cmpuint(pcapng.packets, ==, classic.packets);
    g_assert_cmpuint(pcapng.packets, ==, 32);
    g_assert_cmpuint(g_array_index(pcapng.calls_at, guint, 0), ==, 1);
    g_assert_cmpuint(pcapng_secrets_get_stats(s)->tls_bytes, ==, 832);
    reading_clear(&pcapng);
    reading_clear(&classic);
    pcapng_secrets_free(s);
    g_string_free(c.text, TRUE);
    g_free(dsb_bytes);
    g_free(pcap_bytes);
}

/* Without a scanner a pcapng file is read as ever: straight by libpcap. */
static void
test_input_without(void)
{
    GError *error = NULL;
    input in;

    g_assert_true(input_open_file(&in, SAMPLE_DSB, &error));
    g_assert_no_error(error);
    g_assert_null(in.decompressed);
    g_assert_null(in.records);
    input_close(&in);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pcapng-secrets/sample", test_sample);
    g_test_add_func("/pcapng-secrets/sample/keylog", test_sample_keylog);
    g_test_add_func("/pcapng-secrets/big-endian", test_big_endian);
    g_test_add_func("/pcapng-secrets/sections", test_sections);
    g_test_add_func("/pcapng-secrets/other-types-and-cap", test_other_types_and_cap);
    g_test_add_func("/pcapng-secrets/not-pcapng", test_not_pcapng);
    g_test_add_func("/pcapng-secrets/broken", test_broken);
    g_test_add_func("/pcapng-secrets/lies", test_lies);
    g_test_add_func("/pcapng-secrets/restart", test_restart);
    g_test_add_func("/pcapng-secrets/input/order", test_input_order);
    g_test_add_func("/pcapng-secrets/input/sample", test_input_sample);
    g_test_add_func("/pcapng-secrets/input/without", test_input_without);
    return g_test_run();
}
