/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TLS records of both directions, as the decoder's TLS reader frames them,
 * decrypted.  A record is decrypted once whole, in place in the reader's
 * buffer, and its plaintext handed over only after its tag checked; the
 * sequence numbers, the nonces and, in TLS 1.3, the secrets move on
 * record by record as RFC 8446 5.3 and 7 and RFC 5246 6.2.3.3 say.
 */
#include "tls-decrypt.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#define TAG_LEN        16
#define NONCE_LEN      TLS_DECRYPT_NONCE_LEN
#define MAX_KEY        TLS_DECRYPT_MAX_KEY
#define MAX_PLAINTEXT  16384            /* RFC 8446 5.1, RFC 5246 6.2.1 */
#define GCM_SALT_LEN   4                /* TLS 1.2 GCM: the implicit part of the nonce */
#define GCM_EXPLICIT   8                /* and the explicit part, before the ciphertext */
#define CBC_BLOCK      16               /* AES's, and the explicit IV's length */
#define MAX_MAC_KEY    48               /* HMAC-SHA384 */

#define HS_FINISHED    20
#define HS_KEY_UPDATE  24

/* The record protection; the CBC ones are TLS 1.2's block ciphers, not
 * AEAD: their records carry an HMAC (suite_info.mac). */
typedef enum {
    AEAD_AES_128_GCM,
    AEAD_AES_256_GCM,
    AEAD_CHACHA20_POLY1305,
    CBC_AES_128,
    CBC_AES_256,
} aead_kind;

typedef struct {
    guint16     suite;
    gboolean    tls13;
    aead_kind   aead;
    const char *digest;   /* HKDF's in TLS 1.3, the PRF's in TLS 1.2 */
    const char *mac;      /* the HMAC's hash of a CBC suite, else NULL */
} suite_info;

/* In TLS 1.2 the key exchange does not matter once the master secret is
 * known, so every suite of these ciphers is the same here.  The CBC suites
 * of RFC 5246 and 5289 take TLS 1.2's PRF with SHA-256 unless they name
 * SHA-384 (RFC 5246 5, RFC 5289 3.2). */
static const suite_info suites[] = {
    { 0x1301, TRUE, AEAD_AES_128_GCM, "SHA256", NULL },  /* TLS_AES_128_GCM_SHA256 */
    { 0x1302, TRUE, AEAD_AES_256_GCM, "SHA384", NULL },  /* TLS_AES_256_GCM_SHA384 */
    { 0x1303, TRUE, AEAD_CHACHA20_POLY1305, "SHA256", NULL }, /* TLS_CHACHA20_POLY1305_SHA256 */
    { 0x009c, FALSE, AEAD_AES_128_GCM, "SHA256", NULL }, /* TLS_RSA_WITH_AES_128_GCM_SHA256 */
    { 0x009d, FALSE, AEAD_AES_256_GCM, "SHA384", NULL }, /* TLS_RSA_WITH_AES_256_GCM_SHA384 */
    { 0x009e, FALSE, AEAD_AES_128_GCM, "SHA256", NULL }, /* TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 */
    { 0x009f, FALSE, AEAD_AES_256_GCM, "SHA384", NULL }, /* TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 */
    { 0xc02b, FALSE, AEAD_AES_128_GCM, "SHA256", NULL }, /* TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 */
    { 0xc02c, FALSE, AEAD_AES_256_GCM, "SHA384", NULL }, /* TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 */
    { 0xc02f, FALSE, AEAD_AES_128_GCM, "SHA256", NULL }, /* TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
    { 0xc030, FALSE, AEAD_AES_256_GCM, "SHA384", NULL }, /* TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 */
    { 0xcca8, FALSE, AEAD_CHACHA20_POLY1305, "SHA256", NULL }, /* TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 */
    { 0xcca9, FALSE, AEAD_CHACHA20_POLY1305, "SHA256", NULL }, /* TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 */
    { 0xccaa, FALSE, AEAD_CHACHA20_POLY1305, "SHA256", NULL }, /* TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 */
    { 0x002f, FALSE, CBC_AES_128, "SHA256", "SHA1" },    /* TLS_RSA_WITH_AES_128_CBC_SHA */
    { 0x0033, FALSE, CBC_AES_128, "SHA256", "SHA1" },    /* TLS_DHE_RSA_WITH_AES_128_CBC_SHA */
    { 0x0035, FALSE, CBC_AES_256, "SHA256", "SHA1" },    /* TLS_RSA_WITH_AES_256_CBC_SHA */
    { 0x0039, FALSE, CBC_AES_256, "SHA256", "SHA1" },    /* TLS_DHE_RSA_WITH_AES_256_CBC_SHA */
    { 0x003c, FALSE, CBC_AES_128, "SHA256", "SHA256" },  /* TLS_RSA_WITH_AES_128_CBC_SHA256 */
    { 0x003d, FALSE, CBC_AES_256, "SHA256", "SHA256" },  /* TLS_RSA_WITH_AES_256_CBC_SHA256 */
    { 0x0067, FALSE, CBC_AES_128, "SHA256", "SHA256" },  /* TLS_DHE_RSA_WITH_AES_128_CBC_SHA256 */
    { 0x006b, FALSE, CBC_AES_256, "SHA256", "SHA256" },  /* TLS_DHE_RSA_WITH_AES_256_CBC_SHA256 */
    { 0xc009, FALSE, CBC_AES_128, "SHA256", "SHA1" },    /* TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA */
    { 0xc00a, FALSE, CBC_AES_256, "SHA256", "SHA1" },    /* TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA */
    { 0xc013, FALSE, CBC_AES_128, "SHA256", "SHA1" },    /* TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA */
    { 0xc014, FALSE, CBC_AES_256, "SHA256", "SHA1" },    /* TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA */
    { 0xc023, FALSE, CBC_AES_128, "SHA256", "SHA256" },  /* TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 */
    { 0xc024, FALSE, CBC_AES_256, "SHA384", "SHA384" },  /* TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384 */
    { 0xc027, FALSE, CBC_AES_128, "SHA256", "SHA256" },  /* TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 */
    { 0xc028, FALSE, CBC_AES_256, "SHA384", "SHA384" },  /* TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 */
};

