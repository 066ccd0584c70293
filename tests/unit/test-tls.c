/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TLS reader (sr_tls.h).  First the sample captures of samples/tls/,
 * their TLS bytes (tests/unit/tls/NAME.bin, written by tls-streams.py)
 * against what tshark read of them (NAME.facts): with keys, the hellos,
 * certificate, alerts and Finished frames; without keys, every record.
 * Then records built here, one case per rule, each also fed one byte at a
 * time and split at every byte.
 */
#include <string.h>

#include "sr_session.h"
#include "sr_tls.h"
/* The session cases also look at its state (no reader without the tls
 * callback): white-box. */
#include "sr_internal.h"
#include "tls-summary.h"

/* ------------------------------------------------------------------ */
/* Conversations: pieces of either direction, in capture order         */

typedef struct {
    guint64     frame;
    gboolean    client;
    GByteArray *data;        /* NULL: a gap of MISSING bytes */
    guint64     missing;
} piece;

static void
piece_free(gpointer p)
{
    piece *x = p;

    if (x->data)
        g_byte_array_unref(x->data);
    g_free(x);
}

static GPtrArray *
convo_new(void)
{
    return g_ptr_array_new_with_free_func(piece_free);
}

/* Adds DATA (taken) as one packet. */
static void
send(GPtrArray *c, guint64 frame, gboolean client, GByteArray *data)
{
    piece *x = g_new0(piece, 1);

    x->frame = frame;
    x->client = client;
    x->data = data;
    g_ptr_array_add(c, x);
}

static void
lose(GPtrArray *c, guint64 frame, gboolean client, guint64 missing)
{
    piece *x = g_new0(piece, 1);

    x->frame = frame;
    x->client = client;
    x->missing = missing;
    g_ptr_array_add(c, x);
}

typedef enum {
    FEED_WHOLE,   /* one call per piece */
    FEED_BYTES,   /* one call per byte */
    FEED_SPLIT,   /* one call per piece, but the one holding byte SPLIT in two */
} feed_mode;

static void
feed_checked(sr_tls *t, const piece *x, gsize from, gsize to)
{
    sr_tls_feed(t, x->client, x->data->data + from, to - from, x->frame);
    g_assert_cmpuint(sr_tls_memory(t), <=, SR_TLS_MEMORY_BOUND);
}

/* Feeds C to a new reader; SPLIT counts the bytes of all pieces. */
static sr_tls *
run(const GPtrArray *c, feed_mode mode, gsize split, gboolean finish)
{
    sr_tls *t = sr_tls_new();
    gsize at = 0;

    for (guint k = 0; k < c->len; k++) {
        const piece *x = g_ptr_array_index(c, k);

        if (!x->data) {
            sr_tls_gap(t, x->client, x->missing, x->frame);
            continue;
        }
        if (mode == FEED_BYTES) {
            for (gsize i = 0; i < x->data->len; i++)
                feed_checked(t, x, i, i + 1);
        } else if (mode == FEED_SPLIT && split > at && split < at + x->data->len) {
            feed_checked(t, x, 0, split - at);
            feed_checked(t, x, split - at, x->data->len);
        } else {
            feed_checked(t, x, 0, x->data->len);
        }
        at += x->data->len;
    }
    if (finish)
        sr_tls_finish(t);
    return t;
}

static gchar *
summary_of(const GPtrArray *c, feed_mode mode, gsize split, gboolean finish)
{
    sr_tls *t = run(c, mode, split, finish);
    gchar *s = tls_summary(sr_tls_info_get(t));

    sr_tls_free(t);
    return s;
}

/* The same summary fed one byte at a time and split at every byte. */
static void
check_every_split(const GPtrArray *c)
{
    gchar *whole = summary_of(c, FEED_WHOLE, 0, TRUE);
    gchar *got = summary_of(c, FEED_BYTES, 0, TRUE);
    gsize total = 0;

    g_assert_cmpstr(got, ==, whole);
    g_free(got);
    for (guint k = 0; k < c->len; k++) {
        const piece *x = g_ptr_array_index(c, k);

        total += x->data ? x->data->len : 0;
    }
    for (gsize split = 1; split < total; split++) {
        got = summary_of(c, FEED_SPLIT, split, TRUE);
        if (g_strcmp0(got, whole) != 0)
            g_test_message("split at byte %" G_GSIZE_FORMAT, split);
        g_assert_cmpstr(got, ==, whole);
        g_free(got);
    }
    g_free(whole);
}

/* ------------------------------------------------------------------ */
/* The sample captures                                                 */

static const char *
fixture_dir(void)
{
    static gchar *dir;

    /* Beside this file, unless the environment says where the sources are. */
    if (!dir) {
        const char *src = g_getenv("G_TEST_SRCDIR");
        gchar *here = g_path_get_dirname(__FILE__);

        dir = g_build_filename(src ? src : here, "tls", NULL);
        g_free(here);
    }
    return dir;
}

static GPtrArray *
load_fixture(const char *name)
{
    gchar *path = g_strdup_printf("%s/%s.bin", fixture_dir(), name);
    gchar *raw;
    gsize len, at = 0;
    GError *error = NULL;
    GPtrArray *c = convo_new();

    g_assert_true(g_file_get_contents(path, &raw, &len, &error));
    g_assert_no_error(error);
    while (at < len) {
        const guint8 *h = (const guint8 *)raw + at;
        gsize n;
        GByteArray *data;

        g_assert_cmpuint(len - at, >=, 7);
        n = (gsize)h[5] << 8 | h[6];
        g_assert_cmpuint(len - at - 7, >=, n);
        data = g_byte_array_sized_new(n);
        g_byte_array_append(data, h + 7, n);
        send(c, (guint64)h[0] << 24 | h[1] << 16 | h[2] << 8 | h[3], h[4] == 0, data);
        at += 7 + n;
    }
    g_free(raw);
    g_free(path);
    return c;
}

static GKeyFile *
load_facts(const char *name)
{
    gchar *path = g_strdup_printf("%s/%s.facts", fixture_dir(), name);
    GKeyFile *kf = g_key_file_new();
    GError *error = NULL;

    g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &error);
    g_assert_no_error(error);
    g_free(path);
    return kf;
}

static gchar *
fact(GKeyFile *kf, const char *group, const char *key)
{
    GError *error = NULL;
    gchar *v = g_key_file_get_string(kf, group, key, &error);

    g_assert_no_error(error);
    return v;
}

static guint64
fact_uint(GKeyFile *kf, const char *group, const char *key)
{
    gchar *v = fact(kf, group, key);
    guint64 n = g_ascii_strtoull(v, NULL, 0);

    g_free(v);
    return n;
}

static gchar **
fact_list(GKeyFile *kf, const char *group, const char *key, gsize *n)
{
    GError *error = NULL;
    gchar **v = g_key_file_get_string_list(kf, group, key, n, &error);

    /* An empty list is written as "key=" and comes back as one "" item. */
    if (g_error_matches(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE)) {
        g_clear_error(&error);
        v = g_new0(gchar *, 1);
        *n = 0;
    }
    g_assert_no_error(error);
    if (*n == 1 && v[0][0] == '\0')
        *n = 0;
    return v;
}

static gboolean
fact_bool(GKeyFile *kf, const char *group, const char *key)
{
    GError *error = NULL;
    gboolean v = g_key_file_get_boolean(kf, group, key, &error);

    g_assert_no_error(error);
    return v;
}

/* Wireshark's "Unknown CA" is the RFC's unknown_ca. */
static gchar *
rfc_alert_name(const char *wireshark)
{
    gchar *s = g_ascii_strdown(wireshark, -1);

    g_strdelimit(s, " ", '_');
    return s;
}

/* One frame of tshark's keyless reading: its records' content types. */
typedef struct {
    guint64  frame;
    gboolean client;
    guint    types[SR_TLS_CONTENT_TYPES];
} record_row;

static GArray *
tshark_records(GKeyFile *kf)
{
    gsize n;
    gchar **rows = fact_list(kf, "records", "frames", &n);
    GArray *out = g_array_new(FALSE, TRUE, sizeof(record_row));

    for (gsize k = 0; k < n; k++) {
        gchar **f = g_strsplit(rows[k], " ", 3);
        gchar **types = g_strsplit(f[2], ",", -1);
        record_row r = { 0 };

        r.frame = g_ascii_strtoull(f[0], NULL, 10);
        r.client = g_str_equal(f[1], "client");
        for (guint i = 0; types[i]; i++) {
            guint64 type = g_ascii_strtoull(types[i], NULL, 10);

            g_assert_cmpuint(type, >=, SR_TLS_CHANGE_CIPHER_SPEC);
            g_assert_cmpuint(type, <=, SR_TLS_HEARTBEAT);
            r.types[type - SR_TLS_CHANGE_CIPHER_SPEC]++;
        }
        g_array_append_val(out, r);
        g_strfreev(types);
        g_strfreev(f);
    }
    g_strfreev(rows);
    return out;
}

/* Where TLS 1.3's rule of "completed" holds in tshark's reading: the
 * frame of the client's second application_data record after the
 * ServerHello, once the server has sent one. */
static guint64
tls13_completed_frame(const GArray *rows, guint64 server_hello_frame)
{
    guint server = 0, client = 0;

    for (guint k = 0; k < rows->len; k++) {
        const record_row *r = &g_array_index(rows, record_row, k);
        guint app = r->types[SR_TLS_APPLICATION_DATA - SR_TLS_CHANGE_CIPHER_SPEC];

        /* The server's flight shares the hello's frame, after it. */
        if (r->frame < server_hello_frame || (r->client && r->frame == server_hello_frame))
            continue;
        if (r->client)
            client += app;
        else
            server += app;
        if (server >= 1 && client >= 2)
            return r->frame;
    }
    return 0;
}

/* The DER holds BYTES, given as "68:ef:..." or as text. */
static gboolean
der_holds(const sr_tls_certificate *c, const guint8 *bytes, gsize n)
{
    for (gsize i = 0; n <= c->der_length && i + n <= c->der_length; i++) {
        if (memcmp(c->der + i, bytes, n) == 0)
            return TRUE;
    }
    return FALSE;
}

