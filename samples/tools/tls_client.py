#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Drives the real Postfix through TLS sessions, writing the TLS secrets.

    tls_client.py SCENARIO SERVER PORT CLIENT_PORT KEYLOG

Python's smtplib with an ssl.SSLContext whose keylog_filename writes the
NSS key log (the SSLKEYLOGFILE format Wireshark reads) to KEYLOG, except
in "keyupdate", where `openssl s_client -keylogfile` is the client (Python's
ssl cannot send a KeyUpdate).  KEYLOG is emptied first; "-" writes none.

Each session that gets through the handshake is EHLO, STARTTLS, EHLO,
MAIL, RCPT to bob (250), RCPT to nobody (550 5.1.1), DATA, the message,
QUIT: replies, a 5yz and a transaction inside TLS.  "smtps" is the same
without STARTTLS, on Postfix's implicit-TLS port.  smtplib sends its verbs
in lower case ("ehlo", "mail FROM:", "rcpt TO:", "data", "quit") but
"STARTTLS" in upper case.

The TLS version and cipher suite are forced from the client.  For TLS 1.2
ssl.SSLContext.set_ciphers names the one suite.  Python cannot set TLS 1.3
suites, so for those this script points OPENSSL_CONF at a small OpenSSL
configuration whose system_default section sets Ciphersuites, before the
ssl module is first imported (OpenSSL reads it once, then applies it to
every new SSL_CTX).  The session is checked afterwards: a version or suite
other than the one asked for fails the run.

