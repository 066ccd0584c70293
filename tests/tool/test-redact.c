/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --redact: the local part of each address, and nothing else, hashed. */
#include <string.h>

#include "redact.h"

static void
check(const char *in, const char *expected)
{
    GString *out = g_string_new(NULL);

    redact_text(out, (const guint8 *)in, strlen(in));
    g_assert_cmpstr(out->str, ==, expected);
    g_string_free(out, TRUE);
}

static void
test_addresses(void)
{
    /* "u" and the first 8 hex digits of the local part's SHA-256. */
    check("<bob@example.test>", "<u81b637d8@example.test>");
    check("RCPT TO:<nobody@example.test> NOTIFY=NEVER", "RCPT TO:<u6382b3cc@example.test> NOTIFY=NEVER");
    check("5.1.1 <nobody@example.test>: Recipient address rejected",
          "5.1.1 <u6382b3cc@example.test>: Recipient address rejected");
    check("a.b+c@x.test", "u6288d2ab@x.test");
    check("from alice@a.test to bob@[192.0.2.1]", "from u2bd806c9@a.test to u81b637d8@[192.0.2.1]");
    /* A leading dot is no part of the local part. */
    check("..bob@x.test", "..u81b637d8@x.test");
    /* The same address, the same hash: replies and commands line up. */
    check("bob@x bob@y", "u81b637d8@x u81b637d8@y");
}

static void
test_not_addresses(void)
{
    check("", "");
    check("250 2.0.0 Ok: queued as 4Xyq5T0m2Zz9sKp", "250 2.0.0 Ok: queued as 4Xyq5T0m2Zz9sKp");
    check("@example.test", "@example.test");
    check("bob@", "bob@");
    check("bob@ example", "bob@ example");
    check("\"b b\"@x", "\"b b\"@x");
    check("a@@b", "a@@b");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/redact/addresses", test_addresses);
    g_test_add_func("/redact/not-addresses", test_not_addresses);
    return g_test_run();
}
