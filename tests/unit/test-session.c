/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pairing replies with commands (RFC 5321 4.3, RFC 2920, RFC 3030, RFC 4954).
 *
 * Most cases are scripts: client and server text at given times, gaps,
 * resynchronisation and an end, fed to one session whose rendered output
 * is compared with the expected text.  They are rows of one table, walked
 * by one runner; the cases that need code (generated input, a reused
 * session, every split of the input, the session's state) follow it.
 */
#include <string.h>

#include "decode-helper.h"
#include "sr_decoder.h"
/* test_capabilities_capped looks at the session's capability list as each
 * line comes: white-box. */
#include "sr_internal.h"

/* ------------------------------------------------------------ rendering */

/* "VERB code latency !anomaly(detail)... [capabilities]" per reply. */
static void
on_exchange(const sr_reply *reply, const sr_exchange *ex, gpointer user_data)
{
    GString *out = user_data;

    g_string_append_printf(out, "%s %03u", ex->has_command ? sr_command_name(&ex->command) : "-",
                           reply->code);
    /* Any latency but "unknown", so that a negative one would show. */
    if (ex->latency_us != -1)
        g_string_append_printf(out, " %" G_GINT64_FORMAT "us", ex->latency_us);
    for (guint i = 0; i < ex->anomalies->len; i++) {
        const sr_anomaly *a = &g_array_index(ex->anomalies, sr_anomaly, i);

        g_string_append_printf(out, " !%s", sr_anomaly_name(a->kind));
        if (a->detail)
            g_string_append_printf(out, "(%s)", a->detail);
    }
    render_capabilities(out, ex->capabilities);
    g_string_append_c(out, '\n');
}

static void
on_unanswered(const sr_command *cmd, gpointer user_data)
{
    g_string_append_printf(user_data, "unanswered %s\n", sr_command_name(cmd));
}

/* "NAME/verb;" as each command is read: what a credential became. */
static void
on_command(const sr_command *cmd, gpointer user_data)
{
    g_string_append_printf(user_data, "%s/%s;", sr_command_name(cmd), cmd->verb);
}

/* The reply as on_exchange renders it, then how it ended. */
static void
on_reply_state(const sr_reply *reply, const sr_exchange *ex, gpointer user_data)
{
    on_exchange(reply, ex, user_data);
    g_string_append_printf(user_data, "  complete=%d interrupted=%d lines=%u anomalies=%u\n",
                           reply->complete, reply->interrupted, reply->lines->len,
                           reply->anomalies->len);
}

/* Each capability's line, as "KEYWORD@LINE" ("@earlier" for one read from
 * an earlier part), checked against the reply's own line when it has one. */
static void
on_exchange_cap_lines(const sr_reply *reply, const sr_exchange *ex, gpointer user_data)
{
    GString *out = user_data;

    if (!ex->capabilities)
        return;
    for (guint i = 0; i < ex->capabilities->list->len; i++) {
        const sr_capability *c = &g_array_index(ex->capabilities->list, sr_capability, i);
        gsize len;
        const guint8 *text;

        if (c->line == SR_CAP_LINE_EARLIER) {
            g_string_append_printf(out, " %s@earlier", c->keyword);
            continue;
        }
        g_assert_cmpuint(c->line, <, reply->lines->len);
        text = sr_reply_line_text(reply, c->line, &len);
        g_assert_cmpuint(len, >=, strlen(c->keyword));
        g_assert_true(g_ascii_strncasecmp((const char *)text, c->keyword, strlen(c->keyword)) == 0);
        g_string_append_printf(out, " %s@%u", c->keyword, c->line);
    }
    g_string_append_c(out, '\n');
}

/* Each reply, then each command still unanswered at the end: most cases. */
static const sr_session_callbacks replies_cb = { on_exchange, NULL, on_unanswered, NULL, NULL };
/* The same with each command as it is read. */
static const sr_session_callbacks commands_cb = { on_exchange, on_command, on_unanswered, NULL,
                                                  NULL };
/* The same with each reply's end. */
static const sr_session_callbacks state_cb = { on_reply_state, NULL, on_unanswered, NULL, NULL };
/* Only the capability lines of EHLO replies. */
static const sr_session_callbacks cap_lines_cb = { on_exchange_cap_lines, NULL, NULL, NULL, NULL };

/* ------------------------------------------------------------ scripts */

typedef enum {
    STEP_END,         /* the script ends (zero: a row's unused steps) */
    STEP_CLIENT,      /* the client sends TEXT at T */
    STEP_SERVER,      /* the server sends TEXT at T */
    STEP_CLIENT_GAP,  /* LOST client bytes were not captured */
    STEP_SERVER_GAP,  /* LOST server bytes were not captured */
    STEP_RESYNC,      /* the capture began mid-conversation */
    STEP_FINISH,      /* the connection ended */
    STEP_INTERRUPT,   /* the reading stopped */
    STEP_IN_TLS,      /* asserts that the session is in TLS now */
} step_kind;

typedef struct {
    step_kind   kind;
    gint64      t;       /* the time of a text, its frame too */
    const char *text;
    gsize       len;     /* of a text that holds a NUL; 0: up to its NUL */
    guint64     lost;
    guint       repeat;  /* a text sent this many times (0: once) */
} step;

#define CLIENT(at, s)       { .kind = STEP_CLIENT, .t = (at), .text = (s) }
#define SERVER(at, s)       { .kind = STEP_SERVER, .t = (at), .text = (s) }
#define CLIENT_BYTES(at, s) { .kind = STEP_CLIENT, .t = (at), .text = (s), .len = sizeof(s) - 1 }
#define SERVER_BYTES(at, s) { .kind = STEP_SERVER, .t = (at), .text = (s), .len = sizeof(s) - 1 }
#define CLIENT_REPEAT(n, at, s) { .kind = STEP_CLIENT, .t = (at), .text = (s), .repeat = (n) }
#define CLIENT_GAP(n)       { .kind = STEP_CLIENT_GAP, .lost = (n) }
#define SERVER_GAP(n)       { .kind = STEP_SERVER_GAP, .lost = (n) }
#define RESYNC              { .kind = STEP_RESYNC }
#define FINISH              { .kind = STEP_FINISH }
#define INTERRUPT           { .kind = STEP_INTERRUPT }
#define ASSERT_IN_TLS       { .kind = STEP_IN_TLS }
#define END                 { .kind = STEP_END }

static void
run_steps(sr_session *s, const step *steps)
{
    for (const step *p = steps; p->kind != STEP_END; p++) {
        const guint8 *text = (const guint8 *)p->text;
        gsize len = p->len ? p->len : (p->text ? strlen(p->text) : 0);

        for (guint i = 0; i < MAX(p->repeat, 1); i++) {
            switch (p->kind) {
            case STEP_CLIENT:
                sr_session_client(s, text, len, p->t, (guint64)p->t);
                break;
            case STEP_SERVER:
                sr_session_server(s, text, len, p->t, (guint64)p->t);
                break;
            case STEP_CLIENT_GAP:
                sr_session_client_gap(s, p->lost);
                break;
            case STEP_SERVER_GAP:
                sr_session_server_gap(s, p->lost);
                break;
            case STEP_RESYNC:
                sr_session_resync(s);
                break;
            case STEP_FINISH:
                sr_session_finish(s);
                break;
            case STEP_INTERRUPT:
                sr_session_interrupt(s);
                break;
            case STEP_IN_TLS:
                g_assert_true(sr_session_in_tls(s));
                break;
            case STEP_END:
                break;
            }
        }
    }
}

/* Room for the longest script; one more slot always holds STEP_END
 * (test_script checks that it does). */
#define MAX_STEPS 15

typedef struct {
    const char *path;
    const sr_session_callbacks *cb;  /* NULL: replies_cb */
    guint       max_lines;           /* the configuration's, when not 0 */
    gsize       max_session_bytes;   /* the configuration's, when not 0 */
    step        steps[MAX_STEPS + 1];
    const char *expected;            /* the whole output */
    const char *absent[3];           /* never in the output (credentials) */
} script;

/* A conversation cut inside RCPT's reply, the same byte each time, ended
 * two ways below: by the connection and by the reader stopping. */
#define CUT_CONVERSATION \
    SERVER(0, "220 hi\r\n"), \
    CLIENT(1, "EHLO c\r\n"), \
    SERVER(2, "250-hi\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n"), \
    CLIENT(3, "MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n"), \
    SERVER(4, "250 2.1.0 Ok\r\n550-5.1.1 <b@example.test>: no such\r\n550-5.")
#define CUT_CONVERSATION_START \
    "<greeting> 220\n" \
    "  complete=1 interrupted=0 lines=1 anomalies=0\n" \
    "EHLO 250 1us [PIPELINING:PIPELINING|] [ENHANCEDSTATUSCODES:ENHANCEDSTATUSCODES|]\n" \
    "  complete=1 interrupted=0 lines=3 anomalies=0\n" \
    "MAIL 250 1us\n" \
    "  complete=1 interrupted=0 lines=1 anomalies=0\n"

/* The first bytes of a TLS record: no SMTP. */
#define TLS_RECORD "\x16\x03\x01\x00\x05" "250\r\n"

static const script scripts[] = {
    /* RFC 5321 4.1.1.1: an EHLO reply's capabilities, each as offered. */
    { .path = "/session/greeting-and-ehlo",
      .steps = { SERVER(10, "220 mail.example.test ESMTP\r\n"),
                 CLIENT(20, "EHLO client.example.test\r\n"),
                 SERVER(25, "250-mail.example.test\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n"),
                 SERVER(30, "250-AUTH PLAIN LOGIN\r\n250-AUTH=PLAIN LOGIN\r\n"
                            "250-ENHANCEDSTATUSCODES\r\n250 X-CUSTOM a=b\r\n"),
                 FINISH },
      .expected = "<greeting> 220\n"
                  "EHLO 250 5us [PIPELINING:PIPELINING|] [SIZE:SIZE|52428800]"
                  " [AUTH:AUTH|PLAIN LOGIN] [AUTH:AUTH|PLAIN LOGIN]"
                  " [ENHANCEDSTATUSCODES:ENHANCEDSTATUSCODES|] [other:X-CUSTOM|a=b]"
                  " size=52428800\n" },
    /* RFC 2920: one segment of commands, replies in two; the body's
     * command-like and dot-stuffed lines are no commands. */
    { .path = "/session/pipelining",
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(1, "EHLO c\r\n"),
                 SERVER(2, "250-hi\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n"),
                 CLIENT(100, "MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n"
                             "RCPT TO:<c@example.test>\r\nDATA\r\n"),
                 SERVER(150, "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"),
                 SERVER(160, "550 5.1.1 <c@example.test>: rejected\r\n354 go\r\n"),
                 CLIENT(200, "Subject: x\r\n\r\nMAIL FROM:<not@a.command>\r\n..leading dot\r\n"
                             ".\r\n"),
                 SERVER(230, "250 2.0.0 Ok: queued\r\n"),
                 CLIENT(300, "QUIT\r\n"),
                 SERVER(301, "221 2.0.0 Bye\r\n"),
                 FINISH },
      .expected = "<greeting> 220\n"
                  "EHLO 250 1us [PIPELINING:PIPELINING|] "
                  "[ENHANCEDSTATUSCODES:ENHANCEDSTATUSCODES|]\n"
                  "MAIL 250 50us\n"
                  "RCPT 250 50us\n"
                  "RCPT 550 60us\n"
                  "DATA 354 60us\n"
                  "<end-of-data> 250 30us\n"
                  "QUIT 221 1us\n" },
    /* RFC 3030: the chunk holds what looks like a command: it is not one. */
    { .path = "/session/bdat",
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(10, "BDAT 10\r\nRCPT TO:\r\nBDAT 5 LAST\r\n12345"),
                 SERVER(20, "250 2.0.0 10 octets\r\n250 2.0.0 queued\r\n"),
                 FINISH },
      .expected = "<greeting> 220\nBDAT 250 10us\nBDAT 250 10us\n" },
    /* RFC 4954 4: what answers a 334 is no command, even when it looks like one. */
    { .path = "/session/auth",
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(10, "AUTH LOGIN\r\n"),
                 SERVER(11, "334 VXNlcm5hbWU6\r\n"),
                 CLIENT(20, "RCPT TO:<looks-like-a-command>\r\n"),
                 SERVER(22, "334 UGFzc3dvcmQ6\r\n"),
                 CLIENT(30, "c2VjcmV0\r\n"),
                 SERVER(40, "535 5.7.8 Error: authentication failed\r\n"),
                 CLIENT(50, "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"),
                 SERVER(55, "235 2.7.0 Authentication successful\r\n"),
                 FINISH },
      .expected = "<greeting> 220\n"
                  "AUTH 334 1us\n"
                  "<auth-response> 334 2us\n"
                  "<auth-response> 535 10us\n"
                  "AUTH 235 5us\n" },
    /* No credential reaches a caller: AUTH answers carry no text at all. */
    { .path = "/session/auth-keeps-no-secret",
      .cb = &commands_cb,
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(1, "AUTH LOGIN\r\n"),
                 SERVER(2, "334 VXNlcm5hbWU6\r\n"),
                 CLIENT(3, "c2VjcmV0\r\n") },
      .expected = "<greeting> 220\nAUTH/AUTH;AUTH 334 1us\n<auth-response>/;",
      .absent = { "c2VjcmV0" } },
    /* Client bytes lost up to a credential ("AUTH PLAIN "): the rest of its
     * line is no command of a verb made of the credential. */
    { .path = "/session/client-gap-keeps-secret",
      .cb = &commands_cb,
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT_GAP(11),
                 CLIENT(1, "c2VjcmV0\r\nNOOP\r\n") },
      .expected = "<greeting> 220\n<partial>/<partial>;NOOP/NOOP;",
      .absent = { "C2VJCMV0" } },
    /* A gap took the 334: the client's answer to it is still no command. */
    { .path = "/session/gap-took-challenge",
      .cb = &commands_cb,
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(10, "AUTH LOGIN\r\n"),
                 SERVER_GAP(18),
                 CLIENT(20, "c2VjcmV0\r\n"),
                 SERVER(21, "334 UGFzc3dvcmQ6\r\n"),
                 CLIENT(30, "cGFzcw==\r\n"),
                 SERVER(31, "235 2.7.0 ok\r\n"),
                 FINISH },
      .expected = "<greeting> 220\nAUTH/AUTH;<auth-response>/;<auth-response> 334 1us\n"
                  "<auth-response>/;<auth-response> 235 1us\n",
      .absent = { "c2Vj", "cGFz" } },
    /* RFC 3207: after the 220 to STARTTLS the bytes are TLS, not replies. */
    { .path = "/session/starttls",
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(10, "STARTTLS\r\n"),
                 SERVER(12, "220 2.0.0 Ready to start TLS\r\n"),
                 CLIENT_BYTES(20, TLS_RECORD),
                 SERVER_BYTES(21, TLS_RECORD),
                 FINISH,
                 ASSERT_IN_TLS },
      .expected = "<greeting> 220\nSTARTTLS 220 2us\n" },
    /* Ended by the connection: the open reply is incomplete, its line
     * unterminated. */
    { .path = "/session/interrupt/finish",
      .cb = &state_cb,
      .steps = { CUT_CONVERSATION, FINISH },
      .expected = CUT_CONVERSATION_START
                  "RCPT 550 1us\n"
                  "  complete=0 interrupted=0 lines=2 anomalies=3\n" },
    /* Ended by the reader stopping: the open reply is interrupted, not
     * judged. */
    { .path = "/session/interrupt/stop",
      .cb = &state_cb,
      .steps = { CUT_CONVERSATION, INTERRUPT },
      .expected = CUT_CONVERSATION_START
                  "RCPT 550 1us\n"
                  "  complete=0 interrupted=1 lines=2 anomalies=0\n" },
    /* Commands still waiting: unanswered only when the connection ended. */
    { .path = "/session/interrupt/waiting",
      .cb = &state_cb,
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(1, "NOOP\r\nQUIT\r\n"),
                 INTERRUPT },
      .expected = "<greeting> 220\n  complete=1 interrupted=0 lines=1 anomalies=0\n",
      .absent = { "unanswered" } },
    /* RFC 5321 4.3: a reply nobody asked for; a command the end left unanswered. */
    { .path = "/session/sequence-anomalies",
      .steps = { SERVER(0, "220 hi\r\n"),
                 SERVER(5, "250 nobody asked\r\n"),
                 CLIENT(10, "NOOP\r\nQUIT\r\n"),
                 SERVER(11, "250 2.0.0 Ok\r\n"),
                 FINISH },
      .expected = "<greeting> 220\n"
                  "- 250 !unexpected-reply\n"
                  "NOOP 250 1us\n"
                  "unanswered QUIT\n" },
    /* RFC 5321 4.3.2: the codes each command allows; RFC 2034: enhanced
     * codes only after ENHANCEDSTATUSCODES was offered. */
    { .path = "/session/validity",
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(1, "EHLO c\r\n"),
                 SERVER(2, "250-hi\r\n250 PIPELINING\r\n"),
                 CLIENT(3, "MAIL FROM:<a@example.test>\r\n"),
                 SERVER(4, "250 2.1.0 Ok\r\n"),
                 CLIENT(5, "XFOO bar\r\n"),
                 SERVER(6, "502 5.5.2 Error: command not recognized\r\n"),
                 CLIENT(7, "QUIT\r\n"),
                 SERVER(8, "250 bye\r\n"),
                 FINISH },
      .expected = "<greeting> 220\n"
                  "EHLO 250 1us [PIPELINING:PIPELINING|]\n"
                  "MAIL 250 1us !enhanced-not-advertised\n"
                  "XFOO 502 1us !enhanced-not-advertised\n"
                  "QUIT 250 1us !code-not-allowed(221, 421, 500, 501)\n" },
    /* A capture begun mid-reply: before any command is seen, an unpaired
     * reply is no anomaly. */
    { .path = "/session/midstream",
      .steps = { RESYNC,
                 SERVER(0, "ELINING\r\n250 8BITMIME\r\n"),
                 CLIENT(5, "QUIT\r\n"),
                 SERVER(6, "221 bye\r\n"),
                 FINISH },
      .expected = "- 250\nQUIT 221 1us\n" },
    /* Mid-session, the client's first bytes may end a line sent earlier:
     * the end of the RCPT is a command of no known verb; NOOP stays NOOP's. */
    { .path = "/session/client-resync",
      .steps = { RESYNC,
                 CLIENT(0, "T TO:<b@example.test>\r\nNOOP\r\n"),
                 SERVER(1, "250 2.1.5 Ok\r\n250 2.0.0 Ok\r\n"),
                 FINISH },
      .expected = "<partial> 250 1us\nNOOP 250 1us\n" },
    /* A broken reply still answers its command; an empty line is a command. */
    { .path = "/session/malformed-and-empty",
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(1, "MAIL FROM:<a@example.test>\r\n"),
                 SERVER(2, "2x0 Sender ok\r\n"),
                 CLIENT(3, "\r\n"),
                 SERVER(4, "500 5.5.2 Error: bad syntax\r\n"),
                 CLIENT(5, "NOOP\r\n"),
                 SERVER(6, "250 Ok\r\n"),
                 FINISH },
      .expected = "<greeting> 220\nMAIL 000 1us\n 500 1us\nNOOP 250 1us\n" },
    /* A reply lost in a gap answered every group but the newest: the 250
     * to MAIL is lost; the client, having had it, sent RCPT. */
    { .path = "/session/gap-between-replies",
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(10, "MAIL FROM:<a@example.test>\r\n"),
                 SERVER_GAP(14),
                 CLIENT(20, "RCPT TO:<b@example.test>\r\n"),
                 SERVER(21, "250 2.1.5 Ok\r\n"),
                 FINISH },
      .expected = "<greeting> 220\nRCPT 250 1us\n" },
    /* A reply cut by a gap, and its rest after the gap, both answer EHLO;
     * ENHANCEDSTATUSCODES may have been lost in the gap: no note on QUIT's. */
    { .path = "/session/gap-inside-reply",
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(10, "EHLO c\r\n"),
                 SERVER(11, "250-hi\r\n250-PIPELI"),
                 SERVER_GAP(20),
                 SERVER(12, "NG\r\n250-DSN\r\n250 CHUNKING\r\n"),
                 CLIENT(20, "QUIT\r\n"),
                 SERVER(21, "221 2.0.0 bye\r\n"),
                 FINISH },
      .expected = "<greeting> 220\nEHLO 250 1us\nEHLO 250 2us [DSN:DSN|] "
                  "[CHUNKING:CHUNKING|]\nQUIT 221 1us\n" },
    /* A greeting cut by a gap: its rest after the gap is the greeting still. */
    { .path = "/session/gap-in-greeting",
      .steps = { SERVER(0, "220-mail.example.test ESMTP\r\n220-the gr"),
                 SERVER_GAP(30),
                 SERVER(1, "ing\r\n220 ready\r\n"),
                 CLIENT(10, "QUIT\r\n"),
                 SERVER(11, "221 bye\r\n"),
                 FINISH },
      .expected = "<greeting> 220\n<greeting> 220\nQUIT 221 1us\n" },
    /* The end of a cut reply lost with the gap: what follows answers the next. */
    { .path = "/session/gap-ate-end-of-reply",
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(10, "EHLO c\r\n"),
                 SERVER(11, "250-hi\r\n250-PIPELI"),
                 SERVER_GAP(40),
                 CLIENT(20, "QUIT\r\n"),
                 SERVER(21, "221 bye\r\n"),
                 FINISH },
      .expected = "<greeting> 220\nEHLO 250 1us\nQUIT 221 1us\n" },
    /* A gap inside the final line of a multiline reply: the line said it was
     * the last, so nothing of the reply can follow, and the next reply, with
     * the same code, answers its own command, not the cut one's. */
    { .path = "/session/gap-in-final-line",
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(10, "EHLO c\r\n"),
                 SERVER(11, "250-hi\r\n250-PIPELINING\r\n250 SIZE 10"),
                 SERVER_GAP(5),
                 SERVER(12, "00\r\n"),
                 CLIENT(20, "MAIL FROM:<a@example.test>\r\n"),
                 SERVER(21, "250 2.1.0 Ok\r\n"),
                 CLIENT(30, "QUIT\r\n"),
                 SERVER(31, "221 2.0.0 Bye\r\n"),
                 FINISH },
      .expected = "<greeting> 220\nEHLO 250 1us [PIPELINING:PIPELINING|]\n"
                  "MAIL 250 1us\nQUIT 221 1us\n" },
    /* The rest of a cut reply never came: the cut part was all of the answer,
     * so its command is not reported unanswered as well. */
    { .path = "/session/gap-cut-last-reply",
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(10, "EHLO c\r\n"),
                 SERVER(11, "250-hi\r\n250-PIPELI"),
                 SERVER_GAP(20),
                 FINISH },
      .expected = "<greeting> 220\nEHLO 250 1us\n" },
    /* The greeting lost in a gap, the client's EHLO shows it was sent: the
     * first reply seen answers EHLO, and every reply after it its own command. */
    { .path = "/session/gap-lost-greeting",
      .steps = { SERVER_GAP(27),
                 CLIENT(10, "EHLO c\r\n"),
                 SERVER(11, "250-mx\r\n250 PIPELINING\r\n"),
                 CLIENT(20, "QUIT\r\n"),
                 SERVER(21, "221 bye\r\n"),
                 FINISH },
      .expected = "EHLO 250 1us [PIPELINING:PIPELINING|]\nQUIT 221 1us\n" },
    /* A gap took the final dot: the server's reply shows the body ended. */
    { .path = "/session/gap-took-final-dot",
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(10, "DATA\r\n"),
                 SERVER(11, "354 go\r\n"),
                 CLIENT(20, "Subject: x\r\n\r\nbody\r\n"),
                 CLIENT_GAP(3),
                 SERVER(30, "250 2.0.0 queued\r\n"),
                 CLIENT(40, "QUIT\r\n"),
                 SERVER(41, "221 2.0.0 bye\r\n"),
                 FINISH },
      .expected = "<greeting> 220\nDATA 354 1us\n<end-of-data> 250\nQUIT 221 1us\n" },
    /* A reply that began before the command it answers was sent: no latency,
     * rather than a negative one. */
    { .path = "/session/reply-begun-before-command",
      .steps = { SERVER(0, "220 hi\r\n"),
                 SERVER(5, "250-early\r\n"),
                 CLIENT(10, "NOOP\r\n"),
                 SERVER(15, "250 Ok\r\n"),
                 FINISH },
      .expected = "<greeting> 220\nNOOP 250\n" },
    /* Lines skipped while resynchronising are no part of the reply after them,
     * nor is the time their first bytes came. */
    { .path = "/session/reply-time-after-skipped-line",
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(10, "NOOP\r\n"),
                 SERVER_GAP(3),
                 SERVER(20, "the tail of a lost line"),
                 SERVER(30, "\r\n250 Ok\r\n"),
                 FINISH },
      .expected = "<greeting> 220\nNOOP 250 20us\n" },
    /* The final dot, cut across feeds and after a dot-stuffed line, is found
     * and timed from the feed its line began in; a bare LF ends it too. */
    { .path = "/session/body-end",
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(10, "DATA\r\n"),
                 SERVER(11, "354 go\r\n"),
                 CLIENT(20, "line\r\n..\r\n."),
                 CLIENT(25, "\r"),
                 CLIENT(26, "\n"),
                 SERVER(30, "250 2.0.0 queued\r\n"),
                 CLIENT(40, "DATA\r\n"),
                 SERVER(41, "354 go\r\n"),
                 CLIENT(50, ".x\r\n.\n"),
                 SERVER(52, "250 2.0.0 queued\r\n"),
                 CLIENT(60, "QUIT\r\n"),
                 SERVER(61, "221 2.0.0 bye\r\n"),
                 FINISH },
      .expected = "<greeting> 220\nDATA 354 1us\n<end-of-data> 250 10us\nDATA 354 1us\n"
                  "<end-of-data> 250 2us\nQUIT 221 1us\n" },
    /* An EHLO reply cut at the decoder's line cap goes on in its rest, which
     * answers EHLO too and adds its capabilities; ENHANCEDSTATUSCODES came
     * in the rest: no note on NOOP's reply. */
    { .path = "/session/reply-cut-at-cap",
      .max_lines = 3,
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(10, "EHLO c\r\n"),
                 SERVER(11, "250-hi\r\n250-PIPELINING\r\n250-SIZE 100\r\n"
                            "250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n"),
                 CLIENT(20, "NOOP\r\n"),
                 SERVER(21, "250 2.0.0 Ok\r\n"),
                 FINISH },
      .expected = "<greeting> 220\n"
                  "EHLO 250 1us [PIPELINING:PIPELINING|] [SIZE:SIZE|100] size=100\n"
                  "EHLO 250 1us [PIPELINING:PIPELINING|] [SIZE:SIZE|100] "
                  "[ENHANCEDSTATUSCODES:ENHANCEDSTATUSCODES|] [8BITMIME:8BITMIME|] size=100\n"
                  "NOOP 250 1us\n" },
    /* The rest of a cut EHLO reply carries the capabilities of the parts
     * before it, whose line indices are of those parts: they are marked
     * earlier, and the rest's own name its own lines.  (The plugin once
     * looked the old indices up in the rest, found no line and crashed.) */
    { .path = "/session/capability-lines-across-cut",
      .cb = &cap_lines_cb,
      .max_lines = 3,
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(10, "EHLO c\r\n"),
                 SERVER(11, "250-hi\r\n250-PIPELINING\r\n250-SIZE 100\r\n"
                            "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n"
                            "250-CHUNKING\r\n250 SMTPUTF8\r\n"),
                 FINISH },
      .expected = " PIPELINING@1 SIZE@2\n"
                  " PIPELINING@earlier SIZE@earlier ENHANCEDSTATUSCODES@0 8BITMIME@1"
                  " CHUNKING@2\n"
                  " PIPELINING@earlier SIZE@earlier ENHANCEDSTATUSCODES@earlier"
                  " 8BITMIME@earlier CHUNKING@earlier SMTPUTF8@0\n" },
    /* Past the budget the newest commands are not kept, never the oldest: the
     * replies to the kept ones pair exactly, those to the others pair with
     * nothing and say once that pairing is unsure, and later commands pair
     * again. */
    { .path = "/session/pending/budget-keeps-oldest",
      .max_session_bytes = 3 * SR_PENDING_COMMAND_BYTES,
      .steps = { SERVER(0, "220 hi\r\n"),
                 CLIENT(10, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\nRCPT TO:<d@x>\r\n"
                            "RSET\r\n"),
                 SERVER(20, "250 ok\r\n250 ok\r\n250 ok\r\n452 no\r\n250 reset\r\n"),
                 CLIENT(30, "NOOP\r\n"),
                 SERVER(40, "250 noop\r\n"),
                 FINISH },
      .expected = "<greeting> 220\nMAIL 250 10us\nRCPT 250 10us\nRCPT 250 10us\n"
                  "- 452 !pipeline-overflow\n- 250\nNOOP 250 10us\n" },
};

