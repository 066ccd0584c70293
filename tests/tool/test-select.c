/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The -Y expression language: each expression run over the replies of two
 * conversations decoded by the tool's own flow table, and the messages of
 * expressions that must not compile.
 */
#include <string.h>

#include "input.h"
#include "output.h"
#include "select.h"

/* Where the replies come from: one conversation over IPv4 with reply
 * times, one over IPv6 whose first reply has no code. */
typedef struct {
    gboolean     ipv6;
    gboolean     to_client;
    guint8       flags;
    const char  *data;
    gint64       time;          /* tenths of a millisecond */
} segment;

#define C(data, t) { FALSE, FALSE, TCP_ACK, data, t }
#define S(data, t) { FALSE, TRUE, TCP_ACK, data, t }

/* Replies, in the order handed over:
 *   0  220 greeting                          no latency
 *   1  250 EHLO, three lines                 10 ms
 *   2  250 2.1.0 to MAIL                     0.5 ms
 *   3  550 5.1.1 to RCPT, user-unknown       100.6 ms
 *   4  451 4.7.1 to RCPT, greylisted         100.5 ms
 *   5  554 5.7.1 to DATA, bare LF            2 ms
 *   6  (IPv6) "hello" with no code: malformed-line
 *   7  (IPv6) 421 answering nothing, never finished: incomplete-reply
 */
static const segment conversation[] = {
    { FALSE, FALSE, TCP_SYN, "", 10000 },
    { FALSE, TRUE, TCP_SYN | TCP_ACK, "", 10001 },
    S("220 mx.example.com ESMTP\r\n", 10100),
    C("EHLO client.example\r\n", 10200),
    S("250-mx.example.com\r\n250-ENHANCEDSTATUSCODES\r\n250 PIPELINING\r\n", 10300),
    C("MAIL FROM:<a@client.example>\r\n", 10400),
    S("250 2.1.0 Ok\r\n", 10405),
    C("rcpt TO:<nobody@mx.example.com>\r\n", 10500),
    S("550 5.1.1 <nobody@mx.example.com>: Recipient address rejected: "
      "User unknown in local recipient table\r\n", 11506),
    C("RCPT TO:<x@mx.example.com>\r\n", 12000),
    S("451 4.7.1 Greylisted, try again later\r\n", 13005),
    C("DATA\r\n", 13100),
    S("554-5.7.1 Message refused\n554 5.7.1 \"policy\" \\ said no\r\n", 13120),
    { TRUE, FALSE, TCP_SYN, "", 20000 },
    { TRUE, TRUE, TCP_SYN | TCP_ACK, "", 20001 },
    { TRUE, TRUE, TCP_ACK, "hello\r\n", 20100 },
    { TRUE, TRUE, TCP_ACK, "421-4.3.2 going down\r\n", 20200 },
};

#define REPLIES 8

typedef struct {
    const select_expr *expr;
    GString           *bits;    /* '1' or '0' for each reply */
    GString           *json;    /* each reply's record, to show a failure */
} selection;

static void
on_reply(const reply_event *ev, gpointer user_data)
{
    selection *s = user_data;
    static const output_style style = { 0 };

    g_string_append_c(s->bits, select_match(s->expr, ev) ? '1' : '0');
    output_json_reply(s->json, ev, &style);
}

/* Every reply through EXPR: "1" for each it selects, "0" for the rest;
 * the replies' JSON records into *JSON, if given. */
