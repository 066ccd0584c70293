#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# End-to-end figures on one large generated relay capture, all in one run so
# they can be compared: the floor (libpcap alone reading the file), the
# capture tool writing text and JSON, tshark without and with the plugin,
# the tool's memory on a tenth of the file, and the tool capturing live while
# the file is replayed onto the loopback interface; then the tool on a
# STARTTLS-heavy capture of the same size, without and with its TLS keys.
# Timings depend on the
# machine and its load, so nothing here is timed against a limit; compare
# the "x floor" and "x tshark" columns, measured in the same run.  What is
# asserted is that each program really did the work: reply counts against
# the generator's, and that tshark really loaded the plugin.
#
#   tests/bench/run-tool-bench.sh [--mb N] [--reps N] [--tshark-reps N] [--build-dir DIR]
#                                 [--no-tshark] [--no-live] [--mbps N] [--tls FRACTION] [--no-tls]
#
#   --mb N        size of the capture in MB (default 1000)
#   --reps N      runs of each tool and floor command, best kept (default 3)
#   --tshark-reps N  runs of each tshark command, the two taking turns (default 3)
#   --no-tshark   leave out the tshark lines (they take minutes on 1 GB)
#   --no-live     leave out the live capture
#   --mbps N      replay rate of the live capture (default 1000)
#   --tls FRACTION  share of the sessions of the TLS capture that use STARTTLS (default 0.8)
#   --no-tls      leave out the STARTTLS-heavy capture
#
# Builds in build-toolbench/ (RelWithDebInfo), never in build/.  The live
# part needs root (capturing, and tcpreplay) and Debian's tcpreplay.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$top/build-toolbench
mb=1000
reps=3
tshark_reps=3
with_tshark=1
with_live=1
mbps=1000
tls_fraction=0.8
with_tls=1

usage() {
    sed -n 's/^#   //p' "$0" >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case "$1" in
        --mb) mb=${2:?}; shift 2 ;;
        --reps) reps=${2:?}; shift 2 ;;
        --tshark-reps) tshark_reps=${2:?}; shift 2 ;;
        --build-dir) build=${2:?}; shift 2 ;;
        --no-tshark) with_tshark=0; shift ;;
        --no-live) with_live=0; shift ;;
        --mbps) mbps=${2:?}; shift 2 ;;
        --tls) tls_fraction=${2:?}; shift 2 ;;
        --no-tls) with_tls=0; shift ;;
        -h|--help) usage ;;
        *) echo "run-tool-bench.sh: unknown argument: $1" >&2; usage ;;
    esac
done
case "$mb$reps$tshark_reps$mbps" in
    *[!0-9]*) echo "run-tool-bench.sh: --mb, --reps, --tshark-reps and --mbps take numbers" >&2; exit 2 ;;
esac
if [ "$mb" -lt 10 ] || [ "$reps" -lt 1 ] || [ "$tshark_reps" -lt 1 ] || [ "$mbps" -lt 1 ]; then
    echo "run-tool-bench.sh: --mb must be at least 10, --reps, --tshark-reps and --mbps at least 1" >&2
    exit 2
fi
case "$tls_fraction" in
    0|1|0.[0-9]*|1.0*) ;;
    *) echo "run-tool-bench.sh: --tls takes a fraction from 0 to 1, e.g. 0.8" >&2; exit 2 ;;
esac
build=$(realpath -m "$build")
if [ "$build" = "$(realpath -m "$top/build")" ]; then
    echo "run-tool-bench.sh: $build is the main build; give another --build-dir" >&2
    exit 2
fi

die() { echo "run-tool-bench.sh: $*" >&2; exit 1; }
note() { printf '== %s\n' "$*" >&2; }

# GNU time, not the shell keyword: only it reports peak RSS.
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package: time)"
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3) || die "python3 is missing"

skip_tshark="" skip_live=""
[ $with_tshark = 1 ] || skip_tshark="--no-tshark given"
command -v tshark >/dev/null || skip_tshark=${skip_tshark:-"tshark not installed"}
[ $with_live = 1 ] || skip_live="--no-live given"
[ "$(id -u)" -eq 0 ] || skip_live=${skip_live:-"not root: cannot capture or replay"}
command -v tcpreplay >/dev/null || skip_live=${skip_live:-"tcpreplay not installed"}

