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

#include <net/if.h>

#include "commands.hpp"
#include "config_io.hpp"
#include "error.hpp"
#include "netns.hpp"

namespace lxcnet::cni {

namespace {

using detail::RouteVia;

/* The library's values as the plugin compares them: bytes, so however an address is written it compares equal. */
Cidr cidr_of(int family, const std::string &ip, unsigned prefix)
{
	Cidr cidr;
	cidr.ip.family = family; /* "": the default route, all zero bytes */
	if (!ip.empty())
		if (auto parsed = parse_ip(ip))
			cidr.ip = *parsed;
	cidr.prefix = prefix;
	return cidr;
}

Cidr dst_of(const detail::Route &r)
{
	return cidr_of(r.family, r.dst, r.dst_len);
}

std::optional<IpAddr> gateway_of(const detail::Route &r)
{
	return r.gateway.empty() ? std::nullopt : parse_ip(r.gateway);
}

std::vector<detail::Address> addresses_of(NetlinkSocket &inside, const detail::Link &link)
{
	std::vector<detail::Address> addrs;
	if (int r = detail::list_addresses(inside, link.ifindex, addrs); r < 0)
		throw CniError(internal, "failed to read the addresses of " + link.name + ": " + failure_text(r, inside));
	return addrs;
}

std::vector<RouteVia> routes_in(NetlinkSocket &inside)
{
	std::vector<RouteVia> routes;
	if (int r = detail::list_routes(inside, routes); r < 0)
		throw CniError(internal, "failed to read the routes in the container: " + failure_text(r, inside));
	return routes;
}

/* IPv6 must be on for the device (and lo) before an IPv6 address can go on it; keep_addr_on_down keeps it across down/up. */
void enable_ipv6(int netns_fd, const std::string &ifname)
{
	detail::NetnsGuard inside;
	if (int r = inside.enter(netns_fd); r < 0)
		throw CniError(internal, std::string("enter the container's network namespace: ") + std::strerror(-r));
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
void settle(NetlinkSocket &inside, const detail::Link &link)
{
	const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
	for (;;) {
		bool tentative = false;
		for (const auto &a : addresses_of(inside, link)) {
			if (a.family != AF_INET6)
				continue;
			if (a.flags & IFA_F_DADFAILED)
				throw CniError(internal, "duplicate address detection failed for " + a.local + "/" + std::to_string(a.prefixlen) +
								 " on " + link.name);
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

bool route_present(const std::vector<RouteVia> &routes, const Result::Route &want, int oif)
{
	const Cidr dst = want.dst.network();
	return std::any_of(routes.begin(), routes.end(), [&](const RouteVia &r) {
		const auto gw = gateway_of(r.route);
		return dst_of(r.route).network() == dst && (!want.gw || (gw && *gw == *want.gw)) && (oif == 0 || r.ifindex == oif) &&
		       (!want.table || r.route.table == *want.table);
	});
}

/* An IPAM address as the kernel gets it, with the IPv4 broadcast the reference plugins set. */
detail::Address address_of(const Cidr &cidr)
{
	detail::Address a;
	a.family = cidr.ip.family;
	a.local = cidr.ip.str();
	a.prefixlen = cidr.prefix;
	if (auto broadcast = broadcast_of(cidr))
		a.broadcast = broadcast->str();
	return a;
}

/* An IPAM route (its gateway resolved) with what the plugin's requests have always carried: libnl's defaults for the rest. */
detail::Route route_of(const Result::Route &spec)
{
	detail::Route r;
	r.family = spec.dst.ip.family;
	const Cidr dst = spec.dst.network();
	r.dst = dst.prefix ? dst.ip.str() : std::string();
	r.dst_len = dst.prefix;
	r.table = spec.table.value_or(RT_TABLE_MAIN);
	r.protocol = RTPROT_STATIC;
	r.type = RTN_UNICAST;
	r.scope = spec.scope ? static_cast<int>(*spec.scope) : spec.gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	r.metric = spec.priority;
	r.mtu = spec.mtu;
	if (spec.gw)
		r.gateway = spec.gw->str();
	return r;
}

} /* namespace */

void apply_ipam(NetlinkSocket &inside, int netns_fd, const detail::Link &link, const Result &ipam)
{
	std::optional<IpAddr> gw4, gw6;
	if (std::any_of(ipam.ips.begin(), ipam.ips.end(), [](auto &ip) { return ip.address.ip.family == AF_INET6; }))
		enable_ipv6(netns_fd, link.name);
	for (const auto &ip : ipam.ips) {
		int r = detail::add_address(inside, link.ifindex, address_of(ip.address));
		if (r < 0 && r != -EEXIST)
			throw CniError(internal, "failed to add IP addr " + ip.address.str() + " to " + link.name + ": " + failure_text(r, inside));
		auto &gw = ip.address.ip.family == AF_INET ? gw4 : gw6;
		if (ip.gateway && !gw)
			gw = ip.gateway;
	}
	if (gw6)
		settle(inside, link);

	for (auto route : ipam.routes) {
		if (!route.gw)
			route.gw = route.dst.ip.family == AF_INET ? gw4 : gw6;
		int r = detail::add_route(inside, link.ifindex, route_of(route), route.advmss);
		if (r == -EEXIST) {
			/* Carried from the host by "preserve", say: fine if it is the same route. */
			std::vector<RouteVia> routes;
			if (detail::list_routes(inside, routes) == 0 && route_present(routes, route, link.ifindex))
				continue;
		}
		if (r < 0)
			throw CniError(internal, "failed to add route " + route.dst.network().str() +
							 (route.gw ? " via " + route.gw->str() : std::string()) + " dev " + link.name + ": " +
							 failure_text(r, inside));
	}
}

void report_carried(NetlinkSocket &inside, const detail::Link &link, int iface_index, Result &result)
{
	const auto addrs = addresses_of(inside, link);
	const auto routes = routes_in(inside);

	std::optional<IpAddr> gw4, gw6;
	for (const auto &[r, ifindex] : routes) {
		if (ifindex != link.ifindex || r.dst_len != 0 || r.gateway.empty() || r.table != RT_TABLE_MAIN)
			continue;
		auto &gw = r.family == AF_INET ? gw4 : gw6;
		if (!gw)
			gw = gateway_of(r);
	}

	for (const auto &a : addrs) {
		if (a.local.empty())
			continue;
		const Cidr cidr = cidr_of(a.family, a.local, a.prefixlen);
		if (a.scope >= RT_SCOPE_LINK || is_ipv6_link_local(cidr.ip))
			continue;
		bool listed = std::any_of(result.ips.begin(), result.ips.end(), [&](auto &ip) { return ip.address == cidr; });
		if (!listed)
			result.ips.push_back({cidr, cidr.ip.family == AF_INET ? gw4 : gw6, iface_index});
	}
	for (const auto &[r, ifindex] : routes) {
		/* The kernel's own prefix and local routes follow from the addresses; only configured ones are news. */
		if (ifindex != link.ifindex || r.protocol == RTPROT_KERNEL || r.type != RTN_UNICAST || r.table != RT_TABLE_MAIN)
			continue;
		const Cidr dst = dst_of(r);
		if (is_ipv6_link_local(dst.ip) && dst.prefix >= 10)
			continue;
		Result::Route route;
		route.dst = dst;
		route.gw = gateway_of(r);
		route.priority = r.metric;
		bool listed = std::any_of(result.routes.begin(), result.routes.end(), [&](auto &x) {
			return x.dst.network() == route.dst.network() && x.gw == route.gw;
		});
		if (!listed)
			result.routes.push_back(route);
	}
}

void verify(NetlinkSocket &inside, const Result &prev, int iface_index)
{
	const Result::Interface &iface = prev.interfaces.at(static_cast<size_t>(iface_index));
	detail::Link link;
	if (int r = inside.get_link(0, iface.name, link); r < 0)
		throw CniError(internal, "Container Interface name in prevResult: " + iface.name + " not found" +
						 (r == -ENODEV ? "" : ": " + failure_text(r, inside)));
	if (!iface.mac.empty()) {
		auto want = normalize_mac(iface.mac);
		if (!want || *want != link.mac)
			throw CniError(internal, "Interface " + iface.name + " Mac " + iface.mac + " doesn't match container Mac: " + link.mac);
	}
	if (!(link.flags & IFF_UP))
		throw CniError(internal, "Interface " + iface.name + " is down in the container");

	const auto addrs = addresses_of(inside, link);
	for (const auto &ip : prev.ips) {
		if (!ip.interface || *ip.interface != iface_index)
			continue;
		bool found = std::any_of(addrs.begin(), addrs.end(),
					 [&](auto &a) { return cidr_of(a.family, a.local, a.prefixlen) == ip.address; });
		if (!found)
			throw CniError(internal, "Interface " + iface.name + " does not have IP " + ip.address.str());
	}

	const auto routes = routes_in(inside);
	for (const auto &route : prev.routes)
		if (!route_present(routes, route, 0))
			throw CniError(internal, "route (" + route.dst.network().str() + (route.gw ? " via " + route.gw->str() : "") +
							 ") not found in the container");
}

} /* namespace lxcnet::cni */
