/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sr_enhanced.h"

static const char *const subject_names[] = {
    "Other or Undefined Status",
    "Addressing Status",
    "Mailbox Status",
    "Mail System Status",
    "Network and Routing Status",
    "Mail Delivery Protocol Status",
    "Message Content or Media Status",
    "Security or Policy Status",
};

/* Sorted by subject then detail: sr_enhanced_lookup() bisects it. */
static const sr_enhanced_info enhanced_table[] = {
    { 0, 0, "Other undefined Status", "RFC 3463" },
    { 1, 0, "Other address status", "RFC 3463" },
    { 1, 1, "Bad destination mailbox address", "RFC 3463" },
    { 1, 2, "Bad destination system address", "RFC 3463" },
    { 1, 3, "Bad destination mailbox address syntax", "RFC 3463" },
    { 1, 4, "Destination mailbox address ambiguous", "RFC 3463" },
    { 1, 5, "Destination address valid", "RFC 3463" },
    { 1, 6, "Destination mailbox has moved, No forwarding address", "RFC 3463" },
    { 1, 7, "Bad sender's mailbox address syntax", "RFC 3463" },
    { 1, 8, "Bad sender's system address", "RFC 3463" },
    { 1, 9, "Message relayed to non-compliant mailer", "RFC 3886" },
    { 1, 10, "Recipient address has null MX", "RFC 7505" },
    { 2, 0, "Other or undefined mailbox status", "RFC 3463" },
    { 2, 1, "Mailbox disabled, not accepting messages", "RFC 3463" },
    { 2, 2, "Mailbox full", "RFC 3463" },
    { 2, 3, "Message length exceeds administrative limit", "RFC 3463" },
    { 2, 4, "Mailing list expansion problem", "RFC 3463" },
    { 3, 0, "Other or undefined mail system status", "RFC 3463" },
    { 3, 1, "Mail system full", "RFC 3463" },
    { 3, 2, "System not accepting network messages", "RFC 3463" },
    { 3, 3, "System not capable of selected features", "RFC 3463" },
    { 3, 4, "Message too big for system", "RFC 3463" },
    { 3, 5, "System incorrectly configured", "RFC 3463" },
    { 3, 6, "Requested priority was changed", "RFC 6710" },
    { 4, 0, "Other or undefined network or routing status", "RFC 3463" },
    { 4, 1, "No answer from host", "RFC 3463" },
    { 4, 2, "Bad connection", "RFC 3463" },
    { 4, 3, "Directory server failure", "RFC 3463" },
    { 4, 4, "Unable to route", "RFC 3463" },
    { 4, 5, "Mail system congestion", "RFC 3463" },
    { 4, 6, "Routing loop detected", "RFC 3463" },
    { 4, 7, "Delivery time expired", "RFC 3463" },
    { 5, 0, "Other or undefined protocol status", "RFC 3463" },
    { 5, 1, "Invalid command", "RFC 3463" },
    { 5, 2, "Syntax error", "RFC 3463" },
    { 5, 3, "Too many recipients", "RFC 3463" },
    { 5, 4, "Invalid command arguments", "RFC 3463" },
    { 5, 5, "Wrong protocol version", "RFC 3463" },
    { 5, 6, "Authentication Exchange line is too long", "RFC 4954" },
    { 6, 0, "Other or undefined media error", "RFC 3463" },
    { 6, 1, "Media not supported", "RFC 3463" },
    { 6, 2, "Conversion required and prohibited", "RFC 3463" },
    { 6, 3, "Conversion required but not supported", "RFC 3463" },
    { 6, 4, "Conversion with loss performed", "RFC 3463" },
    { 6, 5, "Conversion Failed", "RFC 3463" },
    { 6, 6, "Message content not available", "RFC 4468" },
    { 6, 7, "Non-ASCII addresses not permitted for that sender/recipient", "RFC 6531" },
    { 6, 8, "UTF-8 string reply is required, but not permitted by the SMTP client", "RFC 6531" },
    { 6, 9, "UTF-8 header message cannot be transferred to one or more recipients", "RFC 6531" },
    { 7, 0, "Other or undefined security status", "RFC 3463" },
    { 7, 1, "Delivery not authorized, message refused", "RFC 3463" },
    { 7, 2, "Mailing list expansion prohibited", "RFC 3463" },
    { 7, 3, "Security conversion required but not possible", "RFC 3463" },
    { 7, 4, "Security features not supported", "RFC 3463" },
    { 7, 5, "Cryptographic failure", "RFC 3463" },
    { 7, 6, "Cryptographic algorithm not supported", "RFC 3463" },
    { 7, 7, "Message integrity failure", "RFC 3463" },
    { 7, 8, "Authentication credentials invalid", "RFC 4954" },
    { 7, 9, "Authentication mechanism is too weak", "RFC 4954" },
    { 7, 10, "Encryption Needed", "RFC 5248" },
    { 7, 11, "Encryption required for requested authentication mechanism", "RFC 4954" },
    { 7, 12, "A password transition is needed", "RFC 4954" },
    { 7, 13, "User Account Disabled", "RFC 5248" },
    { 7, 14, "Trust relationship required", "RFC 5248" },
    { 7, 15, "Priority Level is too low", "RFC 6710" },
    { 7, 16, "Message is too big for the specified priority", "RFC 6710" },
    { 7, 17, "Mailbox owner has changed", "RFC 7293" },
    { 7, 18, "Domain owner has changed", "RFC 7293" },
    { 7, 19, "RRVS test cannot be completed", "RFC 7293" },
    { 7, 20, "No passing DKIM signature found", "RFC 7372" },
    { 7, 21, "No acceptable DKIM signature found", "RFC 7372" },
    { 7, 22, "No valid author-matched DKIM signature found", "RFC 7372" },
    { 7, 23, "SPF validation failed", "RFC 7372" },
    { 7, 24, "SPF validation error", "RFC 7372" },
    { 7, 25, "Reverse DNS validation failed", "RFC 7372" },
    { 7, 26, "Multiple authentication checks failed", "RFC 7372" },
    { 7, 27, "Sender address has null MX", "RFC 7505" },
    { 7, 29, "ARC validation failure", "RFC 8617" },
    { 7, 30, "REQUIRETLS support required", "RFC 8689" },
};

