#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The scripted SMTP server: replies no real MTA sends on demand.

    scripted_server.py SCENARIO CLIENT_PORT

Listens on 127.0.0.2:25 (the port the SMTP dissectors attach to), runs a
scripted client from 127.0.0.1:CLIENT_PORT against itself, and exits.
Captures made with it are labelled "scripted" in samples/README.md.

Each reply is a list of pieces.  Every piece goes out with its own send()
on a TCP_NODELAY socket, followed by a pause, so that each piece becomes
one TCP segment on the loopback: segment boundaries are where the script
puts them (make-samples.sh's captures were checked for this with tshark).
"""

import socket
import sys
import threading
import time

SERVER = ("127.0.0.2", 25)
PAUSE = 0.05


def pieces_each_byte(data):
    return [data[i:i + 1] for i in range(len(data))]


# Each scenario: (greeting pieces, [(command, reply pieces), ...], how it ends).
# "quit" ends normally (the last command is QUIT and the server closes after
# its reply); "hang" leaves the last reply unended and closes only after the
# client has given up.

SPLIT = (
    # Inside the code.
    [b"22", b"0 scripted.example.test ESMTP scripted server\r\n"],
    [
        # Between the code and "-", and between the code and SP.
        ("EHLO client.example.test",
         [b"250", b"-scripted.example.test\r\n250", b"-PIPELINING\r\n250",
          b" ENHANCEDSTATUSCODES\r\n"]),
        # Between CR and LF.
        ("MAIL FROM:<alice@example.test>", [b"250 2.1.0 Sender ok\r", b"\n"]),
        # One byte per segment.
        ("RCPT TO:<bob@example.test>", pieces_each_byte(b"250 2.1.5 Recipient ok\r\n")),
        # Before the CRLF.
        ("DATA", [b"354 End data with <CR><LF>.<CR><LF>", b"\r\n"]),
        # Inside the enhanced status code (the client sends the message and
        # its final dot as the "command" here).
        ("Subject: split replies\r\n\r\nHello.\r\n.",
         [b"250 2.", b"0.0 Ok: queued as SCRIPTED1\r\n"]),
        # After each digit of the code.
        ("QUIT", [b"2", b"2", b"1", b" 2.0.0 Bye\r\n"]),
    ],
    "quit",
)

MULTILINE_FRAMES = (
    # A multiline greeting, one line per segment.
    [b"220-scripted.example.test ESMTP scripted server\r\n",
     b"220-This greeting is three lines long\r\n",
     b"220 and each line is its own segment\r\n"],
    [
        # Segments end in the middle of lines: one and a half lines each.
        ("EHLO client.example.test",
         [b"250-scripted.example.test greets client.example.test\r\n250-PIPE",
          b"LINING\r\n250-SIZE 10240000\r\n250-ET",
          b"RN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BIT",
          b"MIME\r\n250-DSN\r\n250-SMTP",
          b"UTF8\r\n250 CHUNKING\r\n"]),
        ("HELP",
         [b"214-2.0.0 Commands supported:\r\n",
          b"214-2.0.0   EHLO HELO MAIL RCPT DATA BDAT\r\n",
          b"214-2.0.0   RSET NOOP QUIT HELP VRFY\r\n",
          b"214 2.0.0 End of HELP info\r\n"]),
        ("QUIT", [b"221 2.0.0 Bye\r\n"]),
    ],
    "quit",
)

MALFORMED = (
    [b"220 scripted.example.test ESMTP scripted server\r\n"],
    [
        # The code changes inside a multiline reply.
        ("EHLO client.example.test",
         [b"250-scripted.example.test\r\n250-PIPELINING\r\n251 8BITMIME\r\n"]),
        # Not digits.
        ("MAIL FROM:<alice@example.test>", [b"2x0 Sender ok\r\n"]),
        # No separator after the code.
        ("RCPT TO:<bob@example.test>", [b"250Recipient ok\r\n"]),
        # Bare LF.
        ("RCPT TO:<carol@example.test>", [b"250 2.1.5 Recipient ok\n"]),
        # Longer than 512 octets with its CRLF.
        ("RCPT TO:<dave@example.test>",
         [b"250 2.1.5 Recipient ok " + b"x" * 600 + b"\r\n"]),
        # Control bytes: BEL and NUL.
        ("NOOP", [b"250 2.0.0 Ok\x07\x00 bell and nul\r\n"]),
        # An ANSI escape sequence (colours the text red on a terminal).
        ("NOOP", [b"250 2.0.0 \x1b[31mred\x1b[0m text\r\n"]),
        # 8-bit bytes (UTF-8 for U+00E9) without SMTPUTF8.
        ("NOOP", [b"250 2.0.0 caf\xc3\xa9\r\n"]),
        # A bare CR inside a line.
        ("NOOP", [b"250 2.0.0 bare\rCR inside\r\n"]),
        # A bare code without text.
        ("NOOP", [b"250\r\n"]),
        # A line without a code inside a multiline reply.
        ("HELP", [b"214-Commands:\r\n    EHLO MAIL RCPT DATA\r\n214 End of HELP\r\n"]),
        # Code digits no RFC allows or defines.
        ("RSET", [b"650 6.0.0 not a class\r\n"]),
        ("RSET", [b"270 category seven\r\n"]),
        ("RSET", [b"150 preliminary\r\n"]),
        ("VRFY alice", [b"259 2.0.0 unregistered code\r\n"]),
        # Enhanced status codes that do not fit the reply.
        ("VRFY bob", [b"550 4.1.1 class differs from the code\r\n"]),
        ("VRFY carol", [b"250 2.1 only two parts\r\n"]),
        ("VRFY dave", [b"550 5.9.99 unregistered subject and detail\r\n"]),
        ("VRFY erin", [b"550-5.1.1 one enhanced code\r\n550 5.7.1 then another\r\n"]),
        ("DATA", [b"354 2.0.0 enhanced code on an intermediate reply\r\n"]),
        ("Subject: malformed replies\r\n\r\nHello.\r\n.", [b"250 2.0.0 Ok: queued\r\n"]),
        ("QUIT", [b"221 2.0.0 Bye\r\n"]),
    ],
    "quit",
)

UNENDED = (
    [b"220 scripted.example.test ESMTP scripted server\r\n"],
    [
        # A multiline reply whose final line never comes: the client waits,
        # sends QUIT (never answered) and closes; the server closes too.
        ("EHLO client.example.test",
         [b"250-scripted.example.test\r\n", b"250-PIPELINING\r\n", b"250-SIZE 10240000\r\n"]),
        ("QUIT", []),
    ],
    "hang",
)

PHANTOM = (
    [b"220 scripted.example.test ESMTP scripted server\r\n"],
    [
        # Cut inside a line's text after whole lines: the cut that makes a
        # line-by-line reader take "428800" for a reply with code 428.
        ("EHLO client.example.test",
         [b"250-scripted.example.test\r\n250-PIPELINING\r\n250-SIZE 52",
          b"428800\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n"]),
        ("MAIL FROM:<alice@example.test>", [b"250 2.1.0 Ok\r\n"]),
        # The same in a multiline rejection: its second part starts with text.
        ("RCPT TO:<nobody@example.test>",
         [b"550-5.1.1 <nobody@example.test>: Recipient address rejected: User unk",
          b"nown in local recipient table\r\n"
          b"550 5.1.1 For assistance, contact postmaster@example.test.\r\n"]),
        ("QUIT", [b"221 2.0.0 Bye\r\n"]),
    ],
    "quit",
)

SCENARIOS = {
    "scripted-phantom": PHANTOM,
    "scripted-split": SPLIT,
    "scripted-multiline-frames": MULTILINE_FRAMES,
    "scripted-malformed": MALFORMED,
    "scripted-unended": UNENDED,
}


def send_pieces(conn, pieces):
    for piece in pieces:
        conn.send(piece)
        time.sleep(PAUSE)


def read_line(conn, buf):
    while b"\r\n" not in buf[0]:
        data = conn.recv(65536)
        if not data:
            return None
        buf[0] += data
    line, buf[0] = buf[0].split(b"\r\n", 1)
    return line


def serve(listener, scenario, replied):
    greeting, script, ending = scenario
    conn, _ = listener.accept()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = [b""]
    send_pieces(conn, greeting)
    replied.set()
    data_mode = False
    for command, reply in script:
        if data_mode:
            # The message: read up to the final dot.
            while b"\r\n.\r\n" not in buf[0]:
                more = conn.recv(65536)
                if not more:
                    return
                buf[0] += more
            buf[0] = buf[0].split(b"\r\n.\r\n", 1)[1]
            data_mode = False
        elif read_line(conn, buf) is None:
            return
        send_pieces(conn, reply)
        data_mode = b"".join(reply).startswith(b"354")
        replied.set()
    if ending == "hang":
        conn.settimeout(10)
        try:
            while conn.recv(65536):
                pass
        except socket.timeout:
            pass
    conn.close()


def drain(sock):
    """Reads what the server sent, so that closing sends FIN, not RST."""
    sock.settimeout(0.1)
    try:
        while sock.recv(65536):
            pass
    except socket.timeout:
        pass
    sock.settimeout(10)


def run_client(client_port, scenario, replied):
    _, script, ending = scenario
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", client_port))
    sock.settimeout(10)
    sock.connect(SERVER)
    replied.wait(10)
    drain(sock)
    for command, _reply in script:
        replied.clear()
        sock.sendall(command.encode("latin-1") + b"\r\n")
        if not replied.wait(10):
            sys.exit("scripted server did not answer %r" % command)
        drain(sock)
    if ending == "hang":
        time.sleep(1.0)
    time.sleep(0.2)
    sock.close()


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in SCENARIOS:
        sys.exit("usage: scripted_server.py {%s} CLIENT_PORT" % ",".join(SCENARIOS))
    scenario = SCENARIOS[sys.argv[1]]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(SERVER)
    listener.listen(1)
    replied = threading.Event()
    server = threading.Thread(target=serve, args=(listener, scenario, replied))
    server.start()
    run_client(int(sys.argv[2]), scenario, replied)
    server.join(15)
    listener.close()


if __name__ == "__main__":
    main()