static gchar *
selected(const char *text, gchar **json)
{
    static guint8 ports[65536];
    GError *error = NULL;
    select_expr *expr = select_compile(text, &error);
    selection s = { expr, g_string_new(NULL), g_string_new(NULL) };
    flow_config cfg;
    flow_table *table;
    guint32 seq[2][2] = { { 100, 5000 }, { 7000, 9000 } };   /* [ipv6][to_client] */

    g_assert_no_error(error);
    g_assert_nonnull(expr);
    ports[25] = 1;
    flow_config_init(&cfg, ports);
    table = flow_table_new(&cfg, on_reply, &s);
    for (gsize i = 0; i < G_N_ELEMENTS(conversation); i++) {
        const segment *seg = &conversation[i];
        guint8 client[16] = { 10, 0, 0, 2 }, server[16] = { 10, 0, 0, 1 };
        packet_tcp p = { .family = seg->ipv6 ? 6 : 4, .flags = seg->flags };

        if (seg->ipv6) {
            static const guint8 prefix[] = { 0x20, 0x01, 0x0d, 0xb8 };

            memset(client, 0, sizeof client);
            memset(server, 0, sizeof server);
            memcpy(client, prefix, 4);
            memcpy(server, prefix, 4);
            client[15] = 2;
            server[15] = 1;
        }
        memcpy(seg->to_client ? p.src : p.dst, server, 16);
        memcpy(seg->to_client ? p.dst : p.src, client, 16);
        p.sport = seg->to_client ? 25 : 4000;
        p.dport = seg->to_client ? 4000 : 25;
        p.payload = (const guint8 *)seg->data;
        p.payload_len = p.payload_wire = strlen(seg->data);
        p.seq = seq[seg->ipv6][seg->to_client];
        seq[seg->ipv6][seg->to_client] += (guint32)p.payload_len + ((p.flags & TCP_SYN) ? 1 : 0);
        flow_table_packet(table, &p, seg->time * 100, i + 1);
    }
    flow_table_finish(table);
    flow_table_free(table);
    select_free(expr);
    if (s.bits->len != REPLIES)
        g_test_message("replies:\n%s", s.json->str);
    g_assert_cmpuint(s.bits->len, ==, REPLIES);
    if (json)
        *json = g_string_free(s.json, FALSE);
    else
        g_string_free(s.json, TRUE);
    return g_string_free(s.bits, FALSE);
}

typedef struct {
    const char *expr;
    const char *replies;   /* one digit for each reply above */
} select_case;

static void
check_cases(const select_case *cases, gsize n)
{
    for (gsize i = 0; i < n; i++) {
        gchar *json;
        gchar *got = selected(cases[i].expr, &json);

        /* What the expression was read against, to see why it failed. */
        if (strcmp(got, cases[i].replies))
            g_test_message("-Y '%s' over:\n%s", cases[i].expr, json);
        g_assert_cmpstr(got, ==, cases[i].replies);
        g_free(json);
        g_free(got);
    }
}

/* The fields, each read as the JSON record has it. */
static void
test_fields(void)
{
    static const select_case cases[] = {
        { "code >= 500", "00010100" },
        { "code == 250", "01100000" },
        { "code", "11111101" },
        { "code < 300", "11100000" },
        { "code <= 250", "11100000" },
        { "code > 451", "00010100" },
        { "class == 5", "00010100" },
        { "class == \"Permanent Negative\"", "00010100" },
        { "class >= 4", "00011101" },
        { "class contains \"Negative\"", "00011101" },
        { "category == 5", "01111100" },
        { "category == \"Mail system\"", "01111100" },
        { "category == 2", "10000001" },
        { "enhanced", "00111101" },
        { "enhanced contains \"5.7.\"", "00000100" },
        { "enhanced == \"4.7.1\"", "00001000" },
        { "command == \"RCPT\"", "00011000" },
        { "command == \"rcpt\"", "00011000" },
        { "command == \"<greeting>\"", "10000010" },
        { "command contains \"greet\"", "10000010" },
        { "command contains \"CP\"", "00011000" },
        { "command", "11111110" },
        { "argument contains \"nobody@\"", "00010000" },
        { "argument == \"FROM:<a@client.example>\"", "00100000" },
        { "argument", "01111000" },
        { "reason == \"user-unknown\"", "00010000" },
        { "reason == \"greylisted\"", "00001000" },
        { "reason", "00011101" },
        { "anomaly == \"bare-lf\"", "00000100" },
        { "anomaly == \"malformed-line\"", "00000010" },
        { "anomaly == \"incomplete-reply\"", "00000001" },
        { "anomaly contains \"line\"", "00000010" },
        { "anomaly", "00000111" },
        { "latency_ms > 100.5", "00010000" },
        { "latency_ms >= 100.5", "00011000" },
        { "latency_ms == 100.5", "00001000" },
        { "latency_ms == 100.500000", "00001000" },
        { "latency_ms < 100.5000001", "01101100" },
        { "latency_ms > 100.5000001", "00010000" },
        { "latency_ms <= 0.5", "00100000" },
        { "latency_ms < 1", "00100000" },
        { "latency_ms == 10", "01000000" },
        { "latency_ms", "01111100" },
        { "flow == 1", "00000011" },
        { "frame == 9", "00010000" },
        { "frame > 9 and frame < 17", "00001110" },
        { "text contains \"Greylisted\"", "00001000" },
        { "text == \"mx.example.com\\nENHANCEDSTATUSCODES\\nPIPELINING\"", "01000000" },
        { "text contains \"example.com\\nENHANCED\"", "01000000" },
        { "text == \"mx.example.com\"", "00000000" },
        { "text contains \"\\\"policy\\\" \\\\ said\"", "00000100" },
        { "text contains \"\"", "11111111" },
        { "text contains \"refused\\n5.7.1\"", "00000100" },
        { "text contains \"\\x47reylisted\"", "00001000" },
    };

    check_cases(cases, G_N_ELEMENTS(cases));
}

