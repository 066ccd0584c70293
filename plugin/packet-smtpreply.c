/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMTP Reply: shows every SMTP reply rebuilt, explained digit by digit, with
 * its enhanced status code and its anomalies.  It sits on the SMTP ports in
 * front of Wireshark's own SMTP dissector: client data goes straight to that
 * dissector, server data is first cut at reply boundaries (reassembling
 * across TCP segments) and then handed to it, so both see whole replies.
 *
 * SMTP is read by plugin/decoder: replies framed, paired with their
 * commands, reasons, transactions, and where the SMTP talk ends.  This file
 * does what only a dissector can: asks TCP for whole replies, keeps what
 * the decoder said of each frame for Wireshark's later passes, and shows it.
 */
#include <wireshark.h>

#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/strutil.h>
#include <epan/tap.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/dissectors/packet-tls.h>

#include "packet-smtpreply.h"
#include "sr_decoder.h"
#include "ws-compat.h"

/* SMTP relay (25), submission (587) and LMTP (24, RFC 2033). */
#define SMTPREPLY_PORTS "24,25,587"
/* Submission over implicit TLS (RFC 8314): only decrypted bytes come here. */
#define SMTPREPLY_TLS_PORT 465

/* Keys for p_add_proto_data().  File-scope data is keyed by the order of
 * our calls within a frame, which TCP repeats identically on every pass. */
enum {
    KEY_CALL_COUNT,            /* pinfo->pool: calls so far in this frame */
    KEY_INFO,                  /* pinfo->pool: the Info column text so far */
    KEY_SPANS_BASE = 0x100,    /* file scope: frames of the first reply of call N */
    KEY_REPLIES_BASE = 0x200,  /* file scope: reply_record * of call N, in order */
    KEY_COMMANDS_BASE = 0x300, /* file scope: command_record * read in call N */
    KEY_GAP_BASE = 0x400       /* file scope: bytes lost just before call N */
};

static int proto_smtpreply = -1;

static int hf_smtpreply_code = -1;
static int hf_smtpreply_code_class = -1;
static int hf_smtpreply_code_category = -1;
static int hf_smtpreply_code_detail = -1;
static int hf_smtpreply_code_meaning = -1;
static int hf_smtpreply_code_rfc = -1;
static int hf_smtpreply_complete = -1;
static int hf_smtpreply_multiline = -1;
static int hf_smtpreply_line_count = -1;
static int hf_smtpreply_line = -1;
static int hf_smtpreply_text = -1;
static int hf_smtpreply_frame = -1;
static int hf_smtpreply_enhanced = -1;
static int hf_smtpreply_enhanced_class = -1;
static int hf_smtpreply_enhanced_subject = -1;
static int hf_smtpreply_enhanced_detail = -1;
static int hf_smtpreply_enhanced_meaning = -1;
static int hf_smtpreply_anomaly = -1;
static int hf_smtpreply_command = -1;
static int hf_smtpreply_argument = -1;
static int hf_smtpreply_reason = -1;
static int hf_smtpreply_provider = -1;
static int hf_smtpreply_greeting_time = -1;
static int hf_smtpreply_recipient = -1;
static int hf_smtpreply_tx = -1;
static int hf_smtpreply_tx_depth = -1;
static int hf_smtpreply_tx_mailfrom = -1;
static int hf_smtpreply_tx_rcpt = -1;
static int hf_smtpreply_tx_rcpt_code = -1;
static int hf_smtpreply_tx_rcpt_frame = -1;
static int hf_smtpreply_tx_rcpt_delivery = -1;
static int hf_smtpreply_tx_rcpt_delivery_frame = -1;
static int hf_smtpreply_tx_status = -1;
static int hf_smtpreply_tx_end = -1;
static int hf_smtpreply_tx_queue_id = -1;
static int hf_smtpreply_tx_size = -1;
static int hf_smtpreply_request_in = -1;
static int hf_smtpreply_response_in = -1;
static int hf_smtpreply_time = -1;
static int hf_smtpreply_request = -1;
static int hf_smtpreply_ehlo_capability = -1;
static int hf_smtpreply_ehlo_keyword = -1;
static int hf_smtpreply_ehlo_params = -1;
static int hf_smtpreply_ehlo_size = -1;
static int hf_smtpreply_tls = -1;

static gint ett_smtpreply = -1;
static gint ett_smtpreply_code = -1;
static gint ett_smtpreply_line = -1;
static gint ett_smtpreply_enhanced = -1;
static gint ett_smtpreply_capability = -1;
static gint ett_smtpreply_tx = -1;
static gint ett_smtpreply_tx_rcpt = -1;

static expert_field ei_smtpreply_anomaly[SR_ANOM_COUNT];
static expert_field ei_smtpreply_transient = EI_INIT;
static expert_field ei_smtpreply_permanent = EI_INIT;

static dissector_handle_t smtpreply_handle;
static dissector_table_t tcp_port_table;
static dissector_table_t tls_port_table;
static dissector_handle_t smtp_handle;
static dissector_handle_t tls_handle;
static int smtpreply_tap = -1;

/* Preferences */
static sr_ws_pref_bool smtpreply_desegment = TRUE;
static guint smtpreply_line_limit = SR_LINE_LIMIT;
static guint smtpreply_line_cap = SR_DEFAULT_LINE_CAP;

/* A command as read on the first pass, kept for the frame it came in. */
typedef struct {
    const char *verb;
    guint32     response_in;   /* frame of its reply; 0 while unanswered */
} command_record;

/* One capability of an EHLO reply, as kept for later passes. */
typedef struct {
    sr_capability_kind kind;
    guint              line;
    const char        *keyword;
    const char        *params;
} capability_record;

/* One recipient of a transaction, as kept for later passes. */
typedef struct {
    const char *address;         /* NULL: a bare RCPT */
    gboolean    rcpt_has_code;   /* FALSE: the reply had no reply line */
    guint16     rcpt_code;
    guint32     rcpt_frame;
    guint16     delivery_code;   /* 0: none came */
    guint32     delivery_frame;
} tx_recipient_record;

/* A mail transaction, kept with the reply that ended it. */
typedef struct {
    guint         depth;
    const char   *mailfrom;      /* NULL: MAIL named no path */
    const char   *status;        /* the decoder's names: static */
    const char   *end;
    const char   *queue_id;
    gboolean      has_size;
    guint64       size;
    wmem_array_t *recipients;    /* tx_recipient_record */
} tx_record;

/* What pairing found for one reply on the first pass.  Kept for the whole
 * capture, so only what is there is allocated. */
typedef struct {
    const char    *command;      /* the verb it answers, or NULL */
    const char    *argument;     /* its argument, made printable, or NULL */
    const char    *recipient;    /* LMTP: whose delivery it decides, or NULL */
    tx_record     *tx;           /* the transaction it ended, or NULL */
    gboolean       has_greeting_wait;
    nstime_t       greeting_wait; /* the greeting: from the client's SYN */
    guint32        request_in;   /* frame of that command */
    gboolean       has_latency;
    nstime_t       latency;
    const char    *reason;       /* why, for a 4yz or 5yz reply: the decoder's static name */
    const char    *provider;     /* named by the text (static), or NULL */
    wmem_array_t  *anomalies;    /* sr_anomaly (detail: static text), or NULL */
    wmem_array_t  *capabilities; /* capability_record, for an EHLO's 250, or NULL */
    gboolean       has_size;
    guint64        size;
    gboolean       tls;          /* it came inside TLS, decrypted by Wireshark */
} reply_record;

/* Per TCP conversation, touched on the first pass only. */
typedef struct {
    /* Frames that held the start of the reply still being reassembled. */
    wmem_array_t *pending_frames;
    nstime_t      pending_start;
    sr_session   *session;
    GHashTable   *open_commands;  /* client stream offset -> command_record */
    /* The last frame of SMTP to read: QUIT or a 421 answered (the end).
     * 0 while the talk goes on. */
    guint32       done_frame;
    /* The 220 to STARTTLS: after it only what Wireshark decrypts is SMTP,
     * and it comes through TLS.  0 before (or without) STARTTLS. */
    guint32       starttls_frame;
    gboolean      server_seq_known;
    guint32       server_next_seq; /* sequence number of the next byte to read */
    guint64       carry_gap;       /* a gap to show when its data comes back whole */
    /* Where the call in progress puts what it reads, and its frame. */
    wmem_array_t *records;
    guint32       frame;
    gboolean      reading_client;  /* the call in progress reads client bytes */
} smtpreply_conv;

