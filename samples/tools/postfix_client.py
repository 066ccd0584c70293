#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Drives the real Postfix through sessions swaks cannot send.

    postfix_client.py SCENARIO SERVER PORT CLIENT_PORT

Every reply in the captures this makes is Postfix's own: this client only
sends commands (syntax errors, commands out of sequence, VRFY/EXPN/HELP,
BDAT) and waits for each reply before the next command, except in the two
scenarios whose point is not to wait (pipelined-burst, early-body), and in
too-many-errors, whose last reply (a 421) answers no command.  It
binds CLIENT_PORT so the capture filter can select this one connection.
"""

import collections
import socket
import sys
import threading
import time

HELO = "client.example.test"


class Session:
    def __init__(self, server, port, client_port):
        family = socket.AF_INET6 if ":" in server else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((server if family == socket.AF_INET6 else "127.0.0.1", client_port))
        self.sock.settimeout(20)
        self.sock.connect((server, port))
        self.buf = b""
        self.lines = []  # the lines of the last reply
        self.reply()  # greeting

    def line(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("server closed the connection")
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def reply(self, echo=True):
        """Reads one whole reply; returns its code (its lines in self.lines)."""
        self.lines = []
        while True:
            line = self.line()
            self.lines.append(line)
            if echo:
                sys.stderr.write("S: %r\n" % line)
            if len(line) < 4 or line[3:4] != b"-":
                return int(line[:3])

    def send(self, data):
        sys.stderr.write("C: %r\n" % data[:80])
        self.sock.sendall(data)

    def send_paced(self, data, size=1448, pause=0.002):
        """Sends DATA in segments of SIZE bytes, as over Ethernet: the
        loopback would otherwise carry it in a few 64 KB segments."""
        sys.stderr.write("C: %d bytes in %d-byte segments\n" % (len(data), size))
        for i in range(0, len(data), size):
            self.sock.sendall(data[i:i + size])
            time.sleep(pause)

    def cmd(self, text):
        self.send(text.encode("ascii") + b"\r\n")
        return self.reply()

    def close(self):
        self.cmd("QUIT")
        self.sock.close()

    def wait_close(self):
        """After 221: reads until the server closes, so that the server's
        FIN comes first and the capture ends in an orderly close."""
        while self.sock.recv(65536):
            pass
        self.sock.close()


def syntax_errors(s):
    s.cmd("EHLO")                                   # 501: no hostname
    s.cmd("EHLO " + HELO)
    s.cmd("")                                       # 500: empty command line
    s.cmd("XYZZY frobnicate")                       # 502: unknown verb
    s.cmd("MAIL TO:<alice@example.test>")           # 501: not FROM:
    s.cmd("MAIL FROM:<alice@example.test> BOGUS=1")  # 555: unknown parameter
    s.cmd("MAIL FROM:<alice@example.test>")
    s.cmd("RCPT TO:<bob@@example.test>")            # 501: address syntax
    s.cmd("RCPT")                                   # 501: no argument
    s.cmd("RSET")
    s.close()


def disabled_commands(s):
    s.cmd("EHLO " + HELO)
    s.cmd("VRFY alice")                             # 502: VRFY disabled
    s.cmd("STARTTLS")                               # 502: no TLS here
    s.cmd("AUTH PLAIN")                             # 503: no AUTH here
    s.cmd("ETRN")                                   # 500: no argument
    s.close()


def bad_sequence(s):
    s.cmd("EHLO " + HELO)
    s.cmd("RCPT TO:<bob@example.test>")             # 503: need MAIL
    s.cmd("DATA")                                   # 503: need RCPT
    s.cmd("MAIL FROM:<alice@example.test>")
    s.cmd("MAIL FROM:<alice@example.test>")         # 503: nested MAIL
    s.cmd("DATA")                                   # 554: no valid recipients
    s.cmd("EHLO " + HELO)
    s.send(b"BDAT 12 LAST\r\nHello, Bob\r\n")  # 503 after the chunk is read
    s.reply()
    s.close()


def info_commands(s):
    s.cmd("EHLO " + HELO)
    s.cmd("VRFY alice")
    s.cmd("VRFY nobody@example.test")
    s.cmd("EXPN staff")
    s.cmd("HELP")
    s.cmd("NOOP")
    s.cmd("MAIL FROM:<alice@example.test>")
    s.cmd("RSET")
    s.close()


def bdat(s):
    s.cmd("EHLO " + HELO)
    s.cmd("MAIL FROM:<alice@example.test>")
    s.cmd("RCPT TO:<bob@example.test>")
    first = (b"From: alice@example.test\r\nTo: bob@example.test\r\n"
             b"Subject: smtpreply sample (BDAT)\r\n\r\n")
    second = b"This message was sent in two BDAT chunks.\r\n"
    s.send(b"BDAT %d\r\n" % len(first) + first)
    s.reply()
    s.send(b"BDAT %d LAST\r\n" % len(second) + second)
    s.reply()
    s.close()


def submission_reject(s):
    s.cmd("EHLO " + HELO)
    s.cmd("MAIL FROM:<alice@example.test>")
    s.cmd("RCPT TO:<nobody@example.test>")          # 550 + footer line
    s.cmd("RCPT TO:<someone@elsewhere.test>")       # 554 + footer line
    s.cmd("RCPT TO:<busy@example.test>")            # 450 + footer line
    s.cmd("RCPT TO:<bob@example.test>")
    s.cmd("XYZZY")                                  # 502 + footer line
    s.cmd("RSET")
    s.close()


def too_large_size(s):
    s.cmd("EHLO " + HELO)
    s.cmd("MAIL FROM:<alice@example.test> SIZE=2000000")  # 552 at MAIL
    s.close()


def too_large_body(s):
    s.cmd("EHLO " + HELO)
    s.cmd("MAIL FROM:<alice@example.test>")
    s.cmd("RCPT TO:<bob@example.test>")
    s.cmd("DATA")
    body = b"Subject: smtpreply sample (too large)\r\n\r\n"
    body += b"".join(b"line %04d of a message over the 8 KB limit of port 587\r\n" % i
                     for i in range(300))
    s.send(body + b".\r\n")
    s.reply()                                       # 552 after the final dot
    s.close()


def large_message(s):
    s.cmd("EHLO " + HELO)
    s.cmd("MAIL FROM:<alice@example.test>")
    s.cmd("RCPT TO:<bob@example.test>")
    s.cmd("DATA")
    # About 300 KB of 72-column text: the data phase spans some 200 segments.
    body = b"From: alice@example.test\r\nTo: bob@example.test\r\n"
    body += b"Subject: smtpreply sample (large message)\r\n\r\n"
    body += b"".join(("line %05d of a large smtpreply sample message " % i)
                     .ljust(72, "-").encode("ascii") + b"\r\n" for i in range(4000))
    s.send_paced(body + b".\r\n")
    s.reply()
    s.close()


def pipelined_burst(s):
    s.cmd("EHLO " + HELO)
    # After EHLO (so PIPELINING is announced), MAIL, 10,000 RCPTs, RSET, NOOP
    # and QUIT in one sendall(): 328,944 bytes that TCP cuts into segments
    # of up to 64 KB.  Postfix answers all 10,004 commands (250 for the first
    # five recipients, 452 4.5.3 for the rest), writing its replies while
    # the burst still arrives.  The burst is written from a second thread
    # so that this one reads the replies meanwhile: with nobody reading,
    # both sides could block on full socket buffers.
    burst = [b"MAIL FROM:<alice@example.test>\r\n"]
    burst += [b"RCPT TO:<user%d@example.test>\r\n" % i for i in range(1, 10001)]
    burst += [b"RSET\r\n", b"NOOP\r\n", b"QUIT\r\n"]
    sys.stderr.write("C: %d commands, %d bytes, in one write\n" % (len(burst), len(b"".join(burst))))
    writer = threading.Thread(target=s.sock.sendall, args=(b"".join(burst),))
    writer.start()
    codes = collections.Counter()
    while True:
        code = s.reply(echo=False)
        codes[code] += 1
        if code == 221 or code == 421:
            break
    writer.join()
    s.wait_close()
    sys.stderr.write("S: %d replies: %s\n" % (sum(codes.values()), ", ".join(
        "%d x%d" % (c, n) for c, n in sorted(codes.items()))))
    # A 421 (too many errors) or a missing reply means the listener's limits
    # are wrong for this capture: fail rather than record it.
    if sum(codes.values()) != len(burst) or 421 in codes:
        sys.exit("pipelined-burst: expected %d replies" % len(burst))


def early_body(s):
    s.cmd("EHLO " + HELO)
    s.cmd("MAIL FROM:<alice@example.test>")
    s.cmd("RCPT TO:<bob@example.test>")
    # DATA, the message, its final dot and QUIT in one write, without
    # waiting for the 354: the body reaches Postfix before the 354 leaves.
    # RFC 2920 wants a client to wait; Postfix 3.7 only logs "improper
    # command pipelining after DATA", answers 354 and reads the body already
    # in its input buffer (with smtpd_forbid_unauth_pipelining = yes, the
    # default from Postfix 3.9, it would hang up instead).  Postfix flushes
    # its replies when its input runs dry, so 354, 250 and 221 leave in one
    # segment.
    body = (b"From: alice@example.test\r\nTo: bob@example.test\r\n"
            b"Subject: smtpreply sample (early body)\r\n\r\n"
            b"This body was sent in the same write as DATA, before the 354.\r\n")
    s.send(b"DATA\r\n" + body + b".\r\nQUIT\r\n")
    codes = [s.reply(), s.reply(), s.reply()]
    s.wait_close()
    if codes != [354, 250, 221]:
        sys.exit("early-body: expected 354, 250, 221, got %r" % codes)


def too_many_errors(s):
    # 127.0.0.5: smtpd_hard_error_limit = 3.  A transaction is open (MAIL and
    # one RCPT accepted) when the client makes its three errors, one command
    # at a time, each after the reply to the one before.  After the third
    # error reply Postfix sends "421 4.7.0 ... Error: too many errors" on its
    # own, before reading anything more, and hangs up: the client only reads.
    codes = [s.cmd("EHLO " + HELO),
             s.cmd("MAIL FROM:<alice@example.test>"),
             s.cmd("RCPT TO:<bob@example.test>"),
             s.cmd("RCPT TO:<nobody@example.test>"),  # 550 5.1.1: error 1
             s.cmd("XYZZY"),                          # 500 5.5.2: error 2
             s.cmd("RCPT TO:<bob@@example.test>")]    # 501 5.1.3: error 3
    codes.append(s.reply())                           # 421, unsolicited
    s.wait_close()
    if codes != [250, 250, 250, 550, 500, 501, 421]:
        sys.exit("too-many-errors: expected 250 250 250 550 500 501 421, got %r" % codes)


SCENARIOS = {
    "syntax-errors": syntax_errors,
    "disabled-commands": disabled_commands,
    "bad-sequence": bad_sequence,
    "info-commands": info_commands,
    "bdat": bdat,
    "submission-reject": submission_reject,
    "too-large-size": too_large_size,
    "too-large-body": too_large_body,
    "large-message": large_message,
    "pipelined-burst": pipelined_burst,
    "early-body": early_body,
    "too-many-errors": too_many_errors,
}


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in SCENARIOS:
        sys.exit("usage: postfix_client.py {%s} SERVER PORT CLIENT_PORT" % ",".join(SCENARIOS))
    server, port, client_port = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    SCENARIOS[sys.argv[1]](Session(server, port, client_port))


if __name__ == "__main__":
    main()
