/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TLS decryption (tls-decrypt.h).  The key schedule against RFC 8448's
 * "Simple 1-RTT Handshake" trace, and two of its records decrypted; then
 * every capture of samples/tls/: its TLS streams (tests/unit/tls/NAME.bin)
 * fed to the decoder's TLS reader, which frames the records for the
 * decryptor with NAME.keys, whole and one byte at a time, the server's plaintext compared with the
 * replies of samples/tls/expected/NAME.jsonl and the frames they end in,
 * the client's with the commands the sessions send.  Then what must give
 * nothing: a wrong secret, no key, a gap, a record changed in flight, the
 * handshakes that failed.
 */
#include <string.h>

#include "keylog.h"
#include "sr_tls.h"
#include "tls-decrypt.h"

#ifndef SOURCE_DIR
#error "SOURCE_DIR: the project's top directory"
#endif

static gsize
unhex(const char *hex, guint8 *out, gsize max)
{
    gsize n = 0;

    for (const char *c = hex; *c; c++) {
        int hi, lo;

        if (*c == ' ' || *c == '\n')
            continue;
        hi = g_ascii_xdigit_value(c[0]);
        lo = g_ascii_xdigit_value(c[1]);
        g_assert_cmpint(hi, >=, 0);
        g_assert_cmpint(lo, >=, 0);
        g_assert_cmpuint(n, <, max);
        out[n++] = (guint8)(hi << 4 | lo);
        c++;
    }
    return n;
}

static gchar *
tohex(const guint8 *data, gsize len)
{
    GString *s = g_string_new(NULL);

    for (gsize i = 0; i < len; i++)
        g_string_append_printf(s, "%02x", data[i]);
    return g_string_free(s, FALSE);
}

/* ------------------------------------------------------------------ */
/* What the decryptor hands over                                       */

typedef struct {
    GString *text[2];        /* [0] server, [1] client */
    GArray  *ends[2];        /* per callback: end offset, frame (guint64 pairs) */
} plain;

static void
plain_init(plain *p)
{
    for (int i = 0; i < 2; i++) {
        p->text[i] = g_string_new(NULL);
        p->ends[i] = g_array_new(FALSE, FALSE, sizeof(guint64));
    }
}

static void
plain_clear(plain *p)
{
    for (int i = 0; i < 2; i++) {
        g_string_free(p->text[i], TRUE);
        g_array_free(p->ends[i], TRUE);
    }
}

static void
collect(gboolean client, const guint8 *data, gsize len, guint64 frame, gpointer user_data)
{
    plain *p = user_data;
    guint64 end;

    g_assert_cmpuint(len, >, 0);
    g_string_append_len(p->text[client], (const char *)data, (gssize)len);
    end = p->text[client]->len;
    g_array_append_val(p->ends[client], end);
    g_array_append_val(p->ends[client], frame);
}

/* The frame whose callback brought byte AT of one side. */
static guint64
frame_of_byte(const plain *p, gboolean client, gsize at)
{
    const GArray *e = p->ends[client];

    for (guint i = 0; i + 1 < e->len; i += 2)
        if (at < g_array_index(e, guint64, i))
            return g_array_index(e, guint64, i + 1);
    g_assert_not_reached();
    return 0;
}

/* ------------------------------------------------------------------ */
/* The records, framed by the decoder's TLS reader                     */

/* A reader handing its records to a decryptor, as the tool's sessions
 * do; with INFO, the decryptor is given it instead of the reader's own
 * (RFC 8448's records come without their hellos). */
typedef struct {
    sr_tls            *reader;
    tls_decrypt       *d;
    const sr_tls_info *info;
} framer;

static gboolean
framer_begin(gpointer user_data, const sr_tls_info *info, gboolean client,
             const sr_tls_record *record, guint64 frame)
{
    framer *f = user_data;

    return tls_decrypt_begin(f->d, f->info ? f->info : info, client, record, frame);
}

static void
framer_record(gpointer user_data, const sr_tls_info *info, gboolean client,
              sr_tls_record *record, guint64 frame)
{
    framer *f = user_data;

    tls_decrypt_record(f->d, f->info ? f->info : info, client, record, frame);
}

static void
framer_lost(gpointer user_data, const sr_tls_info *info, gboolean client, sr_tls_stop why,
            guint64 frame)
{
    framer *f = user_data;

    tls_decrypt_lost(f->d, f->info ? f->info : info, client, why, frame);
}

static const sr_tls_record_funcs framer_funcs = { framer_begin, framer_record, framer_lost };

static void
framer_init(framer *f, tls_decrypt *d, const sr_tls_info *info)
{
    *f = (framer){ sr_tls_new(), d, info };
    sr_tls_set_record_funcs(f->reader, &framer_funcs, f);
}

static void
framer_feed(framer *f, gboolean client, const guint8 *data, gsize len, guint64 frame)
{
    sr_tls_feed(f->reader, client, data, len, frame);
    /* The record being decrypted is the reader's to hold. */
    g_assert_cmpuint(sr_tls_memory(f->reader), <=,
                     SR_TLS_MEMORY_BOUND + SR_TLS_RECORD_MEMORY_BOUND);
}

static void
framer_clear(framer *f)
{
    sr_tls_free(f->reader);
}

/* ------------------------------------------------------------------ */
/* RFC 8448, section 3                                                 */

typedef struct {
    const char *secret;
    const char *key;
    const char *iv;
} trace_keys;