/* A session of C's configuration and callbacks, rendering into a new
 * string *OUT: the caller frees both. */
static sr_session *
session_for(const script *c, GString **out)
{
    sr_config cfg;

    sr_config_init(&cfg);
    if (c->max_lines)
        cfg.max_lines = c->max_lines;
    if (c->max_session_bytes)
        cfg.max_session_bytes = c->max_session_bytes;
    *out = g_string_new(NULL);
    return sr_session_new(&cfg, c->cb ? c->cb : &replies_cb, *out);
}

static void
test_script(gconstpointer data)
{
    const script *c = data;
    GString *out;
    sr_session *s = session_for(c, &out);

    g_assert_cmpint(c->steps[MAX_STEPS].kind, ==, STEP_END);
    run_steps(s, c->steps);
    g_assert_cmpstr(out->str, ==, c->expected);
    for (gsize i = 0; i < G_N_ELEMENTS(c->absent) && c->absent[i]; i++)
        g_assert_null(strstr(out->str, c->absent[i]));
    sr_session_free(s);
    g_string_free(out, TRUE);
}

/* ------------------------------------------------------------ cases in code */

/* A reply cut by a gap leaves its command waiting, and the budget of
 * waiting commands is full: the rest of that reply answers the same
 * command, and the command not kept is never reported as unanswered. */
