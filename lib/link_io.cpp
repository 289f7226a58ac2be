/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "link_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/route/nexthop.h>

namespace lxcnet::detail {

namespace {

/* Flags a caller may pass when adding an address; the rest is state the kernel keeps itself. */
constexpr unsigned settable_address_flags =
	IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN;

std::string ip_text(nl_addr *a)
{
	if (!a || nl_addr_get_len(a) == 0)
		return {};
	char buf[INET6_ADDRSTRLEN] = "";
	if (!inet_ntop(nl_addr_get_family(a), nl_addr_get_binary_addr(a), buf, sizeof(buf)))
		return {};
	return buf;
}

/* "" gives an address of no length, which libnl sends as "no RTA_DST": the default route. */
NlAddr ip_addr(int family, const std::string &text, unsigned prefixlen)
{
	NlAddr addr;
	if (text.empty()) {
		addr.reset(nl_addr_alloc(0));
		if (addr)
			nl_addr_set_family(addr.get(), family);
	} else {
		unsigned char bin[16];
		if (inet_pton(family, text.c_str(), bin) != 1)
			return nullptr;
		addr.reset(nl_addr_build(family, bin, family == AF_INET ? 4 : 16));
	}
	if (addr)
		nl_addr_set_prefixlen(addr.get(), static_cast<int>(prefixlen));
	return addr;
}

NlAddr mac_addr(const std::string &text)
{
	unsigned char bin[32];
	unsigned n = 0;
	for (size_t i = 0; i < text.size() && n < sizeof(bin); i += 3) {
		unsigned byte;
		if (std::sscanf(text.c_str() + i, "%2x", &byte) != 1)
			return nullptr;
		bin[n++] = static_cast<unsigned char>(byte);
	}
	return NlAddr(nl_addr_build(AF_LLC, bin, n));
}

/* fe80::/64 plus the modified EUI-64 of the MAC: what addrconf generates by itself (RFC 4291, appendix A). */
bool is_eui64_link_local(const std::string &address, const std::string &mac)
{
	unsigned char ip[16];
	unsigned m[6];
	if (inet_pton(AF_INET6, address.c_str(), ip) != 1 ||
	    std::sscanf(mac.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6 || mac.size() != 17)
		return false;
	const unsigned char expect[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0,
		static_cast<unsigned char>(m[0] ^ 0x02), static_cast<unsigned char>(m[1]), static_cast<unsigned char>(m[2]), 0xff, 0xfe,
		static_cast<unsigned char>(m[3]), static_cast<unsigned char>(m[4]), static_cast<unsigned char>(m[5])};
	return std::equal(ip, ip + 16, expect);
}

/*
 * The kernel brings its own IPv6 addresses back by itself once the link is
 * up: the EUI-64 link-local (which it marks permanent, like a user's) and
 * SLAAC addresses (not permanent). Copying them would only duplicate them.
 */
bool is_kernel_managed(const Address &a, const std::string &mac)
{
	return a.family == AF_INET6 && (!(a.flags & IFA_F_PERMANENT) || is_eui64_link_local(a.local, mac));
}

bool keep_route(rtnl_route *r, int ifindex)
{
	if (rtnl_route_get_table(r) == RT_TABLE_LOCAL || rtnl_route_get_type(r) != RTN_UNICAST)
		return false;
	if (rtnl_route_get_flags(r) & RTM_F_CLONED)
		return false;
	switch (rtnl_route_get_protocol(r)) {
	case RTPROT_KERNEL:   /* prefix routes: re-created with their addresses */
	case RTPROT_REDIRECT:
	case RTPROT_RA:       /* router advertisements: re-learned in the new netns */
		return false;
	}
	/* A multipath route through other devices too is not this device's to carry. */
	if (rtnl_route_get_nnexthops(r) != 1)
		return false;
	return rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(r, 0)) == ifindex;
}

std::string describe(const Address &a)
{
	return a.local + "/" + std::to_string(a.prefixlen);
}

std::string describe(const Route &r)
{
	std::string text = r.dst.empty() ? "default" : r.dst + "/" + std::to_string(r.dst_len);
	if (!r.gateway.empty())
		text += " via " + r.gateway;
	return text;
}

int add_address(NetlinkSocket &sock, int ifindex, const std::string &name, const std::string &old_name, const Address &a)
{
	RtnlAddr addr(rtnl_addr_alloc());
	NlAddr local = ip_addr(a.family, a.local, a.prefixlen);
	if (!addr || !local)
		return -ENOMEM;
	rtnl_addr_set_ifindex(addr.get(), ifindex);
	rtnl_addr_set_family(addr.get(), a.family);
	rtnl_addr_set_local(addr.get(), local.get());
	rtnl_addr_set_prefixlen(addr.get(), static_cast<int>(a.prefixlen));
	rtnl_addr_set_scope(addr.get(), a.scope);
	rtnl_addr_set_flags(addr.get(), a.flags & settable_address_flags);
	if (!a.peer.empty()) {
		NlAddr peer = ip_addr(a.family, a.peer, a.prefixlen);
		if (!peer)
			return -EINVAL;
		rtnl_addr_set_peer(addr.get(), peer.get());
	}
	if (!a.broadcast.empty()) {
		NlAddr brd = ip_addr(a.family, a.broadcast, 0);
		if (!brd)
			return -EINVAL;
		rtnl_addr_set_broadcast(addr.get(), brd.get());
	}
	if (a.family == AF_INET) {
		std::string label = relabel(a.label, old_name, name);
		if (!label.empty())
			rtnl_addr_set_label(addr.get(), label.c_str());
	}
	int r = sock.add_address(addr.get());
	return r == -EEXIST ? 0 : r;
}

int add_route(NetlinkSocket &sock, int ifindex, const Route &want)
{
	RtnlRoute route(rtnl_route_alloc());
	NlAddr dst = ip_addr(want.family, want.dst, want.dst_len);
	if (!route || !dst)
		return -ENOMEM;
	rtnl_route_set_family(route.get(), static_cast<uint8_t>(want.family));
	rtnl_route_set_dst(route.get(), dst.get());
	rtnl_route_set_table(route.get(), want.table);
	rtnl_route_set_protocol(route.get(), static_cast<uint8_t>(want.protocol));
	rtnl_route_set_scope(route.get(), static_cast<uint8_t>(want.scope));
	rtnl_route_set_type(route.get(), static_cast<uint8_t>(want.type));
	rtnl_route_set_priority(route.get(), want.metric);
	if (want.mtu)
		rtnl_route_set_metric(route.get(), RTAX_MTU, want.mtu);
	if (!want.prefsrc.empty()) {
		NlAddr src = ip_addr(want.family, want.prefsrc, 0);
		if (!src)
			return -EINVAL;
		rtnl_route_set_pref_src(route.get(), src.get());
	}
	rtnl_nexthop *nh = rtnl_route_nh_alloc();
	if (!nh)
		return -ENOMEM;
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_nh_set_flags(nh, want.nh_flags & RTNH_F_ONLINK);
	if (!want.gateway.empty()) {
		NlAddr gw = ip_addr(want.family, want.gateway, 0);
		if (!gw) {
			rtnl_route_nh_free(nh);
			return -EINVAL;
		}
		rtnl_route_nh_set_gateway(nh, gw.get());
	}
	rtnl_route_add_nexthop(route.get(), nh); /* the route owns nh from here */
	int r = sock.add_route(route.get());
	return r == -EEXIST ? 0 : r;
}

} /* namespace */

int capture(NetlinkSocket &sock, const Link &link, bool with_config, LinkState &out) noexcept
{
	try {
		LinkState state;
		state.name = link.name;
		state.ifindex = link.ifindex;
		state.mac = link.mac;
		state.mtu = link.mtu;
		state.up = link.flags & IFF_UP;
		state.alias = link.alias;
		if (with_config) {
			int r = sock.dump_addresses(state.ifindex, [&](rtnl_addr *a) {
				Address addr;
				addr.family = rtnl_addr_get_family(a);
				addr.local = ip_text(rtnl_addr_get_local(a));
				addr.prefixlen = static_cast<unsigned>(rtnl_addr_get_prefixlen(a));
				addr.peer = ip_text(rtnl_addr_get_peer(a));
				if (addr.peer == addr.local)
					addr.peer.clear();
				addr.broadcast = ip_text(rtnl_addr_get_broadcast(a));
				if (const char *label = rtnl_addr_get_label(a))
					addr.label = label;
				addr.scope = rtnl_addr_get_scope(a);
				addr.flags = rtnl_addr_get_flags(a);
				if (is_kernel_managed(addr, state.mac) || addr.local.empty())
					return;
				addr.flags &= settable_address_flags;
				state.addresses.push_back(std::move(addr));
			});
			if (r < 0)
				return r;
			r = sock.dump_routes(state.ifindex, [&](rtnl_route *rt) {
				if (!keep_route(rt, state.ifindex))
					return;
				rtnl_nexthop *nh = rtnl_route_nexthop_n(rt, 0);
				Route route;
				route.family = rtnl_route_get_family(rt);
				route.dst = ip_text(rtnl_route_get_dst(rt));
				route.dst_len = rtnl_route_get_dst(rt) ? static_cast<unsigned>(nl_addr_get_prefixlen(rtnl_route_get_dst(rt))) : 0;
				route.table = rtnl_route_get_table(rt);
				route.protocol = rtnl_route_get_protocol(rt);
				route.scope = rtnl_route_get_scope(rt);
				route.type = rtnl_route_get_type(rt);
				route.metric = rtnl_route_get_priority(rt);
				route.gateway = ip_text(rtnl_route_nh_get_gateway(nh));
				route.prefsrc = ip_text(rtnl_route_get_pref_src(rt));
				uint32_t mtu = 0;
				if (rtnl_route_get_metric(rt, RTAX_MTU, &mtu) == 0)
					route.mtu = mtu;
				route.nh_flags = rtnl_route_nh_get_flags(nh) & RTNH_F_ONLINK;
				state.routes.push_back(std::move(route));
			});
			if (r < 0)
				return r;
		}
		out = std::move(state);
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

int apply(NetlinkSocket &sock, const Link &link, const LinkState &want, std::string &step) noexcept
{
	try {
		const int ifindex = link.ifindex;
		const std::string &name = link.name;

		RtnlLink changes(rtnl_link_alloc());
		if (!changes)
			return -ENOMEM;
		bool changed = false;
		if (want.mtu && link.mtu != want.mtu) {
			rtnl_link_set_mtu(changes.get(), want.mtu);
			changed = true;
		}
		if (!want.mac.empty() && link.mac != want.mac) {
			NlAddr mac = mac_addr(want.mac);
			if (!mac)
				return -EINVAL;
			rtnl_link_set_addr(changes.get(), mac.get());
			changed = true;
		}
		if (want.alias != link.alias) {
			rtnl_link_set_ifalias(changes.get(), want.alias.c_str());
			changed = true;
		}
		if (changed) {
			step = "restore MTU, MAC and ifalias";
			if (int r = sock.change_link(link, changes.get()); r < 0)
				return r;
		}

		for (const Address &a : want.addresses) {
			step = "add address " + describe(a);
			if (int r = add_address(sock, ifindex, name, want.name, a); r < 0)
				return r;
		}

		if (want.up && !(link.flags & IFF_UP)) {
			RtnlLink up(rtnl_link_alloc());
			if (!up)
				return -ENOMEM;
			rtnl_link_set_flags(up.get(), IFF_UP);
			step = "bring the link up";
			if (int r = sock.change_link(link, up.get()); r < 0)
				return r;
		}

		for (const Route &route : want.routes) {
			step = "add route " + describe(route);
			int r = add_route(sock, ifindex, route);
			/* A link left down cannot carry IPv4 routes; the user had none through it then either. */
			if (r == -ENETDOWN && !want.up)
				continue;
			if (r < 0)
				return r;
		}
		step.clear();
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

} /* namespace lxcnet::detail */
