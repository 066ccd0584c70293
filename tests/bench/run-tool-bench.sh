#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# End-to-end figures: the capture tool and tshark with the plugin on one large
# generated capture, beside what libpcap alone costs on the same file in the
# same run.  Timings depend on the machine and its load, so nothing here is
# asserted; compare the "x floor" column, which is measured in the same run.
# What is asserted is that each program really decoded the input (the reply
# counts) and that tshark really loaded the plugin: a fast figure for a run
# that did nothing would be worse than none.
#
#   tests/bench/run-tool-bench.sh [--sessions N] [--reps N] [--build-dir DIR]
#
# Builds in build-toolbench/ (RelWithDebInfo), never in build/, so it neither
# disturbs nor depends on anyone's working build.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$top/build-toolbench
sessions=50000
reps=3

usage() {
    sed -n 's/^#   //p' "$0" >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case "$1" in
        --sessions) sessions=${2:?}; shift 2 ;;
        --reps) reps=${2:?}; shift 2 ;;
        --build-dir) build=${2:?}; shift 2 ;;
        -h|--help) usage ;;
        *) echo "run-tool-bench.sh: unknown argument: $1" >&2; usage ;;
    esac
done
case "$sessions$reps" in
    *[!0-9]*) echo "run-tool-bench.sh: --sessions and --reps take numbers" >&2; exit 2 ;;
esac
if [ "$sessions" -lt 1 ] || [ "$reps" -lt 1 ]; then
    echo "run-tool-bench.sh: --sessions and --reps must be at least 1" >&2
    exit 2
fi
build=$(realpath -m "$build")
if [ "$build" = "$(realpath -m "$top/build")" ]; then
    echo "run-tool-bench.sh: $build is the main build; give another --build-dir" >&2
    exit 2
fi

die() { echo "run-tool-bench.sh: $*" >&2; exit 1; }
note() { printf '== %s\n' "$*" >&2; }

# GNU time, not the shell keyword: only it reports peak RSS.
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package: time)"
# The generator promises Debian's python3 and the standard library only.
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3) || die "python3 is missing"

have_tcpdump=1; command -v tcpdump >/dev/null || have_tcpdump=0
have_tshark=1; command -v tshark >/dev/null || have_tshark=0

note "building smtpreply in $build"
plugin=OFF; [ $have_tshark = 1 ] && plugin=ON
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSMTPREPLY_BUILD_PLUGIN=$plugin >/dev/null
targets=(--target smtpreply-tool)
[ $have_tshark = 1 ] && targets+=(--target smtpreply-plugin)
cmake --build "$build" "${targets[@]}" -j2 >/dev/null
tool=$build/capture-tool/smtpreply
[ -x "$tool" ] || die "$tool was not built"

# World-readable: tshark runs as nobody and must read the captures and the
# plugin copy.
work=$(mktemp -d /tmp/smtpreply-toolbench.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

# make NAME SESSIONS: writes $work/NAME.pcap and sets the globals big_*.
make_capture() {
    local line
    line=$("$python" "$top/tests/bench/make-big-capture.py" --sessions "$2" "$work/$1.pcap")
    chmod 644 "$work/$1.pcap"
    big_packets=$(sed -n 's/.*packets=\([0-9]*\).*/\1/p' <<<"$line")
    big_bytes=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' <<<"$line")
    big_replies=$(sed -n 's/.*replies=\([0-9]*\).*/\1/p' <<<"$line")
    if [ -z "$big_packets" ] || [ -z "$big_bytes" ] || [ -z "$big_replies" ]; then
        die "make-big-capture.py said: $line"
    fi
}

# Both captures must fit beside each other, and the machine is shared.
need_kb=$(( sessions * 6 * 5 ))     # ~5.3 KB a session, BIG and 4x BIG
avail_kb=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
[ "$avail_kb" -gt "$need_kb" ] || die "$work: $((need_kb / 1024)) MiB needed, $((avail_kb / 1024)) free"

note "generating BIG: $sessions sessions"
make_capture big "$sessions"
big=$work/big.pcap
# Every run reads the file from the page cache, not the first one from disk.
cat "$big" >/dev/null

# tshark as root ignores WIRESHARK_PLUGIN_DIR without a word, so it runs as
# nobody; both tshark lines get a plugin folder of their own (the empty one
# for "without"), so the plugin is the only difference between them.
as_user=()
if [ $have_tshark = 1 ]; then
    mkdir -p "$work/plugins/4.0/epan" "$work/no-plugins" "$work/home"
    cp "$build/wireshark-plugins/4.0/epan/smtpreply.so" "$work/plugins/4.0/epan/"
    chmod -R a+rX "$work/plugins" "$work/no-plugins"
    chmod 777 "$work/home"
    [ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
# Command prefixes rather than functions: /usr/bin/time runs programs.
with_plugin=("${as_user[@]}" env HOME="$work/home" WIRESHARK_PLUGIN_DIR="$work/plugins" tshark)
without_plugin=("${as_user[@]}" env HOME="$work/home" WIRESHARK_PLUGIN_DIR="$work/no-plugins" tshark)
if [ $have_tshark = 1 ]; then
    listed=$("${with_plugin[@]}" -G plugins | grep '^smtpreply\.so' || true)
    case "$listed" in
        *"$work/plugins/"*) ;;
        *) die "tshark -G plugins does not list $work/plugins/4.0/epan/smtpreply.so (got: ${listed:-nothing}); plugin not loaded" ;;
    esac
    if "${without_plugin[@]}" -G plugins | grep -q '^smtpreply\.so'; then
        die "tshark loads smtpreply.so even with an empty plugin folder: no baseline without it"
    fi
