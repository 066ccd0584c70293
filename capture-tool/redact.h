/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --redact: the local part of every mail address in the output replaced by
 * a short stable hash, so that output can be shared (with a vendor, in a
 * ticket) without the people in it.  The domain stays: it is what routing
 * problems are about.  Stable: the same address gives the same hash in
 * every run, so replies and transactions still line up.  Not a secret: a
 * guessed address can be hashed and compared.
 */
#ifndef REDACT_H
#define REDACT_H

#include <glib.h>

/* TEXT with each address's local part replaced by "u" and 8 hex digits of
 * its SHA-256, into OUT (raw bytes: the caller escapes them). */
void redact_text(GString *out, const guint8 *text, gsize len);

#endif
