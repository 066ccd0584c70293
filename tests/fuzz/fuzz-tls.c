/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the TLS reader (sr_tls).  The input is a script of
 * records, both directions of one connection in the order they were
 * captured (the format is at the top of tls-script.h).  The streams end
 * after the last record (sr_tls_finish).
 *
 * Each input is fed three times: as scheduled, with adjacent sends of one
 * direction joined into one call, and one byte per call; the three must
 * read the same (tls-summary.h renders all of sr_tls_info).  Fed as
 * scheduled, with a record consumer (sr_tls_set_record_funcs) that wants
 * some bodies and not others, after every call: memory within
 * SR_TLS_MEMORY_BOUND + SR_TLS_RECORD_MEMORY_BOUND (the other two, with
 * no consumer, within SR_TLS_MEMORY_BOUND), the caps kept, every count and
 * frame consistent with what was fed, the outcome and a side's stop never
 * changed once set, the state never going back, every name printable, and
 * every byte the reader hands over (SNI, ALPN, the certificate's DER)
 * really in the stream it came from.  The records handed over are each
 * side's stream from its first byte, header and body as fed, each begun
 * before it ends, none after the side's records were lost (at a gap or a
 * header that is no record), and the consumer changes nothing read.
 */
#include <string.h>

#include "fuzz-entry.h"
#include "sr_tls.h"
#include "tls-script.h"
#include "tls-summary.h"

typedef enum {
    RUN_SCHEDULED,
    RUN_MERGED,
    RUN_BYTEWISE,
} run_mode;

/* The records of one direction, framed here too: the handshake bytes
 * they carry, without record headers, for the reader's copies to be
 * looked for.  Framed the simple way (5-byte headers, lengths believed)
 * and over a gap inside a body, so they are a superset of what the
 * reader reads. */
typedef struct {
    guint8      header[5];
    guint       header_len;
    gsize       left;
    gboolean    lost;         /* a gap outside a body: nothing more framed */
    GByteArray *handshake;
} framing;

/* The records handed to the consumer, of one direction. */
typedef struct {
    gsize       at;           /* the stream offset the next record starts at */
    gboolean    begun;        /* a header was told; its record not yet handed */
    sr_tls_record header;     /* that header's */
    gboolean    wanted;       /* its body was asked for */
    guint       count;        /* headers told */
    gboolean    lost;
    guint64     last_frame;
} taken;

/* What was fed so far, to check the reader against. */
typedef struct {
    GByteArray *stream[2];    /* client, server: bytes sent */
    taken       records[2];
    framing     framed[2];
    guint64     lost[2];
    guint64     last_frame;
    /* the last check's view */
    sr_tls_outcome outcome;
    guint64     outcome_frame;
    sr_tls_state state;
    sr_tls_stop stop[2];
    guint64     stop_frame[2];
} shadow;

static void
frame_bytes(framing *f, const guint8 *p, gsize n)
{
    while (n > 0 && !f->lost) {
        gsize take;

        if (f->header_len < 5) {
            f->header[f->header_len++] = *p++;
            n--;
            if (f->header_len == 5)
                f->left = (gsize)f->header[3] << 8 | f->header[4];
            if (f->header_len == 5 && f->left == 0)
                f->header_len = 0;
            continue;
        }
        take = MIN(n, f->left);
        if (f->header[0] == SR_TLS_HANDSHAKE)
            g_byte_array_append(f->handshake, p, take);
        p += take;
        n -= take;
        f->left -= take;
        if (f->left == 0)
            f->header_len = 0;
    }
}

static void
frame_gap(framing *f, guint64 missing)
{
    if (f->header_len == 5 && missing <= f->left) {
        f->left -= missing;
        if (f->left == 0)
            f->header_len = 0;
    } else if (missing > 0) {
        f->lost = TRUE;
    }
}

static gboolean
printable(const char *s)
{
    if (!s || !*s)
        return FALSE;
    for (; *s; s++) {
        if (*s < 0x20 || *s > 0x7e)
            return FALSE;
    }
    return TRUE;
}

/* NULL, or a printable name. */
static void
check_name(const char *s)
{
    CHECK(!s || printable(s));
}