static const suite_info *
find_suite(guint16 version, guint16 suite)
{
    gboolean tls13 = sr_tls_version_is_13(version);

    if (!tls13 && version != SR_TLS_VERSION_TLS12)
        return NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(suites); i++)
        if (suites[i].suite == suite && suites[i].tls13 == tls13)
            return &suites[i];
    return NULL;
}

gboolean
tls_decrypt_supported(guint16 version, guint16 suite)
{
    return find_suite(version, suite) != NULL;
}

static gsize
key_length(aead_kind aead)
{
    return aead == AEAD_AES_128_GCM || aead == CBC_AES_128 ? 16 : 32;
}

/* The cipher of each kind, the CBC ones too (for cbc_open()). */
static const EVP_CIPHER *
aead_cipher(aead_kind aead)
{
    switch (aead) {
    case AEAD_AES_128_GCM:
        return EVP_aes_128_gcm();
    case AEAD_AES_256_GCM:
        return EVP_aes_256_gcm();
    case CBC_AES_128:
        return EVP_aes_128_cbc();
    case CBC_AES_256:
        return EVP_aes_256_cbc();
    case AEAD_CHACHA20_POLY1305:
        break;
    }
    return EVP_chacha20_poly1305();
}

static gsize
digest_length(const char *digest)
{
    if (strcmp(digest, "SHA1") == 0)
        return 20;
    return strcmp(digest, "SHA384") == 0 ? 48 : 32;
}

/* ------------------------------------------------------------------ */
/* Key derivation                                                      */

static gboolean
kdf_derive(const char *name, OSSL_PARAM *params, guint8 *out, gsize out_len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, name, NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    gboolean ok = ctx && EVP_KDF_derive(ctx, out, out_len, params) == 1;

    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return ok;
}

/* HKDF-Expand-Label(SECRET, LABEL, "", OUT_LEN) of RFC 8446 7.1. */
static gboolean
expand_label(const char *digest, const guint8 *secret, gsize secret_len, const char *label,
             guint8 *out, gsize out_len)
{
    static const char prefix[] = "tls13 ";
    guint8 info[2 + 1 + 32 + 1];
    gsize label_len = strlen(label);
    gsize n = 0;
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    OSSL_PARAM params[5];

    g_assert(label_len + sizeof prefix - 1 <= 32);
    info[n++] = (guint8)(out_len >> 8);
    info[n++] = (guint8)out_len;
    info[n++] = (guint8)(sizeof prefix - 1 + label_len);
    memcpy(info + n, prefix, sizeof prefix - 1);
    n += sizeof prefix - 1;
    memcpy(info + n, label, label_len);
    n += label_len;
    info[n++] = 0;                               /* an empty context */

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)digest, 0);
    params[1] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, secret_len);
    params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n);
    params[4] = OSSL_PARAM_construct_end();
    return kdf_derive("HKDF", params, out, out_len);
}

