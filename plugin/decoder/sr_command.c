/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sr_command.h"

#include <string.h>

#include "sr_internal.h"

/* A command line is short (RFC 5321 4.5.3.1.4: 512 octets); longer ones are
 * still framed whole, only their start is looked at. */
#define CLIENT_LINE_CAP 512

typedef struct {
    const char    *name;
    const guint16 *allowed;   /* 0-terminated; NULL: no check */
} command_info;

/*
 * Codes each command may get besides 421, 500 and 501, which any command
 * may (RFC 5321 4.3.2), and 521, which a host that accepts no mail gives
 * at the greeting and to every command but QUIT (RFC 7504 3).  530 is RFC 4954's "authentication required", for
 * every command but AUTH, EHLO, HELO, NOOP, RSET and QUIT.  Extension
 * commands also allow 502 (not implemented) and 503 (bad sequence).
 */
static const guint16 ok_greeting[] = { 220, 554, 0 };
static const guint16 ok_hello[] = { 250, 502, 504, 550, 0 };
static const guint16 ok_mail[] = { 250, 451, 452, 455, 503, 530, 550, 552, 553, 555, 0 };
static const guint16 ok_rcpt[] = { 250, 251, 450, 451, 452, 455, 503, 530, 550, 551, 552, 553, 555, 0 };
static const guint16 ok_data[] = { 354, 450, 503, 530, 550, 554, 0 };
static const guint16 ok_end_of_data[] = { 250, 450, 451, 452, 550, 552, 554, 0 };
static const guint16 ok_bdat[] = { 250, 450, 451, 452, 502, 503, 530, 550, 552, 554, 0 };
static const guint16 ok_250[] = { 250, 0 };
static const guint16 ok_vrfy[] = { 250, 251, 252, 502, 504, 530, 550, 551, 553, 0 };
static const guint16 ok_expn[] = { 250, 252, 502, 504, 530, 550, 0 };
static const guint16 ok_help[] = { 211, 214, 502, 504, 530, 0 };
static const guint16 ok_quit[] = { 221, 0 };
static const guint16 ok_starttls[] = { 220, 454, 502, 503, 0 };
static const guint16 ok_auth[] = { 235, 334, 432, 454, 502, 503, 504, 534, 535, 538, 0 };
static const guint16 ok_auth_response[] = { 235, 334, 432, 454, 534, 535, 538, 0 };
static const guint16 ok_etrn[] = { 250, 251, 252, 253, 458, 459, 502, 530, 0 };

/* Indexed by sr_command_kind. */
static const command_info command_table[SR_CMD_COUNT] = {
    [SR_CMD_GREETING] = { "<greeting>", ok_greeting },
    [SR_CMD_HELO] = { "HELO", ok_hello },
    [SR_CMD_EHLO] = { "EHLO", ok_hello },
    [SR_CMD_LHLO] = { "LHLO", ok_hello },
    [SR_CMD_MAIL] = { "MAIL", ok_mail },
    [SR_CMD_RCPT] = { "RCPT", ok_rcpt },
    [SR_CMD_DATA] = { "DATA", ok_data },
    [SR_CMD_END_OF_DATA] = { "<end-of-data>", ok_end_of_data },
    [SR_CMD_BDAT] = { "BDAT", ok_bdat },
    [SR_CMD_RSET] = { "RSET", ok_250 },
    [SR_CMD_VRFY] = { "VRFY", ok_vrfy },
    [SR_CMD_EXPN] = { "EXPN", ok_expn },
    [SR_CMD_HELP] = { "HELP", ok_help },
    [SR_CMD_NOOP] = { "NOOP", ok_250 },
    [SR_CMD_QUIT] = { "QUIT", ok_quit },
    [SR_CMD_STARTTLS] = { "STARTTLS", ok_starttls },
    [SR_CMD_AUTH] = { "AUTH", ok_auth },
    [SR_CMD_AUTH_RESPONSE] = { "<auth-response>", ok_auth_response },
    [SR_CMD_ETRN] = { "ETRN", ok_etrn },
    [SR_CMD_UNKNOWN] = { "<unknown>", NULL },
};

const char *
sr_command_kind_name(sr_command_kind kind)
{
    return (guint)kind < SR_CMD_COUNT ? command_table[kind].name : "<invalid>";
}

