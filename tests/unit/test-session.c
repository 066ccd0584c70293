/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pairing replies with commands (RFC 5321 4.3, RFC 2920, RFC 3030, RFC 4954). */
#include <string.h>

#include "decode-helper.h"
#include "sr_decoder.h"
/* Some cases look at the session's state (its budget, its queue): white-box. */
#include "sr_internal.h"

typedef struct {
    GString *out;
    sr_session s;
} fixture;

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

static void
setup(fixture *f)
{
    static const sr_session_callbacks cb = { on_exchange, NULL, on_unanswered, NULL, NULL };

    f->out = g_string_new(NULL);
    sr_session_init(&f->s, NULL, &cb, f->out);
}

static void
teardown(fixture *f)
{
    sr_session_clear(&f->s);
    g_string_free(f->out, TRUE);
}

static void
client(fixture *f, const char *text, gint64 t)
{
    sr_session_client(&f->s, (const guint8 *)text, strlen(text), t, (guint64)t);
}

static void
server(fixture *f, const char *text, gint64 t)
{
    sr_session_server(&f->s, (const guint8 *)text, strlen(text), t, (guint64)t);
}

static void
test_greeting_and_ehlo(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 mail.example.test ESMTP\r\n", 10);
    client(&f, "EHLO client.example.test\r\n", 20);
    server(&f, "250-mail.example.test\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n", 25);
    server(&f, "250-AUTH PLAIN LOGIN\r\n250-AUTH=PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n"
               "250 X-CUSTOM a=b\r\n", 30);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==,
                    "<greeting> 220\n"
                    "EHLO 250 5us [PIPELINING:PIPELINING|] [SIZE:SIZE|52428800]"
                    " [AUTH:AUTH|PLAIN LOGIN] [AUTH:AUTH|PLAIN LOGIN]"
                    " [ENHANCEDSTATUSCODES:ENHANCEDSTATUSCODES|] [other:X-CUSTOM|a=b]"
                    " size=52428800\n");
    teardown(&f);
}

static void
test_pipelining(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 hi\r\n", 0);
    client(&f, "EHLO c\r\n", 1);
    server(&f, "250-hi\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n", 2);
    /* RFC 2920: one segment of commands, replies in two. */
    client(&f, "MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n"
               "RCPT TO:<c@example.test>\r\nDATA\r\n", 100);
    server(&f, "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n", 150);
    server(&f, "550 5.1.1 <c@example.test>: rejected\r\n354 go\r\n", 160);
    client(&f, "Subject: x\r\n\r\nMAIL FROM:<not@a.command>\r\n..leading dot\r\n.\r\n", 200);
    server(&f, "250 2.0.0 Ok: queued\r\n", 230);
    client(&f, "QUIT\r\n", 300);
    server(&f, "221 2.0.0 Bye\r\n", 301);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==,
                    "<greeting> 220\n"
                    "EHLO 250 1us [PIPELINING:PIPELINING|] [ENHANCEDSTATUSCODES:ENHANCEDSTATUSCODES|]\n"
                    "MAIL 250 50us\n"
                    "RCPT 250 50us\n"
                    "RCPT 550 60us\n"
                    "DATA 354 60us\n"
                    "<end-of-data> 250 30us\n"
                    "QUIT 221 1us\n");
    teardown(&f);
}

static void
test_bdat(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 hi\r\n", 0);
    /* The chunk holds what looks like a command: it is not one. */
    client(&f, "BDAT 10\r\nRCPT TO:\r\nBDAT 5 LAST\r\n12345", 10);
    server(&f, "250 2.0.0 10 octets\r\n250 2.0.0 queued\r\n", 20);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==, "<greeting> 220\nBDAT 250 10us\nBDAT 250 10us\n");
    teardown(&f);
}

static void
test_auth(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 hi\r\n", 0);
    client(&f, "AUTH LOGIN\r\n", 10);
    server(&f, "334 VXNlcm5hbWU6\r\n", 11);
    client(&f, "RCPT TO:<looks-like-a-command>\r\n", 20);
    server(&f, "334 UGFzc3dvcmQ6\r\n", 22);
    client(&f, "c2VjcmV0\r\n", 30);
    server(&f, "535 5.7.8 Error: authentication failed\r\n", 40);
    client(&f, "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n", 50);
    server(&f, "235 2.7.0 Authentication successful\r\n", 55);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==,
                    "<greeting> 220\n"
                    "AUTH 334 1us\n"
                    "<auth-response> 334 2us\n"
                    "<auth-response> 535 10us\n"
                    "AUTH 235 5us\n");
    teardown(&f);
}

static void
capture_verbs(const sr_command *cmd, gpointer user_data)
{
    g_string_append_printf(user_data, "%s/%s;", sr_command_name(cmd), cmd->verb);
}

