#!/usr/bin/env bash
# The shared library exports its public API and nothing else: C functions
# named lxcnet_*, and C++ symbols of namespace lxcnet outside lxcnet::detail.
set -euo pipefail
lib=$1
# Read once, and fail if nm does: a pipeline ending in `|| true` would hide it.
symbols=$(nm -D --defined-only "$lib" | c++filt)
exported=$(awk '$2 ~ /^[TDBRVW]$/' <<<"$symbols")
if ! grep -qE ' lxcnet_attach_interface($|@)' <<<"$exported"; then
	echo "no lxcnet_attach_interface among the exports of $lib: nothing to check"
	exit 1
fi
bad=$(awk '{ $1 = $2 = ""; sub(/^  /, ""); print }' <<<"$exported" | sed 's/@.*//' |
	grep -vE '^lxcnet_[a-z_]+$' |
	grep -vE '^((typeinfo|typeinfo name|vtable) for )?lxcnet::' || true)
detail=$(grep -E 'lxcnet::detail|::Impl' <<<"$symbols" || true)
if [ -n "$bad$detail" ]; then
	echo "exported but not public API:"
	printf '%s\n' "$bad" "$detail"
	exit 1
fi
echo "exports: $(wc -l <<<"$exported") symbols, all public API"