gboolean
tls_decrypt_tls13_keys(guint16 suite, const guint8 *secret, gsize secret_len,
                       guint8 key[TLS_DECRYPT_MAX_KEY], gsize *key_len,
                       guint8 iv[TLS_DECRYPT_NONCE_LEN])
{
    const suite_info *s = find_suite(SR_TLS_VERSION_TLS13, suite);

    if (!s || secret_len != digest_length(s->digest))
        return FALSE;
    *key_len = key_length(s->aead);
    return expand_label(s->digest, secret, secret_len, "key", key, *key_len)
        && expand_label(s->digest, secret, secret_len, "iv", iv, TLS_DECRYPT_NONCE_LEN);
}

/* TLS 1.2's key_block (RFC 5246 6.3), as long as OUT_LEN. */
static gboolean
key_block(const char *digest, const guint8 *master, gsize master_len,
          const guint8 server_random[32], const guint8 client_random[32],
          guint8 *out, gsize out_len)
{
    static const char label[] = "key expansion";
    guint8 seed[sizeof label - 1 + 64];
    OSSL_PARAM params[4];

    memcpy(seed, label, sizeof label - 1);
    memcpy(seed + sizeof label - 1, server_random, 32);
    memcpy(seed + sizeof label - 1 + 32, client_random, 32);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)digest, 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)master,
                                                  master_len);
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, seed, sizeof seed);
    params[3] = OSSL_PARAM_construct_end();
    return kdf_derive("TLS1-PRF", params, out, out_len);
}

/* ------------------------------------------------------------------ */
/* The state                                                           */

typedef struct {
    tls_decrypt_side *pub;        /* in the stats */
    gboolean client;

    gboolean keep;                /* the record begun is to be decrypted */

    /* Its keys. */
    gboolean encrypted;           /* TLS 1.2: past its ChangeCipherSpec */
    gboolean keyed;
    gboolean fresh;               /* the key log's keys, nothing authenticated yet */
    EVP_CIPHER_CTX *ctx;
    guint8   key[MAX_KEY];
    guint8   iv[NONCE_LEN];       /* TLS 1.2 GCM: the 4-byte salt */
    guint64  seq;
    /* TLS 1.2 CBC: the MAC key, and whether both hellos agreed on
     * encrypt_then_mac (RFC 7366) rather than MAC-then-encrypt. */
    guint8   mac_key[MAX_MAC_KEY];
    gboolean etm;

    /* TLS 1.3: the current traffic secret and the handshake messages. */
    guint8   secret[KEYLOG_MAX_SECRET];
    gsize    secret_len;
    gboolean application;         /* past its Finished */
    guint8   msg_header[4];
    gsize    msg_header_have;
    guint32  msg_left;
    gboolean switch_keys;         /* at the end of this record: its Finished */
    gboolean update_keys;         /* at the end of this record: a KeyUpdate */
} direction;

struct tls_decrypt {
    const keylog      *keys;
    tls_plain_fn       plain;
    gpointer           user_data;
    tls_decrypt_stats  stats;
    direction          dir[2];    /* [0] the server's, [1] the client's */
    const sr_tls_info *info;      /* during a call of the reader's */
    const suite_info  *suite;
};

static gboolean
is_stop(tls_decrypt_status status)
{
    return status != TLS_DECRYPT_WAITING && status != TLS_DECRYPT_DECRYPTING;
}

static void
stop(tls_decrypt *d, direction *dir, tls_decrypt_status status, guint64 frame)
{
    if (is_stop(dir->pub->status))
        return;
    dir->pub->status = status;
    dir->pub->status_frame = frame;
    if (!is_stop(d->stats.status))
        d->stats.status = status;
    dir->keep = FALSE;
}

tls_decrypt *
tls_decrypt_new(const keylog *k, tls_plain_fn plain, gpointer user_data)
{
    tls_decrypt *d = g_new0(tls_decrypt, 1);

    d->keys = k;
    d->plain = plain;
    d->user_data = user_data;
    d->dir[0].pub = &d->stats.server;
    d->dir[1].pub = &d->stats.client;
    d->dir[1].client = TRUE;
    return d;
}

void
tls_decrypt_free(tls_decrypt *d)
{
    if (!d)
        return;
    for (int i = 0; i < 2; i++) {
        EVP_CIPHER_CTX_free(d->dir[i].ctx);
        OPENSSL_cleanse(d->dir[i].key, sizeof d->dir[i].key);
        OPENSSL_cleanse(d->dir[i].mac_key, sizeof d->dir[i].mac_key);
        OPENSSL_cleanse(d->dir[i].secret, sizeof d->dir[i].secret);
    }
    g_free(d);
}

const tls_decrypt_stats *
tls_decrypt_get(const tls_decrypt *d)
{
    return &d->stats;
}