/* No credential reaches a caller: AUTH answers carry no text at all. */
static void
test_auth_keeps_no_secret(void)
{
    static const sr_session_callbacks cb = { on_exchange, capture_verbs, NULL, NULL, NULL };
    GString *out = g_string_new(NULL);
    sr_session s;

    sr_session_init(&s, NULL, &cb, out);
    sr_session_server(&s, (const guint8 *)"220 hi\r\n", 8, 0, 0);
    sr_session_client(&s, (const guint8 *)"AUTH LOGIN\r\n", 12, 1, 1);
    sr_session_server(&s, (const guint8 *)"334 VXNlcm5hbWU6\r\n", 18, 2, 0);
    sr_session_client(&s, (const guint8 *)"c2VjcmV0\r\n", 10, 3, 3);
    g_assert_null(strstr(out->str, "c2VjcmV0"));
    g_assert_nonnull(strstr(out->str, "AUTH/AUTH;"));
    g_assert_nonnull(strstr(out->str, "<auth-response>/;"));
    sr_session_clear(&s);
    g_string_free(out, TRUE);
}

/* Client bytes lost up to a credential: the rest of its line is no command
 * of a verb made of the credential. */
static void
test_client_gap_keeps_secret(void)
{
    static const sr_session_callbacks cb = { on_exchange, capture_verbs, NULL, NULL, NULL };
    GString *out = g_string_new(NULL);
    sr_session s;

    sr_session_init(&s, NULL, &cb, out);
    sr_session_server(&s, (const guint8 *)"220 hi\r\n", 8, 0, 0);
    /* "AUTH PLAIN " was lost. */
    sr_session_client_gap(&s, 11);
    sr_session_client(&s, (const guint8 *)"c2VjcmV0\r\nNOOP\r\n", 16, 1, 1);
    g_assert_null(strstr(out->str, "C2VJCMV0"));
    g_assert_cmpstr(out->str, ==, "<greeting> 220\n<partial>/<partial>;NOOP/NOOP;");
    sr_session_clear(&s);
    g_string_free(out, TRUE);
}

static void
test_starttls(void)
{
    fixture f;
    static const guint8 tls[] = { 0x16, 0x03, 0x01, 0x00, 0x05, '2', '5', '0', '\r', '\n' };

    setup(&f);
    server(&f, "220 hi\r\n", 0);
    client(&f, "STARTTLS\r\n", 10);
    server(&f, "220 2.0.0 Ready to start TLS\r\n", 12);
    sr_session_client(&f.s, tls, sizeof tls, 20, 20);
    sr_session_server(&f.s, tls, sizeof tls, 21, 0);
    sr_session_finish(&f.s);
    g_assert_true(sr_session_in_tls(&f.s));
    g_assert_cmpstr(f.out->str, ==, "<greeting> 220\nSTARTTLS 220 2us\n");
    teardown(&f);
}

/* The same conversation cut at the same byte, ended two ways: by the
 * connection (the open reply is incomplete, its line unterminated, the
 * commands waiting unanswered) and by the reader stopping (the open reply
 * is interrupted, not judged, and nothing is unanswered). */
static void
cut_conversation(fixture *f)
{
    server(f, "220 hi\r\n", 0);
    client(f, "EHLO c\r\n", 1);
    server(f, "250-hi\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n", 2);
    client(f, "MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n", 3);
    server(f, "250 2.1.0 Ok\r\n550-5.1.1 <b@example.test>: no such\r\n550-5.", 4);
}

static void
on_reply_state(const sr_reply *reply, const sr_exchange *ex, gpointer user_data)
{
    on_exchange(reply, ex, user_data);
    g_string_append_printf(user_data, "  complete=%d interrupted=%d lines=%u anomalies=%u\n",
                           reply->complete, reply->interrupted, reply->lines->len,
                           reply->anomalies->len);
}

static void
test_interrupt_is_not_an_end(void)
{
    static const sr_session_callbacks cb = { on_reply_state, NULL, on_unanswered, NULL, NULL };
    fixture ended, stopped;

    ended.out = g_string_new(NULL);
    sr_session_init(&ended.s, NULL, &cb, ended.out);
    cut_conversation(&ended);
    sr_session_finish(&ended.s);
    g_assert_cmpstr(strstr(ended.out->str, "RCPT"), ==,
                    "RCPT 550 1us\n"
                    "  complete=0 interrupted=0 lines=2 anomalies=3\n");
    teardown(&ended);

    stopped.out = g_string_new(NULL);
    sr_session_init(&stopped.s, NULL, &cb, stopped.out);
    cut_conversation(&stopped);
    sr_session_interrupt(&stopped.s);
    g_assert_cmpstr(strstr(stopped.out->str, "RCPT"), ==,
                    "RCPT 550 1us\n"
                    "  complete=0 interrupted=1 lines=2 anomalies=0\n");
    teardown(&stopped);

    /* Commands still waiting: unanswered only when the connection ended. */
    stopped.out = g_string_new(NULL);
    sr_session_init(&stopped.s, NULL, &cb, stopped.out);
    server(&stopped, "220 hi\r\n", 0);
    client(&stopped, "NOOP\r\nQUIT\r\n", 1);
    sr_session_interrupt(&stopped.s);
    g_assert_null(strstr(stopped.out->str, "unanswered"));
    teardown(&stopped);
}