const char *
sr_command_name(const sr_command *command)
{
    return command->kind == SR_CMD_UNKNOWN ? command->verb : sr_command_kind_name(command->kind);
}

/* Each command's allowed codes as text, written once from the tables:
 * its own, then those every command may get. */
static const char *allowed_texts[SR_CMD_COUNT];

static gpointer
write_allowed_texts(gpointer unused)
{
    static const guint16 any[] = { 421, 500, 501, 521 };

    (void)unused;
    for (guint k = 0; k < SR_CMD_COUNT; k++) {
        GString *text;

        if (!command_table[k].allowed)
            continue;
        text = g_string_new(NULL);
        for (const guint16 *ok = command_table[k].allowed; *ok; ok++)
            g_string_append_printf(text, "%s%u", text->len ? ", " : "", *ok);
        for (guint i = 0; i < G_N_ELEMENTS(any); i++) {
            if (sr_command_allows(k, any[i]))
                g_string_append_printf(text, ", %u", any[i]);
        }
        /* Kept for the life of the program, as the tables are. */
        allowed_texts[k] = g_string_free(text, FALSE);
    }
    return NULL;
}

const char *
sr_command_allowed_text(sr_command_kind kind)
{
    static GOnce once = G_ONCE_INIT;

    g_once(&once, write_allowed_texts, NULL);
    return (guint)kind < SR_CMD_COUNT ? allowed_texts[kind] : NULL;
}

gboolean
sr_command_allows(sr_command_kind kind, guint code)
{
    const guint16 *ok;

    if ((guint)kind >= SR_CMD_COUNT || !command_table[kind].allowed)
        return TRUE;
    if (code == 421 || (kind != SR_CMD_GREETING && (code == 500 || code == 501)))
        return TRUE;
    if (code == 521 && kind != SR_CMD_QUIT)
        return TRUE;
    for (ok = command_table[kind].allowed; *ok; ok++) {
        if (*ok == code)
            return TRUE;
    }
    return FALSE;
}

static sr_command_kind
kind_of_verb(const char *verb)
{
    for (guint k = SR_CMD_HELO; k < SR_CMD_UNKNOWN; k++) {
        if (command_table[k].name[0] != '<' && strcmp(command_table[k].name, verb) == 0)
            return (sr_command_kind)k;
    }
    return SR_CMD_UNKNOWN;
}

/* Parses "BDAT <size> [LAST]" after the verb; FALSE if malformed. */
static gboolean
parse_bdat(const guint8 *p, gsize len, sr_command *cmd)
{
    gsize i = 0;
    guint64 size = 0;
    gsize digits = 0;

    while (i < len && p[i] == ' ')
        i++;
    while (i < len && g_ascii_isdigit(p[i]) && digits < 19) {
        size = size * 10 + (guint64)(p[i++] - '0');
        digits++;
    }
    if (digits == 0)
        return FALSE;
    while (i < len && p[i] == ' ')
        i++;
    cmd->bdat_size = size;
    cmd->bdat_last = len - i >= 4 && g_ascii_strncasecmp((const char *)p + i, "LAST", 4) == 0;
    return TRUE;
}

/*
 * The argument: what follows the verb and one space, up to the line end.
 * AUTH's may carry an initial response (RFC 4954 4), a credential: only
 * the mechanism is kept.  A command whose verb a gap may have taken
 * ("<partial>") keeps none: its bytes may be anything.
 */
static void
keep_argument(sr_command *cmd, const sr_raw_line *line)
{
    const guint8 *p = memchr(line->data, ' ', line->stored);
    gsize len, n;

    if (!p)
        return;
    p++;
    len = line->stored - (gsize)(p - line->data);
    if (cmd->kind == SR_CMD_AUTH) {
        const guint8 *end = memchr(p, ' ', len);

        if (end)
            len = (gsize)(end - p);
    }
    if (len == 0)
        return;
    n = MIN(len, (gsize)SR_ARGUMENT_MAX);
    memcpy(cmd->argument, p, n);
    /* A NUL would end the string early: shown as "?", as in verbs. */
    for (char *nul = memchr(cmd->argument, '\0', n); nul; nul = memchr(nul, '\0', n - (gsize)(nul - cmd->argument)))
        *nul = '?';
    cmd->argument[n] = '\0';
    cmd->argument_len = (guint16)n;
    /* Cut by us, or by the line cap before us (AUTH's mechanism never is). */
    cmd->argument_cut = len > n || (cmd->kind != SR_CMD_AUTH && line->content_length > line->stored);
    cmd->has_argument = TRUE;
}

