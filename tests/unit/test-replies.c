/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reply lines, multiline replies and their anomalies (RFC 5321 4.2). */
#include <string.h>

#include "decode-helper.h"
/* test_bounded_memory looks at the parser's line buffer: white-box. */
#include "sr_internal.h"

static void
check(const char *input, const char *expected)
{
    gchar *got = decode_string(input);

    g_assert_cmpstr(got, ==, expected);
    g_free(got);
}

static void
test_single_line(void)
{
    check("250 OK\r\n", "250 C @0+8 \"OK\" {}\n");
    check("220 mail.example.test ESMTP\r\n",
          "220 C @0+29 \"mail.example.test ESMTP\" {}\n");
}

static void
test_bare_code(void)
{
    /* Reply-code [ SP textstring ] CRLF: the text is optional. */
    check("250\r\n", "250 C @0+5 \"\" {}\n");
    check("250 \r\n", "250 C @0+6 \"\" {}\n");
}

static void
test_empty_continuation(void)
{
    check("250-\r\n250 OK\r\n", "250 C @0+6 \"\" @6+8 \"OK\" {}\n");
}

static const char ehlo[] =
    "250-mail.example.test\r\n"
    "250-PIPELINING\r\n"
    "250-SIZE 52428800\r\n"
    "250-ENHANCEDSTATUSCODES\r\n"
    "250 8BITMIME\r\n";

static void
test_multiline(void)
{
    check(ehlo,
          "250 C @0+23 \"mail.example.test\" @23+16 \"PIPELINING\" @39+19 \"SIZE 52428800\""
          " @58+25 \"ENHANCEDSTATUSCODES\" @83+14 \"8BITMIME\" {}\n");
}

static void
test_several_replies(void)
{
    check("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n",
          "250 C @0+14 \"2.1.0 Ok\" {}\n"
          "250 C @14+14 \"2.1.5 Ok\" {}\n"
          "354 C @28+37 \"End data with <CR><LF>.<CR><LF>\" {}\n");
}

static void
test_split_everywhere(void)
{
    static const char pipelined[] =
        "250 2.1.0 Ok\r\n550-5.1.1 <bob@example.test>: Recipient\r\n"
        "550 5.1.1 address rejected\r\n354 go\r\n";
    static const char odd[] =
        "250-a\nx\r250 \r\r\n999-\x1b[31m\r\n12\r\n";

    assert_split_invariant(ehlo, strlen(ehlo));
    assert_split_invariant(pipelined, strlen(pipelined));
    assert_split_invariant(odd, strlen(odd));
}

/* The built-in dissector's failure: a split after "SIZE 52" must not make a
 * reply of "428800". */
static void
test_no_phantom_code(void)
{
    const gsize cut = strlen("250-mail.example.test\r\n250-PIPELINING\r\n250-SIZE 52");
    gchar *got = decode_split(NULL, ehlo, strlen(ehlo), cut);
    gchar *whole = decode_string(ehlo);

    g_assert_cmpstr(got, ==, whole);
    /* One reply, code 250: nothing was made of the cut. */
    g_assert_true(g_str_has_prefix(got, "250 C "));
    g_assert_cmpuint(strlen(got), ==, strcspn(got, "\n") + 1);
    g_free(got);
    g_free(whole);
}

static void
test_code_mismatch(void)
{
    check("250-first\r\n251-second\r\n250 last\r\n",
          "250 C @0+11 \"first\" @11+12 \"second\" @23+10 \"last\" {code-mismatch@11}\n");
    /* A final line with another code still ends the reply. */
    check("250-first\r\n251 last\r\n",
          "250 C @0+11 \"first\" @11+10 \"last\" {code-mismatch@11}\n");
}

/* A first line of 000 is a reply code like any other: the lines after it
 * neither replace it nor escape the mismatch check (found by fuzz-reply). */
static void
test_code_zero_first(void)
{
    check("000-a\r\n250 b\r\n",
          "000 C @0+7 \"a\" @7+7 \"b\" {invalid-class@0,unregistered-code@0,code-mismatch@7}\n");
    check("000-a\r\n000 b\r\n",
          "000 C @0+7 \"a\" @7+7 \"b\" {invalid-class@0,unregistered-code@0}\n");
}

