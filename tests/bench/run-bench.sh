#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Builds bench-decoder with optimisation, prints its throughput and memory
# figures, then, when valgrind is installed, instruction counts per byte
# under callgrind: timings move with the load on the machine, instruction
# counts do not, so they are the figures to compare between two commits.
#
#   tests/bench/run-bench.sh [BUILD-DIR] [-- bench-decoder options]
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$top/build-bench
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
    build=$1
    shift
fi
[ "${1:-}" = "--" ] && shift

cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSMTPREPLY_BUILD_PLUGIN=OFF -DSMTPREPLY_BUILD_TOOL=OFF -DSMTPREPLY_TESTS=ON >/dev/null
cmake --build "$build" --target bench-decoder -j1 >/dev/null
bench=$build/tests/bench/bench-decoder

"$bench" "$@"

if ! command -v valgrind >/dev/null; then
    echo
    echo "(valgrind not installed: no instruction counts)"
    exit 0
fi

# One MiB per case keeps callgrind to seconds; the counts scale linearly.
mib=1
# Instructions executed inside FUNC (and what it calls) for one case, per
# byte of the stream that case fed.
per_byte() {
    local func=$1 workload=$2 chunk=$3 mode=$4 out bytes ir
    out=$(mktemp)
    bytes=$(valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
                --toggle-collect="$func" -q \
                "$bench" --mib "$mib" --reps 1 --only "$workload" --chunk "$chunk" --mode "$mode" \
            | awk -v w="$workload" -v c="$chunk" '$1 == w && $2 == c { print $3 }')
    ir=$(awk '/^(summary|totals):/ { print $2; exit }' "$out")
    rm -f "$out"
    awk -v ir="$ir" -v n="$bytes" 'BEGIN { printf "%.2f", ir / n }'
}

echo
echo "instructions per byte fed (callgrind, $mib MiB per case)"
printf '%-10s %6s %12s %12s %7s\n' workload chunk decoder baseline ratio
for workload in mixed multiline long-line bare-cr; do
    for chunk in 1460 1; do
        dec=$(per_byte 'sr_parser_f*' "$workload" "$chunk" parser)
        base=$(per_byte 'baseline_feed*' "$workload" "$chunk" baseline)
        awk -v w="$workload" -v c="$chunk" -v d="$dec" -v b="$base" 'BEGIN {
            printf "%-10s %6d %12.2f %12.2f %6.1fx\n", w, c, d, b, d / b
        }'
    done
done
