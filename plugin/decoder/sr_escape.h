/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Wire bytes made safe to show: for a terminal or a Wireshark field (every
 * control byte and every byte that is not valid UTF-8 escaped visibly) and
 * inside a JSON string (RFC 8259, never invalid UTF-8).  Both front ends
 * show reply text through these, so they show it alike.
 */
#ifndef SR_ESCAPE_H
#define SR_ESCAPE_H

#include <glib.h>

/* Length of the well-formed UTF-8 sequence at DATA (1-4), or 0 if none. */
gsize sr_utf8_length(const guint8 *data, gsize len);

/* \r \n \t \\ for those bytes, \xNN for other controls (C0, DEL, C1) and for
 * bytes that are not valid UTF-8; valid printable UTF-8 is kept. */
void sr_escape_text(GString *out, const guint8 *data, gsize len);

/* The inside of a JSON string: \" \\ \b \f \n \r \t, \u00NN for other
 * controls, and \u00NN for each byte that is not valid UTF-8 (the byte read
 * as Latin-1); valid UTF-8 is kept as it is. */
void sr_escape_json(GString *out, const guint8 *data, gsize len);

#endif /* SR_ESCAPE_H */
