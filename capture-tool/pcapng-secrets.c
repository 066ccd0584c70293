/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "pcapng-secrets.h"

#include <string.h>

#include "keylog.h"

/* A block: type and total length (an SHB's then its byte-order magic), a
 * body, the total length again.  The fixed parts are gathered in head[]
 * whatever the pieces they come in; the body is skipped or, for a TLS key
 * log, kept. */
typedef enum {
    STATE_HEADER,    /* a block's type and total length, and an SHB's byte-order magic */
    STATE_DSB_HEAD,  /* a DSB's secrets type and secrets length */
    STATE_SECRETS,   /* a TLS key log's bytes, kept */
    STATE_SKIP,      /* the rest of a body, not kept */
    STATE_TRAILER,   /* the total length again, to compare */
    STATE_STOPPED,   /* not pcapng, or its framing broke: nothing more is read */
} scan_state;

/* What the block being read is, for the count made at its end. */
typedef enum {
    BLOCK_OTHER,
    BLOCK_DSB_TLS,     /* its key log is in secrets[] */
    BLOCK_DSB_LONG,    /* a TLS key log over the cap */
    BLOCK_DSB_OTHER,   /* another secrets type */
} block_kind;

/* The fixed parts read before a block's body: 8 + 4 bytes of an SHB. */
#define HEAD_MAX 12
/* Type, total length and the length again: the least a block can be. */
#define BLOCK_MIN 12
/* An SHB's byte-order magic, version (4 bytes each) and section length
 * (8) come before its options. */
#define SHB_MIN (BLOCK_MIN + 16)
/* A DSB's secrets type and length. */
#define DSB_MIN (BLOCK_MIN + 8)
/* Kept secrets grow at least this much at a time. */
#define SECRETS_STEP 4096

struct pcapng_secrets {
    pcapng_secrets_func func;
    gpointer            user_data;
    gsize               max;
    scan_state          state;
    gboolean            big_endian;  /* the current section's byte order */
    gboolean            in_section;  /* an SHB was read: the stream is pcapng */
    guint8              head[HEAD_MAX];
    gsize               have, need;  /* head[0, have) read of the `need` awaited */
    guint32             length;      /* the block's total length */
    block_kind          kind;
    guint64             left;        /* body bytes still to skip or keep */
    guint64             after;       /* after the secrets, body bytes to skip */
    guint8             *secrets;     /* a TLS key log's bytes read so far */
    gsize               secrets_len, secrets_size;
    pcapng_secrets_stats stats;
};

pcapng_secrets *
pcapng_secrets_new(gsize max, pcapng_secrets_func func, gpointer user_data)
{
    pcapng_secrets *s = g_new0(pcapng_secrets, 1);

    s->func = func;
    s->user_data = user_data;
    s->max = max ? max : PCAPNG_SECRETS_DEFAULT_MAX;
    pcapng_secrets_restart(s);
    return s;
}

static void
drop_secrets(pcapng_secrets *s)
{
    g_free(s->secrets);
    s->secrets = NULL;
    s->secrets_len = s->secrets_size = 0;
}

void
pcapng_secrets_free(pcapng_secrets *s)
{
    if (!s)
        return;
    drop_secrets(s);
    g_free(s);
}

void
pcapng_secrets_to_keylog(const char *text, gsize len, gpointer user_data)
{
    keylog_add_text(user_data, text, len);
}

static void
expect(pcapng_secrets *s, scan_state state, gsize need)
{
    s->state = state;
    s->have = 0;
    s->need = need;
}

void
pcapng_secrets_restart(pcapng_secrets *s)
{
    drop_secrets(s);
    s->in_section = FALSE;
    s->big_endian = FALSE;
    s->kind = BLOCK_OTHER;
    expect(s, STATE_HEADER, 8);
}

static guint32
read32(const pcapng_secrets *s, const guint8 *p)
{
    guint32 v;

    memcpy(&v, p, sizeof v);
    return s->big_endian ? GUINT32_FROM_BE(v) : GUINT32_FROM_LE(v);
}

static void
stop(pcapng_secrets *s, gboolean malformed)
{
    if (malformed)
        s->stats.malformed++;
    drop_secrets(s);
    s->state = STATE_STOPPED;
}

/* N more bytes of body to skip, then the trailer. */
static void
skip(pcapng_secrets *s, guint64 n)
{
    s->left = n;
    if (n > 0)
        s->state = STATE_SKIP;
    else
        expect(s, STATE_TRAILER, 4);
}

/* The type and total length of a block are in head[0, 8), and for an
 * SHB its byte-order magic in head[8, 12). */
