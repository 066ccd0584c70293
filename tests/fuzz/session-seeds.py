#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the seed scripts of fuzz-session into corpus/session/.

The script format is described at the top of fuzz-session.c; the seeds are
written from this file so that what each one says stays readable.  Run it
from anywhere: python3 tests/fuzz/session-seeds.py
"""
import os

CLIENT, SERVER = 0, 1


class Script:
    def __init__(self):
        self.out = bytearray()

    def send(self, side, data):
        """Records of at most 64 bytes: all at one time, so one packet."""
        for i in range(0, len(data), 64):
            part = data[i:i + 64]
            self.out += bytes([side << 6 | (len(part) - 1)]) + part
        return self

    def client(self, data):
        return self.send(CLIENT, data)

    def server(self, data):
        return self.send(SERVER, data)

    def send_long(self, side, data):
        """One record of 4 * (n + 1) bytes, for floods and big chunks."""
        assert len(data) % 4 == 0 and 4 <= len(data) <= 1024
        self.out += bytes([0xc4 + side, len(data) // 4 - 1]) + data
        return self

    def lose(self, side, data):
        for i in range(0, len(data), 31):
            part = data[i:i + 31]
            self.out += bytes([0x80 | side << 5 | len(part)]) + part
        return self

    def resync(self):
        self.out.append(0xc0)
        return self

    def finish(self):
        self.out.append(0xc1)
        return self

    def auth_plain(self, lost=0):
        """The client sends AUTH PLAIN with the marker as its secret."""
        self.out += bytes([0xc2, lost])
        return self

    def answer(self, lost=0):
        """The client answers the 334 with the marker."""
        self.out += bytes([0xc3, lost])
        return self

    def wait(self, ms):
        assert 1 <= ms <= 58
        self.out.append(0xc0 | (ms + 5))
        return self


def ehlo(s, *capabilities):
    s.server(b"220 mx.example.test ESMTP\r\n")
    s.client(b"EHLO client.example.test\r\n")
    lines = [b"mx.example.test"] + list(capabilities)
    reply = b"".join(b"250-" + l + b"\r\n" for l in lines[:-1]) + b"250 " + lines[-1] + b"\r\n"
    return s.server(reply)


def pipelining():
    s = ehlo(Script(), b"PIPELINING", b"SIZE 1000000", b"ENHANCEDSTATUSCODES", b"8BITMIME")
    s.client(b"MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n"
             b"RCPT TO:<c@example.test>\r\nDATA\r\n")
    s.server(b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n").wait(2)
    s.server(b"550 5.1.1 <c@example.test>: Recipient address rejected\r\n"
             b"354 End data with <CR><LF>.<CR><LF>\r\n")
    s.client(b"Subject: hello\r\n\r\nMAIL FROM:<not@a.command>\r\n..dot\r\n.\r\n")
    s.server(b"250 2.0.0 Ok: queued as 4Xy2\r\n")
    s.client(b"QUIT\r\n").server(b"221 2.0.0 Bye\r\n")
    return s


def bdat():
    s = ehlo(Script(), b"CHUNKING", b"BINARYMIME", b"PIPELINING")
    chunk = b"RCPT TO:<x@example.test>\r\n"
    s.client(b"MAIL FROM:<a@example.test> BODY=BINARYMIME\r\nRCPT TO:<b@example.test>\r\n")
    s.server(b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n")
    s.client(b"BDAT %d\r\n" % len(chunk) + chunk)
    s.server(b"250 2.0.0 %d octets received\r\n" % len(chunk))
    big = (b"\r\n.\r\nQUIT\r\n" + bytes(range(256))) * 2
    big = big[:len(big) // 4 * 4]
    s.client(b"BDAT %d\r\n" % len(big)).send_long(CLIENT, big)
    s.client(b"BDAT 5 LAST\r\n12345BDAT 0 LAST\r\n")
    s.server(b"250 2.0.0 octets received\r\n250 2.0.0 Ok: queued\r\n503 5.5.1 no mail\r\n")
    return s


def auth_login():
    s = ehlo(Script(), b"AUTH LOGIN PLAIN", b"AUTH=LOGIN PLAIN", b"ENHANCEDSTATUSCODES")
    s.client(b"AUTH LOGIN\r\n").server(b"334 VXNlcm5hbWU6\r\n").answer()
    s.server(b"334 UGFzc3dvcmQ6\r\n").answer()
    s.server(b"535 5.7.8 Error: authentication failed\r\n")
    s.auth_plain().server(b"235 2.7.0 Authentication successful\r\n")
    s.client(b"MAIL FROM:<a@example.test>\r\n").server(b"250 2.1.0 Ok\r\n")
    return s


def starttls():
    s = ehlo(Script(), b"STARTTLS", b"PIPELINING")
    s.client(b"STARTTLS\r\n").server(b"220 2.0.0 Ready to start TLS\r\n")
    s.client(bytes([0x16, 0x03, 0x01, 0x00, 0x30]) + bytes(range(0x30)) + b"EHLO x\r\n")
    s.server(bytes([0x16, 0x03, 0x03, 0x00, 0x10]) + b"250 ok\r\n\x00\xff\r\n221 bye\r\n")
    s.client(b"QUIT\r\n").server(b"221 bye\r\n")
    return s


def gaps():
    s = Script()
    s.server(b"220 mx.example.test ESMTP\r\n").client(b"EHLO c\r\n")
    # Server bytes lost inside the EHLO reply, then a whole reply lost.
    s.server(b"250-mx.example.test\r\n250-PIPELI").lose(SERVER, b"NING\r\n250-SIZE 10")
    s.server(b"00\r\n250 DSN\r\n")
    s.client(b"MAIL FROM:<a@example.test>\r\n").lose(SERVER, b"250 2.1.0 Ok\r\n")
    s.client(b"RCPT TO:<b@example.test>\r\n").server(b"250 2.1.5 Ok\r\n")
    s.client(b"DATA\r\n").server(b"354 go ahead\r\n")
    # Client bytes lost in the body, then in the middle of a command line.
    s.client(b"hello\r\n").lose(CLIENT, b"more body\r\n").client(b".\r\n")
    s.server(b"250 2.0.0 queued\r\n")
    s.client(b"RSET\r\nNO").lose(CLIENT, b"OP\r\nQU").client(b"IT\r\n")
    s.server(b"250 2.0.0 Ok\r\n221 2.0.0 Bye\r\n")
    return s


def midstream():
    s = Script().resync()
    s.server(b"ELINING\r\n250 8BITMIME\r\n")
    s.client(b"T TO:<b@example.test>\r\nNOOP\r\n")
    s.server(b"250 2.1.5 Ok\r\n250 2.0.0 Ok\r\n")
    s.client(b"QUIT\r\n").server(b"221 2.0.0 Bye\r\n")
    return s


def pending_cap():
    """More empty commands than the session keeps waiting."""
    s = Script().server(b"220 mx.example.test ESMTP\r\n")
    s.send_long(CLIENT, b"\n" * 1004).client(b"NOOP\r\n" * 3)
    s.server(b"500 5.5.2 Error: bad syntax\r\n" * 2)
    return s.finish()


def capability_caps():
    """An EHLO reply longer than the fuzz target's caps, with odd lines."""
    s = ehlo(Script(), b"size 52428800", b"AUTH=PLAIN LOGIN", b"X-" + b"LONG" * 20,
             b"SIZE", b"\x1b[31mRED", b"=empty", b"8BITMIME", b"DSN", b"SMTPUTF8",
             b"ENHANCEDSTATUSCODES")
    s.client(b"QUIT\r\n").wait(50).server(b"221 2.0.0 Bye\r\n")
    return s.finish().client(b"ignored after the end\r\n")


