/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a command's argument says (RFC 5321 4.1.1, 4.1.2): the HELO, EHLO or
 * LHLO domain, the MAIL reverse-path and RCPT forward-path with their ESMTP
 * parameters (RFC 1870 SIZE, 6152 BODY, 3461 NOTIFY/ORCPT/RET/ENVID, 6531
 * SMTPUTF8, ...), read from the sr_command that holds it.  Every result
 * points into the command's argument; nothing is allocated.
 */
#ifndef SR_ARGUMENT_H
#define SR_ARGUMENT_H

#include <glib.h>

#include "sr_command.h"

typedef struct {
    const char *address;      /* inside the angle brackets, source route dropped; "" for <> */
    gsize       address_len;
    gboolean    bracketed;    /* FALSE: no angle brackets, as some clients send */
    const char *params;       /* the ESMTP parameters after the path, or NULL */
    gsize       params_len;
} sr_path;

/* MAIL's "FROM:<path> params" or RCPT's "TO:<path> params", tolerating a
 * space after the colon and a path without brackets; FALSE when CMD is
 * neither or its argument names no path. */
gboolean sr_path_parse(const sr_command *cmd, sr_path *out);

/* The value of ESMTP parameter NAME (case-insensitive) among PARAMS, or
 * NULL; a keyword without "=" has the empty value. */
const char *sr_param_find(const char *params, gsize len, const char *name, gsize *value_len);

/* HELO's, EHLO's or LHLO's domain or address literal (its first word), or
 * NULL. */
const char *sr_hello_domain(const sr_command *cmd, gsize *len);

/* MAIL's SIZE parameter (RFC 1870), when given as a number. */
gboolean sr_mail_size(const sr_command *cmd, guint64 *size);

#endif /* SR_ARGUMENT_H */
