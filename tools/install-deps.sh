#!/usr/bin/env bash
# Installs, on Debian 12 as root, everything lxcnet needs to build, run its
# demo and run its whole test suite. Idempotent; quiet unless it fails.
set -euo pipefail

packages=(
	# build
	meson ninja-build g++ pkg-config
	# the man page
	scdoc
	# the library's dependencies
	lxc lxc-dev libnl-3-dev libnl-route-3-dev
	# the Python module (Debian's interpreter, where python3-lxc lives)
	python3 python3-dev pybind11-dev python3-lxc
	# the CNI plugin, and the reference plugins its tests run beside it (host-device, static IPAM)
	nlohmann-json3-dev containernetworking-plugins
	# test and demo: real busybox containers, and the host's iproute2/nsenter inside them
	catch2 python3-pytest busybox-static iproute2 util-linux
	# a runtime this project did not write, driving lxcnet-cni (crun needs what root lacks here: runc)
	podman runc
)
if [ "$#" -gt 0 ]; then
	packages+=("$@")
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