static void
test_pending_budget_with_cut_reply(void)
{
    /* A script whose expected output is made below. */
    static const script c = {
        .max_session_bytes = 1000 * SR_PENDING_COMMAND_BYTES,
        .steps = { SERVER(0, "220 hi\r\n"),
                   CLIENT(10, "EHLO c\r\n"),
                   SERVER(11, "250-hi\r\n250-PIPELI"),
                   SERVER_GAP(20),
                   CLIENT(20, "RSET\r\n"),
                   /* EHLO, RSET and 998 NOOPs fill the budget; the 999th is not kept. */
                   CLIENT_REPEAT(999, 20, "NOOP\r\n"),
                   SERVER(30, "NG\r\n250 DSN\r\n"),
                   SERVER(31, "500 5.5.2 what\r\n"),
                   FINISH },
    };
    GString *expected = g_string_new("<greeting> 220\nEHLO 250 1us\n"
                                     "EHLO 250 20us [DSN:DSN|]\nRSET 500 11us\n");
    GString *out;
    sr_session *s = session_for(&c, &out);

    for (guint i = 0; i < 998; i++)
        g_string_append(expected, "unanswered NOOP\n");
    run_steps(s, c.steps);
    g_assert_cmpstr(out->str, ==, expected->str);
    g_string_free(expected, TRUE);
    sr_session_free(s);
    g_string_free(out, TRUE);
}

