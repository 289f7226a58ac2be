/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config_messages.hpp"

#include <cstring>

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

namespace lxcnet::detail {

namespace {

size_t address_size(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* An address attribute as text; "" if absent or not of the family's size. */
std::string ip_text(int family, const nlattr *attr)
{
	if (!attr || static_cast<size_t>(nla_len(attr)) != address_size(family))
		return {};
	char text[INET6_ADDRSTRLEN];
	if (!inet_ntop(family, nla_data(attr), text, sizeof(text)))
		return {};
	return text;
}

std::string string_of(const nlattr *attr)
{
	if (!attr)
		return {};
	auto *text = static_cast<const char *>(nla_data(attr));
	return std::string(text, strnlen(text, static_cast<size_t>(nla_len(attr))));
}

bool put_ip(Request &request, uint16_t type, int family, const std::string &text)
{
	unsigned char bytes[16];
	if (inet_pton(family, text.c_str(), bytes) != 1)
		return false;
	request.put(type, bytes, address_size(family));
	return true;
}

} /* namespace */

bool parse_address(const nlmsghdr *msg, int ifindex, Address &out)
{
	if (msg->nlmsg_type != RTM_NEWADDR || msg->nlmsg_len < NLMSG_LENGTH(sizeof(ifaddrmsg)))
		return false;
	auto *ifa = static_cast<const ifaddrmsg *>(NLMSG_DATA(msg));
	if (static_cast<int>(ifa->ifa_index) != ifindex || !address_size(ifa->ifa_family))
		return false;
	nlattr *tb[IFA_MAX + 1];
	if (nlmsg_parse(const_cast<nlmsghdr *>(msg), sizeof(*ifa), tb, IFA_MAX, nullptr) < 0)
		return false;
	Address a;
	a.family = ifa->ifa_family;
	a.prefixlen = ifa->ifa_prefixlen;
	a.scope = ifa->ifa_scope;
	/* IFA_FLAGS holds the flags past the header's eight bits. */
	a.flags = tb[IFA_FLAGS] && nla_len(tb[IFA_FLAGS]) >= 4 ? nla_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	/* IPv6 sends only IFA_ADDRESS; IPv4 sends IFA_LOCAL too, and then IFA_ADDRESS is the peer (or the same address). */
	a.local = ip_text(a.family, tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS]);
	if (tb[IFA_LOCAL]) {
		a.peer = ip_text(a.family, tb[IFA_ADDRESS]);
		if (a.peer == a.local)
			a.peer.clear();
	}
	a.broadcast = ip_text(a.family, tb[IFA_BROADCAST]);
	a.label = string_of(tb[IFA_LABEL]);
	out = std::move(a);
	return true;
}

bool parse_carried_route(const nlmsghdr *msg, int ifindex, Route &out)
{
	if (msg->nlmsg_type != RTM_NEWROUTE || msg->nlmsg_len < NLMSG_LENGTH(sizeof(rtmsg)))
		return false;
	auto *rtm = static_cast<const rtmsg *>(NLMSG_DATA(msg));
	if (!address_size(rtm->rtm_family) || rtm->rtm_type != RTN_UNICAST || (rtm->rtm_flags & RTM_F_CLONED))
		return false;
	switch (rtm->rtm_protocol) {
	case RTPROT_KERNEL:
	case RTPROT_REDIRECT:
	case RTPROT_RA:
		return false;
	}
	nlattr *tb[RTA_MAX + 1];
	if (nlmsg_parse(const_cast<nlmsghdr *>(msg), sizeof(*rtm), tb, RTA_MAX, nullptr) < 0)
		return false;
	Route route;
	route.family = rtm->rtm_family;
	route.table = tb[RTA_TABLE] && nla_len(tb[RTA_TABLE]) >= 4 ? nla_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	if (route.table == RT_TABLE_LOCAL)
		return false;

	int oif = 0;
	const nlattr *gateway = tb[RTA_GATEWAY];
	unsigned nh_flags = rtm->rtm_flags; /* a single path keeps its next hop's flags in the header */
	if (tb[RTA_MULTIPATH]) {
		/* One next hop in a multipath list is still this device's alone; two or more are not its to carry. */
		auto *nh = static_cast<const rtnexthop *>(nla_data(tb[RTA_MULTIPATH]));
		const int size = nla_len(tb[RTA_MULTIPATH]);
		if (size < static_cast<int>(sizeof(*nh)) || nh->rtnh_len < sizeof(*nh) || nh->rtnh_len > size ||
		    RTNH_ALIGN(nh->rtnh_len) < size)
			return false;
		oif = nh->rtnh_ifindex;
		nh_flags = nh->rtnh_flags;
		nlattr *nh_tb[RTA_MAX + 1];
		if (nla_parse(nh_tb, RTA_MAX, reinterpret_cast<nlattr *>(RTNH_DATA(nh)), nh->rtnh_len - static_cast<int>(sizeof(*nh)), nullptr) < 0)
			return false;
		gateway = nh_tb[RTA_GATEWAY];
	} else if (tb[RTA_OIF] && nla_len(tb[RTA_OIF]) >= 4) {
		oif = static_cast<int>(nla_get_u32(tb[RTA_OIF]));
	}
	if (oif != ifindex)
		return false;

	route.dst = ip_text(route.family, tb[RTA_DST]);
	route.dst_len = rtm->rtm_dst_len;
	route.protocol = rtm->rtm_protocol;
	route.scope = rtm->rtm_scope;
	route.type = rtm->rtm_type;
	route.metric = tb[RTA_PRIORITY] && nla_len(tb[RTA_PRIORITY]) >= 4 ? nla_get_u32(tb[RTA_PRIORITY]) : 0;
	route.gateway = ip_text(route.family, gateway);
	route.prefsrc = ip_text(route.family, tb[RTA_PREFSRC]);
	if (tb[RTA_METRICS]) {
		nlattr *metrics[RTAX_MAX + 1];
		if (nla_parse_nested(metrics, RTAX_MAX, tb[RTA_METRICS], nullptr) == 0 && metrics[RTAX_MTU] &&
		    nla_len(metrics[RTAX_MTU]) >= 4)
			route.mtu = nla_get_u32(metrics[RTAX_MTU]);
	}
	route.nh_flags = nh_flags & RTNH_F_ONLINK;
	out = std::move(route);
	return true;
}

bool build_address(Request &request, int ifindex, const Address &a, const std::string &label)
{
	ifaddrmsg ifa{};
	ifa.ifa_family = static_cast<unsigned char>(a.family);
	ifa.ifa_prefixlen = static_cast<unsigned char>(a.prefixlen);
	ifa.ifa_flags = static_cast<unsigned char>(a.flags);
	ifa.ifa_scope = static_cast<unsigned char>(a.scope);
	ifa.ifa_index = static_cast<unsigned>(ifindex);
	request.put_header(ifa);
	if (!address_size(a.family) || !put_ip(request, IFA_LOCAL, a.family, a.local))
		return false;
	/* The peer of a point-to-point address, else the address itself, as `ip addr add` sends it. */
	if (!put_ip(request, IFA_ADDRESS, a.family, a.peer.empty() ? a.local : a.peer))
		return false;
	if (!a.broadcast.empty() && !put_ip(request, IFA_BROADCAST, a.family, a.broadcast))
		return false;
	if (a.family == AF_INET && !label.empty())
		request.put_string(IFA_LABEL, label);
	if (a.flags > 0xff)
		request.put_u32(IFA_FLAGS, a.flags);
	return true;
}

bool build_route(Request &request, int ifindex, const Route &route)
{
	rtmsg rtm{};
	rtm.rtm_family = static_cast<unsigned char>(route.family);
	rtm.rtm_dst_len = static_cast<unsigned char>(route.dst_len);
	rtm.rtm_table = static_cast<unsigned char>(route.table < 256 ? route.table : static_cast<unsigned>(RT_TABLE_UNSPEC));
	rtm.rtm_protocol = static_cast<unsigned char>(route.protocol);
	rtm.rtm_scope = static_cast<unsigned char>(route.scope);
	rtm.rtm_type = static_cast<unsigned char>(route.type);
	rtm.rtm_flags = route.nh_flags & RTNH_F_ONLINK;
	request.put_header(rtm);
	if (!address_size(route.family))
		return false;
	request.put_u32(RTA_TABLE, route.table);
	if (!route.dst.empty() && !put_ip(request, RTA_DST, route.family, route.dst))
		return false;
	request.put_u32(RTA_PRIORITY, route.metric);
	if (!route.prefsrc.empty() && !put_ip(request, RTA_PREFSRC, route.family, route.prefsrc))
		return false;
	if (route.mtu) {
		const size_t metrics = request.begin_nest(RTA_METRICS);
		request.put_u32(RTAX_MTU, route.mtu);
		request.end_nest(metrics);
	}
	request.put_u32(RTA_OIF, static_cast<uint32_t>(ifindex));
	if (!route.gateway.empty() && !put_ip(request, RTA_GATEWAY, route.family, route.gateway))
		return false;
	return true;
}

} /* namespace lxcnet::detail */