static void
check_certificate(GKeyFile *kf, const sr_tls_info *info)
{
    const sr_tls_certificate *c = &info->certificate;
    gchar *serial = fact(kf, "certificate", "serial");
    gchar *subject = fact(kf, "certificate", "subject");
    gchar **octets = g_strsplit(serial, ":", -1);
    GByteArray *want = g_byte_array_new();
    const char *cn = strstr(subject, "commonName=");

    g_assert_true(c->seen);
    g_assert_false(c->malformed);
    g_assert_cmpuint(c->frame, ==, fact_uint(kf, "certificate", "frame"));
    g_assert_cmpuint(c->count, ==, 1);      /* the samples' self-signed one alone */
    g_assert_cmpuint(c->first_length, ==, fact_uint(kf, "certificate", "length"));
    g_assert_cmpuint(c->der_length, ==, c->first_length);
    g_assert_nonnull(c->der);
    /* A SEQUENCE with a two-byte length, which covers the rest exactly. */
    g_assert_cmphex(c->der[0], ==, 0x30);
    g_assert_cmphex(c->der[1], ==, 0x82);
    g_assert_cmpuint(4 + ((gsize)c->der[2] << 8 | c->der[3]), ==, c->der_length);
    for (guint i = 0; octets[i]; i++) {
        guint8 b = (guint8)g_ascii_strtoull(octets[i], NULL, 16);

        g_byte_array_append(want, &b, 1);
    }
    g_assert_true(der_holds(c, want->data, want->len));
    g_assert_nonnull(cn);
    cn += strlen("commonName=");
    g_assert_true(der_holds(c, (const guint8 *)cn, strlen(cn)));
    g_byte_array_unref(want);
    g_strfreev(octets);
    g_free(subject);
    g_free(serial);
}

static void
check_client_hello(GKeyFile *kf, const sr_tls_client_hello *ch)
{
    gsize n;
    gchar **names;
    gchar *s;

    g_assert_true(ch->seen);
    g_assert_false(ch->malformed);
    g_assert_cmpuint(ch->hellos, ==, 1);
    g_assert_cmpuint(ch->frame, ==, fact_uint(kf, "client_hello", "frame"));
    s = fact(kf, "client_hello", "record_version");
    g_assert_cmpstr(sr_tls_version_name(ch->record_version), ==, s);
    g_free(s);
    s = fact(kf, "client_hello", "legacy_version");
    g_assert_cmpstr(sr_tls_version_name(ch->legacy_version), ==, s);
    g_free(s);

    names = fact_list(kf, "client_hello", "supported_versions", &n);
    g_assert_cmpuint(ch->has_supported_versions, ==, n > 0);
    g_assert_cmpuint(ch->versions_count, ==, n);
    for (gsize k = 0; k < n; k++)
        g_assert_cmpstr(sr_tls_version_name(ch->versions[k]), ==, names[k]);
    g_strfreev(names);

    /* Every suite by the name tshark gives it: the names table checked. */
    names = fact_list(kf, "client_hello", "cipher_suites", &n);
    g_assert_cmpuint(ch->suites_count, ==, fact_uint(kf, "client_hello", "cipher_suites_offered"));
    g_assert_cmpuint(ch->suites_count, ==, n);
    for (gsize k = 0; k < n; k++)
        g_assert_cmpstr(sr_tls_cipher_suite_name(ch->suites[k]), ==, names[k]);
    g_strfreev(names);

    s = fact(kf, "client_hello", "sni");
    g_assert_true(ch->has_sni);
    g_assert_cmpuint(ch->sni_length, ==, strlen(s));
    g_assert_cmpmem(ch->sni, ch->sni_length, s, strlen(s));
    g_free(s);

    names = fact_list(kf, "client_hello", "alpn", &n);
    g_assert_cmpuint(ch->alpn_count, ==, n);
    g_strfreev(names);
    g_assert_cmpuint(ch->encrypt_then_mac, ==, fact_bool(kf, "client_hello", "encrypt_then_mac"));
}

static void
check_alerts(GKeyFile *kf, const sr_tls_info *info, gboolean tls12)
{
    gsize n, n_from, n_levels, n_desc, n_names, n_hidden;
    gchar **frames = fact_list(kf, "alerts", "frames", &n);
    gchar **from = fact_list(kf, "alerts", "from", &n_from);
    gchar **levels = fact_list(kf, "alerts", "levels", &n_levels);
    gchar **desc = fact_list(kf, "alerts", "descriptions", &n_desc);
    gchar **names = fact_list(kf, "alerts", "names", &n_names);
    gchar **hidden = fact_list(kf, "alerts", "encrypted_from", &n_hidden);
    guint hidden_client = 0, hidden_server = 0;

    g_assert_cmpuint(info->alerts_total, ==, n);
    g_assert_cmpuint(info->alerts_count, ==, n);
    for (gsize k = 0; k < n; k++) {
        const sr_tls_alert *a = &info->alerts[k];
        gchar *rfc = rfc_alert_name(names[k]);

        g_assert_cmpuint(a->frame, ==, g_ascii_strtoull(frames[k], NULL, 10));
        g_assert_cmpuint(a->from_client, ==, g_str_equal(from[k], "client"));
        g_assert_cmpuint(a->level, ==, g_ascii_strtoull(levels[k], NULL, 10));
        g_assert_cmpuint(a->description, ==, g_ascii_strtoull(desc[k], NULL, 10));
        g_assert_cmpstr(sr_tls_alert_name(a->description), ==, rfc);
        g_free(rfc);
    }
    /* TLS 1.2's encrypted alerts keep their record type; TLS 1.3's look
     * like application data, and are not told apart. */
    for (gsize k = 0; k < n_hidden; k++) {
        if (g_str_equal(hidden[k], "client"))
            hidden_client++;
        else
            hidden_server++;
    }
    if (tls12) {
        g_assert_cmpuint(info->client.encrypted_alerts, ==, hidden_client);
        g_assert_cmpuint(info->server.encrypted_alerts, ==, hidden_server);
    } else {
        g_assert_cmpuint(info->client.encrypted_alerts + info->server.encrypted_alerts, ==, 0);
    }
    g_strfreev(frames);
    g_strfreev(from);
    g_strfreev(levels);
    g_strfreev(desc);
    g_strfreev(names);
    g_strfreev(hidden);
}

/* Records counted so far, per side, against tshark's up to FRAME. */
static void
check_records_to(const GArray *rows, const sr_tls_info *info, guint64 frame)
{
    guint want[2][SR_TLS_CONTENT_TYPES] = { { 0 } };

    for (guint k = 0; k < rows->len; k++) {
        const record_row *r = &g_array_index(rows, record_row, k);

        if (r->frame > frame)
            break;
        for (guint i = 0; i < SR_TLS_CONTENT_TYPES; i++)
            want[r->client ? 0 : 1][i] += r->types[i];
    }
    for (guint i = 0; i < SR_TLS_CONTENT_TYPES; i++) {
        g_assert_cmpuint(info->client.records[i], ==, want[0][i]);
        g_assert_cmpuint(info->server.records[i], ==, want[1][i]);
    }
}

/* The client random the key log of capture NAME names its secrets by
 * (samples/tls/NAME.keys, written by the client itself), in hex; NULL for
 * a capture with no key log. */
static gchar *
keylog_client_random(const char *name)
{
    gchar *path = g_build_filename(fixture_dir(), "..", "..", "..", "samples", "tls", NULL);
    gchar *file = g_strdup_printf("%s/%s.keys", path, name);
    gchar *text = NULL, *random = NULL;

    if (g_file_get_contents(file, &text, NULL, NULL)) {
        gchar **lines = g_strsplit(text, "\n", -1);

        for (guint k = 0; lines[k] && !random; k++) {
            gchar **f = g_strsplit(lines[k], " ", 3);

            if (f[0] && f[1] && f[0][0] != '#')
                random = g_strdup(f[1]);
            g_strfreev(f);
        }
        g_strfreev(lines);
        g_assert_nonnull(random);
    }
    g_free(text);
    g_free(file);
    g_free(path);
    return random;
}

static void
test_capture(gconstpointer data)
{
    const char *name = data;
    GKeyFile *kf = load_facts(name);
    GPtrArray *c = load_fixture(name);
    GArray *rows = tshark_records(kf);
    sr_tls *t = sr_tls_new();
    const sr_tls_info *info = sr_tls_info_get(t);
    gboolean completed = fact_bool(kf, "capture", "handshake_completed");
    gboolean has_sh = fact_bool(kf, "server_hello", "present");
    gboolean tls12 = FALSE;
    guint64 last = 0;
    gchar *random;

    for (guint k = 0; k < c->len; k++) {
        const piece *x = g_ptr_array_index(c, k);

        sr_tls_feed(t, x->client, x->data->data, x->data->len, x->frame);
        check_records_to(rows, info, x->frame);
        last = x->frame;
    }
    g_assert_cmpuint(info->client.stop, ==, SR_TLS_STOP_NONE);
    g_assert_cmpuint(info->server.stop, ==, SR_TLS_STOP_NONE);
    g_assert_cmpuint(info->client.lost + info->server.lost, ==, 0);
    g_assert_cmpuint(info->state, ==, completed ? SR_TLS_STATE_ENCRYPTED : SR_TLS_STATE_HANDSHAKE);

    check_client_hello(kf, &info->client_hello);
    random = keylog_client_random(name);
    if (random) {
        gchar *mine = g_strdup("");

        for (guint k = 0; k < sizeof info->client_hello.random; k++) {
            gchar *more = g_strdup_printf("%s%02x", mine, info->client_hello.random[k]);

            g_free(mine);
            mine = more;
        }
        g_assert_cmpstr(mine, ==, random);
        g_free(mine);
        g_free(random);
    }
    g_assert_false(info->server_hello.hello_retry);
    g_assert_cmpuint(info->server_hello.seen, ==, has_sh);
    if (has_sh) {
        const sr_tls_server_hello *sh = &info->server_hello;
        gchar *version = fact(kf, "server_hello", "version");
        gchar *suite = fact(kf, "server_hello", "cipher_suite");
        gchar *id = fact(kf, "server_hello", "cipher_suite_id");
        gchar *mine = g_strdup_printf("0x%04x", sh->cipher_suite);

        g_assert_false(sh->malformed);
        g_assert_cmpuint(sh->frame, ==, fact_uint(kf, "server_hello", "frame"));
        g_assert_cmpstr(sr_tls_version_name(sh->version), ==, version);
        g_assert_cmpstr(sr_tls_cipher_suite_name(sh->cipher_suite), ==, suite);
        g_assert_cmpstr(mine, ==, id);
        g_assert_cmpuint(sh->encrypt_then_mac, ==,
                         fact_bool(kf, "server_hello", "encrypt_then_mac"));
        /* TLS 1.3 says so in supported_versions only (RFC 8446 4.1.3). */
        g_assert_cmpuint(sh->has_supported_versions, ==, sr_tls_version_is_13(sh->version));
        g_assert_cmphex(sh->legacy_version, ==, SR_TLS_VERSION_TLS12);
        tls12 = sh->version == SR_TLS_VERSION_TLS12;
        g_free(mine);
        g_free(id);
        g_free(suite);
        g_free(version);
    }
    if (fact_bool(kf, "certificate", "in_clear"))
        check_certificate(kf, info);
    else
        g_assert_false(info->certificate.seen);
    check_alerts(kf, info, tls12);

    if (completed) {
        guint64 fin_client = fact_uint(kf, "finished", "client");
        guint64 fin_server = fact_uint(kf, "finished", "server");

        g_assert_cmpuint(info->outcome, ==, SR_TLS_COMPLETED);
        if (tls12) {
            g_assert_true(info->client.finished && info->server.finished);
            g_assert_cmpuint(info->client.finished_frame, ==, fin_client);
            g_assert_cmpuint(info->server.finished_frame, ==, fin_server);
            g_assert_cmpuint(info->outcome_frame, ==, MAX(fin_client, fin_server));
        } else {
            /* Unseen without keys, but each Finished is in the frame of
             * its side's first encrypted record here. */
            g_assert_false(info->client.finished || info->server.finished);
            g_assert_cmpuint(info->outcome_frame, ==,
                             tls13_completed_frame(rows, info->server_hello.frame));
        }
        g_assert_cmpuint(info->client.encrypted_frame, ==, fin_client);
        g_assert_cmpuint(info->server.encrypted_frame, ==, fin_server);
    } else {
        /* Both failures here end with an alert in clear. */
        g_assert_cmpuint(info->alerts_count, >=, 1);
        g_assert_cmpuint(info->outcome, ==, SR_TLS_FAILED_ALERT);
        g_assert_cmpuint(info->outcome_frame, ==, info->alerts[0].frame);
        g_assert_cmpuint(info->outcome_client, ==, info->alerts[0].from_client);
        g_assert_false(info->client.encrypted && info->server.encrypted);
    }
    sr_tls_finish(t);
    g_assert_cmpuint(info->state, ==, SR_TLS_STATE_DONE);
    g_assert_cmpuint(info->outcome, ==, completed ? SR_TLS_COMPLETED : SR_TLS_FAILED_ALERT);
    check_records_to(rows, info, last);

    sr_tls_free(t);
    g_array_unref(rows);
    g_ptr_array_unref(c);
    g_key_file_unref(kf);
}

