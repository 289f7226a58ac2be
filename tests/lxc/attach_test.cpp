/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "helpers.hpp"

#include <lxc/lxccontainer.h>

using namespace lxcnet::test;

TEST_CASE("attach moves a host device into the container and detach brings it back", "[attach]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	lxcnet::Container box(ct.name(), ct.lxcpath());

	expect_ok([&] { box.attach_interface(veth.name()); });
	CHECK_FALSE(host_has_link(veth.name()));
	CHECK(ct.has_link(veth.name()));

	expect_ok([&] { box.detach_interface(veth.name()); });
	CHECK(host_has_link(veth.name()));
	CHECK_FALSE(ct.has_link(veth.name()));
}

TEST_CASE("attach with a destination name renames the device inside", "[attach]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	lxcnet::Container box(ct.name(), ct.lxcpath());

	expect_ok([&] { box.attach_interface(veth.name(), "eth1"); });
	CHECK(ct.has_link("eth1"));
	auto names = box.interfaces();
	CHECK(std::find(names.begin(), names.end(), "eth1") != names.end());
	CHECK(std::find(names.begin(), names.end(), "lo") != names.end());

	SECTION("detach with a destination name uses it on the host")
	{
		const std::string home = unique_name("h");
		expect_ok([&] { box.detach_interface("eth1", home); });
		CHECK(host_has_link(home));
		sh("ip link del " + home);
	}
	SECTION("detach with no name returns the device under the name it had")
	{
		expect_ok([&] { box.detach_interface("eth1"); });
		CHECK(host_has_link(veth.name()));
	}
	CHECK_FALSE(ct.has_link("eth1"));
}

TEST_CASE("both constructors, from an lxc_container and by name, reach the same container", "[attach]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	lxc_container *c = lxc_container_new(ct.name().c_str(), ct.lxcpath().c_str());
	REQUIRE(c != nullptr);
	{
		lxcnet::Container from_pointer(c);
		lxc_container_put(c); /* the Container holds its own reference */
		from_pointer.attach_interface(veth.name(), "eth2");
	}
	CHECK(ct.has_link("eth2"));
	lxcnet::Container by_name(ct.name(), ct.lxcpath());
	by_name.detach_interface("eth2");
	CHECK(host_has_link(veth.name()));
	CHECK(by_name.name() == ct.name());
}

TEST_CASE("a device that does not exist is ENODEV and nothing moves", "[errors]")
{
	auto &ct = shared_container();
	lxcnet::Container box(ct.name(), ct.lxcpath());
	auto what = expect_error([&] { box.attach_interface("lxnnothere0", "eth9"); }, std::errc::no_such_device);
	CHECK(what.find("lxnnothere0") != std::string::npos);
	CHECK(what.find(ct.name()) != std::string::npos);
	expect_error([&] { box.detach_interface("lxnnothere0"); }, std::errc::no_such_device);
}

TEST_CASE("detaching a host device's name that is not in the container is ENODEV", "[errors]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	expect_error([&] { box.detach_interface(veth.name()); }, std::errc::no_such_device);
	CHECK(device_state(veth.name()) == before);
}

TEST_CASE("a destination name already used inside is EEXIST and the device stays home, configured", "[errors]")
{
	auto &ct = shared_container();
	ScopedVeth veth, other;
	veth.configure(31);
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(other.name(), "eth3");
	const std::string before = device_state(veth.name());

	auto what = expect_error([&] { box.attach_interface(veth.name(), "eth3"); }, std::errc::file_exists);
	CHECK(what.find("eth3") != std::string::npos);
	CHECK(device_state(veth.name()) == before);
	box.detach_interface("eth3");
}

TEST_CASE("bad names are EINVAL before anything is touched", "[errors]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	for (const std::string &bad : {std::string(16, 'a'), std::string("a/b"), std::string("a:b"),
				      std::string(" x"), std::string("x\n"), std::string("."), std::string(".."),
				      std::string("eth%d")}) {
		INFO("name: " << bad);
		expect_error([&] { box.attach_interface(veth.name(), bad); }, std::errc::invalid_argument);
		CHECK(host_has_link(veth.name()));
	}
	expect_error([&] { box.attach_interface(""); }, std::errc::invalid_argument);
	CHECK(device_state(veth.name()) == before);
}

TEST_CASE("a created but stopped container is ESRCH and the device stays home", "[errors]")
{
	ScopedContainer stopped(false);
	ScopedVeth veth;
	veth.configure(32);
	const std::string before = device_state(veth.name());
	lxcnet::Container box(stopped.name(), stopped.lxcpath());
	auto what = expect_error([&] { box.attach_interface(veth.name(), "eth1"); }, std::errc::no_such_process);
	CHECK(what.find("not running") != std::string::npos);
	CHECK(device_state(veth.name()) == before);
	expect_error([&] { box.interfaces(); }, std::errc::no_such_process);
}

TEST_CASE("a container that does not exist is ESRCH, a bad container name EINVAL", "[errors]")
{
	lxcnet::Container missing("lxnnosuchct", "/tmp/lxcnet-no-such-path");
	expect_error([&] { missing.attach_interface("lxnnothere0"); }, std::errc::no_such_process);
	expect_error([] { lxcnet::Container("a/b"); }, std::errc::invalid_argument);
	expect_error([] { lxcnet::Container(".."); }, std::errc::invalid_argument);
	expect_error([] { lxcnet::Container(static_cast<lxc_container *>(nullptr)); }, std::errc::invalid_argument);
}

TEST_CASE("the kernel's refusal to move lo or a bridge comes back with its errno", "[errors]")
{
	auto &ct = shared_container();
	lxcnet::Container box(ct.name(), ct.lxcpath());
	const std::string lo_before = device_state("lo");
	auto what = expect_error([&] { box.attach_interface("lo", "lxnlo"); }, std::errc::invalid_argument);
	CHECK(device_state("lo") == lo_before);
	CHECK(what.find("immutable") != std::string::npos); /* the kernel's extended-ack text */

	ScopedBridge bridge;
	expect_error([&] { box.attach_interface(bridge.name()); }, std::errc::invalid_argument);
	CHECK(host_has_link(bridge.name()));
}

TEST_CASE("an altname finds the device, which keeps its real name", "[attach]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	const std::string alt = unique_name("alt");
	sh("ip link property add dev " + veth.name() + " altname " + alt);
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(alt);
	CHECK(ct.has_link(veth.name()));
	box.detach_interface(veth.name());
	CHECK(host_has_link(veth.name()));
}