static void
test_sequence_anomalies(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 hi\r\n", 0);
    server(&f, "250 nobody asked\r\n", 5);
    client(&f, "NOOP\r\nQUIT\r\n", 10);
    server(&f, "250 2.0.0 Ok\r\n", 11);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==,
                    "<greeting> 220\n"
                    "- 250 !unexpected-reply\n"
                    "NOOP 250 1us\n"
                    "unanswered QUIT\n");
    teardown(&f);
}

static void
test_validity(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 hi\r\n", 0);
    client(&f, "EHLO c\r\n", 1);
    server(&f, "250-hi\r\n250 PIPELINING\r\n", 2);
    client(&f, "MAIL FROM:<a@example.test>\r\n", 3);
    server(&f, "250 2.1.0 Ok\r\n", 4);
    client(&f, "XFOO bar\r\n", 5);
    server(&f, "502 5.5.2 Error: command not recognized\r\n", 6);
    client(&f, "QUIT\r\n", 7);
    server(&f, "250 bye\r\n", 8);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==,
                    "<greeting> 220\n"
                    "EHLO 250 1us [PIPELINING:PIPELINING|]\n"
                    "MAIL 250 1us !enhanced-not-advertised\n"
                    "XFOO 502 1us !enhanced-not-advertised\n"
                    "QUIT 250 1us !code-not-allowed(221, 421, 500, 501)\n");
    teardown(&f);
}

static void
test_midstream(void)
{
    fixture f;

    setup(&f);
    sr_session_resync(&f.s);
    server(&f, "ELINING\r\n250 8BITMIME\r\n", 0);
    client(&f, "QUIT\r\n", 5);
    server(&f, "221 bye\r\n", 6);
    sr_session_finish(&f.s);
    /* Before any command is seen, an unpaired reply is no anomaly. */
    g_assert_cmpstr(f.out->str, ==, "- 250\nQUIT 221 1us\n");
    teardown(&f);
}

static void
test_malformed_and_empty(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 hi\r\n", 0);
    /* A broken reply still answers its command; an empty line is a command. */
    client(&f, "MAIL FROM:<a@example.test>\r\n", 1);
    server(&f, "2x0 Sender ok\r\n", 2);
    client(&f, "\r\n", 3);
    server(&f, "500 5.5.2 Error: bad syntax\r\n", 4);
    client(&f, "NOOP\r\n", 5);
    server(&f, "250 Ok\r\n", 6);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==, "<greeting> 220\nMAIL 000 1us\n 500 1us\nNOOP 250 1us\n");
    teardown(&f);
}

/* A reply lost in a gap answered every group but the newest. */
static void
test_gap_between_replies(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 hi\r\n", 0);
    client(&f, "MAIL FROM:<a@example.test>\r\n", 10);
    /* The 250 to MAIL is lost; the client, having had it, sent RCPT. */
    sr_session_server_gap(&f.s, 14);
    client(&f, "RCPT TO:<b@example.test>\r\n", 20);
    server(&f, "250 2.1.5 Ok\r\n", 21);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==, "<greeting> 220\nRCPT 250 1us\n");
    teardown(&f);
}

/* A reply cut by a gap, and its rest after the gap, both answer EHLO. */
static void
test_gap_inside_reply(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 hi\r\n", 0);
    client(&f, "EHLO c\r\n", 10);
    server(&f, "250-hi\r\n250-PIPELI", 11);
    sr_session_server_gap(&f.s, 20);
    server(&f, "NG\r\n250-DSN\r\n250 CHUNKING\r\n", 12);
    client(&f, "QUIT\r\n", 20);
    /* ENHANCEDSTATUSCODES may have been lost in the gap: no note. */
    server(&f, "221 2.0.0 bye\r\n", 21);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==, "<greeting> 220\nEHLO 250 1us\nEHLO 250 2us [DSN:DSN|] "
                                    "[CHUNKING:CHUNKING|]\nQUIT 221 1us\n");
    teardown(&f);
}

/* A greeting cut by a gap: its rest after the gap is the greeting still. */
static void
test_gap_in_greeting(void)
{
    fixture f;

    setup(&f);
    server(&f, "220-mail.example.test ESMTP\r\n220-the gr", 0);
    sr_session_server_gap(&f.s, 30);
    server(&f, "ing\r\n220 ready\r\n", 1);
    client(&f, "QUIT\r\n", 10);
    server(&f, "221 bye\r\n", 11);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==, "<greeting> 220\n<greeting> 220\nQUIT 221 1us\n");
    teardown(&f);
}

