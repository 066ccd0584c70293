/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sr_session.h"

#include <string.h>

#include "sr_argument.h"
#include "sr_internal.h"

/* Blocks of an EHLO reply's parameters (the capabilities' text): the usual
 * reply's fit in one. */
#define SR_CAP_TEXT_BLOCK 256

static const struct {
    const char        *keyword;
    sr_capability_kind kind;
} capability_names[] = {
    { "SIZE", SR_CAP_SIZE },
    { "PIPELINING", SR_CAP_PIPELINING },
    { "8BITMIME", SR_CAP_8BITMIME },
    { "STARTTLS", SR_CAP_STARTTLS },
    { "AUTH", SR_CAP_AUTH },
    { "ENHANCEDSTATUSCODES", SR_CAP_ENHANCEDSTATUSCODES },
    { "CHUNKING", SR_CAP_CHUNKING },
    { "SMTPUTF8", SR_CAP_SMTPUTF8 },
    { "DSN", SR_CAP_DSN },
    { "BINARYMIME", SR_CAP_BINARYMIME },
};

const char *
sr_capability_kind_name(sr_capability_kind kind)
{
    for (gsize i = 0; i < G_N_ELEMENTS(capability_names); i++) {
        if (capability_names[i].kind == kind)
            return capability_names[i].keyword;
    }
    return "other";
}

static void
add_anomaly(sr_session *s, sr_anomaly_kind kind, const sr_reply *reply, const char *detail)
{
    sr_anomaly a = {
        .kind = kind,
        .offset = reply->offset,
        .length = 3,
        .detail = detail,
    };

    g_array_append_val(s->exchange.anomalies, a);
}

/* Copies printable ASCII from SRC into DST (SIZE bytes), upper-casing if asked. */
static void
copy_printable(char *dst, gsize size, const guint8 *src, gsize len, gboolean upper)
{
    gsize n = 0;

    for (gsize i = 0; i < len && n + 1 < size; i++) {
        char ch = g_ascii_isprint(src[i]) ? (char)src[i] : '?';

        /* Not g_ascii_toupper(): a call per byte, for every EHLO line. */
        dst[n++] = upper && ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
    }
    dst[n] = '\0';
}

/* Keywords and parameters of an EHLO reply (RFC 5321 4.1.1.1): every line
 * but the first, which names the server.  A reply that was cut is read as
 * far as it goes and its rest adds to it. */
static void
read_capabilities(sr_session *s, const sr_reply *reply)
{
    sr_capabilities *caps = &s->capabilities;
    gboolean rest_of_cut = s->capabilities_cut && s->pairing_rest;

    if (!rest_of_cut) {
        g_array_set_size(caps->list, 0);
        g_string_chunk_clear(caps->text);
        caps->has_size = FALSE;
        caps->size = 0;
    } else {
        for (guint i = 0; i < caps->list->len; i++)
            g_array_index(caps->list, sr_capability, i).line = SR_CAP_LINE_EARLIER;
    }
    s->capabilities_cut = sr_reply_was_cut(reply);
    /* The rest of a cut reply adds to the list: a server that never ends
     * its EHLO reply must not make it grow without end. */
    for (guint i = rest_of_cut ? 0 : 1;
         i < reply->lines->len && caps->list->len < SR_MAX_CAPABILITIES; i++) {
        sr_capability cap = { .kind = SR_CAP_OTHER, .line = i };
        char params[SR_CAP_PARAMS_MAX + 1];
        gsize len, kw = 0, rest;
        const guint8 *text = sr_reply_line_text(reply, i, &len);

        /* A line the gap cut short names no keyword for sure. */
        if (sr_reply_line_get(reply, i)->term == SR_TERM_NONE)
            continue;

        /* "AUTH=LOGIN" is the pre-standard spelling of "AUTH LOGIN". */
        while (kw < len && text[kw] != ' ' && text[kw] != '=')
            kw++;
        if (kw == 0)
            continue;
        copy_printable(cap.keyword, sizeof cap.keyword, text, kw, TRUE);
        rest = kw < len ? kw + 1 : len;
        copy_printable(params, sizeof params, text + rest, len - rest, FALSE);
        /* Kept apart, at their length: a list of fixed-size entries
         * would hold 256 bytes for each "PIPELINING". */
        cap.params = g_string_chunk_insert(caps->text, params);
        for (gsize k = 0; k < G_N_ELEMENTS(capability_names); k++) {
            if (cap.keyword[0] == capability_names[k].keyword[0]
                    && strcmp(cap.keyword, capability_names[k].keyword) == 0) {
                cap.kind = capability_names[k].kind;
                break;
            }
        }
        if (cap.kind == SR_CAP_SIZE && g_ascii_isdigit(cap.params[0])) {
            caps->has_size = TRUE;
            caps->size = g_ascii_strtoull(cap.params, NULL, 10);
            caps->size_index = caps->list->len;
        }
        g_array_append_val(caps->list, cap);
    }
}

