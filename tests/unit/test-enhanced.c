/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Enhanced status codes (RFC 3463, RFC 5248). */
#include <string.h>

#include "sr_decoder.h"

static sr_enhanced
parse(const char *text)
{
    sr_enhanced enh;

    sr_enhanced_parse((const guint8 *)text, strlen(text), &enh);
    return enh;
}

static void
test_valid(void)
{
    sr_enhanced e = parse("5.1.1 <bob@example.test>: Recipient address rejected");
    char buf[16];

    g_assert_cmpint(e.status, ==, SR_ENH_VALID);
    g_assert_cmpuint(e.klass, ==, 5);
    g_assert_cmpuint(e.subject, ==, 1);
    g_assert_cmpuint(e.detail, ==, 1);
    g_assert_cmpuint(e.offset, ==, 0);
    g_assert_cmpuint(e.length, ==, 5);
    sr_enhanced_format(&e, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "5.1.1");

    e = parse("2.0.0");
    g_assert_cmpint(e.status, ==, SR_ENH_VALID);
    g_assert_cmpuint(e.length, ==, 5);
    e = parse("4.7.123 greylisted");
    g_assert_cmpint(e.status, ==, SR_ENH_VALID);
    g_assert_cmpuint(e.detail, ==, 123);
    g_assert_cmpuint(e.length, ==, 7);
    sr_enhanced_format(&e, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "4.7.123");
    e = parse("2.0.0");
    sr_enhanced_format(&e, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "2.0.0");
    e = parse("5.999.999");
    sr_enhanced_format(&e, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "5.999.999");
    /* Cut to the buffer, always terminated. */
    sr_enhanced_format(&e, buf, 4);
    g_assert_cmpstr(buf, ==, "5.9");
}

static void
test_malformed(void)
{
    static const char *const bad[] = {
        "5.1 short", "5.", "5.1.", "5.1.1.1 four parts", "3.1.1 bad class",
        "5.1234.1 long subject", "5.1.1x", "5..1",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        sr_enhanced e = parse(bad[i]);

        g_assert_cmpint(e.status, ==, SR_ENH_MALFORMED);
    }
    g_assert_cmpuint(parse("5.1 short").length, ==, 3);
}

static void
test_none(void)
{
    g_assert_cmpint(parse("Ok").status, ==, SR_ENH_NONE);
    g_assert_cmpint(parse("8BITMIME").status, ==, SR_ENH_NONE);
    g_assert_cmpint(parse("5").status, ==, SR_ENH_NONE);
    g_assert_cmpint(parse("55.1.1").status, ==, SR_ENH_NONE);
    g_assert_cmpint(parse("").status, ==, SR_ENH_NONE);
}

static void
test_names(void)
{
    g_assert_cmpstr(sr_enhanced_class_name(2), ==, "Success");
    g_assert_cmpstr(sr_enhanced_class_name(4), ==, "Persistent Transient Failure");
    g_assert_cmpstr(sr_enhanced_class_name(5), ==, "Permanent Failure");
    g_assert_null(sr_enhanced_class_name(3));
    g_assert_cmpstr(sr_enhanced_subject_name(1), ==, "Addressing Status");
    g_assert_cmpstr(sr_enhanced_subject_name(7), ==, "Security or Policy Status");
    g_assert_null(sr_enhanced_subject_name(8));
    g_assert_cmpstr(sr_enhanced_lookup(1, 1)->meaning, ==, "Bad destination mailbox address");
    g_assert_cmpstr(sr_enhanced_lookup(7, 8)->rfc, ==, "RFC 4954");
    g_assert_cmpstr(sr_enhanced_lookup(7, 13)->meaning, ==, "User Account Disabled");
    g_assert_cmpstr(sr_enhanced_lookup(5, 3)->meaning, ==, "Too many recipients");
    g_assert_null(sr_enhanced_lookup(9, 9));
    g_assert_null(sr_enhanced_lookup(1, 99));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/enhanced/valid", test_valid);
    g_test_add_func("/enhanced/malformed", test_malformed);
    g_test_add_func("/enhanced/none", test_none);
    g_test_add_func("/enhanced/names", test_names);
    return g_test_run();
}
