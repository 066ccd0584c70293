/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command arguments (RFC 5321 4.1.1-4.1.2), mail transactions and every
 * way one ends (RFC 5321 3.3, RFC 3030, RFC 2033 4.2), the client's bytes
 * held until DATA's reply, and the queue ids of real servers' replies.
 */
#include <string.h>

#include "sr_decoder.h"

/* ------------------------------------------------------------ arguments */

static void
keep_one(const sr_command *cmd, gpointer user_data)
{
    *(sr_command *)user_data = *cmd;
}

/* A span of bytes (not NUL-terminated) equals EXPECTED. */
#define assert_span(p, n, expected) \
    do { \
        g_assert_nonnull(p); \
        g_assert_cmpuint((n), ==, strlen(expected)); \
        g_assert_true(memcmp((p), (expected), (n)) == 0); \
    } while (0)

/* The command the client reader makes of LINE (with its CRLF). */
static sr_command
command_of(const char *line)
{
    sr_command got = { .kind = SR_CMD_COUNT };
    sr_client *c;

    c = sr_client_new(keep_one, &got);
    sr_client_feed(c, (const guint8 *)line, strlen(line), 0, 1);
    sr_client_free(c);
    g_assert_cmpint(got.kind, !=, SR_CMD_COUNT);
    return got;
}

static void
assert_path(const char *line, const char *address, const char *params)
{
    sr_command cmd = command_of(line);
    sr_path path;

    g_assert_true(sr_path_parse(&cmd, &path));
    assert_span(path.address, path.address_len, address);
    if (params)
        assert_span(path.params, path.params_len, params);
    else
        g_assert_null(path.params);
}

static void
test_argument_paths(void)
{
    sr_command cmd;
    const char *v;
    gsize n;
    guint64 size;

    assert_path("MAIL FROM:<alice@example.test> SIZE=1234 BODY=8BITMIME\r\n", "alice@example.test",
                "SIZE=1234 BODY=8BITMIME");
    assert_path("MAIL FROM: <alice@example.test>\r\n", "alice@example.test", NULL);
    assert_path("MAIL FROM:<>\r\n", "", NULL);
    assert_path("mail from:<Alice@Example.Test>\r\n", "Alice@Example.Test", NULL);
    assert_path("RCPT TO:<@relay.test,@b.test:bob@example.test> NOTIFY=SUCCESS,FAILURE "
                "ORCPT=rfc822;bob@example.test\r\n", "bob@example.test",
                "NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.test");
    assert_path("RCPT TO:bob@example.test\r\n", "bob@example.test", NULL);
    assert_path("RCPT TO:<j\xc3\xbcrgen@b\xc3\xbc" "cher.test> SMTPUTF8\r\n",
                "j\xc3\xbcrgen@b\xc3\xbc" "cher.test", "SMTPUTF8");

    cmd = command_of("RCPT TO:<bob@example.test> NOTIFY=NEVER ORCPT=rfc822;bob@example.test\r\n");
    sr_path path;
    g_assert_true(sr_path_parse(&cmd, &path));
    v = sr_param_find(path.params, path.params_len, "notify", &n);
    assert_span(v, n, "NEVER");
    v = sr_param_find(path.params, path.params_len, "ORCPT", &n);
    assert_span(v, n, "rfc822;bob@example.test");
    g_assert_null(sr_param_find(path.params, path.params_len, "RET", &n));

    cmd = command_of("MAIL FROM:<a@b.test> SMTPUTF8 RET=HDRS ENVID=QQ314159 SIZE=52428800\r\n");
    g_assert_true(sr_mail_size(&cmd, &size));
    g_assert_cmpuint(size, ==, 52428800);
    g_assert_true(sr_path_parse(&cmd, &path));
    v = sr_param_find(path.params, path.params_len, "SMTPUTF8", &n);
    g_assert_nonnull(v);
    g_assert_cmpuint(n, ==, 0);
    v = sr_param_find(path.params, path.params_len, "ENVID", &n);
    assert_span(v, n, "QQ314159");
    cmd = command_of("MAIL FROM:<a@b.test> SIZE=12x\r\n");
    g_assert_false(sr_mail_size(&cmd, &size));

    cmd = command_of("DATA\r\n");
    g_assert_false(cmd.has_argument);
    g_assert_false(sr_path_parse(&cmd, &path));
    cmd = command_of("RCPT\r\n");
    g_assert_false(sr_path_parse(&cmd, &path));
}

