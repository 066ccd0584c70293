/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for pairing (sr_session).  The input is a script of records,
 * one conversation with both directions in the order they were captured.
 * Each record starts with an op byte:
 *
 *   00LLLLLL  the client sends the next L+1 bytes
 *   01LLLLLL  the server sends the next L+1 bytes
 *   10DLLLLL  the next L bytes of direction D (0 client, 1 server) are lost:
 *             a gap of L bytes (L may be 0)
 *   11VVVVVV  V = 0   resync: the capture began mid-conversation (first
 *                     record only; elsewhere ignored)
 *             V = 1   finish: the script ends here
 *             V = 2   the client sends AUTH_LINE, its first N bytes lost (N:
 *                     the next byte, modulo the line's length + 1), if it is
 *                     at the start of a command line
 *             V = 3   the client answers a 334 with ANSWER_LINE likewise, if
 *                     a 334 has made it wait for one
 *             V = 4   the client sends the next 4 * (N + 1) bytes (N: the
 *                     next byte): long enough for BDAT chunks and floods
 *             V = 5   the server likewise
 *             V >= 6  the clock moves on (V - 5) ms
 *
 * The clock also moves on 10 us whenever the direction changes, and the
 * client's frame number is the clock, so a run of client records is one
 * packet (a pipelined group, RFC 2920).  A lost chunk keeps its place in the
 * client stream kept here, so every command can be checked against the
 * bytes it came from.  Records 2 and 3 plant a secret only where the
 * decoder itself is reading a command line or a 334 answer, so the harness
 * knows which bytes are credentials without reading SMTP itself.
 *
 * Caps are tiny (line cap 64, 8 lines) so short inputs reach them.  Each
 * input runs four times: as scheduled, with adjacent records of one
 * direction and time joined, one byte per call, and as scheduled with the
 * exchange callback only.  The first three must report the same exchanges,
 * commands and unanswered commands; the fourth the same exchanges.  Then
 * twice more with a stand-in decryptor, which takes the TLS records the
 * session's reader frames after an accepted STARTTLS (every third body
 * it declines) and hands no plaintext back: as scheduled and one byte per
 * call, the two must be handed the same records and losses, each record
 * begun before it ends and none after its side's loss; and pairing must be
 * what it was without it.
 */
#include <string.h>

#include "decode-helper.h"
#include "fuzz-entry.h"
#include "sr_decoder.h"
/* White-box: the checks read the session's state (its queue, its
 * command reader's mode), which sr_decoder.h keeps opaque. */
#include "sr_internal.h"

#define LINE_LIMIT 80
#define LINE_CAP   64
#define MAX_LINES  8
#define MAX_BYTES  256

#define MARKER      "SECRETMARK"
#define AUTH_LINE   "AUTH PLAIN " MARKER "\r\n"
#define ANSWER_LINE MARKER "\r\n"

#define START_US    1000000
#define TURN_US     10

/* What the client stream kept here knows about each byte. */
#define BYTE_LOST   0x01
#define BYTE_SECRET 0x02

typedef enum {
    EV_FEED,           /* BYTES are sent */
    EV_LOSE,           /* BYTES are lost */
    EV_RESYNC,
    EV_PLANT_AUTH,     /* AUTH_LINE, PARAM bytes of it lost */
    EV_PLANT_ANSWER,   /* ANSWER_LINE, likewise */
} event_kind;

typedef struct {
    event_kind    kind;
    gboolean      server;
    const guint8 *bytes;
    gsize         len;
    guint         param;
    gint64        time_us;
} event;

typedef enum {
    RUN_SCHEDULED,  /* one call per record */
    RUN_MERGED,     /* adjacent records of one direction and time in one call */
    RUN_BYTEWISE,   /* one call per byte */
    RUN_PAIRS_ONLY, /* as scheduled, no command or unanswered callback */
    RUN_RECORDS,    /* as scheduled, with a stand-in decryptor */
    RUN_RECORDS_BYTEWISE, /* one call per byte, likewise */
    RUN_MODES
} run_mode;

