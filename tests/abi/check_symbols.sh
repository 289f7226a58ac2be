#!/usr/bin/env bash
# The shared library exports its public API and nothing else: C functions
# named lxcnet_*, and C++ symbols of namespace lxcnet outside lxcnet::detail.
set -euo pipefail
lib=$1
bad=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sed 's/@.*//' | c++filt |
	grep -vE '^lxcnet_[a-z_]+$' |
	grep -vE '^((typeinfo|typeinfo name|vtable) for )?lxcnet::' || true)
detail=$(nm -D --defined-only "$lib" | c++filt | grep -E 'lxcnet::detail|::Impl' || true)
if [ -n "$bad$detail" ]; then
	echo "exported but not public API:"
	printf '%s\n' "$bad" "$detail"
	exit 1
fi
echo "exports: $(nm -D --defined-only "$lib" | grep -c ' [TDBRVW] ') symbols, all public API"
