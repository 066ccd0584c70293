#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# smtpreply capturing live: a real SMTP server (Debian's python3-aiosmtpd)
# on loopback, swaks driving one whole mail transaction, and the tool on
# `lo` (Ethernet framing) and on `any` (Linux cooked SLL2) with -c. Checks
# the replies it decoded, that it had given up root while capturing, and
# that Ctrl-C stops an idle capture with the summary and exit 0.
# Needs root (to capture); exits 77, which ctest reports as skipped, without.
#
# usage: live-capture.sh SMTPREPLY
set -euo pipefail

tool=$1
port=10025            # not 25: a local Postfix may hold that
replies=7             # greeting, EHLO, MAIL, RCPT, DATA, end of data, QUIT
py=/usr/bin/python3   # Debian's, where python3-aiosmtpd lives

if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: capturing needs root"
    exit 77
fi
for need in swaks "$py"; do
    command -v "$need" >/dev/null || { echo "FAIL: $need is not installed"; exit 1; }
done
"$py" -c 'import aiosmtpd' 2>/dev/null \
    || { echo "FAIL: python3-aiosmtpd is not installed"; exit 1; }

work=$(mktemp -d)
server_pid=
tool_pid=
cleanup() {
    [ -n "$tool_pid" ] && kill "$tool_pid" 2>/dev/null || true
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$py" -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Sink >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
    "$py" -c "import socket; socket.create_connection(('127.0.0.1', $port), 1).close()" \
        2>/dev/null && break
    sleep 0.1
done

failures=0
fail() { echo "FAIL ($iface): $*"; failures=$((failures + 1)); }

for iface in lo any; do
    case $iface in
        lo) link="EN10MB (Ethernet)" ;;
        any) link="LINUX_SLL (Linux cooked v1)" ;;
    esac
    "$tool" -i "$iface" -c "$replies" --json --port "$port" >"$work/$iface.jsonl" \
        2>"$work/$iface.err" &
    tool_pid=$!

    # The capture is open once root is given up: wait for that, then check it.
    uid=
    for _ in $(seq 100); do
        uid=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$tool_pid/status" 2>/dev/null || true)
        [ "$uid" = "65534 65534 65534 65534" ] && break
        sleep 0.05
    done
    [ "$uid" = "65534 65534 65534 65534" ] || fail "still uid '$uid', expected nobody (65534)"
    gid=$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$tool_pid/status" 2>/dev/null || true)
    [ "$gid" = "65534 65534 65534 65534" ] || fail "gid '$gid', expected nogroup (65534)"

    swaks --server "127.0.0.1:$port" --ehlo client.example.test \
        --from sender@example.test --to rcpt@example.test \
        --header "Subject: live capture test" --body "hello" >"$work/$iface.swaks" 2>&1 \
        || fail "swaks failed: $(tail -3 "$work/$iface.swaks")"

    status=0
    for _ in $(seq 100); do
        kill -0 "$tool_pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$tool_pid" 2>/dev/null; then
        fail "smtpreply did not stop after $replies replies"
        kill "$tool_pid"
    fi
    wait "$tool_pid" || status=$?
    tool_pid=
    [ "$status" -eq 0 ] || fail "exit status $status: $(cat "$work/$iface.err")"
    # tcpdump's banner, and nothing else.
    banner="listening on $iface, link-type $link, snapshot length 262144 bytes"
    [ "$(cat "$work/$iface.err")" = "$banner" ] \
        || fail "stderr: '$(cat "$work/$iface.err")', expected '$banner'"

    "$py" - "$work/$iface.jsonl" "$port" <<'PY' || fail "replies not as expected"
import json, sys
path, port = sys.argv[1], sys.argv[2]
replies = [json.loads(l) for l in open(path)]
def expect(what, got, want):
    if got != want:
        print("  %s: %r, expected %r" % (what, got, want))
        sys.exit(1)
expect("codes", [r["code"] for r in replies], [220, 250, 250, 250, 354, 250, 221])
expect("commands", [r["command"] for r in replies],
       ["<greeting>", "EHLO", "MAIL", "RCPT", "DATA", "<end-of-data>", "QUIT"])
expect("servers", {r["server"] for r in replies}, {"127.0.0.1:" + port})
expect("one flow", {r["flow"] for r in replies}, {0})
expect("all complete", [r["complete"] for r in replies], [True] * 7)
expect("no anomalies", [r["anomalies"] for r in replies], [[]] * 7)
ehlo = replies[1]
expect("EHLO multiline", ehlo["multiline"], True)
expect("EHLO first line", ehlo["lines"][0].split(" ")[0] != "", True)
expect("EHLO offers 8BITMIME", "8BITMIME" in ehlo["lines"], True)
expect("354 class", (replies[4]["class"], replies[4]["category"]),
       ("Positive Intermediate", "Mail system"))
expect("221 meaning", replies[6]["meaning"], "<domain> Service closing transmission channel")
print("  ok: %d replies, EHLO offered %s" % (len(replies), ", ".join(ehlo["lines"][1:])))
PY
    echo "$iface: $(wc -l <"$work/$iface.jsonl") replies decoded"
done

# Ctrl-C on an idle live capture: the replies so far, the summary, exit 0.
iface=lo
"$tool" -i lo --json --summary --port "$port" >"$work/int.jsonl" 2>"$work/int.err" &
tool_pid=$!
for _ in $(seq 100); do
    [ "$(awk '/^Uid:/ { print $2 }' "/proc/$tool_pid/status" 2>/dev/null)" = 65534 ] && break
    sleep 0.05
done
swaks --server "127.0.0.1:$port" --from sender@example.test --to rcpt@example.test \
    >/dev/null 2>&1 || fail "swaks failed"
sleep 0.5
kill -INT "$tool_pid"
status=0
for _ in $(seq 50); do
    kill -0 "$tool_pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$tool_pid" 2>/dev/null; then
    fail "smtpreply did not stop on SIGINT"
    kill -9 "$tool_pid"
fi
wait "$tool_pid" || status=$?
tool_pid=
[ "$status" -eq 0 ] || fail "exit status $status after SIGINT: $(cat "$work/int.err")"
"$py" - "$work/int.jsonl" <<'PY' || fail "no summary after SIGINT"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
summary = objs[-1]["summary"]
assert summary["interrupted"] is True, summary
assert summary["replies"] == 7 == len(objs) - 1, (summary["replies"], len(objs))
assert summary["dropped"] == 0, summary["dropped"]
print("  ok: SIGINT after %d replies, summary written" % summary["replies"])
PY

if [ "$failures" -ne 0 ]; then
    echo "$failures failed"
    exit 1
fi
echo "live capture: all checks passed"