note "building smtpreply in $build"
plugin=OFF; [ -z "$skip_tshark" ] && plugin=ON
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSMTPREPLY_BUILD_PLUGIN=$plugin -DSMTPREPLY_TESTS=ON >/dev/null
targets=(--target smtpreply-tool --target pcap-floor)
[ -z "$skip_tshark" ] && targets+=(--target smtpreply-plugin)
cmake --build "$build" "${targets[@]}" -j2 >/dev/null
tool=$build/capture-tool/smtpreply
floor=$build/tests/bench/pcap-floor
[ -x "$tool" ] && [ -x "$floor" ] || die "$tool or $floor was not built"

# World-readable: tshark runs as nobody and reads the captures and plugin.
work=$(mktemp -d /tmp/smtpreply-toolbench.XXXXXX)
live_pid=
cleanup() {
    [ -n "$live_pid" ] && kill "$live_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"

need_mb=$((mb + mb / 10 + with_tls * mb))
avail_mb=$(df -Pm "$work" | awk 'NR == 2 { print $4 }')
[ "$avail_mb" -gt $((need_mb + 100)) ] || die "$work: $need_mb MB needed, $avail_mb MB free"

# make NAME MB [ARG...]: writes $work/NAME.pcap, ARGs passed on to the
# generator; sets gen_packets, gen_bytes, gen_replies, gen_reply_bytes,
# gen_sessions, and after --tls gen_tls_sessions and gen_clear_replies.
make_capture() {
    local line name=$1 size=$2
    shift 2
    line=$("$python" "$top/tests/bench/make-big-capture.py" --mb "$size" "$@" "$work/$name.pcap")
    chmod 644 "$work/$name.pcap"
    gen_packets=$(sed -n 's/.*packets=\([0-9]*\).*/\1/p' <<<"$line")
    gen_bytes=$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' <<<"$line")
    gen_replies=$(sed -n 's/.* replies=\([0-9]*\).*/\1/p' <<<"$line")
    gen_reply_bytes=$(sed -n 's/.*reply_bytes=\([0-9]*\).*/\1/p' <<<"$line")
    gen_sessions=$(sed -n 's/^sessions=\([0-9]*\).*/\1/p' <<<"$line")
    gen_tls_sessions=$(sed -n 's/.*tls_sessions=\([0-9]*\).*/\1/p' <<<"$line")
    gen_clear_replies=$(sed -n 's/.*clear_replies=\([0-9]*\).*/\1/p' <<<"$line")
    if [ -z "$gen_packets" ] || [ -z "$gen_bytes" ] || [ -z "$gen_replies" ]; then
        die "make-big-capture.py said: $line"
    fi
}

# The tool's decoded reply count, from its summary.
summary_replies() { awk '$1 == "replies" { print $2; exit }' "$1"; }

note "generating SMALL: $((mb / 10)) MB"
make_capture small $((mb / 10))
small=$work/small.pcap
small_replies=$gen_replies
skip_tls=""
[ $with_tls = 1 ] || skip_tls="--no-tls given"
if [ -z "$skip_tls" ]; then
    note "generating TLS: $mb MB, $tls_fraction of the sessions in TLS, and its key log"
    t0=$(date +%s%N)
    make_capture tls "$mb" --tls "$tls_fraction" --keylog "$work/tls.keys"
    tls_gen_ns=$(($(date +%s%N) - t0))
    [ -n "$gen_tls_sessions" ] && [ -n "$gen_clear_replies" ] \
        || die "make-big-capture.py --tls gave no TLS counts"
    tls=$work/tls.pcap
    tls_bytes=$gen_bytes tls_replies=$gen_replies tls_sessions=$gen_tls_sessions
    tls_clear_replies=$gen_clear_replies tls_all_sessions=$gen_sessions tls_packets=$gen_packets
fi
note "generating BIG: $mb MB"
make_capture big "$mb"
big=$work/big.pcap
# Every run reads the file from the page cache, not the first from disk.
cat "$big" "$small" ${tls:+"$tls"} >/dev/null

# measure LABEL OUT CMD...: best wall time of $reps runs and the largest peak
# RSS; CMD's stdout goes to OUT.  Sets best_ns and peak_kb.
measure() {
    local label=$1 out=$2 i t0 t1 kb
    shift 2
    best_ns=; peak_kb=0
    for ((i = 0; i < reps; i++)); do
        t0=$(date +%s%N)
        /usr/bin/time -f %M -o "$work/rss" "$@" >"$out" 2>"$work/stderr" \
            || die "$label failed: $(tail -3 "$work/stderr")"
        t1=$(date +%s%N)
        kb=$(tail -1 "$work/rss")
        if [ -z "$best_ns" ] || [ $((t1 - t0)) -lt "$best_ns" ]; then best_ns=$((t1 - t0)); fi
        if [ "$kb" -gt "$peak_kb" ]; then peak_kb=$kb; fi
    done
}

floor_ns= base_ns= base_kb=
# row LABEL [BYTES REPLIES FLOOR_NS]: one line of the table from best_ns and
# peak_kb; the input's size, the replies decoded and the floor's time are
# BIG's unless given.
row() {
    awk -v l="$1" -v ns="$best_ns" -v kb="$peak_kb" -v b="${2:-$gen_bytes}" \
        -v r="${3:-$gen_replies}" -v f="${4:-$floor_ns}" 'BEGIN {
        s = ns / 1e9
        printf "%-52s %7.2f %7.0f %9.0f %8.1f %8s\n", l, s, b / 1e6 / s, r / s, kb / 1024,
            f == "" ? "-" : sprintf("%.2fx", ns / f)
    }'
}
skip() { printf '%-52s skipped: %s\n' "$1" "$2"; }