/* TLS 1.3: the key and iv of the secret DIR holds now. */
static gboolean
install_secret(direction *dir, const suite_info *s)
{
    gsize key_len;

    dir->seq = 0;
    return tls_decrypt_tls13_keys(s->suite, dir->secret, dir->secret_len, dir->key, &key_len,
                                  dir->iv);
}

/* TLS 1.3: takes the key log's secret KIND for DIR; FALSE when it stopped. */
static gboolean
take_secret(tls_decrypt *d, direction *dir, keylog_secret kind, guint64 frame)
{
    gsize len = 0;
    const guint8 *secret = keylog_lookup(d->keys, d->info->client_hello.random, kind, &len);

    if (!secret) {
        stop(d, dir, TLS_DECRYPT_NO_KEY, frame);
        return FALSE;
    }
    if (len != digest_length(d->suite->digest)) {
        /* A secret of another hash cannot be this connection's. */
        stop(d, dir, TLS_DECRYPT_KEY_MISMATCH, frame);
        return FALSE;
    }
    memcpy(dir->secret, secret, len);
    dir->secret_len = len;
    dir->fresh = TRUE;
    if (!install_secret(dir, d->suite)) {
        stop(d, dir, TLS_DECRYPT_MALFORMED, frame);
        return FALSE;
    }
    return TRUE;
}

/* The keys for DIR's first encrypted record; FALSE when it stopped. */
static gboolean
start_keys(tls_decrypt *d, direction *dir, guint64 frame)
{
    const sr_tls_server_hello *sh = &d->info->server_hello;

    if (dir->keyed)
        return TRUE;
    d->suite = find_suite(sh->version, sh->cipher_suite);
    if (!d->suite) {
        stop(d, dir, TLS_DECRYPT_UNSUPPORTED, frame);
        return FALSE;
    }
    if (!d->info->client_hello.seen) {
        stop(d, dir, TLS_DECRYPT_NO_KEY, frame);
        return FALSE;
    }
    if (!dir->ctx)
        dir->ctx = EVP_CIPHER_CTX_new();
    if (d->suite->tls13) {
        if (!take_secret(d, dir, dir->client ? KEYLOG_CLIENT_HANDSHAKE : KEYLOG_SERVER_HANDSHAKE,
                         frame))
            return FALSE;
    } else {
        gsize len = 0;
        const guint8 *master = keylog_lookup(d->keys, d->info->client_hello.random,
                                             KEYLOG_MASTER_SECRET, &len);
        gsize key_len = key_length(d->suite->aead);
        gsize mac_len = d->suite->mac ? digest_length(d->suite->mac) : 0;
        /* CBC records bring their own IV: none in the key block. */
        gsize iv_len = d->suite->mac ? 0
                     : d->suite->aead == AEAD_CHACHA20_POLY1305 ? NONCE_LEN : GCM_SALT_LEN;
        guint8 block[2 * (MAX_MAC_KEY + MAX_KEY + NONCE_LEN)];

        if (!master) {
            stop(d, dir, TLS_DECRYPT_NO_KEY, frame);
            return FALSE;
        }
        if (!key_block(d->suite->digest, master, len, sh->random, d->info->client_hello.random,
                       block, 2 * (mac_len + key_len + iv_len))) {
            stop(d, dir, TLS_DECRYPT_MALFORMED, frame);
            return FALSE;
        }
        /* client_write_MAC_key, server_write_MAC_key (CBC only),
         * client_write_key, server_write_key, client_write_IV, server_write_IV */
        memcpy(dir->mac_key, block + (dir->client ? 0 : mac_len), mac_len);
        memcpy(dir->key, block + 2 * mac_len + (dir->client ? 0 : key_len), key_len);
        memcpy(dir->iv, block + 2 * (mac_len + key_len) + (dir->client ? 0 : iv_len), iv_len);
        OPENSSL_cleanse(block, sizeof block);
        dir->etm = d->info->client_hello.encrypt_then_mac && sh->encrypt_then_mac;
        dir->seq = 0;
        dir->fresh = TRUE;
    }
    dir->keyed = TRUE;
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Records                                                             */

/* Decrypts LEN bytes at DATA (the ciphertext and its tag) in place;
 * FALSE unless the tag is right. */
static gboolean
aead_open(direction *dir, aead_kind aead, const guint8 nonce[NONCE_LEN], const guint8 *aad,
          gsize aad_len, guint8 *data, gsize len)
{
    EVP_CIPHER_CTX *c = dir->ctx;
    int text_len = (int)(len - TAG_LEN);
    int n;

    return EVP_DecryptInit_ex(c, aead_cipher(aead), NULL, NULL, NULL) == 1
        && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, NONCE_LEN, NULL) == 1
        && EVP_DecryptInit_ex(c, NULL, NULL, dir->key, nonce) == 1
        && EVP_DecryptUpdate(c, NULL, &n, aad, (int)aad_len) == 1
        && EVP_DecryptUpdate(c, data, &n, data, text_len) == 1
        && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, TAG_LEN, data + text_len) == 1
        && EVP_DecryptFinal_ex(c, data + n, &n) == 1;
}