static void
emit(sr_client *c, sr_command *cmd, const sr_raw_line *line)
{
    cmd->offset = line->offset;
    cmd->length = line->length;
    cmd->time_us = c->line_time_us;
    cmd->frame = c->line_frame;
    c->func(cmd, c->user_data);
}

static void
on_command_line(sr_client *c, const sr_raw_line *line)
{
    sr_command cmd = { 0 };
    gsize n = 0;
    gboolean partial = FALSE;   /* its verb may have been lost: no argument kept */

    while (n < line->stored && n < SR_VERB_MAX && line->data[n] != ' ') {
        guint8 ch = line->data[n];

        cmd.verb[n++] = g_ascii_isgraph(ch) ? g_ascii_toupper((gchar)ch) : '?';
    }
    cmd.verb[n] = '\0';
    /* An empty line is an (unknown, empty) command too: servers answer it. */
    cmd.kind = kind_of_verb(cmd.verb);
    if (c->resync) {
        c->resync = FALSE;
        /* Most likely the end of a command sent before the capture began:
         * still a command, whose reply may follow, but of no known verb. */
        if (cmd.kind == SR_CMD_UNKNOWN) {
            g_strlcpy(cmd.verb, "<partial>", sizeof cmd.verb);
            partial = TRUE;
        }
    }
    if (cmd.kind == SR_CMD_BDAT && !parse_bdat(line->data + n, line->stored - n, &cmd))
        cmd.kind = SR_CMD_UNKNOWN;
    if (!partial)
        keep_argument(&cmd, line);
    emit(c, &cmd, line);
    if (cmd.kind == SR_CMD_DATA)
        c->mode = SR_CLIENT_HOLD;
    if (cmd.kind == SR_CMD_BDAT && cmd.bdat_size > 0) {
        c->mode = SR_CLIENT_CHUNK;
        c->chunk_left = cmd.bdat_size;
    }
}

static void
on_line(const sr_raw_line *line, gpointer user_data)
{
    sr_client *c = user_data;

    /* A line cut off by a gap or the end is no command anyone answered. */
    if (line->term == SR_TERM_NONE)
        return;
    switch (c->mode) {
    case SR_CLIENT_COMMANDS:
        on_command_line(c, line);
        break;
    case SR_CLIENT_AUTH_RESPONSE: {
        /* The answer itself is a credential: only its place is kept. */
        sr_command cmd = { .kind = SR_CMD_AUTH_RESPONSE };

        c->mode = SR_CLIENT_COMMANDS;
        emit(c, &cmd, line);
        break;
    }
    case SR_CLIENT_BODY:   /* scanned by scan_body, never framed */
    case SR_CLIENT_CHUNK:
    case SR_CLIENT_TLS:
    case SR_CLIENT_HOLD:
        break;
    }
    /* The next line, if any, starts in the feed in progress. */
    c->line_time_us = c->now_us;
    c->line_frame = c->now_frame;
}

void
sr_client_init(sr_client *c, sr_command_func func, gpointer user_data)
{
    *c = (sr_client){ 0 };
    c->func = func;
    c->user_data = user_data;
    sr_line_framer_init(&c->framer, CLIENT_LINE_CAP, on_line, c);
    c->held = g_byte_array_new();
    c->held_feeds = g_array_new(FALSE, FALSE, sizeof(sr_held_feed));
}

void
sr_client_reset(sr_client *c)
{
    sr_client kept = *c;

    *c = (sr_client){ 0 };
    c->func = kept.func;
    c->user_data = kept.user_data;
    c->framer = kept.framer;
    sr_line_framer_reset(&c->framer);
    c->held = kept.held;
    c->held_feeds = kept.held_feeds;
    g_byte_array_set_size(c->held, 0);
    g_array_set_size(c->held_feeds, 0);
}

void
sr_client_clear(sr_client *c)
{
    sr_line_framer_clear(&c->framer);
    if (c->held)
        g_byte_array_free(c->held, TRUE);
    if (c->held_feeds)
        g_array_free(c->held_feeds, TRUE);
    c->held = NULL;
    c->held_feeds = NULL;
}