/* The end of a cut reply lost with the gap: what follows answers the next. */
static void
test_gap_ate_end_of_reply(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 hi\r\n", 0);
    client(&f, "EHLO c\r\n", 10);
    server(&f, "250-hi\r\n250-PIPELI", 11);
    sr_session_server_gap(&f.s, 40);
    client(&f, "QUIT\r\n", 20);
    server(&f, "221 bye\r\n", 21);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==, "<greeting> 220\nEHLO 250 1us\nQUIT 221 1us\n");
    teardown(&f);
}

/* Mid-session, the client's first bytes may end a line sent earlier. */
static void
test_client_resync(void)
{
    fixture f;

    setup(&f);
    sr_session_resync(&f.s);
    client(&f, "T TO:<b@example.test>\r\nNOOP\r\n", 0);
    server(&f, "250 2.1.5 Ok\r\n250 2.0.0 Ok\r\n", 1);
    sr_session_finish(&f.s);
    /* The end of the RCPT is a command of no known verb; NOOP stays NOOP's. */
    g_assert_cmpstr(f.out->str, ==, "<partial> 250 1us\nNOOP 250 1us\n");
    teardown(&f);
}

/* A reply that began before the command it answers was sent: no latency,
 * rather than a negative one. */
static void
test_reply_begun_before_command(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 hi\r\n", 0);
    server(&f, "250-early\r\n", 5);
    client(&f, "NOOP\r\n", 10);
    server(&f, "250 Ok\r\n", 15);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==, "<greeting> 220\nNOOP 250\n");
    teardown(&f);
}

/* A gap inside the final line of a multiline reply: the line said it was
 * the last, so nothing of the reply can follow, and the next reply, with
 * the same code, answers its own command, not the cut one's. */
static void
test_gap_in_final_line(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 hi\r\n", 0);
    client(&f, "EHLO c\r\n", 10);
    server(&f, "250-hi\r\n250-PIPELINING\r\n250 SIZE 10", 11);
    sr_session_server_gap(&f.s, 5);
    server(&f, "00\r\n", 12);
    client(&f, "MAIL FROM:<a@example.test>\r\n", 20);
    server(&f, "250 2.1.0 Ok\r\n", 21);
    client(&f, "QUIT\r\n", 30);
    server(&f, "221 2.0.0 Bye\r\n", 31);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==, "<greeting> 220\nEHLO 250 1us [PIPELINING:PIPELINING|]\n"
                                    "MAIL 250 1us\nQUIT 221 1us\n");
    teardown(&f);
}

/* The rest of a cut reply never came: the cut part was all of the answer,
 * so its command is not reported unanswered as well. */
static void
test_gap_cut_last_reply(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 hi\r\n", 0);
    client(&f, "EHLO c\r\n", 10);
    server(&f, "250-hi\r\n250-PIPELI", 11);
    sr_session_server_gap(&f.s, 20);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==, "<greeting> 220\nEHLO 250 1us\n");
    teardown(&f);
}

/* A reply cut by a gap leaves its command waiting, and the budget of
 * waiting commands is full: the rest of that reply answers the same
 * command, and the command not kept is never reported as unanswered. */
static void
test_pending_budget_with_cut_reply(void)
{
    fixture f;
    GString *expected = g_string_new("<greeting> 220\nEHLO 250 1us\n"
                                     "EHLO 250 20us [DSN:DSN|]\nRSET 500 11us\n");

    setup(&f);
    f.s.max_session_bytes = 1000 * SR_PENDING_COMMAND_BYTES;
    server(&f, "220 hi\r\n", 0);
    client(&f, "EHLO c\r\n", 10);
    server(&f, "250-hi\r\n250-PIPELI", 11);
    sr_session_server_gap(&f.s, 20);
    client(&f, "RSET\r\n", 20);
    /* EHLO, RSET and 998 NOOPs fill the budget; the 999th is not kept. */
    for (guint i = 1; i < 1000; i++)
        client(&f, "NOOP\r\n", 20);
    for (guint i = 0; i < 998; i++)
        g_string_append(expected, "unanswered NOOP\n");
    server(&f, "NG\r\n250 DSN\r\n", 30);
    server(&f, "500 5.5.2 what\r\n", 31);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==, expected->str);
    g_string_free(expected, TRUE);
    teardown(&f);
}

/* Past the budget the newest commands are not kept, never the oldest: the
 * replies to the kept ones pair exactly, those to the others pair with
 * nothing and say once that pairing is unsure, and later commands pair
 * again. */
