/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Everything an sr_tls_info holds, as one line of text: test-tls and
 * fuzz-tls compare the runs of one input fed in different pieces by it,
 * so a field missing here is a field those comparisons cannot see.
 */
#ifndef TLS_SUMMARY_H
#define TLS_SUMMARY_H

#include <glib.h>

#include "sr_tls.h"

G_GNUC_UNUSED static void
tls_summary_bytes(GString *s, const guint8 *p, gsize n)
{
    for (gsize i = 0; i < n; i++)
        g_string_append_printf(s, "%02x", p[i]);
}

G_GNUC_UNUSED static void
tls_summary_side(GString *s, const char *who, const sr_tls_side *d)
{
    g_string_append_printf(s, " %s{bytes=%" G_GUINT64_FORMAT " lost=%" G_GUINT64_FORMAT
                           " records=%u,%u,%u,%u,%u enc=%u enc_alerts=%u",
                           who, d->bytes, d->lost, d->records[0], d->records[1],
                           d->records[2], d->records[3], d->records[4],
                           d->encrypted_records, d->encrypted_alerts);
    if (d->encrypted)
        g_string_append_printf(s, " encrypted@%" G_GUINT64_FORMAT, d->encrypted_frame);
    if (d->finished)
        g_string_append_printf(s, " finished@%" G_GUINT64_FORMAT, d->finished_frame);
    if (d->stop != SR_TLS_STOP_NONE)
        g_string_append_printf(s, " stop=%s@%" G_GUINT64_FORMAT, sr_tls_stop_name(d->stop),
                               d->stop_frame);
    g_string_append(s, "}");
}

/* A new string: free it with g_free(). */
G_GNUC_UNUSED static gchar *
tls_summary(const sr_tls_info *i)
{
    GString *s = g_string_new(NULL);
    const sr_tls_client_hello *ch = &i->client_hello;
    const sr_tls_server_hello *sh = &i->server_hello;
    const sr_tls_certificate *c = &i->certificate;

    g_string_append_printf(s, "%s %s", sr_tls_state_name(i->state),
                           sr_tls_outcome_name(i->outcome));
    if (i->outcome != SR_TLS_UNKNOWN)
        g_string_append_printf(s, "@%" G_GUINT64_FORMAT "/%s", i->outcome_frame,
                               i->outcome_client ? "client" : "server");
    if (ch->seen) {
        g_string_append_printf(s, " ch@%" G_GUINT64_FORMAT "{hellos=%u%s rec=%04x legacy=%04x",
                               ch->frame, ch->hellos, ch->malformed ? " malformed" : "",
                               ch->record_version, ch->legacy_version);
        if (ch->has_supported_versions) {
            g_string_append_printf(s, " versions(%u)=", ch->versions_count);
            for (guint k = 0; k < MIN(ch->versions_count, SR_TLS_MAX_VERSIONS); k++)
                g_string_append_printf(s, "%04x,", ch->versions[k]);
        }
        g_string_append_printf(s, " suites(%u)=", ch->suites_count);
        for (guint k = 0; k < MIN(ch->suites_count, SR_TLS_MAX_SUITES); k++)
            g_string_append_printf(s, "%04x,", ch->suites[k]);
        if (ch->has_sni) {
            g_string_append_printf(s, " sni(%" G_GSIZE_FORMAT ")=", ch->sni_length);
            tls_summary_bytes(s, ch->sni, MIN(ch->sni_length, SR_TLS_MAX_SNI));
        }
        g_string_append_printf(s, " alpn(%u)=", ch->alpn_count);
        for (guint k = 0; k < MIN(ch->alpn_count, SR_TLS_MAX_ALPN); k++) {
            tls_summary_bytes(s, ch->alpn[k], ch->alpn_length[k]);
            g_string_append_c(s, ',');
        }
        if (ch->encrypt_then_mac)
            g_string_append(s, " etm");
        g_string_append(s, "}");
    } else if (ch->hellos) {
        g_string_append_printf(s, " ch{hellos=%u}", ch->hellos);
    }
    if (sh->hello_retry)
        g_string_append_printf(s, " hrr@%" G_GUINT64_FORMAT, sh->hello_retry_frame);
    if (sh->seen)
        g_string_append_printf(s, " sh@%" G_GUINT64_FORMAT
                               "{%slegacy=%04x version=%04x%s suite=%04x%s}", sh->frame, sh->malformed ? "malformed " : "", sh->legacy_version,
                               sh->version, sh->has_supported_versions ? " (sv)" : "",
                               sh->cipher_suite, sh->encrypt_then_mac ? " etm" : "");
    if (c->seen) {
        g_string_append_printf(s, " cert@%" G_GUINT64_FORMAT "{%scount=%u first=%" G_GSIZE_FORMAT
                               " der=%" G_GSIZE_FORMAT ":",
                               c->frame, c->malformed ? "malformed " : "", c->count,
                               c->first_length, c->der_length);
        tls_summary_bytes(s, c->der, MIN(c->der_length, 16));
        /* and all the rest, by a hash (FNV-1a) */
        guint32 h = 2166136261u;
        for (gsize k = 0; k < c->der_length; k++)
            h = (h ^ c->der[k]) * 16777619u;
        g_string_append_printf(s, "/%08x}", h);
    }
    g_string_append_printf(s, " alerts(%u)=", i->alerts_total);
    for (guint k = 0; k < i->alerts_count; k++)
        g_string_append_printf(s, "%s:%u/%u@%" G_GUINT64_FORMAT ",",
                               i->alerts[k].from_client ? "client" : "server",
                               i->alerts[k].level, i->alerts[k].description, i->alerts[k].frame);
    tls_summary_side(s, "client", &i->client);
    tls_summary_side(s, "server", &i->server);
    return g_string_free(s, FALSE);
}

#endif /* TLS_SUMMARY_H */
