#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds lxcnet's libFuzzer targets with clang and runs each for a bounded
# time, starting from its seed corpus in tests/fuzz/corpus/.
#
#   tests/fuzz/run.sh [SECONDS]     (default 60 per target)
#
# Environment: LXCNET_FUZZ_BUILD  build directory (default: <source>/build-fuzz)
# Exits non-zero if a target crashes, trips a sanitizer, leaks, times out or
# runs out of memory; the input that did it is left in <build>/fuzz-artifacts/
# and the path is printed. New inputs found along the way go to a scratch
# copy of the corpus, never into the source tree.
set -eu

seconds=${1:-60}
case $seconds in
'' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${LXCNET_FUZZ_BUILD:-$src/build-fuzz}

if [ ! -f "$build/build.ninja" ]; then
	CC=clang CXX=clang++ meson setup "$build" "$src" -Dfuzz=true -Db_lundef=false \
		-Dtests=true -Dpython=false -Dbench=false -Dcni=false
fi
ninja -C "$build" tests/fuzz/fuzz-names tests/fuzz/fuzz-record tests/fuzz/fuzz-messages

artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM

failed=0
for target in names record messages; do
	work=$scratch/$target
	mkdir -p "$work"
	cp "$here/corpus/$target/"* "$work/"
	dict=
	[ -f "$here/$target.dict" ] && dict=-dict=$here/$target.dict
	log=$scratch/$target.log
	echo "== fuzz-$target for $seconds s"
	status=0
	# shellcheck disable=SC2086 # $dict is one word or none
	"$build/tests/fuzz/fuzz-$target" $dict -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 -artifact_prefix="$artifacts/$target-" \
		"$work" >"$log" 2>&1 || status=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ "$status" -ne 0 ]; then
		tail -n 60 "$log"
		echo "== fuzz-$target FAILED (exit $status) after ${runs:-?} executions; reproducer in $artifacts/" >&2
		failed=1
	else
		echo "== fuzz-$target: ${runs:-?} executions, $(ls "$work" | wc -l) inputs in the corpus, no crash"
	fi
done
exit "$failed"
