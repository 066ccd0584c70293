/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The checks of a run of the tool's reply path, for the fuzz targets that
 * drive the tool (see output-checks.h). */
#define OUTPUT_CHECKS_TOOL
#include "output-checks.h"

#include <string.h>

#include "fuzz-entry.h"

void
checked_run_init(checked_run *r)
{
    memset(r, 0, sizeof *r);
    summary_init(&r->st.sum);
    r->text = g_string_new(NULL);
    r->json_stream = open_memstream(&r->json, &r->json_len);
    CHECK(r->json_stream != NULL);
    r->st.out = output_new(OUTPUT_JSON, r->json_stream, NULL, FALSE);
}

void
checked_run_reply(const reply_event *ev, gpointer user_data)
{
    checked_run *r = user_data;

    CHECK(ev->reply && ev->client && ev->server);
    CHECK(strlen(ev->client) < ENDPOINT_MAX && strlen(ev->server) < ENDPOINT_MAX);
    /* A malformed first line stands alone: the code is the first line's. */
    CHECK(ev->reply->lines->len > 0 && ev->reply->code <= 999);
    CHECK(ev->has_code == sr_reply_line_get(ev->reply, 0)->valid);
    CHECK(ev->has_code || ev->reply->code == 0);
    run_reply(ev, &r->st);
    {
        static const output_style all = { .all_anomalies = TRUE };
        static const output_style relative = { .all_anomalies = TRUE,
                                               .time = OUTPUT_TIME_RELATIVE };

        output_text_reply(r->text, ev, &all);
        output_line_reply(r->text, ev, &relative);
    }
}

void
checked_run_tls(const tls_event *ev, gpointer user_data)
{
    checked_run *r = user_data;
    const sr_tls_info *info = ev->tls->info;

    CHECK(ev->client && ev->server && ev->tls);
    CHECK((guint)info->outcome < SR_TLS_OUTCOME_COUNT);
    CHECK(info->alerts_count <= MIN(info->alerts_total, SR_TLS_MAX_ALERTS));
    CHECK(!info->certificate.der || info->certificate.der_length <= SR_TLS_MAX_CERT);
    CHECK(!ev->cert || info->certificate.der);
    r->tls_records++;
    run_tls(ev, &r->st);
    {
        static const output_style all = { .all_anomalies = TRUE };

        output_text_tls(r->text, ev, &all);
        output_line_tls(r->text, ev, &all);
    }
}

void
checked_run_end(checked_run *r, flow_table *flows)
{
    const summary *s = &r->st.sum;
    const flow_stats *fs = flow_table_stats(flows);
    GString *summary_text = g_string_new(NULL);
    guint64 statuses = 0;
    guint64 classes = 0;

    /* Flushes the held-back replies into the stream it then closes. */
    output_free(r->st.out);
    r->st.out = NULL;
    fclose(r->json_stream);
    r->json_stream = NULL;

    check_text_output(r->text->str, r->text->len);
    /* One JSON line per reply and per TLS handshake handed over, each
     * counted once. */
    CHECK(check_json_lines(r->json, r->json_len) == r->st.emitted + r->tls_records);
    CHECK(s->tls_handshakes == r->tls_records);
    CHECK(s->replies == r->st.emitted);
    CHECK(s->complete <= s->replies && s->without_code <= s->replies);
    for (guint i = 0; i < G_N_ELEMENTS(s->by_class); i++)
        classes += s->by_class[i];
    CHECK(classes + s->without_code == s->replies);
    for (guint i = 0; i < G_N_ELEMENTS(s->by_status); i++)
        statuses += s->by_status[i];
    CHECK(statuses == s->packets);

    CHECK(fs->open <= fs->peak && fs->evicted + fs->idle_closed <= fs->flows);
    r->st.sum.flows = *fs;
    output_text_summary(summary_text, s, FALSE);
    check_text_output(summary_text->str, summary_text->len);
    g_string_truncate(summary_text, 0);
    output_json_summary(summary_text, s);
    CHECK(check_json_lines(summary_text->str, summary_text->len) == 1);
    g_string_free(summary_text, TRUE);
}

void
checked_run_clear(checked_run *r)
{
    if (r->json_stream)
        fclose(r->json_stream);
    output_free(r->st.out);
    free(r->json);
    g_string_free(r->text, TRUE);
    summary_clear(&r->st.sum);
}
