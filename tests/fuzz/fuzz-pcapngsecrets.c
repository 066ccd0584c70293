/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the pcapng Decryption Secrets Block scanner
 * (pcapng-secrets.c).  Input: one byte K (its low 4 bits), then K bytes of
 * piece sizes (each plus one, used in turn), then the stream.  With K = 0
 * the stream is fed whole and a byte at a time only.
 *
 * Checks: the stream fed whole, in the input's pieces and a byte at a time,
 * with a cap of 64 bytes, and whole with the default cap, gives exactly
 * the key logs and counts that a plain reading of the whole buffer here
 * (block by block, every length checked before it is trusted) says it
 * should; what the scanner holds never goes over the cap; a stream is
 * broken at most once; every DSB read to its end is counted in one kind.
 */
#include <string.h>

#include "fuzz-entry.h"
#include "pcapng-secrets.h"

#define SMALL_CAP 64
#define MAX_PIECES 15

/* Each key log as its length (4 bytes, native) then its bytes. */
static void
collect(const char *text, gsize len, gpointer user_data)
{
    GByteArray *out = user_data;
    guint32 n = (guint32)len;

    CHECK(len <= PCAPNG_SECRETS_DEFAULT_MAX);
    g_byte_array_append(out, (const guint8 *)&n, sizeof n);
    g_byte_array_append(out, (const guint8 *)text, (guint)len);
}

typedef struct {
    GByteArray          *texts;
    pcapng_secrets_stats stats;
} outcome;

static guint32
get32(const uint8_t *p, gboolean big_endian)
{
    guint32 v;

    memcpy(&v, p, sizeof v);
    return big_endian ? GUINT32_FROM_BE(v) : GUINT32_FROM_LE(v);
}

/* What the stream holds, read block by block with all of it in hand. */
static outcome
expected(const uint8_t *d, size_t n, gsize max)
{
    outcome e = { g_byte_array_new(), { 0 } };
    gboolean big_endian = FALSE, in_section = FALSE;
    size_t pos = 0;

    while (n - pos >= 8) {
        guint32 type, length, stype = 0, slen = 0;

        memcpy(&type, d + pos, sizeof type);
        if (type == PCAPNG_BLOCK_SHB) {
            if (n - pos < 12)
                break;
            if (get32(d + pos + 8, FALSE) == PCAPNG_BYTE_ORDER_MAGIC)
                big_endian = FALSE;
            else if (get32(d + pos + 8, TRUE) == PCAPNG_BYTE_ORDER_MAGIC)
                big_endian = TRUE;
            else {
                e.stats.malformed++;
                break;
            }
            length = get32(d + pos + 4, big_endian);
            if (length < 28 || length % 4 != 0) {
                e.stats.malformed++;
                break;
            }
            in_section = TRUE;
            e.stats.sections++;
        } else {
            if (!in_section)
                break;
            type = get32(d + pos, big_endian);
            length = get32(d + pos + 4, big_endian);
            if (length < 12 || length % 4 != 0 || (type == PCAPNG_BLOCK_DSB && length < 20)) {
                e.stats.malformed++;
                break;
            }
            if (type == PCAPNG_BLOCK_DSB) {
                if (n - pos < 16)
                    break;
                stype = get32(d + pos + 8, big_endian);
                slen = get32(d + pos + 12, big_endian);
                if (((guint64)slen + 3) / 4 * 4 > (guint64)length - 20) {
                    e.stats.malformed++;
                    break;
                }
            }
        }
        if (n - pos < length)
            break;
        if (get32(d + pos + length - 4, big_endian) != length) {
            e.stats.malformed++;
            break;
        }
        if (type == PCAPNG_BLOCK_DSB) {
            e.stats.dsbs++;
            if (stype != PCAPNG_SECRETS_TLS_KEY_LOG) {
                e.stats.other_types++;
            } else if (slen > max) {
                e.stats.too_long++;
            } else {
                e.stats.tls++;
                e.stats.tls_bytes += slen;
                collect((const char *)d + pos + 16, slen, e.texts);
            }
        }
        pos += length;
    }
    return e;
}

/* Fed in pieces of PIECES[i] + 1 bytes in turn (N_PIECES 0: whole). */
static outcome
scanned(const uint8_t *d, size_t n, gsize max, const uint8_t *pieces, size_t n_pieces)
{
    outcome o = { g_byte_array_new(), { 0 } };
    pcapng_secrets *s = pcapng_secrets_new(max, collect, o.texts);
    size_t pos = 0;

    for (size_t i = 0; pos < n; i++) {
        size_t step = n_pieces ? MIN((size_t)pieces[i % n_pieces] + 1, n - pos) : n;

        pcapng_secrets_feed(s, d + pos, step);
        pos += step;
        CHECK(pcapng_secrets_held(s) <= max);
    }
    o.stats = *pcapng_secrets_get_stats(s);
    pcapng_secrets_free(s);
    return o;
}

static void
check_same(const outcome *got, const outcome *want)
{
    const pcapng_secrets_stats *s = &got->stats;

    CHECK(got->texts->len == want->texts->len);
    CHECK(want->texts->len == 0
          || memcmp(got->texts->data, want->texts->data, want->texts->len) == 0);
    CHECK(memcmp(&got->stats, &want->stats, sizeof got->stats) == 0);
    CHECK(s->malformed <= 1);
    CHECK(s->tls + s->other_types + s->too_long == s->dsbs);
}

static void
outcome_clear(outcome *o)
{
    g_byte_array_unref(o->texts);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t one_byte[1] = { 0 };
    size_t n_pieces;
    const uint8_t *pieces, *stream;
    size_t len;
    outcome want_small, want_default, got;

    if (size == 0)
        return 0;
    n_pieces = MIN((size_t)(data[0] & 0x0f), size - 1);
    pieces = data + 1;
    stream = data + 1 + n_pieces;
    len = size - 1 - n_pieces;

    want_small = expected(stream, len, SMALL_CAP);
    want_default = expected(stream, len, PCAPNG_SECRETS_DEFAULT_MAX);

    got = scanned(stream, len, SMALL_CAP, NULL, 0);
    check_same(&got, &want_small);
    outcome_clear(&got);
    if (n_pieces > 0) {
        got = scanned(stream, len, SMALL_CAP, pieces, n_pieces);
        check_same(&got, &want_small);
        outcome_clear(&got);
    }
    got = scanned(stream, len, SMALL_CAP, one_byte, 1);
    check_same(&got, &want_small);
    outcome_clear(&got);
    got = scanned(stream, len, PCAPNG_SECRETS_DEFAULT_MAX, NULL, 0);
    check_same(&got, &want_default);
    outcome_clear(&got);

    outcome_clear(&want_small);
    outcome_clear(&want_default);
    return 0;
}
