#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# lxcnet-cni is started once per CNI command, also from runtimes' cleanup
# processes: what it loads costs every call, and what it cannot find fails
# DEL. It never loads liblxc (it makes no liblxc call), and built with
# cni_static it loads nothing but libc.
# Usage: loads_only.sh PLUGIN true|false
set -eu
needed=$(readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "$1 needs: $(echo $needed)"
for lib in $needed; do
	case "$lib" in
	liblxc.so*) echo "loads liblxc: something on the CNI path reaches a liblxc call" >&2; exit 1 ;;
	libc.so.6 | ld-linux*) ;;
	*) if [ "$2" = true ]; then echo "loads $lib, though cni_static links it in" >&2; exit 1; fi ;;
	esac
done