/* What the stand-in decryptor was handed, of one side. */
typedef struct {
    gboolean begun;
    gsize    length;          /* of the record begun */
    gboolean wanted;
    guint    count;
    gboolean lost;
} handed_records;

typedef struct {
    sr_session  *session;
    gboolean     full;            /* all callbacks given */
    gint64       now_us;
    GByteArray  *client;          /* every client byte, lost ones included */
    GByteArray  *client_flags;    /* BYTE_* for each of them */
    guint64      client_fed;      /* client bytes handed to the decoder so far */
    /* Client stream offsets where a resync or a gap ended, in order: a
     * "<partial>" line needs one since the last command line before it.
     * By offset, not by time: lines held after DATA are read later. */
    GArray      *client_breaks;
    guint64      last_line_end;   /* end of the last command line read */
    gboolean     tls_reported;    /* the exchange that began TLS was reported */
    guint        tls_events;      /* handshakes handed over: one at most */
    /* Pairing as the caller sees it: commands read, oldest first; those
     * before HEAD were answered, skipped across a gap, or reported unanswered. */
    GArray      *issued;          /* guint64 offsets */
    guint        head;
    guint        server_gaps;
    guint        gaps_at_exchange;
    gboolean     prev_cut;        /* the previous exchange: a command's reply a gap cut */
    guint64      prev_offset;
    /* A planted line read in full must be the command it was planted as. */
    gboolean     expect;
    guint64      expect_offset;
    sr_command_kind expect_kind;
    GString     *out;             /* everything reported, compared between runs */
    GString     *pairs;           /* the exchanges only */
    GString     *records;         /* what the stand-in decryptor was handed */
    handed_records handed[2];     /* server, client */
} run_state;

static GArray *
read_script(const guint8 *data, gsize size)
{
    GArray *events = g_array_new(FALSE, FALSE, sizeof(event));
    gint64 clock = START_US;
    gboolean records = FALSE, last_server = FALSE;
    gsize pos = 0;

    while (pos < size) {
        guint8 op = data[pos++];
        guint v = op & 0x3f;
        event ev = { .kind = EV_FEED };

        switch (op >> 6) {
        case 0:
        case 1:
            ev.server = op >> 6;
            ev.len = MIN((gsize)v + 1, size - pos);
            break;
        case 2:
            ev.kind = EV_LOSE;
            ev.server = (op >> 5) & 1;
            ev.len = MIN((gsize)(op & 0x1f), size - pos);
            break;
        default:
            if (v == 0) {
                if (records)
                    continue;
                ev.kind = EV_RESYNC;
            } else if (v == 1) {
                return events;
            } else if (v == 2 || v == 3) {
                ev.kind = v == 2 ? EV_PLANT_AUTH : EV_PLANT_ANSWER;
                ev.param = pos < size ? data[pos++] : 0;
            } else if (v == 4 || v == 5) {
                gsize n = pos < size ? data[pos++] : 0;

                ev.server = v == 5;
                ev.len = MIN(4 * (n + 1), size - pos);
            } else {
                clock += (gint64)(v - 5) * 1000;
                records = TRUE;
                continue;
            }
            break;
        }
        records = TRUE;
        if (ev.kind == EV_FEED && ev.len == 0)
            continue;
        if (ev.kind != EV_RESYNC && ev.server != last_server) {
            clock += TURN_US;
            last_server = ev.server;
        }
        ev.bytes = data + pos;
        ev.time_us = clock;
        pos += ev.kind == EV_FEED || ev.kind == EV_LOSE ? ev.len : 0;
        g_array_append_val(events, ev);
    }
    return events;
}

/* Printable, no blank, NUL-terminated within its array, at most SR_VERB_MAX. */
static void
check_verb(const sr_command *cmd)
{
    const char *end = memchr(cmd->verb, '\0', sizeof cmd->verb);

    CHECK(end != NULL);
    for (const char *p = cmd->verb; p < end; p++)
        CHECK(g_ascii_isgraph(*p));
    CHECK((guint)cmd->kind < SR_CMD_COUNT);
    CHECK(sr_command_name(cmd) != NULL);
}