/* Reads 1-3 digits at TEXT[*pos]; FALSE when there are none or too many. */
static gboolean
read_number(const guint8 *text, gsize len, gsize *pos, guint *value)
{
    gsize start = *pos;
    guint v = 0;

    while (*pos < len && g_ascii_isdigit(text[*pos])) {
        if (*pos - start == 3)
            return FALSE;
        v = v * 10 + (guint)(text[*pos] - '0');
        (*pos)++;
    }
    if (*pos == start)
        return FALSE;
    *value = v;
    return TRUE;
}

void
sr_enhanced_parse(const guint8 *text, gsize len, sr_enhanced *out)
{
    gsize pos = 0, end;
    guint klass = 0, subject = 0, detail = 0;
    gboolean ok;

    *out = (sr_enhanced){ .status = SR_ENH_NONE };
    if (len < 2 || !g_ascii_isdigit(text[0]) || text[1] != '.')
        return;

    /* The token the server meant as a code runs to the next space. */
    for (end = 0; end < len && text[end] != ' ' && text[end] != '\t'; end++)
        ;

    ok = read_number(text, len, &pos, &klass) && pos == 1
        && pos < len && text[pos++] == '.'
        && read_number(text, len, &pos, &subject)
        && pos < len && text[pos++] == '.'
        && read_number(text, len, &pos, &detail)
        && pos == end
        && (klass == 2 || klass == 4 || klass == 5);

    out->offset = 0;
    out->length = end;
    if (!ok) {
        out->status = SR_ENH_MALFORMED;
        return;
    }
    out->status = SR_ENH_VALID;
    out->klass = klass;
    out->subject = subject;
    out->detail = detail;
}

const char *
sr_enhanced_class_name(guint klass)
{
    switch (klass) {
    case 2: return "Success";
    case 4: return "Persistent Transient Failure";
    case 5: return "Permanent Failure";
    default: return NULL;
    }
}

const char *
sr_enhanced_subject_name(guint subject)
{
    return subject < G_N_ELEMENTS(subject_names) ? subject_names[subject] : NULL;
}

const sr_enhanced_info *
sr_enhanced_lookup(guint subject, guint detail)
{
    gsize lo = 0, hi = G_N_ELEMENTS(enhanced_table);
    guint key = subject * 1000 + detail;

    while (lo < hi) {
        gsize mid = lo + (hi - lo) / 2;
        guint k = enhanced_table[mid].subject * 1000u + enhanced_table[mid].detail;

        if (k == key)
            return &enhanced_table[mid];
        if (k < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void
sr_enhanced_format(const sr_enhanced *enh, char *buf, gsize size)
{
    /* Not g_snprintf(): formatting was a tenth of the tool's time once
     * every reply a transaction keeps had its code written out. */
    const guint parts[3] = { enh->klass, enh->subject, enh->detail };
    char text[3 * 10 + 3];
    gsize n = 0;

    for (gsize i = 0; i < 3; i++) {
        char digits[10];
        gsize d = 0;
        guint v = parts[i];

        do {
            digits[d++] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        while (d)
            text[n++] = digits[--d];
        text[n++] = i < 2 ? '.' : '\0';
    }
    g_strlcpy(buf, text, size);
}

gboolean
sr_enhanced_equal(const sr_enhanced *a, const sr_enhanced *b)
{
    return a->status == b->status && a->klass == b->klass
        && a->subject == b->subject && a->detail == b->detail;
}
