/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <string>

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "config_messages.hpp"

using namespace lxcnet::detail;

namespace {

/* The kernel answers a dump with messages laid out as the add requests are: a request read back is a reply. */
nlmsghdr *as_reply(Request &request, uint16_t type)
{
	request.header()->nlmsg_type = type;
	return request.header();
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

TEST_CASE("an address request reads back as the address it was built from", "[messages]")
{
	Request request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	const Address want = ptp_address();
	REQUIRE(build_address(request, 7, want, want.label));
	REQUIRE(request.complete());
	Address got;
	REQUIRE(parse_address(as_reply(request, RTM_NEWADDR), 7, got));
	CHECK(got == want);
	CHECK_FALSE(parse_address(request.header(), 8, got)); /* another device's */
}

TEST_CASE("an IPv6 address has no peer, and its label is not sent", "[messages]")
{
	Request request(RTM_NEWADDR, 0);
	Address want;
	want.family = AF_INET6;
	want.local = "fd00::1";
	want.prefixlen = 64;
	REQUIRE(build_address(request, 3, want, "ignored"));
	Address got;
	REQUIRE(parse_address(as_reply(request, RTM_NEWADDR), 3, got));
	CHECK(got.local == "fd00::1");
	CHECK(got.peer.empty());
	CHECK(got.label.empty());
}

TEST_CASE("text that is no address of its family builds nothing", "[messages]")
{
	Request request(RTM_NEWADDR, 0);
	Address bad = ptp_address();
	bad.local = "fd00::1"; /* IPv6 text in an IPv4 address */
	CHECK_FALSE(build_address(request, 1, bad, ""));
	Request route_request(RTM_NEWROUTE, 0);
	Route route = gateway_route();
	route.gateway = "10.0.0.1";
	CHECK_FALSE(build_route(route_request, 1, route));
}

TEST_CASE("a route request reads back as the route it was built from", "[messages]")
{
	Request request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	const Route want = gateway_route();
	REQUIRE(build_route(request, 9, want));
	REQUIRE(request.complete());
	Route got;
	REQUIRE(parse_carried_route(as_reply(request, RTM_NEWROUTE), 9, got));
	CHECK(got == want);
}

TEST_CASE("routes a move does not lose, or that are not the device's alone, are not carried", "[messages]")
{
	Route got;
	auto carried = [&](auto &&change, int ifindex = 9) {
		Request request(RTM_NEWROUTE, 0);
		Route route = gateway_route();
		change(route);
		REQUIRE(build_route(request, 9, route));
		return parse_carried_route(as_reply(request, RTM_NEWROUTE), ifindex, got);
	};
	CHECK(carried([](Route &) {}));
	CHECK_FALSE(carried([](Route &) {}, 10));                              /* through another device */
	CHECK_FALSE(carried([](Route &r) { r.protocol = RTPROT_KERNEL; }));    /* a prefix route */
	CHECK_FALSE(carried([](Route &r) { r.protocol = RTPROT_RA; }));        /* re-learned */
	CHECK_FALSE(carried([](Route &r) { r.table = RT_TABLE_LOCAL; }));      /* the kernel's own */
	CHECK_FALSE(carried([](Route &r) { r.type = RTN_BLACKHOLE; }));
}

TEST_CASE("a multipath route is carried only with a single next hop through the device", "[messages]")
{
	auto multipath = [](std::initializer_list<int> hops) {
		auto request = std::make_unique<Request>(RTM_NEWROUTE, 0); /* not movable: it owns its buffer */
		rtmsg rtm{};
		rtm.rtm_family = AF_INET;
		rtm.rtm_dst_len = 24;
		rtm.rtm_table = RT_TABLE_MAIN;
		rtm.rtm_protocol = RTPROT_BOOT;
		rtm.rtm_type = RTN_UNICAST;
		request->put_header(rtm);
		const unsigned char dst[4] = {10, 8, 0, 0};
		request->put(RTA_DST, dst, sizeof(dst));
		/* rtnexthop entries, each followed by its RTA_GATEWAY */
		unsigned char hops_buf[256];
		size_t size = 0;
		unsigned char gw = 1;
		for (int ifindex : hops) {
			auto *nh = reinterpret_cast<rtnexthop *>(hops_buf + size);
			nh->rtnh_len = RTNH_LENGTH(RTA_LENGTH(4));
			nh->rtnh_flags = 0;
			nh->rtnh_hops = 0;
			nh->rtnh_ifindex = ifindex;
			auto *attr = reinterpret_cast<rtattr *>(RTNH_DATA(nh));
			attr->rta_type = RTA_GATEWAY;
			attr->rta_len = RTA_LENGTH(4);
			const unsigned char addr[4] = {192, 0, 2, gw++};
			std::memcpy(RTA_DATA(attr), addr, 4);
			size += RTNH_ALIGN(nh->rtnh_len);
		}
		request->put(RTA_MULTIPATH, hops_buf, size);
		request->header()->nlmsg_type = RTM_NEWROUTE;
		return request;
	};
	Route got;
	CHECK(parse_carried_route(multipath({9})->header(), 9, got));
	CHECK(got.gateway == "192.0.2.1");
	CHECK(got.dst == "10.8.0.0");
	CHECK_FALSE(parse_carried_route(multipath({9, 9})->header(), 9, got));
}

TEST_CASE("a request that would overflow its buffer says so instead of being sent cut", "[messages]")
{
	Request request(RTM_NEWLINK, 0);
	ifinfomsg ifi{};
	request.put_header(ifi);
	const std::string big(600, 'x');
	request.put_string(IFLA_IFALIAS, big);
	CHECK(request.complete());
	request.put_string(IFLA_IFALIAS, big);
	CHECK_FALSE(request.complete());
}