/* A field the reply lacks fails every comparison, != too. */
static void
test_absent(void)
{
    static const select_case cases[] = {
        { "code != 250", "10011101" },
        { "not code == 250", "10011111" },
        { "class != 5", "11101001" },
        { "enhanced != \"5.1.1\"", "00101101" },
        { "command != \"RCPT\"", "11100110" },
        { "argument != \"x\"", "01111000" },
        { "reason != \"greylisted\"", "00010101" },
        { "anomaly != \"bare-lf\"", "00000011" },
        /* As in Wireshark 4: anomalies, and none of them that one. */
        { "anomaly != \"malformed-line\"", "00000101" },
        { "anomaly != \"incomplete-reply\"", "00000110" },
        { "latency_ms != 10", "00111100" },
        { "not latency_ms", "10000011" },
        { "not enhanced", "11000010" },
    };

    check_cases(cases, G_N_ELEMENTS(cases));
}

/* Endpoints: the whole "ip:port", or == and != on the address alone. */
static void
test_endpoints(void)
{
    static const select_case cases[] = {
        { "server == \"10.0.0.1:25\"", "11111100" },
        { "server == \"10.0.0.1\"", "11111100" },
        { "server == \"10.0.0.1:2\"", "00000000" },
        { "server == \"10.0.0\"", "00000000" },
        { "client == \"10.0.0.2\"", "11111100" },
        { "client != \"10.0.0.2\"", "00000011" },
        { "server == \"2001:db8::1\"", "00000011" },
        { "server == \"[2001:db8::1]\"", "00000011" },
        { "server == \"[2001:db8::1]:25\"", "00000011" },
        { "server == \"2001:db8::\"", "00000000" },
        { "client == \"2001:db8::2\"", "00000011" },
        { "server != \"2001:db8::1\"", "11111100" },
        { "client contains \":4000\"", "11111111" },
        { "server contains \"[\"", "00000011" },
    };

    check_cases(cases, G_N_ELEMENTS(cases));
}

/* not before and before or; the symbols as the words. */
static void
test_logic(void)
{
    static const select_case cases[] = {
        { "command == \"RCPT\" and code >= 400", "00011000" },
        { "not (class == 2)", "00011111" },
        { "not class == 2", "00011111" },
        { "!(class == 2)", "00011111" },
        { "code == 220 or code == 550 and reason == \"greylisted\"", "10000000" },
        { "(code == 220 or code == 550) and reason == \"user-unknown\"", "00010000" },
        { "code == 451 or code == 550 and reason == \"user-unknown\"", "00011000" },
        { "code == 550 and reason == \"user-unknown\" or code == 451", "00011000" },
        { "code == 220 || code == 421", "10000001" },
        { "code >= 400 && !anomaly", "00011000" },
        { "not not code == 250", "01100000" },
        { "!!code", "11111101" },
        { "not (code == 250 or not latency_ms)", "00011100" },
        { "((((code == 221))))", "00000000" },
        { "flow == 0 and (latency_ms < 1 or latency_ms > 100) and not code == 250", "00011000" },
        { "code==550&&enhanced==\"5.1.1\"", "00010000" },
        { "  code\t==\n550  ", "00010000" },
        { "code or anomaly", "11111111" },
    };

    check_cases(cases, G_N_ELEMENTS(cases));
}

/* The whole message main.c prints after "smtpreply: ". */
static void
check_error(const char *text, const char *message)
{
    GError *error = NULL;
    select_expr *expr = select_compile(text, &error);

    g_assert_null(expr);
    g_assert_error(error, INPUT_ERROR, EXIT_USAGE);
    g_assert_cmpstr(error->message, ==, message);
    g_assert_null(strchr(error->message, '\n'));
    g_error_free(error);
}

#define FIELDS_HINT "the fields are code, class, category, enhanced, command, argument, " \
                    "client, server, reason, anomaly, latency_ms, flow, frame, text"