static gboolean
offers(const sr_capabilities *caps, sr_capability_kind kind)
{
    for (guint i = 0; i < caps->list->len; i++) {
        if (g_array_index(caps->list, sr_capability, i).kind == kind)
            return TRUE;
    }
    return FALSE;
}

/* Takes N bytes of the budget, if the session's and the pool's allow. */
static gboolean
charge(sr_session *s, gsize n)
{
    if (s->kept_bytes + n > s->max_session_bytes || (s->pool && s->pool->used + n > s->pool->max))
        return FALSE;
    s->kept_bytes += n;
    if (s->pool)
        s->pool->used += n;
    return TRUE;
}

static void
refund(sr_session *s, gsize n)
{
    s->kept_bytes -= n;
    if (s->pool)
        s->pool->used -= n;
}

/* The oldest command awaiting a reply is answered, or given up. */
static void
pop_pending(sr_session *s)
{
    g_free(g_queue_pop_head(&s->pending));
    refund(s, SR_PENDING_COMMAND_BYTES);
    /* While LMTP replies were due, the head was their end of data. */
    s->lmtp_left = 0;
}

static void
clear_pending(sr_session *s)
{
    refund(s, g_queue_get_length(&s->pending) * SR_PENDING_COMMAND_BYTES);
    g_queue_clear_full(&s->pending, g_free);
}

/* The open transaction ends: handed over after the exchange in progress. */
static void
close_transaction(sr_session *s, sr_tx_end end)
{
    if (!s->tx_open)
        return;
    sr_transaction_close(&s->tx, end, s->exchange.reply_time_us,
                         s->exchange.reply_time_us < 0 ? 0 : s->exchange.reply_frame);
    refund(s, s->tx_kept * SR_TX_RECIPIENT_BYTES);
    s->tx_kept = 0;
    if (s->tx_done_ready)
        sr_transaction_clear(&s->tx_done);
    s->tx_done = s->tx;
    s->tx_done_ready = TRUE;
    memset(&s->tx, 0, sizeof s->tx);
    s->tx_open = FALSE;
}

static void
hand_over_transaction(sr_session *s)
{
    if (!s->tx_done_ready)
        return;
    if (s->cb.transaction)
        s->cb.transaction(&s->tx_done, s->user_data);
    if (s->tx_spare.recipients)
        sr_transaction_clear(&s->tx_done);
    else
        s->tx_spare = sr_transaction_release(&s->tx_done);
    s->tx_done_ready = FALSE;
}

static gboolean
ends_data(const sr_command *cmd)
{
    return cmd->kind == SR_CMD_END_OF_DATA || (cmd->kind == SR_CMD_BDAT && cmd->bdat_last);
}

/* RSET, QUIT and a new hello end the transaction, whatever their reply. */
static void
end_by_command(sr_session *s, const sr_command *cmd)
{
    switch (cmd->kind) {
    case SR_CMD_RSET:
        close_transaction(s, SR_TX_END_RSET);
        break;
    case SR_CMD_QUIT:
        close_transaction(s, SR_TX_END_QUIT);
        break;
    case SR_CMD_HELO:
    case SR_CMD_EHLO:
    case SR_CMD_LHLO:
        close_transaction(s, SR_TX_END_HELLO);
        break;
    default:
        break;
    }
}

/* MAIL begins a transaction, whatever its REPLY (NULL: a gap took it). */
static void
begin_transaction(sr_session *s, const sr_command *cmd, const sr_reply *reply)
{
    sr_path path;
    guint64 size;

    close_transaction(s, SR_TX_END_MAIL);
    if (!sr_path_parse(cmd, &path))
        path.address = NULL;
    sr_transaction_begin(&s->tx, ++s->tx_depth, s->helo, s->lmtp, s->tls, path.address,
                         path.address_len, cmd->time_us, &s->tx_spare);
    s->tx_open = TRUE;
    if (reply)
        sr_transaction_reply(&s->tx, &s->tx.mail, reply, s->exchange.reply_time_us,
                             s->exchange.reply_frame);
    if (sr_mail_size(cmd, &size)) {
        s->tx.has_declared_size = TRUE;
        s->tx.declared_size = size;
    }
}

/* RCPT names a recipient, with its REPLY (NULL: a gap took it). */
static void
add_recipient(sr_session *s, const sr_command *cmd, const sr_reply *reply)
{
    sr_tx_reply r = { 0 };
    sr_path path;
    gboolean keep;

    if (!s->tx_open)
        return;
    keep = s->tx.recipients->len < SR_TX_MAX_RECIPIENTS && charge(s, SR_TX_RECIPIENT_BYTES);
    s->tx_kept += keep;
    /* Only what is kept takes room: the rest is counted by its code. */
    if (keep && reply)
        sr_transaction_reply(&s->tx, &r, reply, s->exchange.reply_time_us,
                             s->exchange.reply_frame);
    else if (reply)
        r.code = reply->code;
    if (sr_path_parse(cmd, &path))
        sr_transaction_add_recipient(&s->tx, path.address, path.address_len, &r, keep);
    else if (cmd->argument_len)
        sr_transaction_add_recipient(&s->tx, cmd->argument, cmd->argument_len, &r, keep);
    else    /* a bare RCPT: no address at all, not the null path */
        sr_transaction_add_recipient(&s->tx, NULL, 0, &r, keep);
}