/* IV with the sequence number XORed into its last 8 bytes. */
static void
seq_nonce(const guint8 iv[NONCE_LEN], guint64 seq, guint8 nonce[NONCE_LEN])
{
    memcpy(nonce, iv, NONCE_LEN);
    for (int i = 0; i < 8; i++)
        nonce[NONCE_LEN - 1 - i] ^= (guint8)(seq >> (8 * i));
}

static void
authenticated(tls_decrypt *d, direction *dir, guint64 frame)
{
    dir->seq++;
    dir->fresh = FALSE;
    dir->pub->records++;
    if (dir->pub->status == TLS_DECRYPT_WAITING) {
        dir->pub->status = TLS_DECRYPT_DECRYPTING;
        dir->pub->status_frame = frame;
        if (d->stats.status == TLS_DECRYPT_WAITING)
            d->stats.status = TLS_DECRYPT_DECRYPTING;
    }
}

static void
deliver(tls_decrypt *d, direction *dir, const guint8 *data, gsize len, guint64 frame)
{
    if (len == 0)
        return;
    dir->pub->plaintext_bytes += len;
    d->plain(dir->client, data, len, frame, d->user_data);
}

static void
alerts(direction *dir, const guint8 *data, gsize len, guint64 frame)
{
    for (gsize i = 0; i + 2 <= len; i += 2) {
        tls_decrypt_side *s = dir->pub;

        if (s->alerts_count < TLS_DECRYPT_MAX_ALERTS) {
            s->alerts[s->alerts_count].level = data[i];
            s->alerts[s->alerts_count].description = data[i + 1];
            s->alerts[s->alerts_count].frame = frame;
        }
        s->alerts_count++;
    }
}

/* TLS 1.3 handshake messages, which may span records; only their types
 * matter: Finished and KeyUpdate change the keys after this record. */
static gboolean
handshake13(direction *dir, const guint8 *data, gsize len, guint64 frame)
{
    while (len > 0) {
        gsize take;

        if (dir->msg_header_have < sizeof dir->msg_header) {
            take = MIN(len, sizeof dir->msg_header - dir->msg_header_have);
            memcpy(dir->msg_header + dir->msg_header_have, data, take);
            dir->msg_header_have += take;
            data += take;
            len -= take;
            if (dir->msg_header_have < sizeof dir->msg_header)
                return TRUE;
            dir->msg_left = (guint32)dir->msg_header[1] << 16 | dir->msg_header[2] << 8
                          | dir->msg_header[3];
        }
        take = MIN(len, dir->msg_left);
        dir->msg_left -= (guint32)take;
        data += take;
        len -= take;
        if (dir->msg_left > 0)
            return TRUE;
        /* A whole message. */
        dir->msg_header_have = 0;
        if (dir->msg_header[0] == HS_FINISHED && !dir->application) {
            dir->switch_keys = TRUE;
            dir->pub->finished = TRUE;
            dir->pub->finished_frame = frame;
        } else if (dir->msg_header[0] == HS_KEY_UPDATE) {
            if (!dir->application)
                return FALSE;
            dir->update_keys = TRUE;
            dir->pub->key_updates++;
        }
    }
    return TRUE;
}

