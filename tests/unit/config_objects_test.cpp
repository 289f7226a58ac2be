/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <string>

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "config_objects.hpp"

using namespace lxcnet::detail;

namespace {

/* A request read back as the kernel's reply would be: the same layout, parsed by libnl as lxcnet's dumps are. */
bool read_address(nl_msg *request, int ifindex, Address &out)
{
	nlmsg_set_proto(request, NETLINK_ROUTE);
	struct Found {
		int ifindex;
		Address *out;
		bool ok = false;
	} found{ifindex, &out};
	auto keep = [](nl_object *object, void *arg) {
		auto *f = static_cast<Found *>(arg);
		f->ok = address_of(reinterpret_cast<rtnl_addr *>(object), f->ifindex, *f->out);
	};
	REQUIRE(nl_msg_parse(request, keep, &found) == 0);
	return found.ok;
}

bool read_route(nl_msg *request, int ifindex, Route &out)
{
	rtnl_route *raw = nullptr;
	REQUIRE(rtnl_route_parse(nlmsg_hdr(request), &raw) == 0);
	RtnlRoute route(raw);
	return carried_route_of(route.get(), ifindex, out);
}

Address ptp_address()
{
	Address a;
	a.family = AF_INET;
	a.local = "10.9.0.1";
	a.prefixlen = 32;
	a.peer = "10.9.0.2";
	a.broadcast = "";
	a.label = "eth1:p";
	a.scope = RT_SCOPE_UNIVERSE;
	a.flags = IFA_F_NOPREFIXROUTE | IFA_F_NODAD; /* one flag beyond the header's 8 bits */
	return a;
}

Route gateway_route()
{
	Route r;
	r.family = AF_INET6;
	r.dst = "fd00:1::";
	r.dst_len = 64;
	r.table = 4242; /* beyond rtm_table's 8 bits */
	r.protocol = RTPROT_STATIC;
	r.scope = RT_SCOPE_UNIVERSE;
	r.type = RTN_UNICAST;
	r.metric = 55;
	r.gateway = "fe80::9";
	r.prefsrc = "fd00:2::1";
	r.mtu = 1300;
	r.nh_flags = RTNH_F_ONLINK;
	return r;
}

} /* namespace */

TEST_CASE("an address request reads back as the address it was built from", "[objects]")
{
	const Address want = ptp_address();
	NlMsg request = address_request(7, want, want.label);
	REQUIRE(request);
	Address got;
	REQUIRE(read_address(request.get(), 7, got));
	CHECK(got == want);
	CHECK_FALSE(read_address(request.get(), 8, got)); /* another device's */
}

TEST_CASE("an IPv6 address keeps its peer, and its label is not sent", "[objects]")
{
	Address want;
	want.family = AF_INET6;
	want.local = "fd00::1";
	want.prefixlen = 128;
	want.peer = "fd00::2";
	NlMsg request = address_request(3, want, "ignored");
	REQUIRE(request);
	Address got;
	REQUIRE(read_address(request.get(), 3, got));
	CHECK(got.local == "fd00::1");
	CHECK(got.peer == "fd00::2");
	CHECK(got.label.empty());
}

TEST_CASE("an address of prefix length 0 keeps it", "[objects]")
{
	Address want = ptp_address();
	want.peer.clear();
	want.prefixlen = 0;
	NlMsg request = address_request(4, want, "");
	REQUIRE(request);
	Address got;
	REQUIRE(read_address(request.get(), 4, got));
	CHECK(got.prefixlen == 0);
}

TEST_CASE("text that is no address of its family builds nothing", "[objects]")
{
	Address bad = ptp_address();
	bad.local = "fd00::1"; /* IPv6 text in an IPv4 address */
	CHECK_FALSE(address_request(1, bad, ""));
	Route route = gateway_route();
	route.gateway = "10.0.0.1";
	CHECK_FALSE(route_request(1, route));
}

TEST_CASE("a route request reads back as the route it was built from", "[objects]")
{
	const Route want = gateway_route();
	NlMsg request = route_request(9, want);
	REQUIRE(request);
	Route got;
	REQUIRE(read_route(request.get(), 9, got));
	CHECK(got == want);
}