/* The same reading whatever the pieces: a byte at a time, or with one
 * more split at any byte of the stream. */
static void
test_capture_splits(gconstpointer data)
{
    GPtrArray *c = load_fixture(data);

    check_every_split(c);
    g_ptr_array_unref(c);
}

/* ------------------------------------------------------------------ */
/* Building records                                                    */

static void
put8(GByteArray *b, guint v)
{
    guint8 c = (guint8)v;

    g_byte_array_append(b, &c, 1);
}

static void
put16(GByteArray *b, guint v)
{
    put8(b, v >> 8);
    put8(b, v);
}

static void
put24(GByteArray *b, guint v)
{
    put8(b, v >> 16);
    put16(b, v & 0xffff);
}

static void
put_fill(GByteArray *b, gsize n, guint8 v)
{
    for (gsize i = 0; i < n; i++)
        put8(b, v);
}

/* A vector's length prefix, written by close_vector() once its end is known. */
static gsize
open_vector(GByteArray *b, guint prefix)
{
    gsize at = b->len;

    put_fill(b, prefix, 0);
    return at;
}

static void
close_vector(GByteArray *b, gsize at, guint prefix)
{
    gsize n = b->len - at - prefix;

    for (guint i = 0; i < prefix; i++)
        b->data[at + i] = (guint8)(n >> (8 * (prefix - 1 - i)));
}

typedef struct {
    guint16             legacy;        /* 0: TLS 1.2 */
    const guint16      *suites;
    gsize               n_suites;
    const guint16      *versions;      /* NULL: no supported_versions */
    gsize               n_versions;
    const char         *sni;
    const char *const  *alpn;          /* NULL-terminated */
    gboolean            bad_extensions;/* the extensions' length one too long */
    gboolean            etm;           /* offers encrypt_then_mac... */
    gsize               etm_data;      /* ...with this many bytes in it (0 is right) */
} hello_opts;

static const guint16 default_suites[] = { 0x1301, 0xc02f, 0x00ff };

static GByteArray *
client_hello(const hello_opts *o)
{
    GByteArray *b = g_byte_array_new();
    gsize msg, v, ext, e, list;

    put8(b, 1);
    msg = open_vector(b, 3);
    put16(b, o->legacy ? o->legacy : SR_TLS_VERSION_TLS12);
    put_fill(b, 32, 0x11);                  /* random */
    put8(b, 32);
    put_fill(b, 32, 0x22);                  /* session id */
    v = open_vector(b, 2);
    for (gsize k = 0; k < (o->suites ? o->n_suites : G_N_ELEMENTS(default_suites)); k++)
        put16(b, o->suites ? o->suites[k] : default_suites[k]);
    close_vector(b, v, 2);
    put8(b, 1);
    put8(b, 0);                             /* null compression */
    ext = open_vector(b, 2);
    put16(b, 10);                           /* supported_groups, passed over */
    e = open_vector(b, 2);
    put16(b, 2);
    put16(b, 29);
    close_vector(b, e, 2);
    if (o->sni) {
        put16(b, 0);
        e = open_vector(b, 2);
        list = open_vector(b, 2);
        put8(b, 0);
        put16(b, strlen(o->sni));
        g_byte_array_append(b, (const guint8 *)o->sni, strlen(o->sni));
        close_vector(b, list, 2);
        close_vector(b, e, 2);
    }
    if (o->alpn) {
        put16(b, 16);
        e = open_vector(b, 2);
        list = open_vector(b, 2);
        for (guint k = 0; o->alpn[k]; k++) {
            put8(b, strlen(o->alpn[k]));
            g_byte_array_append(b, (const guint8 *)o->alpn[k], strlen(o->alpn[k]));
        }
        close_vector(b, list, 2);
        close_vector(b, e, 2);
    }
    if (o->versions) {
        put16(b, 43);
        e = open_vector(b, 2);
        put8(b, 2 * o->n_versions);
        for (gsize k = 0; k < o->n_versions; k++)
            put16(b, o->versions[k]);
        close_vector(b, e, 2);
    }
    if (o->etm) {
        put16(b, 22);
        put16(b, o->etm_data);
        put_fill(b, o->etm_data, 0x44);
    }
    close_vector(b, ext, 2);
    if (o->bad_extensions)
        b->data[ext + 1]++;
    close_vector(b, msg, 3);
    return b;
}

static const guint8 hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* SUPPORTED 0: no supported_versions extension; ETM: encrypt_then_mac echoed. */
static GByteArray *
server_hello_etm(guint16 suite, guint16 supported, gboolean retry, gboolean etm)
{
    GByteArray *b = g_byte_array_new();
    gsize msg, ext, e;

    put8(b, 2);
    msg = open_vector(b, 3);
    put16(b, SR_TLS_VERSION_TLS12);
    if (retry)
        g_byte_array_append(b, hrr_random, sizeof hrr_random);
    else
        put_fill(b, 32, 0x33);
    put8(b, 32);
    put_fill(b, 32, 0x22);
    put16(b, suite);
    put8(b, 0);
    ext = open_vector(b, 2);
    if (supported) {
        put16(b, 43);
        e = open_vector(b, 2);
        put16(b, supported);
        close_vector(b, e, 2);
    }
    if (etm) {
        put16(b, 22);
        put16(b, 0);
    }
    close_vector(b, ext, 2);
    close_vector(b, msg, 3);
    return b;
}

static GByteArray *
server_hello(guint16 suite, guint16 supported, gboolean retry)
{
    return server_hello_etm(suite, supported, retry, FALSE);
}

/* TLS 1.2's Certificate: certificates of LENGTHS (0-terminated), each a
 * DER SEQUENCE header and filler. */
static GByteArray *
certificate(const gsize *lengths)
{
    GByteArray *b = g_byte_array_new();
    gsize msg, list;

    put8(b, 11);
    msg = open_vector(b, 3);
    list = open_vector(b, 3);
    for (guint k = 0; lengths[k]; k++) {
        put24(b, lengths[k]);
        put8(b, 0x30);
        put8(b, 0x82);
        put16(b, lengths[k] - 4);
        put_fill(b, lengths[k] - 4, (guint8)(0x40 + k));
    }
    close_vector(b, list, 3);
    close_vector(b, msg, 3);
    return b;
}

/* A handshake message of TYPE we do not read, with a body of N bytes. */
static GByteArray *
message(guint8 type, gsize n)
{
    GByteArray *b = g_byte_array_new();

    put8(b, type);
    put24(b, n);
    put_fill(b, n, 0x55);
    return b;
}

/* PAYLOAD (taken) as records of TYPE, at most FRAGMENT bytes each. */
static GByteArray *
records(guint8 type, GByteArray *payload, gsize fragment)
{
    GByteArray *b = g_byte_array_new();
    gsize at = 0;

    do {
        gsize n = MIN(fragment, payload->len - at);

        put8(b, type);
        put16(b, SR_TLS_VERSION_TLS12);
        put16(b, n);
        g_byte_array_append(b, payload->data + at, n);
        at += n;
    } while (at < payload->len);
    g_byte_array_unref(payload);
    return b;
}

static GByteArray *
record(guint8 type, GByteArray *payload)
{
    return records(type, payload, SR_TLS_MAX_RECORD);
}

/* An encrypted record of N bytes, whatever TYPE it says. */
static GByteArray *
sealed(guint8 type, gsize n)
{
    GByteArray *b = g_byte_array_new();

    put_fill(b, n, 0xee);
    return record(type, b);
}

static GByteArray *
alert(guint level, guint description)
{
    GByteArray *b = g_byte_array_new();

    put8(b, level);
    put8(b, description);
    return record(SR_TLS_ALERT, b);
}

static GByteArray *
ccs(void)
{
    GByteArray *b = g_byte_array_new();

    put8(b, 1);
    return record(SR_TLS_CHANGE_CIPHER_SPEC, b);
}

/* A with B (taken) after it. */
static GByteArray *
join(GByteArray *a, GByteArray *b)
{
    g_byte_array_append(a, b->data, b->len);
    g_byte_array_unref(b);
    return a;
}

static GByteArray *
raw(const char *s, gsize n)
{
    return g_byte_array_append(g_byte_array_new(), (const guint8 *)s, n);
}

static GByteArray *
text(const char *s)
{
    return raw(s, strlen(s));
}

static const sr_tls_info *
info_of(sr_tls *t)
{
    return sr_tls_info_get(t);
}

/* ------------------------------------------------------------------ */
/* TLS 1.2                                                             */

static const char *const alpn_two[] = { "smtp-test", "h2", NULL };

