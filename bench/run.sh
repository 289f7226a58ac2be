#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The one command of docs/performance.md: build lxcnet and its benchmark, then
# run everything (tables at 0/1000/3000 idle veth pairs, breakdown, soak).
# Extra arguments go to lxcnet-bench, e.g. `bench/run.sh --quick`.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${LXCNET_BENCH_BUILD:-$src/build-bench}
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$src" -Dpython=false -Dtests=false
fi
# Only the benchmark and what it links: the rest of the tree need not build for it to run.
ninja -C "$build" bench/lxcnet-bench
exec "$build/bench/lxcnet-bench" --all "$@"