static void
record13(tls_decrypt *d, direction *dir, guint8 *body, const guint8 header[5], gsize len,
         guint64 frame)
{
    guint8 nonce[NONCE_LEN];
    guint8 type;

    if (len < TAG_LEN + 1) {
        stop(d, dir, TLS_DECRYPT_MALFORMED, frame);
        return;
    }
    seq_nonce(dir->iv, dir->seq, nonce);
    /* The additional data is the record's header (RFC 8446 5.2). */
    if (!aead_open(dir, d->suite->aead, nonce, header, 5, body, len)) {
        stop(d, dir, dir->fresh ? TLS_DECRYPT_KEY_MISMATCH : TLS_DECRYPT_AUTH_FAILED, frame);
        return;
    }
    authenticated(d, dir, frame);
    /* TLSInnerPlaintext: the content, its type, then zeros. */
    len -= TAG_LEN;
    while (len > 0 && body[len - 1] == 0)
        len--;
    if (len == 0 || len - 1 > MAX_PLAINTEXT) {
        stop(d, dir, TLS_DECRYPT_MALFORMED, frame);
        return;
    }
    type = body[--len];
    switch (type) {
    case SR_TLS_APPLICATION_DATA:
        deliver(d, dir, body, len, frame);
        break;
    case SR_TLS_ALERT:
        alerts(dir, body, len, frame);
        break;
    case SR_TLS_HANDSHAKE:
        if (!handshake13(dir, body, len, frame)) {
            stop(d, dir, TLS_DECRYPT_MALFORMED, frame);
            return;
        }
        break;
    default:
        stop(d, dir, TLS_DECRYPT_MALFORMED, frame);
        return;
    }

    if (dir->switch_keys) {
        dir->switch_keys = FALSE;
        dir->application = TRUE;
        take_secret(d, dir, dir->client ? KEYLOG_CLIENT_TRAFFIC : KEYLOG_SERVER_TRAFFIC, frame);
    } else if (dir->update_keys) {
        /* application_traffic_secret_N+1 (RFC 8446 7.2) */
        guint8 next[KEYLOG_MAX_SECRET];

        dir->update_keys = FALSE;
        if (!expand_label(d->suite->digest, dir->secret, dir->secret_len, "traffic upd", next,
                          dir->secret_len)) {
            stop(d, dir, TLS_DECRYPT_MALFORMED, frame);
            return;
        }
        memcpy(dir->secret, next, dir->secret_len);
        OPENSSL_cleanse(next, sizeof next);
        if (!install_secret(dir, d->suite))
            stop(d, dir, TLS_DECRYPT_MALFORMED, frame);
    }
}

/* A TLS 1.2 CBC record (RFC 5246 6.2.3.2), or with encrypt_then_mac an
 * RFC 7366 one: the LEN bytes of BODY, of content TYPE and record VERSION,
 * decrypted in place with DIR's keys and sequence number.  DECRYPTING when
 * its MAC and padding are right, with its content at *PLAIN, *PLAIN_LEN
 * long; AUTH_FAILED when either is wrong (nothing of it may be used: a
 * passive reader needs no constant time, only never to hand it over);
 * MALFORMED for a length no such record has. */
static tls_decrypt_status
cbc_open(direction *dir, const suite_info *s, guint8 type, const guint8 version[2],
         guint8 *body, gsize len, guint8 **plain, gsize *plain_len)
{
    EVP_CIPHER_CTX *c = dir->ctx;
    gsize mac_len = digest_length(s->mac);
    gsize after = dir->etm ? 0 : mac_len;        /* MAC bytes inside the encryption */
    guint8 *text = body + CBC_BLOCK;             /* after the explicit IV */
    gsize text_len = len - (dir->etm ? mac_len : 0);
    gsize content_len = 0;
    EVP_MAC *hmac;
    EVP_MAC_CTX *mc;
    gboolean ok;
    guint8 mac[EVP_MAX_MD_SIZE];
    guint8 head[13];
    OSSL_PARAM params[2];
    size_t n;
    int out;

    /* The IV, then whole blocks holding at least the MAC (when inside)
     * and one byte of padding. */
    if (len < mac_len || text_len % CBC_BLOCK != 0 || text_len < CBC_BLOCK + after + 1)
        return TLS_DECRYPT_MALFORMED;
    text_len -= CBC_BLOCK;
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)s->mac, 0);
    params[1] = OSSL_PARAM_construct_end();
    for (int i = 0; i < 8; i++)
        head[i] = (guint8)(dir->seq >> (56 - 8 * i));
    head[8] = type;
    memcpy(head + 9, version, 2);
    hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    mc = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
    ok = mc != NULL;
    if (dir->etm) {
        /* The MAC covers the IV and the ciphertext: checked first. */
        head[11] = (guint8)((CBC_BLOCK + text_len) >> 8);
        head[12] = (guint8)(CBC_BLOCK + text_len);
        ok = ok && EVP_MAC_init(mc, dir->mac_key, mac_len, params) == 1
            && EVP_MAC_update(mc, head, sizeof head) == 1
            && EVP_MAC_update(mc, body, CBC_BLOCK + text_len) == 1
            && EVP_MAC_final(mc, mac, &n, sizeof mac) == 1
            && memcmp(mac, text + text_len, mac_len) == 0;
    }
    ok = ok && EVP_DecryptInit_ex(c, aead_cipher(s->aead), NULL, dir->key, body) == 1
        && EVP_CIPHER_CTX_set_padding(c, 0) == 1
        && EVP_DecryptUpdate(c, text, &out, text, (int)text_len) == 1
        && EVP_DecryptFinal_ex(c, text + out, &out) == 1;
    if (ok) {
        /* The padding: PAD + 1 bytes, each PAD. */
        guint pad = text[text_len - 1];

        ok = pad + 1 + after <= text_len;
        for (gsize i = text_len - pad - 1; ok && i < text_len; i++)
            ok = text[i] == pad;
        content_len = ok ? text_len - pad - 1 - after : 0;
    }
    if (ok && !dir->etm) {
        /* The MAC covers the content, and follows it. */
        head[11] = (guint8)(content_len >> 8);
        head[12] = (guint8)content_len;
        ok = EVP_MAC_init(mc, dir->mac_key, mac_len, params) == 1
            && EVP_MAC_update(mc, head, sizeof head) == 1
            && EVP_MAC_update(mc, text, content_len) == 1
            && EVP_MAC_final(mc, mac, &n, sizeof mac) == 1
            && memcmp(mac, text + content_len, mac_len) == 0;
    }
    EVP_MAC_CTX_free(mc);
    EVP_MAC_free(hmac);
    if (!ok)
        return TLS_DECRYPT_AUTH_FAILED;
    if (content_len > MAX_PLAINTEXT)
        return TLS_DECRYPT_MALFORMED;
    *plain = text;
    *plain_len = content_len;
    return TLS_DECRYPT_DECRYPTING;
}