static void
test_argument_kept(void)
{
    sr_command cmd;
    const char *domain;
    gsize n;
    GString *line;

    cmd = command_of("EHLO client.example.test\r\n");
    g_assert_cmpstr(cmd.argument, ==, "client.example.test");
    domain = sr_hello_domain(&cmd, &n);
    assert_span(domain, n, "client.example.test");
    cmd = command_of("LHLO [192.0.2.1] extra\r\n");
    g_assert_cmpint(cmd.kind, ==, SR_CMD_LHLO);
    domain = sr_hello_domain(&cmd, &n);
    assert_span(domain, n, "[192.0.2.1]");
    cmd = command_of("VRFY postmaster\r\n");
    g_assert_cmpstr(cmd.argument, ==, "postmaster");
    cmd = command_of("BDAT 1000 LAST\r\n");
    g_assert_cmpstr(cmd.argument, ==, "1000 LAST");
    g_assert_cmpuint(cmd.bdat_size, ==, 1000);
    g_assert_true(cmd.bdat_last);

    /* AUTH keeps the mechanism, never the initial response. */
    cmd = command_of("AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n");
    g_assert_cmpstr(cmd.argument, ==, "PLAIN");
    g_assert_cmpuint(cmd.argument_len, ==, 5);
    g_assert_false(cmd.argument_cut);
    g_assert_null(strstr(cmd.argument, "AGFsaWNl"));
    cmd = command_of("AUTH LOGIN\r\n");
    g_assert_cmpstr(cmd.argument, ==, "LOGIN");

    /* A verb longer than we keep does not spill into the argument. */
    cmd = command_of("XVERYLONGVERBNAMEINDEED arg\r\n");
    g_assert_cmpstr(cmd.argument, ==, "arg");

    /* A command line past the cap keeps the start, and says so. */
    line = g_string_new("RCPT TO:<");
    while (line->len < 700)
        g_string_append_c(line, 'x');
    g_string_append(line, "@example.test>\r\n");
    cmd = command_of(line->str);
    g_assert_true(cmd.argument_cut);
    g_assert_cmpuint(cmd.argument_len, <=, SR_ARGUMENT_MAX);
    g_assert_true(g_str_has_prefix(cmd.argument, "TO:<xxx"));
    g_string_free(line, TRUE);
}

/* ------------------------------------------------------------ queue ids */

