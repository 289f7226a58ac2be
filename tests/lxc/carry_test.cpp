/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What travels beyond addresses and single routes: DAD state, per-device sysctls, multipath routes, neighbours, bridge ports. */
#include "helpers.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

using namespace lxcnet::test;

namespace {

/* Waits (up to 5 s) until no address of dev is tentative: DAD done, as on a link that has been up a while. */
void wait_for_dad(const std::string &dev, const std::string &prefix = {})
{
	for (int i = 0; i < 100; i++) {
		if (sh(prefix + "ip -6 addr show dev " + quote(dev)).find("tentative") == std::string::npos)
			return;
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
	}
	FAIL("DAD did not finish on " + dev);
}

std::string global_ipv6(const std::string &dev, const std::string &prefix = {})
{
	return sh(prefix + "ip -6 addr show dev " + quote(dev) + " scope global");
}

} /* namespace */

TEST_CASE("an IPv6 address past DAD is ready on arrival, both ways, and keeps its flags", "[carry]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	const std::string dev = veth.name();
	sh("ip link set " + veth.peer() + " up");
	sh("ip link set " + dev + " up");
	sh("ip addr add fd00:140:1::1/64 dev " + dev);
	sh("ip addr add fd00:140:2::1/64 dev " + dev + " nodad");
	wait_for_dad(dev);
	const std::string before = device_state(dev);
	REQUIRE(before.find("fd00:140:1::1/64 scope global") != std::string::npos);

	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(dev, "eth1");
	std::this_thread::sleep_for(std::chrono::milliseconds(100));
	std::string inside = global_ipv6("eth1", ct.inside());
	INFO(inside);
	CHECK(inside.find("fd00:140:1::1/64") != std::string::npos);
	CHECK(inside.find("tentative") == std::string::npos);
	/* Ready without being marked nodad: a later link-up inside runs DAD as the address always did. */
	CHECK(device_state("eth1", ct.inside()) == before);

	box.detach_interface("eth1");
	std::this_thread::sleep_for(std::chrono::milliseconds(100));
	const std::string home = global_ipv6(dev);
	INFO(home);
	CHECK(home.find("fd00:140:1::1/64") != std::string::npos);
	CHECK(home.find("tentative") == std::string::npos);
	CHECK(device_state(dev) == before);
}

TEST_CASE("an IPv6 address still tentative when it leaves runs DAD where it lands", "[carry]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	const std::string dev = veth.name();
	/* No carrier: DAD cannot run, so the address stays tentative until the link has one. */
	sh("ip link set " + dev + " up");
	sh("ip addr add fd00:140:3::1/64 dev " + dev);
	REQUIRE(global_ipv6(dev).find("tentative") != std::string::npos);

	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(dev, "eth1");
	CHECK(global_ipv6("eth1", ct.inside()).find("tentative") != std::string::npos);
	box.detach_interface("eth1");
	CHECK(global_ipv6(dev).find("tentative") != std::string::npos);
}

namespace {

/* Every per-device sysctl of dev, "ipv4/NAME: VALUE" per line, as /proc/sys shows them in that namespace (stable_secret reads fail). */
std::string sysctls_of(const std::string &dev, const std::string &prefix = {})
{
	return sh(prefix + "sh -c " +
		  quote("for f in ipv4 ipv6; do cd /proc/sys/net/$f/conf/" + dev + " && for s in *; do echo \"$f/$s: $(cat $s 2>/dev/null)\"; done; done"));
}

} /* namespace */

