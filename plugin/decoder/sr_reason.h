/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Why a server said no: a reason for each 4yz and 5yz reply, from its code,
 * its enhanced status code, its text and the command it answers, through
 * one table of rules (sr_reason.c), each naming its source.  The provider
 * (Gmail, Microsoft, ...) is reported when the text names one.
 */
#ifndef SR_REASON_H
#define SR_REASON_H

#include <glib.h>

#include "sr_command.h"
#include "sr_reply.h"

/* The names are stable: users filter on them. */
#define SR_REASON_LIST(X) \
    X(NONE, NULL) \
    X(USER_UNKNOWN, "user-unknown") \
    X(MAILBOX_FULL, "mailbox-full") \
    X(MAILBOX_DISABLED, "mailbox-disabled") \
    X(GREYLISTED, "greylisted") \
    X(RATE_LIMITED, "rate-limited") \
    X(BLOCKLISTED, "blocklisted") \
    X(REPUTATION, "reputation") \
    X(SPAM, "spam") \
    X(SENDER_AUTH, "sender-auth") \
    X(RELAY_DENIED, "relay-denied") \
    X(SENDER_REJECTED, "sender-rejected") \
    X(AUTH_REQUIRED, "auth-required") \
    X(AUTH_FAILED, "auth-failed") \
    X(TLS_REQUIRED, "tls-required") \
    X(MESSAGE_TOO_BIG, "message-too-big") \
    X(TOO_MANY_RECIPIENTS, "too-many-recipients") \
    X(POLICY, "policy") \
    X(STORAGE, "storage") \
    X(SERVER_UNAVAILABLE, "server-unavailable") \
    X(ROUTING, "routing") \
    X(SYNTAX, "syntax") \
    X(BAD_SEQUENCE, "bad-sequence") \
    X(NOT_IMPLEMENTED, "not-implemented") \
    X(OTHER, "other")

#define SR_REASON_ENUM(name, text) SR_REASON_##name,
typedef enum { SR_REASON_LIST(SR_REASON_ENUM) SR_REASON_COUNT } sr_reason;
#undef SR_REASON_ENUM

typedef struct {
    sr_reason   reason;    /* SR_REASON_NONE for every reply but 4yz and 5yz */
    const char *provider;  /* "Gmail", "Microsoft", ...: named by the text; or NULL */
    const char *source;    /* where the rule that decided comes from (URL or RFC) */
} sr_reason_result;

/* The reason for REPLY, which answers a command of kind COMMAND
 * (SR_CMD_COUNT: none known). */
sr_reason_result sr_reason_find(const sr_reply *reply, sr_command_kind command);

/* "user-unknown", ...; NULL for SR_REASON_NONE and out of range. */
const char *sr_reason_name(sr_reason reason);
/* The reason whose name is NAME, or SR_REASON_COUNT. */
sr_reason sr_reason_from_name(const char *name);

#endif /* SR_REASON_H */