static void
test_queue_ids(void)
{
    /* Each as the software writes it after the code. */
    static const struct {
        const char *text, *id, *source;
    } cases[] = {
        { "2.0.0 Ok: queued as 4Xyq5T0m2Zz9sKp", "4Xyq5T0m2Zz9sKp", "Postfix" },
        { "2.0.0 Ok: queued as 83D80108417", "83D80108417", "Postfix" },
        { "OK id=1rAbCd-000F3x-2Q", "1rAbCd-000F3x-2Q", "Exim" },
        { "2.6.0 <CY4PR1101MB2071@CY4PR1101MB2071.namprd11.prod.outlook.com> "
          "[InternalId=2147483651234, Hostname=AM0PR01MB1234.eurprd01.prod.exchangelabs.com] "
          "9123 bytes in 0.041, 215.7 KB/sec Queued mail for delivery",
          "2147483651234", "Microsoft" },
        { "2.0.0 OK  1700000000 d2e1a72fcca58-6c3a1b2c3d4si123456.567 - gsmtp",
          "d2e1a72fcca58-6c3a1b2c3d4si123456.567", "Gmail" },
        { "2.0.0 <bob@example.test> 3szVHDKGEmufFQAAg+zDdQ Saved", "3szVHDKGEmufFQAAg+zDdQ",
          "Dovecot" },
        { "2.0.0 <dave@example.test> 3szVHDKGEmufFQAAg+zDdQ:R4 Saved",
          "3szVHDKGEmufFQAAg+zDdQ:R4", "Dovecot" },
        { "2.0.0 4BKDm3xY012345 Message accepted for delivery", "4BKDm3xY012345", "Sendmail" },
        { "2.0.0: 6a5c8f3e Message accepted for delivery", "6a5c8f3e", "OpenSMTPD" },
    };
    static const char *const none[] = {
        "2.0.0 Ok", "OK", "2.1.5 Ok", "Message accepted for delivery", "2.0.0 Ok: queued as ",
        "5.1.1 <nobody@example.test>: Recipient address rejected",
    };
    char id[SR_QUEUE_ID_MAX + 1];

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *source = sr_queue_id_find((const guint8 *)cases[i].text,
                                              strlen(cases[i].text), id);

        g_assert_cmpstr(source, ==, cases[i].source);
        g_assert_cmpstr(id, ==, cases[i].id);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(none); i++)
        g_assert_null(sr_queue_id_find((const guint8 *)none[i], strlen(none[i]), id));
}

/* ------------------------------------------------------------ transactions */

typedef struct {
    sr_session *s;
    GString   *replies;       /* "VERB code" per reply, LMTP recipient after "for" */
    GString   *transactions;  /* one line per transaction */
    guint64    frame;         /* each text comes in a packet of its own */
} fixture;

static void
on_exchange(const sr_reply *reply, const sr_exchange *ex, gpointer user_data)
{
    fixture *f = user_data;

    g_string_append_printf(f->replies, "%s %03u", ex->has_command ? sr_command_name(&ex->command) : "-",
                           reply->code);
    if (ex->recipient)
        g_string_append_printf(f->replies, " for %s", ex->recipient);
    g_string_append_c(f->replies, '\n');
}

static void
append_reply(GString *out, const sr_tx_reply *r)
{
    if (r->present && r->has_code)
        g_string_append_printf(out, "%03u", r->code);
    else if (r->present)
        g_string_append_c(out, '?');
    else
        g_string_append_c(out, '-');
}

/* "#1 partial/end-of-data <a> b:250>250 c:550 size=12 id=X(Postfix)" */
static void
on_transaction(const sr_transaction *tx, gpointer user_data)
{
    fixture *f = user_data;
    GString *out = f->transactions;

    g_string_append_printf(out, "#%u %s/%s <%s>", tx->depth, sr_tx_status_name(tx->status),
                           sr_tx_end_name(tx->end), tx->mailfrom ? tx->mailfrom : "?");
    for (guint i = 0; i < tx->recipients->len; i++) {
        const sr_tx_recipient *r = &g_array_index(tx->recipients, sr_tx_recipient, i);

        g_string_append_printf(out, " %s:", r->address ? r->address : "(none)");
        append_reply(out, &r->rcpt);
        if (r->data.present) {
            g_string_append_c(out, '>');
            append_reply(out, &r->data);
        }
    }
    if (tx->has_size)
        g_string_append_printf(out, " size=%" G_GUINT64_FORMAT, tx->size);
    if (tx->has_declared_size)
        g_string_append_printf(out, " declared=%" G_GUINT64_FORMAT, tx->declared_size);
    if (tx->queue_id)
        g_string_append_printf(out, " id=%s(%s)", tx->queue_id, tx->queue_id_source);
    if (tx->helo)
        g_string_append_printf(out, " helo=%s", tx->helo);
    if (tx->lmtp)
        g_string_append(out, " lmtp");
    g_string_append_c(out, '\n');
}

static void
setup(fixture *f)
{
    static const sr_session_callbacks cb = { on_exchange, NULL, NULL, on_transaction, NULL };

    f->frame = 0;
    f->replies = g_string_new(NULL);
    f->transactions = g_string_new(NULL);
    f->s = sr_session_new(NULL, &cb, f);
}