static void
test_pending_budget_keeps_oldest(void)
{
    fixture f;

    setup(&f);
    f.s.max_session_bytes = 3 * SR_PENDING_COMMAND_BYTES;
    server(&f, "220 hi\r\n", 0);
    client(&f, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\nRCPT TO:<d@x>\r\n"
               "RSET\r\n", 10);
    server(&f, "250 ok\r\n250 ok\r\n250 ok\r\n452 no\r\n250 reset\r\n", 20);
    client(&f, "NOOP\r\n", 30);
    server(&f, "250 noop\r\n", 40);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==,
                    "<greeting> 220\nMAIL 250 10us\nRCPT 250 10us\nRCPT 250 10us\n"
                    "- 452 !pipeline-overflow\n- 250\nNOOP 250 10us\n");
    teardown(&f);
}

/* The default budget holds a pipelined burst of 10,000 RCPTs with room to
 * spare: every reply pairs with its own command (sendmail and Postfix
 * answer such bursts; the old cap of 1,000 paired the 452s with QUIT). */
static void
test_pending_deep_burst(void)
{
    fixture f;
    GString *burst = g_string_new("MAIL FROM:<a@example.test>\r\n");
    GString *replies = g_string_new("250 2.1.0 Ok\r\n");
    guint rcpt_452 = 0;
    const char *p;

    for (guint i = 0; i < 10000; i++) {
        g_string_append_printf(burst, "RCPT TO:<u%u@example.test>\r\n", i);
        g_string_append(replies, i < 5 ? "250 2.1.5 Ok\r\n" : "452 4.5.3 Too many\r\n");
    }
    g_string_append(burst, "RSET\r\nNOOP\r\nQUIT\r\n");
    g_string_append(replies, "250 2.0.0 Ok\r\n250 2.0.0 Ok\r\n221 2.0.0 Bye\r\n");
    setup(&f);
    server(&f, "220 hi\r\n", 0);
    client(&f, burst->str, 10);
    server(&f, replies->str, 20);
    sr_session_finish(&f.s);
    g_assert_null(strchr(f.out->str, '!'));
    for (p = f.out->str; (p = strstr(p, "RCPT 452 10us\n")); p++)
        rcpt_452++;
    g_assert_cmpuint(rcpt_452, ==, 9995);
    g_assert_true(g_str_has_suffix(f.out->str, "RCPT 452 10us\nRSET 250 10us\nNOOP 250 10us\n"
                                               "QUIT 221 10us\n"));
    g_string_free(burst, TRUE);
    g_string_free(replies, TRUE);
    teardown(&f);
}

/* Lines skipped while resynchronising are no part of the reply after them,
 * nor is the time their first bytes came. */
static void
test_reply_time_after_skipped_line(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 hi\r\n", 0);
    client(&f, "NOOP\r\n", 10);
    sr_session_server_gap(&f.s, 3);
    server(&f, "the tail of a lost line", 20);
    server(&f, "\r\n250 Ok\r\n", 30);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==, "<greeting> 220\nNOOP 250 20us\n");
    teardown(&f);
}

/* The greeting lost in a gap, the client's EHLO shows it was sent: the
 * first reply seen answers EHLO, and every reply after it its own command. */
static void
test_gap_lost_greeting(void)
{
    fixture f;

    setup(&f);
    sr_session_server_gap(&f.s, 27);
    client(&f, "EHLO c\r\n", 10);
    server(&f, "250-mx\r\n250 PIPELINING\r\n", 11);
    client(&f, "QUIT\r\n", 20);
    server(&f, "221 bye\r\n", 21);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==, "EHLO 250 1us [PIPELINING:PIPELINING|]\nQUIT 221 1us\n");
    teardown(&f);
}

/* A session whose EHLO is answered by EHLO_REPLY under a line cap of 3,
 * so that a longer reply is cut into parts. */
static void
start_cut_ehlo(sr_session *s, const sr_session_callbacks *cb, GString *out,
               const char *ehlo_reply)
{
    sr_config cfg;

    sr_config_init(&cfg);
    cfg.max_lines = 3;
    sr_session_init(s, &cfg, cb, out);
    sr_session_server(s, (const guint8 *)"220 hi\r\n", 8, 0, 0);
    sr_session_client(s, (const guint8 *)"EHLO c\r\n", 8, 10, 10);
    sr_session_server(s, (const guint8 *)ehlo_reply, strlen(ehlo_reply), 11, 0);
}

/* An EHLO reply cut at the decoder's line cap goes on in its rest, which
 * answers EHLO too and adds its capabilities. */