/* The default budget holds a pipelined burst of 10,000 RCPTs with room to
 * spare: every reply pairs with its own command (sendmail and Postfix
 * answer such bursts; the old cap of 1,000 paired the 452s with QUIT). */
static void
test_pending_deep_burst(void)
{
    GString *burst = g_string_new("MAIL FROM:<a@example.test>\r\n");
    GString *replies = g_string_new("250 2.1.0 Ok\r\n");
    guint rcpt_452 = 0;
    const char *p;
    GString *out;
    sr_session *s;

    for (guint i = 0; i < 10000; i++) {
        g_string_append_printf(burst, "RCPT TO:<u%u@example.test>\r\n", i);
        g_string_append(replies, i < 5 ? "250 2.1.5 Ok\r\n" : "452 4.5.3 Too many\r\n");
    }
    g_string_append(burst, "RSET\r\nNOOP\r\nQUIT\r\n");
    g_string_append(replies, "250 2.0.0 Ok\r\n250 2.0.0 Ok\r\n221 2.0.0 Bye\r\n");
    const step steps[] = { SERVER(0, "220 hi\r\n"), CLIENT(10, burst->str),
                           SERVER(20, replies->str), FINISH, END };

    out = g_string_new(NULL);
    s = sr_session_new(NULL, &replies_cb, out);
    run_steps(s, steps);
    g_assert_null(strchr(out->str, '!'));
    for (p = out->str; (p = strstr(p, "RCPT 452 10us\n")); p++)
        rcpt_452++;
    g_assert_cmpuint(rcpt_452, ==, 9995);
    g_assert_true(g_str_has_suffix(out->str, "RCPT 452 10us\nRSET 250 10us\nNOOP 250 10us\n"
                                             "QUIT 221 10us\n"));
    g_string_free(burst, TRUE);
    g_string_free(replies, TRUE);
    sr_session_free(s);
    g_string_free(out, TRUE);
}