/* What one reply callback needs to add to the tree. */
typedef struct {
    tvbuff_t      *tvb;
    packet_info   *pinfo;
    proto_tree    *tree;
    wmem_strbuf_t *info;
    guint          replies;
    wmem_array_t  *first_spans;  /* frames of the reply at offset 0, or NULL */
    smtpreply_conv *conv;
    wmem_array_t  *records;      /* reply_record *, one per reply */
    nstime_t       first_time;   /* when the reply at offset 0 began */
} dissect_ctx;

/*
 * The value_string tables are made from the decoder's tables at registration
 * and live as long as the dissector: in wmem_epan_scope(), which epan_cleanup()
 * frees.  Not g_new: Wireshark unloads the plugin before exit, so the static
 * hf array holding the only pointer goes with it and the memory is lost.
 */
static const value_string *
build_digit_vals(const char *(*name)(guint), guint first, guint last)
{
    value_string *vals = wmem_alloc0_array(wmem_epan_scope(), value_string, last - first + 2);
    guint n = 0;

    for (guint d = first; d <= last; d++) {
        if (name(d)) {
            vals[n].value = d;
            vals[n].strptr = name(d);
            n++;
        }
    }
    return vals;
}

static void
set_strings(hf_register_info *hf, gsize n, int *id, const void *strings)
{
    for (gsize i = 0; i < n; i++) {
        if (hf[i].p_id == id)
            hf[i].hfinfo.strings = strings;
    }
}

/* The records of the call in progress; most calls make none. */
static void
add_record(smtpreply_conv *conv, gpointer rec)
{
    if (!conv->records)
        conv->records = wmem_array_sized_new(wmem_file_scope(), sizeof(gpointer), 2);
    wmem_array_append_one(conv->records, rec);
}

static void
on_command(const sr_command *command, gpointer user_data)
{
    smtpreply_conv *conv = user_data;
    command_record *rec = wmem_new0(wmem_file_scope(), command_record);

    rec->verb = wmem_strdup(wmem_file_scope(), sr_command_name(command));
    /* Bytes held after DATA are read when DATA's reply comes, in a server
     * frame's call: those commands link to their replies, but their own
     * frame was shown already and gets no tree item. */
    if (conv->reading_client)
        add_record(conv, rec);
    g_hash_table_insert(conv->open_commands, g_memdup2(&command->offset, sizeof command->offset), rec);
}

static void
on_exchange(const sr_reply *reply, const sr_exchange *ex, gpointer user_data)
{
    smtpreply_conv *conv = user_data;
    reply_record *rec = wmem_new0(wmem_file_scope(), reply_record);

    (void)reply;   /* what the plugin shows of it, it reads from the tvb */
    rec->reason = sr_reason_name(ex->reason.reason);
    rec->provider = ex->reason.provider;
    if (ex->anomalies->len) {
        rec->anomalies = wmem_array_sized_new(wmem_file_scope(), sizeof(sr_anomaly), ex->anomalies->len);
        wmem_array_append(rec->anomalies, ex->anomalies->data, ex->anomalies->len);
    }
    if (ex->has_command) {
        command_record *cmd = g_hash_table_lookup(conv->open_commands, &ex->command.offset);

        rec->command = wmem_strdup(wmem_file_scope(), sr_command_name(&ex->command));
        /* A void pointer: format_text() took guchar before 4.2, char since. */
        if (ex->command.has_argument)
            rec->argument = format_text(wmem_file_scope(), (const void *)ex->command.argument,
                                        ex->command.argument_len);
        if (ex->recipient)
            rec->recipient = wmem_strdup(wmem_file_scope(), ex->recipient);
        if (cmd && ex->command.offset != SR_NOT_READ) {
            cmd->response_in = conv->frame;
            rec->request_in = (guint32)ex->command.frame;
            g_hash_table_remove(conv->open_commands, &ex->command.offset);
        }
        if (ex->latency_us >= 0) {
            rec->has_latency = TRUE;
            rec->latency.secs = (time_t)(ex->latency_us / 1000000);
            rec->latency.nsecs = (int)(ex->latency_us % 1000000) * 1000;
        }
        if (ex->greeting_wait_us >= 0) {
            rec->has_greeting_wait = TRUE;
            rec->greeting_wait.secs = (time_t)(ex->greeting_wait_us / 1000000);
            rec->greeting_wait.nsecs = (int)(ex->greeting_wait_us % 1000000) * 1000;
        }
    }
    if (ex->capabilities) {
        guint n = ex->capabilities->list->len;

        rec->capabilities = wmem_array_sized_new(wmem_file_scope(), sizeof(capability_record), n);
        for (guint i = 0; i < n; i++) {
            const sr_capability *cap = &g_array_index(ex->capabilities->list, sr_capability, i);
            capability_record kept = {
                cap->kind, cap->line, wmem_strdup(wmem_file_scope(), cap->keyword),
                cap->params[0] ? wmem_strdup(wmem_file_scope(), cap->params) : NULL,
            };

            wmem_array_append_one(rec->capabilities, kept);
        }
        rec->has_size = ex->capabilities->has_size;
        rec->size = ex->capabilities->size;
    }
    rec->tls = ex->tls;
    /* STARTTLS accepted ends the talk in clear only: with keys, Wireshark
     * hands the plaintext back and the session goes on inside TLS. */
    if (!conv->done_frame && sr_session_ended(conv->session)) {
        if (sr_session_in_tls(conv->session) && !sr_session_tls_plaintext(conv->session))
            conv->starttls_frame = conv->frame;
        else
            conv->done_frame = conv->frame;
    }
    add_record(conv, rec);
}

/* A transaction ended with the reply just recorded: kept with that reply. */
static void
on_transaction(const sr_transaction *tx, gpointer user_data)
{
    smtpreply_conv *conv = user_data;
    reply_record *rec;
    tx_record *kept;
    guint n = conv->records ? wmem_array_get_count(conv->records) : 0;

    /* Ended by the connection's end, with no reply of this call. */
    if (n == 0)
        return;
    rec = *(reply_record **)wmem_array_index(conv->records, n - 1);
    kept = wmem_new0(wmem_file_scope(), tx_record);
    kept->depth = tx->depth;
    kept->mailfrom = tx->mailfrom ? format_text(wmem_file_scope(), (const void *)tx->mailfrom,
                                                strlen(tx->mailfrom)) : NULL;
    kept->status = sr_tx_status_name(tx->status);
    kept->end = sr_tx_end_name(tx->end);
    kept->queue_id = tx->queue_id ? wmem_strdup(wmem_file_scope(), tx->queue_id) : NULL;
    kept->has_size = tx->has_size;
    kept->size = tx->size;
    kept->recipients = wmem_array_sized_new(wmem_file_scope(), sizeof(tx_recipient_record),
                                            tx->recipients->len);
    for (guint i = 0; i < tx->recipients->len; i++) {
        const sr_tx_recipient *r = &g_array_index(tx->recipients, sr_tx_recipient, i);
        tx_recipient_record one = {
            r->address ? format_text(wmem_file_scope(), (const void *)r->address,
                                     strlen(r->address)) : NULL,
            r->rcpt.has_code, r->rcpt.code, (guint32)r->rcpt.frame,
            r->data.present ? r->data.code : 0, (guint32)r->data.frame,
        };

        wmem_array_append_one(kept->recipients, one);
    }
    rec->tx = kept;
}

/* The decoder's state and the open commands, once nothing more is read:
 * at the end of the talk, or when the capture is closed. */
static void
release_conv(smtpreply_conv *conv)
{
    if (!conv->open_commands)
        return;
    sr_session_free(conv->session);
    conv->session = NULL;
    g_hash_table_destroy(conv->open_commands);
    conv->open_commands = NULL;
}

static sr_ws_cb_result
free_conv(wmem_allocator_t *allocator, wmem_cb_event_t event, void *user_data)
{
    (void)allocator;
    (void)event;
    release_conv(user_data);
    return FALSE;
}

static gint64
nstime_to_us(const nstime_t *t)
{
    return sr_time_us((gint64)t->secs, t->nsecs / 1000);
}

