/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tls-cert.h"

#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* Copies N bytes of SRC into DST (SIZE bytes), ending in "..." when cut,
 * and keeps printable ASCII only: a certificate's strings are the peer's. */
static void
copy_cut(char *dst, gsize size, const char *src, gsize n)
{
    gsize k = 0;

    for (gsize i = 0; i < n && k + 1 < size; i++)
        dst[k++] = g_ascii_isprint(src[i]) ? src[i] : '?';
    dst[k] = '\0';
    if (n >= size && size > 4)
        memcpy(dst + size - 4, "...", 4);
}

static void
name_text(const X509_NAME *name, char *dst, gsize size)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *text;
    long n;

    dst[0] = '\0';
    if (!bio)
        return;
    /* RFC 4514's order and escapes, UTF-8 left as it is (then made
     * printable by copy_cut). */
    if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        n = BIO_get_mem_data(bio, &text);
        if (n > 0)
            copy_cut(dst, size, text, (gsize)n);
    }
    BIO_free(bio);
}

static void
time_text(const ASN1_TIME *t, char *dst, gsize size, gint64 *seconds)
{
    struct tm tm;

    dst[0] = '\0';
    *seconds = 0;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return;
    strftime(dst, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    *seconds = (gint64)timegm(&tm);
}

static void
serial_text(const ASN1_INTEGER *serial, char *dst, gsize size)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
    guint8 bytes[64];
    int n;
    gsize k = 0;

    dst[0] = '\0';
    if (!bn)
        return;
    n = BN_num_bytes(bn);
    if (n > 0 && n <= (int)sizeof bytes) {
        BN_bn2bin(bn, bytes);
        for (int i = 0; i < n && k + 3 < size; i++)
            k += (gsize)g_snprintf(dst + k, size - k, i ? ":%02x" : "%02x", bytes[i]);
    } else if (n == 0) {
        g_strlcpy(dst, "00", size);
    }
    BN_free(bn);
}

static void
dns_names(X509 *x, tls_cert *cert)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);

    if (!names)
        return;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);

        if (g->type != GEN_DNS)
            continue;
        if (cert->dns_count < TLS_CERT_DNS_MAX)
            copy_cut(cert->dns[cert->dns_count], TLS_CERT_NAME_MAX,
                     (const char *)ASN1_STRING_get0_data(g->d.dNSName),
                     (gsize)ASN1_STRING_length(g->d.dNSName));
        cert->dns_count++;
    }
    GENERAL_NAMES_free(names);
}

gboolean
tls_cert_read(const guint8 *der, gsize len, tls_cert *cert)
{
    const unsigned char *p = der;
    X509 *x;
    EVP_PKEY *key;
    const ASN1_OBJECT *alg = NULL;
    const X509_ALGOR *sig = NULL;

    memset(cert, 0, sizeof *cert);
    if (!der || len == 0 || len > G_MAXLONG)
        return FALSE;
    x = d2i_X509(NULL, &p, (long)len);
    if (!x)
        return FALSE;
    name_text(X509_get_subject_name(x), cert->subject, sizeof cert->subject);
    name_text(X509_get_issuer_name(x), cert->issuer, sizeof cert->issuer);
    cert->self_signed = X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0;
    time_text(X509_get0_notBefore(x), cert->not_before, sizeof cert->not_before,
              &cert->not_before_s);
    time_text(X509_get0_notAfter(x), cert->not_after, sizeof cert->not_after,
              &cert->not_after_s);
    serial_text(X509_get0_serialNumber(x), cert->serial, sizeof cert->serial);
    X509_get0_signature(NULL, &sig, x);
    if (sig) {
        X509_ALGOR_get0(&alg, NULL, NULL, sig);
        if (alg)
            OBJ_obj2txt(cert->signature_algorithm, sizeof cert->signature_algorithm, alg, 0);
    }
    key = X509_get0_pubkey(x);
    if (key) {
        int nid = EVP_PKEY_get_base_id(key);
        const char *name = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;

        g_strlcpy(cert->key_algorithm, name ? name : "unknown", sizeof cert->key_algorithm);
        cert->key_bits = (guint)MAX(EVP_PKEY_get_bits(key), 0);
    }
    dns_names(x, cert);
    X509_free(x);
    return TRUE;
}

typedef struct {
    guint     hash;
    GBytes   *der;        /* NULL: a free slot */
    gboolean  readable;
    tls_cert  cert;
} cache_slot;

struct tls_cert_cache {
    cache_slot slot[TLS_CERT_CACHE];
    guint      next;      /* the slot to take next: the oldest */
};

tls_cert_cache *
tls_cert_cache_new(void)
{
    return g_new0(tls_cert_cache, 1);
}

void
tls_cert_cache_free(tls_cert_cache *c)
{
    if (!c)
        return;
    for (guint i = 0; i < TLS_CERT_CACHE; i++) {
        if (c->slot[i].der)
            g_bytes_unref(c->slot[i].der);
    }
    g_free(c);
}

const tls_cert *
tls_cert_cache_read(tls_cert_cache *c, const guint8 *der, gsize len)
{
    GBytes *key = g_bytes_new_static(der, len);
    guint hash = g_bytes_hash(key);
    cache_slot *slot;

    for (guint i = 0; i < TLS_CERT_CACHE; i++) {
        slot = &c->slot[i];
        if (slot->der && slot->hash == hash && g_bytes_equal(slot->der, key)) {
            g_bytes_unref(key);
            return slot->readable ? &slot->cert : NULL;
        }
    }
    g_bytes_unref(key);
    slot = &c->slot[c->next];
    c->next = (c->next + 1) % TLS_CERT_CACHE;
    if (slot->der)
        g_bytes_unref(slot->der);
    slot->der = g_bytes_new(der, len);
    slot->hash = hash;
    slot->readable = tls_cert_read(der, len, &slot->cert);
    return slot->readable ? &slot->cert : NULL;
}