static void
test_malformed_alone(void)
{
    check("hello\r\n", "000 I @0+7 \"hello\" {malformed-line@0}\n");
    check("25 OK\r\n", "000 I @0+7 \"25 OK\" {malformed-line@0}\n");
}

/* Three digits and then neither SP, "-" nor the line end: clients take the
 * digits for the code and the line for the last (Python's smtplib: code =
 * line[:3], last unless line[3] is "-"), so the decoder does too, and says
 * the line breaks the grammar.  The text starts after the digits. */
static void
test_loose_code(void)
{
    check("250OK\r\n", "250 C @0+7 \"OK\" {malformed-line@0}\n");
    check("2500 four-digit code\r\n",
          "250 C @0+22 \"0 four-digit code\" {malformed-line@0}\n");
    /* It ends a multiline reply, as a final line would. */
    check("250-a\r\n250x b\r\n250 c\r\n",
          "250 C @0+7 \"a\" @7+8 \"x b\" {malformed-line@7}\n250 C @15+7 \"c\" {}\n");
    /* A code's digits: the class and category checks apply. */
    check("6500\r\n", "650 C @0+6 \"0\" {malformed-line@0,invalid-class@0,unregistered-code@0}\n");
    /* Fewer than three digits stays a malformed line with no code. */
    check("25x OK\r\n", "000 I @0+8 \"25x OK\" {malformed-line@0}\n");
}

/* Checks the first reply: one empty line, handed over before the parser
 * ever kept a byte. */
static void
check_empty_line(const sr_reply *reply, gpointer user_data)
{
    gsize len = 1, text_len = 1;
    const guint8 *data = sr_reply_line_data(reply, 0, &len);
    const guint8 *text = sr_reply_line_text(reply, 0, &text_len);

    g_assert_nonnull(data);
    g_assert_cmpuint(len, ==, 0);
    g_assert_nonnull(text);
    g_assert_cmpuint(text_len, ==, 0);
    (*(guint *)user_data)++;
}

/* Its bytes were NULL + 0, undefined behaviour that UBSan stops on, and a
 * NULL that callers hand on to memcpy and printf (found by fuzz-reply). */
static void
test_empty_first_line(void)
{
    guint seen = 0;
    sr_parser *p;

    p = sr_parser_new(NULL, check_empty_line, &seen);
    sr_parser_feed(p, (const guint8 *)"\n", 1);
    sr_parser_finish(p);
    g_assert_cmpuint(seen, ==, 1);
    sr_parser_free(p);
}

static void
test_malformed_inside(void)
{
    check("250-a\r\nnot a reply line\r\n250 b\r\n",
          "250 C @0+7 \"a\" @7+18 \"not a reply line\" @25+7 \"b\" {malformed-line@7}\n");
}

static void
test_incomplete_at_end(void)
{
    check("250-a\r\n250-b\r\n",
          "250 I @0+7 \"a\" @7+7 \"b\" {incomplete-reply@14}\n");
    check("250 O",
          "250 I @0+5 \"O\" {unterminated-line@5,incomplete-reply@5}\n");
}

static void
test_bare_lf(void)
{
    check("250-a\n250 b\r\n",
          "250 C @0+6 \"a\" @6+7 \"b\" {bare-lf@5}\n");
}

static void
test_bare_cr(void)
{
    check("250 a\rb\r\n", "250 C @0+9 \"a\\rb\" {bare-cr@5}\n");
    /* CR CR LF: the first CR is bare, the second ends the line. */
    check("250 a\r\r\n", "250 C @0+8 \"a\\r\" {bare-cr@5}\n");
}

static void
test_odd_bytes(void)
{
    static const char nul[] = "250 a\0b\r\n";
    gchar *got = decode_chunked(NULL, nul, sizeof nul - 1, 0);

    /* The rendering stops at the NUL; the anomaly and length show it. */
    g_assert_cmpstr(got, ==, "250 C @0+9 \"a\" {nul-byte@5}\n");
    g_free(got);
    check("250 caf\xc3\xa9\r\n", "250 C @0+11 \"caf\\303\\251\" {8bit-byte@7}\n");
    check("250 \x1b[31mred\r\n", "250 C @0+14 \"\\033[31mred\" {control-byte@4}\n");
    check("250 tab\there\r\n", "250 C @0+14 \"tab\\there\" {}\n");
}