static smtpreply_conv *
get_conv(packet_info *pinfo)
{
    static const sr_session_callbacks callbacks = { on_exchange, on_command, NULL, on_transaction, NULL };
    conversation_t *conversation = find_or_create_conversation(pinfo);
    smtpreply_conv *conv = conversation_get_proto_data(conversation, proto_smtpreply);

    if (!conv) {
        sr_config cfg;
        struct tcp_analysis *tcpd;

        conv = wmem_new0(wmem_file_scope(), smtpreply_conv);
        conv->pending_frames = wmem_array_sized_new(wmem_file_scope(), sizeof(guint32), 4);
        sr_config_init(&cfg);
        cfg.line_limit = smtpreply_line_limit;
        cfg.line_cap = smtpreply_line_cap;
        conv->session = sr_session_new(&cfg, &callbacks, conv);
        conv->open_commands = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
        wmem_register_callback(wmem_file_scope(), free_conv, conv);
        conversation_add_proto_data(conversation, proto_smtpreply, conv);
        /* TCP saw the client's SYN (its last, if repeated): the greeting's
         * wait counts from it. */
        tcpd = get_tcp_conversation_data(conversation, pinfo);
        if (tcpd && !nstime_is_zero(&tcpd->ts_mru_syn))
            sr_session_connected(conv->session, nstime_to_us(&tcpd->ts_mru_syn));
    }
    return conv;
}

/* Later passes: the records this call made on the first pass, or NULL.
 * First pass: CONV starts collecting them (see keep_records). */
static wmem_array_t *
call_records(packet_info *pinfo, smtpreply_conv *conv, guint32 key)
{
    if (PINFO_FD_VISITED(pinfo))
        return p_get_proto_data(wmem_file_scope(), pinfo, proto_smtpreply, key);
    conv->records = NULL;
    conv->frame = pinfo->num;
    return NULL;
}

/* First pass: keeps what this call recorded, for the later passes. */
static wmem_array_t *
keep_records(packet_info *pinfo, smtpreply_conv *conv, guint32 key)
{
    if (!PINFO_FD_VISITED(pinfo) && conv->records)
        p_add_proto_data(wmem_file_scope(), pinfo, proto_smtpreply, key, conv->records);
    return conv->records;
}

static guint
next_call_ordinal(packet_info *pinfo)
{
    guint n = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_smtpreply, KEY_CALL_COUNT));

    p_add_proto_data(pinfo->pool, pinfo, proto_smtpreply, KEY_CALL_COUNT, GUINT_TO_POINTER(n + 1));
    return n;
}

static wmem_strbuf_t *
frame_info(packet_info *pinfo)
{
    wmem_strbuf_t *info = p_get_proto_data(pinfo->pool, pinfo, proto_smtpreply, KEY_INFO);

    if (!info) {
        info = wmem_strbuf_new(pinfo->pool, NULL);
        p_add_proto_data(pinfo->pool, pinfo, proto_smtpreply, KEY_INFO, info);
    }
    return info;
}

/* Clamps a stream range to what the tvb holds, for highlighting. */
static void
clamp(tvbuff_t *tvb, guint64 offset, guint64 length, gint *start, gint *len)
{
    guint avail = tvb_captured_length(tvb);

    *start = (gint)MIN(offset, (guint64)avail);
    *len = (gint)MIN(length, (guint64)avail - (guint64)*start);
}

static void
add_code(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const sr_reply *reply,
         const char *reason)
{
    const sr_reply_line *first = sr_reply_line_get(reply, 0);
    const sr_code_info *info = sr_code_lookup(reply->code);
    guint klass = reply->code / 100, category = reply->code / 10 % 10, detail = reply->code % 10;
    gint at = (gint)first->offset;
    proto_item *ti, *item;
    proto_tree *code_tree;

    /* A number in columns and filters; the meaning in the item's text. */
    ti = proto_tree_add_uint(tree, hf_smtpreply_code, tvb, at, 3, reply->code);
    proto_item_append_text(ti, " (%s)", info ? info->meaning : "no registered meaning");
    code_tree = proto_item_add_subtree(ti, ett_smtpreply_code);

    item = proto_tree_add_uint(code_tree, hf_smtpreply_code_class, tvb, at, 1, klass);
    proto_item_set_generated(item);
    item = proto_tree_add_uint(code_tree, hf_smtpreply_code_category, tvb, at + 1, 1, category);
    proto_item_set_generated(item);
    item = proto_tree_add_uint(code_tree, hf_smtpreply_code_detail, tvb, at + 2, 1, detail);
    proto_item_set_generated(item);
    if (info) {
        proto_item_append_text(item, ": %s", info->meaning);
        item = proto_tree_add_string(code_tree, hf_smtpreply_code_meaning, tvb, at, 3, info->meaning);
        proto_item_set_generated(item);
        item = proto_tree_add_string(code_tree, hf_smtpreply_code_rfc, tvb, at, 3, info->rfc);
        proto_item_set_generated(item);
    } else {
        proto_item_append_text(item, " (no registered meaning)");
    }

    if (klass == 4)
        expert_add_info_format(pinfo, ti, &ei_smtpreply_transient,
                               "Transient negative reply: %u %s%s%s%s", reply->code,
                               info ? info->meaning : "", reason ? " (" : "",
                               reason ? reason : "", reason ? ")" : "");
    else if (klass == 5)
        expert_add_info_format(pinfo, ti, &ei_smtpreply_permanent,
                               "Permanent negative reply: %u %s%s%s%s", reply->code,
                               info ? info->meaning : "", reason ? " (" : "",
                               reason ? reason : "", reason ? ")" : "");
}

static void
add_enhanced(proto_tree *tree, tvbuff_t *tvb, const sr_reply *reply)
{
    const sr_enhanced *enh = sr_reply_enhanced(reply);
    const sr_reply_line *line = sr_reply_line_get(reply, (guint)reply->enhanced_line);
    const sr_enhanced_info *info;
    char text[16];
    gint at;
    proto_item *ti, *item;
    proto_tree *enh_tree;

    if (!enh)
        return;
    at = (gint)(line->offset + line->text_start + enh->offset);
    sr_enhanced_format(enh, text, sizeof text);
    ti = proto_tree_add_string(tree, hf_smtpreply_enhanced, tvb, at, (gint)enh->length, text);
    enh_tree = proto_item_add_subtree(ti, ett_smtpreply_enhanced);
    info = sr_enhanced_lookup(enh->subject, enh->detail);
    if (info)
        proto_item_append_text(ti, " (%s)", info->meaning);

    item = proto_tree_add_uint(enh_tree, hf_smtpreply_enhanced_class, tvb, at, 1, enh->klass);
    proto_item_set_generated(item);
    item = proto_tree_add_uint(enh_tree, hf_smtpreply_enhanced_subject, tvb, at, (gint)enh->length,
                               enh->subject);
    proto_item_set_generated(item);
    item = proto_tree_add_uint(enh_tree, hf_smtpreply_enhanced_detail, tvb, at, (gint)enh->length,
                               enh->detail);
    proto_item_set_generated(item);
    if (info) {
        item = proto_tree_add_string_format_value(enh_tree, hf_smtpreply_enhanced_meaning, tvb, at,
                                                  (gint)enh->length, info->meaning, "%s (%s)",
                                                  info->meaning, info->rfc);
        proto_item_set_generated(item);
    }
}

static void
add_anomalies(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const sr_anomaly *list, guint n)
{
    for (guint i = 0; i < n; i++) {
        const sr_anomaly *a = &list[i];
        const sr_anomaly_info *info = sr_anomaly_info_get(a->kind);
        proto_item *item;
        gint start, len;

        clamp(tvb, a->offset, a->length, &start, &len);
        item = proto_tree_add_string(tree, hf_smtpreply_anomaly, tvb, start, len, info->name);
        proto_item_set_generated(item);
        if (a->detail)
            expert_add_info_format(pinfo, item, &ei_smtpreply_anomaly[a->kind], "%s: %s",
                                   info->description, a->detail);
        else if (a->count)
            expert_add_info_format(pinfo, item, &ei_smtpreply_anomaly[a->kind], "%s (%" G_GUINT64_FORMAT
                                   " bytes)", info->description, a->count);
        else
            expert_add_info(pinfo, item, &ei_smtpreply_anomaly[a->kind]);
    }
}