/* An EHLO reply that never ends, cut at the line cap again and again:
 * its capabilities stop at SR_MAX_CAPABILITIES, the first ones offered. */
static void
test_capabilities_capped(void)
{
    static const script c = {
        .max_lines = 7,
        .steps = { SERVER(0, "220 hi\r\n"), CLIENT(10, "EHLO c\r\n"), SERVER(11, "250-hi\r\n") },
    };
    guint last = 0, most = 0;
    GString *out;
    sr_session *s = session_for(&c, &out);

    run_steps(s, c.steps);
    for (guint i = 0; i < 10 * SR_MAX_CAPABILITIES; i++) {
        char line[32];
        gsize n = (gsize)g_snprintf(line, sizeof line, "250-X-CAP%u\r\n", i);

        sr_session_server(s, (const guint8 *)line, n, 12, 0);
        if (s->capabilities.list->len) {
            last = (guint)s->capabilities.list->len;
            most = MAX(most, last);
        }
    }
    sr_session_server(s, (const guint8 *)"250 END\r\n", 9, 13, 0);
    g_assert_cmpuint(most, ==, SR_MAX_CAPABILITIES);
    g_assert_cmpuint(s->capabilities.list->len, ==, SR_MAX_CAPABILITIES);
    g_assert_cmpstr(g_array_index(s->capabilities.list, sr_capability, 0).keyword, ==, "X-CAP0");
    g_assert_cmpstr(g_array_index(s->capabilities.list, sr_capability,
                                  SR_MAX_CAPABILITIES - 1).keyword, ==, "X-CAP99");
    sr_session_free(s);
    g_string_free(out, TRUE);
}

