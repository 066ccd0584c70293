/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The server's certificate, as TLS 1.2 and older send it in clear: its
 * DER bytes (sr_tls_certificate) read with OpenSSL's libcrypto, not a
 * parser of our own.  Names are as RFC 4514 writes them
 * ("CN=mail.example.test,O=Example"), times as ISO 8601 in UTC.  Every
 * field is a fixed buffer: a longer value is cut, and says so with "...".
 */
#ifndef TLS_CERT_H
#define TLS_CERT_H

#include <glib.h>

#define TLS_CERT_NAME_MAX 256
#define TLS_CERT_DNS_MAX  4      /* subjectAltName dNSNames kept (all are counted) */

typedef struct {
    char  subject[TLS_CERT_NAME_MAX];
    char  issuer[TLS_CERT_NAME_MAX];
    char  not_before[32];        /* "2026-12-04T09:18:30Z" */
    char  not_after[32];
    gint64 not_before_s;         /* seconds since the epoch */
    gint64 not_after_s;
    char  serial[64 * 3];        /* "68:ef:b6:...", as x509 tools print it */
    char  signature_algorithm[64];  /* "sha256WithRSAEncryption" */
    char  key_algorithm[64];        /* "rsaEncryption" */
    guint key_bits;
    gboolean self_signed;        /* the subject is its issuer */
    guint dns_count;
    char  dns[TLS_CERT_DNS_MAX][TLS_CERT_NAME_MAX];
} tls_cert;

/* Reads DER (LEN bytes) into CERT; FALSE, with CERT cleared, when
 * libcrypto cannot read it as an X.509 certificate. */
gboolean tls_cert_read(const guint8 *der, gsize len, tls_cert *cert);

/*
 * The certificates read last, by their DER bytes.  libcrypto 3 takes about
 * a million instructions to read one (it decodes the public key through
 * its providers), while a server shows the same certificate to every
 * client: without the cache, reading certificates was three quarters of
 * the tool's work on a STARTTLS-heavy capture.  At most TLS_CERT_CACHE
 * certificates of at most SR_TLS_MAX_CERT bytes, about 1.2 MiB.
 */
#define TLS_CERT_CACHE 64

typedef struct tls_cert_cache tls_cert_cache;

tls_cert_cache *tls_cert_cache_new(void);
void tls_cert_cache_free(tls_cert_cache *c);
/* As tls_cert_read(); NULL when not readable.  Valid until the next call. */
const tls_cert *tls_cert_cache_read(tls_cert_cache *c, const guint8 *der, gsize len);

#endif /* TLS_CERT_H */
