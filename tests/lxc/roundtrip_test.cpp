/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "helpers.hpp"

#include <dirent.h>

#include <algorithm>
#include <regex>
#include <sstream>

using namespace lxcnet::test;

namespace {

size_t record_count()
{
	size_t n = 0;
	std::string out = sh("find " + quote(std::getenv("LXCNET_STATE_DIR")) + " -type f");
	for (char c : out)
		n += c == '\n';
	return n;
}

/* Every address and every route through dev in any table, as `ip` prints them, with its name as DEV and the kernel's own entries dropped. */
std::string full_config(const std::string &dev, const std::string &prefix = {})
{
	std::string out;
	std::istringstream lines(sh(prefix + "ip -o addr show dev " + quote(dev)) + sh(prefix + "ip route show table all dev " + quote(dev)) +
				 sh(prefix + "ip -6 route show table all dev " + quote(dev)));
	for (std::string line; std::getline(lines, line);) {
		if (line.find("table local") != std::string::npos || line.find("inet6 fe80::") != std::string::npos ||
		    line.rfind("fe80::/64", 0) == 0)
			continue;
		line = std::regex_replace(line, std::regex("^[0-9]+: \\S+ "), ""); /* ifindex and name */
		line = std::regex_replace(line, std::regex("\\\\.*$|\\b(linkdown|tentative)\\b"), "");
		line = std::regex_replace(line, std::regex("\\b" + dev + "\\b"), "DEV");
		out += std::regex_replace(line, std::regex("\\s+"), " ") + "\n";
	}
	return out;
}

} /* namespace */

TEST_CASE("a configured veth arrives configured and comes home identical", "[roundtrip]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	veth.configure(41);
	const std::string before = device_state(veth.name());
	REQUIRE(before.find("admin up") != std::string::npos);
	REQUIRE(before.find("10.250.41.1/24") != std::string::npos);
	REQUIRE(before.find("fd00:250:41::1/64") != std::string::npos);
	REQUIRE(before.find("10.251.41.0/24 via 10.250.41.2") != std::string::npos);
	REQUIRE(before.find("fd00:251:41::/64 via fd00:250:41::2") != std::string::npos);

	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	CHECK(device_state("eth1", ct.inside()) == before);
	CHECK(record_count() == 1);

	box.detach_interface("eth1");
	CHECK(device_state(veth.name()) == before);
	CHECK(record_count() == 0);
	/* The container's record directory goes with its last record. */
	CHECK(sh("find " + quote(std::getenv("LXCNET_STATE_DIR")) + " -mindepth 1 -type d").empty());
}

TEST_CASE("hundreds of routes travel, over several sends", "[roundtrip]")
{
	/* More requests than one send carries (32), so the configuration goes back in several. */
	auto &ct = shared_container();
	ScopedVeth veth;
	veth.configure(44);
	sh("seq 1 300 | sed 's|.*|route add fd00:253:&::/64 via fd00:250:44::2 dev " + veth.name() + "|' | ip -6 -batch -");
	const std::string before = full_config(veth.name());
	REQUIRE(std::count(before.begin(), before.end(), '\n') > 300);

	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	CHECK(full_config("eth1", ct.inside()) == before);
	box.detach_interface("eth1");
	CHECK(full_config(veth.name()) == before);
}

TEST_CASE("uncommon address and route shapes travel too", "[roundtrip]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	const std::string dev = veth.name();
	sh("ip link set " + dev + " up");
	sh("ip addr add 10.249.1.1 peer 10.249.1.2/32 dev " + dev);
	sh("ip addr add 10.249.2.1/24 broadcast 10.249.2.127 dev " + dev + " label " + dev + ":b");
	sh("ip -6 addr add fd00:249::1/64 dev " + dev + " nodad noprefixroute");
	sh("ip route add 10.249.9.0/24 via 192.0.2.77 dev " + dev + " onlink");
	sh("ip route add 10.249.10.0/24 dev " + dev + " mtu 1300 src 10.249.2.1 proto static");
	sh("ip route add 10.249.11.0/24 via 10.249.2.9 dev " + dev + " table 4242");
	sh("ip -6 route add fd00:24a::/64 via fe80::9 dev " + dev + " metric 55");
	sh("ip -6 route add fd00:24b::/64 dev " + dev + " table 7");
	const std::string before = full_config(dev);
	INFO(before);
	for (const char *shape : {"peer 10.249.1.2/32", "brd 10.249.2.127", "DEV:b", "nodad", "onlink", "mtu 1300",
				  "src 10.249.2.1", "table 4242", "metric 55", "fd00:24b::/64 table 7"})
		REQUIRE(before.find(shape) != std::string::npos);

	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(dev, "eth1");
	CHECK(full_config("eth1", ct.inside()) == before);
	box.detach_interface("eth1");
	CHECK(full_config(dev) == before);
}