static gboolean
holds(const GByteArray *stream, const guint8 *bytes, gsize n)
{
    if (n > stream->len)
        return FALSE;
    for (gsize i = 0; i + n <= stream->len; i++) {
        if (memcmp(stream->data + i, bytes, n) == 0)
            return TRUE;
    }
    return FALSE;
}

static void
check_side(const sr_tls_side *d, const shadow *sh, guint k)
{
    guint all = 0;

    CHECK(d->bytes == sh->stream[k]->len);
    CHECK(d->lost == sh->lost[k]);
    for (guint i = 0; i < SR_TLS_CONTENT_TYPES; i++)
        all += d->records[i];
    /* a record is at least its 5-byte header */
    CHECK((guint64)all * 5 <= d->bytes + d->lost);
    CHECK(d->encrypted_records <= all);
    CHECK(d->encrypted_alerts <= d->records[SR_TLS_ALERT - SR_TLS_CHANGE_CIPHER_SPEC]);
    CHECK(d->encrypted == (d->encrypted_records > 0));
    CHECK(!d->encrypted || (d->encrypted_frame >= 1 && d->encrypted_frame <= sh->last_frame));
    CHECK(!d->finished || (d->encrypted && d->finished_frame >= d->encrypted_frame &&
                           d->finished_frame <= sh->last_frame));
    CHECK((guint)d->stop < SR_TLS_STOP_COUNT);
    CHECK(printable(sr_tls_stop_name(d->stop)) && printable(sr_tls_stop_description(d->stop)));
    /* once stopped, for good, and for the same reason */
    if (sh->stop[k] != SR_TLS_STOP_NONE)
        CHECK(d->stop == sh->stop[k] && d->stop_frame == sh->stop_frame[k]);
    CHECK(d->stop == SR_TLS_STOP_NONE || d->stop_frame <= sh->last_frame);
}

/* The record consumer: its records must be the stream as fed. */
static taken *
taken_of(shadow *sh, const sr_tls_info *info, gboolean client, guint64 frame)
{
    taken *r = &sh->records[client ? 0 : 1];
    const sr_tls_side *side = client ? &info->client : &info->server;

    CHECK(!r->lost);
    CHECK(frame >= r->last_frame && frame >= 1 && frame <= sh->last_frame);
    /* The records are framed only where nothing was lost. */
    CHECK(side->lost == 0);
    r->last_frame = frame;
    return r;
}

static gboolean
take_begin(gpointer user_data, const sr_tls_info *info, gboolean client,
           const sr_tls_record *record, guint64 frame)
{
    shadow *sh = user_data;
    taken *r = taken_of(sh, info, client, frame);
    const GByteArray *stream = sh->stream[client ? 0 : 1];
    const guint8 *h;

    CHECK(!r->begun);
    CHECK(record->body == NULL);
    CHECK(record->type >= SR_TLS_CHANGE_CIPHER_SPEC && record->type <= SR_TLS_HEARTBEAT);
    CHECK(record->version >> 8 == 3 && (record->version & 0xff) <= 4);
    CHECK(record->length <= SR_TLS_MAX_RECORD);
    /* The header is what was fed there (the stream holds the bytes of the
     * feed in progress already). */
    CHECK(r->at + 5 <= stream->len);
    h = stream->data + r->at;
    CHECK(h[0] == record->type && (h[1] << 8 | h[2]) == record->version
          && (gsize)(h[3] << 8 | h[4]) == record->length);
    r->begun = TRUE;
    r->header = *record;
    /* Bodies wanted and not, in runs, as a decryptor's come. */
    r->wanted = r->count++ % 5 < 3;
    return r->wanted;
}

static void
take_record(gpointer user_data, const sr_tls_info *info, gboolean client, sr_tls_record *record,
            guint64 frame)
{
    shadow *sh = user_data;
    taken *r = taken_of(sh, info, client, frame);
    const GByteArray *stream = sh->stream[client ? 0 : 1];

    CHECK(r->begun);
    CHECK(record->type == r->header.type && record->version == r->header.version
          && record->length == r->header.length);
    CHECK((record->body != NULL) == r->wanted);
    CHECK(r->at + 5 + record->length <= stream->len);
    if (record->body) {
        CHECK(memcmp(record->body, stream->data + r->at + 5, record->length) == 0);
        /* The consumer may change it: a decryptor decrypts in place. */
        memset(record->body, 0xa5, record->length);
    }
    r->at += 5 + record->length;
    r->begun = FALSE;
}