/* The server's first flight, all four messages in one record. */
static GPtrArray *
tls12_handshake(void)
{
    GPtrArray *c = convo_new();
    static const gsize chain[] = { 600, 500, 0 };
    hello_opts o = { .sni = "mx.example.org", .alpn = alpn_two };
    GByteArray *flight = server_hello(0xc02f, 0, FALSE);

    send(c, 1, TRUE, record(SR_TLS_HANDSHAKE, client_hello(&o)));
    flight = join(flight, certificate(chain));
    flight = join(flight, message(12, 300));     /* ServerKeyExchange */
    flight = join(flight, message(14, 0));       /* ServerHelloDone */
    send(c, 2, FALSE, record(SR_TLS_HANDSHAKE, flight));
    send(c, 3, TRUE, join(join(record(SR_TLS_HANDSHAKE, message(16, 33)), ccs()),
                          sealed(SR_TLS_HANDSHAKE, 40)));
    send(c, 4, FALSE, join(join(record(SR_TLS_HANDSHAKE, message(4, 170)), ccs()),
                           sealed(SR_TLS_HANDSHAKE, 40)));
    send(c, 5, TRUE, sealed(SR_TLS_APPLICATION_DATA, 50));
    send(c, 6, FALSE, sealed(SR_TLS_APPLICATION_DATA, 200));
    send(c, 7, FALSE, sealed(SR_TLS_ALERT, 26));  /* close_notify, encrypted */
    return c;
}

static void
test_tls12_completed(void)
{
    GPtrArray *c = tls12_handshake();
    sr_tls *t = run(c, FEED_WHOLE, 0, FALSE);
    const sr_tls_info *i = info_of(t);

    g_assert_true(i->client_hello.seen);
    g_assert_false(i->client_hello.malformed);
    g_assert_cmpuint(i->client_hello.suites_count, ==, 3);
    g_assert_false(i->client_hello.has_supported_versions);
    g_assert_cmpmem(i->client_hello.sni, i->client_hello.sni_length, "mx.example.org", 14);
    g_assert_cmpuint(i->client_hello.alpn_count, ==, 2);
    g_assert_cmpmem(i->client_hello.alpn[0], i->client_hello.alpn_length[0], "smtp-test", 9);
    g_assert_cmpmem(i->client_hello.alpn[1], i->client_hello.alpn_length[1], "h2", 2);
    /* Several messages in one record: each read. */
    g_assert_true(i->server_hello.seen);
    g_assert_cmphex(i->server_hello.version, ==, SR_TLS_VERSION_TLS12);
    g_assert_cmphex(i->server_hello.cipher_suite, ==, 0xc02f);
    g_assert_true(i->certificate.seen);
    g_assert_cmpuint(i->certificate.frame, ==, 2);
    g_assert_cmpuint(i->certificate.count, ==, 2);
    g_assert_cmpuint(i->certificate.der_length, ==, 600);
    g_assert_cmpuint(i->certificate.der[0], ==, 0x30);
    g_assert_cmpuint(i->certificate.der[599], ==, 0x40);
    /* Where it turned encrypted: the record after each ChangeCipherSpec. */
    g_assert_true(i->client.finished && i->server.finished);
    g_assert_cmpuint(i->client.finished_frame, ==, 3);
    g_assert_cmpuint(i->server.finished_frame, ==, 4);
    g_assert_cmpuint(i->client.encrypted_frame, ==, 3);
    g_assert_cmpuint(i->outcome, ==, SR_TLS_COMPLETED);
    g_assert_cmpuint(i->outcome_frame, ==, 4);
    g_assert_cmpuint(i->state, ==, SR_TLS_STATE_ENCRYPTED);
    /* Past it nothing is read: the alert record is only counted. */
    g_assert_cmpuint(i->alerts_total, ==, 0);
    g_assert_cmpuint(i->server.encrypted_alerts, ==, 1);
    g_assert_cmpuint(i->server.records[SR_TLS_ALERT - SR_TLS_CHANGE_CIPHER_SPEC], ==, 1);
    g_assert_cmpuint(i->server.encrypted_records, ==, 3);
    g_assert_cmpuint(i->client.encrypted_records, ==, 2);
    g_assert_cmpuint(i->server.records[SR_TLS_HANDSHAKE - SR_TLS_CHANGE_CIPHER_SPEC], ==, 3);
    sr_tls_finish(t);
    g_assert_cmpuint(i->state, ==, SR_TLS_STATE_DONE);
    g_assert_cmpuint(sr_tls_memory(t), ==, 600);   /* the certificate alone */
    sr_tls_free(t);
    check_every_split(c);
    g_ptr_array_unref(c);
}

/* encrypt_then_mac (RFC 7366), which says how TLS 1.2's CBC records are
 * protected: in use only when both hellos carry it, empty. */
static void
test_tls12_encrypt_then_mac(void)
{
    static const struct {
        gboolean client, server;  /* who sends it */
        gsize    data;            /* bytes in the client's */
    } cases[] = {
        { TRUE, TRUE, 0 },
        { TRUE, FALSE, 0 },       /* a GCM suite: the server does not echo it */
        { FALSE, FALSE, 0 },
        { TRUE, FALSE, 1 },       /* not empty: malformed, not taken */
    };

    for (gsize k = 0; k < G_N_ELEMENTS(cases); k++) {
        GPtrArray *c = convo_new();
        hello_opts o = { .etm = cases[k].client, .etm_data = cases[k].data };
        sr_tls *t;
        const sr_tls_info *i;

        send(c, 1, TRUE, record(SR_TLS_HANDSHAKE, client_hello(&o)));
        send(c, 2, FALSE,
             record(SR_TLS_HANDSHAKE, server_hello_etm(0xc027, 0, FALSE, cases[k].server)));
        t = run(c, FEED_WHOLE, 0, FALSE);
        i = info_of(t);
        g_assert_true(i->client_hello.seen && i->server_hello.seen);
        g_assert_cmpuint(i->client_hello.malformed, ==, cases[k].data > 0);
        g_assert_cmpuint(i->client_hello.encrypt_then_mac, ==,
                         cases[k].client && cases[k].data == 0);
        g_assert_cmpuint(i->server_hello.encrypt_then_mac, ==, cases[k].server);
        g_assert_false(i->server_hello.malformed);
        g_assert_cmphex(i->server_hello.cipher_suite, ==, 0xc027);
        sr_tls_free(t);
        check_every_split(c);
        g_ptr_array_unref(c);
    }
}

/* The client's hello as the summary renders it. */
static gchar *
hello_part(const sr_tls_info *i)
{
    gchar *s = tls_summary(i);
    const char *from = strstr(s, " ch@");
    gchar *part;

    g_assert_nonnull(from);
    part = g_strndup(from, strchr(from, '}') - from + 1);
    g_free(s);
    return part;
}

/* A hello in three records, and the Certificate in records of 100 bytes. */
static void
test_message_across_records(void)
{
    GPtrArray *whole = tls12_handshake();
    GPtrArray *c = convo_new();
    static const gsize chain[] = { 900, 0 };
    hello_opts o = { .sni = "mx.example.org", .alpn = alpn_two };
    GByteArray *hello = client_hello(&o);
    guint pieces = (hello->len + 49) / 50;
    sr_tls *t, *t2;
    gchar *a, *b;

    g_assert_cmpuint(pieces, >=, 3);
    send(c, 1, TRUE, records(SR_TLS_HANDSHAKE, hello, 50));
    send(c, 2, FALSE, records(SR_TLS_HANDSHAKE, join(server_hello(0xc02f, 0, FALSE),
                                                     certificate(chain)), 100));
    t = run(c, FEED_WHOLE, 0, TRUE);
    t2 = run(whole, FEED_WHOLE, 0, TRUE);
    g_assert_cmpuint(info_of(t)->client.records[2], ==, pieces);
    g_assert_true(info_of(t)->client_hello.seen);
    g_assert_false(info_of(t)->client_hello.malformed);
    /* The same hello as in one record. */
    a = hello_part(info_of(t));
    b = hello_part(info_of(t2));
    g_assert_cmpstr(a, ==, b);
    g_free(a);
    g_free(b);
    g_assert_cmpuint(info_of(t)->certificate.der_length, ==, 900);
    g_assert_cmpuint(info_of(t)->certificate.count, ==, 1);
    g_assert_cmpuint(info_of(t)->outcome, ==, SR_TLS_UNKNOWN);
    sr_tls_free(t);
    sr_tls_free(t2);
    check_every_split(c);
    g_ptr_array_unref(c);
    g_ptr_array_unref(whole);
}

/* A warning alert lets a TLS 1.2 handshake go on; a fatal one ends it. */
static void
test_tls12_alerts(void)
{
    GPtrArray *c = tls12_handshake();
    piece *second = g_ptr_array_index(c, 1);
    sr_tls *t;
    const sr_tls_info *i;

    /* unrecognized_name as a warning, before the server's flight */
    second->data = join(alert(1, 112), second->data);
    t = run(c, FEED_WHOLE, 0, TRUE);
    i = info_of(t);
    g_assert_cmpuint(i->alerts_total, ==, 1);
    g_assert_cmpuint(i->alerts[0].level, ==, 1);
    g_assert_cmpuint(i->alerts[0].description, ==, 112);
    g_assert_false(i->alerts[0].from_client);
    g_assert_cmpuint(i->outcome, ==, SR_TLS_COMPLETED);
    sr_tls_free(t);
    check_every_split(c);
    g_ptr_array_unref(c);

    c = convo_new();
    send(c, 1, TRUE, record(SR_TLS_HANDSHAKE, client_hello(&(hello_opts){ 0 })));
    send(c, 2, FALSE, alert(2, 40));
    send(c, 3, TRUE, alert(1, 0));
    t = run(c, FEED_WHOLE, 0, TRUE);
    i = info_of(t);
    g_assert_cmpuint(i->outcome, ==, SR_TLS_FAILED_ALERT);
    g_assert_cmpuint(i->outcome_frame, ==, 2);
    g_assert_false(i->outcome_client);
    g_assert_cmpuint(i->alerts_total, ==, 2);
    g_assert_cmpstr(sr_tls_alert_name(i->alerts[0].description), ==, "handshake_failure");
    g_assert_true(i->alerts[1].from_client);
    g_assert_cmpuint(i->alerts[1].frame, ==, 3);
    g_assert_cmpuint(i->state, ==, SR_TLS_STATE_DONE);
    sr_tls_free(t);
    check_every_split(c);
    g_ptr_array_unref(c);
}

/* ------------------------------------------------------------------ */
/* TLS 1.3                                                             */

static const guint16 versions_13[] = { 0x3a3a, SR_TLS_VERSION_TLS13, SR_TLS_VERSION_TLS12 };