TEST_CASE("per-device IPv4 and IPv6 sysctls travel in and come home", "[carry]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	const std::string dev = veth.name();
	for (const char *setting : {"ipv4.conf.DEV.forwarding=1", "ipv4.conf.DEV.arp_ignore=2", "ipv4.conf.DEV.rp_filter=2",
				    "ipv4.conf.DEV.arp_evict_nocarrier=0", "ipv6.conf.DEV.accept_ra=0", "ipv6.conf.DEV.forwarding=1",
				    "ipv6.conf.DEV.addr_gen_mode=1", "ipv6.conf.DEV.router_solicitation_delay=3"})
		sh("sysctl -q -w " + quote(replace_all(std::string("net.") + setting, "DEV", dev)));
	sh("ip link set " + dev + " up");
	sh("ip addr add 10.143.1.1/24 dev " + dev);
	const std::string before = sysctls_of(dev);
	for (const char *line : {"ipv4/forwarding: 1", "ipv4/arp_ignore: 2", "ipv4/rp_filter: 2", "ipv6/accept_ra: 0",
				 "ipv6/forwarding: 1", "ipv6/addr_gen_mode: 1", "ipv6/router_solicitation_delay: 3"})
		REQUIRE(before.find(line) != std::string::npos);

	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(dev, "eth1");
	CHECK(sysctls_of("eth1", ct.inside()) == before);
	/* Before addresses: addr_gen_mode 1 (none) means the kernel made no link-local inside either. */
	CHECK(sh(ct.inside() + "ip -6 addr show dev eth1").find("fe80::") == std::string::npos);

	box.detach_interface("eth1");
	CHECK(sysctls_of(dev) == before);
	CHECK(device_facts(dev).addresses == std::vector<std::string>{"10.143.1.1/24"});
}

TEST_CASE("permanent neighbour entries travel in and come home", "[carry]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	const std::string dev = veth.name();
	sh("ip link set " + dev + " up");
	sh("ip addr add 10.144.1.1/24 dev " + dev);
	sh("ip addr add fd00:144:1::1/64 dev " + dev + " nodad");
	sh("ip neigh add 10.144.1.5 lladdr 02:00:00:90:01:05 nud permanent dev " + dev);
	sh("ip -6 neigh add fd00:144:1::6 lladdr 02:00:00:90:01:06 nud permanent router dev " + dev);
	/* Only permanent ones travel: a stale entry is the kernel's to re-learn. */
	sh("ip neigh add 10.144.1.7 lladdr 02:00:00:90:01:07 nud stale dev " + dev);
	auto permanent = [](const std::string &name, const std::string &prefix = {}) {
		return sh(prefix + "ip neigh show nud permanent dev " + quote(name)) + sh(prefix + "ip -6 neigh show nud permanent dev " + quote(name));
	};
	const std::string before = permanent(dev);
	REQUIRE(before.find("10.144.1.5 lladdr 02:00:00:90:01:05 PERMANENT") != std::string::npos);
	REQUIRE(before.find("fd00:144:1::6 lladdr 02:00:00:90:01:06 router PERMANENT") != std::string::npos);

	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(dev, "eth1");
	CHECK(permanent("eth1", ct.inside()) == before);
	CHECK(sh(ct.inside() + "ip neigh show dev eth1").find("10.144.1.7") == std::string::npos);

	box.detach_interface("eth1");
	CHECK(permanent(dev) == before);
}

TEST_CASE("multipath routes whose hops are all through the device travel in and come home", "[carry]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	ScopedVeth other;
	const std::string dev = veth.name();
	sh("ip link set " + dev + " up");
	sh("ip link set " + other.name() + " up");
	sh("ip addr add 10.145.1.1/24 dev " + dev);
	sh("ip addr add 10.145.2.1/24 dev " + other.name());
	sh("ip addr add fd00:145:1::1/64 dev " + dev + " nodad");
	sh("ip route add 10.145.9.0/24 proto static metric 20 nexthop via 10.145.1.2 dev " + dev + " weight 1 nexthop via 10.145.1.3 dev " +
	   dev + " weight 3");
	sh("ip -6 route add fd00:145:9::/64 metric 30 nexthop via fd00:145:1::2 dev " + dev + " nexthop via fd00:145:1::3 dev " + dev);
	/* A hop through another device: not this device's to carry. */
	sh("ip route add 10.145.8.0/24 nexthop via 10.145.1.2 dev " + dev + " nexthop via 10.145.2.2 dev " + other.name());
	auto multipath = [](const std::string &prefix = {}) {
		return sh(prefix + "ip route show 10.145.9.0/24") + sh(prefix + "ip -6 route show fd00:145:9::/64");
	};
	const std::string before = multipath();
	INFO(before);
	REQUIRE(before.find("weight 3") != std::string::npos);
	REQUIRE(std::count(before.begin(), before.end(), '\n') >= 6); /* a header line and two hops for each family */

	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(dev, "eth1");
	CHECK(multipath(ct.inside()) == replace_all(before, dev, "eth1"));
	CHECK(sh(ct.inside() + "ip route show 10.145.8.0/24").empty());

	box.detach_interface("eth1");
	CHECK(multipath() == before);
}