static void
test_errors(void)
{
    check_error("code >= abc", "-Y \"code >= abc\": a number was expected after \">=\" (column 9)");
    check_error("code >=", "-Y \"code >=\": a number was expected after \">=\" (column 8)");
    check_error("", "-Y \"\": the expression is empty");
    check_error("  ", "-Y \"  \": the expression is empty");
    check_error("cod == 5",
                "-Y \"cod == 5\": unknown field \"cod\" (column 1); " FIELDS_HINT);
    check_error("code == 5 or c\xc3\xb6" "de == 5",
                "-Y \"code == 5 or c\xc3\xb6" "de == 5\": unknown field \"c\xc3\xb6" "de\" "
                "(column 14); " FIELDS_HINT);
    check_error("code = 5",
                "-Y \"code = 5\": unknown operator \"=\" (column 6); the operators are ==, !=, "
                "<, <=, >, >= and contains");
    check_error("code matches \"5\"",
                "-Y \"code matches \"5\"\": unknown operator \"matches\" (column 6); the "
                "operators are ==, !=, <, <=, >, >= and contains");
    check_error("code 550",
                "-Y \"code 550\": an operator was expected after \"code\" (column 6); the "
                "operators are ==, !=, <, <=, >, >= and contains");
    check_error("code == \"550\"",
                "-Y \"code == \"550\"\": code takes a number after \"==\", not a string "
                "(column 9)");
    check_error("command == 5",
                "-Y \"command == 5\": command takes a string in double quotes after \"==\", not "
                "a number (column 12)");
    check_error("enhanced == 5.1.1",
                "-Y \"enhanced == 5.1.1\": enhanced takes a string in double quotes after "
                "\"==\", not a number (column 13)");
    check_error("command == RCPT",
                "-Y \"command == RCPT\": a string in double quotes was expected after \"==\" "
                "(column 12)");
    check_error("command < \"RCPT\"",
                "-Y \"command < \"RCPT\"\": \"<\" does not apply to command, a string: use ==, "
                "!= or contains (column 9)");
    check_error("code contains 5",
                "-Y \"code contains 5\": \"contains\" does not apply to code, a number: use ==, "
                "!=, <, <=, > or >= (column 6)");
    check_error("class > \"Positive\"",
                "-Y \"class > \"Positive\"\": class takes a digit after \">\", not a string "
                "(column 9)");
    check_error("class == 12",
                "-Y \"class == 12\": number out of range: class is a digit, 0 to 9 (column 10)");
    check_error("code == 1000",
                "-Y \"code == 1000\": number out of range: code is 0 to 999 (column 9)");
    check_error("frame > 18446744073709551616",
                "-Y \"frame > 18446744073709551616\": number out of range: frame is 0 to "
                "18446744073709551615 (column 9)");
    check_error("latency_ms > 9223372036854775.808",
                "-Y \"latency_ms > 9223372036854775.808\": number out of range: latency_ms is "
                "at most 9223372036854775.807 (column 14)");
    check_error("code >= 4.5",
                "-Y \"code >= 4.5\": code takes whole numbers, not \"4.5\" (column 9)");
    check_error("latency_ms > 1.", "-Y \"latency_ms > 1.\": bad number \"1.\" (column 14)");
    check_error("code == 5xx", "-Y \"code == 5xx\": bad number \"5xx\" (column 9)");
    check_error("command == \"RCPT",
                "-Y \"command == \"RCPT\": unterminated string (column 12)");
    check_error("text contains \"a\\qb\"",
                "-Y \"text contains \"a\\qb\"\": unknown escape \"\\q\" in a string (column 17); "
                "the escapes are \\\" \\\\ \\n \\r \\t and \\xNN");
    check_error("text contains \"\\x4\"",
                "-Y \"text contains \"\\x4\"\": \"\\x\" needs two hex digits (column 16)");
    check_error("(code == 5",
                "-Y \"(code == 5\": \")\" was expected after \"5\", to close the \"(\" of "
                "column 1 (column 11)");
    check_error("(code == 5 code",
                "-Y \"(code == 5 code\": \"and\", \"or\" or \")\" was expected after \"5\" "
                "(column 12)");
    check_error("code == 5)",
                "-Y \"code == 5)\": unexpected \")\": no \"(\" is open (column 10)");
    check_error("code == 5 code == 4",
                "-Y \"code == 5 code == 4\": \"and\", \"or\" or the end was expected after "
                "\"5\" (column 11)");
    check_error("command == \"QUIT\" RCPT",
                "-Y \"command == \"QUIT\" RCPT\": \"and\", \"or\" or the end was expected after "
                "\"QUIT\" (column 19)");
    check_error("code == 5 and",
                "-Y \"code == 5 and\": a field, \"not\" or \"(\" was expected after \"and\" "
                "(column 14)");
    check_error("and code",
                "-Y \"and code\": a field, \"not\" or \"(\" was expected (column 1)");
    check_error("()", "-Y \"()\": a field, \"not\" or \"(\" was expected after \"(\" (column 2)");
    check_error("code == 5 & code == 4",
                "-Y \"code == 5 & code == 4\": unknown operator \"&\" (column 11)");
    check_error("code == 5 $", "-Y \"code == 5 $\": unexpected character \"$\" (column 11)");
    check_error("reason == \"greylist\"",
                "-Y \"reason == \"greylist\"\": unknown reason \"greylist\" (column 11); the "
                "reasons are \"user-unknown\", \"mailbox-full\", \"mailbox-disabled\", "
                "\"greylisted\", \"rate-limited\", \"blocklisted\", \"reputation\", \"spam\", "
                "\"sender-auth\", \"relay-denied\", \"sender-rejected\", \"auth-required\", "
                "\"auth-failed\", \"tls-required\", \"message-too-big\", "
                "\"too-many-recipients\", \"policy\", \"storage\", \"server-unavailable\", "
                "\"routing\", \"syntax\", \"bad-sequence\", \"not-implemented\", \"other\"");
    check_error("class == \"positive completion\"",
                "-Y \"class == \"positive completion\"\": unknown class \"positive completion\" "
                "(column 10); the classes are \"Positive Preliminary\", \"Positive Completion\", "
                "\"Positive Intermediate\", \"Transient Negative\", \"Permanent Negative\"");
    check_error("category != \"Mail\"",
                "-Y \"category != \"Mail\"\": unknown category \"Mail\" (column 13); the "
                "categories are \"Syntax\", \"Information\", \"Connections\", \"Unspecified\", "
                "\"Mail system\"");
    /* Control characters are shown escaped; columns count characters. */
    check_error("code\x1b == 5", "-Y \"code\\x1b == 5\": unexpected character \"\\x1b\" "
                "(column 5)");
    check_error("text contains \"\xc3\xa9\" x",
                "-Y \"text contains \"\xc3\xa9\" x\": \"and\", \"or\" or the end was expected "
                "after \"\xc3\xa9\" (column 19)");
    check_error("code == 5 \xc2\x85", "-Y \"code == 5 \\xc2\\x85\": unexpected character "
                "\"\\xc2\\x85\" (column 11)");
    check_error("code ==\n\xff", "-Y \"code ==\\n\\xff\": a number was expected after \"==\" "
                "(column 9)");
}

