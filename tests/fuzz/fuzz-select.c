/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the -Y expression language (select.c).  The input is the
 * expression's text, up to its first NUL.  It is compiled twice; if it
 * compiles, it is matched against a few fixed replies (with and without a
 * code, an enhanced code, a command, a reply time, anomalies of the
 * decoder and of the tool; over IPv4 and IPv6), and so are expressions
 * built around it.  Checks:
 *
 *   - compiling is deterministic: the same verdict, the same message, the
 *     same matches;
 *   - a message is one line of valid UTF-8 with no control character,
 *     that quotes the expression (-Y "...") and names a column or a limit;
 *   - "not (E)" and "!(E)" select exactly the replies E does not, "(E)",
 *     "E and E" and "E or E" exactly those E does, "E or not E" all;
 *     each of them compiles unless the limits (length, nesting) forbid;
 *   - matching is pure: the same reply, the same answer.
 */
#include <string.h>

#include "fuzz-entry.h"
#include "input.h"
#include "select.h"
#include "sr_session.h"

#define EVENTS_MAX 16

/* A reply as a reply_event points at it, kept past the decoder's callback. */
typedef struct {
    reply_event ev;
    sr_reply    reply;
    sr_command  request;
    GArray     *exchange_anomalies;
} kept_event;

static kept_event events[EVENTS_MAX];
static guint n_events;

static void
keep_exchange(const sr_reply *reply, const sr_exchange *exchange, gpointer user_data)
{
    kept_event *k;

    (void)user_data;
    if (n_events == EVENTS_MAX)
        return;
    k = &events[n_events++];
    k->reply = *reply;
    k->reply.lines = g_array_copy(reply->lines);
    k->reply.anomalies = g_array_copy(reply->anomalies);
    k->reply.data = g_byte_array_new();
    g_byte_array_append(k->reply.data, reply->data->data, reply->data->len);
    if (exchange->has_command)
        k->request = exchange->command;
    k->exchange_anomalies = exchange->anomalies ? g_array_copy(exchange->anomalies) : NULL;
    k->ev = (reply_event){
        .time_us = exchange->reply_time_us,
        .flow_id = n_events - 1,
        .client = "192.0.2.7:40000",
        .server = "192.0.2.1:25",
        .frame = exchange->reply_frame,
        .reply = &k->reply,
        .has_code = sr_reply_has_code(reply),
        .command = exchange->has_command ? sr_command_name(&k->request) : NULL,
        .request = exchange->has_command ? &k->request : NULL,
        .latency_us = exchange->has_command ? exchange->latency_us : -1,
        .greeting_wait_us = exchange->greeting_wait_us,
        .reason = exchange->reason,
        .exchange_anomalies = k->exchange_anomalies,
    };
}

/* One conversation, decoded once: what each reply is for is in its text. */
static void
make_events(void)
{
    /* Their lengths from the literals: one holds a NUL. */
#define BYTES(literal) literal, sizeof literal - 1
    static const struct {
        gboolean    server;
        const char *data;
        gsize       len;
        gint64      time_us;
    } script[] = {
        { TRUE, BYTES("220 mx.example.com ESMTP ready\r\n"), 1000 },
        { FALSE, BYTES("EHLO client.example\r\n"), 2000 },
        { TRUE, BYTES("250-mx.example.com\r\n250-ENHANCEDSTATUSCODES\r\n"
                      "250 SIZE 1000\r\n"), 12000 },
        { FALSE, BYTES("MAIL FROM:<a@client.example>\r\n"), 13000 },
        { TRUE, BYTES("250 2.1.0 Ok\r\n"), 13500 },
        { FALSE, BYTES("RCPT TO:<nobody@mx.example.com>\r\n"), 14000 },
        { TRUE, BYTES("550 5.1.1 <nobody@mx.example.com>: User unknown\r\n"), 114601 },
        { FALSE, BYTES("RCPT TO:<x@mx.example.com>\r\n"), 120000 },
        { TRUE, BYTES("451 4.7.1 Greylisted, try again\n"), 220500 },
        { FALSE, BYTES("DATA\r\n"), 230000 },
        { TRUE, BYTES("354 go\r\n"), 230100 },
        { FALSE, BYTES("body\r\n.\r\n"), 231000 },
        { TRUE, BYTES("5xx not a reply\r\n"), 232000 },
        { FALSE, BYTES("NOOP\r\n"), 240000 },
        { TRUE, BYTES("250-a\x1b\xc3\xa9\r\n250 b\x00" "c\r\n"), 241000 },
        { TRUE, BYTES("421-4.3.2 going down\r\n"), 250000 },
    };
    sr_config cfg;
    sr_session *s;
    const sr_session_callbacks cb = { keep_exchange, NULL, NULL, NULL, NULL };

    sr_config_init(&cfg);
    s = sr_session_new(&cfg, &cb, NULL);
    sr_session_connected(s, 0);
    for (gsize i = 0; i < G_N_ELEMENTS(script); i++) {
        const guint8 *bytes = (const guint8 *)script[i].data;

        if (script[i].server)
            sr_session_server(s, bytes, script[i].len, script[i].time_us, i + 1);
        else
            sr_session_client(s, bytes, script[i].len, script[i].time_us, i + 1);
    }
    sr_session_finish(s);
    sr_session_free(s);
#undef BYTES
    /* What the decoder alone cannot give: the tool's anomalies, IPv6,
     * a frame in a second file. */
    CHECK(n_events >= 6);
    events[n_events - 1].ev.tool_anomalies = 1u << TOOL_ANOM_IDLE_TIMEOUT
                                             | 1u << TOOL_ANOM_FLOW_EVICTED;
    events[n_events - 1].ev.client = "[2001:db8::7]:40000";
    events[n_events - 1].ev.server = "[2001:db8::1]:25";
    events[n_events - 2].ev.frame = frame_id(1, 17);
}

