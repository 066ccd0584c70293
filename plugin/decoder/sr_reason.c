/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sr_reason.h"

#include <string.h>

#include "sr_enhanced.h"

#define SR_REASON_NAME(name, text) text,
static const char *const reason_names[SR_REASON_COUNT] = { SR_REASON_LIST(SR_REASON_NAME) };
#undef SR_REASON_NAME

const char *
sr_reason_name(sr_reason reason)
{
    return (guint)reason < SR_REASON_COUNT ? reason_names[reason] : NULL;
}

sr_reason
sr_reason_from_name(const char *name)
{
    for (guint i = 1; i < SR_REASON_COUNT; i++) {
        if (strcmp(reason_names[i], name) == 0)
            return (sr_reason)i;
    }
    return SR_REASON_COUNT;
}

/* The sources the rules cite. */
#define RFC5321 "RFC 5321 4.2.2-4.2.3"
#define RFC3463 "RFC 3463 3; IANA SMTP Enhanced Status Codes registry (RFC 5248)"
#define RFC4954 "RFC 4954 6"
#define GMAIL "https://support.google.com/a/answer/3726730"
#define MICROSOFT "https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/" \
    "non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online"
#define YAHOO "https://senders.yahooinc.com/smtp-error-codes/"
#define APPLE "https://support.apple.com/en-us/102322"
#define POSTFIX "https://www.postfix.org/postconf.5.html"
#define POSTFIX_ACCESS "https://www.postfix.org/SMTPD_ACCESS_README.html"
#define POSTFIX_TLS "https://www.postfix.org/TLS_README.html"
#define EXIM "https://www.exim.org/exim-html-current/doc/html/spec_html/ch-access_control_lists.html"
#define SENDMAIL "https://www.sendmail.org/~ca/email/doc8.12/op-sh-5.html"
#define OPENSMTPD "https://man.openbsd.org/smtpd.conf.5"
#define POSTGREY "https://postgrey.schweikert.ch/"
#define SPAMHAUS "https://www.spamhaus.org/faqs/dnsbl-usage/"
#define DOVECOT "https://doc.dovecot.org/configuration_manual/quota_plugin/"

/*
 * Words in the text (lower case; the text is folded before it is searched)
 * that say why.  Checked first, in order: a provider's own wording before
 * any MTA's, and narrow words before broad ones.  CLASS limits a rule to
 * 4yz or 5yz replies; 0 takes both.
 */
typedef struct {
    const char *words;
    sr_reason   reason;
    guint8      klass;
    const char *source;
} text_rule;