printf '\ninput: %s MB classic pcap (Ethernet), %d sessions, %d packets, %d replies\n' \
    "$(awk -v b="$gen_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')" "$gen_sessions" \
    "$gen_packets" "$gen_replies"
printf '       reply bytes %.2f%% of all; best of %d runs, warm page cache\n' \
    "$(awk -v a="$gen_reply_bytes" -v b="$gen_bytes" 'BEGIN { print 100 * a / b }')" "$reps"
printf 'machine: %s, %s cores, load average %s\n\n' \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" "$(nproc)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-52s %7s %7s %9s %8s %8s\n' command 'wall s' 'MB/s' 'replies/s' 'RSS MiB' 'x floor'

measure floor "$work/floor" "$floor" "$big"
floor_ns=$best_ns
row "pcap-floor BIG   (pcap_next_ex loop: the floor)"
got=$(sed -n 's/^packets=\([0-9]*\).*/\1/p' "$work/floor")
[ "$got" = "$gen_packets" ] || die "pcap-floor read ${got:-no} packets, the capture holds $gen_packets"

measure quiet /dev/null "$tool" -r "$big" -q
quiet_ns=$best_ns
row "smtpreply -r BIG -q   (decoded, nothing written)"
measure text /dev/null "$tool" -r "$big"
row "smtpreply -r BIG > /dev/null"
measure json /dev/null "$tool" -r "$big" --json
row "smtpreply -r BIG --json > /dev/null"
big_rss_kb=$peak_kb

# Not timed: that the runs above decoded every reply.  The summary counts
# them, and the JSON has one line each.
"$tool" -r "$big" -q --summary >"$work/summary" 2>&1 || die "smtpreply --summary failed"
got=$(summary_replies "$work/summary")
[ "$got" = "$gen_replies" ] || die "smtpreply decoded ${got:-no} replies, the capture holds $gen_replies"
got=$("$tool" -r "$big" --json | wc -l)
[ "$got" = "$gen_replies" ] || die "smtpreply --json wrote $got lines, the capture holds $gen_replies replies"

reps_saved=$reps; reps=1
measure small-json /dev/null "$tool" -r "$small" --json
reps=$reps_saved
small_rss_kb=$peak_kb
"$tool" -r "$small" -q --summary >"$work/summary-small" 2>&1 || die "smtpreply --summary failed"
got=$(summary_replies "$work/summary-small")
[ "$got" = "$small_replies" ] || die "smtpreply decoded ${got:-no} replies of SMALL, it holds $small_replies"