/* What a reply does to the mail transaction (RFC 5321 3.3, RFC 2033 4.2). */
static void
track_transaction(sr_session *s, const sr_command *cmd, const sr_reply *reply)
{
    const sr_exchange *ex = &s->exchange;
    sr_tx_reply r = { 0 };

    /* The rest of a cut reply was counted with its first part. */
    if (s->pairing_rest)
        return;
    switch (cmd->kind) {
    case SR_CMD_MAIL:
        begin_transaction(s, cmd, reply);
        break;
    case SR_CMD_RCPT:
        add_recipient(s, cmd, reply);
        break;
    case SR_CMD_DATA:
        if (!s->tx_open)
            break;
        sr_transaction_reply(&s->tx, &s->tx.data, reply, ex->reply_time_us, ex->reply_frame);
        s->data_body_start = cmd->offset + cmd->length;
        break;
    case SR_CMD_BDAT:
    case SR_CMD_END_OF_DATA:
        if (!s->tx_open)
            break;
        /* LMTP's LAST chunk gets a reply per recipient: counted once. */
        if (cmd->kind == SR_CMD_BDAT && !(s->lmtp && ends_data(cmd) && s->lmtp_current > 0)) {
            s->tx.has_size = TRUE;
            s->tx.size += cmd->bdat_size;
        } else if (cmd->offset != SR_NOT_READ && s->tx.data.present
                   && cmd->offset >= s->data_body_start) {
            s->tx.has_size = TRUE;
            s->tx.size = cmd->offset - s->data_body_start;
        }
        if (!ends_data(cmd)) {
            /* A chunk refused is the message refused (RFC 3030 4.2). */
            if (reply->code / 100 != 2)
                sr_transaction_reply(&s->tx, &s->tx.data, reply, ex->reply_time_us, ex->reply_frame);
            break;
        }
        sr_transaction_reply(&s->tx, &r, reply, ex->reply_time_us, ex->reply_frame);
        sr_transaction_delivery(&s->tx, s->lmtp ? (gint)s->lmtp_current : -1, &r, reply);
        sr_transaction_last(&s->tx, reply);
        if (!s->lmtp || s->lmtp_left == 0)
            close_transaction(s, SR_TX_END_DATA);
        return;
    default:
        break;
    }
    if (s->tx_open)
        sr_transaction_last(&s->tx, reply);
    if (cmd->kind == SR_CMD_STARTTLS && reply->code == 220)
        close_transaction(s, SR_TX_END_STARTTLS);
    else
        end_by_command(s, cmd);
    /* A server may close with 421 at any time (RFC 5321 3.8). */
    if (reply->code == 421)
        close_transaction(s, SR_TX_END_CLOSED);
}

/* TLS began: with the tls callback, its reader reads it, and frames the
 * records for the decryptor, if there is one. */
static void
start_tls_reader(sr_session *s)
{
    if (!s->cb.tls || s->tls_reader)
        return;
    s->tls_reader = sr_tls_new();
    if (s->decryptor)
        sr_tls_set_record_funcs(s->tls_reader, s->decryptor, s->decryptor_data);
}

/* What an answered command changes in the conversation. */
static void
follow(sr_session *s, const sr_command *cmd, const sr_reply *reply)
{
    guint code = reply->code;
    const char *domain;
    gsize domain_len;

    if (cmd->kind == SR_CMD_LHLO)
        s->lmtp = TRUE;
    if ((domain = sr_hello_domain(cmd, &domain_len)) && !s->pairing_rest) {
        g_free(s->helo);
        s->helo = g_strndup(domain, domain_len);
    }
    track_transaction(s, cmd, reply);
    switch (cmd->kind) {
    case SR_CMD_EHLO:
    case SR_CMD_LHLO:
        if (code == 250) {
            /* Lines lost in a gap may have offered it: then nobody knows. */
            gboolean partial = !reply->complete || sr_reply_has_anomaly(reply, SR_ANOM_GAP)
                               || sr_reply_has_anomaly(reply, SR_ANOM_RESYNC);

            read_capabilities(s, reply);
            s->exchange.capabilities = &s->capabilities;
            s->hello_done = TRUE;
            s->enhanced_offered = offers(&s->capabilities, SR_CAP_ENHANCEDSTATUSCODES) || partial
                                  || s->capabilities_cut;
        }
        break;
    case SR_CMD_HELO:
        if (code == 250) {
            s->hello_done = TRUE;
            s->enhanced_offered = FALSE;
        }
        break;
    case SR_CMD_DATA:
        /* What the client sent after DATA is the message after 354, and
         * commands after anything else (held until now: sr_command.h). */
        if (code == 354)
            sr_client_set_mode(&s->client, SR_CLIENT_BODY);
        else if (s->client.mode == SR_CLIENT_HOLD || s->client.mode == SR_CLIENT_BODY)
            sr_client_set_mode(&s->client, SR_CLIENT_COMMANDS);
        break;
    case SR_CMD_AUTH:
    case SR_CMD_AUTH_RESPONSE:
        if (code == 334)
            sr_client_set_mode(&s->client, SR_CLIENT_AUTH_RESPONSE);
        break;
    case SR_CMD_STARTTLS:
        if (code == 220) {
            s->tls = TRUE;
            s->ended = TRUE;
            sr_client_set_mode(&s->client, SR_CLIENT_TLS);
            /* The client's next bytes are its ClientHello, and the
             * server's, after this reply, its ServerHello (RFC 3207 4). */
            s->tls_via = SR_TLS_VIA_STARTTLS;
            s->tls_starttls_frame = s->server_frame;
            s->tls_server_start = reply->end;
            start_tls_reader(s);
        }
        break;
    case SR_CMD_QUIT:
        if (code == 221)
            s->ended = TRUE;
        break;
    default:
        break;
    }
}

