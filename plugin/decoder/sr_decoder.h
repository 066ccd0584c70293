/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The smtpreply decoder: everything the plugin and the capture tool use. */
#ifndef SR_DECODER_H
#define SR_DECODER_H

#include "sr_anomaly.h"
#include "sr_argument.h"
#include "sr_codes.h"
#include "sr_command.h"
#include "sr_enhanced.h"
#include "sr_escape.h"
#include "sr_latency.h"
#include "sr_line.h"
#include "sr_reply.h"
#include "sr_queue_id.h"
#include "sr_reason.h"
#include "sr_session.h"
#include "sr_transaction.h"

#endif /* SR_DECODER_H */