static void
add_capabilities(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const sr_reply *reply,
                 const reply_record *rec)
{
    guint n = wmem_array_get_count(rec->capabilities);

    for (guint i = 0; i < n; i++) {
        const capability_record *cap = wmem_array_index(rec->capabilities, i);
        /* NULL for one read from an earlier part of a cut reply
         * (SR_CAP_LINE_EARLIER): it has no bytes in this one. */
        const sr_reply_line *line = cap->line == SR_CAP_LINE_EARLIER
                                    ? NULL : sr_reply_line_get(reply, cap->line);
        gint at = 0, len = 0;
        proto_item *ti;
        proto_tree *cap_tree;

        if (line) {
            at = (gint)(line->offset + line->text_start);
            len = (gint)(line->content_length - line->text_start);
            ti = proto_tree_add_item(tree, hf_smtpreply_ehlo_capability, tvb, at, len, ENC_ASCII);
        } else {
            const char *text = cap->params
                               ? wmem_strdup_printf(pinfo->pool, "%s %s", cap->keyword, cap->params)
                               : cap->keyword;

            ti = proto_tree_add_string_format_value(tree, hf_smtpreply_ehlo_capability, tvb, 0, 0,
                                                    text, "%s (in an earlier part of this reply)",
                                                    text);
            proto_item_set_generated(ti);
        }
        cap_tree = proto_item_add_subtree(ti, ett_smtpreply_capability);
        ti = proto_tree_add_string(cap_tree, hf_smtpreply_ehlo_keyword, tvb, at, len, cap->keyword);
        proto_item_set_generated(ti);
        if (cap->params) {
            ti = proto_tree_add_string(cap_tree, hf_smtpreply_ehlo_params, tvb, at, len, cap->params);
            proto_item_set_generated(ti);
        }
        if (cap->kind == SR_CAP_SIZE && rec->has_size) {
            ti = proto_tree_add_uint64(cap_tree, hf_smtpreply_ehlo_size, tvb, at, len, rec->size);
            proto_item_set_generated(ti);
        }
    }
}

/* Which command the reply answers, how long that took, and why it was no. */
static void
add_pairing(proto_tree *tree, tvbuff_t *tvb, const reply_record *rec)
{
    proto_item *item;

    if (rec->reason) {
        item = proto_tree_add_string(tree, hf_smtpreply_reason, tvb, 0, 0, rec->reason);
        proto_item_set_generated(item);
    }
    if (rec->provider) {
        item = proto_tree_add_string(tree, hf_smtpreply_provider, tvb, 0, 0, rec->provider);
        proto_item_set_generated(item);
    }
    /* Only on decrypted replies, so that without keys nothing changes. */
    if (rec->tls) {
        item = proto_tree_add_boolean(tree, hf_smtpreply_tls, tvb, 0, 0, TRUE);
        proto_item_set_generated(item);
    }
    if (!rec->command)
        return;
    item = proto_tree_add_string(tree, hf_smtpreply_command, tvb, 0, 0, rec->command);
    proto_item_set_generated(item);
    if (rec->argument) {
        item = proto_tree_add_string(tree, hf_smtpreply_argument, tvb, 0, 0, rec->argument);
        proto_item_set_generated(item);
    }
    if (rec->recipient) {
        item = proto_tree_add_string(tree, hf_smtpreply_recipient, tvb, 0, 0, rec->recipient);
        proto_item_set_generated(item);
    }
    if (rec->request_in) {
        item = proto_tree_add_uint(tree, hf_smtpreply_request_in, tvb, 0, 0, rec->request_in);
        proto_item_set_generated(item);
    }
    if (rec->has_latency) {
        item = proto_tree_add_time(tree, hf_smtpreply_time, tvb, 0, 0, &rec->latency);
        proto_item_set_generated(item);
    }
    if (rec->has_greeting_wait) {
        item = proto_tree_add_time(tree, hf_smtpreply_greeting_time, tvb, 0, 0, &rec->greeting_wait);
        proto_item_set_generated(item);
    }
}

