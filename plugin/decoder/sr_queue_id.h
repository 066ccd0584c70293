/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The queue id that a server's accepting reply names, from the wording of
 * each MTA and provider (one table in sr_queue_id.c).
 */
#ifndef SR_QUEUE_ID_H
#define SR_QUEUE_ID_H

#include <glib.h>

#define SR_QUEUE_ID_MAX 64

/* The queue id in TEXT (one reply line after its code), copied into OUT
 * (at least SR_QUEUE_ID_MAX + 1 bytes); returns whose wording named it
 * ("Postfix", "Exim", ...), or NULL when none did. */
const char *sr_queue_id_find(const guint8 *text, gsize len, char *out);

#endif /* SR_QUEUE_ID_H */
