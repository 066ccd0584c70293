/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runs the decoder over test input and renders what it handed over as text,
 * so a test can compare a whole result with one expected string. */
#ifndef DECODE_HELPER_H
#define DECODE_HELPER_H

#include <glib.h>

#include "sr_decoder.h"

/* Each reply becomes one line:
 *   <code> <C|I> [@offset+length "text"]... {anomaly@offset#count,...}
 * C: complete, I: incomplete; #count only where the anomaly has one. */
void render_reply(GString *out, const sr_reply *reply);

/* An EHLO reply's capabilities, as " [kind:KEYWORD|params]..." and
 * " size=N"; nothing for NULL.  The session tests and the session fuzz
 * target render pairings with it. */
void render_capabilities(GString *out, const sr_capabilities *caps);

/* An sr_reply_func that renders into the GString USER_DATA. */
void collect_reply(const sr_reply *reply, gpointer user_data);

/* Feeds INPUT in chunks of CHUNK bytes (0: all at once), then finishes. */
gchar *decode_chunked(const sr_config *cfg, const char *input, gsize len, gsize chunk);
/* Feeds INPUT as two chunks cut at SPLIT, then finishes. */
gchar *decode_split(const sr_config *cfg, const char *input, gsize len, gsize split);
/* All at once; the usual case in the tests. */
gchar *decode_string(const char *input);

/* Asserts that every two-way split and one-byte feeding give the same. */
void assert_split_invariant(const char *input, gsize len);

#endif