static const text_rule text_rules[] = {
    /* Gmail (421 4.7.28, 450 4.2.1, 452 4.2.2, 550 5.7.26, ...). */
    { "rate limited because you're not using a tls", SR_REASON_TLS_REQUIRED, 0, GMAIL },
    { "unusual rate of unsolicited", SR_REASON_RATE_LIMITED, 0, GMAIL },
    { "receiving mail at a rate that prevents", SR_REASON_RATE_LIMITED, 0, GMAIL },
    { "receiving email at a rate that prevents", SR_REASON_RATE_LIMITED, 0, GMAIL },
    { "very low reputation", SR_REASON_REPUTATION, 0, GMAIL },
    { "likely unsolicited mail", SR_REASON_SPAM, 0, GMAIL },
    { "sender is unauthenticated", SR_REASON_SENDER_AUTH, 0, GMAIL },
    { "fails to pass authentication checks", SR_REASON_SENDER_AUTH, 0, GMAIL },
    { "account that you tried to reach is over quota", SR_REASON_MAILBOX_FULL, 0, GMAIL },
    { "account that you tried to reach is disabled", SR_REASON_MAILBOX_DISABLED, 0, GMAIL },
    { "account that you tried to reach does not exist", SR_REASON_USER_UNKNOWN, 0, GMAIL },
    { "log in through your web browser", SR_REASON_AUTH_FAILED, 0, GMAIL },
    { "unauthenticated commands", SR_REASON_AUTH_REQUIRED, 0, GMAIL },
    { "ptr record", SR_REASON_REPUTATION, 0, GMAIL },
    /* Microsoft 365 / Exchange Online. */
    { "banned sending ip", SR_REASON_BLOCKLISTED, 0, MICROSOFT },
    { "banned sender", SR_REASON_SENDER_REJECTED, 0, MICROSOFT },
    { "traffic not accepted from this ip", SR_REASON_REPUTATION, 0, MICROSOFT },
    { "recipientnotfound", SR_REASON_USER_UNKNOWN, 0, MICROSOFT },
    { "recipient not found", SR_REASON_USER_UNKNOWN, 0, MICROSOFT },
    { "recipient address rejected: access denied", SR_REASON_USER_UNKNOWN, 0, MICROSOFT },
    { "not authenticated", SR_REASON_AUTH_REQUIRED, 0, MICROSOFT },
    { "does not pass dmarc", SR_REASON_SENDER_AUTH, 0, MICROSOFT },
    { "submission quota", SR_REASON_RATE_LIMITED, 0, MICROSOFT },
    { "exceeded permitted limits", SR_REASON_RATE_LIMITED, 0, MICROSOFT },
    { "unable to relay", SR_REASON_RELAY_DENIED, 0, MICROSOFT },
    { "block list", SR_REASON_BLOCKLISTED, 0, MICROSOFT },
    /* Yahoo and AOL. */
    { "[tss04]", SR_REASON_RATE_LIMITED, 0, YAHOO },
    { "[ts02]", SR_REASON_REPUTATION, 0, YAHOO },
    { "[ts03]", SR_REASON_REPUTATION, 0, YAHOO },
    { "[tss09]", SR_REASON_REPUTATION, 0, YAHOO },
    { "[tss11]", SR_REASON_REPUTATION, 0, YAHOO },
    { "possible open relay", SR_REASON_REPUTATION, 0, YAHOO },
    { "[tsm", SR_REASON_SPAM, 0, YAHOO },
    { "doesn't have a yahoo.com account", SR_REASON_USER_UNKNOWN, 0, YAHOO },
    { "message not accepted for policy reasons", SR_REASON_POLICY, 0, YAHOO },
    { "max message per connection", SR_REASON_RATE_LIMITED, 0, YAHOO },
    /* Apple iCloud. */
    { "deferred due to excessive volume", SR_REASON_RATE_LIMITED, 0, APPLE },
    /* Greylisting: postgrey, and the words most filters use. */
    { "greylist", SR_REASON_GREYLISTED, 0, POSTGREY },
    { "graylist", SR_REASON_GREYLISTED, 0, POSTGREY },
    /* DNS blocklists: Postfix's reject_rbl_client text, Sendmail's, Spamhaus. */
    { "blocked using", SR_REASON_BLOCKLISTED, 0, POSTFIX_ACCESS },
    { "spamhaus", SR_REASON_BLOCKLISTED, 0, SPAMHAUS },
    { "blocklist", SR_REASON_BLOCKLISTED, 0, SPAMHAUS },
    { "blacklist", SR_REASON_BLOCKLISTED, 0, SPAMHAUS },
    { "black list", SR_REASON_BLOCKLISTED, 0, EXIM },
    { "dnsbl", SR_REASON_BLOCKLISTED, 0, SPAMHAUS },
    { "listed at", SR_REASON_BLOCKLISTED, 0, SENDMAIL },
    /* TLS, before the limits and the sender checks that mention it. */
    { "must issue a starttls command first", SR_REASON_TLS_REQUIRED, 0, POSTFIX_TLS },
    { "starttls first", SR_REASON_TLS_REQUIRED, 0, POSTFIX_TLS },
    { "encryption is required", SR_REASON_TLS_REQUIRED, 0, POSTFIX_TLS },
    { "encryption required", SR_REASON_TLS_REQUIRED, 0, RFC4954 },
    { "tls required", SR_REASON_TLS_REQUIRED, 0, GMAIL },
    { "tls connection", SR_REASON_TLS_REQUIRED, 0, GMAIL },
    { "must support tls", SR_REASON_TLS_REQUIRED, 0, MICROSOFT },
    /* Sender authentication: SPF, DKIM, DMARC. */
    { "dmarc", SR_REASON_SENDER_AUTH, 0, RFC3463 },
    { "dkim", SR_REASON_SENDER_AUTH, 0, RFC3463 },
    { "spf", SR_REASON_SENDER_AUTH, 0, RFC3463 },
    /* Relaying (Postfix, Exim, Sendmail). */
    { "relay access denied", SR_REASON_RELAY_DENIED, 0, POSTFIX_ACCESS },
    { "relay not permitted", SR_REASON_RELAY_DENIED, 0, EXIM },
    { "relaying denied", SR_REASON_RELAY_DENIED, 0, SENDMAIL },
    { "relaying not allowed", SR_REASON_RELAY_DENIED, 0, SENDMAIL },
    /* Authentication (RFC 4954's words, and the MTAs'). */
    { "authentication required", SR_REASON_AUTH_REQUIRED, 0, RFC4954 },
    { "authentication failed", SR_REASON_AUTH_FAILED, 0, RFC4954 },
    { "authentication failure", SR_REASON_AUTH_FAILED, 0, POSTFIX },
    { "authentication unsuccessful", SR_REASON_AUTH_FAILED, 0, MICROSOFT },
    { "invalid credentials", SR_REASON_AUTH_FAILED, 0, RFC4954 },
    { "authentication not enabled", SR_REASON_NOT_IMPLEMENTED, 0, POSTFIX },
    /* The sender, before the words about addresses that do not exist. */
    { "sender verify failed", SR_REASON_SENDER_REJECTED, 0, EXIM },
    { "sender address syntax", SR_REASON_SYNTAX, 0, POSTFIX },
    { "domain of sender address", SR_REASON_SENDER_REJECTED, 0, SENDMAIL },
    { "for sender address", SR_REASON_SENDER_REJECTED, 0, SENDMAIL },
    { "sender address rejected", SR_REASON_SENDER_REJECTED, 0, POSTFIX_ACCESS },
    { "sender rejected", SR_REASON_SENDER_REJECTED, 0, OPENSMTPD },
    { "not accepting mail from this sender", SR_REASON_SENDER_REJECTED, 0, YAHOO },
    /* The mailbox. */
    { "user unknown", SR_REASON_USER_UNKNOWN, 0, POSTFIX },
    { "unknown user", SR_REASON_USER_UNKNOWN, 0, EXIM },
    { "unrouteable address", SR_REASON_USER_UNKNOWN, 0, EXIM },
    { "no such user", SR_REASON_USER_UNKNOWN, 0, SENDMAIL },
    { "mailbox not found", SR_REASON_USER_UNKNOWN, 0, YAHOO },
    { "user doesn't exist", SR_REASON_USER_UNKNOWN, 0, DOVECOT },
    { "does not exist", SR_REASON_USER_UNKNOWN, 0, GMAIL },
    { "mailbox is disabled", SR_REASON_MAILBOX_DISABLED, 0, YAHOO },
    { "account is disabled", SR_REASON_MAILBOX_DISABLED, 0, GMAIL },
    { "account has been disabled", SR_REASON_MAILBOX_DISABLED, 0, YAHOO },
    { "quota exceeded", SR_REASON_MAILBOX_FULL, 0, DOVECOT },
    { "over quota", SR_REASON_MAILBOX_FULL, 0, GMAIL },
    { "mailbox is full", SR_REASON_MAILBOX_FULL, 0, DOVECOT },
    { "mailbox full", SR_REASON_MAILBOX_FULL, 0, DOVECOT },
    /* Limits: how much and how fast. */
    { "too many recipients from", SR_REASON_RATE_LIMITED, 0, POSTFIX },
    { "too many recipients", SR_REASON_TOO_MANY_RECIPIENTS, 0, POSTFIX },
    { "message size exceeds", SR_REASON_MESSAGE_TOO_BIG, 0, POSTFIX },
    { "message too big", SR_REASON_MESSAGE_TOO_BIG, 0, EXIM },
    { "too many connections", SR_REASON_RATE_LIMITED, 0, POSTFIX },
    { "too many concurrent", SR_REASON_RATE_LIMITED, 0, DOVECOT },
    { "too many login attempts", SR_REASON_RATE_LIMITED, 0, GMAIL },
    { "too much mail", SR_REASON_RATE_LIMITED, 0, POSTFIX },
    { "too quickly", SR_REASON_RATE_LIMITED, 0, GMAIL },
    { "limit exceeded", SR_REASON_RATE_LIMITED, 0, GMAIL },
    { "daily limit", SR_REASON_RATE_LIMITED, 0, MICROSOFT },
    { "rate limit", SR_REASON_RATE_LIMITED, 0, EXIM },
    { "too many errors", SR_REASON_POLICY, 0, POSTFIX },
    { "administrative prohibition", SR_REASON_POLICY, 0, EXIM },   /* an ACL said no */
    /* The client host and the message's form. */
    { "cannot find your hostname", SR_REASON_REPUTATION, 0, POSTFIX_ACCESS },
    { "cannot find your reverse hostname", SR_REASON_REPUTATION, 0, POSTFIX_ACCESS },
    { "reverse dns", SR_REASON_REPUTATION, 0, MICROSOFT },
    { "protocol violation", SR_REASON_SYNTAX, 0, GMAIL },
    { "malformed", SR_REASON_SYNTAX, 0, GMAIL },
    { "invalid characters", SR_REASON_SYNTAX, 0, MICROSOFT },
    { "bad helo", SR_REASON_SYNTAX, 0, MICROSOFT },
    { "server busy", SR_REASON_SERVER_UNAVAILABLE, 0, GMAIL },
    { "temporary system problem", SR_REASON_SERVER_UNAVAILABLE, 0, GMAIL },
    { "sender policy framework", SR_REASON_SENDER_AUTH, 0, MICROSOFT },
};