static void
test_line_too_long(void)
{
    GString *in = g_string_new("250 ");
    gchar *got;

    /* 510 bytes of content plus CRLF is the limit exactly. */
    while (in->len < 510)
        g_string_append_c(in, 'x');
    g_string_append(in, "\r\n");
    got = decode_string(in->str);
    g_assert_null(strstr(got, "line-too-long"));
    g_free(got);

    g_string_insert_c(in, 4, 'y');
    got = decode_string(in->str);
    g_assert_nonnull(strstr(got, "{line-too-long@0#513}"));
    g_free(got);
    g_string_free(in, TRUE);
}

static void
test_line_over_cap(void)
{
    sr_config cfg;
    GString *in = g_string_new("250-");
    gchar *got;

    sr_config_init(&cfg);
    cfg.line_cap = 64;
    for (int i = 0; i < 1000; i++)
        g_string_append_c(in, 'a' + i % 26);
    g_string_append(in, "\r\n250 end\r\n");
    got = decode_chunked(&cfg, in->str, in->len, 7);
    /* 64 bytes kept (the code, "-" and 60 letters); 940 skipped and counted. */
    g_assert_true(g_str_has_prefix(got, "250 C @0+1006 \"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefgh\" "
                                        "@1006+9 \"end\" {line-too-long@0#1006,line-over-cap@64#940}\n"));
    g_free(got);
    g_string_free(in, TRUE);
}

static void
test_reply_too_long(void)
{
    sr_config cfg;
    gchar *got;

    sr_config_init(&cfg);
    cfg.max_lines = 2;
    got = decode_chunked(&cfg, "250-a\r\n250-b\r\n250-c\r\n250 d\r\n", 28, 0);
    g_assert_cmpstr(got, ==,
                    "250 I @0+7 \"a\" @7+7 \"b\" {reply-too-long@14#2,incomplete-reply@14}\n"
                    "250 C @14+7 \"c\" @21+7 \"d\" {}\n");
    g_free(got);
}

static void
test_digits(void)
{
    check("150 go ahead\r\n", "150 C @0+14 \"go ahead\" {unused-class-1yz@0,unregistered-code@0}\n");
    check("650 x\r\n", "650 C @0+7 \"x\" {invalid-class@0,unregistered-code@0}\n");
    check("050 x\r\n", "050 C @0+7 \"x\" {invalid-class@0,unregistered-code@0}\n");
    check("270 x\r\n", "270 C @0+7 \"x\" {undefined-category@1,unregistered-code@0}\n");
    check("259 x\r\n", "259 C @0+7 \"x\" {unregistered-code@0}\n");
    check("521 nope\r\n", "521 C @0+10 \"nope\" {}\n");
}

static void
test_enhanced(void)
{
    check("550 5.1.1 <bob@example.test>: Recipient address rejected\r\n",
          "550 C @0+58 \"5.1.1 <bob@example.test>: Recipient address rejected\" {}\n");
    check("550 4.1.1 odd\r\n",
          "550 C @0+15 \"4.1.1 odd\" {enhanced-class-mismatch@4}\n");
    check("354 2.0.0 go\r\n",
          "354 C @0+14 \"2.0.0 go\" {enhanced-on-intermediate@4}\n");
    check("550-5.1.1 a\r\n550 5.7.1 b\r\n",
          "550 C @0+13 \"5.1.1 a\" @13+13 \"5.7.1 b\" {enhanced-inconsistent@17}\n");
    check("550 5.9.9 what\r\n",
          "550 C @0+16 \"5.9.9 what\" {enhanced-unregistered@4}\n");
    check("550 5.1 short\r\n",
          "550 C @0+15 \"5.1 short\" {enhanced-malformed@4}\n");
    /* Lines without a code do not make a reply inconsistent. */
    check("550-5.1.1 a\r\n550-more\r\n550 5.1.1 b\r\n",
          "550 C @0+13 \"5.1.1 a\" @13+10 \"more\" @23+13 \"5.1.1 b\" {}\n");
}

static void
test_enhanced_fields(void)
{
    sr_enhanced enh;

    sr_enhanced_parse((const guint8 *)"5.1.10 x", 8, &enh);
    g_assert_cmpint(enh.status, ==, SR_ENH_VALID);
    g_assert_cmpuint(enh.klass, ==, 5);
    g_assert_cmpuint(enh.subject, ==, 1);
    g_assert_cmpuint(enh.detail, ==, 10);
    g_assert_cmpuint(enh.length, ==, 6);
}