def lmtp():
    """LMTP (RFC 2033): a reply per accepted recipient after the dot and
    after BDAT LAST, one recipient refused at RCPT, one over quota."""
    s = Script().server(b"220 lmtp.example.test Dovecot ready.\r\n")
    s.client(b"LHLO c.example.test\r\n").wait(10)
    s.server(b"250-lmtp.example.test\r\n250-CHUNKING\r\n250-ENHANCEDSTATUSCODES\r\n"
             b"250 PIPELINING\r\n")
    s.client(b"MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<n@x>\r\nRCPT TO:<c@x>\r\nDATA\r\n")
    s.wait(10).server(b"250 2.1.0 OK\r\n250 2.1.5 OK\r\n550 5.1.1 <n@x> User doesn't exist\r\n"
                      b"250 2.1.5 OK\r\n354 OK\r\n")
    s.client(b"Subject: x\r\n\r\nhi\r\n.\r\n").wait(10)
    s.server(b"250 2.0.0 <b@x> id1 Saved\r\n552 5.2.2 <c@x> Quota exceeded\r\n")
    s.client(b"MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\nBDAT 3 LAST\r\nabc")
    s.wait(10).server(b"250 2.1.0 OK\r\n250 2.1.5 OK\r\n250 2.1.5 OK\r\n"
                      b"250 2.0.0 <b@x> id1:T2 Saved\r\n452 4.2.2 <c@x> Quota exceeded\r\n")
    s.client(b"QUIT\r\n").wait(10).server(b"221 2.0.0 Bye\r\n")
    return s.finish()


def early_body():
    """The message sent with DATA, before the 354 (Postfix reads it); then
    DATA refused with bytes after it, which are commands."""
    s = ehlo(Script(), b"PIPELINING")
    s.client(b"MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n").wait(10)
    s.server(b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n")
    s.client(b"DATA\r\nFROM: x\r\nRSET this is body\r\n.\r\nMAIL FROM:<a@x>\r\n")
    s.wait(10).server(b"354 go\r\n250 2.0.0 Ok: queued as ABC123\r\n250 2.1.0 Ok\r\n")
    s.client(b"DATA\r\nRSET\r\nNOOP\r\n").wait(10)
    s.server(b"554 5.5.1 Error: no valid recipients\r\n250 2.0.0 Ok\r\n250 2.0.0 Ok\r\n")
    return s.finish()


SEEDS = {
    "pipelining": pipelining,
    "bdat": bdat,
    "auth-login": auth_login,
    "starttls": starttls,
    "gaps": gaps,
    "midstream": midstream,
    "pending-cap": pending_cap,
    "capability-caps": capability_caps,
    "lmtp": lmtp,
    "early-body": early_body,
}

if __name__ == "__main__":
    where = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "session")
    os.makedirs(where, exist_ok=True)
    for name, make in SEEDS.items():
        with open(os.path.join(where, name), "wb") as f:
            f.write(make().out)