/* The trace's traffic secrets and the write keys and ivs it derives. */
static const trace_keys rfc8448_keys[] = {
    { /* {server} derive write traffic keys for handshake data */
      "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38",
      "3fce516009c21727d0f2e4e86ee403bc", "5d313eb2671276ee13000b30" },
    { /* {client} derive read traffic keys for handshake data */
      "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21",
      "dbfaa693d1762c5b666af5d950258d01", "5bd3c71b836e0b76bb73265f" },
    { /* {server} derive write traffic keys for application data */
      "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643",
      "9f02283b6c9c07efc26bb9f2ac92e356", "cf782b88dd83549aadf1e984" },
    { /* {client} derive write traffic keys for application data */
      "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5",
      "17422dda596ed5d9acd890e3c63f5051", "5b78923dee08579033e523d9" },
};

static void
test_rfc8448_keys(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(rfc8448_keys); i++) {
        guint8 secret[48], key[TLS_DECRYPT_MAX_KEY], iv[TLS_DECRYPT_NONCE_LEN];
        gsize secret_len = unhex(rfc8448_keys[i].secret, secret, sizeof secret);
        gsize key_len = 0;
        gchar *hex;

        g_assert_true(tls_decrypt_tls13_keys(0x1301, secret, secret_len, key, &key_len, iv));
        g_assert_cmpuint(key_len, ==, 16);
        hex = tohex(key, key_len);
        g_assert_cmpstr(hex, ==, rfc8448_keys[i].key);
        g_free(hex);
        hex = tohex(iv, sizeof iv);
        g_assert_cmpstr(hex, ==, rfc8448_keys[i].iv);
        g_free(hex);
        /* A SHA-256 secret is not one of TLS_AES_256_GCM_SHA384's. */
        g_assert_false(tls_decrypt_tls13_keys(0x1302, secret, secret_len, key, &key_len, iv));
        g_assert_false(tls_decrypt_tls13_keys(0xc02f, secret, secret_len, key, &key_len, iv));
    }
}

/* {client} send handshake record: its Finished under the handshake keys. */
static const char rfc8448_client_finished[] =
    "17 03 03 00 35 75 ec 4d c2 38 cc e6 0b 29 80 44 a7 1e 21 9c 56 cc 77 b0 51 7f e9 b9"
    "3c 7a 4b fc 44 d8 7f 38 f8 03 38 ac 98 fc 46 de b3 84 bd 1c ae ac ab 68 67 d7 26 c4"
    "05 46";
/* {client} send application_data record: bytes 00 to 31 (50 of them). */
static const char rfc8448_client_data[] =
    "17 03 03 00 43 a2 3f 70 54 b6 2c 94 d0 af fa fe 82 28 ba 55 cb ef ac ea 42 f9 14 aa"
    "66 bc ab 3f 2b 98 19 a8 a5 b4 6b 39 5b d5 4a 9a 20 44 1e 2b 62 97 4e 1f 5a 62 92 a2"
    "97 70 14 bd 1e 3d ea e6 3a ee bb 21 69 49 15 e4";

/* The client's records of the trace through the decryptor: the key log
 * names the connection by a random of our own, since only the secrets
 * matter. */
static void
test_rfc8448_records(void)
{
    static const char random_hex[] =
        "5ce0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e";
    gchar *log = g_strdup_printf("CLIENT_HANDSHAKE_TRAFFIC_SECRET %s %s\n"
                                 "CLIENT_TRAFFIC_SECRET_0 %s %s\n",
                                 random_hex, rfc8448_keys[1].secret,
                                 random_hex, rfc8448_keys[3].secret);
    keylog *k = keylog_new(0);
    sr_tls_info info;
    guint8 record[128];
    gsize len;
    plain p;
    tls_decrypt *d;
    framer f;
    const tls_decrypt_stats *st;

    keylog_add_text(k, log, strlen(log));
    memset(&info, 0, sizeof info);
    info.client_hello.seen = TRUE;
    unhex(random_hex, info.client_hello.random, 32);
    info.server_hello.seen = TRUE;
    info.server_hello.version = SR_TLS_VERSION_TLS13;
    info.server_hello.cipher_suite = 0x1301;
    plain_init(&p);
    d = tls_decrypt_new(k, collect, &p);
    framer_init(&f, d, &info);

    len = unhex(rfc8448_client_finished, record, sizeof record);
    g_assert_cmpuint(len, ==, 58);
    framer_feed(&f, TRUE, record, len, 7);
    st = tls_decrypt_get(d);
    g_assert_cmpint(st->client.status, ==, TLS_DECRYPT_DECRYPTING);
    g_assert_true(st->client.finished);
    g_assert_cmpuint(st->client.finished_frame, ==, 7);
    g_assert_cmpuint(p.text[1]->len, ==, 0);

    len = unhex(rfc8448_client_data, record, sizeof record);
    g_assert_cmpuint(len, ==, 72);
    framer_feed(&f, TRUE, record, len, 9);
    g_assert_cmpuint(p.text[1]->len, ==, 50);
    for (guint i = 0; i < 50; i++)
        g_assert_cmpuint((guint8)p.text[1]->str[i], ==, i);
    g_assert_cmpuint(frame_of_byte(&p, TRUE, 49), ==, 9);
    g_assert_cmpuint(st->client.records, ==, 2);
    g_assert_cmpuint(st->client.plaintext_bytes, ==, 50);
    g_assert_cmpint(st->status, ==, TLS_DECRYPT_DECRYPTING);
    g_assert_cmpint(st->server.status, ==, TLS_DECRYPT_WAITING);

    /* The same data record again: sequence number 1 now, so it fails, and
     * since keys from the key log already worked, it is no mismatch. */
    framer_feed(&f, TRUE, record, len, 11);
    g_assert_cmpint(st->client.status, ==, TLS_DECRYPT_AUTH_FAILED);
    g_assert_cmpuint(st->client.status_frame, ==, 11);
    g_assert_cmpint(st->status, ==, TLS_DECRYPT_AUTH_FAILED);
    g_assert_cmpuint(p.text[1]->len, ==, 50);

    framer_clear(&f);
    tls_decrypt_free(d);
    plain_clear(&p);
    keylog_free(k);
    g_free(log);
}

