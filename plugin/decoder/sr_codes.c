/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sr_codes.h"

static const char *const class_names[] = {
    NULL,
    "Positive Preliminary",
    "Positive Completion",
    "Positive Intermediate",
    "Transient Negative",
    "Permanent Negative",
};

static const char *const class_descriptions[] = {
    NULL,
    "Accepted, action held pending confirmation; SMTP has no command that uses this",
    "The requested action was completed; a new request may be initiated",
    "Accepted, action held pending further information from the client",
    "Not accepted, the error is temporary: the command may be repeated later",
    "Not accepted: the client should not repeat the exact request",
};

static const char *const category_names[] = {
    "Syntax",
    "Information",
    "Connections",
    "Unspecified",
    "Unspecified",
    "Mail system",
};

/*
 * Every code in RFC 5321 and in the extensions that define their own:
 * RFC 1845 (checkpoint), RFC 1985 (ETRN), RFC 2645 (ODMR), RFC 3207
 * (STARTTLS), RFC 4954 (AUTH), RFC 7504 (null MX).  RFC 3030 (CHUNKING,
 * BINARYMIME) answers BDAT with these same codes and adds none.
 * Sorted by code: sr_code_lookup() bisects it.
 */
static const sr_code_info code_table[] = {
    { 211, "System status, or system help reply", "RFC 5321" },
    { 214, "Help message", "RFC 5321" },
    { 220, "<domain> Service ready", "RFC 5321" },
    { 221, "<domain> Service closing transmission channel", "RFC 5321" },
    { 235, "Authentication successful", "RFC 4954" },
    { 250, "Requested mail action okay, completed", "RFC 5321" },
    { 251, "User not local; will forward to <forward-path>", "RFC 5321" },
    { 252, "Cannot VRFY user, but will accept message and attempt delivery", "RFC 5321" },
    { 253, "OK, <messages> pending messages for node <node> started", "RFC 1985" },
    { 334, "Server challenge for the authentication exchange", "RFC 4954" },
    { 354, "Start mail input; end with <CRLF>.<CRLF>", "RFC 5321" },
    { 355, "Octet-offset is the transaction offset", "RFC 1845" },
    { 421, "<domain> Service not available, closing transmission channel", "RFC 5321" },
    { 432, "A password transition is needed", "RFC 4954" },
    { 450, "Requested mail action not taken: mailbox unavailable", "RFC 5321" },
    { 451, "Requested action aborted: local error in processing", "RFC 5321" },
    { 452, "Requested action not taken: insufficient system storage", "RFC 5321" },
    { 453, "You have no mail", "RFC 2645" },
    { 454, "TLS not available due to temporary reason, or temporary authentication failure", "RFC 3207, RFC 4954" },
    { 455, "Server unable to accommodate parameters", "RFC 5321" },
    { 458, "Unable to queue messages for node <node>", "RFC 1985" },
    { 459, "Node <node> not allowed: <reason>", "RFC 1985" },
    { 500, "Syntax error, command unrecognized", "RFC 5321" },
    { 501, "Syntax error in parameters or arguments", "RFC 5321" },
    { 502, "Command not implemented", "RFC 5321" },
    { 503, "Bad sequence of commands", "RFC 5321" },
    { 504, "Command parameter not implemented", "RFC 5321" },
    { 521, "Host does not accept mail", "RFC 7504" },
    { 530, "Authentication required, or must issue a STARTTLS command first", "RFC 4954, RFC 3207" },
    { 534, "Authentication mechanism is too weak", "RFC 4954" },
    { 535, "Authentication credentials invalid", "RFC 4954" },
    { 538, "Encryption required for requested authentication mechanism", "RFC 4954" },
    { 550, "Requested action not taken: mailbox unavailable", "RFC 5321" },
    { 551, "User not local; please try <forward-path>", "RFC 5321" },
    { 552, "Requested mail action aborted: exceeded storage allocation", "RFC 5321" },
    { 553, "Requested action not taken: mailbox name not allowed", "RFC 5321" },
    { 554, "Transaction failed (or, as greeting, no SMTP service here)", "RFC 5321" },
    { 555, "MAIL FROM/RCPT TO parameters not recognized or not implemented", "RFC 5321" },
    { 556, "Domain does not accept mail", "RFC 7504" },
};

const char *
sr_class_name(guint digit)
{
    return digit >= 1 && digit <= 5 ? class_names[digit] : NULL;
}

const char *
sr_class_description(guint digit)
{
    return digit >= 1 && digit <= 5 ? class_descriptions[digit] : NULL;
}

const char *
sr_category_name(guint digit)
{
    return digit <= 5 ? category_names[digit] : NULL;
}

const char *
sr_class_label(guint digit)
{
    const char *name = sr_class_name(digit);

    return name ? name : SR_NO_SUCH_CLASS;
}

const char *
sr_category_label(guint digit)
{
    const char *name = sr_category_name(digit);

    return name ? name : SR_NO_SUCH_CATEGORY;
}

const sr_code_info *
sr_code_lookup(guint code)
{
    gsize lo = 0, hi = G_N_ELEMENTS(code_table);

    while (lo < hi) {
        gsize mid = lo + (hi - lo) / 2;

        if (code_table[mid].code == code)
            return &code_table[mid];
        if (code_table[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const sr_code_info *
sr_code_table(gsize *count)
{
    *count = G_N_ELEMENTS(code_table);
    return code_table;
}