static void
got_header(pcapng_secrets *s)
{
    guint32 type, magic;

    memcpy(&type, s->head, sizeof type);
    if (type == PCAPNG_BLOCK_SHB) {
        /* Its length is in the byte order that the magic, after it, gives. */
        if (s->need < HEAD_MAX) {
            s->need = HEAD_MAX;
            return;
        }
        memcpy(&magic, s->head + 8, sizeof magic);
        if (GUINT32_FROM_LE(magic) == PCAPNG_BYTE_ORDER_MAGIC)
            s->big_endian = FALSE;
        else if (GUINT32_FROM_BE(magic) == PCAPNG_BYTE_ORDER_MAGIC)
            s->big_endian = TRUE;
        else {
            stop(s, TRUE);
            return;
        }
        s->kind = BLOCK_OTHER;
        s->length = read32(s, s->head + 4);
        if (s->length < SHB_MIN || s->length % 4 != 0) {
            stop(s, TRUE);
            return;
        }
        s->in_section = TRUE;
        s->stats.sections++;
        skip(s, s->length - BLOCK_MIN - 4);
        return;
    }
    if (!s->in_section) {
        stop(s, FALSE);   /* not pcapng: nothing of it is ours to read */
        return;
    }
    type = read32(s, s->head);
    s->length = read32(s, s->head + 4);
    s->kind = BLOCK_OTHER;
    if (s->length < BLOCK_MIN || s->length % 4 != 0
            || (type == PCAPNG_BLOCK_DSB && s->length < DSB_MIN)) {
        stop(s, TRUE);
        return;
    }
    if (type == PCAPNG_BLOCK_DSB)
        expect(s, STATE_DSB_HEAD, 8);
    else
        skip(s, s->length - BLOCK_MIN);
}

/* A DSB's secrets type and length are in head[0, 8). */
static void
got_dsb_head(pcapng_secrets *s)
{
    guint32 type = read32(s, s->head);
    guint64 len = read32(s, s->head + 4);
    guint64 body = s->length - DSB_MIN;

    /* The secrets, padded to 32 bits, lie within the block. */
    if ((len + 3) / 4 * 4 > body) {
        stop(s, TRUE);
        return;
    }
    if (type != PCAPNG_SECRETS_TLS_KEY_LOG) {
        s->kind = BLOCK_DSB_OTHER;
    } else if (len > s->max) {
        s->kind = BLOCK_DSB_LONG;
    } else {
        s->kind = BLOCK_DSB_TLS;
        s->after = body - len;
        s->left = len;
        s->state = STATE_SECRETS;
        if (len > 0)
            return;
    }
    skip(s, s->kind == BLOCK_DSB_TLS ? s->after : body);
}

/* The block's last four bytes are in head[0, 4). */
static void
got_trailer(pcapng_secrets *s)
{
    if (read32(s, s->head) != s->length) {
        stop(s, TRUE);
        return;
    }
    switch (s->kind) {
    case BLOCK_DSB_TLS:
        s->stats.dsbs++;
        s->stats.tls++;
        s->stats.tls_bytes += s->secrets_len;
        /* A key log of no bytes is still one: the callback hears of it. */
        s->func((const char *)(s->secrets ? s->secrets : (const guint8 *)""), s->secrets_len,
                s->user_data);
        drop_secrets(s);
        break;
    case BLOCK_DSB_LONG:
        s->stats.dsbs++;
        s->stats.too_long++;
        break;
    case BLOCK_DSB_OTHER:
        s->stats.dsbs++;
        s->stats.other_types++;
        break;
    case BLOCK_OTHER:
        break;
    }
    s->kind = BLOCK_OTHER;
    expect(s, STATE_HEADER, 8);
}

/* N more bytes of a key log, of the LEFT still to come: the buffer grows
 * with what has arrived, never to what the length promises. */
static void
keep_secrets(pcapng_secrets *s, const guint8 *data, gsize n)
{
    gsize want = s->secrets_len + n;

    if (want > s->secrets_size) {
        gsize size = MAX(MAX(s->secrets_size * 2, (gsize)SECRETS_STEP), want);

        /* Never past the whole key log, which is within the cap. */
        size = MIN(size, s->secrets_len + (gsize)s->left);
        s->secrets = g_realloc(s->secrets, size);
        s->secrets_size = size;
    }
    memcpy(s->secrets + s->secrets_len, data, n);
    s->secrets_len += n;
    s->left -= n;
}

void
pcapng_secrets_feed(pcapng_secrets *s, const guint8 *data, gsize len)
{
    while (len > 0 && s->state != STATE_STOPPED) {
        gsize n = len;

        switch (s->state) {
        case STATE_STOPPED:
            break;
        case STATE_SKIP:
            n = (gsize)MIN((guint64)len, s->left);
            s->left -= n;
            if (s->left == 0)
                expect(s, STATE_TRAILER, 4);
            break;
        case STATE_SECRETS:
            n = (gsize)MIN((guint64)len, s->left);
            keep_secrets(s, data, n);
            if (s->left == 0)
                skip(s, s->after);
            break;
        case STATE_HEADER:
        case STATE_DSB_HEAD:
        case STATE_TRAILER:
            n = MIN(len, s->need - s->have);
            memcpy(s->head + s->have, data, n);
            s->have += n;
            if (s->have < s->need)
                break;
            if (s->state == STATE_HEADER)
                got_header(s);
            else if (s->state == STATE_DSB_HEAD)
                got_dsb_head(s);
            else
                got_trailer(s);
            break;
        }
        data += n;
        len -= n;
    }
}

const pcapng_secrets_stats *
pcapng_secrets_get_stats(const pcapng_secrets *s)
{
    return &s->stats;
}

gsize
pcapng_secrets_held(const pcapng_secrets *s)
{
    return s->secrets_size;
}