/* A resync or a client gap ended between the last command line and AT. */
static gboolean
broken_before(const run_state *st, guint64 at)
{
    for (guint i = st->client_breaks->len; i-- > 0;) {
        guint64 b = g_array_index(st->client_breaks, guint64, i);

        if (b <= at)
            return b >= st->last_line_end;
    }
    return FALSE;
}

/*
 * A command read from the client: its line is in the stream, was fed, not
 * lost, and its verb is the first word of that very line (what the decoder
 * keeps of it): nothing after a blank, nothing from another line, nothing
 * from a credential.
 */
static void
check_command_line(run_state *st, const sr_command *cmd)
{
    const guint8 *line, *flags;
    gsize content;
    char verb[SR_VERB_MAX + 1];
    gsize n = 0;

    check_verb(cmd);
    CHECK(cmd->length >= 1);
    CHECK(cmd->offset + cmd->length <= st->client_fed);
    line = st->client->data + cmd->offset;
    flags = st->client_flags->data + cmd->offset;
    for (gsize i = 0; i < cmd->length; i++)
        CHECK(!(flags[i] & BYTE_LOST));
    CHECK(line[cmd->length - 1] == '\n');
    CHECK(memchr(line, '\n', cmd->length - 1) == NULL);
    content = cmd->length - 1 - (cmd->length >= 2 && line[cmd->length - 2] == '\r');
    CHECK(cmd->time_us >= START_US && cmd->time_us <= st->now_us);

    switch (cmd->kind) {
    case SR_CMD_GREETING:
        CHECK(!"the greeting is no client line");
        break;
    case SR_CMD_END_OF_DATA:
        CHECK(content == 1 && line[0] == '.');
        CHECK(cmd->verb[0] == '\0');
        break;
    case SR_CMD_AUTH_RESPONSE:
        /* The answer is a credential: none of it is kept. */
        CHECK(cmd->verb[0] == '\0');
        break;
    default:
        if (cmd->kind == SR_CMD_UNKNOWN && strcmp(cmd->verb, "<partial>") == 0) {
            CHECK(broken_before(st, cmd->offset));
            break;
        }
        for (; n < content && n < SR_VERB_MAX && line[n] != ' '; n++) {
            verb[n] = g_ascii_isgraph(line[n]) ? g_ascii_toupper((char)line[n]) : '?';
            CHECK(!(flags[n] & BYTE_SECRET));
        }
        verb[n] = '\0';
        CHECK(strcmp(cmd->verb, verb) == 0);
        if (cmd->kind != SR_CMD_UNKNOWN)
            CHECK(strcmp(cmd->verb, sr_command_kind_name(cmd->kind)) == 0);
        break;
    }
}

static void
render_command(GString *out, char tag, const sr_command *cmd)
{
    g_string_append_printf(out, "%c %s @%" G_GUINT64_FORMAT "+%" G_GSIZE_FORMAT
                           " t=%" G_GINT64_FORMAT " f=%" G_GUINT64_FORMAT,
                           tag, sr_command_name(cmd), cmd->offset, cmd->length,
                           cmd->time_us, cmd->frame);
    if (cmd->kind == SR_CMD_BDAT)
        g_string_append_printf(out, " bdat=%" G_GUINT64_FORMAT "%s", cmd->bdat_size,
                               cmd->bdat_last ? ",last" : "");
    g_string_append_c(out, '\n');
}

static void
on_command(const sr_command *cmd, gpointer user_data)
{
    run_state *st = user_data;

    CHECK(!sr_session_in_tls(st->session));
    check_command_line(st, cmd);
    if (st->issued->len)
        CHECK(cmd->offset > g_array_index(st->issued, guint64, st->issued->len - 1));
    g_array_append_val(st->issued, cmd->offset);
    if (cmd->kind != SR_CMD_END_OF_DATA && cmd->kind != SR_CMD_AUTH_RESPONSE)
        st->last_line_end = cmd->offset + cmd->length;
    if (st->expect && cmd->offset == st->expect_offset) {
        CHECK(cmd->kind == st->expect_kind);
        st->expect = FALSE;
    }
    render_command(st->out, 'c', cmd);
}

