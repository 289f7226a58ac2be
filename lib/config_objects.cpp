/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config_objects.hpp"

#include <cstring>

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

namespace lxcnet::detail {

namespace {

size_t address_size(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* An address as text; "" if absent or not of the family's size. */
std::string ip_text(int family, const nl_addr *addr)
{
	if (!addr || nl_addr_get_len(addr) != address_size(family))
		return {};
	char text[INET6_ADDRSTRLEN];
	if (!inet_ntop(family, nl_addr_get_binary_addr(addr), text, sizeof(text)))
		return {};
	return text;
}

/* libnl's address of text, with no prefix length; null if the text is not of the family. */
NlAddr ip_addr(int family, const std::string &text)
{
	unsigned char bytes[16];
	if (!address_size(family) || inet_pton(family, text.c_str(), bytes) != 1)
		return nullptr;
	return NlAddr(nl_addr_build(family, bytes, address_size(family)));
}

} /* namespace */

bool address_of(rtnl_addr *object, int ifindex, Address &out)
{
	const int family = rtnl_addr_get_family(object);
	if (rtnl_addr_get_ifindex(object) != ifindex || !address_size(family))
		return false;
	Address a;
	a.family = family;
	a.prefixlen = static_cast<unsigned>(rtnl_addr_get_prefixlen(object));
	a.scope = rtnl_addr_get_scope(object);
	a.flags = rtnl_addr_get_flags(object);
	a.local = ip_text(family, rtnl_addr_get_local(object));
	/* libnl keeps a peer only where it differs from the local address. */
	a.peer = ip_text(family, rtnl_addr_get_peer(object));
	a.broadcast = ip_text(family, rtnl_addr_get_broadcast(object));
	if (const char *label = rtnl_addr_get_label(object))
		a.label = label;
	out = std::move(a);
	return true;
}

namespace {

/* A route's values with next hop nh as its device's; the caller has checked the family. */
Route route_values(rtnl_route *object, rtnl_nexthop *nh)
{
	const int family = rtnl_route_get_family(object);
	Route route;
	route.family = family;
	route.table = rtnl_route_get_table(object);
	const nl_addr *dst = rtnl_route_get_dst(object);
	route.dst = dst && nl_addr_get_len(dst) ? ip_text(family, dst) : std::string();
	route.dst_len = dst ? nl_addr_get_prefixlen(dst) : 0;
	route.protocol = rtnl_route_get_protocol(object);
	route.scope = rtnl_route_get_scope(object);
	route.type = rtnl_route_get_type(object);
	route.metric = rtnl_route_get_priority(object);
	route.prefsrc = ip_text(family, rtnl_route_get_pref_src(object));
	uint32_t mtu = 0;
	if (rtnl_route_get_metric(object, RTAX_MTU, &mtu) == 0)
		route.mtu = mtu;
	if (nh) {
		route.gateway = ip_text(family, rtnl_route_nh_get_gateway(nh));
		route.nh_flags = rtnl_route_nh_get_flags(nh) & RTNH_F_ONLINK;
	}
	return route;
}

} /* namespace */

bool carried_route_of(rtnl_route *object, int ifindex, Route &out)
{
	if (!address_size(rtnl_route_get_family(object)) || rtnl_route_get_type(object) != RTN_UNICAST ||
	    (rtnl_route_get_flags(object) & RTM_F_CLONED))
		return false;
	switch (rtnl_route_get_protocol(object)) {
	case RTPROT_KERNEL:
	case RTPROT_REDIRECT:
	case RTPROT_RA:
		return false;
	}
	if (rtnl_route_get_table(object) == RT_TABLE_LOCAL)
		return false;
	/* One next hop (plain, or alone in a multipath list) is this device's; two or more are not its to carry. */
	if (rtnl_route_get_nnexthops(object) != 1)
		return false;
	rtnl_nexthop *nh = rtnl_route_nexthop_n(object, 0);
	if (rtnl_route_nh_get_ifindex(nh) != ifindex)
		return false;
	out = route_values(object, nh);
	return true;
}

void each_route_hop(rtnl_route *object, const std::function<void(int ifindex, Route &&route)> &each)
{
	if (!address_size(rtnl_route_get_family(object)))
		return;
	const int hops = rtnl_route_get_nnexthops(object);
	if (hops == 0)
		each(0, route_values(object, nullptr));
	for (int i = 0; i < hops; i++) {
		rtnl_nexthop *nh = rtnl_route_nexthop_n(object, i);
		each(rtnl_route_nh_get_ifindex(nh), route_values(object, nh));
	}
}

NlMsg address_dump_request(int ifindex)
{
	NlMsg request(nlmsg_alloc_simple(RTM_GETADDR, NLM_F_DUMP));
	ifaddrmsg ifa{};
	ifa.ifa_family = AF_UNSPEC;
	ifa.ifa_index = static_cast<unsigned>(ifindex);
	if (!request || nlmsg_append(request.get(), &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0)
		return nullptr;
	return request;
}

NlMsg route_dump_request(int oif)
{
	/* One dump for both families: the kernel runs each family's filtered dump in turn, under one request. */
	NlMsg request(nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_DUMP));
	rtmsg rtm{};
	rtm.rtm_family = AF_UNSPEC;
	if (!request || nlmsg_append(request.get(), &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0)
		return nullptr;
	if (oif > 0 && nla_put_u32(request.get(), RTA_OIF, static_cast<uint32_t>(oif)) < 0)
		return nullptr;
	return request;
}

NlMsg address_request(int ifindex, const Address &a, const std::string &label)
{
	RtnlAddr addr(rtnl_addr_alloc());
	NlAddr local = ip_addr(a.family, a.local);
	if (!addr || !local)
		return nullptr;
	rtnl_addr_set_ifindex(addr.get(), ifindex);
	rtnl_addr_set_family(addr.get(), a.family);
	rtnl_addr_set_scope(addr.get(), a.scope);
	rtnl_addr_set_flags(addr.get(), a.flags);
	if (rtnl_addr_set_local(addr.get(), local.get()) < 0)
		return nullptr;
	/* libnl 3.7 takes an IPv4 peer only; an IPv6 one is written into the request below. */
	NlAddr peer;
	if (!a.peer.empty()) {
		if (!(peer = ip_addr(a.family, a.peer)))
			return nullptr;
		if (a.family == AF_INET && rtnl_addr_set_peer(addr.get(), peer.get()) < 0)
			return nullptr;
	}
	if (!a.broadcast.empty()) {
		NlAddr broadcast = ip_addr(a.family, a.broadcast);
		if (!broadcast || rtnl_addr_set_broadcast(addr.get(), broadcast.get()) < 0)
			return nullptr;
	}
	if (a.family == AF_INET && !label.empty() && rtnl_addr_set_label(addr.get(), label.c_str()) < 0)
		return nullptr;
	/* libnl counts a prefix length of 0 as unset and refuses to build: built as 1, the header is set to 0 below. */
	rtnl_addr_set_prefixlen(addr.get(), a.prefixlen ? static_cast<int>(a.prefixlen) : 1);

	nl_msg *raw = nullptr;
	if (rtnl_addr_build_add_request(addr.get(), NLM_F_EXCL, &raw) < 0)
		return nullptr;
	NlMsg request(raw);
	nlmsghdr *hdr = nlmsg_hdr(request.get());
	static_cast<ifaddrmsg *>(nlmsg_data(hdr))->ifa_prefixlen = static_cast<unsigned char>(a.prefixlen);
	if (peer && a.family != AF_INET) {
		nlattr *address = nlmsg_find_attr(hdr, sizeof(ifaddrmsg), IFA_ADDRESS);
		if (!address || nla_len(address) != static_cast<int>(address_size(a.family)))
			return nullptr;
		std::memcpy(nla_data(address), nl_addr_get_binary_addr(peer.get()), address_size(a.family));
	}
	return request;
}

NlMsg route_request(int ifindex, const Route &route, uint32_t advmss)
{
	RtnlRoute object(rtnl_route_alloc());
	rtnl_nexthop *nh = rtnl_route_nh_alloc();
	if (!object || !nh) {
		if (nh)
			rtnl_route_nh_free(nh);
		return nullptr;
	}
	rtnl_route_nh_set_ifindex(nh, ifindex);
	/* A single next hop's flags travel in the route's header. */
	rtnl_route_nh_set_flags(nh, route.nh_flags & RTNH_F_ONLINK);
	rtnl_route_add_nexthop(object.get(), nh); /* the route owns it now */
	if (!route.gateway.empty()) {
		NlAddr gateway = ip_addr(route.family, route.gateway);
		if (!gateway)
			return nullptr;
		rtnl_route_nh_set_gateway(nh, gateway.get());
	}
	/* The default route is a destination of no bytes: libnl then sends no RTA_DST. */
	NlAddr dst = route.dst.empty() ? NlAddr(nl_addr_alloc(0)) : ip_addr(route.family, route.dst);
	if (!dst)
		return nullptr;
	nl_addr_set_family(dst.get(), route.family);
	nl_addr_set_prefixlen(dst.get(), static_cast<int>(route.dst_len));
	if (rtnl_route_set_family(object.get(), static_cast<uint8_t>(route.family)) < 0 || rtnl_route_set_dst(object.get(), dst.get()) < 0)
		return nullptr;
	rtnl_route_set_table(object.get(), route.table);
	rtnl_route_set_protocol(object.get(), static_cast<uint8_t>(route.protocol));
	rtnl_route_set_scope(object.get(), static_cast<uint8_t>(route.scope));
	if (rtnl_route_set_type(object.get(), static_cast<uint8_t>(route.type)) < 0)
		return nullptr;
	rtnl_route_set_priority(object.get(), route.metric);
	if (!route.prefsrc.empty()) {
		NlAddr prefsrc = ip_addr(route.family, route.prefsrc);
		if (!prefsrc || rtnl_route_set_pref_src(object.get(), prefsrc.get()) < 0)
			return nullptr;
	}
	if (route.mtu && rtnl_route_set_metric(object.get(), RTAX_MTU, route.mtu) < 0)
		return nullptr;
	if (advmss && rtnl_route_set_metric(object.get(), RTAX_ADVMSS, advmss) < 0)
		return nullptr;

	nl_msg *raw = nullptr;
	if (rtnl_route_build_add_request(object.get(), NLM_F_EXCL, &raw) < 0)
		return nullptr;
	return NlMsg(raw);
}

} /* namespace lxcnet::detail */
