/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PACKET_SMTPREPLY_H
#define PACKET_SMTPREPLY_H

#include <glib.h>

/* What the "smtpreply" tap hands its listeners, once per reply. */
typedef struct {
    gboolean    has_code;     /* FALSE: no line was a reply line (code is 0) */
    guint16     code;
    const char *command;      /* the verb it answers, or NULL */
    gboolean    has_latency;
    gint64      latency_us;
    const char *tx_status;    /* the status of the transaction it ended, or NULL */
    const char *reason;       /* why, for a 4yz or 5yz reply ("user-unknown"), or NULL */
} smtpreply_tap_info;

void proto_register_smtpreply(void);
void proto_reg_handoff_smtpreply(void);
/* The statistics tree (smtpreply-stats.c). */
void register_smtpreply_stats(void);

#endif