/* Byte by byte or all at once, the pairing is the same. */
static void
test_split_invariant(void)
{
    static const char *const talk[][2] = {
        { NULL, "220 hi\r\n" },
        { "EHLO c\r\nMAIL FROM:<a>\r\nRCPT TO:<b>\r\nDATA\r\n", NULL },
        { NULL, "250-hi\r\n250 PIPELINING\r\n250 Ok\r\n250 Ok\r\n354 go\r\n" },
        { "body\r\n.\r\nBDAT 3 LAST\r\nabcQUIT\r\n", NULL },
        { NULL, "250 queued\r\n250 chunk\r\n221 bye\r\n" },
    };
    GString *whole = g_string_new(NULL), *bytes = g_string_new(NULL);
    sr_session *a = sr_session_new(NULL, &replies_cb, whole);
    sr_session *b = sr_session_new(NULL, &replies_cb, bytes);

    for (gsize i = 0; i < G_N_ELEMENTS(talk); i++) {
        const char *c = talk[i][0], *s = talk[i][1];
        gint64 t = (gint64)i * 10;

        if (c) {
            sr_session_client(a, (const guint8 *)c, strlen(c), t, i);
            for (gsize j = 0; c[j]; j++)
                sr_session_client(b, (const guint8 *)c + j, 1, t, i);
        }
        if (s) {
            sr_session_server(a, (const guint8 *)s, strlen(s), t, 0);
            for (gsize j = 0; s[j]; j++)
                sr_session_server(b, (const guint8 *)s + j, 1, t, 0);
        }
    }
    sr_session_finish(a);
    sr_session_finish(b);
    g_assert_cmpstr(bytes->str, ==, whole->str);
    g_assert_cmpstr(whole->str, ==,
                    "<greeting> 220\nEHLO 250 10us [PIPELINING:PIPELINING|]\nMAIL 250 10us\n"
                    "RCPT 250 10us\nDATA 354 10us\n<end-of-data> 250 10us\nBDAT 250 10us\n"
                    "QUIT 221 10us\n");
    sr_session_free(a);
    sr_session_free(b);
    g_string_free(whole, TRUE);
    g_string_free(bytes, TRUE);
}