/* The bounds: 4096 bytes and 64 levels of nesting, and no more. */
static void
test_limits(void)
{
    GString *deep = g_string_new(NULL);
    GString *chain = g_string_new("code == 250");
    GError *error = NULL;
    select_expr *e;
    gchar *got;

    for (guint i = 0; i < SELECT_MAX_DEPTH; i++)
        g_string_append(deep, i % 2 ? "(" : "not ");
    g_string_append(deep, "code == 250");
    for (guint i = 0; i < SELECT_MAX_DEPTH / 2; i++)
        g_string_append_c(deep, ')');
    got = selected(deep->str, NULL);
    g_assert_cmpstr(got, ==, "01100000");
    g_free(got);

    g_string_prepend(deep, "(");
    g_string_append(deep, ")");
    e = select_compile(deep->str, &error);
    g_assert_null(e);
    g_assert_error(error, INPUT_ERROR, EXIT_USAGE);
    g_assert_true(g_str_has_suffix(error->message,
                                   ": the expression nests deeper than 64 levels (column 161)"));
    g_clear_error(&error);

    /* Long flat chains are not nesting: no recursion, however many. */
    while (chain->len + sizeof " or code == 250" - 1 <= SELECT_MAX_LENGTH)
        g_string_append(chain, " or code == 250");
    got = selected(chain->str, NULL);
    g_assert_cmpstr(got, ==, "01100000");
    g_free(got);
    g_string_append(chain, " or code == 250");
    g_assert_cmpuint(chain->len, >, SELECT_MAX_LENGTH);
    e = select_compile(chain->str, &error);
    g_assert_null(e);
    g_assert_cmpstr(error->message, ==, "-Y \"code == 250 or code == 250 or code == 25...\":"
                    " the expression is longer than 4096 bytes");
    g_clear_error(&error);
    g_string_free(deep, TRUE);
    g_string_free(chain, TRUE);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/select/fields", test_fields);
    g_test_add_func("/select/absent", test_absent);
    g_test_add_func("/select/endpoints", test_endpoints);
    g_test_add_func("/select/logic", test_logic);
    g_test_add_func("/select/errors", test_errors);
    g_test_add_func("/select/limits", test_limits);
    return g_test_run();
}
