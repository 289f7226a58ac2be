/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ip.hpp"
#include "result.hpp"

struct nl_sock;

namespace lxcnet::cni {

/*
 * One rtnetlink socket bound to one network namespace: the plugin's own, or
 * the container's (created there, then used from the plugin's namespace).
 * What the plugin does itself, beside the moves that lxcnet::NetworkNamespace
 * does: bring the device up, apply IPAM results, read back what is there.
 * Requests return 0 or -errno; error() describes the last failure.
 */
class Netlink {
public:
	struct Link {
		int ifindex = 0;
		std::string name;
		std::string mac; /* "aa:bb:..", lower case */
		std::string alias;
		unsigned mtu = 0;
		bool up = false;
	};
	struct Address {
		Cidr cidr;
		int scope = 0;
		unsigned flags = 0; /* IFA_F_* */
	};
	struct RouteEntry {
		Cidr dst;
		std::optional<IpAddr> gw;
		int oif = 0;
		unsigned table = 0;
		unsigned priority = 0;
		int protocol = 0;
		int type = 0;
		int scope = 0;
	};

	/* netns_fd < 0: the plugin's own namespace. Throws CniError. */
	explicit Netlink(int netns_fd = -1);
	~Netlink();
	Netlink(const Netlink &) = delete;
	Netlink &operator=(const Netlink &) = delete;

	/* By index if > 0, else by name; -ENODEV if there is none. */
	int link(int ifindex, const std::string &name, Link &out);
	int links(std::vector<Link> &out);
	int set_up(int ifindex);
	int add_address(int ifindex, const Cidr &cidr);
	/* The caller has resolved route.gw (a result route without one uses its family's gateway). */
	int add_route(int ifindex, const Result::Route &route);
	int addresses(int ifindex, std::vector<Address> &out);
	int routes(std::vector<RouteEntry> &out);

	const std::string &error() const { return error_; }

private:
	int fail(int nl_error);
	nl_sock *sock_ = nullptr;
	std::string error_;
};

} /* namespace lxcnet::cni */
