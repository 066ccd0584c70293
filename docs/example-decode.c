/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The decoder from another program: reads what an SMTP server sent (its
 * side of the TCP stream, as bytes on standard input) and prints each
 * reply: its code, the meaning of its class, its enhanced code, its lines
 * and its anomalies.  Input is fed in pieces of 7 bytes to show that where
 * the bytes are cut does not matter.
 *
 *   cc example-decode.c $(pkg-config --cflags --libs libsmtpreply) -o example-decode
 *   printf '250-mail.example\r\n250 SIZE 1000\r\n' | ./example-decode
 */
#include <stdio.h>

#include <sr_decoder.h>

static void
on_reply(const sr_reply *reply, gpointer user_data)
{
    const sr_enhanced *enh = sr_reply_enhanced(reply);
    char enhanced[16] = "-";

    (void)user_data;
    if (enh)
        sr_enhanced_format(enh, enhanced, sizeof enhanced);
    printf("%03u %s, enhanced %s, %u line%s%s\n", reply->code, sr_class_label(reply->code / 100),
           enhanced, reply->lines->len, reply->lines->len == 1 ? "" : "s",
           reply->complete ? "" : ", incomplete");
    for (guint i = 0; i < reply->lines->len; i++) {
        gsize len;
        const guint8 *text = sr_reply_line_text(reply, i, &len);

        printf("  | %.*s\n", (int)len, (const char *)text);
    }
    for (guint i = 0; i < reply->anomalies->len; i++)
        printf("  anomaly: %s\n",
               sr_anomaly_name(g_array_index(reply->anomalies, sr_anomaly, i).kind));
}

int
main(void)
{
    sr_parser *parser;
    guint8 piece[7];
    size_t n;

    parser = sr_parser_new(NULL, on_reply, NULL);
    while ((n = fread(piece, 1, sizeof piece, stdin)) > 0)
        sr_parser_feed(parser, piece, n);
    sr_parser_finish(parser);
    sr_parser_free(parser);
    return 0;
}
