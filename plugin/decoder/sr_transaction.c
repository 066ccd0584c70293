/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sr_transaction.h"

#include <string.h>

#include "sr_queue_id.h"

#define SR_TX_NAME(name, text) [SR_TX_##name] = text,
static const char *const status_names[SR_TX_STATUS_COUNT] = { SR_TX_STATUS_LIST(SR_TX_NAME) };
#undef SR_TX_NAME
#define SR_TX_NAME(name, text) [SR_TX_END_##name] = text,
static const char *const end_names[SR_TX_END_COUNT] = { SR_TX_END_LIST(SR_TX_NAME) };
#undef SR_TX_NAME

const char *
sr_tx_status_name(sr_tx_status status)
{
    return (guint)status < SR_TX_STATUS_COUNT ? status_names[status] : "<invalid>";
}

const char *
sr_tx_end_name(sr_tx_end end)
{
    return (guint)end < SR_TX_END_COUNT ? end_names[end] : "<invalid>";
}

/* A copy of LEN bytes at TEXT in TX's strings, NUL-terminated. */
static gchar *
keep_string(sr_transaction *tx, const char *text, gsize len)
{
    return g_string_chunk_insert_len(tx->strings, text, (gssize)len);
}

void
sr_transaction_reply(sr_transaction *tx, sr_tx_reply *out, const sr_reply *reply, gint64 time_us,
                     guint64 frame)
{
    const sr_enhanced *enh = sr_reply_enhanced(reply);

    memset(out, 0, sizeof *out);
    out->present = TRUE;
    out->code = reply->code;
    out->has_code = sr_reply_has_code(reply);
    if (enh)
        sr_enhanced_format(enh, out->enhanced, sizeof out->enhanced);
    out->line_count = reply->lines->len;
    for (guint i = 0; i < reply->lines->len && i < SR_TX_REPLY_LINES; i++) {
        gsize len;
        const guint8 *text = sr_reply_line_text(reply, i, &len);

        out->lines[i] = keep_string(tx, (const char *)text, MIN(len, (gsize)SR_TX_LINE_MAX));
    }
    out->time_us = time_us;
    out->frame = frame;
}

void
sr_transaction_begin(sr_transaction *tx, guint depth, const char *helo, gboolean lmtp,
                     gboolean tls, const char *mailfrom, gsize mailfrom_len, gint64 start_us,
                     sr_tx_storage *spare)
{
    memset(tx, 0, sizeof *tx);
    tx->depth = depth;
    tx->lmtp = lmtp;
    tx->tls = tls;
    if (spare && spare->recipients) {
        tx->recipients = spare->recipients;
        tx->strings = spare->strings;
        memset(spare, 0, sizeof *spare);
    } else {
        tx->recipients = g_array_new(FALSE, TRUE, sizeof(sr_tx_recipient));
        tx->strings = g_string_chunk_new(1024);
    }
    tx->helo = helo ? keep_string(tx, helo, strlen(helo)) : NULL;
    tx->mailfrom = mailfrom ? keep_string(tx, mailfrom, mailfrom_len) : NULL;
    tx->start_us = start_us;
    tx->end_us = -1;
    tx->status = SR_TX_UNFINISHED;
}

void
sr_transaction_add_recipient(sr_transaction *tx, const char *address, gsize len,
                             const sr_tx_reply *rcpt, gboolean keep)
{
    tx->rcpt_total++;
    if (rcpt->code / 100 == 2)
        tx->rcpt_accepted++;
    if (keep) {
        sr_tx_recipient r = {
            .address = address ? keep_string(tx, address, len) : NULL,
            .rcpt = *rcpt,
        };

        g_array_append_val(tx->recipients, r);
    }
}

void
sr_transaction_last(sr_transaction *tx, const sr_reply *reply)
{
    gsize len = 0;
    const guint8 *text = reply->lines->len ? sr_reply_line_text(reply, 0, &len) : NULL;

    len = MIN(len, (gsize)SR_TX_LINE_MAX);
    tx->last_code = reply->code;
    if (text)
        memcpy(tx->last_text, text, len);
    tx->last_text[len] = '\0';
}

/* The accepted recipient of that rank among the kept ones, or NULL. */
static sr_tx_recipient *
accepted_recipient(sr_transaction *tx, guint rank)
{
    for (guint i = 0; i < tx->recipients->len; i++) {
        sr_tx_recipient *r = &g_array_index(tx->recipients, sr_tx_recipient, i);

        if (r->rcpt.code / 100 == 2 && rank-- == 0)
            return r;
    }
    return NULL;
}

