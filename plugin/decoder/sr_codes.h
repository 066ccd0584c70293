/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What each digit of an SMTP reply code means (RFC 5321 4.2.1) and the
 * registered codes with the RFC that defines each.
 */
#ifndef SR_CODES_H
#define SR_CODES_H

#include <glib.h>

typedef struct {
    guint16     code;
    const char *meaning;  /* the defining RFC's reply text, lightly normalised */
    const char *rfc;      /* e.g. "RFC 5321" */
} sr_code_info;

/* First digit: "Positive Completion" etc.; NULL outside 1-5. */
const char *sr_class_name(guint digit);
/* One sentence on what a reply of that class asks the client to do. */
const char *sr_class_description(guint digit);
/* Second digit: "Syntax", "Information", "Connections", "Unspecified",
 * "Mail system"; NULL for 6-9. */
const char *sr_category_name(guint digit);
/* What every output shows for a digit with no name and a code with no
 * registered meaning: one spelling, so the tool and the plugin agree. */
#define SR_NO_SUCH_CLASS     "(no such class)"
#define SR_NO_SUCH_CATEGORY  "(no such category)"
#define SR_UNREGISTERED_CODE "(unregistered code)"
/* sr_class_name() and sr_category_name(), or the words above. */
const char *sr_class_label(guint digit);
const char *sr_category_label(guint digit);
/* The registered code, or NULL. */
const sr_code_info *sr_code_lookup(guint code);
/* The whole table, sorted by code, for callers that build their own index. */
const sr_code_info *sr_code_table(gsize *count);

#endif /* SR_CODES_H */
