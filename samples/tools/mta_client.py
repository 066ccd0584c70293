#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Drives servers other than Postfix: Exim and aiosmtpd.

    mta_client.py {exim,aiosmtpd} SERVER PORT CLIENT_PORT

One session per scenario: a typical delivery plus the negative replies
that server words in its own way.  Every reply is the server's own; the
client waits for each reply before its next command.  It reuses
postfix_client.py's Session: one connection from CLIENT_PORT, so the
capture filter selects only it.  Each scenario checks the codes it got,
so that a server configured differently fails the run instead of
recording a capture that shows something else.
"""

import sys

sys.dont_write_bytecode = True  # no __pycache__ in samples/tools
from postfix_client import HELO, Session  # noqa: E402

MESSAGE = (b"From: alice@example.test\r\nTo: bob@example.test\r\n"
           b"Subject: smtpreply sample (%s)\r\n\r\n"
           b"One small message, accepted for bob.\r\n.\r\n")


def message(s, server):
    s.send(MESSAGE % server.encode("ascii"))
    return s.reply()


def exim(s):
    # make-samples.sh's Exim: local domain example.test with users alice,
    # bob and carol; 127.0.0.1 may not relay; no acl_smtp_vrfy or
    # acl_smtp_expn, so VRFY and EXPN are refused.
    codes = [s.cmd("EHLO " + HELO),
             s.cmd("MAIL FROM:<alice@example.test>"),
             s.cmd("RCPT TO:<bob@example.test>"),        # known user
             s.cmd("RCPT TO:<nobody@example.test>"),     # unknown user
             s.cmd("RCPT TO:<someone@elsewhere.test>"),  # relay
             s.cmd("DATA"),
             message(s, "Exim"),                         # OK id=...
             s.cmd("VRFY bob@example.test"),
             s.cmd("EXPN staff"),
             s.cmd("HELP"),
             s.cmd("XYZZY"),                             # unknown command
             s.cmd("MAIL FROM:<alice@@example.test>"),   # bad address
             s.cmd("RCPT TO:<bob@example.test>"),        # no MAIL
             s.cmd("QUIT")]
    s.wait_close()
    want = [250, 250, 250, 550, 550, 354, 250, 252, 550, 214, 500, 501, 503, 221]
    if codes != want:
        sys.exit("exim: expected %r, got %r" % (want, codes))


def aiosmtpd(s):
    # tools/aiosmtpd_server.py: bob accepted, carol 452 (mailbox full),
    # nobody 550 5.1.1, other domains 550 5.7.1; the rest is aiosmtpd's.
    codes = [s.cmd("MAIL FROM:<alice@example.test>"),   # 503: before EHLO
             s.cmd("EHLO " + HELO),
             s.cmd("HELP"),
             s.cmd("VRFY bob@example.test"),
             s.cmd("EXPN staff"),
             s.cmd("XYZZY"),                            # unknown command
             s.cmd(""),                                 # empty line
             s.cmd("RCPT TO:<bob@example.test>"),       # 503: before MAIL
             s.cmd("MAIL TO:<alice@example.test>"),     # 501: not FROM:
             s.cmd("MAIL FROM:<alice@@example.test>"),  # 553: bad address
             s.cmd("MAIL FROM:<alice@example.test>"),
             s.cmd("RCPT TO:<bob@example.test>"),
             s.cmd("RCPT TO:<nobody@example.test>"),
             s.cmd("RCPT TO:<carol@example.test>"),
             s.cmd("RCPT TO:<someone@elsewhere.test>"),
             s.cmd("DATA"),
             message(s, "aiosmtpd"),
             s.cmd("QUIT")]
    s.wait_close()
    want = [503, 250, 250, 252, 502, 500, 500, 503, 501, 553, 250, 250, 550, 452,
            550, 354, 250, 221]
    if codes != want:
        sys.exit("aiosmtpd: expected %r, got %r" % (want, codes))


SCENARIOS = {"exim": exim, "aiosmtpd": aiosmtpd}


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in SCENARIOS:
        sys.exit("usage: mta_client.py {%s} SERVER PORT CLIENT_PORT" % ",".join(SCENARIOS))
    server, port, client_port = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    SCENARIOS[sys.argv[1]](Session(server, port, client_port))


if __name__ == "__main__":
    main()
