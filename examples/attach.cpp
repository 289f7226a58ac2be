/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Moves DEV into container NAME (as DST), then back home.
 * Usage: attach [-P LXCPATH] NAME DEV [DST]   (LXCPATH: liblxc's default if left out)
 */
#include <cstring>
#include <iostream>
#include <string>

#include <lxcnet/container.hpp>

int main(int argc, char **argv)
{
	std::string lxcpath;
	if (argc > 2 && std::strcmp(argv[1], "-P") == 0) {
		lxcpath = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 3 || argc > 4) {
		std::cerr << "usage: attach [-P LXCPATH] NAME DEV [DST]\n";
		return 2;
	}
	const std::string dev = argv[2], dst = argc == 4 ? argv[3] : argv[2];
	try {
		lxcnet::Container box(argv[1], lxcpath);
		box.attach_interface(dev, dst);
		std::cout << dev << " is " << dst << " inside " << box.name() << ", configured as it was\n";
		box.detach_interface(dst); /* no name needed: lxcnet remembers where it came from */
		std::cout << dev << " is home\n";
	} catch (const lxcnet::Error &e) {
		std::cerr << e.what() << "\n";
		return 1;
	}
	return 0;
}