static void
test_reply_cut_at_cap(void)
{
    static const sr_session_callbacks cb = { on_exchange, NULL, on_unanswered, NULL, NULL };
    GString *out = g_string_new(NULL);
    sr_session s;

    start_cut_ehlo(&s, &cb, out, "250-hi\r\n250-PIPELINING\r\n250-SIZE 100\r\n"
                                 "250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n");
    sr_session_client(&s, (const guint8 *)"NOOP\r\n", 6, 20, 20);
    sr_session_server(&s, (const guint8 *)"250 2.0.0 Ok\r\n", 14, 21, 0);
    sr_session_finish(&s);
    /* ENHANCEDSTATUSCODES came in the rest: no note on NOOP's reply. */
    g_assert_cmpstr(out->str, ==,
                    "<greeting> 220\n"
                    "EHLO 250 1us [PIPELINING:PIPELINING|] [SIZE:SIZE|100] size=100\n"
                    "EHLO 250 1us [PIPELINING:PIPELINING|] [SIZE:SIZE|100] "
                    "[ENHANCEDSTATUSCODES:ENHANCEDSTATUSCODES|] [8BITMIME:8BITMIME|] size=100\n"
                    "NOOP 250 1us\n");
    sr_session_clear(&s);
    g_string_free(out, TRUE);
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

/* The rest of a cut EHLO reply carries the capabilities of the parts
 * before it, whose line indices are of those parts: they are marked
 * earlier, and the rest's own name its own lines.  (The plugin once
 * looked the old indices up in the rest, found no line and crashed.) */
static void
test_capability_lines_across_cut(void)
{
    static const sr_session_callbacks cb = { on_exchange_cap_lines, NULL, NULL, NULL, NULL };
    GString *out = g_string_new(NULL);
    sr_session s;

    start_cut_ehlo(&s, &cb, out, "250-hi\r\n250-PIPELINING\r\n250-SIZE 100\r\n"
                                 "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n"
                                 "250-CHUNKING\r\n250 SMTPUTF8\r\n");
    sr_session_finish(&s);
    g_assert_cmpstr(out->str, ==,
                    " PIPELINING@1 SIZE@2\n"
                    " PIPELINING@earlier SIZE@earlier ENHANCEDSTATUSCODES@0 8BITMIME@1"
                    " CHUNKING@2\n"
                    " PIPELINING@earlier SIZE@earlier ENHANCEDSTATUSCODES@earlier"
                    " 8BITMIME@earlier CHUNKING@earlier SMTPUTF8@0\n");
    sr_session_clear(&s);
    g_string_free(out, TRUE);
}

/* An EHLO reply that never ends, cut at the line cap again and again:
 * its capabilities stop at SR_MAX_CAPABILITIES, the first ones offered. */
static void
test_capabilities_capped(void)
{
    static const sr_session_callbacks cb = { on_exchange, NULL, on_unanswered, NULL, NULL };
    GString *out = g_string_new(NULL);
    guint last = 0, most = 0;
    sr_config cfg;
    sr_session s;

    sr_config_init(&cfg);
    cfg.max_lines = 7;
    sr_session_init(&s, &cfg, &cb, out);
    sr_session_server(&s, (const guint8 *)"220 hi\r\n", 8, 0, 0);
    sr_session_client(&s, (const guint8 *)"EHLO c\r\n", 8, 10, 10);
    sr_session_server(&s, (const guint8 *)"250-hi\r\n", 8, 11, 0);
    for (guint i = 0; i < 10 * SR_MAX_CAPABILITIES; i++) {
        char line[32];
        gsize n = (gsize)g_snprintf(line, sizeof line, "250-X-CAP%u\r\n", i);

        sr_session_server(&s, (const guint8 *)line, n, 12, 0);
        if (s.capabilities.list->len) {
            last = (guint)s.capabilities.list->len;
            most = MAX(most, last);
        }
    }
    sr_session_server(&s, (const guint8 *)"250 END\r\n", 9, 13, 0);
    g_assert_cmpuint(most, ==, SR_MAX_CAPABILITIES);
    g_assert_cmpuint(s.capabilities.list->len, ==, SR_MAX_CAPABILITIES);
    g_assert_cmpstr(g_array_index(s.capabilities.list, sr_capability, 0).keyword, ==, "X-CAP0");
    g_assert_cmpstr(g_array_index(s.capabilities.list, sr_capability,
                                  SR_MAX_CAPABILITIES - 1).keyword, ==, "X-CAP99");
    sr_session_clear(&s);
    g_string_free(out, TRUE);
}

/* A gap took the final dot: the server's reply shows the body ended. */
static void
test_gap_took_final_dot(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 hi\r\n", 0);
    client(&f, "DATA\r\n", 10);
    server(&f, "354 go\r\n", 11);
    client(&f, "Subject: x\r\n\r\nbody\r\n", 20);
    sr_session_client_gap(&f.s, 3);
    server(&f, "250 2.0.0 queued\r\n", 30);
    client(&f, "QUIT\r\n", 40);
    server(&f, "221 2.0.0 bye\r\n", 41);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==, "<greeting> 220\nDATA 354 1us\n<end-of-data> 250\nQUIT 221 1us\n");
    teardown(&f);
}