/* Unanswered commands leave oldest first, each once, and none that a reply
 * answered: the pending cap drops the oldest, the end all the rest. */
static void
on_unanswered(const sr_command *cmd, gpointer user_data)
{
    run_state *st = user_data;

    check_verb(cmd);
    CHECK(st->head < st->issued->len);
    CHECK(g_array_index(st->issued, guint64, st->head) == cmd->offset);
    st->head++;
    render_command(st->out, 'u', cmd);
}

/* The TLS reader reads what follows an accepted STARTTLS: its handshake
 * is handed over once, whatever the feeding, and only after TLS began. */
static void
on_tls(const sr_tls_event *ev, gpointer user_data)
{
    run_state *st = user_data;
    const sr_tls_info *info = ev->info;

    st->tls_events++;
    CHECK(st->tls_events == 1);
    CHECK(sr_session_in_tls(st->session));
    CHECK(ev->via == SR_TLS_VIA_STARTTLS);
    CHECK((guint)info->outcome < SR_TLS_OUTCOME_COUNT);
    CHECK((ev->anomaly == SR_ANOM_TLS_HANDSHAKE_FAILED)
          == (info->outcome == SR_TLS_FAILED_ALERT || info->outcome == SR_TLS_NOT_TLS
              || info->outcome == SR_TLS_MALFORMED));
    CHECK(!ev->interrupted);
    g_string_append_printf(st->out, "tls %s hello=%d/%d suite=%04x alerts=%u\n",
                           sr_tls_outcome_name(info->outcome), info->client_hello.seen,
                           info->server_hello.seen, info->server_hello.cipher_suite,
                           info->alerts_total);
}

/* The stand-in decryptor: the records come whole, in order, until lost. */
static handed_records *
handed_side(run_state *st, gboolean client)
{
    handed_records *h = &st->handed[client ? 1 : 0];

    CHECK(!h->lost);
    CHECK(sr_session_in_tls(st->session));
    return h;
}

static gboolean
stand_in_begin(gpointer user_data, const sr_tls_info *info, gboolean client,
               const sr_tls_record *record, guint64 frame)
{
    run_state *st = user_data;
    handed_records *h = handed_side(st, client);

    (void)info;
    CHECK(!h->begun && record->body == NULL);
    CHECK(record->type >= SR_TLS_CHANGE_CIPHER_SPEC && record->type <= SR_TLS_HEARTBEAT);
    CHECK(record->length <= SR_TLS_MAX_RECORD);
    h->begun = TRUE;
    h->length = record->length;
    h->wanted = h->count++ % 3 != 2;
    g_string_append_printf(st->records, "%c< %u %04x %" G_GSIZE_FORMAT " f=%" G_GUINT64_FORMAT
                           "\n", client ? 'c' : 's', record->type, record->version,
                           record->length, frame);
    return h->wanted;
}

static void
stand_in_record(gpointer user_data, const sr_tls_info *info, gboolean client,
                sr_tls_record *record, guint64 frame)
{
    run_state *st = user_data;
    handed_records *h = handed_side(st, client);

    (void)info;
    CHECK(h->begun && record->length == h->length);
    CHECK((record->body != NULL) == h->wanted);
    h->begun = FALSE;
    g_string_append_printf(st->records, "%c> %u f=%" G_GUINT64_FORMAT, client ? 'c' : 's',
                           record->type, frame);
    for (gsize i = 0; record->body && i < MIN(record->length, 8); i++)
        g_string_append_printf(st->records, " %02x", record->body[i]);
    g_string_append_c(st->records, '\n');
}