/* A reused session answers as a new one would, whatever the last left. */
static void
test_reset(void)
{
    /* A conversation that ends in the middle of everything. */
    static const step mess[] = {
        SERVER(0, "220 mx ESMTP\r\n"),
        CLIENT(10, "EHLO c\r\n"),
        SERVER(20, "250-mx\r\n250-PIPELINING\r\n250-SIZE 99\r\n250 ENHANCEDSTATUSCODES\r\n"),
        CLIENT(30, "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"),
        SERVER(40, "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n"),
        CLIENT(50, "Subject: x\r\n\r\nbody line\r\n."),  /* mid-body, a dot pending */
        SERVER_GAP(17),
        SERVER(60, "250-partial\r\n250-"),                 /* a reply left open */
        CLIENT(70, "RSET\r\nNOOP"),                         /* a command line left open */
        END,
    };
    static const step conversation[] = {
        SERVER(1000, "220 other ESMTP\r\n"),
        CLIENT(1002, "HELO x\r\n"),
        SERVER(1004, "250 other\r\n"),
        CLIENT(1006, "MAIL FROM:<x@y>\r\n"),
        SERVER(1008, "550 5.7.1 no\r\n"),
        CLIENT(1010, "QUIT\r\n"),
        SERVER(1012, "221 bye\r\n"),
        FINISH,
        END,
    };
    GString *fresh_out = g_string_new(NULL), *mess_out = g_string_new(NULL);
    GString *out = g_string_new(NULL);
    sr_session *fresh = sr_session_new(NULL, &replies_cb, fresh_out);
    sr_session *reused = sr_session_new(NULL, &replies_cb, mess_out);

    run_steps(reused, mess);
    sr_session_reset(reused, out);
    run_steps(fresh, conversation);
    run_steps(reused, conversation);
    g_assert_cmpstr(out->str, ==,
                    "<greeting> 220\nHELO 250 2us\nMAIL 550 2us !enhanced-not-advertised\n"
                    "QUIT 221 2us\n");
    g_assert_cmpstr(out->str, ==, fresh_out->str);
    sr_session_free(fresh);
    sr_session_free(reused);
    g_string_free(out, TRUE);
    g_string_free(fresh_out, TRUE);
    g_string_free(mess_out, TRUE);
}

/* The session ends at QUIT's 221, at a 421 whatever it answers, and at
 * STARTTLS's 220; not at a 221 that answers something else. */
static void
test_session_ended(void)
{
    static const struct {
        const char *client, *server;
        gboolean ended;
    } cases[] = {
        { "QUIT\r\n", "221 2.0.0 Bye\r\n", TRUE },
        { "QUIT\r\n", "500 no\r\n", FALSE },
        { "NOOP\r\n", "221 2.0.0 Bye\r\n", FALSE },
        { "RCPT TO:<b@x>\r\n", "421 4.7.0 too many errors\r\n", TRUE },
        { "", "421 4.4.2 timeout exceeded\r\n", TRUE },
        { "STARTTLS\r\n", "220 2.0.0 Ready\r\n", TRUE },
        { "STARTTLS\r\n", "454 4.7.0 TLS not available\r\n", FALSE },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        const step greeting[] = { SERVER(0, "220 hi\r\n"), END };
        const step exchange[] = { CLIENT(10, cases[i].client), SERVER(20, cases[i].server), END };
        GString *out = g_string_new(NULL);
        sr_session *s = sr_session_new(NULL, &replies_cb, out);

        run_steps(s, greeting);
        g_assert_false(sr_session_ended(s));
        run_steps(s, exchange);
        g_assert_cmpint(sr_session_ended(s), ==, cases[i].ended);
        sr_session_free(s);
        g_string_free(out, TRUE);
    }
}