/* ------------------------------------------------------------------ */
/* The sample captures                                                 */

typedef struct {
    guint64  frame;
    gboolean client;
    guint8  *data;           /* NULL: a gap of LEN bytes */
    gsize    len;
} piece;

typedef struct {
    piece *pieces;
    gsize  count;
    gchar *raw;
} stream;

/* NAME.bin: segments of a 7-byte header (frame, 4 bytes; direction, 1,
 * 0 client; length, 2) and their bytes, as tests/unit/tls-streams.py
 * writes them. */
static stream
stream_load(const char *name)
{
    gchar *path = g_strdup_printf("%s/tests/unit/tls/%s.bin", SOURCE_DIR, name);
    GError *error = NULL;
    stream s = { 0 };
    gsize len, at = 0;
    GArray *pieces = g_array_new(FALSE, TRUE, sizeof(piece));

    g_assert_true(g_file_get_contents(path, &s.raw, &len, &error));
    g_assert_no_error(error);
    while (at < len) {
        const guint8 *h = (const guint8 *)s.raw + at;
        piece x;

        g_assert_cmpuint(len - at, >=, 7);
        x.frame = (guint64)h[0] << 24 | h[1] << 16 | h[2] << 8 | h[3];
        x.client = h[4] == 0;
        x.len = (gsize)h[5] << 8 | h[6];
        x.data = (guint8 *)h + 7;
        g_assert_cmpuint(len - at - 7, >=, x.len);
        g_array_append_val(pieces, x);
        at += 7 + x.len;
    }
    s.count = pieces->len;
    s.pieces = (piece *)g_array_free(pieces, FALSE);
    g_free(path);
    return s;
}

static void
stream_free(stream *s)
{
    g_free(s->pieces);
    g_free(s->raw);
}