/* "Mail transaction 1: partial, from <a>, 3 recipients": what it became. */
static void
add_transaction(proto_tree *tree, tvbuff_t *tvb, const tx_record *tx)
{
    guint n = wmem_array_get_count(tx->recipients);
    proto_item *ti, *item;
    proto_tree *tx_tree;

    ti = proto_tree_add_item(tree, hf_smtpreply_tx, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    proto_item_append_text(ti, " %u: %s, from <%s>, %u recipient%s", tx->depth, tx->status,
                           tx->mailfrom ? tx->mailfrom : "", n, n == 1 ? "" : "s");
    tx_tree = proto_item_add_subtree(ti, ett_smtpreply_tx);
    item = proto_tree_add_uint(tx_tree, hf_smtpreply_tx_depth, tvb, 0, 0, tx->depth);
    proto_item_set_generated(item);
    if (tx->mailfrom) {
        item = proto_tree_add_string(tx_tree, hf_smtpreply_tx_mailfrom, tvb, 0, 0, tx->mailfrom);
        proto_item_set_generated(item);
    }
    for (guint i = 0; i < n; i++) {
        const tx_recipient_record *r = wmem_array_index(tx->recipients, i);
        proto_tree *rcpt_tree;

        if (r->address)
            item = proto_tree_add_string(tx_tree, hf_smtpreply_tx_rcpt, tvb, 0, 0, r->address);
        else
            item = proto_tree_add_string_format_value(tx_tree, hf_smtpreply_tx_rcpt, tvb, 0, 0,
                                                      "", "(no address)");
        proto_item_set_generated(item);
        if (r->rcpt_has_code)
            proto_item_append_text(item, ": %03u", r->rcpt_code);
        else
            proto_item_append_text(item, ": no reply code");
        if (r->delivery_code)
            proto_item_append_text(item, ", then %03u", r->delivery_code);
        rcpt_tree = proto_item_add_subtree(item, ett_smtpreply_tx_rcpt);
        if (r->rcpt_has_code) {
            item = proto_tree_add_uint(rcpt_tree, hf_smtpreply_tx_rcpt_code, tvb, 0, 0,
                                       r->rcpt_code);
            proto_item_set_generated(item);
        }
        item = proto_tree_add_uint(rcpt_tree, hf_smtpreply_tx_rcpt_frame, tvb, 0, 0, r->rcpt_frame);
        proto_item_set_generated(item);
        if (r->delivery_code) {
            item = proto_tree_add_uint(rcpt_tree, hf_smtpreply_tx_rcpt_delivery, tvb, 0, 0,
                                       r->delivery_code);
            proto_item_set_generated(item);
            item = proto_tree_add_uint(rcpt_tree, hf_smtpreply_tx_rcpt_delivery_frame, tvb, 0, 0,
                                       r->delivery_frame);
            proto_item_set_generated(item);
        }
    }
    item = proto_tree_add_string(tx_tree, hf_smtpreply_tx_status, tvb, 0, 0, tx->status);
    proto_item_set_generated(item);
    item = proto_tree_add_string(tx_tree, hf_smtpreply_tx_end, tvb, 0, 0, tx->end);
    proto_item_set_generated(item);
    if (tx->queue_id) {
        item = proto_tree_add_string(tx_tree, hf_smtpreply_tx_queue_id, tvb, 0, 0, tx->queue_id);
        proto_item_set_generated(item);
    }
    if (tx->has_size) {
        item = proto_tree_add_uint64(tx_tree, hf_smtpreply_tx_size, tvb, 0, 0, tx->size);
        proto_item_set_generated(item);
    }
}

static void
queue_tap(packet_info *pinfo, const sr_reply *reply, const reply_record *rec)
{
    smtpreply_tap_info *info = wmem_new0(pinfo->pool, smtpreply_tap_info);

    info->code = reply->code;
    info->has_code = sr_reply_has_code(reply);
    info->command = rec ? rec->command : NULL;
    info->tx_status = rec && rec->tx ? rec->tx->status : NULL;
    info->reason = rec ? rec->reason : NULL;
    if (rec && rec->has_latency) {
        info->has_latency = TRUE;
        info->latency_us = (gint64)rec->latency.secs * 1000000 + rec->latency.nsecs / 1000;
    }
    tap_queue_packet(smtpreply_tap, pinfo, info);
}

/* Info and the tree header cut long texts here, on a character's start. */
#define INFO_TEXT_MAX 60
#define INFO_ARGUMENT_MAX 40

/*
 * LENGTH bytes at OFFSET as the capture tool shows them (sr_escape_text:
 * valid UTF-8 as it is, controls and bytes that are not UTF-8 as \r, \t,
 * \xNN), cut to about MAX bytes (0: all) with an ellipsis.
 */
static const char *
shown_text(wmem_allocator_t *scope, tvbuff_t *tvb, gint offset, gint length, gsize max)
{
    const guint8 *data = tvb_get_ptr(tvb, offset, length);
    gsize n = (gsize)length;
    gboolean cut = max && n > max;
    GString *out;
    char *shown;

    if (cut) {
        n = max;
        while (n > 0 && (data[n] & 0xc0) == 0x80)   /* not inside a character */
            n--;
    }
    out = g_string_sized_new(n + 8);
    sr_escape_text(out, data, n);
    if (cut)
        g_string_append(out, "\u2026");
    shown = wmem_strndup(scope, out->str, out->len);
    g_string_free(out, TRUE);
    return shown;
}

/* A printable string (from format_text) cut to about MAX bytes. */
static const char *
cut_string(wmem_allocator_t *scope, const char *s, gsize max)
{
    gsize n = strlen(s);

    if (n <= max)
        return s;
    while (n > max || (n > 0 && ((guint8)s[n] & 0xc0) == 0x80))
        n--;
    return wmem_strdup_printf(scope, "%.*s\u2026", (int)n, s);
}

/* The first line's text after its enhanced code, if it starts with one. */
static void
first_text(const sr_reply *reply, gint *offset, gint *length)
{
    const sr_reply_line *first = sr_reply_line_get(reply, 0);
    gsize start = first->text_start;

    if (first->valid && first->enhanced.status == SR_ENH_VALID) {
        start += first->enhanced.offset + first->enhanced.length;
        if (start < first->content_length)
            start++;                                 /* the space after it */
    }
    start = MIN(start, first->content_length);
    *offset = (gint)(first->offset + start);
    *length = (gint)(first->content_length - start);
}

/*
 * The essentials first, so that a narrow column still shows them: "S: 550
 * 5.1.1 RCPT TO:<nobody@example.test> (user-unknown) 0.172 ms: Recipient
 * address rejected: ..."; then the text, cut.
 */
static void
append_info(wmem_strbuf_t *info, packet_info *pinfo, tvbuff_t *tvb, const sr_reply *reply,
            const reply_record *rec)
{
    const sr_reply_line *first = sr_reply_line_get(reply, 0);
    const sr_enhanced *enh = sr_reply_enhanced(reply);
    gint at, len;

    wmem_strbuf_append(info, wmem_strbuf_get_len(info) ? " | S: " : "S: ");
    if (!first->valid) {
        wmem_strbuf_append_printf(info, "[malformed] %s",
                                  shown_text(pinfo->pool, tvb, (gint)first->offset,
                                             (gint)first->content_length, INFO_TEXT_MAX));
        return;
    }
    wmem_strbuf_append_printf(info, "%03u", reply->code);
    if (enh) {
        char code[16];

        sr_enhanced_format(enh, code, sizeof code);
        wmem_strbuf_append_printf(info, " %s", code);
    }
    if (rec && rec->command) {
        wmem_strbuf_append_printf(info, " %s", rec->command[0] ? rec->command : "<empty>");
        if (rec->argument)
            wmem_strbuf_append_printf(info, " %s",
                                      cut_string(pinfo->pool, rec->argument, INFO_ARGUMENT_MAX));
    }
    if (rec && rec->reason)
        wmem_strbuf_append_printf(info, " (%s)", rec->reason);
    if (rec && rec->has_latency)
        wmem_strbuf_append_printf(info, " %.3f ms", nstime_to_msec(&rec->latency));
    first_text(reply, &at, &len);
    if (len > 0)
        wmem_strbuf_append_printf(info, ": %s", shown_text(pinfo->pool, tvb, at, len, INFO_TEXT_MAX));
    if (reply->lines->len > 1)
        wmem_strbuf_append_printf(info, " (+%u lines)", reply->lines->len - 1);
    if (!reply->complete)
        wmem_strbuf_append(info, " [incomplete]");
}

/* "SMTP Reply: 550 5.1.1 (user-unknown), answers RCPT TO:<...> in 0.172 ms (1 line)" */
static void
append_header(proto_item *ti, packet_info *pinfo, const sr_reply *reply, const reply_record *rec)
{
    const sr_enhanced *enh = sr_reply_enhanced(reply);

    if (sr_reply_has_code(reply))
        proto_item_append_text(ti, ": %03u", reply->code);
    else
        proto_item_append_text(ti, ": malformed line");
    if (enh) {
        char code[16];

        sr_enhanced_format(enh, code, sizeof code);
        proto_item_append_text(ti, " %s", code);
    }
    if (rec && rec->reason)
        proto_item_append_text(ti, " (%s)", rec->reason);
    if (rec && rec->command) {
        proto_item_append_text(ti, ", answers %s", rec->command[0] ? rec->command : "<empty>");
        if (rec->argument)
            proto_item_append_text(ti, " %s", cut_string(pinfo->pool, rec->argument, INFO_TEXT_MAX));
        if (rec->has_latency)
            proto_item_append_text(ti, " in %.3f ms", nstime_to_msec(&rec->latency));
        if (rec->has_greeting_wait)
            proto_item_append_text(ti, " %.3f ms after the SYN",
                                   nstime_to_msec(&rec->greeting_wait));
    } else if (rec) {
        proto_item_append_text(ti, ", answers no command");
    }
    proto_item_append_text(ti, " (%u line%s%s)", reply->lines->len,
                           reply->lines->len == 1 ? "" : "s", reply->complete ? "" : ", incomplete");
}

static void
add_reply(const sr_reply *reply, gpointer user_data)
{
    dissect_ctx *ctx = user_data;
    tvbuff_t *tvb = ctx->tvb;
    proto_item *ti, *item;
    proto_tree *reply_tree;
    const reply_record *rec = NULL;

    /* Pairing moves the conversation on: first pass only, then recalled. */
    if (!PINFO_FD_VISITED(ctx->pinfo) && ctx->conv->done_frame == 0) {
        nstime_t when = reply->offset == 0 && ctx->first_spans ? ctx->first_time
                                                               : ctx->pinfo->abs_ts;

        sr_session_pair(ctx->conv->session, reply, nstime_to_us(&when), ctx->pinfo->num);
        ctx->records = ctx->conv->records;
    }
    if (ctx->records && ctx->replies < wmem_array_get_count(ctx->records))
        rec = *(reply_record **)wmem_array_index(ctx->records, ctx->replies);

    append_info(ctx->info, ctx->pinfo, tvb, reply, rec);

    ti = proto_tree_add_item(ctx->tree, proto_smtpreply, tvb, (gint)reply->offset,
                             (gint)(reply->end - reply->offset), ENC_NA);
    reply_tree = proto_item_add_subtree(ti, ett_smtpreply);
    append_header(ti, ctx->pinfo, reply, rec);

    if (sr_reply_has_code(reply))
        add_code(reply_tree, ctx->pinfo, tvb, reply, rec ? rec->reason : NULL);
    if (rec)
        add_pairing(reply_tree, tvb, rec);

    item = proto_tree_add_boolean(reply_tree, hf_smtpreply_complete, tvb, 0, 0, reply->complete);
    proto_item_set_generated(item);
    item = proto_tree_add_boolean(reply_tree, hf_smtpreply_multiline, tvb, 0, 0, reply->lines->len > 1);
    proto_item_set_generated(item);
    item = proto_tree_add_uint(reply_tree, hf_smtpreply_line_count, tvb, 0, 0, reply->lines->len);
    proto_item_set_generated(item);

    for (guint i = 0; i < reply->lines->len; i++) {
        const sr_reply_line *line = sr_reply_line_get(reply, i);
        proto_tree *line_tree;

        /* As clients read it: UTF-8 where valid, the rest escaped as the
         * capture tool shows it (RFC 6531 lets SMTPUTF8 servers send UTF-8). */
        item = proto_tree_add_string(reply_tree, hf_smtpreply_line, tvb, (gint)line->offset,
                                     (gint)line->content_length,
                                     shown_text(ctx->pinfo->pool, tvb, (gint)line->offset,
                                                (gint)line->content_length, 0));
        line_tree = proto_item_add_subtree(item, ett_smtpreply_line);
        proto_tree_add_string(line_tree, hf_smtpreply_text, tvb,
                              (gint)(line->offset + line->text_start),
                              (gint)(line->content_length - line->text_start),
                              shown_text(ctx->pinfo->pool, tvb,
                                         (gint)(line->offset + line->text_start),
                                         (gint)(line->content_length - line->text_start), 0));
    }

    add_enhanced(reply_tree, tvb, reply);

    if (reply->offset == 0 && ctx->first_spans) {
        guint n = wmem_array_get_count(ctx->first_spans);

        for (guint i = 0; i < n; i++) {
            guint32 frame = *(guint32 *)wmem_array_index(ctx->first_spans, i);

            item = proto_tree_add_uint(reply_tree, hf_smtpreply_frame, tvb, 0, 0, frame);
            proto_item_set_generated(item);
        }
    }

    if (rec && rec->capabilities)
        add_capabilities(reply_tree, ctx->pinfo, tvb, reply, rec);
    if (rec && rec->tx)
        add_transaction(reply_tree, tvb, rec->tx);
    add_anomalies(reply_tree, ctx->pinfo, tvb, (const sr_anomaly *)(void *)reply->anomalies->data,
                  reply->anomalies->len);
    if (rec && rec->anomalies)
        add_anomalies(reply_tree, ctx->pinfo, tvb, wmem_array_get_raw(rec->anomalies),
                      wmem_array_get_count(rec->anomalies));
    queue_tap(ctx->pinfo, reply, rec);
    ctx->replies++;
}

/*
 * On the first pass, records which frames the reply at the start of this
 * call began in; later passes read the record.  Returns the frames, or NULL
 * when the reply lies in this frame alone.
 */
static wmem_array_t *
track_spans(packet_info *pinfo, smtpreply_conv *conv, guint call, gboolean more_needed,
            gboolean first_done, nstime_t *first_time)
{
    guint32 key = KEY_SPANS_BASE + call;
    wmem_array_t *spans;
    guint32 num = pinfo->num;

    if (PINFO_FD_VISITED(pinfo))
        return p_get_proto_data(wmem_file_scope(), pinfo, proto_smtpreply, key);

    *first_time = conv->pending_start;
    spans = NULL;
    if (first_done && wmem_array_get_count(conv->pending_frames) > 0) {
        spans = wmem_array_sized_new(wmem_file_scope(), sizeof(guint32),
                                     wmem_array_get_count(conv->pending_frames) + 1);
        wmem_array_append(spans, wmem_array_get_raw(conv->pending_frames),
                          wmem_array_get_count(conv->pending_frames));
        wmem_array_append_one(spans, num);
        p_add_proto_data(wmem_file_scope(), pinfo, proto_smtpreply, key, spans);
        conv->pending_frames = wmem_array_sized_new(wmem_file_scope(), sizeof(guint32), 4);
    }
    if (more_needed) {
        guint n = wmem_array_get_count(conv->pending_frames);

        if (n == 0)
            conv->pending_start = pinfo->abs_ts;
        if (n == 0 || *(guint32 *)wmem_array_index(conv->pending_frames, n - 1) != num)
            wmem_array_append_one(conv->pending_frames, num);
    }
    return spans;
}

/*
 * Bytes the server sent that the capture lost just before this call's
 * data, found on the first pass and recorded per call.  TCP tells where
 * reassembled data starts (seq); other data is the end of the segment.
 * Anything between the last byte read and that start was lost: Wireshark's
 * TCP hands over what follows a lost segment as it is.
 */
static guint64
lost_before(packet_info *pinfo, smtpreply_conv *conv, guint call, const struct tcpinfo *tcp,
            guint len)
{
    guint64 *lost;
    guint32 start;

    if (PINFO_FD_VISITED(pinfo)) {
        lost = p_get_proto_data(wmem_file_scope(), pinfo, proto_smtpreply, KEY_GAP_BASE + call);
        return lost ? *lost : 0;
    }
    lost = wmem_new0(pinfo->pool, guint64);
    if (tcp) {
        start = tcp->is_reassembled ? tcp->seq : tcp->nxtseq - len;
        if (conv->server_seq_known && (gint32)(start - conv->server_next_seq) > 0) {
            *lost = (guint32)(start - conv->server_next_seq);
            sr_session_server_gap(conv->session, *lost);
        } else if (start == conv->server_next_seq) {
            *lost = conv->carry_gap;
        }
        conv->carry_gap = 0;
        conv->server_seq_known = TRUE;
        conv->server_next_seq = start;
    }
    if (*lost)
        p_add_proto_data(wmem_file_scope(), pinfo, proto_smtpreply, KEY_GAP_BASE + call,
                         wmem_memdup(wmem_file_scope(), lost, sizeof *lost));
    return *lost;
}

/* On the first pass: LEN bytes of this call's data are read for good. */
static void
consumed(packet_info *pinfo, smtpreply_conv *conv, guint64 len)
{
    if (!PINFO_FD_VISITED(pinfo))
        conv->server_next_seq += (guint32)len;
}

static int
dissect_server(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const struct tcpinfo *tcp)
{
    guint len = tvb_captured_length(tvb);
    /* After FIN or RST no more bytes come: what is unfinished is shown so. */
    gboolean closing = tcp && (tcp->flags & (TH_FIN | TH_RST));
    gboolean reassemble = smtpreply_desegment && pinfo->can_desegment && !closing;
    guint call = next_call_ordinal(pinfo);
    smtpreply_conv *conv = get_conv(pinfo);
    sr_config cfg;
    sr_parser *parser;
    guint64 pending, lost, whole;
    dissect_ctx ctx = { .tvb = tvb, .pinfo = pinfo, .info = frame_info(pinfo) };

    if (len == 0)
        return 0;
    lost = lost_before(pinfo, conv, call, tcp, len);

    sr_config_init(&cfg);
    cfg.line_limit = smtpreply_line_limit;
    cfg.line_cap = smtpreply_line_cap;

    /* First find where whole replies end, without building anything. */
    parser = sr_parser_new(&cfg, NULL, NULL);
    if (lost)
        sr_parser_mark_gap(parser, lost);
    sr_parser_feed(parser, tvb_get_ptr(tvb, 0, len), len);
    pending = sr_parser_pending_offset(parser);
    whole = sr_parser_get_stats(parser)->replies;
    sr_parser_free(parser);

    /* After a gap, nothing is read for good until a reply is whole: the gap
     * and the bytes skipped to a line start are shown with that reply. */
    if (lost && reassemble && pending < len && whole == 0) {
        pending = 0;
        if (!PINFO_FD_VISITED(pinfo))
            conv->carry_gap = lost;
    }
    if (reassemble && pending < len) {
        pinfo->desegment_offset = (int)pending;
        pinfo->desegment_len = DESEGMENT_ONE_MORE_SEGMENT;
    } else {
        pending = len;
    }
    consumed(pinfo, conv, pending);
    ctx.first_spans = track_spans(pinfo, conv, call, pending < len, pending > 0, &ctx.first_time);
    if (pending == 0)
        return len;
    ctx.conv = conv;
    ctx.records = call_records(pinfo, conv, KEY_REPLIES_BASE + call);

    /* Wireshark's SMTP dissector sees exactly the whole replies. */
    if (smtp_handle)
        call_dissector(smtp_handle, tvb_new_subset_length(tvb, 0, (gint)pending), pinfo, tree);

    ctx.tree = tree;
    parser = sr_parser_new(&cfg, add_reply, &ctx);
    if (lost)
        sr_parser_mark_gap(parser, lost);
    sr_parser_feed(parser, tvb_get_ptr(tvb, 0, (gint)pending), (gsize)pending);
    sr_parser_finish(parser);
    sr_parser_free(parser);
    keep_records(pinfo, conv, KEY_REPLIES_BASE + call);
    /* Wireshark's SMTP dissector, called above on the 220, named itself the
     * dissector of the decrypted data; the plaintext is taken over here, on
     * every pass, so that it comes to this dissector, which hands it on. */
    if (conv->starttls_frame == pinfo->num && tls_handle)
        tls_set_appdata_dissector(tls_handle, pinfo, smtpreply_handle);
    /* A capture of many conversations must not keep every one's state. */
    if (!PINFO_FD_VISITED(pinfo) && conv->done_frame)
        release_conv(conv);

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "SMTP");
    col_add_str(pinfo->cinfo, COL_INFO, wmem_strbuf_get_str(ctx.info));
    return len;
}