static GPtrArray *
tls13_handshake(gboolean retry)
{
    GPtrArray *c = convo_new();
    hello_opts o = { .versions = versions_13, .n_versions = 3, .sni = "mx.example.org" };
    GByteArray *flight;
    guint64 f = 1;

    send(c, f++, TRUE, record(SR_TLS_HANDSHAKE, client_hello(&o)));
    if (retry) {
        /* The compatibility ChangeCipherSpec comes right after the first
         * hello here, so the second hello follows one in clear. */
        send(c, f++, FALSE, record(SR_TLS_HANDSHAKE, server_hello(0x1301, 0x0304, TRUE)));
        send(c, f++, TRUE, join(ccs(), record(SR_TLS_HANDSHAKE, client_hello(&o))));
    }
    flight = join(record(SR_TLS_HANDSHAKE, server_hello(0x1302, 0x0304, FALSE)), ccs());
    flight = join(flight, sealed(SR_TLS_APPLICATION_DATA, 1200));
    send(c, f++, FALSE, join(flight, sealed(SR_TLS_APPLICATION_DATA, 60)));
    if (retry)
        send(c, f++, TRUE, sealed(SR_TLS_APPLICATION_DATA, 53));   /* Finished */
    else
        send(c, f++, TRUE, join(ccs(), sealed(SR_TLS_APPLICATION_DATA, 53)));
    send(c, f++, FALSE, sealed(SR_TLS_APPLICATION_DATA, 234));     /* a ticket */
    send(c, f++, TRUE, sealed(SR_TLS_APPLICATION_DATA, 43));       /* EHLO */
    send(c, f++, FALSE, sealed(SR_TLS_APPLICATION_DATA, 201));
    return c;
}

static void
test_tls13_completed(void)
{
    GPtrArray *c = tls13_handshake(FALSE);
    sr_tls *t = run(c, FEED_WHOLE, 0, FALSE);
    const sr_tls_info *i = info_of(t);

    g_assert_true(i->client_hello.has_supported_versions);
    g_assert_cmpuint(i->client_hello.versions_count, ==, 3);
    g_assert_cmpstr(sr_tls_version_name(i->client_hello.versions[0]), ==, "GREASE");
    g_assert_cmphex(i->server_hello.version, ==, SR_TLS_VERSION_TLS13);
    g_assert_cmphex(i->server_hello.legacy_version, ==, SR_TLS_VERSION_TLS12);
    g_assert_true(i->server_hello.has_supported_versions);
    g_assert_cmpstr(sr_tls_cipher_suite_name(i->server_hello.cipher_suite), ==,
                    "TLS_AES_256_GCM_SHA384");
    /* Everything after the server's hello is encrypted; the compatibility
     * ChangeCipherSpecs change nothing. */
    g_assert_cmpuint(i->server.encrypted_frame, ==, 2);
    g_assert_cmpuint(i->client.encrypted_frame, ==, 3);
    g_assert_false(i->client.finished || i->server.finished);
    g_assert_false(i->certificate.seen);
    g_assert_cmpuint(i->client.records[0], ==, 1);
    g_assert_cmpuint(i->server.records[0], ==, 1);
    /* Completed at the client's second encrypted record, its EHLO. */
    g_assert_cmpuint(i->outcome, ==, SR_TLS_COMPLETED);
    g_assert_cmpuint(i->outcome_frame, ==, 5);
    g_assert_cmpuint(i->state, ==, SR_TLS_STATE_ENCRYPTED);
    sr_tls_free(t);
    check_every_split(c);
    g_ptr_array_unref(c);
}

static void
test_tls13_hello_retry(void)
{
    GPtrArray *c = tls13_handshake(TRUE);
    sr_tls *t = run(c, FEED_WHOLE, 0, TRUE);
    const sr_tls_info *i = info_of(t);

    g_assert_true(i->server_hello.hello_retry);
    g_assert_cmpuint(i->server_hello.hello_retry_frame, ==, 2);
    g_assert_true(i->server_hello.seen);
    g_assert_cmpuint(i->server_hello.frame, ==, 4);
    /* The second hello, after the client's ChangeCipherSpec, was read in
     * clear: TLS 1.2's rule would have taken it for an encrypted Finished. */
    g_assert_cmpuint(i->client_hello.hellos, ==, 2);
    g_assert_cmpuint(i->client_hello.frame, ==, 1);
    g_assert_cmpuint(i->client.encrypted_frame, ==, 5);
    g_assert_cmpuint(i->client.encrypted_records, ==, 2);
    g_assert_cmpuint(i->outcome, ==, SR_TLS_COMPLETED);
    g_assert_cmpuint(i->outcome_frame, ==, 7);
    sr_tls_free(t);
    check_every_split(c);
    g_ptr_array_unref(c);
}

/* One encrypted record from the client, then the end: its Finished or an
 * alert, which cannot be told apart. */
static void
test_tls13_unknown(void)
{
    GPtrArray *c = tls13_handshake(FALSE);
    guint64 bytes;
    sr_tls *t;

    g_ptr_array_set_size(c, 3);
    t = run(c, FEED_WHOLE, 0, FALSE);
    g_assert_cmpuint(info_of(t)->state, ==, SR_TLS_STATE_ENCRYPTED);
    g_assert_cmpuint(info_of(t)->outcome, ==, SR_TLS_UNKNOWN);
    sr_tls_finish(t);
    g_assert_cmpuint(info_of(t)->state, ==, SR_TLS_STATE_DONE);
    g_assert_cmpuint(info_of(t)->outcome, ==, SR_TLS_UNKNOWN);
    /* Nothing is read after the end. */
    bytes = info_of(t)->client.bytes;
    sr_tls_feed(t, TRUE, (const guint8 *)"\x17\x03\x03\x00\x01\x00", 6, 9);
    g_assert_cmpuint(info_of(t)->client.bytes, ==, bytes);
    g_assert_cmpuint(info_of(t)->client.encrypted_records, ==, 1);
    g_assert_cmpuint(info_of(t)->outcome, ==, SR_TLS_UNKNOWN);
    sr_tls_free(t);
    g_ptr_array_unref(c);
}

/* A client that rejects the server's hello says so in clear: in TLS 1.3
 * any alert but user_canceled ends it, whatever its level. */
static void
test_tls13_alert(void)
{
    GPtrArray *c = tls13_handshake(FALSE);
    sr_tls *t;

    g_ptr_array_set_size(c, 2);
    send(c, 3, TRUE, alert(1, 47));
    t = run(c, FEED_WHOLE, 0, TRUE);
    g_assert_cmpuint(info_of(t)->outcome, ==, SR_TLS_FAILED_ALERT);
    g_assert_true(info_of(t)->outcome_client);
    g_assert_cmpuint(info_of(t)->outcome_frame, ==, 3);
    g_assert_cmpstr(sr_tls_alert_name(info_of(t)->alerts[0].description), ==, "illegal_parameter");
    sr_tls_free(t);
    check_every_split(c);
    g_ptr_array_unref(c);
}

/* ------------------------------------------------------------------ */
/* Not TLS, malformed, gaps                                            */

static void
test_not_tls(void)
{
    static const guint8 sslv2[] = { 0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15 };
    GPtrArray *c = convo_new();
    sr_tls *t;
    const sr_tls_info *i;

    /* The client carries on in plain text after the 220. */
    send(c, 7, TRUE, text("EHLO client.example.org\r\n"));
    send(c, 8, TRUE, record(SR_TLS_HANDSHAKE, client_hello(&(hello_opts){ 0 })));
    t = run(c, FEED_WHOLE, 0, FALSE);
    i = info_of(t);
    g_assert_cmpuint(i->outcome, ==, SR_TLS_NOT_TLS);
    g_assert_cmpuint(i->outcome_frame, ==, 7);
    g_assert_true(i->outcome_client);
    g_assert_cmpuint(i->client.stop, ==, SR_TLS_STOP_NOT_TLS);
    g_assert_false(i->client_hello.seen);    /* it stopped there */
    g_assert_cmpuint(i->client.bytes, ==, 25 + ((const piece *)g_ptr_array_index(c, 1))->data->len);
    g_assert_cmpuint(i->state, ==, SR_TLS_STATE_HANDSHAKE);
    sr_tls_free(t);
    check_every_split(c);
    g_ptr_array_unref(c);

    c = convo_new();
    send(c, 3, FALSE, text("220 smtp.example.org ESMTP\r\n"));   /* plain SMTP on 465 */
    send(c, 4, TRUE, g_byte_array_append(g_byte_array_new(), sslv2, sizeof sslv2));
    t = run(c, FEED_WHOLE, 0, FALSE);
    i = info_of(t);
    g_assert_cmpuint(i->outcome, ==, SR_TLS_NOT_TLS);
    g_assert_false(i->outcome_client);
    g_assert_cmpuint(i->server.stop, ==, SR_TLS_STOP_NOT_TLS);
    g_assert_cmpuint(i->client.stop, ==, SR_TLS_STOP_SSLV2);
    g_assert_cmpuint(i->client.stop_frame, ==, 4);
    g_assert_cmpuint(i->state, ==, SR_TLS_STATE_DONE);   /* both sides stopped */
    sr_tls_free(t);
    check_every_split(c);
    g_ptr_array_unref(c);
}

static void
test_record_too_long(void)
{
    GPtrArray *c = convo_new();
    GByteArray *big = sealed(SR_TLS_APPLICATION_DATA, SR_TLS_MAX_RECORD);
    sr_tls *t;

    /* 2^14 + 2048 is the longest allowed, */
    send(c, 1, FALSE, big);
    /* one more is not. */
    send(c, 2, FALSE, text("\x17\x03\x03\x48\x01"));
    t = run(c, FEED_WHOLE, 0, TRUE);
    g_assert_cmpuint(info_of(t)->server.records[3], ==, 1);
    g_assert_cmpuint(info_of(t)->server.stop, ==, SR_TLS_STOP_RECORD_TOO_LONG);
    g_assert_cmpuint(info_of(t)->outcome, ==, SR_TLS_MALFORMED);
    g_assert_cmpuint(info_of(t)->outcome_frame, ==, 2);
    sr_tls_free(t);
    g_ptr_array_unref(c);

    /* Even as the first record: its first bytes were TLS's. */
    c = convo_new();
    send(c, 1, TRUE, text("\x16\x03\x01\xff\xff"));
    t = run(c, FEED_BYTES, 0, TRUE);
    g_assert_cmpuint(info_of(t)->client.stop, ==, SR_TLS_STOP_RECORD_TOO_LONG);
    g_assert_cmpuint(info_of(t)->outcome, ==, SR_TLS_MALFORMED);
    sr_tls_free(t);
    g_ptr_array_unref(c);
}

