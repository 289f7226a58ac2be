#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The CNI plugin at pod-start scale (docs/performance.md): build lxcnet-cni,
# the empty process of the floor and the benchmark, then run it beside
# Debian's host-device (apt-get install containernetworking-plugins).
# Extra arguments go to lxcnet-cni-bench, e.g. `bench/cni.sh --quick`.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${LXCNET_BENCH_BUILD:-$src/build-bench}
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$src" -Dpython=false -Dtests=false
fi
ninja -C "$build" tools/cni/lxcnet-cni bench/lxcnet-bench-empty bench/lxcnet-cni-bench
exec "$build/bench/lxcnet-cni-bench" "$@"