TEST_CASE("a macvlan round trip is identity too", "[roundtrip]")
{
	auto &ct = shared_container();
	ScopedMacvlan mv;
	sh("ip link set " + mv.name() + " mtu 1300 up");
	sh("ip addr add 10.252.7.1/24 dev " + mv.name());
	sh("ip addr add 10.252.8.1/24 dev " + mv.name() + " label " + mv.name() + ":x");
	sh("ip route add 10.253.7.0/24 via 10.252.7.9 dev " + mv.name() + " metric 7");
	const std::string before = device_state(mv.name());

	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(mv.name(), "mv1");
	CHECK(device_state("mv1", ct.inside()) == before);
	CHECK(sh(ct.inside() + "ip -4 addr show dev mv1").find("mv1:x") != std::string::npos);
	box.detach_interface("mv1");
	CHECK(device_state(mv.name()) == before);
}

TEST_CASE("traffic flows across an attached veth", "[roundtrip]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	sh("ip addr add 10.254.9.2/24 dev " + veth.name() + " && ip link set " + veth.name() + " up");
	sh("ip addr add 10.254.9.1/24 dev " + veth.peer() + " && ip link set " + veth.peer() + " up");
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	CHECK_NOTHROW(ct.attach_run("ping -c 1 -W 5 10.254.9.1"));
	box.detach_interface("eth1");
}

TEST_CASE("changes made inside are undone on the way home", "[roundtrip]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	veth.configure(42);
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	sh(ct.inside() + "ip link set eth1 mtu 1280");
	sh(ct.inside() + "ip link set eth1 alias changed-inside");
	sh(ct.inside() + "ip link set eth1 down");
	box.detach_interface("eth1");
	CHECK(device_state(veth.name()) == before);
}

TEST_CASE("an ifalias given inside is removed on the way home if the host had none", "[roundtrip]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	sh("ip addr add 10.254.4.1/24 dev " + veth.name());
	const std::string before = device_state(veth.name());
	REQUIRE(before.find("alias") == std::string::npos);
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	sh(ct.inside() + "ip link set eth1 alias given-inside");
	box.detach_interface("eth1");
	CHECK(device_state(veth.name()) == before);
}

TEST_CASE("a device that was down stays down, and its addresses still travel", "[roundtrip]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	sh("ip addr add 10.254.3.1/24 dev " + veth.name());
	const std::string before = device_state(veth.name());
	REQUIRE(before.find("admin down") != std::string::npos);
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	CHECK(device_state("eth1", ct.inside()) == before);
	box.detach_interface("eth1");
	CHECK(device_state(veth.name()) == before);
}

TEST_CASE("with preservation off lxcnet behaves like liblxc", "[roundtrip]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	veth.configure(43);
	const std::string inner = unique_name("i");
	lxcnet::Options bare;
	bare.preserve = false;
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), inner, bare);
	const std::string inside = device_state(inner, ct.inside());
	CHECK(inside.find("admin down") != std::string::npos);
	CHECK(inside.find("10.250.43.1") == std::string::npos);
	CHECK(inside.find("mtu 1400") != std::string::npos); /* what the kernel itself keeps */
	CHECK(record_count() == 0);

	box.detach_interface(inner, {}, bare); /* no record: back under the container's name */
	CHECK(host_has_link(inner));
	sh("ip link del " + inner);
}