static void
stand_in_lost(gpointer user_data, const sr_tls_info *info, gboolean client, sr_tls_stop why,
              guint64 frame)
{
    run_state *st = user_data;
    handed_records *h = handed_side(st, client);

    (void)info;
    h->lost = TRUE;
    g_string_append_printf(st->records, "%c lost %s f=%" G_GUINT64_FORMAT "\n",
                           client ? 'c' : 's', sr_tls_stop_name(why), frame);
}

static const sr_tls_decryptor stand_in = { stand_in_begin, stand_in_record, stand_in_lost };

/* The command a reply answers is the oldest still waiting, or the one the
 * previous reply answered when that reply was cut; older commands are
 * passed over only when server bytes were lost since the previous reply.
 * The greeting, and an end of data whose dot a gap took, were never read. */
static void
check_pairing(run_state *st, const sr_reply *reply, const sr_exchange *ex)
{
    gboolean cut = sr_reply_was_cut(reply);
    gboolean queued = ex->has_command && ex->command.offset != SR_NOT_READ;
    guint64 at = ex->command.offset;

    /* The rest of a cut reply, and LMTP's replies after the first to one
     * end of data (one per accepted recipient), answer the same command. */
    gboolean again = at == st->prev_offset
                     && (st->prev_cut
                         || (st->session->lmtp && (ex->command.kind == SR_CMD_END_OF_DATA
                                                   || (ex->command.kind == SR_CMD_BDAT
                                                       && ex->command.bdat_last))));

    if (queued && !again) {
        guint i = st->head;

        while (i < st->issued->len && g_array_index(st->issued, guint64, i) != at)
            i++;
        CHECK(i < st->issued->len);
        CHECK(i == st->head || st->server_gaps > st->gaps_at_exchange);
        st->head = i + 1;
    }
    st->prev_cut = queued && cut;
    st->prev_offset = at;
    st->gaps_at_exchange = st->server_gaps;
}

/* Keywords upper-cased, both fields printable and NUL-terminated within
 * their arrays, the kind named by the keyword; each one's line is a line of
 * REPLY whose text begins with the keyword, or marked as of an earlier part
 * of a cut reply (the plugin looks the line up to show its bytes). */
static void
check_capabilities(const sr_capabilities *caps, const sr_reply *reply)
{
    gboolean size_offered = FALSE;

    for (guint i = 0; i < caps->list->len; i++) {
        const sr_capability *c = &g_array_index(caps->list, sr_capability, i);
        const char *kw_end = memchr(c->keyword, '\0', sizeof c->keyword);
        const char *params_end = c->params;

        CHECK(c->params != NULL);
        while (params_end - c->params <= SR_CAP_PARAMS_MAX && *params_end)
            params_end++;
        CHECK(kw_end != NULL && kw_end > c->keyword);
        CHECK(params_end - c->params <= SR_CAP_PARAMS_MAX);
        for (const char *p = c->keyword; p < kw_end; p++)
            CHECK(g_ascii_isprint(*p) && !g_ascii_islower(*p) && *p != ' ' && *p != '=');
        for (const char *p = c->params; p < params_end; p++)
            CHECK(g_ascii_isprint(*p));
        CHECK(c->kind <= SR_CAP_OTHER);
        for (guint k = 0; k < SR_CAP_OTHER; k++)
            CHECK((strcmp(c->keyword, sr_capability_kind_name(k)) == 0) == (c->kind == k));
        size_offered |= c->kind == SR_CAP_SIZE && g_ascii_isdigit(c->params[0]);
        if (c->line != SR_CAP_LINE_EARLIER) {
            gsize len, kw = (gsize)(kw_end - c->keyword);
            const guint8 *text;

            CHECK(c->line < reply->lines->len);
            text = sr_reply_line_text(reply, c->line, &len);
            CHECK(len >= kw);
            /* As read_capabilities() copies it: upper-cased, '?' for the
             * unprintable. */
            for (gsize j = 0; j < kw; j++)
                CHECK(c->keyword[j] == (g_ascii_isprint(text[j])
                                        ? g_ascii_toupper((char)text[j]) : '?'));
        }
    }
    CHECK(!caps->has_size || size_offered);
}