static void
teardown(fixture *f)
{
    sr_session_free(f->s);
    g_string_free(f->replies, TRUE);
    g_string_free(f->transactions, TRUE);
}

static void
client(fixture *f, const char *text)
{
    sr_session_client(f->s, (const guint8 *)text, strlen(text), 0, ++f->frame);
}

static void
server(fixture *f, const char *text)
{
    sr_session_server(f->s, (const guint8 *)text, strlen(text), 0, ++f->frame);
}

/* A talk as alternating client and server texts, then its transactions. */
static void
assert_transactions(const char *const *talk, gsize n, const char *expected)
{
    fixture f;

    setup(&f);
    server(&f, "220 mx.example.test ESMTP\r\n");
    for (gsize i = 0; i < n; i++) {
        if (i % 2 == 0)
            client(&f, talk[i]);
        else
            server(&f, talk[i]);
    }
    sr_session_finish(f.s);
    g_assert_cmpstr(f.transactions->str, ==, expected);
    teardown(&f);
}

#define TALK(expected, ...) \
    do { \
        static const char *const talk[] = { __VA_ARGS__ }; \
        assert_transactions(talk, G_N_ELEMENTS(talk), expected); \
    } while (0)

#define EHLO "EHLO c.test\r\n", "250-mx.example.test\r\n250 PIPELINING\r\n"

