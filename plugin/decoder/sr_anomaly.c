/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sr_anomaly.h"

#include <string.h>

/* Indexed by sr_anomaly_kind; the order must follow the enum. */
static const sr_anomaly_info anomaly_table[SR_ANOM_COUNT] = {
    [SR_ANOM_BARE_LF] = { "bare-lf",
        "Line ended by a bare LF instead of CRLF (RFC 5321 2.3.8)",
        SR_GROUP_PROTOCOL, SR_SEVERITY_VIOLATION },
    [SR_ANOM_BARE_CR] = { "bare-cr",
        "Bare CR inside a line (RFC 5321 2.3.8)",
        SR_GROUP_PROTOCOL, SR_SEVERITY_VIOLATION },
    [SR_ANOM_NUL_BYTE] = { "nul-byte",
        "NUL octet in a reply line",
        SR_GROUP_MALFORMED, SR_SEVERITY_VIOLATION },
    [SR_ANOM_8BIT_BYTE] = { "8bit-byte",
        "Octet above 0x7F in a reply line (replies are US-ASCII unless SMTPUTF8)",
        SR_GROUP_PROTOCOL, SR_SEVERITY_DEVIATION },
    [SR_ANOM_CONTROL_BYTE] = { "control-byte",
        "Control octet (such as ESC) in a reply line",
        SR_GROUP_PROTOCOL, SR_SEVERITY_DEVIATION },
    [SR_ANOM_LINE_TOO_LONG] = { "line-too-long",
        "Reply line longer than 512 octets including CRLF (RFC 5321 4.5.3.1.5)",
        SR_GROUP_PROTOCOL, SR_SEVERITY_VIOLATION },
    [SR_ANOM_LINE_OVER_CAP] = { "line-over-cap",
        "Reply line longer than the decoder's cap; the rest of it was skipped",
        SR_GROUP_MALFORMED, SR_SEVERITY_VIOLATION },
    [SR_ANOM_UNTERMINATED_LINE] = { "unterminated-line",
        "Line not ended by CRLF before the stream ended or broke",
        SR_GROUP_MALFORMED, SR_SEVERITY_VIOLATION },
    [SR_ANOM_MALFORMED_LINE] = { "malformed-line",
        "Not a reply line: expected three digits then SP, \"-\" or the line end (RFC 5321 4.2)",
        SR_GROUP_MALFORMED, SR_SEVERITY_VIOLATION },
    [SR_ANOM_CODE_MISMATCH] = { "code-mismatch",
        "Line of a multiline reply carries a different reply code (RFC 5321 4.2.1)",
        SR_GROUP_PROTOCOL, SR_SEVERITY_VIOLATION },
    [SR_ANOM_INCOMPLETE_REPLY] = { "incomplete-reply",
        "Reply not finished: no final line before the stream ended or broke",
        SR_GROUP_MALFORMED, SR_SEVERITY_VIOLATION },
    [SR_ANOM_REPLY_TOO_LONG] = { "reply-too-long",
        "Reply longer than the decoder's cap; it was cut and continues in the next reply",
        SR_GROUP_MALFORMED, SR_SEVERITY_VIOLATION },
    [SR_ANOM_GAP] = { "gap",
        "Bytes missing from the stream (not captured)",
        SR_GROUP_SEQUENCE, SR_SEVERITY_VIOLATION },
    [SR_ANOM_RESYNC] = { "resync",
        "Bytes skipped to find the start of a reply line",
        SR_GROUP_SEQUENCE, SR_SEVERITY_VIOLATION },
    [SR_ANOM_CLASS_UNUSED_1YZ] = { "unused-class-1yz",
        "1yz (positive preliminary) replies are not used in SMTP (RFC 5321 4.2.1)",
        SR_GROUP_PROTOCOL, SR_SEVERITY_VIOLATION },
    [SR_ANOM_CLASS_INVALID] = { "invalid-class",
        "First digit of the reply code is not 1 to 5 (RFC 5321 4.2)",
        SR_GROUP_PROTOCOL, SR_SEVERITY_VIOLATION },
    [SR_ANOM_CATEGORY_UNDEFINED] = { "undefined-category",
        "Second digit of the reply code is not 0 to 5 (RFC 5321 4.2.1)",
        SR_GROUP_PROTOCOL, SR_SEVERITY_DEVIATION },
    [SR_ANOM_CODE_UNREGISTERED] = { "unregistered-code",
        "Reply code defined by no RFC; servers should not invent codes (RFC 5321 4.2)",
        SR_GROUP_PROTOCOL, SR_SEVERITY_DEVIATION },
    [SR_ANOM_ENH_MALFORMED] = { "enhanced-malformed",
        "Text starts like an enhanced status code but is not one (RFC 3463 2)",
        SR_GROUP_MALFORMED, SR_SEVERITY_DEVIATION },
    [SR_ANOM_ENH_CLASS_MISMATCH] = { "enhanced-class-mismatch",
        "Enhanced status code class differs from the reply code's first digit (RFC 3463 3)",
        SR_GROUP_PROTOCOL, SR_SEVERITY_DEVIATION },
    [SR_ANOM_ENH_ON_INTERMEDIATE] = { "enhanced-on-intermediate",
        "Enhanced status code on a 1yz or 3yz reply: its classes are only 2, 4 and 5 (RFC 3463 3.1)",
        SR_GROUP_PROTOCOL, SR_SEVERITY_DEVIATION },
    [SR_ANOM_ENH_INCONSISTENT] = { "enhanced-inconsistent",
        "Lines of one reply carry different enhanced status codes",
        SR_GROUP_PROTOCOL, SR_SEVERITY_OBSERVATION },
    [SR_ANOM_ENH_UNREGISTERED] = { "enhanced-unregistered",
        "Enhanced status code subject.detail not in the IANA registry (RFC 5248)",
        SR_GROUP_PROTOCOL, SR_SEVERITY_DEVIATION },
    [SR_ANOM_UNEXPECTED_REPLY] = { "unexpected-reply",
        "Reply with no command waiting for it",
        SR_GROUP_SEQUENCE, SR_SEVERITY_VIOLATION },
    [SR_ANOM_UNANSWERED_COMMAND] = { "unanswered-command",
        "Command that got no reply before the connection ended",
        SR_GROUP_SEQUENCE, SR_SEVERITY_OBSERVATION },
    [SR_ANOM_CODE_NOT_ALLOWED] = { "code-not-allowed",
        "Reply code not among those its command allows (RFC 5321 4.3.2 and extensions)",
        SR_GROUP_PROTOCOL, SR_SEVERITY_DEVIATION },
    [SR_ANOM_ENH_NOT_ADVERTISED] = { "enhanced-not-advertised",
        "Enhanced status code although EHLO did not offer ENHANCEDSTATUSCODES (RFC 2034)",
        SR_GROUP_PROTOCOL, SR_SEVERITY_DEVIATION },
    [SR_ANOM_PIPELINE_OVERFLOW] = { "pipeline-overflow",
        "More commands awaited replies than the decoder keeps: the replies from here "
        "to the next command it kept are not paired",
        SR_GROUP_SEQUENCE, SR_SEVERITY_VIOLATION },
    [SR_ANOM_TLS_HANDSHAKE_FAILED] = { "tls-handshake-failed",
        "The TLS handshake after STARTTLS (or on an implicit-TLS port) failed: an alert "
        "in clear ended it, or a side sent what is not TLS",
        SR_GROUP_PROTOCOL, SR_SEVERITY_DEVIATION },
};

const sr_anomaly_info *
sr_anomaly_info_get(sr_anomaly_kind kind)
{
    if ((guint)kind >= SR_ANOM_COUNT)
        return NULL;
    return &anomaly_table[kind];
}

const char *
sr_severity_name(sr_anomaly_severity severity)
{
    static const char *const names[SR_SEVERITY_COUNT] = { "violation", "deviation", "observation" };

    return (guint)severity < SR_SEVERITY_COUNT ? names[severity] : "unknown";
}

const char *
sr_anomaly_name(sr_anomaly_kind kind)
{
    const sr_anomaly_info *info = sr_anomaly_info_get(kind);

    return info ? info->name : "unknown";
}

sr_anomaly_kind
sr_anomaly_from_name(const char *name)
{
    for (guint i = 0; i < SR_ANOM_COUNT; i++) {
        if (strcmp(anomaly_table[i].name, name) == 0)
            return (sr_anomaly_kind)i;
    }
    return SR_ANOM_COUNT;
}