static void
record12(tls_decrypt *d, direction *dir, guint8 *body, const guint8 header[5], gsize len,
         guint64 frame)
{
    guint8 nonce[NONCE_LEN];
    guint8 aad[13];
    guint8 *text = body;
    gsize plain_len;

    if (d->suite->mac) {
        tls_decrypt_status status = cbc_open(dir, d->suite, header[0], header + 1, body, len,
                                             &text, &plain_len);

        if (status != TLS_DECRYPT_DECRYPTING) {
            stop(d, dir, status == TLS_DECRYPT_AUTH_FAILED && dir->fresh
                             ? TLS_DECRYPT_KEY_MISMATCH : status, frame);
            return;
        }
    } else {
        if (d->suite->aead == AEAD_CHACHA20_POLY1305) {
            seq_nonce(dir->iv, dir->seq, nonce);
        } else {
            if (len < GCM_EXPLICIT) {
                stop(d, dir, TLS_DECRYPT_MALFORMED, frame);
                return;
            }
            memcpy(nonce, dir->iv, GCM_SALT_LEN);
            memcpy(nonce + GCM_SALT_LEN, text, GCM_EXPLICIT);
            text += GCM_EXPLICIT;
            len -= GCM_EXPLICIT;
        }
        if (len < TAG_LEN || len - TAG_LEN > MAX_PLAINTEXT) {
            stop(d, dir, TLS_DECRYPT_MALFORMED, frame);
            return;
        }
        plain_len = len - TAG_LEN;
        for (int i = 0; i < 8; i++)
            aad[i] = (guint8)(dir->seq >> (56 - 8 * i));
        memcpy(aad + 8, header, 3);                     /* type, version */
        aad[11] = (guint8)(plain_len >> 8);
        aad[12] = (guint8)plain_len;
        if (!aead_open(dir, d->suite->aead, nonce, aad, sizeof aad, text, len)) {
            stop(d, dir, dir->fresh ? TLS_DECRYPT_KEY_MISMATCH : TLS_DECRYPT_AUTH_FAILED, frame);
            return;
        }
    }
    authenticated(d, dir, frame);
    switch (header[0]) {
    case SR_TLS_APPLICATION_DATA:
        deliver(d, dir, text, plain_len, frame);
        break;
    case SR_TLS_ALERT:
        alerts(dir, text, plain_len, frame);
        break;
    case SR_TLS_HANDSHAKE:
        /* The first is the Finished; a later one begins a renegotiation,
         * seen at its ChangeCipherSpec. */
        if (!dir->pub->finished && plain_len > 0 && text[0] == HS_FINISHED) {
            dir->pub->finished = TRUE;
            dir->pub->finished_frame = frame;
        }
        break;
    default:
        break;                                       /* heartbeat */
    }
}

/* What a call of the reader's tells of the connection. */
static direction *
take_info(tls_decrypt *d, const sr_tls_info *info, gboolean client)
{
    d->info = info;
    if (info->server_hello.seen) {
        d->stats.version = info->server_hello.version;
        d->stats.cipher_suite = info->server_hello.cipher_suite;
    }
    return &d->dir[client ? 1 : 0];
}

