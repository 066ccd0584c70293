#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Drives Dovecot's LMTP server for lmtp.pcap.

    lmtp_client.py SERVER PORT CLIENT_PORT

LMTP (RFC 2033) answers the end of a message once per accepted recipient,
in RCPT order, not once per message: this client counts the RCPTs that got
a 2yz and reads that many replies after the final dot and after BDAT LAST.
Every reply is Dovecot's own; the client waits for each reply before its
next command.  It reuses postfix_client.py's Session: one connection from
CLIENT_PORT, so the capture filter selects only it.

The users are those make-samples.sh gives Dovecot: bob and dave have room,
carol's quota (100 bytes) is smaller than any message here, and there is no
user "nobody".
"""

import sys

sys.dont_write_bytecode = True  # no __pycache__ in samples/tools
from postfix_client import HELO, Session  # noqa: E402

FROM = "alice@example.test"


def transaction(s, recipients):
    """MAIL and one RCPT per recipient; returns how many were accepted."""
    s.cmd("MAIL FROM:<%s>" % FROM)
    return sum(1 for rcpt in recipients if s.cmd("RCPT TO:<%s>" % rcpt) // 100 == 2)


def per_recipient(s, accepted, what):
    codes = [s.reply() for _ in range(accepted)]
    # The capture is for these: one 2yz and one 5yz at least, or it is wrong.
    if not any(c // 100 == 2 for c in codes) or not any(c // 100 in (4, 5) for c in codes):
        sys.exit("lmtp: expected delivered and refused recipients after %s, got %r"
                 % (what, codes))


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: lmtp_client.py SERVER PORT CLIENT_PORT")
    s = Session(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
    s.cmd("LHLO " + HELO)
    chunking = any(line[4:].upper() == b"CHUNKING" for line in s.lines)

    # DATA: bob delivered, nobody refused at RCPT (550 5.1.1), carol accepted
    # at RCPT (Dovecot checks quota only when saving, lmtp_rcpt_check_quota =
    # no) but refused after the dot, dave delivered: three replies to the dot.
    accepted = transaction(s, ["bob@example.test", "nobody@example.test",
                               "carol@example.test", "dave@example.test"])
    if s.cmd("DATA") != 354:
        sys.exit("lmtp: DATA refused")
    s.send(b"From: alice@example.test\r\nTo: bob@example.test, carol@example.test,"
           b" dave@example.test\r\nSubject: smtpreply sample (LMTP)\r\n\r\n"
           b"One message, one reply per recipient.\r\n.\r\n")
    per_recipient(s, accepted, "the final dot")

    # BDAT: a first chunk (one reply), then the last one, answered once per
    # recipient like the dot: bob delivered, carol over quota again.
    if not chunking:
        sys.exit("lmtp: the server does not announce CHUNKING")
    accepted = transaction(s, ["bob@example.test", "carol@example.test"])
    first = (b"From: alice@example.test\r\nTo: bob@example.test, carol@example.test\r\n"
             b"Subject: smtpreply sample (LMTP, BDAT)\r\n\r\n")
    last = b"Two chunks, one reply per recipient to the last.\r\n"
    s.send(b"BDAT %d\r\n" % len(first) + first)
    s.reply()
    s.send(b"BDAT %d LAST\r\n" % len(last) + last)
    per_recipient(s, accepted, "BDAT LAST")

    s.cmd("QUIT")
    s.wait_close()


if __name__ == "__main__":
    main()