/* On a command's frame: where its reply is, or that it never got one. */
static void
add_commands(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, wmem_array_t *records)
{
    guint n = records ? wmem_array_get_count(records) : 0;

    for (guint i = 0; i < n; i++) {
        const command_record *rec = *(command_record **)wmem_array_index(records, i);
        proto_item *ti, *item;
        proto_tree *cmd_tree;

        ti = proto_tree_add_item(tree, proto_smtpreply, tvb, 0, 0, ENC_NA);
        proto_item_append_text(ti, ": command %s", rec->verb);
        cmd_tree = proto_item_add_subtree(ti, ett_smtpreply);
        item = proto_tree_add_string(cmd_tree, hf_smtpreply_request, tvb, 0, 0, rec->verb);
        proto_item_set_generated(item);
        if (rec->response_in) {
            item = proto_tree_add_uint(cmd_tree, hf_smtpreply_response_in, tvb, 0, 0, rec->response_in);
            proto_item_set_generated(item);
        } else if (PINFO_FD_VISITED(pinfo)) {
            /* Only once the whole capture was read is "never" known. */
            expert_add_info(pinfo, item, &ei_smtpreply_anomaly[SR_ANOM_UNANSWERED_COMMAND]);
        }
    }
}

static int
dissect_client(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data, gboolean from_tls)
{
    guint call = next_call_ordinal(pinfo);
    smtpreply_conv *conv = get_conv(pinfo);
    wmem_array_t *records;
    int ret;

    /* The client's bytes are Wireshark's SMTP dissector's to show. */
    ret = smtp_handle ? call_dissector_with_data(smtp_handle, tvb, pinfo, tree, data) : 0;
    if (conv->done_frame && pinfo->num > conv->done_frame)
        return ret;

    records = call_records(pinfo, conv, KEY_COMMANDS_BASE + call);
    if (!PINFO_FD_VISITED(pinfo)) {
        /* Bytes it asked TCP to hand over again are read when they come. */
        guint len = tvb_captured_length(tvb);
        guint used = pinfo->desegment_len && (guint)pinfo->desegment_offset < len
                         ? (guint)pinfo->desegment_offset : len;

        if (used > 0) {
            conv->reading_client = TRUE;
            if (from_tls)
                sr_session_tls_plain(conv->session, TRUE, tvb_get_ptr(tvb, 0, (gint)used), used,
                                     nstime_to_us(&pinfo->abs_ts), pinfo->num);
            else
                sr_session_client(conv->session, tvb_get_ptr(tvb, 0, (gint)used), used,
                                  nstime_to_us(&pinfo->abs_ts), pinfo->num);
            conv->reading_client = FALSE;
        }
        records = keep_records(pinfo, conv, KEY_COMMANDS_BASE + call);
    }
    add_commands(tree, pinfo, tvb, records);
    return ret;
}