static void
test_transaction_ends(void)
{
    /* The end of the data: every accepted recipient takes its reply. */
    TALK("#1 partial/end-of-data <a@x> b@x:250>250 c@x:550 size=14 declared=12 "
         "id=4Xyq5T0m2Zz9sKp(Postfix) helo=c.test\n",
         EHLO, "MAIL FROM:<a@x> SIZE=12\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\nDATA\r\n",
         "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <c@x>: unknown\r\n354 go\r\n",
         "Subject: x\r\n\r\n.\r\n", "250 2.0.0 Ok: queued as 4Xyq5T0m2Zz9sKp\r\n",
         "QUIT\r\n", "221 2.0.0 Bye\r\n");
    TALK("#1 accepted/end-of-data <> b@x:250>250 size=8 helo=c.test\n",
         EHLO, "MAIL FROM:<>\r\n", "250 Ok\r\n", "RCPT TO:<b@x>\r\n", "250 Ok\r\n",
         "DATA\r\n", "354 go\r\n", "Hi\r\n..\r\n.\r\n", "250 Ok\r\n");
    /* Refused at MAIL, at every RCPT, at DATA, or the message itself. */
    TALK("#1 rejected/rset <a@x> helo=c.test\n",
         EHLO, "MAIL FROM:<a@x>\r\n", "553 5.7.1 Sender rejected\r\n", "RSET\r\n", "250 Ok\r\n");
    TALK("#1 rejected/quit <a@x> b@x:550 c@x:554 helo=c.test\n",
         EHLO, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\n",
         "250 Ok\r\n550 5.1.1 no\r\n554 5.7.1 Relay access denied\r\n", "QUIT\r\n", "221 Bye\r\n");
    TALK("#1 deferred/quit <a@x> b@x:550 c@x:450 helo=c.test\n",
         EHLO, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\n",
         "250 Ok\r\n550 5.1.1 no\r\n450 4.2.0 greylisted\r\n", "QUIT\r\n", "221 Bye\r\n");
    TALK("#1 rejected/rset <a@x> b@x:250 helo=c.test\n",
         EHLO, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n",
         "250 Ok\r\n250 Ok\r\n554 5.5.1 Error: no valid recipients\r\n", "RSET\r\n", "250 Ok\r\n");
    TALK("#1 rejected/end-of-data <a@x> b@x:250>552 size=3 helo=c.test\n",
         EHLO, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n", "250 Ok\r\n250 Ok\r\n354 go\r\n",
         "x\r\n.\r\n", "552 5.3.4 Message size exceeds fixed limit\r\n");
    TALK("#1 deferred/end-of-data <a@x> b@x:250>451 size=3 helo=c.test\n",
         EHLO, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n", "250 Ok\r\n250 Ok\r\n354 go\r\n",
         "x\r\n.\r\n", "451 4.3.0 Error: queue file write error\r\n");
    /* Given up by the client: RSET, a new MAIL, EHLO, QUIT, STARTTLS. */
    TALK("#1 aborted/rset <a@x> b@x:250 helo=c.test\n",
         EHLO, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n", "250 Ok\r\n250 Ok\r\n",
         "RSET\r\n", "250 Ok\r\n");
    TALK("#1 aborted/mail <a@x> b@x:250 helo=c.test\n"
         "#2 accepted/end-of-data <d@x> e@x:250>250 size=3 helo=c.test\n",
         EHLO, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n", "250 Ok\r\n250 Ok\r\n",
         "MAIL FROM:<d@x>\r\nRCPT TO:<e@x>\r\nDATA\r\n", "250 Ok\r\n250 Ok\r\n354 go\r\n",
         "x\r\n.\r\n", "250 Ok\r\n");
    TALK("#1 aborted/hello <a@x> helo=c.test\n",
         EHLO, "MAIL FROM:<a@x>\r\n", "250 Ok\r\n", "EHLO other.test\r\n", "250 mx\r\n");
    TALK("#1 aborted/quit <a@x> b@x:250 helo=c.test\n",
         EHLO, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n", "250 Ok\r\n250 Ok\r\n", "QUIT\r\n",
         "221 Bye\r\n");
    TALK("#1 aborted/starttls <a@x> helo=c.test\n",
         EHLO, "MAIL FROM:<a@x>\r\n", "250 Ok\r\n", "STARTTLS\r\n", "220 2.0.0 Ready\r\n");
    /* Ended by the server or the connection. */
    TALK("#1 deferred/server-closed <a@x> b@x:250 c@x:421 helo=c.test\n",
         EHLO, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\n",
         "250 Ok\r\n250 Ok\r\n421 4.7.0 Error: too many errors\r\n");
    TALK("#1 unfinished/connection-end <a@x> b@x:250 helo=c.test\n",
         EHLO, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n", "250 Ok\r\n250 Ok\r\n");
    /* BDAT: the chunks are counted, LAST's reply decides. */
    TALK("#1 accepted/end-of-data <a@x> b@x:250>250 size=8 "
         "id=1rAbCd-000F3x-2Q(Exim) helo=c.test\n",
         EHLO, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nBDAT 5\r\nhello", "250 Ok\r\n250 Ok\r\n250 5\r\n",
         "BDAT 3 LAST\r\nabc", "250 OK id=1rAbCd-000F3x-2Q\r\n");
    /* A bare RCPT names no address, not the null path; a reply that is
     * no reply line has no code, and is no acceptance. */
    TALK("#1 deferred/quit <a@x> (none):501 b@x:? helo=c.test\n",
         EHLO, "MAIL FROM:<a@x>\r\nRCPT\r\nRCPT TO:<b@x>\r\n",
         "250 Ok\r\n501 5.5.4 Syntax: RCPT TO:<address>\r\n2x0 Recipient ok\r\n",
         "QUIT\r\n", "221 Bye\r\n");
    /* No MAIL, no transaction. */
    TALK("", EHLO, "RCPT TO:<b@x>\r\n", "503 5.5.1 need MAIL\r\n", "DATA\r\n", "503 no\r\n");
}

/*
 * Replies a gap took: the commands still did their part.  A MAIL whose
 * reply was lost begins the transaction (its reply unknown); an RSET whose
 * reply was lost ends one; the later replies pair as ever.
 */
static void
test_lost_in_gap(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 mx.example.test ESMTP\r\n");
    client(&f, "EHLO c.test\r\n");
    server(&f, "250 mx.example.test\r\n");
    client(&f, "MAIL FROM:<a@x>\r\n");
    sr_session_server_gap(f.s, 14);                /* "250 2.1.0 Ok\r\n" */
    client(&f, "RCPT TO:<b@x>\r\n");
    server(&f, "250 2.1.5 Ok\r\n");
    client(&f, "DATA\r\n");
    server(&f, "354 go\r\n");
    client(&f, "x\r\n.\r\n");
    server(&f, "250 2.0.0 Ok: queued as 9F29B108415\r\n");
    client(&f, "MAIL FROM:<c@x>\r\n");
    server(&f, "250 Ok\r\n");
    client(&f, "RSET\r\n");
    sr_session_server_gap(f.s, 8);                 /* "250 Ok\r\n" */
    client(&f, "NOOP\r\n");
    server(&f, "250 Ok\r\n");
    sr_session_finish(f.s);
    g_assert_cmpstr(f.transactions->str, ==,
                    "#1 accepted/end-of-data <a@x> b@x:250>250 size=3 "
                    "id=9F29B108415(Postfix) helo=c.test\n"
                    "#2 aborted/rset <c@x> helo=c.test\n");
    g_assert_cmpstr(f.replies->str, ==,
                    "<greeting> 220\nEHLO 250\nRCPT 250\nDATA 354\n<end-of-data> 250\n"
                    "MAIL 250\nNOOP 250\n");
    teardown(&f);
}

/* LMTP (RFC 2033 4.2): one reply per accepted recipient after the data,
 * in RCPT order, and the replies after them pair as ever.  The texts are
 * Dovecot 2.3's (samples/lmtp.pcap). */
static void
test_lmtp(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 mail.example.test Dovecot ready.\r\n");
    client(&f, "LHLO client.example.test\r\n");
    server(&f, "250-mail.example.test\r\n250-8BITMIME\r\n250-CHUNKING\r\n"
               "250-ENHANCEDSTATUSCODES\r\n250 PIPELINING\r\n");
    client(&f, "MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\n"
               "RCPT TO:<nobody@example.test>\r\nRCPT TO:<carol@example.test>\r\nDATA\r\n");
    server(&f, "250 2.1.0 OK\r\n250 2.1.5 OK\r\n550 5.1.1 <nobody@example.test> User doesn't exist\r\n"
               "250 2.1.5 OK\r\n354 OK\r\n");
    client(&f, "Subject: hi\r\n\r\nhello\r\n.\r\n");
    server(&f, "250 2.0.0 <bob@example.test> 3szVHDKGEmufFQAAg+zDdQ Saved\r\n"
               "552 5.2.2 <carol@example.test> Quota exceeded (mailbox for user is full)\r\n");
    client(&f, "MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\n"
               "RCPT TO:<carol@example.test>\r\nBDAT 3 LAST\r\nabc");
    server(&f, "250 2.1.0 OK\r\n250 2.1.5 OK\r\n250 2.1.5 OK\r\n"
               "250 2.0.0 <bob@example.test> x1y2z3w4 Saved\r\n"
               "250 2.0.0 <carol@example.test> x1y2z3w4:R2 Saved\r\n");
    client(&f, "QUIT\r\n");
    server(&f, "221 2.0.0 Bye\r\n");
    sr_session_finish(f.s);
    g_assert_cmpstr(f.replies->str, ==,
                    "<greeting> 220\nLHLO 250\nMAIL 250\nRCPT 250\nRCPT 550\nRCPT 250\nDATA 354\n"
                    "<end-of-data> 250 for bob@example.test\n"
                    "<end-of-data> 552 for carol@example.test\n"
                    "MAIL 250\nRCPT 250\nRCPT 250\nBDAT 250 for bob@example.test\n"
                    "BDAT 250 for carol@example.test\nQUIT 221\n");
    g_assert_cmpstr(f.transactions->str, ==,
                    "#1 partial/end-of-data <alice@example.test> bob@example.test:250>250 "
                    "nobody@example.test:550 carol@example.test:250>552 size=22 "
                    "id=3szVHDKGEmufFQAAg+zDdQ(Dovecot) helo=client.example.test lmtp\n"
                    "#2 accepted/end-of-data <alice@example.test> bob@example.test:250>250 "
                    "carol@example.test:250>250 size=3 id=x1y2z3w4(Dovecot) "
                    "helo=client.example.test lmtp\n");
    teardown(&f);
}

/* The client sends its message before DATA's reply: after 354 it is the
 * message, whatever lines it has (samples/early-body.pcap, Postfix). */
static void
test_early_body(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 mx ESMTP\r\n");
    client(&f, "EHLO c\r\n");
    server(&f, "250 mx\r\n");
    client(&f, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
    server(&f, "250 Ok\r\n250 Ok\r\n");
    client(&f, "DATA\r\nFROM: me\r\nTO: you\r\nTHIS is the body\r\n.\r\nQUIT\r\n");
    server(&f, "354 go\r\n250 2.0.0 Ok: queued as ABCD1234\r\n221 Bye\r\n");
    sr_session_finish(f.s);
    g_assert_cmpstr(f.replies->str, ==,
                    "<greeting> 220\nEHLO 250\nMAIL 250\nRCPT 250\nDATA 354\n<end-of-data> 250\n"
                    "QUIT 221\n");
    g_assert_cmpstr(f.transactions->str, ==,
                    "#1 accepted/end-of-data <a@x> b@x:250>250 size=37 id=ABCD1234(Postfix) helo=c\n");
    teardown(&f);
}

/* ... and after a refusal the same bytes are commands. */
static void
test_early_bytes_after_refusal(void)
{
    fixture f;

    setup(&f);
    server(&f, "220 mx ESMTP\r\n");
    client(&f, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
    server(&f, "250 Ok\r\n550 no\r\n");
    client(&f, "DATA\r\nRSET\r\nNOOP\r\n");
    server(&f, "554 5.5.1 Error: no valid recipients\r\n250 reset\r\n250 noop\r\n");
    sr_session_finish(f.s);
    g_assert_cmpstr(f.replies->str, ==,
                    "<greeting> 220\nMAIL 250\nRCPT 550\nDATA 554\nRSET 250\nNOOP 250\n");
    teardown(&f);
}

/* More than SR_HOLD_MAX bytes before DATA's reply are taken for the
 * message: read as it at once, not kept, and its dot is still found. */
static void
test_early_body_over_hold(void)
{
    fixture f;
    GString *body = g_string_new("DATA\r\n");

    while (body->len < SR_HOLD_MAX + 1000)
        g_string_append(body, "a line of the message that is long enough\r\n");
    setup(&f);
    server(&f, "220 mx ESMTP\r\n");
    client(&f, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
    server(&f, "250 Ok\r\n250 Ok\r\n");
    client(&f, body->str);
    server(&f, "354 go\r\n");
    client(&f, ".\r\nQUIT\r\n");
    server(&f, "250 Ok\r\n221 Bye\r\n");
    sr_session_finish(f.s);
    g_assert_cmpstr(f.replies->str, ==,
                    "<greeting> 220\nMAIL 250\nRCPT 250\nDATA 354\n<end-of-data> 250\nQUIT 221\n");
    g_string_free(body, TRUE);
    teardown(&f);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/argument/paths", test_argument_paths);
    g_test_add_func("/argument/kept", test_argument_kept);
    g_test_add_func("/transaction/queue-ids", test_queue_ids);
    g_test_add_func("/transaction/ends", test_transaction_ends);
    g_test_add_func("/transaction/lost-in-gap", test_lost_in_gap);
    g_test_add_func("/transaction/lmtp", test_lmtp);
    g_test_add_func("/transaction/early-body", test_early_body);
    g_test_add_func("/transaction/early-bytes-after-refusal", test_early_bytes_after_refusal);
    g_test_add_func("/transaction/early-body-over-hold", test_early_body_over_hold);
    return g_test_run();
}
