/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Anomalies the decoder reports as data.  The name and description of each
 * come from one table so that the Wireshark plugin's expert infos, the capture
 * tool's text output and its JSON all spell an anomaly the same way.
 */
#ifndef SR_ANOMALY_H
#define SR_ANOMALY_H

#include <glib.h>

typedef enum {
    /* Line framing */
    SR_ANOM_BARE_LF,              /* line ended by LF without CR */
    SR_ANOM_BARE_CR,              /* CR not followed by LF inside a line */
    SR_ANOM_NUL_BYTE,             /* NUL octet in a line */
    SR_ANOM_8BIT_BYTE,            /* octet above 0x7f in a line */
    SR_ANOM_CONTROL_BYTE,         /* other C0 control or DEL (e.g. ESC) in a line */
    SR_ANOM_LINE_TOO_LONG,        /* over the RFC 5321 512-octet reply line limit */
    SR_ANOM_LINE_OVER_CAP,        /* over the hard cap: the rest was skipped */
    SR_ANOM_UNTERMINATED_LINE,    /* stream ended or broke inside a line */
    /* Reply syntax and structure */
    SR_ANOM_MALFORMED_LINE,       /* not <3 digits>[SP / "-" text] */
    SR_ANOM_CODE_MISMATCH,        /* line of a multiline reply with another code */
    SR_ANOM_INCOMPLETE_REPLY,     /* multiline reply never ended */
    SR_ANOM_REPLY_TOO_LONG,       /* reply split at the line or byte cap */
    SR_ANOM_GAP,                  /* bytes missing from the stream */
    SR_ANOM_RESYNC,               /* bytes skipped to find a reply line start */
    /* The code's digits */
    SR_ANOM_CLASS_UNUSED_1YZ,     /* 1yz: SMTP has no positive preliminary replies */
    SR_ANOM_CLASS_INVALID,        /* first digit 0 or 6-9 */
    SR_ANOM_CATEGORY_UNDEFINED,   /* second digit 6-9 */
    SR_ANOM_CODE_UNREGISTERED,    /* well-formed code no RFC defines */
    /* Enhanced status codes (RFC 3463, RFC 5248) */
    SR_ANOM_ENH_MALFORMED,        /* looks like an enhanced code but is not one */
    SR_ANOM_ENH_CLASS_MISMATCH,   /* class differs from the reply code's first digit */
    SR_ANOM_ENH_ON_INTERMEDIATE,  /* enhanced code on a 1yz or 3yz reply */
    SR_ANOM_ENH_INCONSISTENT,     /* lines of one reply carry different codes */
    SR_ANOM_ENH_UNREGISTERED,     /* subject.detail not in the IANA registry */
    /* The conversation: replies paired with commands */
    SR_ANOM_UNEXPECTED_REPLY,     /* no command was waiting for this reply */
    SR_ANOM_UNANSWERED_COMMAND,   /* the connection ended with commands unanswered */
    SR_ANOM_CODE_NOT_ALLOWED,     /* code not among those its command allows */
    SR_ANOM_ENH_NOT_ADVERTISED,   /* enhanced code, but EHLO did not offer them */
    SR_ANOM_PIPELINE_OVERFLOW,    /* commands past the budget: from here pairing is unsure */
    /* TLS (sr_tls.h), on the connection rather than a reply */
    SR_ANOM_TLS_HANDSHAKE_FAILED, /* the handshake after STARTTLS, or on 465, failed */
    SR_ANOM_COUNT
} sr_anomaly_kind;

/* Which part of the protocol went wrong; maps onto Wireshark's expert groups. */
typedef enum {
    SR_GROUP_MALFORMED,           /* the bytes do not follow the grammar */
    SR_GROUP_PROTOCOL,            /* well-formed but against the RFCs */
    SR_GROUP_SEQUENCE,            /* the stream itself: gaps, resyncs, order */
} sr_anomaly_group;

/*
 * How much an anomaly matters to someone reading the conversation:
 * - a violation can make a client, or this decoder, misread the reply
 *   (a malformed line, a code mismatch, a bare LF, bytes missing);
 * - a deviation departs from the RFCs' text in a way real servers commonly
 *   do and clients cope with (554 to RCPT, enhanced codes after HELO);
 * - an observation is worth knowing but is nobody's fault.
 */
typedef enum {
    SR_SEVERITY_VIOLATION,
    SR_SEVERITY_DEVIATION,
    SR_SEVERITY_OBSERVATION,
    SR_SEVERITY_COUNT
} sr_anomaly_severity;

typedef struct {
    const char          *name;        /* stable short name, e.g. "bare-lf" */
    const char          *description; /* one sentence for people */
    sr_anomaly_group     group;
    sr_anomaly_severity  severity;
} sr_anomaly_info;

/* One anomaly found in a reply. */
typedef struct {
    sr_anomaly_kind kind;
    guint64         offset;  /* stream offset of the offending bytes */
    gsize           length;  /* how many bytes it concerns (0: a point) */
    guint           line;    /* index of the line in its reply */
    guint64         count;   /* bytes skipped or missing, where that applies */
    const char     *detail;  /* static text that completes it, or NULL */
} sr_anomaly;

const sr_anomaly_info *sr_anomaly_info_get(sr_anomaly_kind kind);
const char *sr_anomaly_name(sr_anomaly_kind kind);
/* Kind whose name is NAME, or SR_ANOM_COUNT. */
sr_anomaly_kind sr_anomaly_from_name(const char *name);
/* "violation", "deviation" or "observation". */
const char *sr_severity_name(sr_anomaly_severity severity);

#endif /* SR_ANOMALY_H */