static void
take_queue_id(sr_transaction *tx, const sr_reply *whole)
{
    char id[SR_QUEUE_ID_MAX + 1];

    if (tx->queue_id || whole->code / 100 != 2)
        return;
    for (guint i = 0; i < whole->lines->len; i++) {
        gsize len;
        const guint8 *text = sr_reply_line_text(whole, i, &len);
        const char *source = sr_queue_id_find(text, len, id);

        if (source) {
            tx->queue_id = keep_string(tx, id, strlen(id));
            tx->queue_id_source = source;
            return;
        }
    }
}

void
sr_transaction_delivery(sr_transaction *tx, gint index, const sr_tx_reply *reply,
                        const sr_reply *whole)
{
    guint decided = index < 0 ? tx->rcpt_accepted : 1;

    if (index < 0) {
        for (guint i = 0; i < tx->recipients->len; i++) {
            sr_tx_recipient *r = &g_array_index(tx->recipients, sr_tx_recipient, i);

            if (r->rcpt.code / 100 == 2)
                r->data = *reply;
        }
    } else {
        sr_tx_recipient *r = accepted_recipient(tx, (guint)index);

        if (r)
            r->data = *reply;
    }
    if (reply->code / 100 == 2)
        tx->delivered += decided;
    else
        tx->refused_later += decided;
    take_queue_id(tx, whole);
}

/* A refusal's status: for good (5yz) or for now (4yz and anything else). */
static sr_tx_status
refused(guint code)
{
    return code / 100 == 5 ? SR_TX_REJECTED : SR_TX_DEFERRED;
}

void
sr_transaction_close(sr_transaction *tx, sr_tx_end end, gint64 end_us, guint64 end_frame)
{
    tx->end = end;
    tx->end_us = end_us;
    tx->end_frame = end_frame;
    if (tx->mail.present && tx->mail.code / 100 != 2) {
        tx->status = refused(tx->mail.code);
    } else if (tx->delivered + tx->refused_later > 0) {
        /* Some delivery reply came: what became of the message. */
        if (tx->refused_later == 0)
            tx->status = tx->delivered == tx->rcpt_total ? SR_TX_ACCEPTED : SR_TX_PARTIAL;
        else if (tx->delivered > 0)
            tx->status = SR_TX_PARTIAL;
        else
            tx->status = refused(tx->last_code);
        /* An LMTP session that closed before every recipient's reply. */
        if (tx->delivered + tx->refused_later < tx->rcpt_accepted && end != SR_TX_END_DATA
                && tx->status == SR_TX_ACCEPTED)
            tx->status = SR_TX_PARTIAL;
    } else if (tx->rcpt_total > 0 && tx->rcpt_accepted == 0) {
        /* Every recipient refused: deferred if any may be tried again. */
        tx->status = SR_TX_REJECTED;
        for (guint i = 0; i < tx->recipients->len; i++) {
            if (g_array_index(tx->recipients, sr_tx_recipient, i).rcpt.code / 100 != 5)
                tx->status = SR_TX_DEFERRED;
        }
    } else if (tx->data.present && tx->data.code != 354 && tx->data.code / 100 != 2) {
        tx->status = refused(tx->data.code);
    } else if (end == SR_TX_END_CLOSED) {
        tx->status = SR_TX_DEFERRED;
    } else if (end == SR_TX_END_CONNECTION || end == SR_TX_END_INTERRUPTED) {
        tx->status = SR_TX_UNFINISHED;
    } else {
        tx->status = SR_TX_ABORTED;
    }
}

sr_tx_storage
sr_transaction_release(sr_transaction *tx)
{
    sr_tx_storage kept = { tx->recipients, tx->strings };

    if (kept.recipients)
        g_array_set_size(kept.recipients, 0);
    if (kept.strings)
        g_string_chunk_clear(kept.strings);
    memset(tx, 0, sizeof *tx);
    return kept;
}

void
sr_tx_storage_free(sr_tx_storage *storage)
{
    if (storage->recipients)
        g_array_free(storage->recipients, TRUE);
    if (storage->strings)
        g_string_chunk_free(storage->strings);
    memset(storage, 0, sizeof *storage);
}

void
sr_transaction_clear(sr_transaction *tx)
{
    sr_tx_storage kept = sr_transaction_release(tx);

    sr_tx_storage_free(&kept);
}
