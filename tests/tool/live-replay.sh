#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# smtpreply capturing live at speed: tcpreplay (Debian's) sends a generated
# relay capture (tests/bench/make-big-capture.py: hundreds of interleaved
# sessions, replies cut inside lines) onto `lo` at RATE Mbit/s while the
# tool captures there.  Every packet sent must be seen, none dropped, and
# every reply the generator wrote decoded.  The frames are for Ethernet
# addresses that are not lo's: the kernel drops them after the capture, and
# nothing on the machine answers.  The benchmark (run-tool-bench.sh) does
# the same with a gigabyte at 1 Gbit/s and reports what it finds.
# Needs root (to capture and replay); exits 77, skipped, without.
#
# usage: live-replay.sh SMTPREPLY [MB [RATE]]
set -euo pipefail

tool=$1
mb=${2:-20}
rate=${3:-200}
top=$(cd "$(dirname "$0")/../.." && pwd)

if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: capturing needs root"
    exit 77
fi
command -v tcpreplay >/dev/null || { echo "FAIL: tcpreplay is not installed"; exit 1; }

work=$(mktemp -d)
tool_pid=
cleanup() {
    [ -n "$tool_pid" ] && kill "$tool_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

line=$(python3 "$top/tests/bench/make-big-capture.py" --mb "$mb" "$work/relay.pcap")
replies=$(sed -n 's/.* replies=\([0-9]*\).*/\1/p' <<<"$line")
packets=$(sed -n 's/.*packets=\([0-9]*\).*/\1/p' <<<"$line")

"$tool" -i lo -q --summary >"$work/summary" 2>"$work/stderr" &
tool_pid=$!
# It says nothing once the capture is open; the packet count below shows
# whether it was open in time.
sleep 2
tcpreplay -i lo --mbps "$rate" "$work/relay.pcap" >"$work/replay" 2>&1 \
    || { echo "FAIL: tcpreplay: $(tail -3 "$work/replay")"; exit 1; }
sleep 1
kill -INT "$tool_pid"
status=0
wait "$tool_pid" || status=$?
tool_pid=

sent=$(sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' "$work/replay")
seen=$(awk '$1 == "packets" { print $2; exit }' "$work/summary")
decoded=$(awk '$1 == "replies" { print $2; exit }' "$work/summary")
dropped=$(awk '$1 == "dropped" { print $2 + $6; exit }' "$work/summary")
echo "generated $packets packets, $replies replies; tcpreplay: $(grep -o 'Rated: .*' "$work/replay")"
echo "smtpreply: exit $status, saw $seen packets, dropped $dropped, decoded $decoded replies"
fail=0
[ "$status" -eq 0 ] || { echo "FAIL: exit status $status: $(cat "$work/stderr")"; fail=1; }
[ "$sent" = "$packets" ] || { echo "FAIL: tcpreplay sent $sent of $packets packets"; fail=1; }
# lo carries other traffic too: at least what was sent.
[ "${seen:-0}" -ge "$packets" ] || { echo "FAIL: saw ${seen:-no} packets, $packets were sent"; fail=1; }
[ "$dropped" = 0 ] || { echo "FAIL: $dropped packets dropped"; fail=1; }
[ "$decoded" = "$replies" ] || { echo "FAIL: decoded ${decoded:-no} replies, $replies were sent"; fail=1; }
[ $fail = 0 ] && echo "ok: every reply decoded live"
exit $fail
