#!/bin/sh
# meson install does not refresh the loader cache, so a fresh /usr/local
# install could not load liblxcnet.so.0 until someone ran ldconfig. Staged
# installs (DESTDIR) leave that to the package manager.
[ -n "${DESTDIR:-}" ] || ldconfig 2>/dev/null || true
