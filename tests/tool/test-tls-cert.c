/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The server's certificate read with libcrypto (tls-cert.h), from the one
 * the samples' Postfix sends in clear in samples/tls/starttls-bad-cert.pcap
 * (its TLS bytes in tests/unit/tls/, read by the decoder's TLS reader), and
 * the cache that keeps a server's certificate from being read again.
 */
#include <string.h>

#include <glib.h>

#include "sr_tls.h"
#include "tls-cert.h"

/* The first certificate of the fixture's server flight, whole. */
static GBytes *
sample_der(void)
{
    gchar *path = g_build_filename(SOURCE_DIR, "tests", "unit", "tls", "starttls-bad-cert.bin",
                                   NULL);
    gchar *raw;
    gsize len, at = 0;
    sr_tls *t = sr_tls_new();
    const sr_tls_info *info = sr_tls_info_get(t);
    GBytes *der;

    g_assert_true(g_file_get_contents(path, &raw, &len, NULL));
    /* Pieces: frame (4 bytes), direction (1: 0 client), length (2), bytes. */
    while (at + 7 <= len) {
        guint32 frame = (guint32)(guint8)raw[at] << 24 | (guint32)(guint8)raw[at + 1] << 16
                        | (guint32)(guint8)raw[at + 2] << 8 | (guint8)raw[at + 3];
        gsize n = (gsize)(guint8)raw[at + 5] << 8 | (guint8)raw[at + 6];

        g_assert_cmpuint(at + 7 + n, <=, len);
        sr_tls_feed(t, raw[at + 4] == 0, (const guint8 *)raw + at + 7, n, frame);
        at += 7 + n;
    }
    g_assert_nonnull(info->certificate.der);
    der = g_bytes_new(info->certificate.der, info->certificate.der_length);
    sr_tls_free(t);
    g_free(raw);
    g_free(path);
    return der;
}

static void
check_sample(const tls_cert *c)
{
    /* As openssl x509 -noout -subject -issuer -dates -serial prints them
     * (samples/tls/expected/starttls-bad-cert.tls.json has tshark's). */
    g_assert_cmpstr(c->subject, ==, "CN=mail.example.test");
    g_assert_cmpstr(c->issuer, ==, "CN=mail.example.test");
    g_assert_true(c->self_signed);
    g_assert_cmpstr(c->not_before, ==, "2026-12-04T09:18:30Z");
    g_assert_cmpstr(c->not_after, ==, "2036-12-01T09:18:30Z");
    /* openssl req -days 3650. */
    g_assert_cmpint(c->not_after_s - c->not_before_s, ==, 3650 * 86400);
    g_assert_cmpstr(c->serial, ==, "68:ef:b6:ad:73:2a:87:1d:77:87:d0:8e:9c:18:b8:9e:08:d6:16:b2");
    g_assert_cmpstr(c->signature_algorithm, ==, "sha256WithRSAEncryption");
    g_assert_cmpstr(c->key_algorithm, ==, "rsaEncryption");
    g_assert_cmpuint(c->key_bits, ==, 2048);
    g_assert_cmpuint(c->dns_count, ==, 0);
}

static void
test_read(void)
{
    GBytes *der = sample_der();
    gsize len;
    const guint8 *p = g_bytes_get_data(der, &len);
    tls_cert c;

    g_assert_cmpuint(len, ==, 797);
    g_assert_true(tls_cert_read(p, len, &c));
    check_sample(&c);
    /* Cut, or not DER at all: not read, and nothing left behind. */
    g_assert_false(tls_cert_read(p, len - 1, &c));
    g_assert_cmpstr(c.subject, ==, "");
    g_assert_false(tls_cert_read((const guint8 *)"\x30\x03\x02\x01\x01", 5, &c));
    g_assert_false(tls_cert_read(NULL, 0, &c));
    g_bytes_unref(der);
}

static void
test_cache(void)
{
    GBytes *der = sample_der();
    gsize len;
    const guint8 *p = g_bytes_get_data(der, &len);
    tls_cert_cache *cache = tls_cert_cache_new();
    const tls_cert *first, *again;
    guint8 junk[8];

    first = tls_cert_cache_read(cache, p, len);
    g_assert_nonnull(first);
    check_sample(first);
    /* The same bytes elsewhere in memory: the same entry. */
    {
        guint8 *copy = g_memdup2(p, len);

        again = tls_cert_cache_read(cache, copy, len);
        g_assert_true(again == first);
        g_free(copy);
    }
    /* Bytes that are not a certificate are remembered as such. */
    memset(junk, 0x30, sizeof junk);
    g_assert_null(tls_cert_cache_read(cache, junk, sizeof junk));
    g_assert_null(tls_cert_cache_read(cache, junk, sizeof junk));
    /* Pushed out by as many others as it holds, it is read again, alike. */
    for (guint i = 0; i < TLS_CERT_CACHE; i++) {
        junk[0] = (guint8)i;
        g_assert_null(tls_cert_cache_read(cache, junk, sizeof junk));
    }
    again = tls_cert_cache_read(cache, p, len);
    g_assert_nonnull(again);
    check_sample(again);
    /* One byte changed inside the signature: another entry, still read. */
    {
        guint8 *other = g_memdup2(p, len);

        other[len - 1] ^= 1;
        g_assert_true(tls_cert_cache_read(cache, other, len) != again);
        g_free(other);
    }
    tls_cert_cache_free(cache);
    g_bytes_unref(der);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tls-cert/read", test_read);
    g_test_add_func("/tls-cert/cache", test_cache);
    return g_test_run();
}
