#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""TLS read in clear, without keys (issue 18), on the real captures of
samples/tls/ (Postfix with Python's smtplib and openssl s_client, see
samples/tls/README.md): what the tool says of each handshake is compared
with what tshark said of it (samples/tls/expected/NAME.tls.json), and the
replies before TLS with samples/tls/expected/NAME.jsonl.  Also the text
and line forms, the summary's counts, --tls-port, and a capture cut in the
middle of the handshake.

usage: check-tls.py SMTPREPLY SAMPLES_TLS_DIR
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pcapfile  # noqa: E402
import schema  # noqa: E402
from tap import check  # noqa: E402
import tap  # noqa: E402

TOOL, TLS_DIR = sys.argv[1:3]
EXPECTED = os.path.join(TLS_DIR, "expected")


def run(*args):
    p = subprocess.run([TOOL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def json_lines(out):
    return [schema.loads(l) for l in out.splitlines() if l]


def wireshark_name(dn):
    """tshark's "id-at-commonName=mail.example.test" as RFC 4514's "CN=..."."""
    short = {"id-at-commonName": "CN", "id-at-organizationName": "O",
             "id-at-countryName": "C", "id-at-organizationalUnitName": "OU"}
    return ",".join(short[k] + "=" + v for k, v in
                    (part.split("=", 1) for part in reversed(dn.split(","))))


def wireshark_time(t):
    """"2026-12-04 09:18:30 (UTC)" as "2026-12-04T09:18:30Z"."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) \(UTC\)", t)
    return "%sT%sZ" % m.groups()


# What tshark 4.0 names an alert, as RFC 8446 does.
ALERT_NAMES = {"Unknown CA": "unknown_ca", "Protocol Version": "protocol_version",
               "Close Notify": "close_notify"}

captures = sorted(f for f in os.listdir(TLS_DIR) if f.endswith((".pcap", ".pcapng")))
check("samples/tls holds the twelve captures", len(captures) == 12, captures)

all_tls = []
for cap in captures:
    name = cap.rsplit(".", 1)[0]
    path = os.path.join(TLS_DIR, cap)
    with open(os.path.join(EXPECTED, name + ".tls.json")) as f:
        facts = json.load(f)
    with open(os.path.join(EXPECTED, name + ".jsonl")) as f:
        replies = [json.loads(l) for l in f if l.strip()]
    rc, out, err = run("-r", path, "--json")
    lines = json_lines(out)
    got_replies = [r for r in lines if "handshake" not in r]
    tls = [r for r in lines if "handshake" in r]
    check("%s: exit 0, nothing on stderr" % name, rc == 0 and err == "", (rc, err))

    # The replies before TLS, as tshark read them; none from inside it,
    # but where the capture holds its own keys (a Decryption Secrets
    # Block), as Wireshark, every one.
    clear = [r for r in replies if not r["tls"]]
    embedded = name.endswith("-dsb")
    check("%s: the %d replies in clear, and %s" % (
              name, len(clear), "those inside TLS with the file's own keys" if embedded
              else "none from inside TLS"),
          [(r["frame"], r["code"], r["lines"], r["command"], r["tls"]) for r in got_replies]
          == [(r["frame"], r["code"], r["lines"], r["command"], r["tls"])
              for r in (replies if embedded else clear)],
          (got_replies, clear))
    check("%s: %s" % (name, "decrypted with the file's own keys" if embedded
                      else "no decryption without keys"),
          len(tls) == 1 and (tls[0]["decryption"]["status"] == "decrypting" if embedded
                             else tls[0]["decryption"] is None), tls)

    check("%s: one TLS record" % name, len(tls) == 1, tls)
    if len(tls) != 1:
        continue
    t = tls[0]
    all_tls.append((name, t, facts))
    implicit = facts["transport"] == "implicit TLS"
    check("%s: transport %s" % (name, facts["transport"]),
          t["transport"] == ("implicit-tls" if implicit else "starttls")
          and t["starttls_frame"] == (None if implicit else clear[-1]["frame"])
          and t["server"] == facts["server"], t)
    check("%s: version and suite agreed: %s, %s" % (name, facts["version"], facts["cipher_suite"]),
          t["version"] == facts["version"] and t["cipher_suite"] == facts["cipher_suite"],
          (t["version"], t["cipher_suite"]))

    ch, ech = t["client_hello"], facts["client_hello"]
    check("%s: ClientHello frame %d, versions, %d suites, SNI, ALPN"
          % (name, ech["frame"], ech["cipher_suites_offered"]),
          ch["frame"] == ech["frame"] and ch["record_version"] == ech["record_version"]
          and ch["legacy_version"] == ech["legacy_version"]
          and ch["versions"] == ech["supported_versions"]
          and ch["cipher_suites_offered"] == ech["cipher_suites_offered"]
          and ch["cipher_suites"] == ech["cipher_suites"]
          and ch["sni"] == ech["sni"] and ch["alpn"] == ech["alpn"]
          and ch["hellos"] == 1 and not ch["malformed"], (ch, ech))

    sh, esh = t["server_hello"], facts["server_hello"]
    if esh is None:
        check("%s: no ServerHello" % name, sh is None, sh)
    else:
        check("%s: ServerHello frame %d, %s" % (name, esh["frame"], esh["cipher_suite_id"]),
              sh is not None and sh["frame"] == esh["frame"] and sh["version"] == esh["version"]
              and sh["cipher_suite"] == esh["cipher_suite"]
              and sh["cipher_suite_id"] == esh["cipher_suite_id"]
              and not sh["hello_retry"] and not sh["malformed"], (sh, esh))

    cert, ecert = t["certificate"], facts["certificate"]
    if ecert and ecert["in_clear"]:
        check("%s: the certificate in clear, read with libcrypto" % name,
              cert is not None and cert["frame"] == ecert["frame"] and cert["readable"]
              and cert["count"] == 1
              and cert["subject"] == wireshark_name(ecert["subject"])
              and cert["issuer"] == wireshark_name(ecert["issuer"])
              and cert["self_signed"] == (ecert["subject"] == ecert["issuer"])
              and cert["not_before"] == wireshark_time(ecert["not_before"])
              and cert["not_after"] == wireshark_time(ecert["not_after"])
              and cert["serial"] == ecert["serial"]
              and cert["signature_algorithm"] == ecert["signature_algorithm"]
              and cert["key_algorithm"] == ecert["public_key_algorithm"]
              and cert["key_bits"] == 2048 and cert["dns"] == [], (cert, ecert))
    else:
        check("%s: no certificate in clear (TLS 1.3 encrypts it)" % name, cert is None, cert)

    clear_alerts = [a for a in facts["alerts"] if not a["encrypted"]]
    check("%s: %d alerts in clear" % (name, len(clear_alerts)),
          [(a["frame"], a["from"], a["level_id"], a["description_id"], a["description"])
           for a in t["alerts"]]
          == [(a["frame"], a["from"], a["level"], a["description"],
               ALERT_NAMES[a["description_name"]]) for a in clear_alerts]
          and t["alerts_total"] == len(clear_alerts), (t["alerts"], clear_alerts))

    if facts["handshake_completed"]:
        check("%s: handshake completed, no anomaly" % name,
              t["handshake"] == "completed" and t["decided_by"] is None
              and t["anomalies"] == [] and not t["interrupted"], t)
        # Each side's first encrypted record: its Finished, or the flight
        # that ends with it, in the frames tshark decrypted them in.
        check("%s: first encrypted records in frames %s" % (name, facts["finished"]),
              t["records"]["client"]["encrypted_frame"] == facts["finished"]["client"]
              and t["records"]["server"]["encrypted_frame"] == facts["finished"]["server"],
              t["records"])
    else:
        first = clear_alerts[0]
        check("%s: handshake failed on %s's alert in frame %d: tls-handshake-failed"
              % (name, first["from"], first["frame"]),
              t["handshake"] == "failed-alert" and t["decided_by"] == first["from"]
              and t["frame"] == first["frame"] and t["anomalies"] == ["tls-handshake-failed"],
              t)
    check("%s: every record read, none stopped" % name,
          t["records"]["client"]["stop"] is None and t["records"]["server"]["stop"] is None
          and t["records"]["client"]["lost"] == 0 and t["records"]["server"]["lost"] == 0,
          t["records"])

    # The same, for people.
    rc, text, err = run("-r", path)
    outcome = "completed" if facts["handshake_completed"] else "failed-alert"
    check("%s: text block" % name,
          rc == 0 and ("  TLS %s: handshake %s" % ("from the first byte (implicit TLS)"
                                                    if implicit else "after STARTTLS", outcome))
          in text and ("client hello  frame %d  offers " % ech["frame"]) in text
          and "SNI mail.example.test" in text
          and (esh is None or "server hello  frame %d  %s, %s (%s)"
               % (esh["frame"], esh["version"], esh["cipher_suite"], esh["cipher_suite_id"])
               in text)
          and (not (ecert and ecert["in_clear"])
               or "certificate   frame %d  CN=mail.example.test, issued by itself" % ecert["frame"]
               in text), text[-1500:])
    rc, line_out, err = run("-r", path, "--format=line")
    tls_line = [l for l in line_out.splitlines() if ": TLS (" in l]
    want = "TLS (%s) %s" % ("implicit" if implicit else "STARTTLS", outcome)
    if esh:
        want += " %s %s" % (esh["version"], esh["cipher_suite"])
    want += " sni=mail.example.test"
    check("%s: one line: ...%s" % (name, want),
          len(tls_line) == 1 and want in tls_line[0]
          and (facts["handshake_completed"] or tls_line[0].endswith(" !tls-handshake-failed")),
          tls_line)

# --- the summary over all of them, as one run --------------------------------
# Several files are one capture: the -dsb file is the aes128 connection
# again, so it is left out of the run and of the counts.
args = []
for cap in captures:
    if not cap.endswith("-dsb.pcapng"):
        args += ["-r", os.path.join(TLS_DIR, cap)]
all_tls = [x for x in all_tls if not x[0].endswith("-dsb")]
rc, out, err = run(*args, "-q", "--summary", "--json")
s = json_lines(out)[0]["summary"]["tls"]
want_versions, want_suites, want_alerts = {}, {}, {}
for name, t, facts in all_tls:
    if facts["version"]:
        want_versions[facts["version"]] = want_versions.get(facts["version"], 0) + 1
        want_suites[facts["cipher_suite"]] = want_suites.get(facts["cipher_suite"], 0) + 1
    if not facts["handshake_completed"]:
        a = ALERT_NAMES[[a for a in facts["alerts"] if not a["encrypted"]][0]["description_name"]]
        want_alerts[a] = want_alerts.get(a, 0) + 1
completed = sum(1 for _, _, f in all_tls if f["handshake_completed"])
check("summary: 11 handshakes, 9 completed, 2 failed",
      s["handshakes"] == 11 and s["outcomes"]["completed"] == 9 == completed
      and s["outcomes"]["failed-alert"] == 2 and s["outcomes"]["unknown"] == 0, s)
check("summary: by version, by suite, failures by alert, as tshark's facts count them",
      s["versions"] == want_versions and s["cipher_suites"] == want_suites
      and s["failure_alerts"] == want_alerts == {"protocol_version": 1, "unknown_ca": 1}
      and s["other_versions"] == s["other_cipher_suites"] == s["other_failure_alerts"] == 0,
      (s, want_versions, want_suites, want_alerts))
rc, out, err = run(*args, "-q", "--summary", "--json")
anoms = json_lines(out)[0]["summary"]["anomalies"]
check("summary: the two failures counted as tls-handshake-failed",
      anoms.get("tls-handshake-failed") == 2, anoms)
rc, text, err = run(*args, "-q", "--summary")
check("summary text: handshakes, versions, ciphers, alerts",
      "  tls handshakes completed 9, failed-alert 2\n" in text
      and "  tls failed by  protocol_version 1, unknown_ca 1\n" in text
      and "  tls versions   TLS 1.2 5, TLS 1.3 5\n" in text, text)

# --- ports ------------------------------------------------------------------
smtps = os.path.join(TLS_DIR, "smtps-465.pcap")
rc, out, err = run("-r", smtps, "--json", "--tls-port", "none")
check("--tls-port none: 465 is not read, and the hint names it",
      rc == 0 and out == "" and "try --port 465" in err, (out, err))
rc, out, err = run("-r", smtps, "--json", "--port", "465", "--tls-port", "none")
check("--port 465 without TLS: the handshake is no SMTP reply; no TLS record",
      rc == 0 and all("handshake" not in r for r in json_lines(out)), out[:500])
rc, out, err = run("-r", smtps, "--json", "--port", "25", "--tls-port", "465,10465")
check("--tls-port 465,10465: implicit TLS on 465",
      rc == 0 and [r["transport"] for r in json_lines(out)] == ["implicit-tls"], out[:500])
rc, out, err = run("-r", smtps, "--tls-port", "46x")
check("--tls-port 46x: a one-line error, exit 1",
      rc == 1 and out == ""
      and err == 'smtpreply: --tls-port: "46x" is not a port or range of ports (1-65535)\n', err)
rc, out, err = run("-r", smtps, "--port", "none", "--tls-port", "none")
check("no ports at all: an error, exit 1",
      rc == 1 and err == "smtpreply: --port and --tls-port: no server ports\n", err)

# --- records written only where replies are ---------------------------------
aes = os.path.join(TLS_DIR, "starttls-tls13-aes128.pcap")
rc, out, err = run("-r", aes, "--json", "-Y", "code == 220")
check("-Y selects replies only: no TLS record",
      rc == 0 and [r["code"] for r in json_lines(out)] == [220, 220], out)
rc, out, err = run("-r", aes, "--json", "--transactions")
check("--transactions: no TLS record (no transaction in clear either)", rc == 0 and out == "", out)
rc, out, err = run("-r", aes, "--json", "-c", "1")
check("-c 1 counts replies: the greeting only",
      rc == 0 and [r.get("code") for r in json_lines(out)] == [220], out)


# --- cut in the middle of the handshake -------------------------------------
head, recs = pcapfile.read_records(aes)
with tempfile.TemporaryDirectory() as tmp:
    cut = os.path.join(tmp, "cut.pcap")
    with open(cut, "wb") as f:
        f.write(head + b"".join(recs[:12]))      # through the ServerHello's frame
    rc, out, err = run("-r", cut, "--json")
    t = [r for r in json_lines(out) if "handshake" in r]
    check("cut after the server's first flight: handshake unknown at the end, no anomaly",
          rc == 0 and len(t) == 1 and t[0]["handshake"] == "unknown"
          and t[0]["decided_by"] is None and t[0]["anomalies"] == []
          and t[0]["server_hello"]["frame"] == 12 and t[0]["frame"] == 12
          and not t[0]["interrupted"], t)
    with open(cut, "wb") as f:
        f.write(head + b"".join(recs[:11]))      # the ClientHello, no answer
    rc, out, err = run("-r", cut, "--json")
    t = [r for r in json_lines(out) if "handshake" in r]
    check("cut after the ClientHello: unknown, no ServerHello",
          rc == 0 and len(t) == 1 and t[0]["handshake"] == "unknown"
          and t[0]["server_hello"] is None and t[0]["version"] is None
          and t[0]["client_hello"]["frame"] == 11, t)


# --- with the key log: the replies inside TLS, as tshark decrypted them -------
def reply_tuple(r):
    return (r["frame"], r["code"], r["lines"], r["command"], r["tls"])


for cap in captures:
    name = cap.rsplit(".", 1)[0]
    keys = os.path.join(TLS_DIR, name + ".keys")
    if not os.path.exists(keys):
        continue
    with open(os.path.join(EXPECTED, name + ".jsonl")) as f:
        replies = [json.loads(l) for l in f if l.strip()]
    rc, out, err = run("-r", os.path.join(TLS_DIR, cap), "--json", "--tls-keylog", keys)
    lines = json_lines(out)
    got = [r for r in lines if "handshake" not in r]
    tls = [r for r in lines if "handshake" in r]
    check("%s with its keys: all %d replies, %d of them inside TLS, as tshark decrypted them"
          % (name, len(replies), sum(r["tls"] for r in replies)),
          rc == 0 and err == "" and [reply_tuple(r) for r in got]
          == [(r["frame"], r["code"], r["lines"], r["command"], r["tls"]) for r in replies],
          (err, [reply_tuple(r) for r in got], replies))
    d = tls[0]["decryption"] if len(tls) == 1 else None
    updates = 1 if "keyupdate" in name else 0
    check("%s with its keys: decrypting, both sides, %d key update(s) each"
          % (name, updates),
          d is not None and d["status"] == "decrypting"
          and d["client"]["status"] == d["server"]["status"] == "decrypting"
          and d["client"]["records"] > 0 and d["server"]["records"] >= 8
          and d["client"]["key_updates"] == d["server"]["key_updates"] == updates
          # The server's close_notify after 221, encrypted.
          and [(a["level"], a["description"]) for a in d["server"]["alerts"]]
          == [("warning", "close_notify")], d)
    # The replies after STARTTLS start again with EHLO; none is unexpected.
    check("%s with its keys: no anomaly but the 550's own" % name,
          all(r["anomalies"] == [] for r in got), [r["anomalies"] for r in got])

aes_keys = os.path.join(TLS_DIR, "starttls-tls13-aes128.keys")
with open(os.path.join(EXPECTED, "starttls-tls13-aes128.jsonl")) as f:
    aes_replies = [json.loads(l) for l in f if l.strip()]
aes_clear = [r for r in aes_replies if not r["tls"]]
with open(aes_keys) as f:
    key_text = f.read()
with tempfile.TemporaryDirectory() as tmp:
    def keyfile(name, text):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    # Every secret's first hex digit changed: the client random still
    # matches, the secrets do not.
    wrong = "\n".join(" ".join(w[:2] + [("0" if w[2][0] != "0" else "1") + w[2][1:]])
                      if len(w) == 3 else l
                      for l in key_text.splitlines() for w in [l.split(" ")])
    rc, out, err = run("-r", aes, "--json", "--tls-keylog", keyfile("wrong.keys", wrong))
    lines = json_lines(out)
    t = [r for r in lines if "handshake" in r]
    check("keys that do not match: key-mismatch, 'not decrypted', no reply from inside TLS",
          rc == 0 and [reply_tuple(r) for r in lines if "handshake" not in r]
          == [(r["frame"], r["code"], r["lines"], r["command"], False) for r in aes_clear]
          and len(t) == 1 and t[0]["decryption"]["status"] == "key-mismatch"
          and t[0]["decryption"]["description"].startswith("Not decrypted: ")
          and t[0]["handshake"] == "completed", (t, err))
    rc, text, err = run("-r", aes, "--tls-keylog", keyfile("wrong.keys", wrong))
    check("keys that do not match, in text: 'decryption    key-mismatch: Not decrypted: ...'",
          "  decryption    key-mismatch: Not decrypted: " in text, text[-800:])

    other = os.path.join(TLS_DIR, "starttls-tls12-chacha.keys")
    rc, out, err = run("-r", aes, "--json", "--tls-keylog", other)
    t = [r for r in json_lines(out) if "handshake" in r]
    check("another connection's key log: no-key, 'no matching key'",
          rc == 0 and err == "" and len(t) == 1 and t[0]["decryption"]["status"] == "no-key"
          and "no matching key" in t[0]["decryption"]["description"]
          and len(json_lines(out)) == len(aes_clear) + 1, t)

    # An unknown label is not malformed: another program's secret, left alone.
    bad = keyfile("bad.keys", "CLIENT_RANDOM zz\nNOT_A_LABEL of ours\n" + key_text
                  + "SERVER_HANDSHAKE_TRAFFIC_SECRET 00\n")
    rc, out, err = run("-r", aes, "--json", "--tls-keylog", bad)
    check("malformed key log lines: skipped, warned once with the count and the first line, "
          "the rest decrypts",
          rc == 0 and err == "smtpreply: %s: 2 malformed lines skipped (the first: line 1)\n" % bad
          and len([r for r in json_lines(out) if r.get("tls")]) == 7, (err, out[-300:]))
    rc, out, err = run("-r", aes, "--json", "--tls-keylog", bad, "-q")
    check("-q: no warning", rc == 0 and err == "", err)
    empty = keyfile("empty.keys", "# nothing\n")
    rc, out, err = run("-r", aes, "--json", "--tls-keylog", empty)
    t = [r for r in json_lines(out) if "handshake" in r]
    check("a key log with no secrets: said, and no-key",
          rc == 0 and err == "smtpreply: %s: no TLS secrets in it\n" % empty
          and t[0]["decryption"]["status"] == "no-key", (err, t))
    missing = os.path.join(tmp, "missing.keys")
    rc, out, err = run("-r", aes, "--tls-keylog", missing)
    check("a key log that cannot be read: one line naming it, exit 2, nothing read",
          rc == 2 and out == "" and err.startswith("smtpreply: %s: " % missing)
          and err.count("\n") == 1, (rc, err))

    # A server record lost: the rest of that side is not decrypted, and
    # the output says so; nothing after the hole is made up.
    head, recs = pcapfile.read_records(aes)
    holed = os.path.join(tmp, "holed.pcap")
    with open(holed, "wb") as f:
        f.write(head + b"".join(r for i, r in enumerate(recs) if i != 19))   # frame 20
    rc, out, err = run("-r", holed, "--json", "--tls-keylog", aes_keys)
    lines = json_lines(out)
    got = [r for r in lines if "handshake" not in r]
    t = [r for r in lines if "handshake" in r]
    before = [r for r in aes_replies if r["frame"] < 20]
    check("a lost server record: gap, replies up to it only, the rest not decrypted",
          rc == 0 and [(r["frame"], r["code"], r["tls"]) for r in got]
          == [(r["frame"], r["code"], r["tls"]) for r in before]
          and t[0]["decryption"]["status"] == "gap"
          and t[0]["decryption"]["server"]["status"] == "gap"
          and t[0]["decryption"]["client"]["status"] == "decrypting", (got, t))

# The file's own keys, read as it streams in: gzip'd on standard input.
dsb = os.path.join(TLS_DIR, "starttls-tls13-aes128-dsb.pcapng")
with open(dsb, "rb") as f:
    gz = subprocess.run(["gzip", "-c"], input=f.read(), stdout=subprocess.PIPE, check=True).stdout
p = subprocess.run([TOOL, "-r", "-", "--json"], input=gz, stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE, timeout=60)
got = [r for r in json_lines(p.stdout.decode()) if "handshake" not in r]
check("a gzip'd pcapng with its secrets, on standard input: every reply, decrypted",
      p.returncode == 0 and [reply_tuple(r) for r in got]
      == [(r["frame"], r["code"], r["lines"], r["command"], r["tls"]) for r in aes_replies],
      (p.stderr, got))
# Both: the key log given and the file's own; and the summary says decryption was tried.
rc, out, err = run("-r", dsb, "--tls-keylog", aes_keys, "-q", "--summary", "--json")
s = json_lines(out)[0]["summary"]
check("the file's keys and --tls-keylog together: one handshake, decrypting",
      rc == 0 and s["tls"]["decryption"]["decrypting"] == 1 and s["replies"] == 10, s["tls"])
rc, out, err = run("-r", dsb, "-q", "--summary", "--json")
s = json_lines(out)[0]["summary"]
check("the file's keys alone: the summary counts decryption too",
      rc == 0 and s["tls"]["decryption"]["decrypting"] == 1 and s["replies"] == 10, s["tls"])

# The summary with keys: how decryption went, by handshake.
args_keys = []
for cap in ["starttls-tls13-aes128.pcap", "starttls-tls12-aes-gcm.pcap",
            "starttls-bad-cert.pcap"]:
    args_keys += ["-r", os.path.join(TLS_DIR, cap)]
rc, out, err = run(*args_keys, "--tls-keylog", aes_keys, "-q", "--summary", "--json")
s = json_lines(out)[0]["summary"]["tls"]
check("summary with a key log: one decrypting, one no-key, one never encrypted (waiting)",
      rc == 0 and s["decryption"]["decrypting"] == 1 and s["decryption"]["no-key"] == 1
      and s["decryption"]["waiting"] == 1 and sum(s["decryption"].values()) == 3, s)
rc, out, err = run("-r", aes, "-q", "--summary", "--json")
check("summary without a key log: decryption null",
      json_lines(out)[0]["summary"]["tls"]["decryption"] is None, out)

# Transactions inside TLS, and the text block's mark.
rc, out, err = run("-r", aes, "--json", "--transactions", "--tls-keylog", aes_keys)
tx = json_lines(out)
check("--transactions with keys: the transaction inside TLS, one recipient of two, queued",
      rc == 0 and len(tx) == 1 and tx[0]["tls"] is True and tx[0]["status"] == "partial"
      and tx[0]["recipients_accepted"] == 1 and tx[0]["recipients_total"] == 2
      and tx[0]["mailfrom"] == "alice@example.test" and tx[0]["queue_id"] is not None, tx)
rc, text, err = run("-r", aes, "--tls-keylog", aes_keys)
check("text: the replies inside TLS are marked 'in TLS'",
      text.count("  in TLS\n") == 7 and "  decryption    decrypting; records client " in text,
      text[-1500:])

tap.finish()