static void
take_lost(gpointer user_data, const sr_tls_info *info, gboolean client, sr_tls_stop why,
          guint64 frame)
{
    shadow *sh = user_data;
    taken *r = &sh->records[client ? 0 : 1];
    const sr_tls_side *side = client ? &info->client : &info->server;

    CHECK(!r->lost);
    CHECK(frame >= r->last_frame && frame <= sh->last_frame);
    CHECK(why == SR_TLS_STOP_GAP || why == SR_TLS_STOP_NOT_TLS || why == SR_TLS_STOP_SSLV2
          || why == SR_TLS_STOP_BAD_CONTENT_TYPE || why == SR_TLS_STOP_BAD_VERSION
          || why == SR_TLS_STOP_RECORD_TOO_LONG);
    /* Lost at a gap, with its bytes counted already, or at the header that
     * also stopped the reading, if the reading still went on. */
    CHECK((why == SR_TLS_STOP_GAP) == (side->lost > 0));
    CHECK(why == SR_TLS_STOP_GAP || side->stop == why
          || (side->stop != SR_TLS_STOP_NONE && side->stop_frame <= frame));
    r->lost = TRUE;
    r->begun = FALSE;
}

static const sr_tls_record_funcs take_funcs = { take_begin, take_record, take_lost };

static void
check_info(const sr_tls *t, shadow *sh)
{
    const sr_tls_info *i = sr_tls_info_get(t);
    const sr_tls_client_hello *ch = &i->client_hello;
    const sr_tls_certificate *c = &i->certificate;
    const sr_tls_side *sides[2] = { &i->client, &i->server };

    CHECK(sr_tls_memory(t) <= SR_TLS_MEMORY_BOUND + SR_TLS_RECORD_MEMORY_BOUND);
    for (guint k = 0; k < 2; k++) {
        const taken *r = &sh->records[k];
        gsize rest;

        /* Every record is handed over but the one in progress, until lost. */
        CHECK(r->at <= sh->stream[k]->len);
        if (r->lost)
            continue;
        CHECK(sides[k]->lost == 0);
        rest = sh->stream[k]->len - r->at;
        CHECK(r->begun ? rest >= 5 && rest - 5 < r->header.length : rest < 5);
    }
    check_side(&i->client, sh, 0);
    check_side(&i->server, sh, 1);

    /* Outcome: decided once; each has its cause in what was read. */
    CHECK((guint)i->outcome < SR_TLS_OUTCOME_COUNT);
    CHECK(printable(sr_tls_outcome_name(i->outcome)));
    CHECK(printable(sr_tls_outcome_description(i->outcome)));
    if (sh->outcome != SR_TLS_UNKNOWN)
        CHECK(i->outcome == sh->outcome && i->outcome_frame == sh->outcome_frame);
    switch (i->outcome) {
    case SR_TLS_UNKNOWN:
        break;
    case SR_TLS_COMPLETED:
        CHECK(i->server_hello.seen);
        CHECK(i->client.encrypted && i->server.encrypted);
        CHECK(sr_tls_version_is_13(i->server_hello.version) ||
              (i->client.finished && i->server.finished &&
               i->outcome_frame == MAX(i->client.finished_frame, i->server.finished_frame)));
        break;
    case SR_TLS_FAILED_ALERT:
        CHECK(i->alerts_total >= 1 && i->alerts_count >= 1);
        break;
    case SR_TLS_NOT_TLS: {
        const sr_tls_side *d = sides[i->outcome_client ? 0 : 1];

        CHECK(d->stop == SR_TLS_STOP_NOT_TLS || d->stop == SR_TLS_STOP_SSLV2);
        CHECK(d->stop_frame == i->outcome_frame);
        /* the first record's header, in the first bytes */
        CHECK(d->records[0] + d->records[1] + d->records[2] + d->records[3] + d->records[4] == 0);
        break;
    }
    case SR_TLS_MALFORMED:
    case SR_TLS_GAP: {
        const sr_tls_side *d = sides[i->outcome_client ? 0 : 1];

        CHECK(d->stop != SR_TLS_STOP_NONE && d->stop != SR_TLS_STOP_NOT_TLS &&
              d->stop != SR_TLS_STOP_SSLV2);
        CHECK((d->stop == SR_TLS_STOP_GAP) == (i->outcome == SR_TLS_GAP));
        CHECK(d->stop_frame == i->outcome_frame);
        break;
    }
    default:
        CHECK(FALSE);
    }
    CHECK(i->outcome == SR_TLS_UNKNOWN ||
          (i->outcome_frame >= 1 && i->outcome_frame <= sh->last_frame));

    /* State: forward only. */
    CHECK((guint)i->state <= SR_TLS_STATE_DONE);
    CHECK(printable(sr_tls_state_name(i->state)));
    CHECK(i->state >= sh->state);
    CHECK(i->state != SR_TLS_STATE_ENCRYPTED || (i->client.encrypted && i->server.encrypted));

    /* The client's hello: within its caps, its bytes from the client. */
    if (ch->seen) {
        CHECK(ch->hellos >= 1);
        CHECK(ch->frame >= 1 && ch->frame <= sh->last_frame);
        check_name(sr_tls_version_name(ch->legacy_version));
        check_name(sr_tls_version_name(ch->record_version));
        for (guint k = 0; k < MIN(ch->versions_count, SR_TLS_MAX_VERSIONS); k++)
            check_name(sr_tls_version_name(ch->versions[k]));
        CHECK(ch->has_supported_versions || ch->versions_count == 0);
        for (guint k = 0; k < MIN(ch->suites_count, SR_TLS_MAX_SUITES); k++)
            check_name(sr_tls_cipher_suite_name(ch->suites[k]));
        CHECK(ch->suites_count <= 32767);      /* a 2^16-byte vector */
        if (ch->has_sni)
            CHECK(holds(sh->framed[0].handshake, ch->sni, MIN(ch->sni_length, SR_TLS_MAX_SNI)));
        else
            CHECK(ch->sni_length == 0);
        for (guint k = 0; k < MIN(ch->alpn_count, SR_TLS_MAX_ALPN); k++) {
            CHECK(ch->alpn_length[k] >= 1);
            CHECK(holds(sh->framed[0].handshake, ch->alpn[k], ch->alpn_length[k]));
        }
    } else {
        CHECK(ch->versions_count == 0 && ch->suites_count == 0 && !ch->has_sni);
    }
    if (i->server_hello.seen) {
        CHECK(i->server_hello.frame >= 1 && i->server_hello.frame <= sh->last_frame);
        check_name(sr_tls_version_name(i->server_hello.version));
        check_name(sr_tls_cipher_suite_name(i->server_hello.cipher_suite));
        CHECK(i->server_hello.has_supported_versions ||
              i->server_hello.version == i->server_hello.legacy_version);
    }
    /* The certificate: a copy of server bytes, within its cap. */
    CHECK((c->der == NULL) == (c->der_length == 0));
    CHECK(c->der_length <= SR_TLS_MAX_CERT);
    CHECK(c->der_length == 0 || (c->seen && c->der_length == c->first_length && c->count >= 1));
    if (c->der_length && (guint64)c->der_length * sh->framed[1].handshake->len <= 4u << 20)
        CHECK(holds(sh->framed[1].handshake, c->der, c->der_length));
    /* Alerts: the first ones kept, all counted. */
    CHECK(i->alerts_count == MIN(i->alerts_total, SR_TLS_MAX_ALERTS));
    for (guint k = 0; k < i->alerts_count; k++) {
        check_name(sr_tls_alert_name(i->alerts[k].description));
        check_name(sr_tls_alert_level_name(i->alerts[k].level));
        CHECK(i->alerts[k].frame >= 1 && i->alerts[k].frame <= sh->last_frame);
        CHECK(k == 0 || i->alerts[k].frame >= i->alerts[k - 1].frame);
    }

    sh->outcome = i->outcome;
    sh->outcome_frame = i->outcome_frame;
    sh->state = i->state;
    for (guint k = 0; k < 2; k++) {
        sh->stop[k] = sides[k]->stop;
        sh->stop_frame[k] = sides[k]->stop_frame;
    }
}

