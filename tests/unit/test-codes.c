/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Digit meanings and the registered reply codes (RFC 5321 4.2.1, 4.2.3). */
#include "sr_decoder.h"

static void
test_class_names(void)
{
    g_assert_null(sr_class_name(0));
    g_assert_cmpstr(sr_class_name(1), ==, "Positive Preliminary");
    g_assert_cmpstr(sr_class_name(2), ==, "Positive Completion");
    g_assert_cmpstr(sr_class_name(3), ==, "Positive Intermediate");
    g_assert_cmpstr(sr_class_name(4), ==, "Transient Negative");
    g_assert_cmpstr(sr_class_name(5), ==, "Permanent Negative");
    g_assert_null(sr_class_name(6));
    g_assert_nonnull(sr_class_description(4));
    g_assert_null(sr_class_description(9));
}

static void
test_category_names(void)
{
    g_assert_cmpstr(sr_category_name(0), ==, "Syntax");
    g_assert_cmpstr(sr_category_name(1), ==, "Information");
    g_assert_cmpstr(sr_category_name(2), ==, "Connections");
    g_assert_cmpstr(sr_category_name(3), ==, "Unspecified");
    g_assert_cmpstr(sr_category_name(4), ==, "Unspecified");
    g_assert_cmpstr(sr_category_name(5), ==, "Mail system");
    g_assert_null(sr_category_name(6));
}

static void
test_lookup(void)
{
    const sr_code_info *info;

    info = sr_code_lookup(550);
    g_assert_nonnull(info);
    g_assert_cmpstr(info->meaning, ==, "Requested action not taken: mailbox unavailable");
    g_assert_cmpstr(info->rfc, ==, "RFC 5321");
    g_assert_cmpstr(sr_code_lookup(235)->rfc, ==, "RFC 4954");
    g_assert_cmpstr(sr_code_lookup(535)->meaning, ==, "Authentication credentials invalid");
    g_assert_cmpstr(sr_code_lookup(556)->rfc, ==, "RFC 7504");
    g_assert_cmpstr(sr_code_lookup(459)->rfc, ==, "RFC 1985");
    g_assert_cmpstr(sr_code_lookup(355)->rfc, ==, "RFC 1845");
    g_assert_null(sr_code_lookup(299));
    g_assert_null(sr_code_lookup(0));
    g_assert_null(sr_code_lookup(999));
}

/* Every code of the user's reference (shared/seeds) is known. */
static void
test_seed_codes(void)
{
    static const guint seed[] = {
        211, 214, 220, 221, 250, 251, 252, 253, 354, 355, 421, 432, 450, 451,
        452, 453, 454, 458, 459, 500, 501, 502, 503, 504, 521, 530, 534, 538,
        550, 551, 552, 553, 554,
        /* RFC 5321 and RFC 4954 besides */
        235, 334, 455, 535, 555, 556,
    };

    for (gsize i = 0; i < G_N_ELEMENTS(seed); i++) {
        const sr_code_info *info = sr_code_lookup(seed[i]);

        if (!info)
            g_test_message("missing %u", seed[i]);
        g_assert_nonnull(info);
        g_assert_cmpuint(info->code, ==, seed[i]);
        g_assert_true(g_str_has_prefix(info->rfc, "RFC "));
    }
}

static void
test_table_sorted(void)
{
    gsize n;
    const sr_code_info *table = sr_code_table(&n);

    g_assert_cmpuint(n, ==, 39);
    for (gsize i = 1; i < n; i++)
        g_assert_cmpuint(table[i - 1].code, <, table[i].code);
}

static void
test_anomaly_table(void)
{
    for (guint k = 0; k < SR_ANOM_COUNT; k++) {
        const sr_anomaly_info *info = sr_anomaly_info_get(k);

        g_assert_nonnull(info);
        g_assert_nonnull(info->name);
        g_assert_nonnull(info->description);
        g_assert_cmpint(sr_anomaly_from_name(info->name), ==, k);
    }
    g_assert_null(sr_anomaly_info_get(SR_ANOM_COUNT));
    g_assert_cmpstr(sr_anomaly_name(SR_ANOM_BARE_LF), ==, "bare-lf");
    g_assert_cmpint(sr_anomaly_info_get(SR_ANOM_MALFORMED_LINE)->group, ==, SR_GROUP_MALFORMED);
    g_assert_cmpint(sr_anomaly_info_get(SR_ANOM_GAP)->group, ==, SR_GROUP_SEQUENCE);
    g_assert_cmpint(sr_anomaly_from_name("no-such-thing"), ==, SR_ANOM_COUNT);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/codes/class-names", test_class_names);
    g_test_add_func("/codes/category-names", test_category_names);
    g_test_add_func("/codes/lookup", test_lookup);
    g_test_add_func("/codes/seed-codes", test_seed_codes);
    g_test_add_func("/codes/table-sorted", test_table_sorted);
    g_test_add_func("/anomalies/table", test_anomaly_table);
    return g_test_run();
}