The server's certificate is verified against itself (it is self-signed),
not its name (it has no subjectAltName, and Python does not match the
CN); SNI says mail.example.test.  "bad-cert" verifies it against another
CA, which makes the client abort the handshake with an alert.
"""

import os
import re
import subprocess
import sys
import tempfile
import threading
import time

HELO = "client.example.test"
SERVER_NAME = "mail.example.test"
CERT = "/etc/postfix/smtpreply/cert.pem"          # Postfix's, self-signed
OTHER_CA = "/etc/postfix/smtpreply/other-ca.pem"  # a CA that signed nothing here
MESSAGE = ("From: alice@example.test\r\nTo: bob@example.test\r\n"
           "Subject: smtpreply sample ({name})\r\n\r\n"
           "One short message, sent inside TLS.\r\n")

# SCENARIO: (TLS version, TLS 1.2 cipher string or TLS 1.3 suite, transport).
# None as the suite leaves OpenSSL's default offer.
SCENARIOS = {
    "tls12-aes-gcm": ("1.2", "ECDHE-RSA-AES128-GCM-SHA256", "starttls"),
    "tls12-chacha": ("1.2", "ECDHE-RSA-CHACHA20-POLY1305", "starttls"),
    # CBC with HMAC: Encrypt-then-MAC (RFC 7366), which OpenSSL offers and
    # takes by default with a CBC suite, and MAC-then-encrypt (RFC 5246),
    # the client asking for none (NO_ETM_SCENARIOS).
    "tls12-cbc-sha256": ("1.2", "ECDHE-RSA-AES128-SHA256", "starttls"),
    "tls12-cbc-sha-mte": ("1.2", "ECDHE-RSA-AES256-SHA", "starttls"),
    "tls13-aes128": ("1.3", "TLS_AES_128_GCM_SHA256", "starttls"),
    "tls13-aes256": ("1.3", "TLS_AES_256_GCM_SHA384", "starttls"),
    "tls13-chacha": ("1.3", "TLS_CHACHA20_POLY1305_SHA256", "starttls"),
    "keyupdate": ("1.3", "TLS_AES_128_GCM_SHA256", "s_client"),
    "smtps": ("1.3", None, "smtps"),
    # Offers TLS 1.2 only, to the listener that takes TLS 1.3 only.
    "bad-version": ("1.2", None, "fail"),
    # TLS 1.2, so that the certificate goes in clear; verified against OTHER_CA.
    "bad-cert": ("1.2", None, "fail"),
}

# Scenarios whose client does not offer encrypt_then_mac.
NO_ETM_SCENARIOS = {"tls12-cbc-sha-mte"}
# OpenSSL 3's SSL_OP_NO_ENCRYPT_THEN_MAC, which Python's ssl does not name.
OP_NO_ENCRYPT_THEN_MAC = 1 << 19

OPENSSL_TLS13 = """\
# Written by smtpreply samples/tools/tls_client.py for one run.
openssl_conf = smtpreply_init
[smtpreply_init]
ssl_conf = smtpreply_ssl
[smtpreply_ssl]
system_default = smtpreply_tls
[smtpreply_tls]
Ciphersuites = {suite}
"""


def fail(name, what):
    sys.exit("tls_client.py %s: %s" % (name, what))


def context(name, version, suite, keylog):
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    v = ssl.TLSVersion.TLSv1_2 if version == "1.2" else ssl.TLSVersion.TLSv1_3
    ctx.minimum_version = ctx.maximum_version = v
    if version == "1.2" and suite:
        ctx.set_ciphers(suite)
    if name in NO_ETM_SCENARIOS:
        ctx.options |= OP_NO_ENCRYPT_THEN_MAC
    ctx.check_hostname = False
    ctx.load_verify_locations(OTHER_CA if name == "bad-cert" else CERT)
    if keylog != "-":
        ctx.keylog_filename = keylog
    return ctx


def check_session(name, sock, version, suite):
    got_version, got_suite = sock.version(), sock.cipher()[0]
    sys.stderr.write("  %s: %s %s\n" % (name, got_version, got_suite))
    if got_version != "TLSv" + version or (suite and got_suite != suite):
        fail(name, "negotiated %s %s, not TLSv%s %s" % (got_version, got_suite, version, suite))


def expect(name, what, reply, code):
    if reply[0] != code:
        fail(name, "%s: expected %d, got %r" % (what, code, reply))


def dialogue(name, s):
    """EHLO (again, after TLS), MAIL, two RCPTs, DATA, QUIT."""
    expect(name, "EHLO", s.ehlo(HELO), 250)
    expect(name, "MAIL", s.mail("alice@example.test"), 250)
    expect(name, "RCPT bob", s.rcpt("bob@example.test"), 250)
    expect(name, "RCPT nobody", s.rcpt("nobody@example.test"), 550)
    expect(name, "DATA", s.data(MESSAGE.format(name=name)), 250)
    # QUIT by hand: smtplib's quit() closes at once, so Postfix's
    # close_notify would meet a closed socket (an RST).  Read to the end
    # instead: the server's close_notify and FIN come first.
    expect(name, "QUIT", s.docmd("quit"), 221)
    while s.sock.recv(65536):
        pass
    s.close()


def smtplib_session(name, server, port, client_port, keylog):
    version, suite, transport = SCENARIOS[name]
    import smtplib
    import socket
    import ssl
    ctx = context(name, version, suite, keylog)

    class SMTP_SSL(smtplib.SMTP_SSL):
        # smtplib takes SNI from the host it connects to; an IP address
        # gives none.  Connect to SERVER, name SERVER_NAME.
        def _get_socket(self, host, port, timeout):
            sock = socket.create_connection((host, port), timeout, self.source_address)
            return self.context.wrap_socket(sock, server_hostname=SERVER_NAME)

    if transport == "smtps":
        s = SMTP_SSL(server, port, local_hostname=HELO, context=ctx, timeout=20,
                     source_address=("127.0.0.1", client_port))
        # The constructor has read the greeting (and fails on anything but 220).
        check_session(name, s.sock, version, suite)
        dialogue(name, s)
        return

    s = smtplib.SMTP(server, port, local_hostname=HELO, timeout=20,
                     source_address=("127.0.0.1", client_port))
    s._host = SERVER_NAME  # starttls() sends it as SNI
    expect(name, "EHLO", s.ehlo(HELO), 250)
    if transport == "fail":
        try:
            s.starttls(context=ctx)
        except ssl.SSLError as e:
            sys.stderr.write("  %s: handshake failed as intended: %s\n" % (name, e))
        else:
            fail(name, "the handshake succeeded")
        s.sock.close()
        return
    expect(name, "STARTTLS", s.starttls(context=ctx), 220)
    check_session(name, s.sock, version, suite)
    dialogue(name, s)


def s_client_session(name, server, port, client_port, keylog):
    """openssl s_client -starttls smtp, fed one line at a time.  Its
    interactive commands are keyed on the first byte of each read from
    stdin: "K" sends a KeyUpdate asking the peer to update too, and a line
    that starts with R (renegotiate) or Q (quit) would be taken as a
    command, so RCPT and QUIT go in lower case."""
    version, suite, _ = SCENARIOS[name]
    cmd = ["openssl", "s_client", "-connect", "%s:%d" % (server, port),
           "-bind", "127.0.0.1:%d" % client_port, "-starttls", "smtp", "-name", HELO,
           "-servername", SERVER_NAME, "-tls1_3", "-ciphersuites", suite,
           "-CAfile", CERT, "-crlf"]
    if keylog != "-":
        cmd += ["-keylogfile", keylog]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, bufsize=1)
    replies = []
    cond = threading.Condition()
    facts = []  # what s_client prints about the session

    def reader():
        for line in p.stdout:
            m = re.match(r"(\d{3}) ", line)
            if m:
                with cond:
                    replies.append(int(m.group(1)))
                    cond.notify()
            if line.startswith(("Protocol  :", "    Protocol  :", "    Cipher    :", "New, ")):
                facts.append(line.strip())
        with cond:
            replies.append(None)
            cond.notify()

    threading.Thread(target=reader, daemon=True).start()

    def wait(count, what, code):
        with cond:
            if not cond.wait_for(lambda: len(replies) >= count, timeout=20):
                fail(name, "%s: no reply" % what)
        if replies[count - 1] != code:
            fail(name, "%s: expected %s, got %r" % (what, code, replies[count - 1]))

    # s_client reads the greeting and the first EHLO's reply and the 220 to
    # STARTTLS itself; what it prints starts after the handshake.
    steps = [("EHLO " + HELO, 250), ("MAIL FROM:<alice@example.test>", 250),
             ("K", None),
             ("rcpt TO:<bob@example.test>", 250), ("rcpt TO:<nobody@example.test>", 550),
             ("DATA", 354), (MESSAGE.format(name=name).replace("\r\n", "\n") + ".", 250),
             ("quit", 221)]
    n = 0
    for line, code in steps:
        p.stdin.write(line + "\n")
        p.stdin.flush()
        if code is None:
            # A command letter: s_client must read it alone, not with the
            # next line (it would drop that line).  The KeyUpdate goes out
            # with the next write.
            time.sleep(1)
            continue
        n += 1
        wait(n, line.split()[0], code)
    try:
        p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        fail(name, "s_client did not exit after QUIT")
    stderr = p.stderr.read()
    if "KEYUPDATE" not in stderr:
        fail(name, "s_client sent no KeyUpdate: %s" % stderr.strip())
    sys.stderr.write("  %s: %s\n" % (name, "; ".join(facts)))
    if not any(l.endswith(suite) for l in facts):
        fail(name, "not %s: %s" % (suite, facts))


def main():
    if len(sys.argv) != 6 or sys.argv[1] not in SCENARIOS:
        sys.exit("usage: tls_client.py {%s} SERVER PORT CLIENT_PORT KEYLOG" % ",".join(SCENARIOS))
    name, server = sys.argv[1], sys.argv[2]
    port, client_port, keylog = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    if keylog != "-":
        open(keylog, "w").close()
    version, suite, transport = SCENARIOS[name]
    if transport == "s_client":
        s_client_session(name, server, port, client_port, keylog)
        return
    if not (version == "1.3" and suite):
        smtplib_session(name, server, port, client_port, keylog)
        return
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "openssl.cnf")
        with open(conf, "w") as f:
            f.write(OPENSSL_TLS13.format(suite=suite))
        os.environ["OPENSSL_CONF"] = conf  # before the first import of ssl
        smtplib_session(name, server, port, client_port, keylog)


if __name__ == "__main__":
    main()
