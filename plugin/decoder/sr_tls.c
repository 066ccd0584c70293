/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TLS reader (sr_tls.h): record layer (RFC 8446 5.1, RFC 5246 6.2),
 * handshake messages in clear (RFC 8446 4, RFC 5246 7.4), alerts.
 */
#include "sr_tls.h"

#include <string.h>

/* Handshake message types read here (RFC 8446 4). */
enum {
    HS_CLIENT_HELLO = 1,
    HS_SERVER_HELLO = 2,
    HS_CERTIFICATE  = 11,
};

/* Extensions read here (IANA TLS ExtensionType Values). */
enum {
    EXT_SERVER_NAME        = 0,   /* RFC 6066 3 */
    EXT_ALPN               = 16,  /* RFC 7301 3.1 */
    EXT_ENCRYPT_THEN_MAC   = 22,  /* RFC 7366 2 */
    EXT_SUPPORTED_VERSIONS = 43,  /* RFC 8446 4.2.1 */
};

enum {
    ALERT_WARNING       = 1,
    ALERT_CLOSE_NOTIFY  = 0,
    ALERT_USER_CANCELED = 90,
};

/* A ServerHello with this random is a HelloRetryRequest (RFC 8446 4.1.3):
 * SHA-256 of "HelloRetryRequest". */
