/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where records live: every container and every host name gets records of its own, found again. */
#include "helpers.hpp"

#include <set>

#include <sys/stat.h>

using namespace lxcnet::test;

TEST_CASE("two containers whose names share their first 200 bytes keep their own records", "[records]")
{
	StateDir state;
	const std::string shared = suite().root + std::string(200 - suite().root.size(), 'r');
	ScopedContainer one(true, stop_hook_config(), shared + unique_name("a"));
	ScopedContainer two(true, stop_hook_config(), shared + unique_name("b"), &one); /* one lxcpath: only the names tell them apart */
	ScopedVeth a, b;
	a.configure(81);
	b.configure(82);
	const std::string before_b = device_state(b.name());
	lxcnet::Container(one.name(), one.lxcpath()).attach_interface(a.name(), "eth1");
	lxcnet::Container(two.name(), two.lxcpath()).attach_interface(b.name(), "eth1");
	std::set<std::string> directories;
	for (const auto &file : state.files())
		directories.insert(file.substr(0, file.find('/')));
	REQUIRE(directories.size() == 2);

	/* The first one's stop hook returns its own device and leaves the other's record alone. */
	one.stop();
	CHECK(host_has_link(a.name()));
	CHECK(two.has_link("eth1"));
	lxcnet::Container(two.name(), two.lxcpath()).detach_interface("eth1");
	REQUIRE(host_has_link(b.name()));
	CHECK(device_state(b.name()) == before_b);
}

TEST_CASE("a host device whose name begins with '.' or holds any allowed punctuation comes home", "[records]")
{
	StateDir state;
	ScopedContainer ct(true, stop_hook_config());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	/* Veths renamed to the names under test; each peer keeps its own name, and takes the device with it when deleted. */
	const std::vector<std::string> names = {".x", "..x", "lxn15bytesname0", "!#$&'()*+,-.;<="};
	std::vector<std::unique_ptr<ScopedVeth>> veths;
	std::vector<std::string> before;
	for (size_t i = 0; i < names.size(); i++) {
		veths.push_back(std::make_unique<ScopedVeth>());
		veths.back()->configure(static_cast<int>(83 + i));
		sh("ip link set " + veths.back()->name() + " down");
		sh("ip link set " + veths.back()->name() + " name " + quote(names[i]));
		sh("ip link set " + quote(names[i]) + " up");
		before.push_back(device_state(names[i]));
	}
	auto cleanup = [&] {
		for (const auto &name : names)
			(void)run("ip link del " + quote(name));
	};
	try {
		SECTION("a nameless detach")
		{
			for (size_t i = 0; i < names.size(); i++)
				box.attach_interface(names[i], "eth" + std::to_string(i + 1));
			for (size_t i = 0; i < names.size(); i++) {
				INFO(names[i]);
				box.detach_interface("eth" + std::to_string(i + 1));
				REQUIRE(host_has_link(names[i]));
				CHECK(device_state(names[i]) == before[i]);
			}
		}
		SECTION("the stop hook")
		{
			for (size_t i = 0; i < names.size(); i++)
				box.attach_interface(names[i], "eth" + std::to_string(i + 1));
			ct.stop();
			for (size_t i = 0; i < names.size(); i++) {
				INFO(names[i]);
				REQUIRE(host_has_link(names[i]));
				CHECK(device_state(names[i]) == before[i]);
			}
		}
		CHECK(ct.record_dir().empty());
	} catch (...) {
		cleanup();
		throw;
	}
	cleanup();
}

TEST_CASE("with a state directory lxcnet cannot trust, what goes in bare comes out bare", "[records]")
{
	StateDir state;
	::chmod(state.path().c_str(), 0777); /* writable by anyone: lxcnet must not read records from it */
	auto &ct = shared_container();
	lxcnet::Container box(ct.name(), ct.lxcpath());
	ScopedVeth veth;
	veth.configure(89);
	const lxcnet::Options bare{false, {}};

	/* A preserving attach needs a record: it fails before anything moves. */
	expect_error([&] { box.attach_interface(veth.name(), "eth1"); }, std::errc::operation_not_permitted);
	CHECK(host_has_link(veth.name()));

	box.attach_interface(veth.name(), "eth1", bare);
	/* A detach that needs the record (no name given) fails before anything moves, too. */
	expect_error([&] { box.detach_interface("eth1", {}, bare); }, std::errc::operation_not_permitted);
	CHECK(ct.has_link("eth1"));
	/* One that needs none goes on without the store. */
	expect_ok([&] { box.detach_interface("eth1", veth.name(), bare); });
	CHECK(host_has_link(veth.name()));
	CHECK_FALSE(ct.has_link("eth1"));
}