/* Broad words, weaker than an exact enhanced code ("5.7.23 ... Sender
 * Policy Framework violation" is about SPF, not any policy). */
static const text_rule broad_text_rules[] = {
    { "reputation", SR_REASON_REPUTATION, 0, MICROSOFT },
    { "spam", SR_REASON_SPAM, 0, RFC3463 },
    { "policy", SR_REASON_POLICY, 0, RFC3463 },
};

/*
 * Enhanced status codes (RFC 3463 3.1-3.8 and later registrations), by
 * subject and detail; a detail of -1 stands for the whole subject.  Exact
 * pairs come before their subject's catch-all.  SR_REASON_NONE leaves it
 * to the reply code: X.5.1 is both "not supported" (502) and "out of
 * sequence" (503), X.5.4 both a bad argument (501) and an unknown
 * parameter (555).
 */
typedef struct {
    gint16    subject;
    gint16    detail;
    sr_reason reason;
} enhanced_rule;

static const enhanced_rule enhanced_rules[] = {
    { 1, 1, SR_REASON_USER_UNKNOWN },       /* bad destination mailbox address */
    { 1, 2, SR_REASON_ROUTING },            /* bad destination system address */
    { 1, 3, SR_REASON_SYNTAX },             /* bad destination mailbox address syntax */
    { 1, 4, SR_REASON_USER_UNKNOWN },       /* destination mailbox address ambiguous */
    { 1, 6, SR_REASON_USER_UNKNOWN },       /* destination mailbox has moved */
    { 1, 7, SR_REASON_SYNTAX },             /* bad sender's mailbox address syntax */
    { 1, 8, SR_REASON_SENDER_REJECTED },    /* bad sender's system address */
    { 1, 10, SR_REASON_ROUTING },           /* recipient address has null MX (RFC 7505) */
    { 1, -1, SR_REASON_USER_UNKNOWN },
    { 2, 0, SR_REASON_OTHER },              /* other or undefined mailbox status (busy, ...) */
    { 2, 1, SR_REASON_MAILBOX_DISABLED },   /* mailbox disabled, not accepting messages */
    { 2, 2, SR_REASON_MAILBOX_FULL },       /* mailbox full */
    { 2, 3, SR_REASON_MESSAGE_TOO_BIG },    /* message length exceeds administrative limit */
    { 2, 4, SR_REASON_ROUTING },            /* mailing list expansion problem */
    { 2, -1, SR_REASON_MAILBOX_DISABLED },
    { 3, 1, SR_REASON_STORAGE },            /* mail system full */
    { 3, 3, SR_REASON_NOT_IMPLEMENTED },    /* system not capable of selected features */
    { 3, 4, SR_REASON_MESSAGE_TOO_BIG },    /* message too big for system */
    { 3, -1, SR_REASON_SERVER_UNAVAILABLE },
    { 4, 2, SR_REASON_SERVER_UNAVAILABLE }, /* bad connection */
    { 4, 5, SR_REASON_SERVER_UNAVAILABLE }, /* mail system congestion */
    { 4, -1, SR_REASON_ROUTING },           /* network and routing status */
    { 5, 1, SR_REASON_NONE },               /* invalid command: the code says which */
    { 5, 2, SR_REASON_SYNTAX },             /* syntax error */
    { 5, 3, SR_REASON_TOO_MANY_RECIPIENTS },
    { 5, 4, SR_REASON_NONE },               /* invalid command arguments: the code says */
    { 5, 5, SR_REASON_NOT_IMPLEMENTED },    /* wrong protocol version */
    { 5, 6, SR_REASON_AUTH_FAILED },        /* authentication exchange line too long */
    { 5, 0, SR_REASON_OTHER },
    { 5, -1, SR_REASON_SYNTAX },            /* invalid command, syntax error, arguments */
    { 6, 7, SR_REASON_NOT_IMPLEMENTED },    /* non-ASCII addresses not permitted (RFC 6531) */
    { 6, 8, SR_REASON_NOT_IMPLEMENTED },
    { 6, 9, SR_REASON_NOT_IMPLEMENTED },
    { 6, -1, SR_REASON_POLICY },            /* message content or media */
    { 7, 4, SR_REASON_NOT_IMPLEMENTED },    /* security features not supported */
    { 7, 6, SR_REASON_NOT_IMPLEMENTED },    /* cryptographic algorithm not supported */
    { 7, 8, SR_REASON_AUTH_FAILED },        /* authentication credentials invalid */
    { 7, 9, SR_REASON_AUTH_FAILED },        /* authentication mechanism is too weak */
    { 7, 10, SR_REASON_TLS_REQUIRED },      /* encryption needed */
    { 7, 11, SR_REASON_TLS_REQUIRED },      /* encryption required for the mechanism */
    { 7, 12, SR_REASON_AUTH_FAILED },       /* a password transition is needed */
    { 7, 13, SR_REASON_MAILBOX_DISABLED },  /* user account disabled */
    { 7, 16, SR_REASON_MESSAGE_TOO_BIG },   /* message too big for the priority */
    { 7, 17, SR_REASON_USER_UNKNOWN },      /* mailbox owner has changed */
    { 7, 18, SR_REASON_USER_UNKNOWN },      /* domain owner has changed */
    { 7, 20, SR_REASON_SENDER_AUTH },       /* no passing DKIM signature */
    { 7, 21, SR_REASON_SENDER_AUTH },       /* no acceptable DKIM signature */
    { 7, 22, SR_REASON_SENDER_AUTH },       /* no valid author-matched DKIM signature */
    { 7, 23, SR_REASON_SENDER_AUTH },       /* SPF validation failed */
    { 7, 24, SR_REASON_SENDER_AUTH },       /* SPF validation error */
    { 7, 25, SR_REASON_REPUTATION },        /* reverse DNS validation failed */
    { 7, 26, SR_REASON_SENDER_AUTH },       /* multiple authentication checks failed */
    { 7, 27, SR_REASON_SENDER_REJECTED },   /* sender address has null MX */
    { 7, 29, SR_REASON_SENDER_AUTH },       /* ARC validation failure */
    { 7, 30, SR_REASON_TLS_REQUIRED },      /* REQUIRETLS support required */
    { 7, -1, SR_REASON_POLICY },            /* security or policy status */
};

