/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PACKET_SMTPREPLY_H
#define PACKET_SMTPREPLY_H

void proto_register_smtpreply(void);
void proto_reg_handoff_smtpreply(void);

#endif
