/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sysctls.hpp"

namespace lxcnet::detail {

/* What a namespace move loses and lxcnet carries across: plain values, so a record can hold them. */
struct Address {
	int family = 0;
	std::string local;
	unsigned prefixlen = 0;
	std::string peer;      /* empty unless point-to-point */
	std::string broadcast; /* empty if none */
	std::string label;     /* empty: the device's own name */
	int scope = 0;
	unsigned flags = 0;    /* only the flags a caller may set (IFA_F_NODAD, ...) */
	/*
	 * IPv6: duplicate address detection had not passed where it was read
	 * (tentative or dadfailed), so it runs again where the address is added;
	 * one that passed is added without it. State of one side, never recorded.
	 */
	bool dad_pending = false;
	bool operator==(const Address &) const = default;
};

/* One next hop of a multipath route through the device. */
struct Hop {
	std::string gateway; /* empty: directly on the link */
	unsigned flags = 0;  /* RTNH_F_ONLINK, the one a caller sets */
	unsigned weight = 0; /* as the kernel counts it (rtnh_hops): `ip route` shows one more */
	bool operator==(const Hop &) const = default;
};

struct Route {
	int family = 0;
	std::string dst; /* empty: default route */
	unsigned dst_len = 0;
	unsigned table = 0;
	int protocol = 0;
	int scope = 0;
	int type = 0;
	uint32_t metric = 0;
	std::string gateway;
	std::string prefsrc;
	uint32_t mtu = 0;
	unsigned nh_flags = 0;
	/* Two or more: a multipath route whose every hop is through the device (gateway and nh_flags then unused). */
	std::vector<Hop> hops;
	bool operator==(const Route &) const = default;
};

/* A permanent neighbour entry (NUD_PERMANENT), IPv4 (ARP) or IPv6 (NDP): the rest the kernel re-learns. */
struct Neighbour {
	int family = 0;
	std::string dst;
	std::string lladdr; /* "aa:bb:cc:dd:ee:ff"; empty if the entry has none */
	unsigned flags = 0; /* NTF_ROUTER, the one flag a caller sets on such an entry */
	bool operator==(const Neighbour &) const = default;
};

struct LinkState {
	std::string name;
	int ifindex = 0;
	std::string mac;
	unsigned mtu = 0;
	bool up = false;
	std::string alias;
	std::vector<Address> addresses;
	std::vector<Route> routes;
	std::vector<Neighbour> neighbours;
	DeviceSysctls sysctls;
	bool operator==(const LinkState &) const = default;
};

/* The longest link-layer address a MAC text may hold (the kernel's MAX_ADDR_LEN). */
constexpr size_t max_mac_bytes = 32;

/* Link-layer address bytes as records and messages write them: "aa:bb:cc:dd:ee:ff". */
std::string mac_text(const unsigned char *bytes, size_t size);
/* The bytes of such a text (either case); false unless it is hex pairs joined by ':', 1 to max_mac_bytes of them. */
bool mac_bytes(const std::string &text, unsigned char (&bytes)[max_mac_bytes], size_t &size);

/*
 * want's addresses with the DAD state they have in `seen` (the side the
 * device leaves): an address not there, or not past DAD there, gets DAD again.
 */
void take_dad_state(std::vector<Address> &want, const std::vector<Address> &seen);

/* Rewrites an IPv4 label that names the device ("veth7", "veth7:1") for its new name; "" if it is just the name. */
std::string relabel(const std::string &label, const std::string &old_name, const std::string &new_name);

} /* namespace lxcnet::detail */
