/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once
/* A link as plain values, apart from the netlink layer that reads it (nl.hpp), so that records need no libnl headers. */

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sysctls.hpp"

namespace lxcnet::detail {

/* What lxcnet reads of a link, copied out of libnl's rtnl_link. */
struct Link {
	int ifindex = 0;
	std::string name;
	std::string mac; /* "aa:bb:cc:dd:ee:ff", the form records keep */
	unsigned mtu = 0;
	unsigned flags = 0; /* IFF_* */
	std::string alias;
	/* What a container cannot choose of a device it was lent (records keep them: identity.hpp). */
	std::string kind;      /* IFLA_INFO_KIND: "veth", "macvlan", ...; "" for a physical device */
	int link = 0;          /* IFLA_LINK: a veth's peer, a macvlan's lower device; 0 if none */
	int link_netnsid = -1; /* the namespace of link, as this side numbers it; -1: this side's own */
	std::string perm_mac;  /* IFLA_PERM_ADDRESS, if the device has one */
	std::string parent;    /* IFLA_PARENT_DEV_BUS_NAME and IFLA_PARENT_DEV_NAME, "bus/name", if the kernel gives them */
	DeviceSysctls sysctls; /* IFLA_AF_SPEC's IPv4 and IPv6 devconf */
};

/* One rtnl_link_change() on an existing link: only what is set here is sent. */
struct LinkChange {
	int netns_fd = -1;                /* move it into this netns */
	std::string name;                 /* rename it, if not empty and not its name */
	unsigned mtu = 0;
	std::string mac;                  /* "aa:bb:cc:dd:ee:ff" */
	std::optional<std::string> alias; /* "" removes it */
	bool up = false;                  /* bring it up */
	bool down = false;                /* take it down (the kernel renames only a device that is down) */
	std::vector<std::pair<int, int32_t>> ipv4_conf; /* IPV4_DEVCONF_* id, value */
};

} /* namespace lxcnet::detail */
