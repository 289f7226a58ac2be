#!/usr/bin/env bash
# lxcnet end to end, as root on Debian 12: build, start a throwaway busybox
# container, give it a configured veth end, show it inside, ping across it,
# take it back, show it home — configured as before — and clean up.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh
[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null
cli=$PWD/build/tools/lxcnet-device

lxcpath=$(mktemp -d /tmp/lxcnet-demo.XXXXXX)
name=lxndemo$$
host=lxndemo0
peer=lxndemo0p
export LXCNET_STATE_DIR=$lxcpath/records

cleanup() {
	lxc-stop -k -P "$lxcpath" -n "$name" >/dev/null 2>&1 || true
	lxc-destroy -f -P "$lxcpath" -n "$name" >/dev/null 2>&1 || true
	ip link del "$host" >/dev/null 2>&1 || true
	ip link del "$peer" >/dev/null 2>&1 || true
	rm -rf "$lxcpath"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "a busybox container with no network of its own"
printf '%s\n' 'lxc.net.0.type = empty' 'lxc.apparmor.profile = unconfined' >"$lxcpath/demo.conf"
lxc-create -P "$lxcpath" -n "$name" -t busybox -f "$lxcpath/demo.conf" >/dev/null
lxc-start -P "$lxcpath" -n "$name"
lxc-wait -P "$lxcpath" -n "$name" -s RUNNING -t 20
inside="nsenter --net=/proc/$(lxc-info -P "$lxcpath" -n "$name" -pH)/ns/net"
$inside ip -br link

step "a configured veth on the host: UP, MTU 1400, an alias, IPv4 + IPv6, a route"
ip link add "$host" type veth peer name "$peer"
ip link set "$host" mtu 1400 address 02:00:00:de:00:01 alias "demo uplink"
ip addr add 10.199.0.2/24 dev "$host"
ip addr add fd00:199::2/64 dev "$host"
ip link set "$host" up
ip addr add 10.199.0.1/24 dev "$peer"
ip link set "$peer" up
ip route add 10.198.0.0/24 via 10.199.0.1 dev "$host"
ip -br addr show dev "$host"; ip route show dev "$host"

step "lxcnet-device add $host eth1"
"$cli" -n "$name" -P "$lxcpath" add "$host" eth1
$inside ip addr show dev eth1; $inside ip -o link show dev eth1 | grep -o "alias.*"
$inside ip route show dev eth1

step "ping across it, from inside the container"
lxc-attach -P "$lxcpath" -n "$name" -- ping -c 2 -W 5 10.199.0.1

step "lxcnet-device del eth1   (no host name: lxcnet remembers it)"
"$cli" -n "$name" -P "$lxcpath" del eth1
ip addr show dev "$host"; ip -o link show dev "$host" | grep -o "alias.*"
ip route show dev "$host"

step "done: $host is home under its name, UP, with its MTU, alias, addresses and route"