if [ -z "$skip_tshark" ]; then
    # tshark as root ignores WIRESHARK_PLUGIN_DIR without a word, so it runs
    # as nobody; both lines get a plugin folder of their own (an empty one
    # without), so the plugin is the only difference between them.
    mkdir -p "$work/no-plugins" "$work/home"
    cp -r "$build/wireshark-plugins" "$work/plugins"
    chmod -R a+rX "$work/plugins" "$work/no-plugins"
    chmod 777 "$work/home"
    as_user=()
    [ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    with_plugin=("${as_user[@]}" env HOME="$work/home" WIRESHARK_PLUGIN_DIR="$work/plugins" tshark)
    without_plugin=("${as_user[@]}" env HOME="$work/home" WIRESHARK_PLUGIN_DIR="$work/no-plugins" tshark)
    listed=$("${with_plugin[@]}" -G plugins | grep '^smtpreply\.so' || true)
    case "$listed" in
        *"$work/plugins/"*) ;;
        *) die "tshark -G plugins does not list smtpreply.so from $work/plugins (got: ${listed:-nothing})" ;;
    esac
    if "${without_plugin[@]}" -G plugins | grep -q '^smtpreply\.so'; then
        die "tshark loads smtpreply.so even with an empty plugin folder: no baseline without it"
    fi

    # Half a minute or more each on 1 GB, and one run can be 15% slower
    # than the next: the two alternate, --tshark-reps times, so that a
    # slow spell of the machine falls on both, and each keeps its best.
    reps_saved=$reps; reps=1
    base_ns= with_ns= base_kb=0 with_kb=0
    for ((rep = 0; rep < tshark_reps; rep++)); do
        measure tshark-without /dev/null "${without_plugin[@]}" -r "$big" -Y smtp.response
        if [ -z "$base_ns" ] || [ "$best_ns" -lt "$base_ns" ]; then base_ns=$best_ns; fi
        if [ "$peak_kb" -gt "$base_kb" ]; then base_kb=$peak_kb; fi
        measure tshark-with /dev/null "${with_plugin[@]}" -r "$big" -Y smtpreply
        if [ -z "$with_ns" ] || [ "$best_ns" -lt "$with_ns" ]; then with_ns=$best_ns; fi
        if [ "$peak_kb" -gt "$with_kb" ]; then with_kb=$peak_kb; fi
    done
    reps=$reps_saved
    best_ns=$base_ns peak_kb=$base_kb
    row "tshark -r BIG -Y smtp.response   (no plugin)"
    best_ns=$with_ns peak_kb=$with_kb
    row "tshark -r BIG -Y smtpreply   (plugin)"
    # Not timed: the plugin counts every reply, on SMALL for time's sake.
    "${with_plugin[@]}" -r "$small" -q -z smtpreply,tree >"$work/tree" 2>&1 \
        || die "tshark -z smtpreply,tree failed: $(tail -3 "$work/tree")"
    got=$(awk '/^Replies by class/ { print $4; exit }' "$work/tree")
    [ "$got" = "$small_replies" ] || die "the plugin counted ${got:-no} replies of SMALL, it holds $small_replies"
else
    skip "tshark -r BIG -Y smtp.response   (no plugin)" "$skip_tshark"
    skip "tshark -r BIG -Y smtpreply   (plugin)" "$skip_tshark"
fi

# The STARTTLS-heavy capture: most sessions go over to TLS after EHLO.
# Without keys the tool decodes the replies in clear and must pass over the
# TLS records at next to no cost; with the key log it decrypts them and
# decodes every reply.  Each line has its own floor, on the same file.
summary_handshakes() { awk '$1 == "tls" && $2 == "handshakes" { print $4; exit }' "$1"; }
if [ -z "$skip_tls" ]; then
    measure floor-tls "$work/floor" "$floor" "$tls"
    tls_floor_ns=$best_ns
    row "pcap-floor TLS   (the floor, STARTTLS-heavy capture)" "$tls_bytes" "$tls_replies" "$tls_floor_ns"
    got=$(sed -n 's/^packets=\([0-9]*\).*/\1/p' "$work/floor")
    [ "$got" = "$tls_packets" ] || die "pcap-floor read ${got:-no} packets of TLS, it holds $tls_packets"

    measure quiet-tls /dev/null "$tool" -r "$tls" -q
    tls_nokeys_ns=$best_ns
    row "smtpreply -r TLS -q   (no keys: replies in clear)" "$tls_bytes" "$tls_clear_replies" "$tls_floor_ns"
    "$tool" -r "$tls" -q --summary >"$work/summary-tls" 2>&1 || die "smtpreply --summary failed on TLS"
    got=$(summary_replies "$work/summary-tls")
    [ "$got" = "$tls_clear_replies" ] \
        || die "smtpreply decoded ${got:-no} replies of TLS without keys, $tls_clear_replies are in clear"
    got=$(summary_handshakes "$work/summary-tls")
    [ "$got" = "$tls_sessions" ] \
        || die "smtpreply saw ${got:-no} TLS handshakes without keys, TLS holds $tls_sessions"

    tls_keys_ns=
    # Read whole: grep -q leaving early would fail the pipe under pipefail.
    tool_help=$("$tool" --help 2>&1 || true)
    if [[ $tool_help == *--tls-keylog* ]]; then
        measure keys-tls /dev/null "$tool" -r "$tls" -q --tls-keylog "$work/tls.keys"
        tls_keys_ns=$best_ns
        row "smtpreply -r TLS -q --tls-keylog KEYS   (decrypted)" "$tls_bytes" "$tls_replies" "$tls_floor_ns"
        "$tool" -r "$tls" -q --summary --tls-keylog "$work/tls.keys" >"$work/summary-tls" 2>&1 \
            || die "smtpreply --summary --tls-keylog failed on TLS"
        got=$(summary_replies "$work/summary-tls")
        [ "$got" = "$tls_replies" ] \
            || die "smtpreply decoded ${got:-no} replies of TLS with its keys, TLS holds $tls_replies"
    else
        skip "smtpreply -r TLS -q --tls-keylog KEYS   (decrypted)" "$tool has no --tls-keylog yet"
    fi