sr_client *
sr_client_new(sr_command_func func, gpointer user_data)
{
    sr_client *c = g_new(sr_client, 1);

    sr_client_init(c, func, user_data);
    return c;
}

void
sr_client_free(sr_client *c)
{
    if (!c)
        return;
    sr_client_clear(c);
    g_free(c);
}

static void
hold(sr_client *c, const guint8 *data, gsize len)
{
    sr_held_feed feed = { len, c->now_us, c->now_frame, FALSE };

    g_byte_array_append(c->held, data, (guint)len);
    g_array_append_val(c->held_feeds, feed);
}

void
sr_client_resync(sr_client *c)
{
    c->resync = TRUE;
}

/* The body line being scanned could still be "." alone: "." or ".\r" so far. */
static gboolean
body_dot_so_far(const sr_client *c)
{
    return (c->body_line_len == 1 && c->body_head[0] == '.')
        || (c->body_line_len == 2 && c->body_head[0] == '.' && c->body_head[1] == '\r');
}

/*
 * A DATA body ends at a line that is "." alone (RFC 5321 4.1.1.4); no other
 * line matters.  The body is most of what a client sends, so it is neither
 * copied nor framed: memchr() looks for dots, and only a dot that starts a
 * line is looked at more closely.  A dot line cut between two feeds is
 * carried in body_head.  Returns the bytes used: up to and with the final
 * dot's line end, or all of them.
 */
static gsize
scan_body(sr_client *c, const guint8 *data, gsize len)
{
    guint64 base = c->framer.offset;   /* stream offset of data[0] */
    gsize i = 0, from;

    while (i < len) {
        /* A line begins at I, or one began earlier (body_line_len > 0). */
        if (c->body_line_len == 0) {
            if (data[i] != '.') {
                from = i + 1;
                goto next_dot;
            }
            c->body_line_start = base + i;
            c->line_time_us = c->now_us;
            c->line_frame = c->now_frame;
        }
        /* The line's bytes one at a time, while it can still be "." alone. */
        while (i < len && (c->body_line_len == 0 || body_dot_so_far(c))) {
            guint8 b = data[i++];

            if (b == '\n') {
                sr_command cmd = {
                    .kind = SR_CMD_END_OF_DATA,
                    .offset = c->body_line_start,
                    .length = (gsize)c->body_line_len + 1,
                    .time_us = c->line_time_us,
                    .frame = c->line_frame,
                };

                c->mode = SR_CLIENT_COMMANDS;
                c->body_line_len = 0;
                /* Whatever follows in this feed begins now. */
                c->line_time_us = c->now_us;
                c->line_frame = c->now_frame;
                c->func(&cmd, c->user_data);
                return i;
            }
            if (c->body_line_len < sizeof c->body_head)
                c->body_head[c->body_line_len] = b;
            c->body_line_len++;
        }
        if (i == len)
            return len;
        /* Not "." alone, and no LF up to I. */
        from = i;
next_dot:
        /* Only a dot right after an LF can begin the final line. */
        for (;;) {
            const guint8 *dot = from < len ? memchr(data + from, '.', len - from) : NULL;

            if (!dot) {
                /* Past the last LF the line goes on; "3" is any length a
                 * dot line cannot have. */
                c->body_line_len = data[len - 1] == '\n' ? 0 : 3;
                return len;
            }
            i = (gsize)(dot - data);
            if (i > 0 && data[i - 1] == '\n') {
                c->body_line_len = 0;
                break;
            }
            from = i + 1;
        }
    }
    return len;
}

/* DATA's reply came: the held bytes are read as MODE says, in their feeds. */
static void
release(sr_client *c, sr_client_mode mode)
{
    GByteArray *bytes = c->held;
    GArray *feeds = c->held_feeds;
    gint64 now_us = c->now_us;
    guint64 now_frame = c->now_frame;
    gsize at = 0;

    /* Reading them may hold again (another DATA): into fresh arrays. */
    c->held = g_byte_array_new();
    c->held_feeds = g_array_new(FALSE, FALSE, sizeof(sr_held_feed));
    c->mode = mode;
    if (mode == SR_CLIENT_BODY) {
        c->body_line_len = 0;
        c->body_line_start = c->framer.offset;
    }
    for (guint i = 0; i < feeds->len; i++) {
        const sr_held_feed *f = &g_array_index(feeds, sr_held_feed, i);

        if (f->gap) {
            sr_client_gap(c, f->len);
        } else {
            sr_client_feed(c, bytes->data + at, (gsize)f->len, f->time_us, f->frame);
            at += (gsize)f->len;
        }
    }
    g_byte_array_free(bytes, TRUE);
    g_array_free(feeds, TRUE);
    /* The feed in progress, if any, goes on from here. */
    c->now_us = now_us;
    c->now_frame = now_frame;
}

