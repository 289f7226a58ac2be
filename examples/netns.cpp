/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * For `ip netns` users: moves DEV into the namespace `ip netns add NETNS`
 * made (as DST), then back home, configured as it was.
 * Usage: netns NETNS DEV [DST]
 *
 *   ip netns add blue
 *   ./netns blue veth7 eth1     # what `ip link set veth7 netns blue name eth1` does, without losing
 *                               # veth7's addresses, routes and up-state, and back
 */
#include <iostream>
#include <string>

#include <lxcnet/network_namespace.hpp>

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		std::cerr << "usage: netns NETNS DEV [DST]\n";
		return 2;
	}
	const std::string netns = argv[1], dev = argv[2], dst = argc == 4 ? argv[3] : argv[2];
	try {
		/* ip netns keeps the namespace at /run/netns/NAME; its name serves as the records' id. */
		lxcnet::NetworkNamespace ns("/run/netns/" + netns, netns);
		ns.attach_interface(dev, dst);
		std::cout << dev << " is " << dst << " in " << netns << " (ip -n " << netns << " addr show " << dst << ")\n";
		ns.detach_interface(dst); /* back under its old name */
		std::cout << dev << " is home\n";
	} catch (const lxcnet::Error &e) {
		std::cerr << e.what() << "\n";
		return 1;
	}
	return 0;
}