else
    skip "smtpreply -r TLS ...   (STARTTLS-heavy capture)" "$skip_tls"
fi

printf '\nsmtpreply --json peak RSS: %.1f MiB on %d MB, %.1f MiB on %d MB\n' \
    "$(awk -v k="$small_rss_kb" 'BEGIN { print k / 1024 }')" $((mb / 10)) \
    "$(awk -v k="$big_rss_kb" 'BEGIN { print k / 1024 }')" "$mb"
if [ -z "$skip_tls" ]; then
    printf 'TLS: %d sessions, %d in TLS; %d replies, %d in clear, %d inside TLS; generated in %.1f s (%.1f MB/s)\n' \
        "$tls_all_sessions" "$tls_sessions" "$tls_replies" "$tls_clear_replies" \
        $((tls_replies - tls_clear_replies)) \
        "$(awk -v n="$tls_gen_ns" 'BEGIN { print n / 1e9 }')" \
        "$(awk -v n="$tls_gen_ns" -v b="$tls_bytes" 'BEGIN { print b / 1e6 / (n / 1e9) }')"
    # Per byte, as the two files differ a little in size.
    awk -v c="$quiet_ns" -v cb="$gen_bytes" -v n="$tls_nokeys_ns" -v k="$tls_keys_ns" \
        -v tb="$tls_bytes" 'BEGIN {
        printf "TLS: time per byte against the clear capture with -q: without keys %.2fx", (n / tb) / (c / cb)
        if (k != "") printf ", with keys %.2fx", (k / tb) / (c / cb)
        printf "\n" }'
fi
if [ -n "$base_ns" ]; then
    awk -v a="$with_ns" -v b="$base_ns" -v ka="$with_kb" -v kb="$base_kb" 'BEGIN {
        printf "plugin: tshark with it %.2fx the time without, peak memory %+.1f%% (%.0f MiB vs %.0f MiB)\n",
            a / b, 100 * (ka - kb) / kb, ka / 1024, kb / 1024 }'
fi

if [ -z "$skip_live" ]; then
    # Live: the tool captures on lo while tcpreplay sends BIG there.  The
    # frames are for other Ethernet addresses, so the kernel drops them
    # after the capture saw them, and nothing answers.
    note "live: replaying BIG onto lo at $mbps Mbit/s"
    "$tool" -i lo -q --summary >"$work/live" 2>"$work/live.err" &
    live_pid=$!
    # The capture says nothing once it is open: give it time, and compare
    # what it saw with what was sent below.
    sleep 2
    tcpreplay -i lo --mbps "$mbps" "$big" >"$work/replay" 2>&1 || die "tcpreplay failed: $(tail -3 "$work/replay")"
    sleep 2
    kill -INT "$live_pid"
    wait "$live_pid" || die "smtpreply -i lo failed: $(cat "$work/live.err")"
    live_pid=
    rate=$(sed -n 's/.*Rated: .*, \([0-9.]*\) Mbps.*/\1/p' "$work/replay")
    sent=$(sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' "$work/replay")
    got=$(summary_replies "$work/live")
    seen=$(awk '$1 == "packets" { print $2; exit }' "$work/live")
    drops=$(awk '$1 == "dropped" { print $2 "," $6; exit }' "$work/live")
    printf 'live: tcpreplay sent %s packets at %s Mbit/s; smtpreply -i lo saw %s, dropped (kernel,interface) %s, decoded %s of %s replies\n' \
        "${sent:-?}" "${rate:-?}" "${seen:-?}" "${drops:-?}" "${got:-?}" "$gen_replies"
    [ "${seen:-0}" -ge "${sent:-1}" ] || printf 'live: the capture saw fewer packets than were sent: see the drops\n'
else
    printf 'live: skipped: %s\n' "$skip_live"
fi
