/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <string>

#include "rtnl.hpp"

/*
 * The least the lean preserving sketch can carry and keep: a device's
 * configuration as the very requests that put it back, and a flat binary
 * record of one device per file. No parsing into objects, no text format.
 */
namespace lxb::lean {

/* Ready-made RTM_NEWADDR and RTM_NEWROUTE requests; the ifindex is patched in when they are sent. */
struct Carried {
	std::string addresses, routes;
};

/*
 * Two dumps filtered by the kernel (the socket must have strict dumps on):
 * the addresses and routes a user gave ifindex, without those the kernel
 * makes by itself (IPv6 link-local and SLAAC addresses, prefix routes, local
 * and multicast routes). 0 or -errno.
 */
int capture(RtnlSocket &sock, int ifindex, Carried &out);

/* Addresses, then the link up (when up), then routes, on ifindex, in one send. 0 or -errno. */
int replay(RtnlSocket &sock, const Carried &config, int ifindex, bool up);

/* What a later call needs to bring a device home. */
struct Record {
	std::string host_name;
	int host_ifindex = 0;
	bool up = false;
	uint64_t netns = 0; /* inode of the container's netns: a restarted container has another */
	std::string mac;
	Carried config;
};

/* Written whole under a temporary name, then renamed into place: a record is never seen half-written. 0 or -errno. */
int save(int dir, const std::string &name, const Record &record);
/* 0, -ENOENT, or -EBADMSG when the file is not a whole record. */
int load(int dir, const std::string &name, Record &record);

} /* namespace lxb::lean */