/*
 * Reply codes (RFC 5321 4.2.2-4.2.3, RFC 4954, RFC 3207, RFC 7504), for
 * replies whose text and enhanced code say nothing more.  COMMAND narrows
 * a code to one command (SR_CMD_COUNT: any); the first match wins.  A
 * strong code (syntax, sequence, authentication) decides before an
 * enhanced code's subject does; the rest only after it.  So does a code
 * read with its command, which says what it is about.
 */
typedef struct {
    guint16         code;
    sr_command_kind command;
    sr_reason       reason;
    const char     *source;
    gboolean        strong;   /* says more than an enhanced code's subject */
} code_rule;

static const code_rule code_rules[] = {
    { 421, SR_CMD_COUNT, SR_REASON_SERVER_UNAVAILABLE, RFC5321, FALSE },
    { 432, SR_CMD_COUNT, SR_REASON_AUTH_FAILED, RFC4954, FALSE },
    { 450, SR_CMD_COUNT, SR_REASON_OTHER, RFC5321, FALSE },
    { 451, SR_CMD_COUNT, SR_REASON_SERVER_UNAVAILABLE, RFC5321, FALSE },
    { 452, SR_CMD_RCPT, SR_REASON_TOO_MANY_RECIPIENTS, "RFC 5321 4.5.3.1.10", TRUE },
    { 452, SR_CMD_COUNT, SR_REASON_STORAGE, RFC5321, FALSE },
    { 454, SR_CMD_STARTTLS, SR_REASON_SERVER_UNAVAILABLE, "RFC 3207 4", TRUE },
    { 454, SR_CMD_COUNT, SR_REASON_AUTH_FAILED, RFC4954, FALSE },
    { 455, SR_CMD_COUNT, SR_REASON_NOT_IMPLEMENTED, "RFC 5321 4.2.3", FALSE },
    { 500, SR_CMD_COUNT, SR_REASON_SYNTAX, RFC5321, TRUE },
    { 501, SR_CMD_COUNT, SR_REASON_SYNTAX, RFC5321, TRUE },
    { 502, SR_CMD_COUNT, SR_REASON_NOT_IMPLEMENTED, RFC5321, TRUE },
    { 503, SR_CMD_COUNT, SR_REASON_BAD_SEQUENCE, RFC5321, TRUE },
    { 504, SR_CMD_COUNT, SR_REASON_NOT_IMPLEMENTED, RFC5321, TRUE },
    { 521, SR_CMD_COUNT, SR_REASON_SERVER_UNAVAILABLE, "RFC 7504 3", FALSE },
    { 530, SR_CMD_COUNT, SR_REASON_AUTH_REQUIRED, RFC4954, TRUE },
    { 534, SR_CMD_COUNT, SR_REASON_AUTH_FAILED, RFC4954, TRUE },
    { 535, SR_CMD_COUNT, SR_REASON_AUTH_FAILED, RFC4954, TRUE },
    { 538, SR_CMD_COUNT, SR_REASON_TLS_REQUIRED, RFC4954, TRUE },
    { 551, SR_CMD_COUNT, SR_REASON_ROUTING, RFC5321, FALSE },
    { 552, SR_CMD_MAIL, SR_REASON_MESSAGE_TOO_BIG, "RFC 1870 6", TRUE },
    { 552, SR_CMD_END_OF_DATA, SR_REASON_MESSAGE_TOO_BIG, "RFC 1870 6", TRUE },
    { 552, SR_CMD_BDAT, SR_REASON_MESSAGE_TOO_BIG, "RFC 3030 2", TRUE },
    { 552, SR_CMD_COUNT, SR_REASON_MAILBOX_FULL, RFC5321, FALSE },
    { 553, SR_CMD_MAIL, SR_REASON_SENDER_REJECTED, RFC5321, TRUE },
    { 553, SR_CMD_COUNT, SR_REASON_SYNTAX, RFC5321, FALSE },
    { 554, SR_CMD_GREETING, SR_REASON_SERVER_UNAVAILABLE, "RFC 5321 3.1", TRUE },
    { 554, SR_CMD_DATA, SR_REASON_BAD_SEQUENCE, "RFC 5321 3.3", TRUE }, /* no valid recipients */
    { 554, SR_CMD_COUNT, SR_REASON_POLICY, RFC5321, FALSE },
    { 555, SR_CMD_COUNT, SR_REASON_NOT_IMPLEMENTED, RFC5321, TRUE },
    { 556, SR_CMD_COUNT, SR_REASON_ROUTING, "RFC 7504 3", FALSE },
};