static void
render_exchange(GString *out, const sr_reply *reply, const sr_exchange *ex)
{
    g_string_append_printf(out, "x %03u @%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT
                           " lines=%u complete=%d rt=%" G_GINT64_FORMAT
                           " latency=%" G_GINT64_FORMAT,
                           reply->code, reply->offset, reply->end, reply->lines->len,
                           reply->complete, ex->reply_time_us, ex->latency_us);
    if (ex->has_command)
        g_string_append_printf(out, " answers %s@%" G_GUINT64_FORMAT,
                               sr_command_name(&ex->command), ex->command.offset);
    for (guint i = 0; i < reply->anomalies->len; i++)
        g_string_append_printf(out, " %s",
            sr_anomaly_name(g_array_index(reply->anomalies, sr_anomaly, i).kind));
    for (guint i = 0; i < ex->anomalies->len; i++) {
        const sr_anomaly *a = &g_array_index(ex->anomalies, sr_anomaly, i);

        g_string_append_printf(out, " !%s(%s)", sr_anomaly_name(a->kind),
                               a->detail ? a->detail : "");
    }
    render_capabilities(out, ex->capabilities);
    g_string_append_c(out, '\n');
}

static void
on_exchange(const sr_reply *reply, const sr_exchange *ex, gpointer user_data)
{
    run_state *st = user_data;
    gsize mark = st->out->len;

    /* Only the reply that accepts STARTTLS may find the session in TLS,
     * and nothing is reported after it. */
    CHECK(!st->tls_reported);
    if (sr_session_in_tls(st->session)) {
        CHECK(ex->has_command && ex->command.kind == SR_CMD_STARTTLS && reply->code == 220);
        st->tls_reported = TRUE;
    }
    CHECK(g_queue_get_length(&st->session->pending) * SR_PENDING_COMMAND_BYTES
          <= st->session->max_session_bytes);

    CHECK(ex->reply_time_us >= START_US && ex->reply_time_us <= st->now_us);
    if (ex->latency_us != -1) {
        CHECK(ex->has_command && ex->command.time_us >= 0);
        CHECK(ex->latency_us == ex->reply_time_us - ex->command.time_us);
        CHECK(ex->latency_us >= 0);
    }
    if (ex->has_command) {
        check_verb(&ex->command);
        /* Not read from the client: the greeting, an end of data whose dot
         * a gap took.  They have no time. */
        if (ex->command.offset == SR_NOT_READ)
            CHECK(ex->command.time_us == -1 && ex->latency_us == -1);
        else
            CHECK(ex->command.time_us >= START_US && ex->command.time_us <= st->now_us);
    }
    if (st->full)
        check_pairing(st, reply, ex);

    for (guint i = 0; i < ex->anomalies->len; i++)
        CHECK(g_array_index(ex->anomalies, sr_anomaly, i).kind < SR_ANOM_COUNT);
    if (ex->capabilities) {
        CHECK(ex->has_command && (ex->command.kind == SR_CMD_EHLO || ex->command.kind == SR_CMD_LHLO)
              && reply->code == 250);
        check_capabilities(ex->capabilities, reply);
    }
    render_exchange(st->out, reply, ex);
    g_string_append(st->pairs, st->out->str + mark);
}

static void
append_client(run_state *st, const guint8 *bytes, gsize len, guint8 flags)
{
    g_byte_array_append(st->client, bytes, (guint)len);
    for (gsize i = 0; i < len; i++)
        g_byte_array_append(st->client_flags, &flags, 1);
}

/* Hands bytes to the decoder; client bytes must be in st->client already,
 * since the command callback checks each line against them. */
static void
feed(run_state *st, gboolean server, const guint8 *bytes, gsize len, run_mode mode)
{
    sr_session *s = st->session;
    gsize step = mode == RUN_BYTEWISE || mode == RUN_RECORDS_BYTEWISE ? 1 : len;

    for (gsize off = 0; off < len; off += step) {
        gsize n = MIN(step, len - off);

        if (server) {
            sr_session_server(s, bytes + off, n, st->now_us, 0);
        } else {
            st->client_fed += n;
            sr_session_client(s, bytes + off, n, st->now_us, (guint64)st->now_us);
        }
    }
}