static void
capture_pending(const sr_reply *reply, gpointer user_data)
{
    GArray *ends = user_data;
    guint64 end = reply->end;

    g_array_append_val(ends, end);
}

static void
test_pending_offset(void)
{
    GArray *ends = g_array_new(FALSE, FALSE, sizeof(guint64));
    sr_parser *p;
    static const char in[] = "250 a\r\n250-b\r\n250 c";

    p = sr_parser_new(NULL, capture_pending, ends);
    sr_parser_feed(p, (const guint8 *)in, 3);
    g_assert_cmpuint(sr_parser_pending_offset(p), ==, 0);
    sr_parser_feed(p, (const guint8 *)in + 3, sizeof in - 1 - 3);
    g_assert_cmpuint(ends->len, ==, 1);
    g_assert_cmpuint(g_array_index(ends, guint64, 0), ==, 7);
    /* The open multiline reply starts at 7, though its last line is partial. */
    g_assert_cmpuint(sr_parser_pending_offset(p), ==, 7);
    sr_parser_feed(p, (const guint8 *)"\r\n", 2);
    g_assert_cmpuint(ends->len, ==, 2);
    g_assert_cmpuint(sr_parser_pending_offset(p), ==, 21);
    g_assert_cmpuint(sr_parser_get_stats(p)->replies, ==, 2);
    g_assert_cmpuint(sr_parser_get_stats(p)->lines, ==, 3);
    g_assert_cmpuint(sr_parser_get_stats(p)->bytes, ==, 21);
    sr_parser_free(p);
    g_array_free(ends, TRUE);
}

static void
test_gap(void)
{
    GString *out = g_string_new(NULL);
    sr_parser *p;

    p = sr_parser_new(NULL, collect_reply, out);
    sr_parser_feed(p, (const guint8 *)"250-a\r\n250-SIZE 52", 18);
    sr_parser_gap(p, 100);
    /* Resumes mid-line: skipped up to the next line start. */
    sr_parser_feed(p, (const guint8 *)"428800\r\n250 OK\r\n", 16);
    sr_parser_finish(p);
    g_assert_cmpstr(out->str, ==,
                    "250 I @0+7 \"a\" @7+11 \"SIZE 52\" {unterminated-line@18,gap@18#100,incomplete-reply@18}\n"
                    "250 C @126+8 \"OK\" {resync@118#8}\n");
    g_assert_cmpuint(sr_parser_get_stats(p)->gap_bytes, ==, 100);
    g_assert_cmpuint(sr_parser_get_stats(p)->skipped_bytes, ==, 8);
    sr_parser_free(p);
    g_string_free(out, TRUE);
}

static void
test_gap_between_replies(void)
{
    GString *out = g_string_new(NULL);
    sr_parser *p;

    p = sr_parser_new(NULL, collect_reply, out);
    sr_parser_feed(p, (const guint8 *)"250 a\r\n", 7);
    sr_parser_gap(p, 10);
    sr_parser_feed(p, (const guint8 *)"221 bye\r\n", 9);
    sr_parser_finish(p);
    g_assert_cmpstr(out->str, ==,
                    "250 C @0+7 \"a\" {}\n"
                    "221 C @17+9 \"bye\" {gap@17#10}\n");
    sr_parser_free(p);
    g_string_free(out, TRUE);
}

static void
test_resync_at_start(void)
{
    GString *out = g_string_new(NULL);
    sr_parser *p;

    p = sr_parser_new(NULL, collect_reply, out);
    sr_parser_resync(p);
    sr_parser_feed(p, (const guint8 *)"ING\r\n250 OK\r\n", 13);
    sr_parser_finish(p);
    g_assert_cmpstr(out->str, ==, "250 C @5+8 \"OK\" {resync@0#5}\n");
    sr_parser_free(p);
    g_string_free(out, TRUE);
}

/* Resynchronising mid-reply hands the reply over; what follows is read anew. */
static void
test_resync_mid_reply(void)
{
    GString *out = g_string_new(NULL);
    sr_parser *p;

    p = sr_parser_new(NULL, collect_reply, out);
    sr_parser_feed(p, (const guint8 *)"250-a\r\n", 7);
    sr_parser_resync(p);
    sr_parser_feed(p, (const guint8 *)"junk\r\n250 b\r\n", 13);
    sr_parser_finish(p);
    g_assert_cmpstr(out->str, ==,
                    "250 I @0+7 \"a\" {incomplete-reply@7}\n"
                    "250 C @13+7 \"b\" {resync@7#6}\n");
    sr_parser_free(p);
    g_string_free(out, TRUE);
}