/* A gap took the 334: the client's answer to it is still no command. */
static void
test_gap_took_challenge(void)
{
    static const sr_session_callbacks cb = { on_exchange, capture_verbs, on_unanswered, NULL, NULL };
    GString *out = g_string_new(NULL);
    sr_session s;

    sr_session_init(&s, NULL, &cb, out);
    sr_session_server(&s, (const guint8 *)"220 hi\r\n", 8, 0, 0);
    sr_session_client(&s, (const guint8 *)"AUTH LOGIN\r\n", 12, 10, 10);
    sr_session_server_gap(&s, 18);
    sr_session_client(&s, (const guint8 *)"c2VjcmV0\r\n", 10, 20, 20);
    sr_session_server(&s, (const guint8 *)"334 UGFzc3dvcmQ6\r\n", 18, 21, 0);
    sr_session_client(&s, (const guint8 *)"cGFzcw==\r\n", 10, 30, 30);
    sr_session_server(&s, (const guint8 *)"235 2.7.0 ok\r\n", 14, 31, 0);
    sr_session_finish(&s);
    g_assert_null(strstr(out->str, "c2Vj"));
    g_assert_null(strstr(out->str, "cGFz"));
    g_assert_cmpstr(out->str, ==,
                    "<greeting> 220\nAUTH/AUTH;<auth-response>/;<auth-response> 334 1us\n"
                    "<auth-response>/;<auth-response> 235 1us\n");
    sr_session_clear(&s);
    g_string_free(out, TRUE);
}

/* The final dot, cut across feeds and after a dot-stuffed line, is found
 * and timed from the feed its line began in; a bare LF ends it too. */
static void
test_body_end(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 hi\r\n", 0);
    client(&f, "DATA\r\n", 10);
    server(&f, "354 go\r\n", 11);
    client(&f, "line\r\n..\r\n.", 20);
    client(&f, "\r", 25);
    client(&f, "\n", 26);
    server(&f, "250 2.0.0 queued\r\n", 30);
    client(&f, "DATA\r\n", 40);
    server(&f, "354 go\r\n", 41);
    client(&f, ".x\r\n.\n", 50);
    server(&f, "250 2.0.0 queued\r\n", 52);
    client(&f, "QUIT\r\n", 60);
    server(&f, "221 2.0.0 bye\r\n", 61);
    sr_session_finish(&f.s);
    g_assert_cmpstr(f.out->str, ==,
                    "<greeting> 220\nDATA 354 1us\n<end-of-data> 250 10us\nDATA 354 1us\n"
                    "<end-of-data> 250 2us\nQUIT 221 1us\n");
    teardown(&f);
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
    static const sr_session_callbacks cb = { on_exchange, NULL, on_unanswered, NULL, NULL };
    GString *whole = g_string_new(NULL), *bytes = g_string_new(NULL);
    sr_session a, b;

    sr_session_init(&a, NULL, &cb, whole);
    sr_session_init(&b, NULL, &cb, bytes);
    for (gsize i = 0; i < G_N_ELEMENTS(talk); i++) {
        const char *c = talk[i][0], *s = talk[i][1];
        gint64 t = (gint64)i * 10;

        if (c) {
            sr_session_client(&a, (const guint8 *)c, strlen(c), t, i);
            for (gsize j = 0; c[j]; j++)
                sr_session_client(&b, (const guint8 *)c + j, 1, t, i);
        }
        if (s) {
            sr_session_server(&a, (const guint8 *)s, strlen(s), t, 0);
            for (gsize j = 0; s[j]; j++)
                sr_session_server(&b, (const guint8 *)s + j, 1, t, 0);
        }
    }
    sr_session_finish(&a);
    sr_session_finish(&b);
    g_assert_cmpstr(bytes->str, ==, whole->str);
    g_assert_cmpstr(whole->str, ==,
                    "<greeting> 220\nEHLO 250 10us [PIPELINING:PIPELINING|]\nMAIL 250 10us\n"
                    "RCPT 250 10us\nDATA 354 10us\n<end-of-data> 250 10us\nBDAT 250 10us\n"
                    "QUIT 221 10us\n");
    sr_session_clear(&a);
    sr_session_clear(&b);
    g_string_free(whole, TRUE);
    g_string_free(bytes, TRUE);
}

/* A conversation that ends in the middle of everything. */
static void
leave_in_a_mess(fixture *f)
{
    server(f, "220 mx ESMTP\r\n", 0);
    client(f, "EHLO c\r\n", 10);
    server(f, "250-mx\r\n250-PIPELINING\r\n250-SIZE 99\r\n250 ENHANCEDSTATUSCODES\r\n", 20);
    client(f, "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n", 30);
    server(f, "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n", 40);
    client(f, "Subject: x\r\n\r\nbody line\r\n.", 50);   /* mid-body, a dot pending */
    sr_session_server_gap(&f->s, 17);
    server(f, "250-partial\r\n250-", 60);                  /* a reply left open */
    client(f, "RSET\r\nNOOP", 70);                          /* a command line left open */
}