/*
 * A command whose reply a gap took still did its part in the transaction,
 * as far as the command alone tells: MAIL began one (its reply unknown),
 * RCPT named a recipient (its reply unknown, so not counted as accepted),
 * and RSET, QUIT and a new hello ended it.  What the end of the data
 * decided is not known, so a lost reply to it decides nothing.
 */
static void
track_lost(sr_session *s, const sr_command *cmd)
{
    switch (cmd->kind) {
    case SR_CMD_MAIL:
        begin_transaction(s, cmd, NULL);
        break;
    case SR_CMD_RCPT:
        add_recipient(s, cmd, NULL);
        break;
    default:
        end_by_command(s, cmd);
        break;
    }
    /* Two transactions may end in one gap: each is handed over. */
    hand_over_transaction(s);
}

/*
 * Replies were lost in a gap: the commands they answered are still pending.
 * A client waits for a reply before it sends more, except within a
 * pipelined group (RFC 2920), which leaves in one segment: so every group
 * before the newest one was answered in the gap.
 */
static void
drop_answered_in_gap(sr_session *s)
{
    sr_command *newest = g_queue_peek_tail(&s->pending);
    sr_command *oldest;

    while ((oldest = g_queue_peek_head(&s->pending)) && oldest->frame != newest->frame) {
        track_lost(s, oldest);
        pop_pending(s);
    }
}

/*
 * Which command REPLY answers, into OUT; FALSE when none was waiting.  A
 * reply that was cut (by a gap or a cap) leaves its command waiting: its
 * rest carries the same code and answers the same command.
 */
static gboolean
find_command(sr_session *s, const sr_reply *reply, sr_command *out)
{
    gboolean cut = sr_reply_was_cut(reply);
    gboolean from_queue = FALSE;
    gboolean greeting_lost = FALSE;
    gboolean pop;

    s->pairing_rest = FALSE;
    if (s->cut_pending) {
        s->cut_pending = FALSE;
        if (reply->code == s->cut_code) {
            *out = s->cut_command;
            from_queue = s->cut_from_queue;
            s->after_gap = FALSE;
            s->pairing_rest = TRUE;
            goto found;
        }
        /* Another reply: the cut one was all of its answer. */
        if (s->cut_from_queue)
            pop_pending(s);
    }
    if (s->after_gap) {
        /* Lost before any reply while the client spoke: the greeting was
         * among what was lost, since clients wait for it. */
        greeting_lost = !s->greeted && !g_queue_is_empty(&s->pending);
        drop_answered_in_gap(s);
        s->after_gap = FALSE;
    }
    /* A connection's first reply is its greeting, even if an eager client
     * has already sent commands, unless a gap took the greeting. */
    if (!s->greeted && !s->midstream && !greeting_lost) {
        *out = (sr_command){ .kind = SR_CMD_GREETING, .offset = SR_NOT_READ, .time_us = -1 };
    } else if (s->client.mode == SR_CLIENT_BODY && g_queue_is_empty(&s->pending)) {
        /* A server answers a message only after its final dot: if a reply
         * comes while the body is still being read, a gap took the dot. */
        sr_client_set_mode(&s->client, SR_CLIENT_COMMANDS);
        *out = (sr_command){ .kind = SR_CMD_END_OF_DATA, .offset = SR_NOT_READ, .time_us = -1 };
    } else if (g_queue_peek_head(&s->pending)) {
        *out = *(const sr_command *)g_queue_peek_head(&s->pending);
        from_queue = TRUE;
    } else if (s->pending_dropped > 0) {
        /* It answers a command not kept for want of budget. */
        s->pending_dropped--;
        s->answers_dropped = TRUE;
        return FALSE;
    } else {
        return FALSE;
    }
found:
    pop = from_queue;
    /* LMTP: the end of the data gets a reply per accepted recipient, in
     * order; they are all known by now, since DATA's 354 came after them. */
    if (from_queue && !s->pairing_rest && s->lmtp && ends_data(out)) {
        if (s->lmtp_left == 0) {
            s->lmtp_left = MAX(1u, s->tx_open ? s->tx.rcpt_accepted : 1u);
            s->lmtp_rank = 0;
        }
        s->lmtp_current = s->lmtp_rank++;
        pop = --s->lmtp_left == 0;
    }
    if (cut) {
        s->cut_pending = TRUE;
        s->cut_code = reply->code;
        s->cut_command = *out;
        s->cut_from_queue = pop;
    } else if (pop) {
        pop_pending(s);
    }
    return TRUE;
}