static void
note_cut(const sr_reply *reply, gpointer user_data)
{
    g_string_append_c(user_data, sr_reply_was_cut(reply) ? 'c' : '-');
}

/* Cut: a gap at its end or the cap; not a reply after a gap, nor one the
 * stream's end left unfinished. */
static void
test_was_cut(void)
{
    GString *out = g_string_new(NULL);
    sr_config cfg;
    sr_parser *p;

    sr_config_init(&cfg);
    cfg.max_lines = 2;
    p = sr_parser_new(&cfg, note_cut, out);
    sr_parser_feed(p, (const guint8 *)"250-a\r\n", 7);
    sr_parser_gap(p, 5);
    sr_parser_feed(p, (const guint8 *)"250 b\r\n250-c\r\n250-d\r\n250 e\r\n250-f\r\n", 35);
    sr_parser_finish(p);
    /* Cut by the gap; after it; cut at the cap; its rest; unfinished. */
    g_assert_cmpstr(out->str, ==, "c-c--");
    sr_parser_free(p);
    g_string_free(out, TRUE);
}

static void
test_bounded_memory(void)
{
    sr_config cfg;
    sr_parser *p;
    GString *out = g_string_new(NULL);
    guint8 chunk[4096];

    /* A server that never ends its line nor its reply. */
    sr_config_init(&cfg);
    p = sr_parser_new(&cfg, collect_reply, out);
    memset(chunk, 'x', sizeof chunk);
    sr_parser_feed(p, (const guint8 *)"250-", 4);
    for (int i = 0; i < 1024; i++)
        sr_parser_feed(p, chunk, sizeof chunk);
    g_assert_cmpuint(p->framer.buf->len, ==, SR_DEFAULT_LINE_CAP);
    sr_parser_free(p);
    g_string_free(out, TRUE);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/reply/single-line", test_single_line);
    g_test_add_func("/reply/bare-code", test_bare_code);
    g_test_add_func("/reply/multiline/empty-continuation", test_empty_continuation);
    g_test_add_func("/reply/multiline/ehlo", test_multiline);
    g_test_add_func("/reply/several", test_several_replies);
    g_test_add_func("/reply/multiline/split-everywhere", test_split_everywhere);
    g_test_add_func("/reply/multiline/no-phantom-code", test_no_phantom_code);
    g_test_add_func("/reply/multiline/code-mismatch", test_code_mismatch);
    g_test_add_func("/reply/multiline/code-zero-first", test_code_zero_first);
    g_test_add_func("/reply/malformed/alone", test_malformed_alone);
    g_test_add_func("/reply/malformed/loose-code", test_loose_code);
    g_test_add_func("/reply/malformed/empty-first-line", test_empty_first_line);
    g_test_add_func("/reply/malformed/inside", test_malformed_inside);
    g_test_add_func("/reply/incomplete", test_incomplete_at_end);
    g_test_add_func("/reply/line/bare-lf", test_bare_lf);
    g_test_add_func("/reply/line/bare-cr", test_bare_cr);
    g_test_add_func("/reply/line/odd-bytes", test_odd_bytes);
    g_test_add_func("/reply/line/too-long", test_line_too_long);
    g_test_add_func("/reply/line/over-cap", test_line_over_cap);
    g_test_add_func("/reply/too-long", test_reply_too_long);
    g_test_add_func("/reply/digits", test_digits);
    g_test_add_func("/reply/enhanced/anomalies", test_enhanced);
    g_test_add_func("/reply/enhanced/fields", test_enhanced_fields);
    g_test_add_func("/reply/pending-offset", test_pending_offset);
    g_test_add_func("/reply/gap/mid-reply", test_gap);
    g_test_add_func("/reply/gap/between", test_gap_between_replies);
    g_test_add_func("/reply/resync-at-start", test_resync_at_start);
    g_test_add_func("/reply/resync-mid-reply", test_resync_mid_reply);
    g_test_add_func("/reply/was-cut", test_was_cut);
    g_test_add_func("/reply/bounded-memory", test_bounded_memory);
    return g_test_run();
}
