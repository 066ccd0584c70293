/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sr_queue_id.h"

#include <string.h>

typedef enum {
    ID_AFTER,    /* the id follows the marker */
    ID_BEFORE,   /* the id is the word just before the marker */
} id_place;

/*
 * One row per wording, tried in order, with a reply as the software sends
 * it; tests/unit/test-transactions.c holds each of them.
 */
static const struct {
    const char *source;
    const char *marker;
    id_place    place;
} rules[] = {
    /* Postfix cleanup(8)/smtpd(8): "queued as" and the queue file's name. */
    /* "250 2.0.0 Ok: queued as 4Xyq5T0m2Zz9sKp" */
    { "Postfix", "queued as ", ID_AFTER },
    /* Exim 4: the message id after "id=" (Exim spec, chapter "Message ids"). */
    /* "250 OK id=1rAbCd-000F3x-2Q" */
    { "Exim", " id=", ID_AFTER },
    /* Microsoft 365 / Exchange Online: the store's InternalId. */
    /* "250 2.6.0 <a@b.prod.outlook.com> [InternalId=2147483651234, Hostname=...]
     *  9123 bytes in 0.041, 215.7 KB/sec Queued mail for delivery" */
    { "Microsoft", "[InternalId=", ID_AFTER },
    /* Gmail: the word before " - gsmtp". */
    /* "250 2.0.0 OK  1700000000 d2e1a72fcca58-6c3a1b2c3d4si123456.567 - gsmtp" */
    { "Gmail", " - gsmtp", ID_BEFORE },
    /* Dovecot LMTP: the session id before "Saved". */
    /* "250 2.0.0 <bob@example.test> kHdGMbK2WmUfCgAAk7vPBg Saved" */
    { "Dovecot", " Saved", ID_BEFORE },
    /* Sendmail 8 ("queue id Message accepted for delivery"), and OpenSMTPD,
     * which says the same after its 8-digit hex id. */
    /* "250 2.0.0 4BKDm3xY012345 Message accepted for delivery" */
    { "Sendmail", " Message accepted for delivery", ID_BEFORE },
};

/* Queue ids are letters and digits with some punctuation: Dovecot's are
 * base64 ("+", "/") with a ":R4"-style suffix per recipient. */
static gboolean
id_char(guint8 ch)
{
    return g_ascii_isalnum(ch) || ch == '.' || ch == '-' || ch == '_' || ch == '+' || ch == '/'
        || ch == ':';
}

static const guint8 *
find(const guint8 *text, gsize len, const char *marker)
{
    gsize n = strlen(marker);

    for (gsize i = 0; i + n <= len; i++) {
        if (text[i] == (guint8)marker[0] && memcmp(text + i, marker, n) == 0)
            return text + i;
    }
    return NULL;
}

/* An 8-digit hex id before "Message accepted for delivery" is OpenSMTPD's. */
static const char *
source_of(gsize rule, const char *id)
{
    if (strcmp(rules[rule].source, "Sendmail") == 0 && strlen(id) == 8) {
        for (gsize i = 0; i < 8; i++) {
            if (!g_ascii_isxdigit(id[i]))
                return rules[rule].source;
        }
        return "OpenSMTPD";
    }
    return rules[rule].source;
}

const char *
sr_queue_id_find(const guint8 *text, gsize len, char *out)
{
    for (gsize r = 0; r < G_N_ELEMENTS(rules); r++) {
        const guint8 *at = find(text, len, rules[r].marker);
        gsize start, end;

        if (!at)
            continue;
        if (rules[r].place == ID_AFTER) {
            start = (gsize)(at - text) + strlen(rules[r].marker);
            end = start;
            while (end < len && id_char(text[end]))
                end++;
        } else {
            end = (gsize)(at - text);
            start = end;
            while (start > 0 && id_char(text[start - 1]))
                start--;
        }
        if (end - start < 4 || end - start > SR_QUEUE_ID_MAX)
            continue;
        memcpy(out, text + start, end - start);
        out[end - start] = '\0';
        return source_of(r, out);
    }
    return NULL;
}