/*
 * Words in a reply that name who wrote it.  A domain counts only where it
 * names a host or a page, not as the domain of a mail address: "550 5.1.1
 * <bob@yahoo.com>: User unknown" may come from any server.
 */
typedef struct {
    const char *words;
    const char *provider;
    gboolean    domain;
} provider_rule;

static const provider_rule provider_rules[] = {
    { "gsmtp", "Gmail", FALSE },                /* Gmail's replies end so */
    { "support.google.com", "Gmail", TRUE },
    { "protection.outlook.com", "Microsoft", TRUE },
    { "outlook.com", "Microsoft", TRUE },
    { "hotmail.com", "Microsoft", TRUE },
    { "go.microsoft.com", "Microsoft", TRUE },
    { "[ts0", "Yahoo", FALSE },                 /* [TS01]-[TS03] */
    { "[tss", "Yahoo", FALSE },                 /* [TSS04], [TSS09], ... */
    { "[tsm", "Yahoo", FALSE },
    { "[bl2", "Yahoo", FALSE },
    { "[ph0", "Yahoo", FALSE },
    { "yahoo.com", "Yahoo", TRUE },
    { "yahoodns.net", "Yahoo", TRUE },
    { "aol.com", "AOL", TRUE },
    { "[cs0", "Apple", FALSE },                 /* [CS01], [HM07], [HM08] */
    { "[hm0", "Apple", FALSE },
    { "support.apple.com", "Apple", TRUE },
    { "icloud.com", "Apple", TRUE },
};

