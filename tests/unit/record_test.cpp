/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <catch2/catch.hpp>

#include <cerrno>
#include <string>

#include <arpa/inet.h>

#include "record.hpp"

using namespace lxcnet::detail;

namespace {

Record sample()
{
	Record r;
	r.container = "web1";
	r.lxcpath = "/var/lib/lxc with space";
	r.netns = {4, 4026532181, 8193};
	r.host.name = "veth7";
	r.host.ifindex = 42;
	r.host.mac = "02:00:00:aa:bb:01";
	r.host.mtu = 1400;
	r.host.up = true;
	r.host.alias = "uplink = 100% \"mine\"\n";
	r.host.addresses.push_back({AF_INET, "10.0.0.1", 24, "", "10.0.0.255", "veth7:a", 0, 0});
	r.host.addresses.push_back({AF_INET6, "fd00::1", 64, "", "", "", 0, 0x100});
	r.host.routes.push_back({AF_INET, "", 0, 254, 3, 0, 1, 0, "10.0.0.254", "", 0, 0});
	r.host.routes.push_back({AF_INET6, "fd00:1::", 64, 100, 4, 0, 1, 1024, "fd00::2", "fd00::1", 1300, 4});
	r.inside_name = "eth1";
	r.inside_ifindex = 43;
	return r;
}

} /* namespace */

TEST_CASE("a record reads back exactly as it was written", "[record]")
{
	Record in = sample(), out;
	REQUIRE(parse_record(format_record(in), out) == 0);
	CHECK(out == in);
}

TEST_CASE("a record with no alias, addresses or routes reads back", "[record]")
{
	Record in = sample(), out;
	in.host.alias.clear();
	in.host.addresses.clear();
	in.host.routes.clear();
	REQUIRE(parse_record(format_record(in), out) == 0);
	CHECK(out == in);
}

TEST_CASE("every truncation of a record is refused", "[record]")
{
	const std::string text = format_record(sample());
	Record out;
	for (size_t len = 0; len < text.size(); len++)
		CHECK(parse_record(std::string_view(text).substr(0, len), out) == -EBADMSG);
}

TEST_CASE("damaged records are refused, never half-applied", "[record]")
{
	const std::string good = format_record(sample());
	auto with = [&](const std::string &from, const std::string &to) {
		std::string text = good;
		auto pos = text.find(from);
		REQUIRE(pos != std::string::npos);
		return text.replace(pos, from.size(), to);
	};
	/* A refusal leaves the caller's record as it was: nothing parsed before the fault leaks into it. */
	Record untouched;
	untouched.container = "untouched";
	untouched.inside_name = "eth9";
	untouched.inside_ifindex = 9;
	Record out = untouched;
	auto refused = [&](std::string_view text) {
		CHECK(parse_record(text, out) == -EBADMSG);
		CHECK(out == untouched);
	};
	refused("");
	refused("garbage\n");
	refused(with("lxcnet-record 1", "lxcnet-record 2"));
	refused(with("name veth7", "name a/b"));
	refused(with("name veth7", "name abcdefghijklmnop"));
	refused(with("ifindex 42", "ifindex -1"));
	refused(with("ifindex 42", "ifindex 99999999999"));
	refused(with("mac 02:00:00:aa:bb:01", "mac zz"));
	refused(with("local=10.0.0.1", "local=10.0.0.300"));
	refused(with("plen=24", "plen=33"));
	refused(with("family=2", "family=7"));
	refused(with("container web1", "container"));
	refused(with("up 1", "up 2"));
	refused(with("up 1", "up 1\nup 1"));
	refused(with("end\n", "end\nextra\n"));
	refused(with("alias ", "alias %Z"));
	refused(with("scope=0 flags=0", "scope=0 flags=0 flags=0"));
	refused(with("inside-ifindex 43\n", ""));
	refused(with("local=10.0.0.1", "local=10.0.0.1%00%25"));
	refused(with("gw=10.0.0.254", "gw=10.0.0.254%00"));
	refused(with(" 8193\n", "\n"));
	refused(with("lxcpath /var", "lxcpath var"));
	refused(with("lxcpath /var", "lxcpath /x\nlxcpath /var"));
	refused(with("lxcpath /var/lib/lxc%20with%20space", "lxcpath"));
}

TEST_CASE("a record written before the lxcpath was kept still loads, without one", "[record]")
{
	Record in = sample(), out;
	in.lxcpath.clear();
	const std::string text = format_record(in);
	REQUIRE(text.find("lxcpath") == std::string::npos);
	REQUIRE(parse_record(text, out) == 0);
	CHECK(out == in);
}

