/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "configure.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "error.hpp"
#include "netns.hpp"

namespace lxcnet::cni {

namespace {

std::string errtext(int r, const Netlink &nl)
{
	return nl.error().empty() ? std::strerror(-r) : nl.error();
}

/* IPv6 must be on for the device (and lo) before an IPv6 address can go on it; keep_addr_on_down keeps it across down/up. */
void enable_ipv6(int netns_fd, const std::string &ifname)
{
	InNetns inside(netns_fd);
	auto write = [&](const std::string &path, const char *value, bool only_if_not_zero) {
		if (only_if_not_zero) {
			std::ifstream in(path);
			std::string current;
			if (in >> current && current == "0")
				return;
		}
		std::ofstream out(path);
		out << value;
		out.flush();
		if (!out)
			throw CniError(internal, std::string("failed to write ") + value + " to " + path +
							 " in the container (is IPv6 disabled on this kernel?)");
	};
	for (const std::string &dev : {std::string("lo"), ifname})
		write("/proc/sys/net/ipv6/conf/" + dev + "/disable_ipv6", "0", true);
	write("/proc/sys/net/ipv6/conf/" + ifname + "/keep_addr_on_down", "1", false);
}

/* Routes through an IPv6 gateway need the addresses out of DAD; the reference plugins wait up to 5 s too. */
void settle(Netlink &inside, const Netlink::Link &link)
{
	const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
	for (;;) {
		std::vector<Netlink::Address> addrs;
		if (int r = inside.addresses(link.ifindex, addrs); r < 0)
			throw CniError(internal, "failed to read the addresses of " + link.name + ": " + errtext(r, inside));
		bool tentative = false;
		for (const auto &a : addrs) {
			if (a.cidr.ip.family != AF_INET6)
				continue;
			if (a.flags & IFA_F_DADFAILED)
				throw CniError(internal, "duplicate address detection failed for " + a.cidr.str() + " on " + link.name);
			if (a.flags & IFA_F_TENTATIVE)
				tentative = true;
		}
		if (!tentative)
			return;
		if (std::chrono::steady_clock::now() > deadline)
			throw CniError(internal, "failed to settle addresses for " + link.name +
							 ": still tentative after 5 s (does the link have a carrier?)");
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
	}
}

bool route_present(const std::vector<Netlink::RouteEntry> &routes, const Result::Route &want, int oif)
{
	const Cidr dst = want.dst.network();
	return std::any_of(routes.begin(), routes.end(), [&](const Netlink::RouteEntry &r) {
		return r.dst.network() == dst && (!want.gw || (r.gw && *r.gw == *want.gw)) && (oif == 0 || r.oif == oif) &&
		       (!want.table || r.table == *want.table);
	});
}

} /* namespace */

void apply_ipam(Netlink &inside, int netns_fd, const Netlink::Link &link, const Result &ipam)
{
	std::optional<IpAddr> gw4, gw6;
	if (std::any_of(ipam.ips.begin(), ipam.ips.end(), [](auto &ip) { return ip.address.ip.family == AF_INET6; }))
		enable_ipv6(netns_fd, link.name);
	for (const auto &ip : ipam.ips) {
		int r = inside.add_address(link.ifindex, ip.address);
		if (r < 0 && r != -EEXIST)
			throw CniError(internal, "failed to add IP addr " + ip.address.str() + " to " + link.name + ": " + errtext(r, inside));
		auto &gw = ip.address.ip.family == AF_INET ? gw4 : gw6;
		if (ip.gateway && !gw)
			gw = ip.gateway;
	}
	if (gw6)
		settle(inside, link);

	for (auto route : ipam.routes) {
		if (!route.gw)
			route.gw = route.dst.ip.family == AF_INET ? gw4 : gw6;
		int r = inside.add_route(link.ifindex, route);
		if (r == -EEXIST) {
			/* Carried from the host by "preserve", say: fine if it is the same route. */
			std::vector<Netlink::RouteEntry> routes;
			if (inside.routes(routes) == 0 && route_present(routes, route, link.ifindex))
				continue;
		}
		if (r < 0)
			throw CniError(internal, "failed to add route " + route.dst.network().str() +
							 (route.gw ? " via " + route.gw->str() : std::string()) + " dev " + link.name + ": " +
							 errtext(r, inside));
	}
}

void report_carried(Netlink &inside, const Netlink::Link &link, int iface_index, Result &result)
{
	std::vector<Netlink::Address> addrs;
	if (int r = inside.addresses(link.ifindex, addrs); r < 0)
		throw CniError(internal, "failed to read the addresses of " + link.name + ": " + errtext(r, inside));
	std::vector<Netlink::RouteEntry> routes;
	if (int r = inside.routes(routes); r < 0)
		throw CniError(internal, "failed to read the routes in the container: " + errtext(r, inside));

	std::optional<IpAddr> gw4, gw6;
	for (const auto &r : routes) {
		if (r.oif != link.ifindex || r.dst.prefix != 0 || !r.gw || r.table != RT_TABLE_MAIN)
			continue;
		auto &gw = r.dst.ip.family == AF_INET ? gw4 : gw6;
		if (!gw)
			gw = r.gw;
	}

	for (const auto &a : addrs) {
		if (a.scope >= RT_SCOPE_LINK || is_ipv6_link_local(a.cidr.ip))
			continue;
		bool listed = std::any_of(result.ips.begin(), result.ips.end(), [&](auto &ip) { return ip.address == a.cidr; });
		if (!listed)
			result.ips.push_back({a.cidr, a.cidr.ip.family == AF_INET ? gw4 : gw6, iface_index});
	}
	for (const auto &r : routes) {
		/* The kernel's own prefix and local routes follow from the addresses; only configured ones are news. */
		if (r.oif != link.ifindex || r.protocol == RTPROT_KERNEL || r.type != RTN_UNICAST || r.table != RT_TABLE_MAIN)
			continue;
		if (is_ipv6_link_local(r.dst.ip) && r.dst.prefix >= 10)
			continue;
		Result::Route route;
		route.dst = r.dst;
		route.gw = r.gw;
		route.priority = r.priority;
		bool listed = std::any_of(result.routes.begin(), result.routes.end(), [&](auto &x) {
			return x.dst.network() == route.dst.network() && x.gw == route.gw;
		});
		if (!listed)
			result.routes.push_back(route);
	}
}

void verify(Netlink &inside, const Result &prev, int iface_index)
{
	const Result::Interface &iface = prev.interfaces.at(static_cast<size_t>(iface_index));
	Netlink::Link link;
	if (int r = inside.link(0, iface.name, link); r < 0)
		throw CniError(internal, "Container Interface name in prevResult: " + iface.name + " not found" +
						 (r == -ENODEV ? "" : ": " + errtext(r, inside)));
	if (!iface.mac.empty()) {
		auto want = normalize_mac(iface.mac);
		if (!want || *want != link.mac)
			throw CniError(internal, "Interface " + iface.name + " Mac " + iface.mac + " doesn't match container Mac: " + link.mac);
	}
	if (!link.up)
		throw CniError(internal, "Interface " + iface.name + " is down in the container");

	std::vector<Netlink::Address> addrs;
	if (int r = inside.addresses(link.ifindex, addrs); r < 0)
		throw CniError(internal, "failed to read the addresses of " + iface.name + ": " + errtext(r, inside));
	for (const auto &ip : prev.ips) {
		if (!ip.interface || *ip.interface != iface_index)
			continue;
		bool found = std::any_of(addrs.begin(), addrs.end(), [&](auto &a) { return a.cidr == ip.address; });
		if (!found)
			throw CniError(internal, "Interface " + iface.name + " does not have IP " + ip.address.str());
	}

	std::vector<Netlink::RouteEntry> routes;
	if (int r = inside.routes(routes); r < 0)
		throw CniError(internal, "failed to read the routes in the container: " + errtext(r, inside));
	for (const auto &route : prev.routes)
		if (!route_present(routes, route, 0))
			throw CniError(internal, "route (" + route.dst.network().str() + (route.gw ? " via " + route.gw->str() : "") +
							 ") not found in the container");
}

} /* namespace lxcnet::cni */