/* WORDS in TEXT; when DOMAIN, as a host's or a page's name: not inside a
 * longer name, and not the domain of a mail address ("bob@mail.yahoo.com"). */
static gboolean
names_provider(const char *text, const provider_rule *rule)
{
    for (const char *at = text; (at = strstr(at, rule->words)) != NULL; at++) {
        const char *p = at;

        if (!rule->domain)
            return TRUE;
        if (p > text && (g_ascii_isalnum(p[-1]) || p[-1] == '-'))
            continue;
        /* Back over the host name it ends: after an "@" it is an address. */
        while (p > text && (g_ascii_isalnum(p[-1]) || p[-1] == '.' || p[-1] == '-'))
            p--;
        if (p == text || p[-1] != '@')
            return TRUE;
    }
    return FALSE;
}

/* The text searched: every line's text, folded to lower case, joined by
 * spaces, cut here.  Reasons are said early; a long reply's tail is noise. */
#define TEXT_MAX 1024

/*
 * Which pairs of adjacent bytes the text holds, hashed into 2048 bits: a
 * rule whose first two or last two bytes are not there cannot match, and
 * nearly every rule is dismissed so, without a search.
 */
#define BIGRAM_BITS 2048u

typedef struct {
    guint64 bits[BIGRAM_BITS / 64];
} bigrams;