void
sr_client_set_mode(sr_client *c, sr_client_mode mode)
{
    if (c->mode == SR_CLIENT_HOLD && mode != SR_CLIENT_HOLD) {
        release(c, mode);
        return;
    }
    if (mode == SR_CLIENT_BODY && c->mode != SR_CLIENT_BODY) {
        /* What a client sent early is the body's start: scanned as such. */
        sr_line_framer *f = &c->framer;
        gsize kept = MIN(f->buf->len, sizeof c->body_head);

        c->body_line_start = f->line_start;
        c->body_line_len = f->content_length + (f->pending_cr ? 1 : 0);
        memcpy(c->body_head, f->buf->data, kept);
        if (f->pending_cr && kept < sizeof c->body_head)
            c->body_head[kept] = '\r';
        sr_line_framer_discard(f);
    }
    c->mode = mode;
}

void
sr_client_feed(sr_client *c, const guint8 *data, gsize len, gint64 time_us, guint64 frame)
{
    c->now_us = time_us;
    c->now_frame = frame;
    if (c->mode == SR_CLIENT_BODY ? c->body_line_len == 0 : !sr_line_framer_in_line(&c->framer)) {
        c->line_time_us = time_us;
        c->line_frame = frame;
    }
    while (len > 0) {
        gsize used;

        if (c->mode == SR_CLIENT_HOLD && c->held->len + len > SR_HOLD_MAX) {
            /* More than a command group: most likely the message, which
             * servers read after DATA whatever the order.  The held bytes
             * and the rest are read as it, counted and not kept. */
            release(c, SR_CLIENT_BODY);
            continue;
        } else if (c->mode == SR_CLIENT_HOLD) {
            hold(c, data, len);
            used = len;
        } else if (c->mode == SR_CLIENT_TLS) {
            used = len;
        } else if (c->mode == SR_CLIENT_CHUNK) {
            used = (gsize)MIN((guint64)len, c->chunk_left);
            c->chunk_left -= used;
            if (c->chunk_left == 0)
                c->mode = SR_CLIENT_COMMANDS;
            sr_line_framer_skip(&c->framer, used);
            c->line_time_us = time_us;
            c->line_frame = frame;
        } else if (c->mode == SR_CLIENT_BODY) {
            used = scan_body(c, data, len);
            sr_line_framer_skip(&c->framer, used);
        } else {
            used = sr_line_framer_feed_line(&c->framer, data, len);
        }
        data += used;
        len -= used;
    }
}

void
sr_client_gap(sr_client *c, guint64 missing)
{
    /* Whatever was being read is lost.  A BDAT chunk's length says where
     * it ends; a DATA body goes on until its dot, or until the server
     * answers, which it does only after the dot (see sr_session).  Held
     * bytes wait for DATA's reply, and so does the gap. */
    if (c->mode == SR_CLIENT_HOLD) {
        sr_held_feed gap = { missing, 0, 0, TRUE };

        g_array_append_val(c->held_feeds, gap);
        return;
    }
    sr_line_framer_skip(&c->framer, missing);
    if (c->mode == SR_CLIENT_BODY) {
        /* The lost bytes join the body line being scanned: unknown, so
         * that line is not the final dot. */
        for (guint64 k = c->body_line_len; k < sizeof c->body_head && k < c->body_line_len + missing; k++)
            c->body_head[k] = 0;
        c->body_line_len += missing;
    }
    if (c->mode == SR_CLIENT_CHUNK) {
        c->chunk_left = missing >= c->chunk_left ? 0 : c->chunk_left - missing;
        if (c->chunk_left == 0)
            c->mode = SR_CLIENT_COMMANDS;
    }
    /* The lost bytes may have begun the next line ("AUTH PLAIN " before a
     * credential): as after a mid-session start, a first line of no known
     * verb is the end of one, and its bytes name no command. */
    if (c->mode == SR_CLIENT_COMMANDS)
        c->resync = TRUE;
}