void
sr_session_pair(sr_session *s, const sr_reply *reply, gint64 reply_time_us, guint64 frame)
{
    sr_exchange *ex = &s->exchange;

    if (s->tls && !s->tls_plain)
        return;
    ex->tls = s->tls_plain;
    ex->reply_time_us = reply_time_us;
    ex->reply_frame = frame;
    ex->latency_us = -1;
    ex->capabilities = NULL;
    ex->recipient = NULL;
    ex->greeting_wait_us = -1;
    s->answers_dropped = FALSE;
    g_array_set_size(ex->anomalies, 0);

    /* Even a malformed line, where a reply is due, is the server's answer:
     * pairing it keeps the replies after it with their own commands. */
    ex->has_command = find_command(s, reply, &ex->command);
    ex->reason = sr_reason_find(reply, ex->has_command ? ex->command.kind : SR_CMD_COUNT);
    /* A reply whose first bytes came before its command was sent has no
     * latency to speak of: unknown, not negative. */
    if (ex->has_command && ex->command.time_us >= 0 && reply_time_us >= ex->command.time_us)
        ex->latency_us = reply_time_us - ex->command.time_us;
    else if (s->answers_dropped) {
        if (!s->overflow_told)
            add_anomaly(s, SR_ANOM_PIPELINE_OVERFLOW, reply, NULL);
        s->overflow_told = TRUE;
    } else if (!ex->has_command && (!s->midstream || s->seen_command) && reply->code != 421)
        /* Not a 421: a server may close with it at any time (RFC 5321 3.8). */
        add_anomaly(s, SR_ANOM_UNEXPECTED_REPLY, reply, NULL);
    s->greeted = TRUE;
    /* Answering anything, or nothing: the server closes (RFC 5321 3.8). */
    if (reply->code == 421) {
        s->ended = TRUE;
        /* Unsolicited, it still ends the transaction (a 421 answering a
         * command does so in track_transaction). */
        if (!ex->has_command && s->tx_open) {
            sr_transaction_last(&s->tx, reply);
            close_transaction(s, SR_TX_END_CLOSED);
        }
    }

    if (ex->has_command && ex->command.kind == SR_CMD_GREETING && s->connect_us >= 0
            && reply_time_us >= s->connect_us)
        ex->greeting_wait_us = reply_time_us - s->connect_us;
    if (ex->has_command) {
        if (reply->code && !sr_command_allows(ex->command.kind, reply->code))
            add_anomaly(s, SR_ANOM_CODE_NOT_ALLOWED, reply,
                        sr_command_allowed_text(ex->command.kind));
        follow(s, &ex->command, reply);
        if (s->lmtp && ends_data(&ex->command)) {
            const sr_transaction *tx = s->tx_open ? &s->tx : s->tx_done_ready ? &s->tx_done : NULL;
            guint rank = s->lmtp_current;

            for (guint i = 0; tx && i < tx->recipients->len; i++) {
                const sr_tx_recipient *r = &g_array_index(tx->recipients, sr_tx_recipient, i);

                if (r->rcpt.code / 100 == 2 && rank-- == 0) {
                    ex->recipient = r->address;
                    break;
                }
            }
        }
    }
    if (s->hello_done && !s->enhanced_offered && sr_reply_enhanced(reply)
            && !(ex->has_command
                 && (ex->command.kind == SR_CMD_EHLO || ex->command.kind == SR_CMD_HELO
                     || ex->command.kind == SR_CMD_LHLO)))
        add_anomaly(s, SR_ANOM_ENH_NOT_ADVERTISED, reply, NULL);
    /* A reply the reader stopped in was never all there: it is not judged. */
    if (reply->interrupted)
        g_array_set_size(ex->anomalies, 0);

    s->cb.exchange(reply, ex, s->user_data);
    hand_over_transaction(s);
}