/* A port this dissector is on: its preference, or Decode As. */
static gboolean
is_server_port(guint32 port)
{
    return dissector_get_uint_handle(tcp_port_table, port) == smtpreply_handle
           || (tls_port_table && dissector_get_uint_handle(tls_port_table, port) == smtpreply_handle);
}

/* Which end is the server, by the decoder's rule: the port TCP saw the
 * SYN go to, else our ports, else this segment's SYN, else the lower port.
 * Not pinfo->match_uint, which is the client's port when both are ours. */
static sr_server_side
server_side(packet_info *pinfo, const struct tcpinfo *tcp)
{
    struct tcp_analysis *tcpd = get_tcp_conversation_data(NULL, pinfo);
    guint16 flags = tcp ? tcp->flags : 0;

    return sr_server_side_of((guint16)pinfo->srcport, (guint16)pinfo->destport,
                             is_server_port(pinfo->srcport), is_server_port(pinfo->destport),
                             tcpd ? (guint16)tcpd->server_port : 0, (flags & TH_SYN) != 0,
                             (flags & TH_ACK) != 0);
}

/* Decrypted application data, handed over by Wireshark's TLS dissector
 * (after STARTTLS, or on the implicit TLS port): DATA is then not TCP's. */
static gboolean
called_from_tls(packet_info *pinfo)
{
    return proto_is_frame_protocol(pinfo->layers, "tls");
}

static int
dissect_smtpreply(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    smtpreply_conv *conv = get_conv(pinfo);
    gboolean from_tls = called_from_tls(pinfo);
    const struct tcpinfo *tcp = from_tls ? NULL : data;

    /* After QUIT nothing more is SMTP (on the first pass the decoder's
     * state may be gone already, in a later part of the same segment);
     * after STARTTLS only what TLS decrypts is, and TLS bytes that still
     * come here go to Wireshark's SMTP dissector as they did without this
     * one. */
    if ((conv->done_frame && (pinfo->num > conv->done_frame
                              || (!PINFO_FD_VISITED(pinfo) && !conv->session)))
        || (!from_tls && conv->starttls_frame && pinfo->num > conv->starttls_frame))
        return smtp_handle ? call_dissector_with_data(smtp_handle, tvb, pinfo, tree, data) : 0;
    /* Plaintext: from the first of it SMTP starts again inside TLS (RFC
     * 3207 4.2), or starts at all (implicit TLS); the decoder takes note
     * once. */
    if (from_tls && !PINFO_FD_VISITED(pinfo))
        sr_session_tls_decrypted(conv->session);
    if (server_side(pinfo, tcp) == SR_SERVER_DESTINATION)
        return dissect_client(tvb, pinfo, tree, data, from_tls);
    return dissect_server(tvb, pinfo, tree, tcp);
}

static void
register_anomaly_experts(expert_module_t *expert)
{
    static ei_register_info ei[SR_ANOM_COUNT + 2];
    static const int groups[] = {
        [SR_GROUP_MALFORMED] = PI_MALFORMED,
        [SR_GROUP_PROTOCOL] = PI_PROTOCOL,
        [SR_GROUP_SEQUENCE] = PI_SEQUENCE,
    };
    static const int severities[] = {
        [SR_SEVERITY_VIOLATION] = PI_WARN,
        [SR_SEVERITY_DEVIATION] = PI_NOTE,
        [SR_SEVERITY_OBSERVATION] = PI_CHAT,
    };
    guint n = 0;

    for (guint k = 0; k < SR_ANOM_COUNT; k++, n++) {
        const sr_anomaly_info *info = sr_anomaly_info_get(k);

        ei_smtpreply_anomaly[k] = (expert_field)EI_INIT;
        ei[n] = (ei_register_info){
            &ei_smtpreply_anomaly[k],
            { wmem_strdup_printf(wmem_epan_scope(), "smtpreply.anomaly.%s", info->name),
              groups[info->group],
              severities[info->severity], info->description, EXPFILL },
        };
    }
    ei[n++] = (ei_register_info){ &ei_smtpreply_transient,
        { "smtpreply.transient_negative", PI_RESPONSE_CODE, PI_NOTE,
          "Transient negative reply (4yz)", EXPFILL } };
    ei[n++] = (ei_register_info){ &ei_smtpreply_permanent,
        { "smtpreply.permanent_negative", PI_RESPONSE_CODE, PI_WARN,
          "Permanent negative reply (5yz)", EXPFILL } };
    expert_register_field_array(expert, ei, n);
}