gboolean
tls_decrypt_begin(tls_decrypt *d, const sr_tls_info *info, gboolean client,
                  const sr_tls_record *record, guint64 frame)
{
    direction *dir = take_info(d, info, client);
    const sr_tls_server_hello *sh = &info->server_hello;
    gboolean encrypted;

    dir->keep = FALSE;
    if (!sh->seen)
        encrypted = FALSE;                           /* still the hellos (or 0-RTT data) */
    else if (sr_tls_version_is_13(sh->version))
        encrypted = record->type == SR_TLS_APPLICATION_DATA;
    else
        encrypted = dir->encrypted;
    if (!encrypted) {
        if (record->type == SR_TLS_APPLICATION_DATA)
            dir->pub->skipped++;
    } else if (is_stop(dir->pub->status) || !start_keys(d, dir, frame)) {
        dir->pub->skipped++;
    } else if (record->type == SR_TLS_CHANGE_CIPHER_SPEC) {
        stop(d, dir, TLS_DECRYPT_RENEGOTIATION, frame);
        dir->pub->skipped++;
    } else {
        dir->keep = TRUE;
    }
    d->info = NULL;
    return dir->keep;
}

void
tls_decrypt_record(tls_decrypt *d, const sr_tls_info *info, gboolean client,
                   sr_tls_record *record, guint64 frame)
{
    direction *dir = take_info(d, info, client);
    const sr_tls_server_hello *sh = &info->server_hello;

    if (dir->keep && record->body) {
        guint8 header[5] = {
            record->type, (guint8)(record->version >> 8), (guint8)record->version,
            (guint8)(record->length >> 8), (guint8)record->length,
        };

        if (d->suite->tls13)
            record13(d, dir, record->body, header, record->length, frame);
        else
            record12(d, dir, record->body, header, record->length, frame);
    } else if (record->type == SR_TLS_CHANGE_CIPHER_SPEC && sh->seen
               && !sr_tls_version_is_13(sh->version)) {
        dir->encrypted = TRUE;
    }
    dir->keep = FALSE;
    d->info = NULL;
}

void
tls_decrypt_lost(tls_decrypt *d, const sr_tls_info *info, gboolean client, sr_tls_stop why,
                 guint64 frame)
{
    direction *dir = take_info(d, info, client);

    stop(d, dir, why == SR_TLS_STOP_GAP ? TLS_DECRYPT_GAP : TLS_DECRYPT_MALFORMED, frame);
    d->info = NULL;
}

static gboolean
begin_func(gpointer user_data, const sr_tls_info *info, gboolean client,
           const sr_tls_record *record, guint64 frame)
{
    return tls_decrypt_begin(user_data, info, client, record, frame);
}

static void
record_func(gpointer user_data, const sr_tls_info *info, gboolean client, sr_tls_record *record,
            guint64 frame)
{
    tls_decrypt_record(user_data, info, client, record, frame);
}

static void
lost_func(gpointer user_data, const sr_tls_info *info, gboolean client, sr_tls_stop why,
          guint64 frame)
{
    tls_decrypt_lost(user_data, info, client, why, frame);
}

const sr_tls_record_funcs tls_decrypt_record_funcs = { begin_func, record_func, lost_func };

/* ------------------------------------------------------------------ */
/* Names                                                               */

#define TLS_DECRYPT_NAME_(id, name, text) [id] = name,
#define TLS_DECRYPT_TEXT_(id, name, text) [id] = text,
static const char *const status_names[] = { TLS_DECRYPT_STATUSES(TLS_DECRYPT_NAME_) };
static const char *const status_texts[] = { TLS_DECRYPT_STATUSES(TLS_DECRYPT_TEXT_) };

const char *
tls_decrypt_status_name(tls_decrypt_status status)
{
    return status < TLS_DECRYPT_STATUS_COUNT ? status_names[status] : "?";
}

const char *
tls_decrypt_status_description(tls_decrypt_status status)
{
    return status < TLS_DECRYPT_STATUS_COUNT ? status_texts[status] : "?";
}

gchar *
tls_decrypt_describe(const tls_decrypt_stats *stats)
{
    const char *text = tls_decrypt_status_description(stats->status);
    char version[SR_TLS_LABEL_SIZE], suite[SR_TLS_LABEL_SIZE];

    if (stats->status != TLS_DECRYPT_UNSUPPORTED)
        return g_strdup(text);
    return g_strdup_printf("%s (%s, %s)", text,
                           sr_tls_label(sr_tls_version_name(stats->version), stats->version,
                                        version),
                           sr_tls_label(sr_tls_cipher_suite_name(stats->cipher_suite),
                                        stats->cipher_suite, suite));
}