static void
on_command(const sr_command *read, gpointer user_data)
{
    sr_session *s = user_data;
    const sr_command *newest = g_queue_peek_tail(&s->pending);
    sr_command answer;
    const sr_command *command = read;

    /* Until an AUTH exchange has its final reply the client sends nothing
     * but answers to challenges (RFC 4954 4): if a gap took the 334, this
     * line is such an answer, and its bytes must not become a verb. */
    if (newest && (newest->kind == SR_CMD_AUTH || newest->kind == SR_CMD_AUTH_RESPONSE)
            && read->kind != SR_CMD_AUTH_RESPONSE) {
        answer = *read;
        answer.kind = SR_CMD_AUTH_RESPONSE;
        memset(answer.verb, 0, sizeof answer.verb);
        command = &answer;
    }

    s->seen_command = TRUE;
    if (s->cb.command)
        s->cb.command(command, s->user_data);
    /* A client that never waits must not make memory grow.  Past the
     * budget the newest is not kept: the oldest are the next to be
     * answered.  Until every command not kept has had its reply, none is
     * kept, so that the replies after those pair again with their own. */
    if (s->pending_dropped > 0 || !charge(s, SR_PENDING_COMMAND_BYTES)) {
        s->pending_dropped++;
        return;
    }
    g_queue_push_tail(&s->pending, g_memdup2(command, sizeof *command));
}

static void
on_server_reply(const sr_reply *reply, gpointer user_data)
{
    sr_session *s = user_data;

    /* A reply that began in the feed in progress began now, whatever lines
     * were skipped before it while resynchronising. */
    sr_session_pair(s, reply, reply->offset >= s->server_feed_offset ? s->server_now_us
                                                                      : s->reply_time_us,
                    s->server_frame);
}

void
sr_session_init(sr_session *s, const sr_config *cfg, const sr_session_callbacks *cb,
                gpointer user_data)
{
    *s = (sr_session){ 0 };
    s->cb = *cb;
    s->user_data = user_data;
    g_queue_init(&s->pending);
    sr_client_init(&s->client, on_command, s);
    sr_parser_init(&s->server, cfg, on_server_reply, s);
    /* 0, as in a configuration made field by field: the default. */
    s->max_session_bytes = s->server.config.max_session_bytes ? s->server.config.max_session_bytes
                                                              : SR_DEFAULT_MAX_SESSION_BYTES;
    s->pool = s->server.config.pool;
    s->connect_us = -1;
    s->exchange.anomalies = g_array_new(FALSE, TRUE, sizeof(sr_anomaly));
    s->capabilities.list = g_array_sized_new(FALSE, TRUE, sizeof(sr_capability), 12);
    s->capabilities.text = g_string_chunk_new(SR_CAP_TEXT_BLOCK);
}

void
sr_session_reset(sr_session *s, gpointer user_data)
{
    sr_session kept;

    clear_pending(s);
    refund(s, s->tx_kept * SR_TX_RECIPIENT_BYTES);
    g_free(s->helo);
    sr_transaction_clear(&s->tx);
    sr_transaction_clear(&s->tx_done);
    if (s->tls_reader)
        sr_tls_free(s->tls_reader);
    kept = *s;
    *s = (sr_session){ 0 };
    s->max_session_bytes = kept.max_session_bytes;
    s->pool = kept.pool;
    s->tx_spare = kept.tx_spare;
    s->connect_us = -1;
    s->cb = kept.cb;
    s->user_data = user_data;
    g_queue_init(&s->pending);
    s->client = kept.client;
    sr_client_reset(&s->client);
    s->server = kept.server;
    sr_parser_reset(&s->server);
    s->exchange.anomalies = kept.exchange.anomalies;
    g_array_set_size(s->exchange.anomalies, 0);
    s->capabilities.list = kept.capabilities.list;
    g_array_set_size(s->capabilities.list, 0);
    s->capabilities.text = kept.capabilities.text;
    g_string_chunk_clear(s->capabilities.text);
}

void
sr_session_clear(sr_session *s)
{
    sr_client_clear(&s->client);
    sr_parser_clear(&s->server);
    clear_pending(s);
    refund(s, s->tx_kept * SR_TX_RECIPIENT_BYTES);
    s->tx_kept = 0;
    g_free(s->helo);
    s->helo = NULL;
    sr_transaction_clear(&s->tx);
    sr_transaction_clear(&s->tx_done);
    sr_tx_storage_free(&s->tx_spare);
    if (s->tls_reader)
        sr_tls_free(s->tls_reader);
    s->tls_reader = NULL;
    if (s->exchange.anomalies)
        g_array_free(s->exchange.anomalies, TRUE);
    if (s->capabilities.list)
        g_array_free(s->capabilities.list, TRUE);
    if (s->capabilities.text)
        g_string_chunk_free(s->capabilities.text);
    s->capabilities.text = NULL;
    s->exchange.anomalies = s->capabilities.list = NULL;
}

sr_session *
sr_session_new(const sr_config *cfg, const sr_session_callbacks *cb, gpointer user_data)
{
    sr_session *s = g_new(sr_session, 1);

    sr_session_init(s, cfg, cb, user_data);
    return s;
}

void
sr_session_free(sr_session *s)
{
    if (!s)
        return;
    sr_session_clear(s);
    g_free(s);
}

