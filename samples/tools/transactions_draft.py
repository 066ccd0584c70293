#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Drafts an expected-transactions file for a sample.

    transactions_draft.py CAPTURE EXPECTED_REPLIES > draft.jsonl

An aid for writing samples/expected/transactions/*.jsonl by hand, not a
generator of them.  It never runs this project's decoder: it reads the
replies from the hand-checked samples/expected/<capture>.jsonl (their
codes, commands and frames), the client's bytes from tshark, and applies
the transaction rules written out in samples/expected/README.md.  Each
client command is read in the order the replies ask for it, and its verb
must be the one the expected file names; where it is not, the draft says
so on stderr and the file was written by hand.
"""

import json
import re
import sys

import expected_draft


def client_bytes(capture):
    streams = {}
    for stream, frame, sport, dport, seq, payload in expected_draft.tshark_segments(capture):
        side = "server" if sport in expected_draft.SERVER_PORTS else "client"
        if side == "client":
            streams.setdefault(stream, expected_draft.Stream()).add(frame, seq, payload)
    return {s: streams[s].assemble()[0] for s in streams}


class Client:
    """The client's bytes, read one command (or one message) at a time."""

    def __init__(self, data):
        self.data, self.pos = data, 0

    def line(self):
        nl = self.data.find(b"\n", self.pos)
        if nl < 0:
            return None
        text = self.data[self.pos:nl].rstrip(b"\r")
        self.pos = nl + 1
        return text

    def message(self):
        """The message up to its final dot: its size in bytes as sent, from
        the first byte after DATA's line up to the CRLF before the dot."""
        if self.data[self.pos:self.pos + 3] == b".\r\n":
            self.pos += 3
            return 0
        end = self.data.find(b"\r\n.\r\n", self.pos)
        if end < 0:
            return None
        size = end + 2 - self.pos
        self.pos = end + 5
        return size

    def skip(self, n):
        self.pos += n


def argument(line):
    parts = line.split(b" ", 1)
    return parts[1].decode("latin-1") if len(parts) > 1 else ""


def path(arg, keyword):
    """The address of MAIL FROM:<...> or RCPT TO:<...>, without brackets."""
    m = re.match(keyword + r":\s*(<([^>]*)>|(\S*))", arg, re.I)
    if not m:
        return None
    return m.group(2) if m.group(2) is not None else m.group(3)


# Queue ids as the accepting MTAs word them (RFC 5321 leaves the text free).
QUEUE_IDS = [
    ("Postfix", re.compile(r"queued as ([0-9A-Za-z]+)")),
    # Exim 4's message id: "250 OK id=1rAbCd-000F3x-2Q".
    ("Exim", re.compile(r" id=([0-9A-Za-z-]+)")),
    ("Dovecot", re.compile(r"^2\.0\.0 <[^>]*> (\S+) Saved")),
]


def queue_id(lines):
    for line in lines:
        for source, rx in QUEUE_IDS:
            m = rx.search(line)
            if m:
                return m.group(1), source
    return None, None


def klass(code):
    """The first digit; None for a reply without a code (a malformed line)."""
    return code // 100 if code is not None else None


class Tx:
    def __init__(self, stream, depth, helo, mailfrom, lmtp, mail_code, declared):
        self.stream, self.depth, self.helo, self.mailfrom = stream, depth, helo, mailfrom
        self.lmtp, self.mail_code, self.declared = lmtp, mail_code, declared
        self.recipients = []      # [address, rcpt code, rcpt frame, data code, data frame]
        self.data_code = None
        self.size = None
        self.delivered = self.refused_later = 0
        self.last_code = None
        self.queue_id = self.queue_id_source = None
        self.lmtp_rank = 0        # LMTP: replies to the end of the data so far

    def accepted(self):
        return [r for r in self.recipients if klass(r[1]) == 2]

    def deliver(self, rank, reply):
        """The reply that decided delivery: for all accepted (rank None, SMTP)
        or for the accepted recipient of that rank (LMTP)."""
        chosen = self.accepted() if rank is None else self.accepted()[rank:rank + 1]
        for r in chosen:
            r[3], r[4] = reply["code"], reply["frame"]
        n = len(self.accepted()) if rank is None else 1
        if klass(reply["code"]) == 2:
            self.delivered += n
            if self.queue_id is None:
                self.queue_id, self.queue_id_source = queue_id(reply["lines"])
        else:
            self.refused_later += n
        self.last_code = reply["code"]

    def end_of_data(self, reply):
        """One reply to the end of the data; True once the last one due came:
        in SMTP the one reply, in LMTP one per accepted recipient."""
        if not self.lmtp:
            self.deliver(None, reply)
            return True
        self.deliver(self.lmtp_rank, reply)
        self.lmtp_rank += 1
        return self.lmtp_rank >= max(1, len(self.accepted()))

    def close(self, end, frame):
        # A refusal is for good (5yz) or for now (4yz, or no code at all).
        refused = lambda code: "rejected" if klass(code) == 5 else "deferred"
        n_ok = len(self.accepted())
        if klass(self.mail_code) != 2:
            status = refused(self.mail_code)
        elif self.delivered + self.refused_later:
            if self.refused_later == 0:
                status = "accepted" if self.delivered == len(self.recipients) else "partial"
            elif self.delivered:
                status = "partial"
            else:
                status = refused(self.last_code)
            if self.delivered + self.refused_later < n_ok and end != "end-of-data" \
                    and status == "accepted":
                status = "partial"
        elif self.recipients and not n_ok:
            status = "rejected" if all(klass(r[1]) == 5 for r in self.recipients) else "deferred"
        elif self.data_code is not None and self.data_code != 354 and klass(self.data_code) != 2:
            status = refused(self.data_code)
        elif end == "server-closed":
            status = "deferred"
        elif end == "connection-end":
            status = "unfinished"
        else:
            status = "aborted"
        return {
            "stream": self.stream, "trans_depth": self.depth, "helo": self.helo,
            "mailfrom": self.mailfrom, "mail": self.mail_code,
            "recipients": [{"address": a, "rcpt": rc, "rcpt_frame": rf, "data": dc,
                            "data_frame": df} for a, rc, rf, dc, df in self.recipients[:1000]],
            "recipients_total": len(self.recipients),
            "status": status, "end": end, "queue_id": self.queue_id,
            "size": self.size, "declared_size": self.declared, "lmtp": self.lmtp,
            "end_frame": frame,
        }


def draft(capture, expected_path):
    with open(expected_path, encoding="utf-8") as f:
        replies = [json.loads(l) for l in f if l.strip()]
    clients = client_bytes(capture)
    by_stream = {}
    for r in replies:
        by_stream.setdefault(r["stream"], []).append(r)
    for stream in sorted(by_stream):
        client = Client(clients.get(stream, b""))
        helo, lmtp, tx, depth = None, False, None, 0
        cut = None           # the reply before, if a gap cut it
        for reply in by_stream[stream]:
            command, code = reply["command"], reply["code"]
            rest_of_cut = cut is not None and cut["command"] == command
            cut = reply if not reply["complete"] and "gap" in reply["anomalies"] else None
            if rest_of_cut:
                continue     # the rest of a cut reply answers the same command
            if command == "<greeting>" or command is None:
                line = None
            elif command == "<end-of-data>" or (command == "BDAT" and tx and tx.lmtp_rank):
                if not (tx and tx.lmtp_rank):
                    size = client.message()    # the first reply to it
                    if tx:
                        tx.size = size
                if tx and tx.end_of_data(reply):
                    yield tx.close("end-of-data", reply["frame"])
                    tx = None
                continue
            elif command == "<auth-response>":
                client.line()
                continue
            else:
                line = client.line()
                verb = line.split(b" ", 1)[0].decode("latin-1").upper() if line is not None else None
                if verb != command:
                    print("stream %d frame %s: read %r, expected %s"
                          % (stream, reply["frame"], line, command), file=sys.stderr)
            arg = argument(line) if line is not None else ""
            if command in ("HELO", "EHLO", "LHLO"):
                if tx:
                    yield tx.close("hello", reply["frame"])
                    tx = None
                helo, lmtp = arg.split(" ")[0] or None, command == "LHLO"
            elif command == "MAIL":
                if tx:
                    yield tx.close("mail", reply["frame"])
                depth += 1
                m = re.search(r"\bSIZE=(\d+)", arg, re.I)
                tx = Tx(stream, depth, helo, path(arg, "FROM"), lmtp, code,
                        int(m.group(1)) if m else None)
            elif command == "RCPT" and tx:
                tx.recipients.append([path(arg, "TO"), code, reply["frame"], None, None])
            elif command == "DATA" and tx:
                tx.data_code = code
            elif command == "BDAT":
                words = arg.split()
                client.skip(int(words[0]))
                if tx:
                    tx.size = (tx.size or 0) + int(words[0])
                    if len(words) > 1 and words[1].upper() == "LAST":
                        if tx.end_of_data(reply):
                            yield tx.close("end-of-data", reply["frame"])
                            tx = None
                        continue
                    elif klass(code) != 2:
                        tx.data_code = code
            elif command in ("RSET", "QUIT", "STARTTLS") and tx:
                yield tx.close(command.lower(), reply["frame"])
                tx = None
            if code == 421 and tx:
                yield tx.close("server-closed", reply["frame"])
                tx = None
        if tx:
            yield tx.close("connection-end", None)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: transactions_draft.py CAPTURE EXPECTED_REPLIES")
    for t in draft(sys.argv[1], sys.argv[2]):
        print(json.dumps(t))


if __name__ == "__main__":
    main()
