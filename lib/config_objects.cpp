/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config_objects.hpp"

#include <algorithm>
#include <cstring>

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
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
	/* One next hop (plain, or alone in a multipath list), or several, all through this device: a hop elsewhere is not its to carry. */
	const int hops = rtnl_route_get_nnexthops(object);
	if (hops < 1)
		return false;
	for (int i = 0; i < hops; i++)
		if (rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(object, i)) != ifindex)
			return false;
	if (hops == 1) {
		out = route_values(object, rtnl_route_nexthop_n(object, 0));
		return true;
	}
	Route route = route_values(object, nullptr);
	for (int i = 0; i < hops; i++) {
		rtnl_nexthop *nh = rtnl_route_nexthop_n(object, i);
		route.hops.push_back({ip_text(route.family, rtnl_route_nh_get_gateway(nh)), rtnl_route_nh_get_flags(nh) & RTNH_F_ONLINK,
				      rtnl_route_nh_get_weight(nh)});
	}
	out = std::move(route);
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

namespace {

NlMsg build_address_request(int ifindex, const Address &a, unsigned flags, const std::string &label, int nl_flags)
{
	RtnlAddr addr(rtnl_addr_alloc());
	NlAddr local = ip_addr(a.family, a.local);
	if (!addr || !local)
		return nullptr;
	rtnl_addr_set_ifindex(addr.get(), ifindex);
	rtnl_addr_set_family(addr.get(), a.family);
	rtnl_addr_set_scope(addr.get(), a.scope);
	rtnl_addr_set_flags(addr.get(), flags);
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
	if (rtnl_addr_build_add_request(addr.get(), nl_flags, &raw) < 0)
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

} /* namespace */

NlMsg neighbour_dump_request(int ifindex)
{
	NlMsg request(nlmsg_alloc_simple(RTM_GETNEIGH, NLM_F_DUMP));
	ndmsg ndm{};
	ndm.ndm_family = AF_UNSPEC;
	if (!request || nlmsg_append(request.get(), &ndm, sizeof(ndm), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(request.get(), NDA_IFINDEX, static_cast<uint32_t>(ifindex)) < 0)
		return nullptr;
	return request;
}

bool permanent_neighbour_of(rtnl_neigh *object, int ifindex, Neighbour &out)
{
	const int family = rtnl_neigh_get_family(object);
	if (rtnl_neigh_get_ifindex(object) != ifindex || !address_size(family) || rtnl_neigh_get_state(object) != NUD_PERMANENT ||
	    (rtnl_neigh_get_flags(object) & NTF_PROXY))
		return false;
	Neighbour n;
	n.family = family;
	n.dst = ip_text(family, rtnl_neigh_get_dst(object));
	if (n.dst.empty())
		return false;
	if (const nl_addr *ll = rtnl_neigh_get_lladdr(object); ll && nl_addr_get_len(ll) > 0)
		n.lladdr = mac_text(static_cast<const unsigned char *>(nl_addr_get_binary_addr(ll)),
				    std::min<size_t>(nl_addr_get_len(ll), max_mac_bytes));
	n.flags = rtnl_neigh_get_flags(object) & NTF_ROUTER;
	out = std::move(n);
	return true;
}

NlMsg neighbour_request(int ifindex, const Neighbour &n)
{
	RtnlNeigh neigh(rtnl_neigh_alloc());
	NlAddr dst = ip_addr(n.family, n.dst);
	if (!neigh || !dst)
		return nullptr;
	rtnl_neigh_set_ifindex(neigh.get(), ifindex);
	rtnl_neigh_set_family(neigh.get(), n.family);
	rtnl_neigh_set_state(neigh.get(), NUD_PERMANENT);
	if (n.flags)
		rtnl_neigh_set_flags(neigh.get(), n.flags & NTF_ROUTER);
	if (rtnl_neigh_set_dst(neigh.get(), dst.get()) < 0)
		return nullptr;
	if (!n.lladdr.empty()) {
		unsigned char bytes[max_mac_bytes];
		size_t size;
		if (!mac_bytes(n.lladdr, bytes, size))
			return nullptr;
		NlAddr ll(nl_addr_build(AF_LLC, bytes, size));
		if (!ll)
			return nullptr;
		rtnl_neigh_set_lladdr(neigh.get(), ll.get());
	}
	nl_msg *raw = nullptr;
	if (rtnl_neigh_build_add_request(neigh.get(), NLM_F_CREATE | NLM_F_EXCL, &raw) < 0)
		return nullptr;
	return NlMsg(raw);
}

NlMsg address_request(int ifindex, const Address &a, const std::string &label, bool skip_dad)
{
	return build_address_request(ifindex, a, skip_dad ? a.flags | IFA_F_NODAD : a.flags, label, NLM_F_EXCL);
}

NlMsg address_flags_request(int ifindex, const Address &a, const std::string &label)
{
	return build_address_request(ifindex, a, a.flags, label, NLM_F_REPLACE);
}

namespace {

/* A next hop through device ifindex, added to object (which then owns it). False on a bad gateway or ENOMEM. */
bool add_hop(rtnl_route *object, int family, int ifindex, const Hop &hop)
{
	rtnl_nexthop *nh = rtnl_route_nh_alloc();
	if (!nh)
		return false;
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_nh_set_flags(nh, hop.flags & RTNH_F_ONLINK);
	rtnl_route_nh_set_weight(nh, static_cast<uint8_t>(hop.weight));
	rtnl_route_add_nexthop(object, nh);
	if (hop.gateway.empty())
		return true;
	NlAddr gateway = ip_addr(family, hop.gateway);
	if (!gateway)
		return false;
	rtnl_route_nh_set_gateway(nh, gateway.get());
	return true;
}

} /* namespace */

NlMsg route_request(int ifindex, const Route &route, uint32_t advmss)
{
	RtnlRoute object(rtnl_route_alloc());
	if (!object)
		return nullptr;
	/* libnl sends a single next hop in the route's own attributes, and several as RTA_MULTIPATH. */
	if (route.hops.size() > 1) {
		for (const Hop &hop : route.hops)
			if (!add_hop(object.get(), route.family, ifindex, hop))
				return nullptr;
	} else if (!add_hop(object.get(), route.family, ifindex, {route.gateway, route.nh_flags, 0})) {
		return nullptr;
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
