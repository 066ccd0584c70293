/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Enhanced mail system status codes, class.subject.detail (RFC 3463), with
 * the subject.detail pairs of the IANA registry (RFC 5248).
 */
#ifndef SR_ENHANCED_H
#define SR_ENHANCED_H

#include <glib.h>

typedef enum {
    SR_ENH_NONE,       /* the text does not start like an enhanced code */
    SR_ENH_VALID,      /* class.subject.detail followed by SP or the end */
    SR_ENH_MALFORMED,  /* starts like one ("5.1", "5.1.x") but is not */
} sr_enhanced_status;

typedef struct {
    sr_enhanced_status status;
    guint  klass;     /* 2, 4 or 5 when valid */
    guint  subject;   /* 0-999 */
    guint  detail;    /* 0-999 */
    gsize  offset;    /* where it starts within the text */
    gsize  length;    /* bytes it spans (the malformed token, when malformed) */
} sr_enhanced;

typedef struct {
    guint16     subject;
    guint16     detail;
    const char *meaning;
    const char *rfc;
} sr_enhanced_info;

/*
 * Looks for an enhanced code at the start of TEXT.  A token that starts with
 * a digit and a dot is taken as an attempt at one: anything but a valid code
 * is then SR_ENH_MALFORMED.
 */
void sr_enhanced_parse(const guint8 *text, gsize len, sr_enhanced *out);

/* "Success", "Persistent Transient Failure", "Permanent Failure"; NULL else. */
const char *sr_enhanced_class_name(guint klass);
/* "Addressing Status" etc.; NULL for unregistered subjects. */
const char *sr_enhanced_subject_name(guint subject);
/* The registered subject.detail pair, or NULL. */
const sr_enhanced_info *sr_enhanced_lookup(guint subject, guint detail);
/* Formats "5.1.1" into BUF (at least 12 bytes). */
void sr_enhanced_format(const sr_enhanced *enh, char *buf, gsize size);
gboolean sr_enhanced_equal(const sr_enhanced *a, const sr_enhanced *b);

#endif /* SR_ENHANCED_H */