TEST_CASE("a default route reads back as a default route", "[objects]")
{
	Route want = gateway_route();
	want.dst.clear();
	want.dst_len = 0;
	NlMsg request = route_request(9, want);
	REQUIRE(request);
	CHECK(nlmsg_find_attr(nlmsg_hdr(request.get()), sizeof(rtmsg), RTA_DST) == nullptr);
	Route got;
	REQUIRE(read_route(request.get(), 9, got));
	CHECK(got == want);
}

TEST_CASE("routes a move does not lose, or that are not the device's alone, are not carried", "[objects]")
{
	Route got;
	auto carried = [&](auto &&change, int ifindex = 9) {
		Route route = gateway_route();
		change(route);
		NlMsg request = route_request(9, route);
		REQUIRE(request);
		return read_route(request.get(), ifindex, got);
	};
	CHECK(carried([](Route &) {}));
	CHECK_FALSE(carried([](Route &) {}, 10));                              /* through another device */
	CHECK_FALSE(carried([](Route &r) { r.protocol = RTPROT_KERNEL; }));    /* a prefix route */
	CHECK_FALSE(carried([](Route &r) { r.protocol = RTPROT_RA; }));        /* re-learned */
	CHECK_FALSE(carried([](Route &r) { r.table = RT_TABLE_LOCAL; }));      /* the kernel's own */
	CHECK_FALSE(carried([](Route &r) { r.type = RTN_BLACKHOLE; }));
}

TEST_CASE("a multipath route is carried when every next hop is through the device", "[objects]")
{
	/* The kernel's own layout: an RTA_MULTIPATH list of rtnexthop entries, each followed by its RTA_GATEWAY. */
	auto multipath = [](std::initializer_list<int> hops) {
		NlMsg msg(nlmsg_alloc_simple(RTM_NEWROUTE, 0));
		rtmsg rtm{};
		rtm.rtm_family = AF_INET;
		rtm.rtm_dst_len = 24;
		rtm.rtm_table = RT_TABLE_MAIN;
		rtm.rtm_protocol = RTPROT_BOOT;
		rtm.rtm_type = RTN_UNICAST;
		REQUIRE(nlmsg_append(msg.get(), &rtm, sizeof(rtm), NLMSG_ALIGNTO) == 0);
		const unsigned char dst[4] = {10, 8, 0, 0};
		REQUIRE(nla_put(msg.get(), RTA_DST, sizeof(dst), dst) == 0);
		nlattr *list = nla_nest_start(msg.get(), RTA_MULTIPATH);
		unsigned char gw = 1;
		for (int ifindex : hops) {
			auto *nh = static_cast<rtnexthop *>(nlmsg_reserve(msg.get(), sizeof(rtnexthop), NLMSG_ALIGNTO));
			REQUIRE(nh);
			const unsigned char addr[4] = {192, 0, 2, gw++};
			REQUIRE(nla_put(msg.get(), RTA_GATEWAY, sizeof(addr), addr) == 0);
			nh->rtnh_flags = 0;
			nh->rtnh_hops = 0;
			nh->rtnh_ifindex = ifindex;
			nh->rtnh_len = static_cast<unsigned short>(reinterpret_cast<char *>(nlmsg_tail(nlmsg_hdr(msg.get()))) -
								  reinterpret_cast<char *>(nh));
		}
		nla_nest_end(msg.get(), list);
		return msg;
	};
	Route got;
	CHECK(read_route(multipath({9}).get(), 9, got));
	CHECK(got.gateway == "192.0.2.1");
	CHECK(got.dst == "10.8.0.0");
	CHECK(got.hops.empty());
	REQUIRE(read_route(multipath({9, 9}).get(), 9, got));
	REQUIRE(got.hops.size() == 2);
	CHECK(got.hops[0].gateway == "192.0.2.1");
	CHECK(got.hops[1].gateway == "192.0.2.2");
	CHECK(got.gateway.empty());
	CHECK_FALSE(read_route(multipath({9, 10}).get(), 9, got));
	CHECK_FALSE(read_route(multipath({10, 9}).get(), 9, got));
}

TEST_CASE("a multipath route's request carries every hop, with its weight and onlink flag", "[objects][carry]")
{
	Route route = gateway_route();
	route.gateway.clear();
	route.nh_flags = 0;
	route.hops = {{"fd00:3::2", 0, 0}, {"fd00:3::3", RTNH_F_ONLINK, 4}};
	NlMsg request = route_request(9, route);
	REQUIRE(request);
	Route got;
	REQUIRE(read_route(request.get(), 9, got));
	CHECK(got == route);
}
