/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for TLS decryption (tls-decrypt.c).  The input is a script
 * of both directions of one connection (the format of fuzz-tls, at the
 * top of tls-script.h), fed to the decoder's TLS reader, which frames the
 * records for the decryptor as in the capture tool, with one fixed key
 * log: the secrets of every sample of samples/tls/, so that inputs grown
 * from the samples' streams reach decryption.
 *
 * Without the keys nothing can be forged, so everything the decryptor
 * hands over must be plaintext the samples really carry: each piece is
 * looked for in the samples' own plaintext of that side, decrypted once
 * at start-up.  Anything else came from a record that did not
 * authenticate.  Besides, after every call: the reader's memory within
 * SR_TLS_MEMORY_BOUND + SR_TLS_RECORD_MEMORY_BOUND; a side's stop, once
 * set, never changes, nor does the connection's; its counts agree with
 * what was handed over, at frames of that side's feeds, in order; names
 * and descriptions are printable.  The same input fed one byte per call
 * must hand over the same plaintext and end with the same stats: each
 * record comes with the reader's info at that very point of the stream,
 * however it was fed.
 */
#define _GNU_SOURCE   /* memmem */
#include <string.h>

#include "fuzz-entry.h"
#include "keylog.h"
#include "sr_tls.h"
#include "tls-decrypt.h"
#include "tls-script.h"

#ifndef SOURCE_DIR
#error "SOURCE_DIR: the project's top directory"
#endif

static keylog *keys;
static GString *authentic[2];     /* [0] servers', [1] clients': the samples' plaintext */

typedef struct {
    GString *text[2];
    guint64  last_frame[2];
    guint64  fed_frame[2];        /* the latest feed of each side */
    guint    calls[2];
    gboolean building;            /* filling AUTHENTIC, not checking against it */
} handed;

static void
on_plain(gboolean client, const guint8 *data, gsize len, guint64 frame, gpointer user_data)
{
    handed *h = user_data;

    CHECK(len > 0);
    CHECK(frame == h->fed_frame[client]);
    CHECK(frame >= h->last_frame[client]);
    h->last_frame[client] = frame;
    h->calls[client]++;
    if (h->building)
        g_string_append_len(authentic[client], (const char *)data, (gssize)len);
    else
        CHECK(memmem(authentic[client]->str, authentic[client]->len, data, len) != NULL);
    g_string_append_len(h->text[client], (const char *)data, (gssize)len);
}

static gboolean
printable(const char *s)
{
    if (!s)
        return FALSE;
    for (; *s; s++)
        if (!g_ascii_isprint(*s))
            return FALSE;
    return TRUE;
}

static gboolean
is_stop(tls_decrypt_status s)
{
    return s != TLS_DECRYPT_WAITING && s != TLS_DECRYPT_DECRYPTING;
}

static void
check_side(const tls_decrypt_side *now, const tls_decrypt_side *before, const handed *h,
           gboolean client)
{
    CHECK((guint)now->status < TLS_DECRYPT_STATUS_COUNT);
    if (is_stop(before->status))
        CHECK(now->status == before->status && now->status_frame == before->status_frame);
    if (before->status == TLS_DECRYPT_DECRYPTING)
        CHECK(now->status != TLS_DECRYPT_WAITING);
    CHECK(now->records >= before->records && now->skipped >= before->skipped);
    CHECK(now->plaintext_bytes == h->text[client]->len);
    CHECK(now->records >= h->calls[client]);
    CHECK(now->status != TLS_DECRYPT_WAITING || now->records == 0);
    CHECK(now->key_updates <= now->records && now->alerts_count >= before->alerts_count);
    CHECK(!now->finished || now->records > 0);
}

/* Runs the script; BYTEWISE: one byte per call. */
static tls_decrypt_stats
run(const GArray *ops, gboolean bytewise, handed *h)
{
    sr_tls *t = sr_tls_new();
    tls_decrypt *d = tls_decrypt_new(keys, on_plain, h);
    tls_decrypt_stats before = *tls_decrypt_get(d);

    sr_tls_set_record_funcs(t, &tls_decrypt_record_funcs, d);
    for (guint k = 0; k < ops->len; k++) {
        const tls_op *o = &g_array_index(ops, tls_op, k);
        const tls_decrypt_stats *st;

        h->fed_frame[o->client] = o->frame;
        if (o->lost)
            sr_tls_gap(t, o->client, o->len, o->frame);
        for (gsize at = 0; !o->lost && at < o->len;) {
            gsize n = bytewise ? 1 : o->len;

            sr_tls_feed(t, o->client, o->data + at, n, o->frame);
            CHECK(sr_tls_memory(t) <= SR_TLS_MEMORY_BOUND + SR_TLS_RECORD_MEMORY_BOUND);
            at += n;
        }
        st = tls_decrypt_get(d);
        if (is_stop(before.status))
            CHECK(st->status == before.status);
        CHECK(!is_stop(st->status) || is_stop(st->client.status) || is_stop(st->server.status));
        check_side(&st->client, &before.client, h, TRUE);
        check_side(&st->server, &before.server, h, FALSE);
        before = *st;
    }
    {
        gchar *text = tls_decrypt_describe(&before);

        CHECK(printable(text) && *text);
        CHECK(printable(tls_decrypt_status_name(before.status)));
        g_free(text);
    }
    tls_decrypt_free(d);
    sr_tls_free(t);
    return before;
}