static void feed_tls(sr_session *s, gboolean client, const guint8 *data, gsize len,
                     guint64 frame);
static void gap_tls(sr_session *s, gboolean client, guint64 missing, guint64 frame);
static void tell_tls(sr_session *s, gboolean final, gboolean interrupted);
static void server_feed(sr_session *s, const guint8 *data, gsize len, gint64 time_us,
                        guint64 frame);

void
sr_session_client(sr_session *s, const guint8 *data, gsize len, gint64 time_us, guint64 frame)
{
    /* A client waits for the 220 to STARTTLS before its ClientHello
     * (RFC 3207 4), so TLS begins at a feed of its own. */
    if (s->tls) {
        s->tls_client_frame = frame;
        feed_tls(s, TRUE, data, len, frame);
    } else {
        sr_client_feed(&s->client, data, len, time_us, frame);
    }
}

gint64
sr_time_us(gint64 sec, gint64 usec)
{
    const gint64 limit_s = SR_TIME_LIMIT_US / G_USEC_PER_SEC;
    gint64 us;

    if (sec >= limit_s)
        return SR_TIME_LIMIT_US;
    if (sec <= -limit_s)
        return -SR_TIME_LIMIT_US;
    usec = CLAMP(usec, -(gint64)G_MAXUINT32, (gint64)G_MAXUINT32);
    us = sec * G_USEC_PER_SEC + usec;
    return CLAMP(us, -SR_TIME_LIMIT_US, SR_TIME_LIMIT_US);
}

void
sr_session_client_gap(sr_session *s, guint64 missing)
{
    if (s->tls) {
        gap_tls(s, TRUE, missing, s->tls_client_frame);
        return;
    }
    sr_client_gap(&s->client, missing);
}

void
sr_session_server(sr_session *s, const guint8 *data, gsize len, gint64 time_us, guint64 frame)
{
    if (s->tls) {
        s->server_frame = frame;
        feed_tls(s, FALSE, data, len, frame);
        return;
    }
    server_feed(s, data, len, time_us, frame);
}

static void
server_feed(sr_session *s, const guint8 *data, gsize len, gint64 time_us, guint64 frame)
{
    gboolean was_tls = s->tls;

    s->server_now_us = time_us;
    s->server_frame = frame;
    s->server_feed_offset = s->server.framer.offset;
    sr_parser_feed(&s->server, data, len);
    /* The 220 to STARTTLS came in this feed: what follows it is TLS. */
    if (s->tls && !was_tls && s->tls_server_start >= s->server_feed_offset
            && s->tls_server_start - s->server_feed_offset < len) {
        gsize skip = (gsize)(s->tls_server_start - s->server_feed_offset);

        feed_tls(s, FALSE, data + skip, len - skip, frame);
    }
    /* When what is left pending (a reply, or a line that may begin one)
     * starts in this feed, it began now: a later feed that ends it dates
     * it from here. */
    if (sr_parser_pending_offset(&s->server) >= s->server_feed_offset)
        s->reply_time_us = time_us;
}

void
sr_session_server_gap(sr_session *s, guint64 missing)
{
    if (s->tls) {
        gap_tls(s, FALSE, missing, s->server_frame);
        return;
    }
    sr_parser_gap(&s->server, missing);
    s->after_gap = TRUE;
}

void
sr_session_connected(sr_session *s, gint64 time_us)
{
    s->connect_us = time_us;
}

void
sr_session_resync(sr_session *s)
{
    s->midstream = TRUE;
    sr_parser_resync(&s->server);
    sr_client_resync(&s->client);
}

/* The end of the conversation, or of the reading (INTERRUPTED): the open
 * reply, the open transaction, then the commands still waiting, which are
 * unanswered only if the conversation really ended. */
static void
end_session(sr_session *s, gboolean interrupted)
{
    sr_command *cmd;

    if (!s->tls || s->tls_plain) {
        if (interrupted)
            sr_parser_interrupt(&s->server);
        else
            sr_parser_finish(&s->server);
    }
    /* A reply a gap cut, whose rest never came, was all of its answer. */
    if (s->cut_pending && s->cut_from_queue)
        pop_pending(s);
    s->cut_pending = FALSE;
    /* An LMTP end of data that had some of its replies was answered. */
    if (s->lmtp_left > 0)
        pop_pending(s);
    if (s->tx_open) {
        s->exchange.reply_time_us = -1;
        close_transaction(s, interrupted ? SR_TX_END_INTERRUPTED : SR_TX_END_CONNECTION);
        hand_over_transaction(s);
    }
    while ((cmd = g_queue_pop_head(&s->pending))) {
        refund(s, SR_PENDING_COMMAND_BYTES);
        if (s->cb.unanswered && !interrupted)
            s->cb.unanswered(cmd, s->user_data);
        g_free(cmd);
    }
    tell_tls(s, TRUE, interrupted);
}

void
sr_session_finish(sr_session *s)
{
    end_session(s, FALSE);
}