/* The text each command's anomaly names is exactly the codes it allows. */
static void
test_allowed_text(void)
{
    for (guint k = 0; k < SR_CMD_COUNT; k++) {
        const char *text = sr_command_allowed_text(k);
        GString *built = g_string_new(NULL);
        gchar **parts;

        if (!text) {
            g_assert_cmpuint(k, ==, SR_CMD_UNKNOWN);
            g_string_free(built, TRUE);
            continue;
        }
        parts = g_strsplit(text, ", ", -1);
        for (guint code = 100; code < 600; code++) {
            gboolean listed = FALSE;

            for (gchar **p = parts; *p; p++)
                listed |= (guint)atoi(*p) == code;
            g_assert_cmpint(listed, ==, sr_command_allows(k, code));
        }
        g_strfreev(parts);
        g_string_free(built, TRUE);
    }
    g_assert_cmpstr(sr_command_allowed_text(SR_CMD_GREETING), ==, "220, 554, 421, 521");
    g_assert_cmpstr(sr_command_allowed_text(SR_CMD_QUIT), ==, "221, 421, 500, 501");
    g_assert_cmpstr(sr_command_allowed_text(SR_CMD_RCPT), ==,
                    "250, 251, 450, 451, 452, 455, 503, 530, 550, 551, 552, 553, 555, "
                    "421, 500, 501, 521");
}

/* Times are clamped so that differences of two never overflow, and the
 * microseconds field is taken as a damaged file may give it. */
static void
test_time_clamp(void)
{
    const gint64 limit_s = SR_TIME_LIMIT_US / G_USEC_PER_SEC;

    g_assert_cmpint(sr_time_us(0, 0), ==, 0);
    g_assert_cmpint(sr_time_us(1700000000, 5), ==, G_GINT64_CONSTANT(1700000000000005));
    g_assert_cmpint(sr_time_us(-2, 500000), ==, -1500000);
    g_assert_cmpint(sr_time_us(10, G_MAXUINT32), ==, 10 * G_USEC_PER_SEC + (gint64)G_MAXUINT32);
    g_assert_cmpint(sr_time_us(10, G_MAXINT64), ==, 10 * G_USEC_PER_SEC + (gint64)G_MAXUINT32);
    g_assert_cmpint(sr_time_us(limit_s - 1, 0), ==, (limit_s - 1) * G_USEC_PER_SEC);
    g_assert_cmpint(sr_time_us(limit_s - 1, G_MAXUINT32), ==, SR_TIME_LIMIT_US);
    g_assert_cmpint(sr_time_us(limit_s, 0), ==, SR_TIME_LIMIT_US);
    g_assert_cmpint(sr_time_us(G_MAXINT64, G_MAXINT64), ==, SR_TIME_LIMIT_US);
    g_assert_cmpint(sr_time_us(-limit_s + 1, -G_MAXINT64), ==, -SR_TIME_LIMIT_US);
    g_assert_cmpint(sr_time_us(G_MININT64, 0), ==, -SR_TIME_LIMIT_US);
}

/* Which end is the server: the handshake, then the configured ports, then
 * the packet's own SYN, then the lower port. */
static void
test_server_side(void)
{
    /* The handshake decides, even against the ports (Decode As on 2525). */
    g_assert_cmpint(sr_server_side_of(40000, 2525, FALSE, FALSE, 2525, FALSE, TRUE), ==,
                    SR_SERVER_DESTINATION);
    g_assert_cmpint(sr_server_side_of(2525, 40000, FALSE, FALSE, 2525, FALSE, TRUE), ==,
                    SR_SERVER_SOURCE);
    g_assert_cmpint(sr_server_side_of(25, 587, TRUE, TRUE, 587, FALSE, TRUE), ==,
                    SR_SERVER_DESTINATION);
    /* No handshake: the one end on a server port. */
    g_assert_cmpint(sr_server_side_of(40000, 25, FALSE, TRUE, 0, FALSE, TRUE), ==,
                    SR_SERVER_DESTINATION);
    g_assert_cmpint(sr_server_side_of(587, 40000, TRUE, FALSE, 0, FALSE, TRUE), ==,
                    SR_SERVER_SOURCE);
    /* Both or neither: this packet's SYN, then the lower port. */
    g_assert_cmpint(sr_server_side_of(25, 587, TRUE, TRUE, 0, TRUE, FALSE), ==,
                    SR_SERVER_DESTINATION);
    g_assert_cmpint(sr_server_side_of(25, 587, TRUE, TRUE, 0, TRUE, TRUE), ==, SR_SERVER_SOURCE);
    g_assert_cmpint(sr_server_side_of(587, 25, TRUE, TRUE, 0, FALSE, TRUE), ==,
                    SR_SERVER_DESTINATION);
    g_assert_cmpint(sr_server_side_of(3000, 4000, FALSE, FALSE, 0, FALSE, TRUE), ==,
                    SR_SERVER_SOURCE);
    /* A handshake port on both ends (a port talking to itself) decides nothing. */
    g_assert_cmpint(sr_server_side_of(25, 25, TRUE, TRUE, 25, FALSE, TRUE), ==,
                    SR_SERVER_DESTINATION);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(scripts); i++)
        g_test_add_data_func(scripts[i].path, &scripts[i], test_script);
    g_test_add_func("/session/pending/budget-with-cut-reply", test_pending_budget_with_cut_reply);
    g_test_add_func("/session/pending/deep-burst", test_pending_deep_burst);
    g_test_add_func("/session/capabilities-capped", test_capabilities_capped);
    g_test_add_func("/session/split-invariant", test_split_invariant);
    g_test_add_func("/session/reset", test_reset);
    g_test_add_func("/session/ended", test_session_ended);
    g_test_add_func("/session/allowed-text", test_allowed_text);
    g_test_add_func("/session/time-clamp", test_time_clamp);
    g_test_add_func("/session/server-side", test_server_side);
    return g_test_run();
}