fi

# measure LABEL OUT CMD...: best wall time of $reps runs, and the largest peak
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
        [ -z "$best_ns" ] || [ $((t1 - t0)) -lt "$best_ns" ] && best_ns=$((t1 - t0))
        [ "$kb" -gt "$peak_kb" ] && peak_kb=$kb
    done
    return 0
}

floor_ns=
row() {     # row LABEL: one line of the table from best_ns and peak_kb
    awk -v l="$1" -v ns="$best_ns" -v kb="$peak_kb" -v b="$big_bytes" -v p="$big_packets" \
        -v f="$floor_ns" 'BEGIN {
        s = ns / 1e9
        printf "%-58s %8.2f %8.1f %9.0f %9.1f %8s\n", l, s, b / 1e6 / s, p / 1e3 / s, kb / 1024,
            f == "" ? "-" : sprintf("%.1fx", ns / f)
    }'
}
skip() { printf '%-58s skipped: %s\n' "$1" "$2"; }

printf '\ninput: %d sessions, %d packets, %.1f MB, %d replies (classic pcap, Ethernet)\n' \
    "$sessions" "$big_packets" "$(awk -v b="$big_bytes" 'BEGIN { print b / 1e6 }')" "$big_replies"
printf 'best of %d runs, warm page cache; peak RSS is the largest of the runs\n\n' "$reps"
printf '%-58s %8s %8s %9s %9s %8s\n' command 'wall s' 'MB/s' 'kpkt/s' 'RSS MiB' 'x floor'

if [ $have_tcpdump = 1 ]; then
    measure floor /dev/null tcpdump -r "$big" -w /dev/null
    floor_ns=$best_ns
    row "tcpdump -r BIG -w /dev/null   (floor)"
    measure printer /dev/null tcpdump -r "$big" -nn
    row "tcpdump -r BIG -nn > /dev/null"
else
    skip "tcpdump -r BIG -w /dev/null   (floor)" "tcpdump not installed"
    skip "tcpdump -r BIG -nn > /dev/null" "tcpdump not installed"
fi

measure tool "$work/summary" "$tool" -r "$big" -q --summary
row "smtpreply -r BIG -q --summary"
got=$(awk '$1 == "replies" { print $2; exit }' "$work/summary")
[ "$got" = "$big_replies" ] || die "smtpreply decoded ${got:-no} replies, the capture holds $big_replies"
big_rss_kb=$peak_kb
flows_line() { awk '$1 == "flows" { $1 = ""; sub(/^ */, ""); print; exit }' "$1"; }
big_flows=$(flows_line "$work/summary")

measure json /dev/null "$tool" -r "$big" --json
row "smtpreply -r BIG --json > /dev/null"

if [ $have_tshark = 1 ]; then
    measure tshark-q /dev/null "${without_plugin[@]}" -r "$big" -q
    row "tshark -r BIG -q   (no plugin; reads, does not dissect)"
    # -q with no tap and no filter lets tshark skip dissection altogether; a
    # tap that needs nothing of the tree makes it dissect every frame (TCP,
    # SMTP, IMF), which is the baseline the plugin adds to.
    measure tshark-io /dev/null "${without_plugin[@]}" -r "$big" -q -z io,stat,0
    row "tshark -r BIG -q -z io,stat,0   (no plugin; dissects)"
    measure tshark-plugin "$work/tree" "${with_plugin[@]}" -r "$big" -q -z smtpreply,tree
    row "tshark -r BIG -q -z smtpreply,tree   (plugin)"
    got=$(awk '/^Replies by class/ { print $4; exit }' "$work/tree")
    [ "$got" = "$big_replies" ] || die "the plugin counted ${got:-no} replies, the capture holds $big_replies"
else
    skip "tshark -r BIG -q   (no plugin)" "tshark not installed"
    skip "tshark -r BIG -q -z io,stat,0   (no plugin)" "tshark not installed"
    skip "tshark -r BIG -q -z smtpreply,tree   (plugin)" "tshark not installed"
fi

# Memory must not follow the input: the flow table and every buffer are
# capped, so four times the sessions should leave peak RSS where it was.
rm -f "$big"
note "generating 4x BIG: $((sessions * 4)) sessions"
make_capture big4 $((sessions * 4))
cat "$work/big4.pcap" >/dev/null
reps_saved=$reps; reps=1
measure tool4 "$work/summary4" "$tool" -r "$work/big4.pcap" -q --summary
reps=$reps_saved
got=$(awk '$1 == "replies" { print $2; exit }' "$work/summary4")
[ "$got" = "$big_replies" ] || die "smtpreply decoded ${got:-no} replies of 4x BIG, it holds $big_replies"
printf '\nsmtpreply -q --summary peak RSS:  BIG %.1f MiB,  4x BIG (%.0f MB, one run, %.2f s) %.1f MiB\n' \
    "$(awk -v k="$big_rss_kb" 'BEGIN { print k / 1024 }')" \
    "$(awk -v b="$big_bytes" 'BEGIN { print b / 1e6 }')" \
    "$(awk -v n="$best_ns" 'BEGIN { print n / 1e9 }')" \
    "$(awk -v k="$peak_kb" 'BEGIN { print k / 1024 }')"
printf 'flows:  BIG %s\n        4x BIG %s\n' "$big_flows" "$(flows_line "$work/summary4")"