void
sr_session_interrupt(sr_session *s)
{
    end_session(s, TRUE);
}

gboolean
sr_session_in_tls(const sr_session *s)
{
    return s->tls;
}

gboolean
sr_session_ended(const sr_session *s)
{
    return s->ended;
}

sr_server_side
sr_server_side_of(guint16 sport, guint16 dport, gboolean sport_server, gboolean dport_server,
                  guint16 handshake_port, gboolean syn, gboolean ack)
{
    if (handshake_port && handshake_port != sport && handshake_port == dport)
        return SR_SERVER_DESTINATION;
    if (handshake_port && handshake_port == sport && handshake_port != dport)
        return SR_SERVER_SOURCE;
    if (sport_server != dport_server)
        return sport_server ? SR_SERVER_SOURCE : SR_SERVER_DESTINATION;
    if (syn)
        return ack ? SR_SERVER_SOURCE : SR_SERVER_DESTINATION;
    return sport < dport ? SR_SERVER_SOURCE : SR_SERVER_DESTINATION;
}

/* Hands the handshake over once: as soon as its outcome is settled, or at
 * the end (FINAL) whatever it is. */
static void
tell_tls(sr_session *s, gboolean final, gboolean interrupted)
{
    const sr_tls_info *info;
    sr_tls_event ev;

    if (!s->tls_reader || s->tls_told)
        return;
    if (final && !interrupted)
        sr_tls_finish(s->tls_reader);
    info = sr_tls_info_get(s->tls_reader);
    /* With a decryptor, at the end: the caller then knows what became of
     * decryption too. */
    if (!final && (info->outcome == SR_TLS_UNKNOWN || s->decryptor))
        return;
    s->tls_told = TRUE;
    ev = (sr_tls_event){
        .info = info,
        .via = s->tls_via,
        .starttls_frame = s->tls_starttls_frame,
        .anomaly = SR_ANOM_COUNT,
        .interrupted = interrupted && info->outcome == SR_TLS_UNKNOWN,
    };
    switch (info->outcome) {
    case SR_TLS_FAILED_ALERT:
    case SR_TLS_NOT_TLS:
    case SR_TLS_MALFORMED:
        ev.anomaly = SR_ANOM_TLS_HANDSHAKE_FAILED;
        break;
    default:
        break;
    }
    s->cb.tls(&ev, s->user_data);
}

/* Once its outcome is told the reader is done.  With a decryptor that is
 * at the end only, so until then it frames every record for it. */
static void
feed_tls(sr_session *s, gboolean client, const guint8 *data, gsize len, guint64 frame)
{
    if (!s->tls_reader || len == 0 || s->tls_told)
        return;
    sr_tls_feed(s->tls_reader, client, data, len, frame);
    tell_tls(s, FALSE, FALSE);
}

static void
gap_tls(sr_session *s, gboolean client, guint64 missing, guint64 frame)
{
    if (!s->tls_reader || s->tls_told)
        return;
    sr_tls_gap(s->tls_reader, client, missing, frame);
    tell_tls(s, FALSE, FALSE);
}

void
sr_session_set_tls_decryptor(sr_session *s, const sr_tls_decryptor *d, gpointer user_data)
{
    s->decryptor = d;
    s->decryptor_data = user_data;
    if (s->tls_reader)
        sr_tls_set_record_funcs(s->tls_reader, d, user_data);
}

/* The first decrypted bytes: SMTP starts again inside TLS. */
static void
begin_plain(sr_session *s)
{
    if (s->tls_plain)
        return;
    s->tls_plain = TRUE;
    s->ended = FALSE;
    /* Both ends forget the EHLO before TLS (RFC 3207 4.2). */
    s->hello_done = FALSE;
    s->enhanced_offered = FALSE;
    sr_client_set_mode(&s->client, SR_CLIENT_COMMANDS);
    /* TLS bytes after the 220, in the feed that brought it, went to the
     * parser too (sr_session_server): what it holds of them is dropped. */
    if (sr_parser_pending_offset(&s->server) != s->server.framer.offset)
        sr_parser_reset(&s->server);
}

void
sr_session_tls_decrypted(sr_session *s)
{
    if (!s->tls)
        sr_session_implicit_tls(s);
    begin_plain(s);
}

void
sr_session_tls_plain(sr_session *s, gboolean client, const guint8 *data, gsize len,
                     gint64 time_us, guint64 frame)
{
    if (!s->tls || len == 0)
        return;
    begin_plain(s);
    if (client)
        sr_client_feed(&s->client, data, len, time_us, frame);
    else
        server_feed(s, data, len, time_us, frame);
}

gboolean
sr_session_tls_plaintext(const sr_session *s)
{
    return s->tls_plain;
}

void
sr_session_implicit_tls(sr_session *s)
{
    s->tls = TRUE;
    s->ended = TRUE;
    s->tls_via = SR_TLS_VIA_IMPLICIT;
    sr_client_set_mode(&s->client, SR_CLIENT_TLS);
    start_tls_reader(s);
}