static inline guint
bigram_hash(guint8 a, guint8 b)
{
    return ((guint)a * 67u + b) & (BIGRAM_BITS - 1);
}

static inline gboolean
has_bigram(const bigrams *seen, guint8 a, guint8 b)
{
    guint h = bigram_hash(a, b);

    return (seen->bits[h >> 6] >> (h & 63)) & 1u;
}

/* WORDS (two bytes or more) may be in the text. */
static inline gboolean
may_hold(const bigrams *seen, const char *words)
{
    gsize n = strlen(words);

    return has_bigram(seen, (guint8)words[0], (guint8)words[1])
        && has_bigram(seen, (guint8)words[n - 2], (guint8)words[n - 1]);
}

static gsize
fold_text(const sr_reply *reply, char *out, bigrams *seen)
{
    gsize n = 0;

    memset(seen, 0, sizeof *seen);
    for (guint i = 0; i < reply->lines->len && n < TEXT_MAX; i++) {
        gsize len;
        const guint8 *text = sr_reply_line_text(reply, i, &len);

        if (i > 0)
            out[n++] = ' ';
        for (gsize k = 0; k < len && n < TEXT_MAX; k++) {
            guint8 c = text[k];

            /* A NUL would end the string early: fold it to a space. */
            out[n++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c ? (char)c : ' ';
        }
    }
    out[n] = '\0';
    for (gsize k = 1; k < n; k++) {
        guint h = bigram_hash((guint8)out[k - 1], (guint8)out[k]);

        seen->bits[h >> 6] |= G_GUINT64_CONSTANT(1) << (h & 63);
    }
    return n;
}

static gboolean
text_rule_find(const text_rule *rules, gsize n, const char *text, const bigrams *seen, guint klass,
               sr_reason_result *result)
{
    for (gsize i = 0; i < n; i++) {
        const text_rule *r = &rules[i];

        if ((r->klass == 0 || r->klass == klass) && may_hold(seen, r->words)
                && strstr(text, r->words)) {
            result->reason = r->reason;
            result->source = r->source;
            return TRUE;
        }
    }
    return FALSE;
}

/* The first rule for CODE answering COMMAND among the strong ones or the rest. */
static gboolean
code_rule_find(guint code, sr_command_kind command, gboolean strong, sr_reason_result *result)
{
    for (gsize i = 0; i < G_N_ELEMENTS(code_rules); i++) {
        const code_rule *r = &code_rules[i];

        if (r->code == code && r->strong == strong
                && (r->command == SR_CMD_COUNT || r->command == command)) {
            result->reason = r->reason;
            result->source = r->source;
            return TRUE;
        }
    }
    return FALSE;
}

/* The rule for ENH among the exact pairs (EXACT) or the subjects' catch-alls;
 * FALSE when none decides (or one leaves it to the reply code). */
static gboolean
enhanced_rule_find(const sr_enhanced *enh, gboolean exact, sr_reason_result *result)
{
    for (gsize i = 0; i < G_N_ELEMENTS(enhanced_rules); i++) {
        const enhanced_rule *r = &enhanced_rules[i];

        if (r->subject != (gint)enh->subject || (r->detail >= 0) != exact
                || (exact && r->detail != (gint)enh->detail))
            continue;
        if (r->reason == SR_REASON_NONE)
            return FALSE;
        result->reason = r->reason;
        result->source = RFC3463;
        return TRUE;
    }
    return FALSE;
}

sr_reason_result
sr_reason_find(const sr_reply *reply, sr_command_kind command)
{
    sr_reason_result result = { SR_REASON_NONE, NULL, NULL };
    const sr_enhanced *enh;
    char text[TEXT_MAX + 2];
    bigrams seen;
    guint klass = reply->code / 100;

    if (klass != 4 && klass != 5)
        return result;
    /* Not an initializer: that would clear all of TEXT for every reply. */
    text[0] = '\0';
    if (fold_text(reply, text, &seen) > 1) {
        for (gsize i = 0; i < G_N_ELEMENTS(provider_rules); i++) {
            if (may_hold(&seen, provider_rules[i].words) && names_provider(text, &provider_rules[i])) {
                result.provider = provider_rules[i].provider;
                break;
            }
        }
        if (text_rule_find(text_rules, G_N_ELEMENTS(text_rules), text, &seen, klass, &result))
            return result;
    }
    /* Then an exact enhanced code, the broad words, the strong codes, the
     * enhanced code's subject and last the other codes: "535 5.7.139" is
     * an authentication failure before it is "security or policy". */
    enh = sr_reply_enhanced(reply);
    if (enh && enhanced_rule_find(enh, TRUE, &result))
        return result;
    if (text[0] && text_rule_find(broad_text_rules, G_N_ELEMENTS(broad_text_rules), text, &seen,
                                  klass, &result))
        return result;
    if (code_rule_find(reply->code, command, TRUE, &result))
        return result;
    if (enh && enhanced_rule_find(enh, FALSE, &result))
        return result;
    if (code_rule_find(reply->code, command, FALSE, &result))
        return result;
    result.reason = SR_REASON_OTHER;
    result.source = RFC5321;
    return result;
}