static void
check_same_side(const tls_decrypt_side *a, const tls_decrypt_side *b)
{
    CHECK(a->status == b->status && a->status_frame == b->status_frame);
    CHECK(a->records == b->records && a->skipped == b->skipped);
    CHECK(a->plaintext_bytes == b->plaintext_bytes);
    CHECK(a->finished == b->finished && (!a->finished || a->finished_frame == b->finished_frame));
    CHECK(a->key_updates == b->key_updates && a->alerts_count == b->alerts_count);
    for (guint i = 0; i < MIN(a->alerts_count, TLS_DECRYPT_MAX_ALERTS); i++)
        CHECK(a->alerts[i].level == b->alerts[i].level
              && a->alerts[i].description == b->alerts[i].description
              && a->alerts[i].frame == b->alerts[i].frame);
}

/* The samples' key logs and what their streams decrypt to. */
static void
setup(void)
{
    gchar *dir = g_build_filename(SOURCE_DIR, "samples", "tls", NULL);
    gchar *fixtures = g_build_filename(SOURCE_DIR, "tests", "unit", "tls", NULL);
    GDir *list = g_dir_open(dir, 0, NULL);
    const char *name;
    handed h = { .building = TRUE };

    CHECK(list);
    keys = keylog_new(0);
    while ((name = g_dir_read_name(list))) {
        gchar *path = g_build_filename(dir, name, NULL);

        if (g_str_has_suffix(name, ".keys"))
            CHECK(keylog_load_file(keys, path, NULL));
        g_free(path);
    }
    g_dir_close(list);
    CHECK(keylog_get_stats(keys)->entries >= 7 && keylog_get_stats(keys)->malformed == 0);

    authentic[0] = g_string_new(NULL);
    authentic[1] = g_string_new(NULL);
    h.text[0] = g_string_new(NULL);
    h.text[1] = g_string_new(NULL);
    list = g_dir_open(fixtures, 0, NULL);
    CHECK(list);
    while ((name = g_dir_read_name(list))) {
        gchar *path = g_build_filename(fixtures, name, NULL);
        gchar *raw;
        gsize len, at = 0;
        sr_tls *t;
        tls_decrypt *d;

        if (!g_str_has_suffix(name, ".bin")) {
            g_free(path);
            continue;
        }
        CHECK(g_file_get_contents(path, &raw, &len, NULL));
        t = sr_tls_new();
        d = tls_decrypt_new(keys, on_plain, &h);
        sr_tls_set_record_funcs(t, &tls_decrypt_record_funcs, d);
        h.last_frame[0] = h.last_frame[1] = 0;
        while (at + 7 <= len) {
            const guint8 *p = (const guint8 *)raw + at;
            guint64 frame = (guint64)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
            gboolean client = p[4] == 0;
            gsize n = MIN((gsize)p[5] << 8 | p[6], len - at - 7);

            h.fed_frame[client] = frame;
            sr_tls_feed(t, client, p + 7, n, frame);
            at += 7 + n;
        }
        tls_decrypt_free(d);
        sr_tls_free(t);
        g_free(raw);
        g_free(path);
    }
    g_dir_close(list);
    /* Seven samples decrypt: both sides have plenty. */
    CHECK(authentic[0]->len > 2000 && authentic[1]->len > 1000);
    g_string_free(h.text[0], TRUE);
    g_string_free(h.text[1], TRUE);
    g_free(dir);
    g_free(fixtures);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GArray *ops;
    handed h[2];
    tls_decrypt_stats st[2];

    if (!keys)
        setup();
    ops = tls_script_parse(data, size);
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        h[bytewise] = (handed){ .text = { g_string_new(NULL), g_string_new(NULL) } };
        st[bytewise] = run(ops, bytewise, &h[bytewise]);
    }
    /* One framing: however the bytes came, the same records. */
    CHECK(st[0].status == st[1].status && st[0].version == st[1].version
          && st[0].cipher_suite == st[1].cipher_suite);
    check_same_side(&st[0].client, &st[1].client);
    check_same_side(&st[0].server, &st[1].server);
    for (int k = 0; k < 2; k++) {
        CHECK(g_string_equal(h[0].text[k], h[1].text[k]));
        CHECK(h[0].calls[k] == h[1].calls[k]);
    }
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        g_string_free(h[bytewise].text[0], TRUE);
        g_string_free(h[bytewise].text[1], TRUE);
    }
    g_array_unref(ops);
    return 0;
}