static keylog *
keys_load(const char *name)
{
    gchar *path = g_strdup_printf("%s/samples/tls/%s.keys", SOURCE_DIR, name);
    keylog *k = keylog_new(0);
    GError *error = NULL;

    g_assert_true(keylog_load_file(k, path, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(keylog_get_stats(k)->malformed, ==, 0);
    g_assert_cmpuint(keylog_get_stats(k)->entries, ==, 1);
    g_free(path);
    return k;
}

/* A JSON string at *P (after its opening quote), as the expected files
 * write them: ASCII, with \" and \\ the only escapes they need. */
static void
json_string(const char **p, GString *out)
{
    const char *c = *p;

    for (; *c != '"'; c++) {
        g_assert_true(*c != '\0');
        if (*c == '\\') {
            c++;
            g_assert_true(*c == '"' || *c == '\\' || *c == '/');
        }
        g_string_append_c(out, *c);
    }
    *p = c + 1;
}

static guint64
json_number(const char *line, const char *key)
{
    const char *at = strstr(line, key);

    g_assert_nonnull(at);
    return g_ascii_strtoull(at + strlen(key), NULL, 10);
}

typedef struct {
    GString *text;           /* the replies inside TLS, as the server sent them */
    GArray  *ends;           /* per reply: end offset, frame (guint64 pairs) */
} replies;

/* The replies of samples/tls/expected/NAME.jsonl with "tls": true. */
static replies
replies_load(const char *name)
{
    gchar *path = g_strdup_printf("%s/samples/tls/expected/%s.jsonl", SOURCE_DIR, name);
    gchar *raw;
    gchar **lines;
    GError *error = NULL;
    replies r = { g_string_new(NULL), g_array_new(FALSE, FALSE, sizeof(guint64)) };

    g_assert_true(g_file_get_contents(path, &raw, NULL, &error));
    g_assert_no_error(error);
    lines = g_strsplit(raw, "\n", -1);
    for (gchar **l = lines; *l; l++) {
        const char *p;
        guint64 code, frame, end;
        GPtrArray *texts;

        if (!**l || !strstr(*l, "\"tls\": true"))
            continue;
        texts = g_ptr_array_new_with_free_func(g_free);
        code = json_number(*l, "\"code\": ");
        frame = json_number(*l, "\"frame\": ");
        p = strstr(*l, "\"lines\": [");
        g_assert_nonnull(p);
        p += strlen("\"lines\": [");
        while (*p == '"') {
            GString *t = g_string_new(NULL);

            p++;
            json_string(&p, t);
            g_ptr_array_add(texts, g_string_free(t, FALSE));
            if (*p == ',')
                p += 2;
        }
        g_assert_true(*p == ']');
        for (guint i = 0; i < texts->len; i++)
            g_string_append_printf(r.text, "%03u%c%s\r\n", (guint)code,
                                   i + 1 < texts->len ? '-' : ' ',
                                   (const char *)g_ptr_array_index(texts, i));
        end = r.text->len;
        g_array_append_val(r.ends, end);
        g_array_append_val(r.ends, frame);
        g_ptr_array_free(texts, TRUE);
    }
    g_strfreev(lines);
    g_free(raw);
    g_free(path);
    return r;
}

static void
replies_free(replies *r)
{
    g_string_free(r->text, TRUE);
    g_array_free(r->ends, TRUE);
}

typedef enum {
    FEED_WHOLE,
    FEED_BYTES,
} feed_mode;

/* What to do to the stream on the way. */
typedef struct {
    guint64 gap_frame;       /* that piece: its first half fed, the rest lost */
    guint64 flip_frame;      /* that piece: one byte of its last record changed, */
    gsize   flip_back;       /* this far from its end (0: 3, inside the tag or MAC) */
} mishap;

/* Feeds S to a TLS reader that hands its records to a decryptor with K;
 * the stats are copied to *STATS, the plaintext to P. */
static void
run(const stream *s, const keylog *k, feed_mode mode, const mishap *m, plain *p,
    tls_decrypt_stats *stats)
{
    tls_decrypt *d = tls_decrypt_new(k, collect, p);
    framer f;

    framer_init(&f, d, NULL);
    for (gsize i = 0; i < s->count; i++) {
        const piece *x = &s->pieces[i];
        guint8 *data = g_memdup2(x->data, x->len);
        gsize len = x->len;

        if (m && m->flip_frame == x->frame)
            data[len - (m->flip_back ? m->flip_back : 3)] ^= 0x40;
        if (m && m->gap_frame == x->frame) {
            len = x->len / 2;
            framer_feed(&f, x->client, data, len, x->frame);
            sr_tls_gap(f.reader, x->client, x->len - len, x->frame);
            g_free(data);
            continue;
        }
        for (gsize at = 0; at < len;) {
            gsize n = mode == FEED_BYTES ? 1 : len;

            framer_feed(&f, x->client, data + at, n, x->frame);
            at += n;
        }
        g_free(data);
    }
    *stats = *tls_decrypt_get(d);
    framer_clear(&f);
    tls_decrypt_free(d);
}

/* The connection and both sides stand at STATUS. */
static void
check_status(const tls_decrypt_stats *st, tls_decrypt_status status)
{
    g_assert_cmpstr(tls_decrypt_status_name(st->status), ==, tls_decrypt_status_name(status));
    g_assert_cmpstr(tls_decrypt_status_name(st->client.status), ==,
                    tls_decrypt_status_name(status));
    g_assert_cmpstr(tls_decrypt_status_name(st->server.status), ==,
                    tls_decrypt_status_name(status));
}

/* The server's plaintext is exactly the expected replies, each ending in
 * its frame. */
static void
check_replies(const plain *p, const replies *r)
{
    g_assert_cmpstr(p->text[0]->str, ==, r->text->str);
    for (guint i = 0; i + 1 < r->ends->len; i += 2) {
        guint64 end = g_array_index(r->ends, guint64, i);

        g_assert_cmpuint(frame_of_byte(p, FALSE, end - 1), ==,
                         g_array_index(r->ends, guint64, i + 1));
    }
}

/* The client's plaintext holds lines starting with these, in this order. */
static void
check_commands(const plain *p, const char *const *commands)
{
    const char *text = p->text[1]->str;
    const char *at = text;

    for (; *commands; commands++) {
        const char *found = strstr(at, *commands);

        while (found && found != text && found[-1] != '\n')
            found = strstr(found + 1, *commands);
        if (!found)
            g_error("client plaintext lacks \"%s\" after offset %td: %s", *commands,
                    at - text, text);
        at = found + strlen(*commands);
    }
}

typedef struct {
    const char *name;
    guint16     version;
    guint16     suite;
    guint       key_updates;        /* each side's */
    guint       client_alerts;      /* close_notify */
    const char *const *commands;
} sample;

static const char *const smtplib_commands[] = {
    "ehlo client.example.test\r\n", "mail FROM:<alice@example.test>\r\n",
    "rcpt TO:<bob@example.test>\r\n", "rcpt TO:<nobody@example.test>\r\n", "data\r\n",
    "One short message, sent inside TLS.\r\n", ".\r\n", "quit\r\n", NULL
};
/* s_client's own EHLO; the rest fed to it a line at a time. */
static const char *const s_client_commands[] = {
    "EHLO client.example.test\r\n", "MAIL FROM:<alice@example.test>\r\n",
    "rcpt TO:<bob@example.test>\r\n", "rcpt TO:<nobody@example.test>\r\n", "DATA\r\n",
    "Subject: smtpreply sample (keyupdate)\r\n", ".\r\n", "quit\r\n", NULL
};

static const sample samples[] = {
    { "starttls-tls12-aes-gcm", SR_TLS_VERSION_TLS12, 0xc02f, 0, 0, smtplib_commands },
    { "starttls-tls12-chacha", SR_TLS_VERSION_TLS12, 0xcca8, 0, 0, smtplib_commands },
    { "starttls-tls13-aes128", SR_TLS_VERSION_TLS13, 0x1301, 0, 0, smtplib_commands },
    { "starttls-tls13-aes256", SR_TLS_VERSION_TLS13, 0x1302, 0, 0, smtplib_commands },
    { "starttls-tls13-chacha", SR_TLS_VERSION_TLS13, 0x1303, 0, 0, smtplib_commands },
    { "starttls-tls13-keyupdate", SR_TLS_VERSION_TLS13, 0x1301, 1, 1, s_client_commands },
    { "smtps-465", SR_TLS_VERSION_TLS13, 0x1302, 0, 0, smtplib_commands },
    { "starttls-tls12-cbc-sha256", SR_TLS_VERSION_TLS12, 0xc027, 0, 0, smtplib_commands },
    { "starttls-tls12-cbc-sha-mte", SR_TLS_VERSION_TLS12, 0xc014, 0, 0, smtplib_commands },
};

static void
check_sample(gconstpointer data)
{
    const sample *c = data;
    stream s = stream_load(c->name);
    keylog *k = keys_load(c->name);
    replies r = replies_load(c->name);
    gsize reply_count = r.ends->len / 2;

    for (feed_mode mode = FEED_WHOLE; mode <= FEED_BYTES; mode++) {
        plain p;
        tls_decrypt_stats st;

        plain_init(&p);
        run(&s, k, mode, NULL, &p, &st);
        check_replies(&p, &r);
        check_commands(&p, c->commands);
        check_status(&st, TLS_DECRYPT_DECRYPTING);
        g_assert_cmpuint(st.version, ==, c->version);
        g_assert_cmpuint(st.cipher_suite, ==, c->suite);
        g_assert_true(st.client.finished);
        g_assert_true(st.server.finished);
        /* Every reply is one record; the handshake's come before. */
        g_assert_cmpuint(st.server.records, >, reply_count);
        g_assert_cmpuint(st.server.plaintext_bytes, ==, r.text->len);
        g_assert_cmpuint(st.client.plaintext_bytes, ==, p.text[1]->len);
        g_assert_cmpuint(st.server.skipped + st.client.skipped, ==, 0);
        g_assert_cmpuint(st.client.key_updates, ==, c->key_updates);
        g_assert_cmpuint(st.server.key_updates, ==, c->key_updates);
        /* Postfix's close_notify after its 221, encrypted. */
        g_assert_cmpuint(st.server.alerts_count, ==, 1);
        g_assert_cmpuint(st.server.alerts[0].level, ==, 1);
        g_assert_cmpuint(st.server.alerts[0].description, ==, 0);
        g_assert_cmpuint(st.server.alerts[0].frame, >, g_array_index(r.ends, guint64,
                                                                    r.ends->len - 1));
        g_assert_cmpuint(st.client.alerts_count, ==, c->client_alerts);
        plain_clear(&p);
    }
    replies_free(&r);
    keylog_free(k);
    stream_free(&s);
}

/* The TLS 1.3 sample as if the server had first answered with a
 * HelloRetryRequest (its hello with RFC 8446's special random), then the
 * client sent its compatibility ChangeCipherSpec and its hello again: only
 * the real ServerHello counts, and all decrypts as before. */
static void
test_hello_retry(void)
{
    static const char hrr_random[] =
        "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c";
    static const guint8 ccs[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
    stream s = stream_load("starttls-tls13-aes128");
    keylog *k = keys_load("starttls-tls13-aes128");
    replies r = replies_load("starttls-tls13-aes128");
    piece *old = s.pieces;
    const piece *flight = &old[1];
    gsize hello_len = 5 + (gsize)(flight->data[3] << 8 | flight->data[4]);
    guint8 *hrr = g_memdup2(flight->data, hello_len);
    guint8 *again = g_malloc(sizeof ccs + old[0].len);
    plain p;
    tls_decrypt_stats st;

    g_assert_false(flight->client);
    unhex(hrr_random, hrr + 11, 32);
    memcpy(again, ccs, sizeof ccs);
    memcpy(again + sizeof ccs, old[0].data, old[0].len);
    s.pieces = g_new(piece, s.count + 2);
    s.pieces[0] = old[0];
    s.pieces[1] = (piece){ old[0].frame, FALSE, hrr, hello_len };
    s.pieces[2] = (piece){ old[0].frame, TRUE, again, sizeof ccs + old[0].len };
    memcpy(s.pieces + 3, old + 1, (s.count - 1) * sizeof *old);
    s.count += 2;
    {
        /* The reader takes it so: a retry, then the real hello. */
        sr_tls *t = sr_tls_new();

        for (gsize i = 0; i < 4; i++) {
            sr_tls_feed(t, s.pieces[i].client, s.pieces[i].data, s.pieces[i].len,
                        s.pieces[i].frame);
            g_assert_cmpint(sr_tls_info_get(t)->server_hello.seen, ==, i == 3);
        }
        g_assert_true(sr_tls_info_get(t)->server_hello.hello_retry);
        g_assert_cmpuint(sr_tls_info_get(t)->client_hello.hellos, ==, 2);
        sr_tls_free(t);
    }

    for (feed_mode mode = FEED_WHOLE; mode <= FEED_BYTES; mode++) {
        plain_init(&p);
        run(&s, k, mode, NULL, &p, &st);
        check_status(&st, TLS_DECRYPT_DECRYPTING);
        check_replies(&p, &r);
        check_commands(&p, smtplib_commands);
        plain_clear(&p);
    }
    g_free(old);
    g_free(hrr);
    g_free(again);
    replies_free(&r);
    keylog_free(k);
    stream_free(&s);
}

/* ------------------------------------------------------------------ */
/* What must give nothing                                              */

/* NAME's key log with the first byte of LABEL's secret changed. */
static keylog *
keys_changed(const char *name, const char *label)
{
    gchar *path = g_strdup_printf("%s/samples/tls/%s.keys", SOURCE_DIR, name);
    gchar *text;
    gchar *at;
    gsize len;
    keylog *k = keylog_new(0);

    g_assert_true(g_file_get_contents(path, &text, &len, NULL));
    at = strstr(text, label);
    g_assert_nonnull(at);
    at += strlen(label) + 1 + 64 + 1;             /* the secret's first digit */
    *at = *at == '0' ? '1' : '0';
    keylog_add_text(k, text, len);
    g_assert_cmpuint(keylog_get_stats(k)->malformed, ==, 0);
    g_free(text);
    g_free(path);
    return k;
}

static void
test_key_mismatch(void)
{
    stream s = stream_load("starttls-tls12-aes-gcm");
    keylog *k = keys_changed("starttls-tls12-aes-gcm", "CLIENT_RANDOM");
    plain p;
    tls_decrypt_stats st;

    plain_init(&p);
    run(&s, k, FEED_WHOLE, NULL, &p, &st);
    check_status(&st, TLS_DECRYPT_KEY_MISMATCH);
    g_assert_cmpuint(st.client.records + st.server.records, ==, 0);
    g_assert_cmpuint(p.text[0]->len + p.text[1]->len, ==, 0);
    g_assert_false(st.client.finished);
    /* The client's Finished in frame 13 failed first. */
    g_assert_cmpuint(st.client.status_frame, ==, 13);
    g_assert_cmpuint(st.server.skipped, >, 7);
    plain_clear(&p);
    keylog_free(k);
    stream_free(&s);

    /* TLS 1.3: the server's handshake decrypts, its application secret
     * is wrong: not one byte of the replies. */
    s = stream_load("starttls-tls13-aes128");
    k = keys_changed("starttls-tls13-aes128", "SERVER_TRAFFIC_SECRET_0");
    plain_init(&p);
    run(&s, k, FEED_WHOLE, NULL, &p, &st);
    g_assert_cmpint(st.server.status, ==, TLS_DECRYPT_KEY_MISMATCH);
    g_assert_true(st.server.finished);
    g_assert_cmpuint(st.server.records, >=, 1);
    g_assert_cmpuint(p.text[0]->len, ==, 0);
    g_assert_cmpint(st.client.status, ==, TLS_DECRYPT_DECRYPTING);
    check_commands(&p, smtplib_commands);
    g_assert_cmpint(st.status, ==, TLS_DECRYPT_KEY_MISMATCH);
    plain_clear(&p);
    keylog_free(k);

    /* Its handshake secret wrong: nothing of the server at all. */
    k = keys_changed("starttls-tls13-aes128", "SERVER_HANDSHAKE_TRAFFIC_SECRET");
    plain_init(&p);
    run(&s, k, FEED_WHOLE, NULL, &p, &st);
    g_assert_cmpint(st.server.status, ==, TLS_DECRYPT_KEY_MISMATCH);
    g_assert_cmpuint(st.server.status_frame, ==, 12);
    g_assert_cmpuint(st.server.records, ==, 0);
    g_assert_false(st.server.finished);
    g_assert_cmpuint(p.text[0]->len, ==, 0);
    plain_clear(&p);
    keylog_free(k);
    stream_free(&s);
}

static void
test_no_key(void)
{
    static const char *const names[] = { "starttls-tls12-chacha", "starttls-tls13-chacha" };

    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        stream s = stream_load(names[i]);
        keylog *k = keylog_new(0);
        plain p;
        tls_decrypt_stats st;
        gchar *text;

        plain_init(&p);
        run(&s, k, FEED_WHOLE, NULL, &p, &st);
        check_status(&st, TLS_DECRYPT_NO_KEY);
        g_assert_cmpuint(st.client.records + st.server.records, ==, 0);
        g_assert_cmpuint(p.text[0]->len + p.text[1]->len, ==, 0);
        text = tls_decrypt_describe(&st);
        g_assert_cmpstr(text, ==, "Not decrypted: no matching key (the client random is not "
                                  "in the key log)");
        g_free(text);
        g_assert_cmpstr(tls_decrypt_status_name(st.status), ==, "no-key");
        plain_clear(&p);
        keylog_free(k);
        stream_free(&s);
    }
}

/* Half of the server's record in frame 20 (the first RCPT's 250) lost:
 * the replies before it come, nothing from it on. */
static void
test_gap(void)
{
    stream s = stream_load("starttls-tls13-aes128");
    keylog *k = keys_load("starttls-tls13-aes128");
    replies r = replies_load("starttls-tls13-aes128");
    mishap m = { .gap_frame = 20 };
    plain p;
    tls_decrypt_stats st;
    gsize before = g_array_index(r.ends, guint64, 2);   /* the EHLO and MAIL replies */

    g_assert_cmpuint(g_array_index(r.ends, guint64, 3), ==, 18);
    plain_init(&p);
    run(&s, k, FEED_WHOLE, &m, &p, &st);
    g_assert_cmpint(st.server.status, ==, TLS_DECRYPT_GAP);
    g_assert_cmpuint(st.server.status_frame, ==, 20);
    g_assert_cmpuint(p.text[0]->len, ==, before);
    g_assert_cmpmem(p.text[0]->str, before, r.text->str, before);
    g_assert_cmpint(st.client.status, ==, TLS_DECRYPT_DECRYPTING);
    check_commands(&p, smtplib_commands);
    g_assert_cmpint(st.status, ==, TLS_DECRYPT_GAP);
    plain_clear(&p);
    replies_free(&r);
    keylog_free(k);
    stream_free(&s);
}

/* The handshakes that failed: nothing encrypted, whatever the key log. */
static void
test_failed_handshakes(void)
{
    static const char *const names[] = { "starttls-bad-version", "starttls-bad-cert" };
    keylog *k = keys_load("starttls-tls12-aes-gcm");

    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        stream s = stream_load(names[i]);
        plain p;
        tls_decrypt_stats st;

        plain_init(&p);
        run(&s, k, FEED_BYTES, NULL, &p, &st);
        check_status(&st, TLS_DECRYPT_WAITING);
        g_assert_cmpuint(st.client.records + st.server.records, ==, 0);
        g_assert_cmpuint(st.client.skipped + st.server.skipped, ==, 0);
        g_assert_cmpuint(p.text[0]->len + p.text[1]->len, ==, 0);
        /* bad-cert's ServerHello chose TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384. */
        g_assert_cmpuint(st.version, ==, i ? SR_TLS_VERSION_TLS12 : 0);
        g_assert_cmpuint(st.cipher_suite, ==, i ? 0xc030 : 0);
        plain_clear(&p);
        stream_free(&s);
    }
    keylog_free(k);
}

/* The TLS 1.2 sample with its ServerHello choosing a 3DES suite instead:
 * named, and nothing decrypted. */
static void
test_unsupported(void)
{
    stream s = stream_load("starttls-tls12-aes-gcm");
    keylog *k = keys_load("starttls-tls12-aes-gcm");
    piece *hello = &s.pieces[1];
    gsize at = 5 + 4 + 2 + 32;                    /* headers, version, random */
    plain p;
    tls_decrypt_stats st;
    gchar *text;

    g_assert_false(hello->client);
    g_assert_cmpuint(hello->data[0], ==, SR_TLS_HANDSHAKE);
    g_assert_cmpuint(hello->data[5], ==, 2);      /* ServerHello */
    at += 1 + hello->data[at];                    /* the session id */
    g_assert_cmpuint(hello->data[at] << 8 | hello->data[at + 1], ==, 0xc02f);
    hello->data[at + 1] = 0x12;                   /* ..._3DES_EDE_CBC_SHA */
    plain_init(&p);
    run(&s, k, FEED_WHOLE, NULL, &p, &st);
    check_status(&st, TLS_DECRYPT_UNSUPPORTED);
    g_assert_cmpuint(st.cipher_suite, ==, 0xc012);
    g_assert_cmpuint(st.client.status_frame, ==, 13);
    g_assert_cmpuint(p.text[0]->len + p.text[1]->len, ==, 0);
    text = tls_decrypt_describe(&st);
    g_assert_cmpstr(text, ==, "Not decrypted: a version or cipher suite not supported here "
                              "(TLS 1.2, TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA)");
    g_free(text);
    plain_clear(&p);
    keylog_free(k);
    stream_free(&s);
}

/* A byte of the server's record in frame 22 changed: the 550 and all
 * after it are not handed over.  In the tag; in a CBC record's MAC (each
 * protection), and with MAC-then-encrypt in the ciphertext before the last
 * two blocks, where the MAC inside catches it. */
static void
test_changed_byte(void)
{
    static const struct {
        const char *name;
        gsize       back;
    } cases[] = {
        { "starttls-tls13-aes128", 0 },
        { "starttls-tls12-cbc-sha256", 0 },
        { "starttls-tls12-cbc-sha-mte", 0 },
        { "starttls-tls12-cbc-sha-mte", 3 + 2 * 16 },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        stream s = stream_load(cases[i].name);
        keylog *k = keys_load(cases[i].name);
        replies r = replies_load(cases[i].name);
        mishap m = { .flip_frame = 22, .flip_back = cases[i].back };
        gsize before = g_array_index(r.ends, guint64, 4);   /* EHLO, MAIL, RCPT */
        plain p;
        tls_decrypt_stats st;

        g_assert_cmpuint(g_array_index(r.ends, guint64, 7), ==, 22);
        plain_init(&p);
        run(&s, k, FEED_BYTES, &m, &p, &st);
        g_assert_cmpint(st.server.status, ==, TLS_DECRYPT_AUTH_FAILED);
        g_assert_cmpuint(st.server.status_frame, ==, 22);
        g_assert_cmpuint(p.text[0]->len, ==, before);
        g_assert_cmpmem(p.text[0]->str, before, r.text->str, before);
        g_assert_cmpuint(st.server.alerts_count, ==, 0);
        g_assert_cmpint(st.client.status, ==, TLS_DECRYPT_DECRYPTING);
        check_commands(&p, smtplib_commands);
        plain_clear(&p);
        replies_free(&r);
        keylog_free(k);
        stream_free(&s);
    }
}

/* S read with K: key-mismatch at the client's first encrypted record in
 * FRAME, nothing handed over.  Frees both. */
static void
check_key_mismatch(stream *s, keylog *k, guint64 frame)
{
    plain p;
    tls_decrypt_stats st;

    plain_init(&p);
    run(s, k, FEED_WHOLE, NULL, &p, &st);
    check_status(&st, TLS_DECRYPT_KEY_MISMATCH);
    g_assert_cmpuint(st.client.status_frame, ==, frame);
    g_assert_cmpuint(st.client.records + st.server.records, ==, 0);
    g_assert_cmpuint(p.text[0]->len + p.text[1]->len, ==, 0);
    plain_clear(&p);
    keylog_free(k);
    stream_free(s);
}

/* Which protection a CBC record has is the hellos' to say: the
 * Encrypt-then-MAC sample with the ServerHello's encrypt_then_mac renamed
 * to an unknown extension is read as MAC-then-encrypt, and nothing
 * authenticates.  A wrong master secret, the same. */
static void
test_cbc_protection(void)
{
    stream s = stream_load("starttls-tls12-cbc-sha256");
    keylog *k = keys_load("starttls-tls12-cbc-sha256");
    piece *hello = &s.pieces[1];
    gsize end = 5 + 4 + (gsize)(hello->data[6] << 16 | hello->data[7] << 8 | hello->data[8]);
    gsize at = 5 + 4 + 2 + 32;                    /* headers, version, random */
    gboolean renamed = FALSE;

    g_assert_false(hello->client);
    g_assert_cmpuint(hello->data[5], ==, 2);      /* ServerHello */
    at += 1 + hello->data[at] + 2 + 1 + 2;        /* session id, suite, compression */
    while (at + 4 <= end) {
        gsize ext_len = (gsize)(hello->data[at + 2] << 8 | hello->data[at + 3]);

        if (hello->data[at] == 0 && hello->data[at + 1] == 22) {
            g_assert_cmpuint(ext_len, ==, 0);
            hello->data[at] = 0xfe;               /* 0xfe16: unassigned */
            renamed = TRUE;
        }
        at += 4 + ext_len;
    }
    g_assert_true(renamed);
    check_key_mismatch(&s, k, 13);

    s = stream_load("starttls-tls12-cbc-sha-mte");
    check_key_mismatch(&s, keys_changed("starttls-tls12-cbc-sha-mte", "CLIENT_RANDOM"), 13);
}

static void
test_names(void)
{
    tls_decrypt_stats st = { .status = TLS_DECRYPT_UNSUPPORTED, .version = 0x0303,
                             .cipher_suite = 0xc027 };
    gchar *text = tls_decrypt_describe(&st);

    g_assert_cmpstr(text, ==, "Not decrypted: a version or cipher suite not supported here "
                              "(TLS 1.2, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256)");
    g_free(text);
    st.version = 0x0301;
    st.cipher_suite = 0xfefe;
    text = tls_decrypt_describe(&st);
    g_assert_cmpstr(text, ==, "Not decrypted: a version or cipher suite not supported here "
                              "(TLS 1.0, 0xfefe)");
    g_free(text);
    for (int s = 0; s < TLS_DECRYPT_STATUS_COUNT; s++) {
        g_assert_nonnull(tls_decrypt_status_name(s));
        g_assert_nonnull(tls_decrypt_status_description(s));
    }
    g_assert_cmpstr(tls_decrypt_status_name(TLS_DECRYPT_KEY_MISMATCH), ==, "key-mismatch");
    g_assert_cmpstr(tls_decrypt_status_name(TLS_DECRYPT_UNSUPPORTED), ==, "unsupported-suite");
    /* AEAD and AES-CBC with HMAC, each in its version; not 3DES, not CCM,
     * not TLS 1.1's CBC. */
    g_assert_true(tls_decrypt_supported(0x0303, 0xc02f));
    g_assert_true(tls_decrypt_supported(0x0304, 0x1303));
    g_assert_true(tls_decrypt_supported(0x0303, 0xc013));
    g_assert_true(tls_decrypt_supported(0x0303, 0xc014));
    g_assert_true(tls_decrypt_supported(0x0303, 0xc027));
    g_assert_true(tls_decrypt_supported(0x0303, 0xc028));
    g_assert_true(tls_decrypt_supported(0x0303, 0x002f));
    g_assert_true(tls_decrypt_supported(0x0303, 0xc024));
    g_assert_false(tls_decrypt_supported(0x0304, 0xc02f));
    g_assert_false(tls_decrypt_supported(0x0303, 0x1301));
    g_assert_false(tls_decrypt_supported(0x0302, 0xc02f));
    g_assert_false(tls_decrypt_supported(0x0302, 0xc013));
    g_assert_false(tls_decrypt_supported(0x0304, 0xc027));
    g_assert_false(tls_decrypt_supported(0x0303, 0xc012));
    g_assert_false(tls_decrypt_supported(0x0303, 0xc09c));
    g_assert_false(tls_decrypt_supported(0x0304, 0x1304));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tls-decrypt/rfc8448/keys", test_rfc8448_keys);
    g_test_add_func("/tls-decrypt/rfc8448/records", test_rfc8448_records);
    for (gsize i = 0; i < G_N_ELEMENTS(samples); i++) {
        gchar *path = g_strdup_printf("/tls-decrypt/sample/%s", samples[i].name);

        g_test_add_data_func(path, &samples[i], check_sample);
        g_free(path);
    }
    g_test_add_func("/tls-decrypt/hello-retry", test_hello_retry);
    g_test_add_func("/tls-decrypt/key-mismatch", test_key_mismatch);
    g_test_add_func("/tls-decrypt/no-key", test_no_key);
    g_test_add_func("/tls-decrypt/gap", test_gap);
    g_test_add_func("/tls-decrypt/failed-handshakes", test_failed_handshakes);
    g_test_add_func("/tls-decrypt/changed-byte", test_changed_byte);
    g_test_add_func("/tls-decrypt/cbc/protection", test_cbc_protection);
    g_test_add_func("/tls-decrypt/unsupported", test_unsupported);
    g_test_add_func("/tls-decrypt/names", test_names);
    return g_test_run();
}
