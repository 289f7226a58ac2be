/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a hostile container can make the host do through a detach. Hidden
 * ([.trust]): they fail today and what they expect is a design decision
 * (docs/security.md, "Known limits"). Run them with: stress-tests "[trust]".
 */
#include "stress.hpp"

using namespace lxcnet::stress;

TEST_CASE("a device the container made comes home without the container's addresses and routes", "[.trust]")
{
	ScopedContainer &ct = shared_container(0);
	const std::string inside = unique_name("i"), home = unique_name("j");
	/* Documentation prefixes and a table the host does not use: nothing here can reach real traffic. */
	sh(ct.inside() + "ip link add " + inside + " type veth peer name " + inside + "p");
	sh(ct.inside() + "ip addr add 198.51.100.1/24 dev " + inside);
	sh(ct.inside() + "ip link set " + inside + " up");
	sh(ct.inside() + "ip link set " + inside + "p up");
	sh(ct.inside() + "ip route add 203.0.113.0/24 via 198.51.100.2 dev " + inside + " table 4242");

	lxcnet::Container box(ct.name(), ct.lxcpath());
	std::string what;
	const int r = errno_of([&] { box.detach_interface(inside, home); }, &what);
	INFO(errno_text(r) << " " << what);
	const std::string table = run("ip route show table 4242").out;
	const std::string addresses = run("ip -o addr show dev " + home).out;
	(void)run("ip link del " + home);
	(void)run(ct.inside() + "ip link del " + inside);
	CHECK(table.find("203.0.113.0/24") == std::string::npos);
	CHECK(addresses.find("198.51.100.1") == std::string::npos);
}

TEST_CASE("a device forged inside in place of an attached one is not taken home as it", "[.trust]")
{
	ScopedContainer &ct = shared_container(0);
	ScopedVeth veth("y");
	veth.configure(70);
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	const int index = ct.ifindex_of("eth1");
	const std::string evil = unique_name("z");
	/* Same name, ifindex and MAC: everything lxcnet identifies the device by, and its peer stays inside. */
	sh(ct.inside() + "ip link del eth1");
	sh(ct.inside() + "ip link add eth1 index " + std::to_string(index) + " address " + veth.mac() + " type veth peer name " + evil);

	std::string what;
	const int r = errno_of([&] { box.detach_interface("eth1"); }, &what);
	INFO(errno_text(r) << " " << what);
	const bool taken = host_has_link(veth.name());
	(void)run("ip link del " + veth.name());
	(void)run(ct.inside() + "ip link del " + evil);
	CHECK(r != 0);
	CHECK_FALSE(taken);
	for (const auto &rec : read_records(ct.record_dir()))
		(void)run("rm -f " + quote(ct.record_dir() + "/" + rec.file));
}