void
proto_register_smtpreply(void)
{
    static hf_register_info hf[] = {
        { &hf_smtpreply_code,
          { "Reply code", "smtpreply.code", FT_UINT16, BASE_DEC, NULL, 0x0,
            "The three-digit reply code (RFC 5321 4.2)", HFILL } },
        { &hf_smtpreply_code_class,
          { "Class (first digit)", "smtpreply.code.class", FT_UINT8, BASE_DEC, NULL, 0x0,
            "Good, bad or incomplete (RFC 5321 4.2.1)", HFILL } },
        { &hf_smtpreply_code_category,
          { "Category (second digit)", "smtpreply.code.category", FT_UINT8, BASE_DEC, NULL, 0x0,
            "The kind of reply (RFC 5321 4.2.1)", HFILL } },
        { &hf_smtpreply_code_detail,
          { "Detail (third digit)", "smtpreply.code.detail", FT_UINT8, BASE_DEC, NULL, 0x0,
            "The finest gradation, meaningful with the whole code", HFILL } },
        { &hf_smtpreply_code_meaning,
          { "Meaning", "smtpreply.code.meaning", FT_STRING, BASE_NONE, NULL, 0x0,
            "What the defining RFC says this code means", HFILL } },
        { &hf_smtpreply_code_rfc,
          { "Defined by", "smtpreply.code.rfc", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_smtpreply_complete,
          { "Complete", "smtpreply.complete", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Ended by a final line", HFILL } },
        { &hf_smtpreply_multiline,
          { "Multiline", "smtpreply.multiline", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_smtpreply_line_count,
          { "Line count", "smtpreply.line_count", FT_UINT32, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_smtpreply_line,
          { "Line", "smtpreply.line", FT_STRING, BASE_NONE, NULL, 0x0,
            "One reply line, without its CRLF", HFILL } },
        { &hf_smtpreply_text,
          { "Text", "smtpreply.text", FT_STRING, BASE_NONE, NULL, 0x0,
            "The line's text after the code and separator", HFILL } },
        { &hf_smtpreply_frame,
          { "Spans frame", "smtpreply.frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "A frame that carries part of this reply", HFILL } },
        { &hf_smtpreply_enhanced,
          { "Enhanced status code", "smtpreply.enhanced", FT_STRING, BASE_NONE, NULL, 0x0,
            "class.subject.detail (RFC 3463)", HFILL } },
        { &hf_smtpreply_enhanced_class,
          { "Class", "smtpreply.enhanced.class", FT_UINT8, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_smtpreply_enhanced_subject,
          { "Subject", "smtpreply.enhanced.subject", FT_UINT16, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_smtpreply_enhanced_detail,
          { "Detail", "smtpreply.enhanced.detail", FT_UINT16, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_smtpreply_enhanced_meaning,
          { "Meaning", "smtpreply.enhanced.meaning", FT_STRING, BASE_NONE, NULL, 0x0,
            "subject.detail in the IANA registry (RFC 5248)", HFILL } },
        { &hf_smtpreply_anomaly,
          { "Anomaly", "smtpreply.anomaly", FT_STRING, BASE_NONE, NULL, 0x0,
            "Something in this reply that is not as the RFCs say", HFILL } },
        { &hf_smtpreply_command,
          { "Answers command", "smtpreply.command", FT_STRING, BASE_NONE, NULL, 0x0,
            "The command this reply answers (<greeting>, <end-of-data> and "
            "<auth-response> are not sent as commands)", HFILL } },
        { &hf_smtpreply_reason,
          { "Reason", "smtpreply.reason", FT_STRING, BASE_NONE, NULL, 0x0,
            "Why the server said no (4yz and 5yz replies): user-unknown, mailbox-full, "
            "greylisted, rate-limited, blocklisted, ..., other", HFILL } },
        { &hf_smtpreply_provider,
          { "Provider", "smtpreply.provider", FT_STRING, BASE_NONE, NULL, 0x0,
            "The mail provider the reply's text names (Gmail, Microsoft, Yahoo, ...)", HFILL } },
        { &hf_smtpreply_argument,
          { "Argument", "smtpreply.argument", FT_STRING, BASE_NONE, NULL, 0x0,
            "The command line after the verb and one space, as sent; "
            "for AUTH the mechanism only", HFILL } },
        { &hf_smtpreply_greeting_time,
          { "Greeting after the SYN", "smtpreply.greeting_time", FT_RELATIVE_TIME, BASE_NONE, NULL,
            0x0, "From the client's SYN to the greeting's first byte (tarpits, slow banners)",
            HFILL } },
        { &hf_smtpreply_recipient,
          { "For recipient", "smtpreply.recipient", FT_STRING, BASE_NONE, NULL, 0x0,
            "LMTP: the accepted recipient whose delivery this reply decides (RFC 2033 4.2)",
            HFILL } },
        { &hf_smtpreply_tx,
          { "Mail transaction", "smtpreply.tx", FT_NONE, BASE_NONE, NULL, 0x0,
            "The mail transaction this reply ended: sender, recipients, status", HFILL } },
        { &hf_smtpreply_tx_depth,
          { "Transaction number", "smtpreply.tx.depth", FT_UINT32, BASE_DEC, NULL, 0x0,
            "1 for the session's first MAIL, 2 for the next, ...", HFILL } },
        { &hf_smtpreply_tx_mailfrom,
          { "Sender", "smtpreply.tx.mailfrom", FT_STRING, BASE_NONE, NULL, 0x0,
            "MAIL's reverse-path, without angle brackets", HFILL } },
        { &hf_smtpreply_tx_rcpt,
          { "Recipient", "smtpreply.tx.rcpt", FT_STRING, BASE_NONE, NULL, 0x0,
            "RCPT's forward-path, without angle brackets", HFILL } },
        { &hf_smtpreply_tx_rcpt_code,
          { "RCPT reply", "smtpreply.tx.rcpt.code", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_smtpreply_tx_rcpt_frame,
          { "RCPT reply in frame", "smtpreply.tx.rcpt.frame", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, NULL, HFILL } },
        { &hf_smtpreply_tx_rcpt_delivery,
          { "Delivery reply", "smtpreply.tx.rcpt.delivery", FT_UINT16, BASE_DEC, NULL, 0x0,
            "The reply that decided its delivery: to the end of the data, or LMTP's own",
            HFILL } },
        { &hf_smtpreply_tx_rcpt_delivery_frame,
          { "Delivery reply in frame", "smtpreply.tx.rcpt.delivery_frame", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, NULL, HFILL } },
        { &hf_smtpreply_tx_status,
          { "Status", "smtpreply.tx.status", FT_STRING, BASE_NONE, NULL, 0x0,
            "accepted, partial, rejected, deferred, aborted or unfinished", HFILL } },
        { &hf_smtpreply_tx_end,
          { "Ended by", "smtpreply.tx.end", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_smtpreply_tx_queue_id,
          { "Queue id", "smtpreply.tx.queue_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "As the accepting reply names it", HFILL } },
        { &hf_smtpreply_tx_size,
          { "Message size", "smtpreply.tx.size", FT_UINT64, BASE_DEC, NULL, 0x0,
            "Bytes of the message sent: the DATA body up to the dot, or the BDAT chunks",
            HFILL } },
        { &hf_smtpreply_request_in,
          { "Command in frame", "smtpreply.request_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, NULL, HFILL } },
        { &hf_smtpreply_response_in,
          { "Reply in frame", "smtpreply.response_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, NULL, HFILL } },
        { &hf_smtpreply_time,
          { "Reply time", "smtpreply.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "From the command's first byte to the reply's first byte", HFILL } },
        { &hf_smtpreply_request,
          { "Command", "smtpreply.request", FT_STRING, BASE_NONE, NULL, 0x0,
            "A command the client sent, as the reply pairing read it", HFILL } },
        { &hf_smtpreply_ehlo_capability,
          { "EHLO capability", "smtpreply.ehlo.capability", FT_STRING, BASE_NONE, NULL, 0x0,
            "A service extension the server offers (RFC 5321 4.1.1.1)", HFILL } },
        { &hf_smtpreply_ehlo_keyword,
          { "Keyword", "smtpreply.ehlo.keyword", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_smtpreply_ehlo_params,
          { "Parameters", "smtpreply.ehlo.params", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_smtpreply_ehlo_size,
          { "Maximum message size", "smtpreply.ehlo.size", FT_UINT64, BASE_DEC, NULL, 0x0,
            "SIZE (RFC 1870), in octets", HFILL } },
        { &hf_smtpreply_tls,
          { "Inside TLS", "smtpreply.tls", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The reply came encrypted and Wireshark decrypted it (STARTTLS or implicit TLS)",
            HFILL } },
    };
    static gint *ett[] = {
        &ett_smtpreply,
        &ett_smtpreply_code,
        &ett_smtpreply_line,
        &ett_smtpreply_enhanced,
        &ett_smtpreply_capability,
        &ett_smtpreply_tx,
        &ett_smtpreply_tx_rcpt,
    };
    module_t *module;

    /* The names come from the decoder's tables, so they are filled in here. */
    set_strings(hf, array_length(hf), &hf_smtpreply_code_class, build_digit_vals(sr_class_name, 1, 5));
    set_strings(hf, array_length(hf), &hf_smtpreply_code_category,
                build_digit_vals(sr_category_name, 0, 5));
    set_strings(hf, array_length(hf), &hf_smtpreply_enhanced_class,
                build_digit_vals(sr_enhanced_class_name, 2, 5));
    set_strings(hf, array_length(hf), &hf_smtpreply_enhanced_subject,
                build_digit_vals(sr_enhanced_subject_name, 0, 7));

    proto_smtpreply = proto_register_protocol("SMTP Reply", "SMTPREPLY", "smtpreply");
    proto_register_field_array(proto_smtpreply, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    register_anomaly_experts(expert_register_protocol(proto_smtpreply));

    smtpreply_handle = register_dissector("smtpreply", dissect_smtpreply, proto_smtpreply);
    smtpreply_tap = register_tap("smtpreply");

    module = prefs_register_protocol(proto_smtpreply, NULL);
    prefs_register_bool_preference(module, "desegment",
        "Reassemble replies spanning several TCP segments",
        "Whether a reply split across TCP segments is rebuilt whole. "
        "Off: each segment is decoded alone and partial replies are flagged. "
        "Needs TCP's \"Allow subdissectors to reassemble TCP streams\".",
        &smtpreply_desegment);
    prefs_register_uint_preference(module, "line_limit",
        "Reply line limit (octets, CRLF included)",
        "Longer lines are flagged line-too-long (RFC 5321 4.5.3.1.5 says 512)",
        10, &smtpreply_line_limit);
    prefs_register_uint_preference(module, "line_cap",
        "Line cap (octets)",
        "Bytes of one line that are decoded; the rest is skipped and flagged line-over-cap",
        10, &smtpreply_line_cap);
}

void
proto_reg_handoff_smtpreply(void)
{
    smtp_handle = find_dissector_add_dependency("smtp", proto_smtpreply);
    tcp_port_table = find_dissector_table("tcp.port");
    dissector_add_uint_range_with_preference("tcp.port", SMTPREPLY_PORTS, smtpreply_handle);
    /* Decrypted data: after STARTTLS it is taken over at the 220 (see
     * dissect_server); on the implicit TLS port TLS hands it here, in front
     * of Wireshark's SMTP dissector as in clear. */
    tls_handle = find_dissector("tls");
    tls_port_table = find_dissector_table("tls.port");
    ssl_dissector_add(SMTPREPLY_TLS_PORT, smtpreply_handle);
    register_smtpreply_stats();
}
