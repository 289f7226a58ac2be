#!/usr/bin/env bash
# The whole test suite, as root on Debian 12: installs what it needs, builds
# into build/, and runs every suite (unit and privileged, on real containers).
# Extra arguments go to `meson test` (e.g. --suite unit).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh
[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null
meson test -C build --print-errorlogs "$@"
