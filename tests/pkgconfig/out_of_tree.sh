#!/usr/bin/env bash
# Installs the project into a scratch destdir and builds the examples out of
# tree with nothing but `pkg-config --cflags --libs lxcnet`, as a user would.
set -euo pipefail
build=$1 src=$2
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet
pc=$(dirname "$(find "$dest" -name lxcnet.pc | head -1)")
export PKG_CONFIG_PATH=$pc PKG_CONFIG_SYSROOT_DIR=$dest
libdir=$(dirname "$(find "$dest" -name 'liblxcnet.so.0' | head -1)")

# The public headers include none of libnl: its include path is no user's business.
cflags=$(pkg-config --cflags lxcnet)
case "$cflags" in *libnl*) echo "pkg-config --cflags lxcnet names libnl: $cflags"; exit 1 ;; esac
# A static link gets the libraries the library's own objects need.
static=$(pkg-config --static --libs lxcnet)
for lib in -lnl-route-3 -lnl-3; do
	case " $static " in *" $lib "*) ;; *) echo "pkg-config --static --libs lxcnet lacks $lib: $static"; exit 1 ;; esac
done

# A program that includes every public header builds with those flags alone, and libnl's
# headers are out of its reach: the public headers need none of them.
cat >"$dest/all_headers.cpp" <<'EOF_CPP'
#include <lxcnet/container.hpp>
#include <lxcnet/network_namespace.hpp>
#include <lxcnet/lxcnet.h>
#include <lxcnet/version.h>
#if __has_include(<netlink/netlink.h>)
#error "libnl's headers are on the include path: this check proves nothing"
#endif
int main() { return lxcnet_version()[0] == LXCNET_VERSION[0] ? 0 : 1; }
EOF_CPP
c++ -std=c++20 "$dest/all_headers.cpp" -o "$dest/all_headers" $(pkg-config --cflags --libs lxcnet)
LD_LIBRARY_PATH=$libdir "$dest/all_headers" || { echo "a program built from the public headers alone failed"; exit 1; }

# The man page is installed, and man reads it.
page=$(find "$dest" -path '*/man1/lxcnet-device.1' | head -1)
[ -n "$page" ] || { echo "no man1/lxcnet-device.1 in the installed tree"; exit 1; }
rendered=$(MANWIDTH=80 man -l "$page" 2>/dev/null | col -b)
for want in NAME SYNOPSIS lxcnet-device lxc.hook.version; do
	grep -q "$want" <<<"$rendered" || { echo "the installed man page lacks $want"; exit 1; }
done

c++ -std=c++20 "$src/examples/attach.cpp" -o "$dest/attach" $(pkg-config --cflags --libs lxcnet)
cc -std=c99 "$src/examples/attach_c.c" -o "$dest/attach_c" $(pkg-config --cflags --libs lxcnet)
c++ -std=c++20 "$src/examples/netns.cpp" -o "$dest/netns" $(pkg-config --cflags --libs lxcnet)
# They load the installed library and run to their usage line (exit 2).
for exe in attach attach_c netns; do
	set +e
	LD_LIBRARY_PATH=$libdir "$dest/$exe" >/dev/null 2>&1
	rc=$?
	set -e
	[ "$rc" -eq 2 ] || { echo "$exe exited $rc, expected its usage exit 2"; exit 1; }
done
echo "examples and a program of every public header built out of tree with pkg-config lxcnet (libnl out of reach), ran against the installed library; man page installed"