namespace {

Record carrying_more()
{
	Record r = sample();
	r.host.sysctls.ipv4[0] = 1;   /* forwarding */
	r.host.sysctls.ipv4[17] = 2;  /* arp_ignore */
	r.host.sysctls.ipv6[0] = 0;   /* disable_ipv6 */
	r.host.sysctls.ipv6[10] = -1; /* router_solicitation_interval, a negative value too */
	r.host.neighbours.push_back({AF_INET, "10.0.0.9", "02:00:00:aa:bb:09", 0});
	r.host.neighbours.push_back({AF_INET6, "fd00::9", "02:00:00:aa:bb:0a", 0x80});
	Route multipath{AF_INET, "10.9.0.0", 16, 254, 4, 0, 1, 20, "", "", 0, 0};
	multipath.hops = {{"10.0.0.2", 0, 0}, {"10.0.0.3", 4, 2}};
	r.host.routes.push_back(multipath);
	return r;
}

} /* namespace */

TEST_CASE("sysctls, neighbours and multipath routes read back exactly as written", "[record][carry]")
{
	Record in = carrying_more(), out;
	const std::string text = format_record(in);
	INFO(text);
	CHECK(text.find("\nsysctl ipv4 forwarding=1 arp_ignore=2\n") != std::string::npos);
	CHECK(text.find("\nsysctl ipv6 disable_ipv6=0 router_solicitation_interval=-1\n") != std::string::npos);
	CHECK(text.find(" hops=10.0.0.2/0/0,10.0.0.3/2/4") != std::string::npos);
	REQUIRE(parse_record(text, out) == 0);
	CHECK(out == in);
}

TEST_CASE("a record written before sysctls, neighbours and multipath routes still loads", "[record][carry]")
{
	const std::string old = "lxcnet-record 1\ncontainer web1\nnetns 4 4026532181 0\nname veth7\nifindex 42\n"
				"mac 02:00:00:aa:bb:01\nmtu 1400\nup 1\nalias\ninside-name eth1\ninside-ifindex 43\n"
				"route family=2 dst= dlen=0 table=254 proto=3 scope=0 type=1 metric=0 gw=10.0.0.254 src= mtu=0 nhflags=0\nend\n";
	Record out;
	REQUIRE(parse_record(old, out) == 0);
	CHECK(out.host.sysctls.empty());
	CHECK(out.host.neighbours.empty());
	REQUIRE(out.host.routes.size() == 1);
	CHECK(out.host.routes[0].hops.empty());
}

TEST_CASE("damaged sysctl, neighbour and multipath lines are refused", "[record][carry]")
{
	const std::string good = format_record(carrying_more());
	auto with = [&](const std::string &from, const std::string &to) {
		std::string text = good;
		auto pos = text.find(from);
		REQUIRE(pos != std::string::npos);
		return text.replace(pos, from.size(), to);
	};
	Record out;
	for (const std::string &bad : {
		     with("sysctl ipv4 forwarding=1", "sysctl ipv4 no_such_setting=1"),
		     with("sysctl ipv4 forwarding=1", "sysctl ipv4 forwarding=1 forwarding=1"),
		     with("sysctl ipv4 forwarding=1", "sysctl ipv4 forwarding=x"),
		     with("sysctl ipv4 forwarding=1", "sysctl ipv4 forwarding=99999999999"),
		     with("sysctl ipv4 forwarding=1", "sysctl ipv5 forwarding=1"),
		     with("sysctl ipv6 ", "sysctl ipv4 "),
		     with("sysctl ipv4 forwarding=1 arp_ignore=2", "sysctl ipv4"),
		     with("dst=10.0.0.9", "dst=10.0.0.300"),
		     with("lladdr=02:00:00:aa:bb:09", "lladdr=zz"),
		     with("flags=128", "flags=128 flags=128"),
		     with("hops=10.0.0.2/0/0,10.0.0.3/2/4", "hops=10.0.0.2/0/0"),
		     with("hops=10.0.0.2/0/0,10.0.0.3/2/4", "hops=10.0.0.2/0/0,10.0.0.3/256/4"),
		     with("hops=10.0.0.2/0/0,10.0.0.3/2/4", "hops=10.0.0.2/0/0,fd00::3/2/4"),
		     with("hops=10.0.0.2/0/0,10.0.0.3/2/4", "hops=10.0.0.2/0,10.0.0.3/2/4"),
	     })
		CHECK(parse_record(bad, out) == -EBADMSG);
}
