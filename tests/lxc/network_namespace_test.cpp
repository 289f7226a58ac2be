/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "helpers.hpp"

#include <unistd.h>

#include <lxcnet/network_namespace.hpp>

using namespace lxcnet::test;

TEST_CASE("a namespace given by path gets a device and gives it back, configured", "[netns]")
{
	ScopedNetns ns;
	ScopedVeth veth;
	veth.configure(95);
	const std::string before = device_state(veth.name());
	lxcnet::NetworkNamespace target(ns.path(), "test-" + ns.name());

	expect_ok([&] { target.attach_interface(veth.name(), "net1"); });
	CHECK(device_state("net1", ns.inside()) == before);
	auto names = target.interfaces();
	CHECK(std::find(names.begin(), names.end(), "net1") != names.end());
	expect_ok([&] { target.detach_interface("net1"); });
	CHECK(device_state(veth.name()) == before);
}

TEST_CASE("records of a namespace that is gone can be forgotten", "[netns]")
{
	ScopedVeth veth;
	const std::string id = "test-forget-" + veth.name();
	{
		ScopedNetns ns;
		lxcnet::NetworkNamespace(ns.path(), id).attach_interface(veth.name(), "net1");
	}
	/* The namespace died with the veth in it: the kernel destroys both ends, from a workqueue. */
	for (int i = 0; i < 100 && host_has_link(veth.peer()); i++)
		::usleep(50 * 1000);
	CHECK_FALSE(host_has_link(veth.peer()));
	auto forgotten = lxcnet::NetworkNamespace::forget(id);
	REQUIRE(forgotten.size() == 1);
	CHECK(forgotten[0] == veth.name());
	CHECK(lxcnet::NetworkNamespace::forget(id).empty());
}

TEST_CASE("a namespace path that does not exist is a clear error", "[netns]")
{
	lxcnet::NetworkNamespace target("/run/netns/lxnnosuchns", "test-none");
	expect_error([&] { target.attach_interface("lxnnothere0"); }, std::errc::no_such_file_or_directory);
	expect_error([] { lxcnet::NetworkNamespace("/run/netns/x", "a/b"); }, std::errc::invalid_argument);
	/* A file that is not a network namespace is refused before anything moves. */
	lxcnet::NetworkNamespace not_netns("/proc/self/ns/uts", "test-uts");
	expect_error([&] { not_netns.interfaces(); }, std::errc::invalid_argument);
}
