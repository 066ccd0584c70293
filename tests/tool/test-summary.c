/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replies by command in the summary: names counted apart up to the cap,
 * the rest pooled, reply times per name, and both renderings of them. */
#include <string.h>

#include "output.h"
#include "summary.h"

typedef struct {
    GString *names;
} walk;

static void
add_entry(const summary_command *c, gpointer user_data)
{
    walk *w = user_data;

    g_string_append_printf(w->names, "%s=%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " ",
                           c->name, c->replies, c->latency ? c->latency->count : 0);
}

static gchar *
entries(const summary *s)
{
    walk w = { g_string_new(NULL) };

    summary_foreach_command(s, add_entry, &w);
    return g_string_free(w.names, FALSE);
}

/* First-seen order; a repeated name adds to its entry; a reply with no
 * command, or no time, is counted as such. */
static void
test_order_and_counts(void)
{
    summary s;
    gchar *got;

    summary_init(&s);
    summary_command_reply(&s, "<greeting>", -1);
    summary_command_reply(&s, "EHLO", 59);
    summary_command_reply(&s, "RCPT", 1107);
    summary_command_reply(&s, "RCPT", 1200);
    summary_command_reply(&s, NULL, -1);
    summary_command_reply(&s, "EHLO", 70);
    got = entries(&s);
    g_assert_cmpstr(got, ==, "<greeting>=1/0 EHLO=2/2 RCPT=2/2 ");
    g_assert_cmpuint(s.without_command, ==, 1);
    g_assert_cmpint(s.commands[2].latency->min_us, ==, 1107);
    g_assert_cmpint(s.commands[2].latency->max_us, ==, 1200);
    g_free(got);
    summary_clear(&s);
    g_assert_cmpuint(s.n_commands, ==, 0);
}

/* 64 names are counted apart; the 65th and later are pooled under
 * "(other)", which comes last; a name seen before the cap keeps counting
 * under its own name after it. */
static void
test_cap(void)
{
    summary s;
    const summary_command *other = NULL;
    gchar *got;

    summary_init(&s);
    for (guint i = 0; i < SUMMARY_COMMANDS + 10; i++) {
        gchar verb[8];

        g_snprintf(verb, sizeof verb, "V%02u", i);
        summary_command_reply(&s, verb, 1000 + i);
    }
    summary_command_reply(&s, "V00", 5);
    g_assert_cmpuint(s.n_commands, ==, SUMMARY_COMMANDS);
    other = &s.commands[SUMMARY_COMMANDS];
    g_assert_cmpstr(other->name, ==, SUMMARY_OTHER);
    g_assert_cmpuint(other->replies, ==, 10);
    g_assert_cmpuint(other->latency->count, ==, 10);
    g_assert_cmpint(other->latency->min_us, ==, 1000 + SUMMARY_COMMANDS);
    g_assert_cmpint(other->latency->max_us, ==, 1000 + SUMMARY_COMMANDS + 9);
    g_assert_cmpuint(s.commands[0].replies, ==, 2);
    g_assert_cmpint(s.commands[0].latency->min_us, ==, 5);
    got = entries(&s);
    g_assert_true(g_str_has_prefix(got, "V00=2/2 V01=1/1 "));
    g_assert_true(g_str_has_suffix(got, " V63=1/1 (other)=10/10 "));
    g_free(got);
    summary_clear(&s);
}

/* A verb may hold any printable ASCII: as a JSON key it is escaped. */
static void
test_json(void)
{
    summary s;
    GString *out = g_string_new(NULL);

    summary_init(&s);
    summary_command_reply(&s, "<greeting>", -1);
    summary_command_reply(&s, "A\"B\\", 1107);
    summary_command_reply(&s, NULL, -1);
    output_json_summary(out, &s);
    g_assert_nonnull(strstr(out->str,
        "\"without_command\":1,\"commands\":{"
        "\"<greeting>\":{\"replies\":1,\"latency_ms\":null},"
        "\"A\\\"B\\\\\":{\"replies\":1,\"latency_ms\":{\"count\":1,\"min\":1.107,"
        "\"p50\":1.107,\"p90\":1.107,\"p99\":1.107,\"max\":1.107}}},"));
    g_string_free(out, TRUE);
    summary_clear(&s);
}

static void
test_text(void)
{
    summary s;
    GString *out = g_string_new(NULL);

    summary_init(&s);
    summary_command_reply(&s, "<greeting>", -1);
    summary_command_reply(&s, "", 2000);
    summary_command_reply(&s, "RCPT", 1107);
    summary_command_reply(&s, "RCPT", 1200);
    summary_command_reply(&s, NULL, -1);
    output_text_summary(out, &s, FALSE);
    g_assert_nonnull(strstr(out->str,
        "  by command     <greeting> 1, \"\" 1, RCPT 2, (none) 1\n"
        "  reply time ms  command             count        min        p50        p90"
        "        p99        max\n"
        "                 \"\"                      1      2.000      2.000      2.000"
        "      2.000      2.000\n"
        "                 RCPT                    2      1.107      1.107      1.200"
        "      1.200      1.200\n"));
    g_string_truncate(out, 0);
    summary_clear(&s);
    output_text_summary(out, &s, FALSE);
    g_assert_nonnull(strstr(out->str, "  by command     none\n  reply time ms  none\n"));
    g_string_free(out, TRUE);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/summary/commands/order-and-counts", test_order_and_counts);
    g_test_add_func("/summary/commands/cap", test_cap);
    g_test_add_func("/summary/commands/json", test_json);
    g_test_add_func("/summary/commands/text", test_text);
    return g_test_run();
}
