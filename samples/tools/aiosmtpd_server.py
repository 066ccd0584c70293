#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""aiosmtpd, Python's asyncio SMTP server, for aiosmtpd.pcap.

    aiosmtpd_server.py [ADDRESS [PORT]]     (default 127.0.0.7 25)

Runs Debian 12's aiosmtpd (python3-aiosmtpd) in the foreground until
SIGTERM or SIGINT.  Every reply is aiosmtpd's own code: its SMTP class
words the greeting, EHLO, HELP, VRFY, EXPN, the syntax and sequence errors
and the replies to MAIL, DATA and the message.  The handler below only
decides the RCPTs (aiosmtpd's handle_RCPT hook, which must word the reply
itself): bob and alice at example.test are accepted with aiosmtpd's own
"250 OK", carol gets a temporary 452 4.2.2 (mailbox full), any other name
at example.test 550 5.1.1, any other domain 550 5.7.1.  The message is
accepted and dropped (no handle_DATA: aiosmtpd answers "250 OK").

The server is started without aiosmtpd's Controller, whose start() opens
a connection of its own to the server to see that it is up.
"""

import asyncio
import signal
import sys

from aiosmtpd.smtp import MISSING, SMTP

HOSTNAME = "aiosmtpd.example.test"
KNOWN = {"alice", "bob"}
FULL = {"carol"}


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local, _, domain = address.rpartition("@")
        if domain.lower() != "example.test":
            return "550 5.7.1 <%s>: relay access denied" % address
        if local.lower() in FULL:
            return "452 4.2.2 <%s>: mailbox full, try again later" % address
        if local.lower() not in KNOWN:
            return "550 5.1.1 <%s>: user unknown" % address
        # MISSING, as if there were no hook: aiosmtpd itself then adds the
        # recipient to the envelope and answers "250 OK".
        return MISSING


def main():
    address = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.7"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Handler()
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, hostname=HOSTNAME), address, port, reuse_address=True))
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    sys.stderr.write("aiosmtpd listening on %s:%d\n" % (address, port))
    try:
        loop.run_forever()
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()


if __name__ == "__main__":
    main()