/* One line, printable UTF-8, that quotes the expression. */
static void
check_message(const GError *error)
{
    const char *m;

    CHECK(error != NULL);
    CHECK(error->domain == INPUT_ERROR && error->code == EXIT_USAGE);
    m = error->message;
    CHECK(g_str_has_prefix(m, "-Y \""));
    CHECK(g_utf8_validate(m, -1, NULL));
    for (const char *c = m; *c; c++)
        CHECK((guint8)*c >= 0x20 && (guint8)*c != 0x7f);
    for (const char *c = m; *c; c = g_utf8_next_char(c)) {
        gunichar u = g_utf8_get_char(c);

        CHECK(!(u >= 0x80 && u < 0xa0));
    }
    CHECK(strstr(m, "(column ") || strstr(m, "the expression is "));
}

/* Each event's match into BITS; the matcher asked twice. */
static void
match_all(const select_expr *e, gboolean *bits)
{
    for (guint i = 0; i < n_events; i++) {
        bits[i] = select_match(e, &events[i].ev);
        CHECK(bits[i] == select_match(e, &events[i].ev));
    }
}

typedef enum {
    SAME,      /* selects what E selects */
    OPPOSITE,  /* what E does not */
    ALL,
} relation;

/* FORMAT (with E for each %s) compiles unless the limits forbid, and
 * selects in RELATION to BITS. */
static void
check_built(const char *format, guint uses, const char *text, const gboolean *bits,
            relation rel)
{
    gchar *built = uses == 1 ? g_strdup_printf(format, text)
                             : g_strdup_printf(format, text, text);
    GError *error = NULL;
    select_expr *e = select_compile(built, &error);
    gboolean got[EVENTS_MAX];

    if (!e) {
        check_message(error);
        /* Only a limit can stop it: E itself compiled. */
        CHECK(strlen(built) > SELECT_MAX_LENGTH
              || strstr(error->message, "nests deeper than"));
        g_error_free(error);
        g_free(built);
        return;
    }
    match_all(e, got);
    for (guint i = 0; i < n_events; i++) {
        if (rel == SAME)
            CHECK(got[i] == bits[i]);
        else if (rel == OPPOSITE)
            CHECK(got[i] == !bits[i]);
        else
            CHECK(got[i]);
    }
    select_free(e);
    g_free(built);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gchar *text = g_malloc(size + 1);
    GError *error1 = NULL, *error2 = NULL;
    select_expr *e1, *e2;
    gboolean bits1[EVENTS_MAX], bits2[EVENTS_MAX];

    if (!n_events)
        make_events();
    memcpy(text, data, size);
    text[size] = '\0';

    e1 = select_compile(text, &error1);
    e2 = select_compile(text, &error2);
    CHECK((e1 == NULL) == (e2 == NULL));
    if (!e1) {
        check_message(error1);
        check_message(error2);
        CHECK(strcmp(error1->message, error2->message) == 0);
        g_error_free(error1);
        g_error_free(error2);
        g_free(text);
        return 0;
    }
    CHECK(error1 == NULL && error2 == NULL);
    match_all(e1, bits1);
    match_all(e2, bits2);
    CHECK(memcmp(bits1, bits2, n_events * sizeof bits1[0]) == 0);
    select_free(e1);
    select_free(e2);

    check_built("not (%s)", 1, text, bits1, OPPOSITE);
    check_built("!(%s)", 1, text, bits1, OPPOSITE);
    check_built("(%s)", 1, text, bits1, SAME);
    check_built("(%s) and (%s)", 2, text, bits1, SAME);
    check_built("(%s) || (%s)", 2, text, bits1, SAME);
    check_built("(%s) or not (%s)", 2, text, bits1, ALL);
    g_free(text);
    return 0;
}