static void
lose(run_state *st, gboolean server, guint64 len)
{
    if (server) {
        sr_session_server_gap(st->session, len);
        /* Counted after the call: a reply the gap cut is reported in it. */
        st->server_gaps++;
        return;
    }
    st->client_fed += len;
    g_array_append_val(st->client_breaks, st->client_fed);
    sr_session_client_gap(st->session, len);
}

/*
 * Sends a credential where the decoder reads one: an AUTH line with an
 * initial response at the start of a command line, or a 334 answer.  Its
 * first bytes may be lost, as when TCP loses the segment that began it.
 */
static void
plant(run_state *st, const event *ev, run_mode mode)
{
    const sr_client *c = &st->session->client;
    gboolean auth = ev->kind == EV_PLANT_AUTH;
    const guint8 *line = (const guint8 *)(auth ? AUTH_LINE : ANSWER_LINE);
    gsize len = strlen((const char *)line);
    gsize secret = auth ? strlen("AUTH PLAIN ") : 0, secret_end = secret + strlen(MARKER);
    gsize lost = ev->param % (len + 1);
    guint64 start = st->client->len;

    if (c->mode != (auth ? SR_CLIENT_COMMANDS : SR_CLIENT_AUTH_RESPONSE)
            || sr_line_framer_in_line(&c->framer))
        return;
    for (gsize i = 0; i < len; i++)
        append_client(st, line + i, 1, (i < lost ? BYTE_LOST : 0)
                      | (i >= secret && i < secret_end ? BYTE_SECRET : 0));
    if (lost)
        lose(st, FALSE, lost);
    if (lost == 0 && st->full) {
        const sr_command *newest = g_queue_peek_tail(&st->session->pending);
        /* While an AUTH exchange awaits its final reply, any line is an
         * answer to a challenge (a lost 334 may be why none is pending). */
        gboolean in_auth = newest && (newest->kind == SR_CMD_AUTH
                                      || newest->kind == SR_CMD_AUTH_RESPONSE);

        st->expect = TRUE;
        st->expect_offset = start;
        st->expect_kind = auth && !in_auth ? SR_CMD_AUTH : SR_CMD_AUTH_RESPONSE;
    }
    feed(st, FALSE, line + lost, len - lost, mode);
    CHECK(!st->expect);
}

/* Runs the script in MODE; OUT and PAIRS receive what was reported,
 * RECORDS what a stand-in decryptor was handed. */
