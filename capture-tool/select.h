/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which replies to show: the expression of -Y / --select, in the manner of
 * tshark's display filters, compiled once and matched against each reply.
 *
 * A comparison is FIELD OP VALUE; a bare FIELD asks whether the reply has
 * it.  The fields are the JSON record's keys, with its values:
 *
 *   code        number   the reply code
 *   class       name     "Positive Completion", ...; or its digit: class == 5
 *   category    name     "Syntax", "Mail system", ...; or the second digit
 *   enhanced    string   "5.1.1"
 *   command     string   what it answers: "RCPT", "<greeting>"; no case
 *   argument    string   that command's argument
 *   client      string   "192.0.2.1:40000", "[2001:db8::1]:40000"
 *   server      string   the same; == and != also take the address alone
 *   reason      name     "user-unknown", "greylisted", ...
 *   anomaly     name     each of the reply's anomalies: a test holds if it
 *                        holds for any of them; != as in Wireshark 4,
 *                        for all of them (anomalies, none of them that)
 *   latency_ms  number   the reply time in milliseconds, decimals allowed,
 *                        compared exactly
 *   flow        number   the flow's number, from 0
 *   frame       number   the packet that completed the reply, from 1 in
 *                        its own file when several are read as one
 *   text        string   the reply's lines, after their codes, joined by \n
 *
 * Operators: == != < <= > >= on numbers (on class and category, with a
 * digit); == != contains on strings and names, case-sensitive but for
 * command.  == and != with a name (class, category, reason, anomaly) must
 * name one that exists: a typo is an error, not a filter that matches
 * nothing.  Logic: not, and, or (also !, &&, ||) in that order of
 * precedence, and parentheses.  Numbers are decimal digits, with a
 * fraction only for latency_ms; strings are in double quotes, with
 * \" \\ \n \r \t and \xNN.
 *
 * A field the reply lacks (no code, and so no class or category; no
 * enhanced code, command, argument, reason or anomaly; an unknown reply
 * time) fails every comparison, != included: as in Wireshark, "code !=
 * 250" means a code other than 250, so a reply without a code is not
 * selected.  "not code == 250" selects everything but 250s.  A class or
 * category digit the RFC leaves unnamed (6yz, x6z) has a null name in
 * JSON: only digits compare with it.
 */
#ifndef SELECT_H
#define SELECT_H

#include <glib.h>

#include "flows.h"

/* The longest expression and the deepest nesting (parentheses and nots)
 * accepted: compiling recurses that deep and no deeper. */
#define SELECT_MAX_LENGTH 4096
#define SELECT_MAX_DEPTH  64

typedef struct select_expr select_expr;

/* NULL and *ERROR set (INPUT_ERROR, EXIT_USAGE) on a bad expression: one
 * line that quotes it, says what is wrong and at which column
 * (characters, from 1). */
select_expr *select_compile(const char *text, GError **error);
/* Allocates nothing: it runs once for every reply. */
gboolean select_match(const select_expr *e, const reply_event *ev);
void select_free(select_expr *e);

#endif /* SELECT_H */