static void
feed(sr_tls *t, shadow *sh, const tls_op *o, gsize from, gsize to)
{
    if (!sh) {
        sr_tls_feed(t, o->client, o->data + from, to - from, o->frame);
        CHECK(sr_tls_memory(t) <= SR_TLS_MEMORY_BOUND);
        return;
    }
    /* Before the call: the record consumer looks its records up in it. */
    g_byte_array_append(sh->stream[o->client ? 0 : 1], o->data + from, to - from);
    sh->last_frame = MAX(sh->last_frame, o->frame);
    sr_tls_feed(t, o->client, o->data + from, to - from, o->frame);
    frame_bytes(&sh->framed[o->client ? 0 : 1], o->data + from, to - from);
    check_info(t, sh);
}

/* Feeds OPS as MODE says; checks as it goes when SH is given. */
static gchar *
run(const GArray *ops, run_mode mode, shadow *sh)
{
    sr_tls *t = sr_tls_new();
    gchar *summary;

    if (sh)
        sr_tls_set_record_funcs(t, &take_funcs, sh);
    for (guint k = 0; k < ops->len; k++) {
        const tls_op *o = &g_array_index(ops, tls_op, k);

        if (o->lost) {
            if (sh)
                sh->last_frame = MAX(sh->last_frame, o->frame);
            sr_tls_gap(t, o->client, o->len, o->frame);
            if (sh) {
                sh->lost[o->client ? 0 : 1] += o->len;
                frame_gap(&sh->framed[o->client ? 0 : 1], o->len);
                check_info(t, sh);
            }
            continue;
        }
        if (mode == RUN_BYTEWISE) {
            for (gsize i = 0; i < o->len; i++)
                feed(t, sh, o, i, i + 1);
        } else if (mode == RUN_MERGED) {
            /* this send and the ones of its side right after it, in one call */
            GByteArray *joined = g_byte_array_new();
            tls_op m = *o;

            g_byte_array_append(joined, o->data, o->len);
            while (k + 1 < ops->len) {
                const tls_op *next = &g_array_index(ops, tls_op, k + 1);

                if (next->lost || next->client != o->client)
                    break;
                g_byte_array_append(joined, next->data, next->len);
                k++;
            }
            m.data = joined->data;
            m.len = joined->len;
            feed(t, sh, &m, 0, m.len);
            g_byte_array_unref(joined);
        } else {
            feed(t, sh, o, 0, o->len);
        }
    }
    sr_tls_finish(t);
    summary = tls_summary(sr_tls_info_get(t));
    if (sh) {
        const sr_tls_info *i = sr_tls_info_get(t);
        gchar *again;

        check_info(t, sh);
        CHECK(i->state == SR_TLS_STATE_DONE);
        CHECK(sr_tls_memory(t) == i->certificate.der_length);
        /* After the end, nothing changes. */
        sr_tls_finish(t);
        sr_tls_feed(t, TRUE, (const guint8 *)"\x15\x03\x03\x00\x02\x02\x28", 7, sh->last_frame + 1);
        sr_tls_gap(t, FALSE, 10, sh->last_frame + 1);
        again = tls_summary(i);
        CHECK(strcmp(again, summary) == 0);
        g_free(again);
    }
    sr_tls_free(t);
    return summary;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GArray *ops = tls_script_parse(data, size);
    shadow sh = {
        .stream = { g_byte_array_new(), g_byte_array_new() },
        .framed = { { .handshake = g_byte_array_new() }, { .handshake = g_byte_array_new() } },
    };
    gchar *scheduled = run(ops, RUN_SCHEDULED, &sh);
    gchar *merged = run(ops, RUN_MERGED, NULL);
    gchar *bytewise = run(ops, RUN_BYTEWISE, NULL);

    if (strcmp(scheduled, merged) != 0 || strcmp(scheduled, bytewise) != 0) {
        fprintf(stderr, "scheduled: %s\nmerged:    %s\nbytewise:  %s\n", scheduled, merged,
                bytewise);
        CHECK(!"the same bytes read differently in other pieces");
    }
    g_free(scheduled);
    g_free(merged);
    g_free(bytewise);
    g_byte_array_unref(sh.stream[0]);
    g_byte_array_unref(sh.stream[1]);
    g_byte_array_unref(sh.framed[0].handshake);
    g_byte_array_unref(sh.framed[1].handshake);
    g_array_unref(ops);
    return 0;
}