static void
run(const GArray *events, run_mode mode, GString *out, GString *pairs, GString *records)
{
    sr_config cfg = {
        .line_limit = LINE_LIMIT,
        .line_cap = LINE_CAP,
        .max_lines = MAX_LINES,
        .max_bytes = MAX_BYTES,
    };
    sr_session_callbacks cb = { on_exchange, on_command, on_unanswered, NULL, on_tls };
    sr_session *s;
    run_state st = {
        .full = mode != RUN_PAIRS_ONLY,
        .now_us = START_US,
        .client = g_byte_array_new(),
        .client_flags = g_byte_array_new(),
        .issued = g_array_new(FALSE, FALSE, sizeof(guint64)),
        .client_breaks = g_array_new(FALSE, FALSE, sizeof(guint64)),
        .out = out,
        .pairs = pairs,
        .records = records,
    };
    GByteArray *joined = g_byte_array_new();
    gsize mark;

    if (!st.full)
        cb.command = cb.unanswered = NULL;
    s = st.session = sr_session_new(&cfg, &cb, &st);
    if (mode == RUN_RECORDS || mode == RUN_RECORDS_BYTEWISE)
        sr_session_set_tls_decryptor(s, &stand_in, &st);
    for (guint i = 0; i < events->len; i++) {
        const event *ev = &g_array_index(events, event, i);

        st.now_us = ev->time_us;
        switch (ev->kind) {
        case EV_FEED:
            g_byte_array_set_size(joined, 0);
            g_byte_array_append(joined, ev->bytes, (guint)ev->len);
            while (mode == RUN_MERGED && i + 1 < events->len) {
                const event *next = &g_array_index(events, event, i + 1);

                if (next->kind != EV_FEED || next->server != ev->server
                        || next->time_us != ev->time_us)
                    break;
                g_byte_array_append(joined, next->bytes, (guint)next->len);
                i++;
            }
            if (!ev->server)
                append_client(&st, joined->data, joined->len, 0);
            feed(&st, ev->server, joined->data, joined->len, mode);
            break;
        case EV_LOSE:
            if (!ev->server)
                append_client(&st, ev->bytes, ev->len, BYTE_LOST);
            lose(&st, ev->server, ev->len);
            break;
        case EV_RESYNC:
            g_array_append_val(st.client_breaks, st.client_fed);
            sr_session_resync(s);
            break;
        case EV_PLANT_AUTH:
        case EV_PLANT_ANSWER:
            plant(&st, ev, mode);
            break;
        }
        CHECK(g_queue_get_length(&s->pending) * SR_PENDING_COMMAND_BYTES <= s->max_session_bytes);
        CHECK(st.client_fed == st.client->len);
    }
    sr_session_finish(s);
    CHECK(g_queue_is_empty(&s->pending));
    /* Nothing is kept once the session is finished. */
    CHECK(s->kept_bytes == 0);
    /* Every command was answered, passed over across a gap, or reported. */
    if (st.full)
        CHECK(st.head == st.issued->len);
    g_string_append_printf(out, "end tls=%d\n", sr_session_in_tls(s));
    /* Finishing again reports nothing more. */
    mark = out->len;
    sr_session_finish(s);
    CHECK(out->len == mark);

    sr_session_free(s);
    g_byte_array_free(joined, TRUE);
    g_array_free(st.issued, TRUE);
    g_array_free(st.client_breaks, TRUE);
    g_byte_array_free(st.client_flags, TRUE);
    g_byte_array_free(st.client, TRUE);
}

static void
check_same(const char *what, const GString *expected, const GString *got)
{
    if (g_string_equal(expected, got))
        return;
    fprintf(stderr, "fuzz-session: %s differs from the scheduled run\n--- scheduled\n%s"
            "--- %s\n%s", what, expected->str, what, got->str);
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GArray *events = read_script(data, size);
    GString *out[RUN_MODES], *pairs[RUN_MODES], *records[RUN_MODES];

    for (guint m = RUN_SCHEDULED; m < RUN_MODES; m++) {
        out[m] = g_string_new(NULL);
        pairs[m] = g_string_new(NULL);
        records[m] = g_string_new(NULL);
        run(events, (run_mode)m, out[m], pairs[m], records[m]);
    }
    check_same("joined", out[RUN_SCHEDULED], out[RUN_MERGED]);
    check_same("one byte at a time", out[RUN_SCHEDULED], out[RUN_BYTEWISE]);
    /* The optional callbacks change nothing in pairing. */
    check_same("exchange callback only", pairs[RUN_SCHEDULED], pairs[RUN_PAIRS_ONLY]);
    /* Nor does a decryptor that hands no plaintext back; and the records
     * are framed alike however the bytes come. */
    check_same("with a decryptor", pairs[RUN_SCHEDULED], pairs[RUN_RECORDS]);
    CHECK(records[RUN_SCHEDULED]->len == 0);
    check_same("records one byte at a time", records[RUN_RECORDS],
               records[RUN_RECORDS_BYTEWISE]);
    check_same("one byte at a time with a decryptor", out[RUN_RECORDS],
               out[RUN_RECORDS_BYTEWISE]);

    for (guint m = RUN_SCHEDULED; m < RUN_MODES; m++) {
        g_string_free(records[m], TRUE);
        g_string_free(pairs[m], TRUE);
        g_string_free(out[m], TRUE);
    }
    g_array_free(events, TRUE);
    return 0;
}