static void
test_malformed(void)
{
    GPtrArray *c = convo_new();
    GByteArray *hello = client_hello(&(hello_opts){ 0 });
    GByteArray *half = g_byte_array_new();
    sr_tls *t;

    /* After a record, a content type TLS does not have. */
    send(c, 1, TRUE, join(record(SR_TLS_HANDSHAKE, client_hello(&(hello_opts){ 0 })),
                          text("\x99\x03\x03")));
    t = run(c, FEED_WHOLE, 0, TRUE);
    g_assert_true(info_of(t)->client_hello.seen);
    g_assert_cmpuint(info_of(t)->client.stop, ==, SR_TLS_STOP_BAD_CONTENT_TYPE);
    g_assert_cmpuint(info_of(t)->outcome, ==, SR_TLS_MALFORMED);
    sr_tls_free(t);
    check_every_split(c);
    g_ptr_array_unref(c);

    /* A ChangeCipherSpec before the hello ended. */
    c = convo_new();
    g_byte_array_append(half, hello->data, 40);
    send(c, 1, TRUE, join(record(SR_TLS_HANDSHAKE, half), ccs()));
    t = run(c, FEED_WHOLE, 0, TRUE);
    g_assert_false(info_of(t)->client_hello.seen);
    g_assert_cmpuint(info_of(t)->client.stop, ==, SR_TLS_STOP_CCS_IN_MESSAGE);
    g_assert_cmpuint(info_of(t)->outcome, ==, SR_TLS_MALFORMED);
    sr_tls_free(t);
    g_ptr_array_unref(c);
    g_byte_array_unref(hello);

    /* A hello longer than the reader keeps, */
    c = convo_new();
    send(c, 1, TRUE, raw("\x16\x03\x01\x00\x04\x01\x01\x00\x01", 9));
    t = run(c, FEED_WHOLE, 0, TRUE);
    g_assert_cmpuint(info_of(t)->client.stop, ==, SR_TLS_STOP_MESSAGE_TOO_LONG);
    g_assert_cmpuint(info_of(t)->outcome, ==, SR_TLS_MALFORMED);
    g_assert_cmpuint(sr_tls_memory(t), ==, 0);
    sr_tls_free(t);
    g_ptr_array_unref(c);

    /* but a long message not read is skipped, over records. */
    c = convo_new();
    send(c, 1, FALSE, records(SR_TLS_HANDSHAKE, message(4, 100000), 16384));
    send(c, 2, FALSE, alert(2, 80));
    t = run(c, FEED_WHOLE, 0, TRUE);
    g_assert_cmpuint(info_of(t)->server.stop, ==, SR_TLS_STOP_NONE);
    g_assert_cmpuint(info_of(t)->server.records[2], ==, 7);
    g_assert_cmpuint(info_of(t)->outcome, ==, SR_TLS_FAILED_ALERT);
    sr_tls_free(t);
    g_ptr_array_unref(c);

    /* Empty records are passed over. */
    c = convo_new();
    send(c, 1, TRUE, raw("\x16\x03\x01\x00\x00", 5));
    t = run(c, FEED_WHOLE, 0, TRUE);
    g_assert_cmpuint(info_of(t)->client.records[2], ==, 1);
    g_assert_cmpuint(info_of(t)->client.stop, ==, SR_TLS_STOP_NONE);
    sr_tls_free(t);
    g_ptr_array_unref(c);
}

/* A hello whose extensions do not add up: what was read before the fault
 * is kept, marked, and the records are read on (the server answers it). */
static void
test_malformed_hello(void)
{
    GPtrArray *c = convo_new();
    hello_opts o = { .sni = "mx.example.org", .bad_extensions = TRUE };
    sr_tls *t;
    const sr_tls_info *i;

    send(c, 1, TRUE, record(SR_TLS_HANDSHAKE, client_hello(&o)));
    send(c, 2, FALSE, alert(2, 50));
    t = run(c, FEED_WHOLE, 0, TRUE);
    i = info_of(t);
    g_assert_true(i->client_hello.seen);
    g_assert_true(i->client_hello.malformed);
    g_assert_cmpuint(i->client_hello.suites_count, ==, 3);
    g_assert_false(i->client_hello.has_sni);
    g_assert_cmpuint(i->outcome, ==, SR_TLS_FAILED_ALERT);
    g_assert_cmpstr(sr_tls_alert_name(i->alerts[0].description), ==, "decode_error");
    sr_tls_free(t);
    check_every_split(c);
    g_ptr_array_unref(c);
}

static void
test_gap(void)
{
    GPtrArray *c = tls13_handshake(FALSE);
    GPtrArray *lost = convo_new();
    sr_tls *t;

    /* Bytes lost inside an encrypted record are not needed: the record's
     * length still says where the next begins. */
    for (guint k = 0; k < c->len; k++) {
        piece *x = g_ptr_array_index(c, k);

        if (k == 1) {
            /* the server's flight: its first 300 and last 600 bytes */
            GByteArray *head = g_byte_array_new();
            GByteArray *tail = g_byte_array_new();
            gsize n = x->data->len;

            g_byte_array_append(head, x->data->data, 300);
            g_byte_array_append(tail, x->data->data + n - 600, 600);
            send(lost, x->frame, FALSE, head);
            lose(lost, x->frame, FALSE, n - 900);
            send(lost, x->frame, FALSE, tail);
            continue;
        }
        send(lost, x->frame, x->client, g_byte_array_ref(x->data));
    }
    t = run(lost, FEED_WHOLE, 0, TRUE);
    g_assert_cmpuint(info_of(t)->server.stop, ==, SR_TLS_STOP_NONE);
    g_assert_cmpuint(info_of(t)->server.lost, ==,
                     ((piece *)g_ptr_array_index(c, 1))->data->len - 900);
    g_assert_cmpuint(info_of(t)->server.encrypted_records, ==, 4);
    g_assert_cmpuint(info_of(t)->outcome, ==, SR_TLS_COMPLETED);
    sr_tls_free(t);
    check_every_split(lost);
    g_ptr_array_unref(lost);

    /* Lost in clear, or past a record's end: that side stops. */
    lost = convo_new();
    send(lost, 1, TRUE, g_byte_array_ref(((piece *)g_ptr_array_index(c, 0))->data));
    lose(lost, 2, FALSE, 100);
    send(lost, 3, FALSE, g_byte_array_ref(((piece *)g_ptr_array_index(c, 1))->data));
    send(lost, 4, TRUE, g_byte_array_ref(((piece *)g_ptr_array_index(c, 2))->data));
    t = run(lost, FEED_WHOLE, 0, TRUE);
    g_assert_cmpuint(info_of(t)->server.stop, ==, SR_TLS_STOP_GAP);
    g_assert_cmpuint(info_of(t)->server.stop_frame, ==, 2);
    g_assert_cmpuint(info_of(t)->server.bytes, ==, ((piece *)g_ptr_array_index(c, 1))->data->len);
    g_assert_cmpuint(info_of(t)->outcome, ==, SR_TLS_GAP);
    g_assert_cmpuint(info_of(t)->outcome_frame, ==, 2);
    g_assert_false(info_of(t)->server_hello.seen);
    /* The client's side is read on. */
    g_assert_cmpuint(info_of(t)->client.encrypted_records, ==, 1);
    sr_tls_free(t);
    g_ptr_array_unref(lost);

    lost = convo_new();
    send(lost, 1, FALSE, raw("\x17\x03\x03\x00\x10", 5));
    lose(lost, 2, FALSE, 17);
    t = run(lost, FEED_WHOLE, 0, TRUE);
    g_assert_cmpuint(info_of(t)->server.stop, ==, SR_TLS_STOP_GAP);
    sr_tls_free(t);
    g_ptr_array_unref(lost);

    /* After the outcome, a gap stops the counting but changes nothing. */
    lost = tls13_handshake(FALSE);
    lose(lost, 9, TRUE, 5);
    t = run(lost, FEED_WHOLE, 0, TRUE);
    g_assert_cmpuint(info_of(t)->client.stop, ==, SR_TLS_STOP_GAP);
    g_assert_cmpuint(info_of(t)->outcome, ==, SR_TLS_COMPLETED);
    sr_tls_free(t);
    g_ptr_array_unref(lost);
    g_ptr_array_unref(c);
}

/* The first certificate is copied up to 16 KiB; a longer one is measured. */
static void
test_certificate_caps(void)
{
    static const gsize fits[] = { SR_TLS_MAX_CERT, 3000, 0 };
    static const gsize over[] = { SR_TLS_MAX_CERT + 1, 40000, 0 };
    GPtrArray *c = convo_new();
    sr_tls *t;

    send(c, 1, FALSE, records(SR_TLS_HANDSHAKE, certificate(fits), 16384));
    t = run(c, FEED_BYTES, 0, TRUE);
    g_assert_cmpuint(info_of(t)->certificate.der_length, ==, SR_TLS_MAX_CERT);
    g_assert_cmpuint(info_of(t)->certificate.count, ==, 1);   /* the second was not kept */
    g_assert_false(info_of(t)->certificate.malformed);
    sr_tls_free(t);
    g_ptr_array_unref(c);

    c = convo_new();
    send(c, 1, FALSE, records(SR_TLS_HANDSHAKE, certificate(over), 16384));
    t = run(c, FEED_WHOLE, 0, FALSE);
    g_assert_true(info_of(t)->certificate.seen);
    g_assert_false(info_of(t)->certificate.malformed);
    g_assert_cmpuint(info_of(t)->certificate.first_length, ==, SR_TLS_MAX_CERT + 1);
    g_assert_null(info_of(t)->certificate.der);
    g_assert_cmpuint(info_of(t)->certificate.der_length, ==, 0);
    g_assert_cmpuint(info_of(t)->server.stop, ==, SR_TLS_STOP_NONE);
    g_assert_cmpuint(sr_tls_memory(t), ==, 0);
    sr_tls_free(t);
    g_ptr_array_unref(c);
}

