#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Where lxcnet's CPU goes inside real attach+detach cycles: perf samples with
# DWARF call chains, attributed to the step of lxcnet (or of the raw floor)
# they were taken in. Arguments: the contenders to profile (default: the raw
# floor and lxcnet bare), then any options for lxcnet-bench (--state-dir). Needs perf; the numbers are inflated by sampling,
# compare shares, not absolutes.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${LXCNET_BENCH_BUILD:-$src/build-bench}
only=${1:-raw,lxcnet-bare}
[ $# -gt 0 ] && shift
cycles=${CYCLES:-200}
data=$(mktemp /tmp/lxb-perf.XXXXXX)
trap 'rm -f "$data"' EXIT
ninja -C "$build" bench/lxcnet-bench >/dev/null
perf record -q -e cpu-clock -c 250000 --call-graph dwarf,32768 -i -o "$data" \
	"$build/bench/lxcnet-bench" --only "$only" --cycles "$cycles" --warmup 5 --sizes 0 --no-breakdown "$@"
perf script -i "$data" -F period,ip,sym 2>/dev/null | python3 "$src/bench/attribute.py" $((cycles + 5))