/* A reused session answers as a new one would, whatever the last left. */
static void
test_reset(void)
{
    static const char *const conversation[] = {
        "S", "220 other ESMTP\r\n",
        "C", "HELO x\r\n",
        "S", "250 other\r\n",
        "C", "MAIL FROM:<x@y>\r\n",
        "S", "550 5.7.1 no\r\n",
        "C", "QUIT\r\n",
        "S", "221 bye\r\n",
    };
    fixture fresh, reused;
    GString *out;

    setup(&fresh);
    setup(&reused);
    leave_in_a_mess(&reused);
    out = g_string_new(NULL);
    sr_session_reset(&reused.s, out);
    for (gsize i = 0; i < G_N_ELEMENTS(conversation); i += 2) {
        void (*feed)(fixture *, const char *, gint64) = conversation[i][0] == 'S' ? server : client;

        feed(&fresh, conversation[i + 1], 1000 + (gint64)i);
        feed(&reused, conversation[i + 1], 1000 + (gint64)i);
    }
    sr_session_finish(&fresh.s);
    sr_session_finish(&reused.s);
    g_assert_cmpstr(out->str, ==,
                    "<greeting> 220\nHELO 250 2us\nMAIL 550 2us !enhanced-not-advertised\n"
                    "QUIT 221 2us\n");
    g_assert_cmpstr(out->str, ==, fresh.out->str);
    g_string_free(out, TRUE);
    teardown(&fresh);
    teardown(&reused);
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
        fixture f;

        setup(&f);
        server(&f, "220 hi\r\n", 0);
        g_assert_false(sr_session_ended(&f.s));
        client(&f, cases[i].client, 10);
        server(&f, cases[i].server, 20);
        g_assert_cmpint(sr_session_ended(&f.s), ==, cases[i].ended);
        teardown(&f);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/session/interrupt", test_interrupt_is_not_an_end);
    g_test_add_func("/session/greeting-and-ehlo", test_greeting_and_ehlo);
    g_test_add_func("/session/pipelining", test_pipelining);
    g_test_add_func("/session/bdat", test_bdat);
    g_test_add_func("/session/auth", test_auth);
    g_test_add_func("/session/auth-keeps-no-secret", test_auth_keeps_no_secret);
    g_test_add_func("/session/client-gap-keeps-secret", test_client_gap_keeps_secret);
    g_test_add_func("/session/starttls", test_starttls);
    g_test_add_func("/session/sequence-anomalies", test_sequence_anomalies);
    g_test_add_func("/session/validity", test_validity);
    g_test_add_func("/session/midstream", test_midstream);
    g_test_add_func("/session/malformed-and-empty", test_malformed_and_empty);
    g_test_add_func("/session/gap-between-replies", test_gap_between_replies);
    g_test_add_func("/session/gap-inside-reply", test_gap_inside_reply);
    g_test_add_func("/session/gap-in-greeting", test_gap_in_greeting);
    g_test_add_func("/session/gap-ate-end-of-reply", test_gap_ate_end_of_reply);
    g_test_add_func("/session/gap-in-final-line", test_gap_in_final_line);
    g_test_add_func("/session/capabilities-capped", test_capabilities_capped);
    g_test_add_func("/session/capability-lines-across-cut", test_capability_lines_across_cut);
    g_test_add_func("/session/client-resync", test_client_resync);
    g_test_add_func("/session/reply-begun-before-command", test_reply_begun_before_command);
    g_test_add_func("/session/gap-cut-last-reply", test_gap_cut_last_reply);
    g_test_add_func("/session/pending/budget-with-cut-reply", test_pending_budget_with_cut_reply);
    g_test_add_func("/session/pending/budget-keeps-oldest", test_pending_budget_keeps_oldest);
    g_test_add_func("/session/pending/deep-burst", test_pending_deep_burst);
    g_test_add_func("/session/server-side", test_server_side);
    g_test_add_func("/session/ended", test_session_ended);
    g_test_add_func("/session/reply-time-after-skipped-line", test_reply_time_after_skipped_line);
    g_test_add_func("/session/gap-lost-greeting", test_gap_lost_greeting);
    g_test_add_func("/session/reply-cut-at-cap", test_reply_cut_at_cap);
    g_test_add_func("/session/gap-took-final-dot", test_gap_took_final_dot);
    g_test_add_func("/session/gap-took-challenge", test_gap_took_challenge);
    g_test_add_func("/session/body-end", test_body_end);
    g_test_add_func("/session/allowed-text", test_allowed_text);
    g_test_add_func("/session/split-invariant", test_split_invariant);
    g_test_add_func("/session/reset", test_reset);
    g_test_add_func("/session/time-clamp", test_time_clamp);
    return g_test_run();
}