static void
test_names(void)
{
    static const guint16 tls13_suites[] = {
        0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0x1306, 0x1307,
        0x00c6, 0x00c7, 0xc0b4, 0xc0b5, 0xc103, 0xc104, 0xc105, 0xc106,
    };
    char buf[SR_TLS_LABEL_SIZE];

    g_assert_cmpstr(sr_tls_version_name(0x0300), ==, "SSL 3.0");
    g_assert_cmpstr(sr_tls_version_name(0x0301), ==, "TLS 1.0");
    g_assert_cmpstr(sr_tls_version_name(0x0302), ==, "TLS 1.1");
    g_assert_cmpstr(sr_tls_version_name(0x0303), ==, "TLS 1.2");
    g_assert_cmpstr(sr_tls_version_name(0x0304), ==, "TLS 1.3");
    g_assert_cmpstr(sr_tls_version_name(0x7f1c), ==, "TLS 1.3 draft 28");
    g_assert_cmpstr(sr_tls_version_name(0xfafa), ==, "GREASE");
    g_assert_null(sr_tls_version_name(0x0305));
    g_assert_null(sr_tls_version_name(0x0200));
    g_assert_true(sr_tls_version_is_13(0x7f17));
    g_assert_false(sr_tls_version_is_13(0x0303));

    for (gsize k = 0; k < G_N_ELEMENTS(tls13_suites); k++)
        g_assert_nonnull(sr_tls_cipher_suite_name(tls13_suites[k]));
    g_assert_cmpstr(sr_tls_cipher_suite_name(0x1303), ==, "TLS_CHACHA20_POLY1305_SHA256");
    g_assert_cmpstr(sr_tls_cipher_suite_name(0x009e), ==, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256");
    g_assert_cmpstr(sr_tls_cipher_suite_name(0xc02c), ==,
                    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    g_assert_cmpstr(sr_tls_cipher_suite_name(0xc027), ==, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");
    g_assert_cmpstr(sr_tls_cipher_suite_name(0x0035), ==, "TLS_RSA_WITH_AES_256_CBC_SHA");
    g_assert_cmpstr(sr_tls_cipher_suite_name(0xccaa), ==,
                    "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    g_assert_cmpstr(sr_tls_cipher_suite_name(0x5600), ==, "TLS_FALLBACK_SCSV");
    g_assert_cmpstr(sr_tls_cipher_suite_name(0x0000), ==, "TLS_NULL_WITH_NULL_NULL");
    g_assert_cmpstr(sr_tls_cipher_suite_name(0xd005), ==, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256");
    g_assert_cmpstr(sr_tls_cipher_suite_name(0x2a2a), ==, "GREASE");
    g_assert_null(sr_tls_cipher_suite_name(0x1308));
    g_assert_null(sr_tls_cipher_suite_name(0xffff));
    g_assert_null(sr_tls_cipher_suite_name(0xd004));

    g_assert_cmpstr(sr_tls_alert_name(0), ==, "close_notify");
    g_assert_cmpstr(sr_tls_alert_name(40), ==, "handshake_failure");
    g_assert_cmpstr(sr_tls_alert_name(116), ==, "certificate_required");
    g_assert_null(sr_tls_alert_name(255));
    g_assert_cmpstr(sr_tls_alert_level_name(2), ==, "fatal");
    g_assert_null(sr_tls_alert_level_name(3));
    g_assert_cmpstr(sr_tls_content_type_name(23), ==, "application_data");
    g_assert_null(sr_tls_content_type_name(25));

    /* A number without a name is shown in hex, four digits, lower case. */
    g_assert_cmpstr(sr_tls_label(sr_tls_version_name(0x0303), 0x0303, buf), ==, "TLS 1.2");
    g_assert_cmpstr(sr_tls_label(sr_tls_cipher_suite_name(0xffff), 0xffff, buf), ==, "0xffff");
    g_assert_cmpstr(sr_tls_label(sr_tls_alert_name(255), 255, buf), ==, "0x00ff");
    g_assert_cmpstr(sr_tls_label(NULL, 0xabcd, buf), ==, "0xabcd");

    /* Every value of the enums has its own name and text. */
    for (guint k = 0; k < SR_TLS_OUTCOME_COUNT; k++) {
        g_assert_nonnull(sr_tls_outcome_description(k));
        for (guint j = 0; j < k; j++)
            g_assert_cmpstr(sr_tls_outcome_name(j), !=, sr_tls_outcome_name(k));
    }
    for (guint k = 0; k < SR_TLS_STOP_COUNT; k++) {
        g_assert_nonnull(sr_tls_stop_description(k));
        for (guint j = 0; j < k; j++)
            g_assert_cmpstr(sr_tls_stop_name(j), !=, sr_tls_stop_name(k));
    }
    g_assert_cmpstr(sr_tls_outcome_name(SR_TLS_FAILED_ALERT), ==, "failed-alert");
    g_assert_cmpstr(sr_tls_stop_name(SR_TLS_STOP_SSLV2), ==, "sslv2-header");
    g_assert_cmpstr(sr_tls_state_name(SR_TLS_STATE_ENCRYPTED), ==, "encrypted");
}

/* ------------------------------------------------------------------ */
/* The session: where TLS begins, what it hands over, decrypted bytes  */

typedef struct {
    GString *replies;       /* "code command tls\n" per exchange */
    guint    events;
    sr_tls_outcome outcome;
    sr_tls_via via;
    guint64  starttls_frame;
    guint16  suite;
    sr_anomaly_kind anomaly;
    GString *seen[2];       /* the records a decryptor was given, server and client:
                             * header and body, as they were on the wire */
} session_log;

static void
log_exchange(const sr_reply *reply, const sr_exchange *ex, gpointer user_data)
{
    session_log *log = user_data;

    g_string_append_printf(log->replies, "%u %s%s\n", reply->code,
                           ex->has_command ? sr_command_name(&ex->command) : "-",
                           ex->tls ? " tls" : "");
}

static void
log_tls(const sr_tls_event *ev, gpointer user_data)
{
    session_log *log = user_data;

    log->events++;
    log->outcome = ev->info->outcome;
    log->via = ev->via;
    log->starttls_frame = ev->starttls_frame;
    log->suite = ev->info->server_hello.cipher_suite;
    log->anomaly = ev->anomaly;
}

static const sr_session_callbacks session_cb = { log_exchange, NULL, NULL, NULL, log_tls };

static void
session_log_init(session_log *log, sr_session *s)
{
    *log = (session_log){ .replies = g_string_new(NULL), .anomaly = SR_ANOM_COUNT };
    log->seen[0] = g_string_new(NULL);
    log->seen[1] = g_string_new(NULL);
    sr_session_init(s, NULL, &session_cb, log);
}

static void
session_log_clear(session_log *log, sr_session *s)
{
    sr_session_clear(s);
    g_string_free(log->replies, TRUE);
    g_string_free(log->seen[0], TRUE);
    g_string_free(log->seen[1], TRUE);
}

static void
say_n(sr_session *s, gboolean client, const char *text, gsize len, guint64 frame)
{
    if (client)
        sr_session_client(s, (const guint8 *)text, len, (gint64)frame, frame);
    else
        sr_session_server(s, (const guint8 *)text, len, (gint64)frame, frame);
}

static void
say(sr_session *s, gboolean client, const char *text, guint64 frame)
{
    say_n(s, client, text, strlen(text), frame);
}

/* A literal with NULs in it, whole. */
#define SAY_BYTES(s, client, literal, frame) say_n((s), (client), (literal), sizeof(literal) - 1, (frame))

/* The clear part of starttls-tls12-aes-gcm.pcap, then its TLS pieces; with
 * GLUE, the 220 to STARTTLS and the server's first TLS bytes in one feed,
 * as a server that sends them in one segment would. */
static void
run_starttls(session_log *log, sr_session *s, gboolean glue)
{
    GPtrArray *c = load_fixture("starttls-tls12-aes-gcm");
    gboolean glued = FALSE;

    session_log_init(log, s);
    say(s, FALSE, "220 mail.example.test ESMTP\r\n", 4);
    say(s, TRUE, "EHLO client\r\n", 6);
    say(s, FALSE, "250-mail.example.test\r\n250 STARTTLS\r\n", 8);
    say(s, TRUE, "STARTTLS\r\n", 9);
    if (!glue)
        say(s, FALSE, "220 2.0.0 Ready to start TLS\r\n", 10);
    for (guint k = 0; k < c->len; k++) {
        const piece *x = g_ptr_array_index(c, k);

        if (glue && !x->client && !glued) {
            GByteArray *b = g_byte_array_new();

            g_byte_array_append(b, (const guint8 *)"220 2.0.0 Ready\r\n", 17);
            g_byte_array_append(b, x->data->data, x->data->len);
            sr_session_server(s, b->data, b->len, (gint64)x->frame, x->frame);
            g_byte_array_unref(b);
            glued = TRUE;
            continue;
        }
        if (x->client)
            sr_session_client(s, x->data->data, x->data->len, (gint64)x->frame, x->frame);
        else
            sr_session_server(s, x->data->data, x->data->len, (gint64)x->frame, x->frame);
    }
    sr_session_finish(s);
    g_ptr_array_unref(c);
}

static void
test_session_starttls(void)
{
    for (int glue = 0; glue < 2; glue++) {
        session_log log;
        sr_session s;

        run_starttls(&log, &s, glue);
        g_assert_cmpstr(log.replies->str, ==, "220 <greeting>\n250 EHLO\n220 STARTTLS\n");
        g_assert_cmpuint(log.events, ==, 1);
        g_assert_cmpuint(log.outcome, ==, SR_TLS_COMPLETED);
        g_assert_cmpuint(log.via, ==, SR_TLS_VIA_STARTTLS);
        /* Glued, the 220 came in the frame of the ServerHello. */
        g_assert_cmpuint(log.starttls_frame, ==, glue ? 12 : 10);
        g_assert_cmphex(log.suite, ==, 0xc02f);
        g_assert_cmpuint(log.anomaly, ==, SR_ANOM_COUNT);
        session_log_clear(&log, &s);
    }
}

/* A refused STARTTLS is no TLS; a failed handshake is an anomaly; no tls
 * callback, no reader. */
static void
test_session_starttls_refused(void)
{
    static const sr_session_callbacks no_tls = { log_exchange, NULL, NULL, NULL, NULL };
    session_log log;
    sr_session s;

    session_log_init(&log, &s);
    say(&s, FALSE, "220 mx\r\n", 1);
    say(&s, TRUE, "EHLO c\r\nSTARTTLS\r\n", 2);
    say(&s, FALSE, "250 mx\r\n454 4.7.0 TLS not available\r\n", 3);
    say(&s, TRUE, "MAIL FROM:<a@example.test>\r\n", 4);
    say(&s, FALSE, "250 2.1.0 Ok\r\n", 5);
    sr_session_finish(&s);
    g_assert_cmpstr(log.replies->str, ==, "220 <greeting>\n250 EHLO\n454 STARTTLS\n250 MAIL\n");
    g_assert_cmpuint(log.events, ==, 0);
    g_assert_false(sr_session_in_tls(&s));
    session_log_clear(&log, &s);

    /* Not TLS after the 220: the client speaks SMTP on (an injection). */
    session_log_init(&log, &s);
    say(&s, FALSE, "220 mx\r\n", 1);
    say(&s, TRUE, "STARTTLS\r\n", 2);
    say(&s, FALSE, "220 go ahead\r\n", 3);
    say(&s, TRUE, "MAIL FROM:<a@example.test>\r\n", 4);
    g_assert_cmpuint(log.events, ==, 1);
    g_assert_cmpuint(log.outcome, ==, SR_TLS_NOT_TLS);
    g_assert_cmpuint(log.anomaly, ==, SR_ANOM_TLS_HANDSHAKE_FAILED);
    sr_session_finish(&s);
    g_assert_cmpuint(log.events, ==, 1);
    session_log_clear(&log, &s);

    /* Without the callback nothing is read after STARTTLS. */
    log = (session_log){ .replies = g_string_new(NULL) };
    sr_session_init(&s, NULL, &no_tls, &log);
    say(&s, FALSE, "220 mx\r\n", 1);
    say(&s, TRUE, "STARTTLS\r\n", 2);
    say(&s, FALSE, "220 go ahead\r\n", 3);
    SAY_BYTES(&s, TRUE, "\x16\x03\x01\x00\x05hello", 4);
    g_assert_null(s.tls_reader);
    sr_session_clear(&s);
    g_string_free(log.replies, TRUE);
}

/* A decryptor stand-in: it wants every body, keeps the records it is
 * given as they were on the wire, and the test hands "plaintext" back as a
 * real one would. */
static gboolean
keep_begin(gpointer user_data, const sr_tls_info *info, gboolean client,
           const sr_tls_record *record, guint64 frame)
{
    (void)user_data;
    (void)info;
    (void)client;
    (void)record;
    (void)frame;
    return TRUE;
}

static void
keep_record(gpointer user_data, const sr_tls_info *info, gboolean client, sr_tls_record *record,
            guint64 frame)
{
    session_log *log = user_data;
    const guint8 header[5] = {
        record->type, (guint8)(record->version >> 8), (guint8)record->version,
        (guint8)(record->length >> 8), (guint8)record->length,
    };

    (void)info;
    (void)frame;
    g_assert_nonnull(record->body);
    g_string_append_len(log->seen[client], (const char *)header, sizeof header);
    g_string_append_len(log->seen[client], (const char *)record->body, (gssize)record->length);
}

static void
keep_lost(gpointer user_data, const sr_tls_info *info, gboolean client, sr_tls_stop why,
          guint64 frame)
{
    session_log *log = user_data;

    (void)info;
    (void)frame;
    g_string_append_printf(log->seen[client], "[lost %s]", sr_tls_stop_name(why));
}

static const sr_tls_decryptor keeper = { keep_begin, keep_record, keep_lost };

static void
plain(sr_session *s, gboolean client, const char *text, guint64 frame)
{
    sr_session_tls_plain(s, client, (const guint8 *)text, strlen(text), (gint64)frame, frame);
}

static void
test_session_plaintext(void)
{
    session_log log;
    sr_session s;

    session_log_init(&log, &s);
    sr_session_set_tls_decryptor(&s, &keeper, &log);
    say(&s, FALSE, "220 mx\r\n", 1);
    say(&s, TRUE, "EHLO c\r\n", 2);
    say(&s, FALSE, "250-mx\r\n250 ENHANCEDSTATUSCODES\r\n", 3);
    say(&s, TRUE, "STARTTLS\r\n", 4);
    /* The 220 and TLS bytes in one feed: those bytes, with an LF among
     * them, must not reach the replies read in TLS.  The record the gap
     * cut never reaches the decryptor. */
    SAY_BYTES(&s, FALSE, "220 2.0.0 Ready\r\n\x16\x03\x03\x00\x02\n\x01\x16\x03", 5);
    SAY_BYTES(&s, TRUE, "\x16\x03\x01\x00\x01\x01", 6);
    sr_session_server_gap(&s, 7);
    {
        static const char server[] = "\x16\x03\x03\x00\x02\n\x01[lost gap]";
        static const char client[] = "\x16\x03\x01\x00\x01\x01";

        g_assert_cmpmem(log.seen[0]->str, log.seen[0]->len, server, sizeof server - 1);
        g_assert_cmpmem(log.seen[1]->str, log.seen[1]->len, client, sizeof client - 1);
    }
    g_assert_true(sr_session_ended(&s));

    plain(&s, TRUE, "EHLO c\r\n", 8);
    g_assert_false(sr_session_ended(&s));
    plain(&s, FALSE, "250-mx\r\n", 9);
    plain(&s, FALSE, "250 SIZE 1000\r\n", 10);
    plain(&s, TRUE, "MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n", 11);
    plain(&s, FALSE, "250 2.1.0 Ok\r\n550 5.1.1 No such user\r\n", 12);
    plain(&s, TRUE, "QUIT\r\n", 13);
    plain(&s, FALSE, "221 2.0.0 Bye\r\n", 14);
    sr_session_finish(&s);
    g_assert_cmpstr(log.replies->str, ==,
                    "220 <greeting>\n250 EHLO\n220 STARTTLS\n250 EHLO tls\n250 MAIL tls\n"
                    "550 RCPT tls\n221 QUIT tls\n");
    g_assert_true(sr_session_ended(&s));
    session_log_clear(&log, &s);
}

/* The plugin's way: Wireshark decrypts, the plugin pairs replies it framed. */
static void
pair_framed(const sr_reply *reply, gpointer user_data)
{
    sr_session_pair(user_data, reply, 5, 5);
}

static void
test_session_decrypted(void)
{
    session_log log;
    sr_session s;
    sr_parser p;
    static const char replies[] = "220 mx ESMTP\r\n250 mx\r\n";

    session_log_init(&log, &s);
    sr_session_tls_decrypted(&s);           /* port 465: no STARTTLS came */
    g_assert_true(sr_session_in_tls(&s));
    g_assert_false(sr_session_ended(&s));
    plain(&s, TRUE, "EHLO c\r\n", 2);
    sr_parser_init(&p, NULL, pair_framed, &s);
    sr_parser_feed(&p, (const guint8 *)replies, sizeof replies - 1);
    sr_parser_finish(&p);
    sr_parser_clear(&p);
    sr_session_finish(&s);
    g_assert_cmpstr(log.replies->str, ==, "220 <greeting> tls\n250 EHLO tls\n");
    /* The reader was given no bytes: nothing settled. */
    g_assert_cmpuint(log.events, ==, 1);
    g_assert_cmpuint(log.outcome, ==, SR_TLS_UNKNOWN);
    session_log_clear(&log, &s);
}

/* Port 465: TLS from the first byte, the greeting the first plaintext. */
static void
test_session_implicit(void)
{
    session_log log;
    sr_session s;
    GPtrArray *c = load_fixture("smtps-465");

    session_log_init(&log, &s);
    sr_session_set_tls_decryptor(&s, &keeper, &log);
    sr_session_implicit_tls(&s);
    for (guint k = 0; k < c->len; k++) {
        const piece *x = g_ptr_array_index(c, k);

        if (x->client)
            sr_session_client(&s, x->data->data, x->data->len, (gint64)x->frame, x->frame);
        else
            sr_session_server(&s, x->data->data, x->data->len, (gint64)x->frame, x->frame);
    }
    plain(&s, FALSE, "220 mail.example.test ESMTP\r\n", 12);
    plain(&s, TRUE, "EHLO c\r\n", 13);
    plain(&s, FALSE, "250 mail.example.test\r\n", 14);
    sr_session_finish(&s);
    g_assert_cmpuint(log.events, ==, 1);
    g_assert_cmpuint(log.via, ==, SR_TLS_VIA_IMPLICIT);
    g_assert_cmpuint(log.outcome, ==, SR_TLS_COMPLETED);
    g_assert_cmphex(log.suite, ==, 0x1302);
    g_assert_cmpstr(log.replies->str, ==, "220 <greeting> tls\n250 EHLO tls\n");
    /* Every TLS byte went to the decryptor, in order, in whole records. */
    {
        gsize bytes[2] = { 0, 0 };

        for (guint k = 0; k < c->len; k++) {
            const piece *x = g_ptr_array_index(c, k);

            bytes[x->client] += x->data->len;
        }
        g_assert_cmpuint(log.seen[0]->len, ==, bytes[0]);
        g_assert_cmpuint(log.seen[1]->len, ==, bytes[1]);
    }
    g_ptr_array_unref(c);
    session_log_clear(&log, &s);
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Registers a test per capture found beside this file. */
static guint
add_capture_tests(void)
{
    GDir *dir = g_dir_open(fixture_dir(), 0, NULL);
    static GPtrArray *names;     /* the tests' data: kept to the end */
    const char *entry;

    if (!dir)
        g_error("no TLS fixtures in %s (see tests/unit/tls-streams.py)", fixture_dir());
    names = g_ptr_array_new();
    while ((entry = g_dir_read_name(dir))) {
        if (g_str_has_suffix(entry, ".bin"))
            g_ptr_array_add(names, g_strndup(entry, strlen(entry) - 4));
    }
    g_dir_close(dir);
    g_ptr_array_sort(names, compare_names);
    for (guint k = 0; k < names->len; k++) {
        gchar *a = g_strdup_printf("/tls/capture/%s", (char *)names->pdata[k]);
        gchar *b = g_strdup_printf("/tls/capture-splits/%s", (char *)names->pdata[k]);

        g_test_add_data_func(a, names->pdata[k], test_capture);
        g_test_add_data_func(b, names->pdata[k], test_capture_splits);
        g_free(a);
        g_free(b);
    }
    return names->len;
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* samples/tls/ holds nine captures: all must be here. */
    if (add_capture_tests() < 9)
        g_error("fewer than nine TLS fixtures in %s", fixture_dir());
    g_test_add_func("/tls/tls12/completed", test_tls12_completed);
    g_test_add_func("/tls/tls12/message-across-records", test_message_across_records);
    g_test_add_func("/tls/tls12/alerts", test_tls12_alerts);
    g_test_add_func("/tls/tls12/encrypt-then-mac", test_tls12_encrypt_then_mac);
    g_test_add_func("/tls/tls13/completed", test_tls13_completed);
    g_test_add_func("/tls/tls13/hello-retry", test_tls13_hello_retry);
    g_test_add_func("/tls/tls13/unknown", test_tls13_unknown);
    g_test_add_func("/tls/tls13/alert", test_tls13_alert);
    g_test_add_func("/tls/not-tls", test_not_tls);
    g_test_add_func("/tls/record-too-long", test_record_too_long);
    g_test_add_func("/tls/malformed", test_malformed);
    g_test_add_func("/tls/malformed-hello", test_malformed_hello);
    g_test_add_func("/tls/gap", test_gap);
    g_test_add_func("/tls/certificate-caps", test_certificate_caps);
    g_test_add_func("/tls/names", test_names);
    g_test_add_func("/tls/session/starttls", test_session_starttls);
    g_test_add_func("/tls/session/starttls-refused", test_session_starttls_refused);
    g_test_add_func("/tls/session/plaintext", test_session_plaintext);
    g_test_add_func("/tls/session/implicit", test_session_implicit);
    g_test_add_func("/tls/session/decrypted", test_session_decrypted);
    return g_test_run();
}