static const guint8 hello_retry_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* The part of a Certificate message kept: enough for the first
 * certificate whole (TLS 1.3's request context, the list's and the
 * certificate's lengths, the DER); the rest is skipped. */
#define CERT_KEEP (1 + 255 + 3 + 3 + SR_TLS_MAX_CERT)

#define RECORD_HEADER 5
#define HS_HEADER     4

/* One direction's reading. */
typedef struct {
    sr_tls_side *side;            /* its public half, in sr_tls.info */
    gboolean     client;
    gboolean     read_a_header;   /* a whole record header was read: the
                                   * stream is TLS, later faults are malformed */
    /* The record being read. */
    guint8       header[RECORD_HEADER];
    guint        header_len;      /* < RECORD_HEADER: reading the header */
    guint8       type;
    guint16      version;
    gsize        left;            /* body bytes still to come */
    gboolean     opaque;          /* encrypted (or unread): skipped */
    /* TLS 1.2 (and older): the side sent its ChangeCipherSpec, so all its
     * records from here on are encrypted; the next is its Finished. */
    gboolean     after_ccs;
    gboolean     await_finished;
    /* The handshake message in clear being put together. */
    guint8       msg_header[HS_HEADER];
    guint        msg_header_len;  /* > 0: a message is in progress */
    gsize        msg_len;
    gsize        msg_got;
    gboolean     msg_read;        /* one of those read here: kept */
    guint8      *msg;             /* its first msg_keep bytes (NULL when none) */
    gsize        msg_keep;
    guint16      msg_record_version; /* of the record it began in */
    /* An alert in clear, between its two bytes. */
    gboolean     alert_half;
    guint8       alert_level;
    /* TLS 1.3: application_data records since the ServerHello. */
    guint        records_after_hello;
    /* The record consumer's half (sr_tls_set_record_funcs). */
    gboolean     follow;          /* its records still go to the consumer */
    gboolean     keep;            /* the body of this record is kept for it */
    guint8      *body;            /* SR_TLS_MAX_RECORD bytes while bodies are kept */
} tls_dir;

struct sr_tls {
    sr_tls_info info;
    tls_dir     dir[2];           /* client, server */
    guint8     *cert;             /* the copy info.certificate.der points into */
    gboolean    client_offers_13; /* its supported_versions list TLS 1.3 */
    gboolean    ended;            /* sr_tls_finish() was called */
    guint64     frame;            /* of the bytes being read */
    const sr_tls_record_funcs *records; /* the record consumer, or NULL */
    gpointer    records_data;
};

/* ------------------------------------------------------------------ */
/* Bounded reading of a message's fields                               */

typedef struct {
    const guint8 *p;
    gsize         len;
    gsize         off;
    gboolean      bad;            /* a field ran past the end, or did not add up */
} cursor;

static cursor
cursor_of(const guint8 *p, gsize len)
{
    return (cursor){ p, len, 0, FALSE };
}

static gsize
cursor_left(const cursor *c)
{
    return c->bad ? 0 : c->len - c->off;
}

static gboolean
cursor_has(cursor *c, gsize n)
{
    if (c->bad || c->len - c->off < n) {
        c->bad = TRUE;
        return FALSE;
    }
    return TRUE;
}

static guint32
get_uint(cursor *c, gsize n)
{
    guint32 v = 0;

    if (!cursor_has(c, n))
        return 0;
    for (gsize i = 0; i < n; i++)
        v = v << 8 | c->p[c->off + i];
    c->off += n;
    return v;
}

static const guint8 *
get_bytes(cursor *c, gsize n)
{
    const guint8 *p;

    if (!cursor_has(c, n))
        return NULL;
    p = c->p + c->off;
    c->off += n;
    return p;
}

/* A vector with a length prefix of PREFIX bytes, as a cursor of its own;
 * a vector longer than what is left makes C bad and the result empty. */
static cursor
get_vector(cursor *c, gsize prefix)
{
    gsize n = get_uint(c, prefix);
    const guint8 *p = get_bytes(c, n);

    return p ? cursor_of(p, n) : (cursor){ NULL, 0, 0, TRUE };
}

/* ------------------------------------------------------------------ */
/* Outcome and state                                                  */

gboolean
sr_tls_version_is_13(guint16 version)
{
    /* 0x7fNN: the drafts of RFC 8446 */
    return version == SR_TLS_VERSION_TLS13 || (version >> 8) == 0x7f;
}

/* Whether the records are read with TLS 1.3's rules: the server's hello
 * says so; before it, what the client offered. */
static gboolean
tls13(const sr_tls *t)
{
    const sr_tls_server_hello *sh = &t->info.server_hello;

    if (sh->seen)
        return sr_tls_version_is_13(sh->version);
    if (sh->hello_retry)
        return TRUE;
    return t->client_offers_13;
}

static tls_dir *
dir_of(sr_tls *t, gboolean client)
{
    return &t->dir[client ? 0 : 1];
}

static void
decide(sr_tls *t, sr_tls_outcome outcome, gboolean client, guint64 frame)
{
    if (t->info.outcome != SR_TLS_UNKNOWN)
        return;
    t->info.outcome = outcome;
    t->info.outcome_frame = frame;
    t->info.outcome_client = client;
}

static void
update_state(sr_tls *t)
{
    sr_tls_info *i = &t->info;

    if (i->state == SR_TLS_STATE_DONE)
        return;
    if (t->ended || (i->client.stop != SR_TLS_STOP_NONE && i->server.stop != SR_TLS_STOP_NONE))
        i->state = SR_TLS_STATE_DONE;
    else if (i->client.encrypted && i->server.encrypted)
        i->state = SR_TLS_STATE_ENCRYPTED;
}

/* The rules of "completed" in sr_tls.h. */
static void
check_completed(sr_tls *t)
{
    const sr_tls_info *i = &t->info;

    if (i->outcome != SR_TLS_UNKNOWN || !i->server_hello.seen)
        return;
    if (tls13(t)) {
        if (t->dir[1].records_after_hello >= 1 && t->dir[0].records_after_hello >= 2)
            decide(t, SR_TLS_COMPLETED, TRUE, t->frame);
    } else if (i->client.finished && i->server.finished) {
        decide(t, SR_TLS_COMPLETED, TRUE, t->frame);
    }
}

static void
drop_message(tls_dir *d)
{
    g_free(d->msg);
    d->msg = NULL;
    d->msg_read = FALSE;
    d->msg_keep = 0;
    d->msg_header_len = 0;
    d->msg_len = d->msg_got = 0;
}

static sr_tls_outcome
outcome_of_stop(sr_tls_stop why)
{
    switch (why) {
    case SR_TLS_STOP_NOT_TLS:
    case SR_TLS_STOP_SSLV2:
        return SR_TLS_NOT_TLS;
    case SR_TLS_STOP_GAP:
        return SR_TLS_GAP;
    default:
        return SR_TLS_MALFORMED;
    }
}

/* Whether the handshake of this side is still read in clear. */
static gboolean
reading(const tls_dir *d)
{
    return d->side->stop == SR_TLS_STOP_NONE;
}

static void
drop_body(tls_dir *d)
{
    g_free(d->body);
    d->body = NULL;
    d->keep = FALSE;
}

/* This side's records go to the consumer no more. */
static void
lose_records(sr_tls *t, tls_dir *d, sr_tls_stop why)
{
    if (!d->follow)
        return;
    d->follow = FALSE;
    drop_body(d);
    t->records->lost(t->records_data, &t->info, d->client, why, t->frame);
}

/* This side is read no further. */
static void
stop(sr_tls *t, tls_dir *d, sr_tls_stop why, guint64 frame)
{
    d->side->stop = why;
    d->side->stop_frame = frame;
    drop_message(d);
    decide(t, outcome_of_stop(why), d->client, frame);
    update_state(t);
}

/* ------------------------------------------------------------------ */
/* Handshake messages                                                  */

static void
read_sni(sr_tls_client_hello *ch, cursor *ext)
{
    cursor list = get_vector(ext, 2);

    while (cursor_left(&list) > 0) {
        guint type = get_uint(&list, 1);
        cursor name = get_vector(&list, 2);

        if (list.bad)
            break;
        /* host_name (0) is the only type defined; the first one counts */
        if (type == 0 && !ch->has_sni) {
            ch->has_sni = TRUE;
            ch->sni_length = name.len;
            memcpy(ch->sni, name.p, MIN(name.len, SR_TLS_MAX_SNI));
        }
    }
    ext->bad |= list.bad || cursor_left(ext) != 0;
}

static void
read_alpn(sr_tls_client_hello *ch, cursor *ext)
{
    cursor list = get_vector(ext, 2);

    while (cursor_left(&list) > 0) {
        cursor name = get_vector(&list, 1);

        if (list.bad || name.len == 0) {  /* ProtocolName<1..2^8-1> */
            list.bad = TRUE;
            break;
        }
        if (ch->alpn_count < SR_TLS_MAX_ALPN) {
            ch->alpn_length[ch->alpn_count] = (guint8)name.len;
            memcpy(ch->alpn[ch->alpn_count], name.p, name.len);
        }
        ch->alpn_count++;
    }
    ext->bad |= list.bad || cursor_left(ext) != 0;
}

static void
read_client_versions(sr_tls *t, sr_tls_client_hello *ch, cursor *ext)
{
    cursor list = get_vector(ext, 1);

    ch->has_supported_versions = TRUE;
    if (list.len % 2)
        list.bad = TRUE;
    while (!list.bad && cursor_left(&list) >= 2) {
        guint16 v = get_uint(&list, 2);

        if (ch->versions_count < SR_TLS_MAX_VERSIONS)
            ch->versions[ch->versions_count] = v;
        ch->versions_count++;
        if (sr_tls_version_is_13(v))
            t->client_offers_13 = TRUE;
    }
    ext->bad |= list.bad || cursor_left(ext) != 0;
}

/* Reads the extensions, the rest of C.  Later copies of an extension are
 * passed over: TLS forbids them, and the first is what a peer acts on. */
static void
read_client_extensions(sr_tls *t, sr_tls_client_hello *ch, cursor *c)
{
    cursor all;
    guint seen = 0;

    if (cursor_left(c) == 0)
        return;   /* none at all: SSL 3.0 and early TLS clients */
    all = get_vector(c, 2);
    if (cursor_left(c) != 0)
        c->bad = TRUE;
    while (!all.bad && cursor_left(&all) > 0) {
        guint type = get_uint(&all, 2);
        cursor ext = get_vector(&all, 2);

        if (all.bad)
            break;
        switch (type) {
        case EXT_SERVER_NAME:
            if (!(seen & 1))
                read_sni(ch, &ext);
            seen |= 1;
            break;
        case EXT_ALPN:
            if (!(seen & 2))
                read_alpn(ch, &ext);
            seen |= 2;
            break;
        case EXT_SUPPORTED_VERSIONS:
            if (!(seen & 4))
                read_client_versions(t, ch, &ext);
            seen |= 4;
            break;
        case EXT_ENCRYPT_THEN_MAC:
            /* its extension_data is empty (RFC 7366 2) */
            if (!(seen & 8)) {
                ch->encrypt_then_mac = cursor_left(&ext) == 0;
                ext.bad = !ch->encrypt_then_mac;
            }
            seen |= 8;
            break;
        default:
            break;
        }
        if (ext.bad)
            all.bad = TRUE;
    }
    c->bad |= all.bad;
}

static void
read_client_hello(sr_tls *t, tls_dir *d, const guint8 *body, gsize len)
{
    sr_tls_client_hello *ch = &t->info.client_hello;
    cursor c = cursor_of(body, len);
    cursor suites, session, compression;
    const guint8 *random;

    ch->seen = TRUE;
    ch->frame = t->frame;
    ch->record_version = d->msg_record_version;
    ch->legacy_version = get_uint(&c, 2);
    random = get_bytes(&c, 32);
    if (random)
        memcpy(ch->random, random, sizeof ch->random);
    session = get_vector(&c, 1);
    if (session.len > 32)
        c.bad = TRUE;
    suites = get_vector(&c, 2);
    if (suites.len % 2)
        c.bad = TRUE;
    while (!c.bad && cursor_left(&suites) >= 2) {
        guint16 s = get_uint(&suites, 2);

        if (ch->suites_count < SR_TLS_MAX_SUITES)
            ch->suites[ch->suites_count] = s;
        ch->suites_count++;
    }
    compression = get_vector(&c, 1);
    if (compression.len == 0)
        c.bad = TRUE;
    if (!c.bad)
        read_client_extensions(t, ch, &c);
    ch->malformed = c.bad;
}

static void
read_server_hello(sr_tls *t, const guint8 *body, gsize len)
{
    sr_tls_server_hello *sh = &t->info.server_hello;
    cursor c = cursor_of(body, len);
    const guint8 *random;
    guint16 legacy;
    gboolean has_sv = FALSE;
    guint16 sv = 0;
    guint16 suite;
    cursor all;

    legacy = get_uint(&c, 2);
    random = get_bytes(&c, 32);
    if (random && memcmp(random, hello_retry_random, sizeof hello_retry_random) == 0) {
        /* Its fields ask for a second ClientHello; the real one follows. */
        sh->hello_retry = TRUE;
        sh->hello_retry_frame = t->frame;
        return;
    }
    sh->seen = TRUE;
    sh->frame = t->frame;
    sh->legacy_version = legacy;
    sh->version = legacy;
    if (random)
        memcpy(sh->random, random, sizeof sh->random);
    if (get_vector(&c, 1).len > 32)         /* legacy_session_id_echo */
        c.bad = TRUE;
    suite = get_uint(&c, 2);
    if (!c.bad)
        sh->cipher_suite = suite;
    get_uint(&c, 1);                        /* compression */
    if (!c.bad && cursor_left(&c) > 0) {
        all = get_vector(&c, 2);
        if (cursor_left(&c) != 0)
            c.bad = TRUE;
        while (!all.bad && cursor_left(&all) > 0) {
            guint type = get_uint(&all, 2);
            cursor ext = get_vector(&all, 2);

            if (!all.bad && type == EXT_SUPPORTED_VERSIONS && !has_sv) {
                sv = get_uint(&ext, 2);
                if (cursor_left(&ext) != 0)
                    ext.bad = TRUE;
                has_sv = !ext.bad;
            } else if (!all.bad && type == EXT_ENCRYPT_THEN_MAC) {
                /* empty, as in the ClientHello */
                sh->encrypt_then_mac = cursor_left(&ext) == 0;
                ext.bad = !sh->encrypt_then_mac;
            }
            all.bad |= ext.bad;
        }
        c.bad |= all.bad;
    }
    if (has_sv) {
        sh->has_supported_versions = TRUE;
        sh->version = sv;
    }
    sh->malformed = c.bad;
}

/* BODY holds the first KEPT bytes of a Certificate message of LEN. */
static void
read_certificate(sr_tls *t, const guint8 *body, gsize kept, gsize len)
{
    sr_tls_certificate *cert = &t->info.certificate;
    gboolean whole = kept == len;
    cursor c = cursor_of(body, kept);
    gsize list_len;
    gsize list_start;

    cert->seen = TRUE;
    cert->frame = t->frame;
    if (tls13(t))
        get_vector(&c, 1);                  /* certificate_request_context */
    list_len = get_uint(&c, 3);
    list_start = c.off;
    if (c.bad || list_len != len - list_start) {
        cert->malformed = TRUE;
        return;
    }
    while (cursor_left(&c) > 0) {
        gsize cert_len = get_uint(&c, 3);
        const guint8 *der;

        if (c.bad)
            break;
        if (cert->count == 0)
            cert->first_length = cert_len;
        der = get_bytes(&c, cert_len);
        if (!der)
            break;
        if (cert->count == 0 && cert_len > 0 && cert_len <= SR_TLS_MAX_CERT) {
            t->cert = g_memdup2(der, cert_len);
            cert->der = t->cert;
            cert->der_length = cert_len;
        }
        cert->count++;
        if (tls13(t)) {
            get_vector(&c, 2);              /* the entry's extensions */
            if (c.bad)
                break;
        }
    }
    /* Running out of bytes is a fault only when none were left out. */
    if (c.bad && whole)
        cert->malformed = TRUE;
}

/* The message in d->msg is whole. */
static void
end_message(sr_tls *t, tls_dir *d)
{
    guint8 type = d->msg_header[0];

    /* An empty message has no buffer, and is read as malformed. */
    const guint8 *body = d->msg ? d->msg : (const guint8 *)"";

    if (d->client && type == HS_CLIENT_HELLO) {
        if (d->msg_read)
            read_client_hello(t, d, body, d->msg_len);
        t->info.client_hello.hellos++;
    } else if (d->msg_read && type == HS_SERVER_HELLO) {
        read_server_hello(t, body, d->msg_len);
    } else if (d->msg_read && type == HS_CERTIFICATE) {
        read_certificate(t, body, d->msg_keep, d->msg_len);
    }
    drop_message(d);
    check_completed(t);
}

/* Starts the message whose header is in d->msg_header. */
static gboolean
begin_message(sr_tls *t, tls_dir *d)
{
    guint8 type = d->msg_header[0];
    gsize len = (gsize)d->msg_header[1] << 16 | (gsize)d->msg_header[2] << 8 | d->msg_header[3];
    gboolean hello = (d->client && type == HS_CLIENT_HELLO && !t->info.client_hello.seen) ||
                     (!d->client && type == HS_SERVER_HELLO && !t->info.server_hello.seen);

    d->msg_len = len;
    d->msg_got = 0;
    d->msg_record_version = d->version;
    d->msg_read = TRUE;
    if (hello) {
        if (len > SR_TLS_MAX_MESSAGE) {
            stop(t, d, SR_TLS_STOP_MESSAGE_TOO_LONG, t->frame);
            return FALSE;
        }
        d->msg_keep = len;
    } else if (!d->client && type == HS_CERTIFICATE && !t->info.certificate.seen) {
        d->msg_keep = MIN(len, CERT_KEEP);
    } else {
        d->msg_read = FALSE;                /* skipped */
        d->msg_keep = 0;
    }
    d->msg = d->msg_keep ? g_malloc(d->msg_keep) : NULL;
    return TRUE;
}

/* Handshake bytes in clear. */
static void
handshake_bytes(sr_tls *t, tls_dir *d, const guint8 *p, gsize n)
{
    while (n > 0 && d->side->stop == SR_TLS_STOP_NONE) {
        gsize take;

        if (d->msg_header_len < HS_HEADER) {
            d->msg_header[d->msg_header_len++] = *p++;
            n--;
            if (d->msg_header_len == HS_HEADER) {
                if (!begin_message(t, d))
                    return;
                if (d->msg_len == 0)
                    end_message(t, d);
            }
            continue;
        }
        take = MIN(n, d->msg_len - d->msg_got);
        if (d->msg && d->msg_got < d->msg_keep)
            memcpy(d->msg + d->msg_got, p, MIN(take, d->msg_keep - d->msg_got));
        d->msg_got += take;
        p += take;
        n -= take;
        if (d->msg_got == d->msg_len)
            end_message(t, d);
    }
}

/* ------------------------------------------------------------------ */
/* Alerts in clear                                                     */

/* Whether an alert in clear ends the handshake: a fatal one, a
 * close_notify (its sender is done), and in TLS 1.3 any but user_canceled
 * whatever its level says (RFC 8446 6.2).  A TLS 1.2 warning, such as
 * unrecognized_name, lets the handshake go on. */
static gboolean
alert_ends_handshake(const sr_tls *t, guint8 level, guint8 description)
{
    if (level != ALERT_WARNING || description == ALERT_CLOSE_NOTIFY)
        return TRUE;
    if (description == ALERT_USER_CANCELED)
        return FALSE;                       /* a close_notify should follow */
    return tls13(t);
}

static void
alert_bytes(sr_tls *t, tls_dir *d, const guint8 *p, gsize n)
{
    sr_tls_info *i = &t->info;

    for (gsize k = 0; k < n; k++) {
        if (!d->alert_half) {
            d->alert_level = p[k];
            d->alert_half = TRUE;
            continue;
        }
        d->alert_half = FALSE;
        if (i->alerts_count < SR_TLS_MAX_ALERTS) {
            i->alerts[i->alerts_count++] = (sr_tls_alert){
                .from_client = d->client,
                .level = d->alert_level,
                .description = p[k],
                .frame = t->frame,
            };
        }
        i->alerts_total++;
        if (alert_ends_handshake(t, d->alert_level, p[k]))
            decide(t, SR_TLS_FAILED_ALERT, d->client, t->frame);
    }
}

/* ------------------------------------------------------------------ */
/* Records                                                             */

/* The body's, as the header (whole) says. */
static gsize
record_length(const tls_dir *d)
{
    return (gsize)d->header[3] << 8 | d->header[4];
}

static void
begin_record(tls_dir *d)
{
    d->type = d->header[0];
    d->version = (guint16)(d->header[1] << 8 | d->header[2]);
    d->left = record_length(d);
    d->read_a_header = TRUE;
    /* application_data is always encrypted (TLS 1.3 hides every type in
     * it); after a TLS 1.2 ChangeCipherSpec everything is. */
    d->opaque = d->type == SR_TLS_APPLICATION_DATA || d->after_ccs;
}

/* The consumer is told of the header just read, and says whether it
 * wants the body.  The buffer stays while it keeps wanting bodies, and
 * goes at the first record it does not. */
static void
offer_record(sr_tls *t, tls_dir *d)
{
    sr_tls_record r = { d->type, d->version, d->left, NULL };

    d->keep = t->records->begin(t->records_data, &t->info, d->client, &r, t->frame);
    if (!d->keep)
        drop_body(d);
    else if (!d->body)
        d->body = g_malloc(SR_TLS_MAX_RECORD);
}

static void
hand_record(sr_tls *t, tls_dir *d)
{
    sr_tls_record r = { d->type, d->version, record_length(d), d->keep ? d->body : NULL };

    t->records->record(t->records_data, &t->info, d->client, &r, t->frame);
}

/* What the record just ended tells the reading in clear. */
static void
count_record(sr_tls *t, tls_dir *d)
{
    sr_tls_side *side = d->side;

    side->records[d->type - SR_TLS_CHANGE_CIPHER_SPEC]++;
    if (d->opaque) {
        side->encrypted_records++;
        if (!side->encrypted) {
            side->encrypted = TRUE;
            side->encrypted_frame = t->frame;
        }
        if (d->await_finished) {
            d->await_finished = FALSE;
            if (d->type == SR_TLS_HANDSHAKE) {
                side->finished = TRUE;
                side->finished_frame = t->frame;
            }
        }
        if (d->type == SR_TLS_ALERT)
            side->encrypted_alerts++;
        if (d->type == SR_TLS_APPLICATION_DATA && t->info.server_hello.seen)
            d->records_after_hello++;
        check_completed(t);
    } else if (d->type == SR_TLS_CHANGE_CIPHER_SPEC) {
        if (d->msg_header_len > 0) {
            stop(t, d, SR_TLS_STOP_CCS_IN_MESSAGE, t->frame);
            return;
        }
        /* TLS 1.3's is only for middleboxes (RFC 8446 D.4): nothing changes. */
        if (!tls13(t)) {
            d->after_ccs = TRUE;
            d->await_finished = TRUE;
        }
    }
    update_state(t);
}

static void
end_record(sr_tls *t, tls_dir *d)
{
    d->header_len = 0;
    if (reading(d))
        count_record(t, d);
    if (d->follow)
        hand_record(t, d);
}

/* A header that is no TLS record: the reading, if it still went on, and
 * the records stop here. */
static void
bad_header(sr_tls *t, tls_dir *d, sr_tls_stop why)
{
    if (reading(d))
        stop(t, d, why, t->frame);
    lose_records(t, d, why);
}

/* One byte of a record header; FALSE when it shows the stream is not
 * (or no longer) TLS. */
static gboolean
header_byte(sr_tls *t, tls_dir *d, guint8 c)
{
    gboolean first = !d->read_a_header;

    d->header[d->header_len++] = c;
    switch (d->header_len) {
    case 1:
        if (c < SR_TLS_CHANGE_CIPHER_SPEC || c > SR_TLS_HEARTBEAT) {
            bad_header(t, d, !first ? SR_TLS_STOP_BAD_CONTENT_TYPE :
                             (c & 0x80) ? SR_TLS_STOP_SSLV2 : SR_TLS_STOP_NOT_TLS);
            return FALSE;
        }
        break;
    case 2:
    case 3:
        /* 3.0 (SSL 3.0) to 3.4; TLS 1.3 itself writes 3.1 or 3.3 */
        if ((d->header_len == 2 && c != 3) || (d->header_len == 3 && c > 4)) {
            bad_header(t, d, first ? SR_TLS_STOP_NOT_TLS : SR_TLS_STOP_BAD_VERSION);
            return FALSE;
        }
        break;
    case RECORD_HEADER:
        if (record_length(d) > SR_TLS_MAX_RECORD) {
            bad_header(t, d, SR_TLS_STOP_RECORD_TOO_LONG);
            return FALSE;
        }
        begin_record(d);
        if (d->follow)
            offer_record(t, d);
        if (d->left == 0)
            end_record(t, d);
        break;
    default:
        break;
    }
    return TRUE;
}

/* Records are framed while the reading in clear goes on, or the
 * consumer still follows them. */
static void
read_bytes(sr_tls *t, tls_dir *d, const guint8 *p, gsize n)
{
    while (n > 0 && (reading(d) || d->follow)) {
        gsize take;

        if (d->header_len < RECORD_HEADER) {
            if (!header_byte(t, d, *p))
                return;
            p++;
            n--;
            continue;
        }
        take = MIN(n, d->left);
        if (!d->opaque && reading(d)) {
            if (d->type == SR_TLS_HANDSHAKE)
                handshake_bytes(t, d, p, take);
            else if (d->type == SR_TLS_ALERT)
                alert_bytes(t, d, p, take);
            /* a ChangeCipherSpec's byte and a heartbeat are not read */
            if (!reading(d) && !d->follow)
                return;
        }
        if (d->keep)
            memcpy(d->body + (record_length(d) - d->left), p, take);
        d->left -= take;
        p += take;
        n -= take;
        if (d->left == 0)
            end_record(t, d);
    }
}

/* ------------------------------------------------------------------ */
/* API                                                                 */

sr_tls *
sr_tls_new(void)
{
    sr_tls *t = g_new0(sr_tls, 1);

    t->info.state = SR_TLS_STATE_HANDSHAKE;
    t->info.outcome = SR_TLS_UNKNOWN;
    t->dir[0].side = &t->info.client;
    t->dir[0].client = TRUE;
    t->dir[1].side = &t->info.server;
    return t;
}

void
sr_tls_free(sr_tls *t)
{
    if (!t)
        return;
    drop_message(&t->dir[0]);
    drop_message(&t->dir[1]);
    drop_body(&t->dir[0]);
    drop_body(&t->dir[1]);
    g_free(t->cert);
    g_free(t);
}

void
sr_tls_set_record_funcs(sr_tls *t, const sr_tls_record_funcs *funcs, gpointer user_data)
{
    t->records = funcs;
    t->records_data = user_data;
    for (guint k = 0; k < 2; k++) {
        tls_dir *d = &t->dir[k];

        drop_body(d);
        /* Mid-stream the consumer would come in the middle of a record. */
        d->follow = funcs && d->side->bytes == 0 && d->side->lost == 0 && !t->ended;
    }
}

void
sr_tls_feed(sr_tls *t, gboolean client, const guint8 *data, gsize len, guint64 frame)
{
    tls_dir *d = dir_of(t, client);

    if (t->ended || len == 0)
        return;
    d->side->bytes += len;
    if (!reading(d) && !d->follow)
        return;
    t->frame = frame;
    read_bytes(t, d, data, len);
}

void
sr_tls_gap(sr_tls *t, gboolean client, guint64 missing, guint64 frame)
{
    tls_dir *d = dir_of(t, client);

    if (t->ended || missing == 0)
        return;
    d->side->lost += missing;
    if (!reading(d) && !d->follow)
        return;
    t->frame = frame;
    /* The consumer loses count of the records wherever the gap is. */
    lose_records(t, d, SR_TLS_STOP_GAP);
    if (!reading(d))
        return;
    /* Inside a body that is skipped anyway, nothing needed was lost. */
    if (d->header_len == RECORD_HEADER && (d->opaque || d->type == SR_TLS_HEARTBEAT) &&
        missing <= d->left) {
        d->left -= missing;
        if (d->left == 0)
            end_record(t, d);
        return;
    }
    stop(t, d, SR_TLS_STOP_GAP, frame);
}

void
sr_tls_finish(sr_tls *t)
{
    if (t->ended)
        return;
    t->ended = TRUE;
    drop_message(&t->dir[0]);
    drop_message(&t->dir[1]);
    /* A record cut by the end is never handed over. */
    drop_body(&t->dir[0]);
    drop_body(&t->dir[1]);
    update_state(t);
}

const sr_tls_info *
sr_tls_info_get(const sr_tls *t)
{
    return &t->info;
}

gsize
sr_tls_memory(const sr_tls *t)
{
    gsize n = t->info.certificate.der_length;

    for (guint k = 0; k < 2; k++) {
        if (t->dir[k].msg)
            n += t->dir[k].msg_keep;
        if (t->dir[k].body)
            n += SR_TLS_MAX_RECORD;
    }
    return n;
}
