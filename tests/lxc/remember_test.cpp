/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <unistd.h>

#include "helpers.hpp"

using namespace lxcnet::test;

TEST_CASE("another process detaches with no name and the device comes home configured", "[record]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	veth.configure(51);
	const std::string before = device_state(veth.name());
	lxcnet::Container(ct.name(), ct.lxcpath()).attach_interface(veth.name(), "eth1");

	sh(cli_for(ct) + "del eth1");
	CHECK(device_state(veth.name()) == before);
}

TEST_CASE("a device renamed inside the container still goes home by identity", "[record]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	veth.configure(52);
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	sh(ct.inside() + "ip link set eth1 name renamed1");

	box.detach_interface("renamed1");
	CHECK(device_state(veth.name()) == before);
}

TEST_CASE("a host name taken on return is EEXIST naming both, and the device stays inside, configured", "[record]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	veth.configure(53);
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	const std::string inside = device_state("eth1", ct.inside());

	sh("ip link add " + veth.name() + " type veth peer name " + veth.name() + "q");
	auto what = expect_error([&] { box.detach_interface("eth1"); }, std::errc::file_exists);
	CHECK(what.find(veth.name()) != std::string::npos);
	CHECK(what.find("eth1") != std::string::npos);
	CHECK(device_state("eth1", ct.inside()) == inside);

	sh("ip link del " + veth.name());
	box.detach_interface("eth1");
	CHECK(device_state(veth.name()) == before);
}

TEST_CASE("a stale record is reported, never applied", "[record]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	veth.configure(54);
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	sh(ct.inside() + "ip link set eth1 address 02:00:00:00:99:99");

	auto what = expect_error([&] { box.detach_interface("eth1"); }, std::error_condition(ESTALE, std::generic_category()));
	CHECK(what.find("MAC") != std::string::npos);
	CHECK(ct.has_link("eth1"));

	/* Naming the host device detaches it anyway, without the stale configuration. */
	box.detach_interface("eth1", veth.name());
	CHECK(host_has_link(veth.name()));
}

TEST_CASE("a garbage record is reported rather than guessed around", "[record]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	std::string file = sh("find " + quote(std::getenv("LXCNET_STATE_DIR")) + " -type f | head -1");
	file.erase(file.find_last_not_of('\n') + 1);
	REQUIRE_FALSE(file.empty());
	sh("printf 'lxcnet-record 1\\ngarbage\\n' > " + quote(file));

	expect_error([&] { box.detach_interface("eth1"); }, std::errc::bad_message);
	CHECK(ct.has_link("eth1"));
	box.detach_interface("eth1", veth.name());
	CHECK(host_has_link(veth.name()));
	sh("rm -f " + quote(file));
}

TEST_CASE("records of a container restarted without the stop hook are retired once their device is gone", "[record]")
{
	ScopedContainer ct; /* no stop hook: the kernel destroys the veth with the old namespace */
	ScopedVeth veth;
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	ct.stop();
	ct.start();
	REQUIRE_FALSE(ct.record_dir().empty());
	/* The kernel destroys a dead namespace's devices, and so the veth's peer, from a workqueue. */
	for (int i = 0; i < 100 && host_has_link(veth.peer()); i++)
		::usleep(50 * 1000);
	REQUIRE_FALSE(host_has_link(veth.peer()));

	CHECK(box.detach_all().empty()); /* nothing to return, and nothing failed */
	CHECK(ct.record_dir().empty());
	CHECK(box.interfaces() == std::vector<std::string>{"lo"});
}
