/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "helpers.hpp"

using namespace lxcnet::test;

TEST_CASE("a stopping container hands a configured veth back, with its peer alive", "[stop]")
{
	ScopedContainer ct(true, stop_hook_config());
	ScopedVeth veth;
	veth.configure(71);
	const std::string before = device_state(veth.name());
	lxcnet::Container(ct.name(), ct.lxcpath()).attach_interface(veth.name(), "eth1");

	ct.stop();
	REQUIRE(host_has_link(veth.name()));
	CHECK(host_has_link(veth.peer()));
	CHECK(device_state(veth.name()) == before);
}

TEST_CASE("on stop, a device whose host name was taken comes back under the fallback name", "[stop]")
{
	ScopedContainer ct(true, stop_hook_config());
	ScopedVeth veth;
	veth.configure(72);
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	const std::string fallback = "lxn" + std::to_string(ct.ifindex_of("eth1"));
	sh("ip link add " + veth.name() + " type veth peer name " + veth.name() + "q");

	ct.stop();
	CHECK(host_has_link(fallback));
	CHECK(host_has_link(veth.peer()));
	CHECK(sh("ip -o addr show dev " + fallback).find("10.250.72.1/24") != std::string::npos);
	(void)run("ip link del " + fallback);
}

TEST_CASE("detach_all returns every attached device of a running container", "[stop]")
{
	auto &ct = shared_container();
	ScopedVeth a, b;
	a.configure(73);
	b.configure(74);
	const std::string before_a = device_state(a.name()), before_b = device_state(b.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(a.name(), "eth1");
	box.attach_interface(b.name(), "eth2");
	auto returned = box.detach_all();
	CHECK(returned.size() == 2);
	CHECK(device_state(a.name()) == before_a);
	CHECK(device_state(b.name()) == before_b);
	CHECK(box.detach_all().empty());
}

TEST_CASE("a device deleted while lent is retired, not a failure of the stop hook or of detach_all", "[stop]")
{
	StateDir state;
	auto &ct = shared_container();
	lxcnet::Container box(ct.name(), ct.lxcpath());
	ScopedVeth kept, doomed_veth, lower;
	kept.configure(75);
	const std::string before = device_state(kept.name());
	ScopedMacvlan doomed_macvlan(lower);
	box.attach_interface(kept.name(), "eth1");
	box.attach_interface(doomed_veth.name(), "eth2");
	box.attach_interface(doomed_macvlan.name(), "eth3");
	/* The veth dies with its peer, the macvlan with its lower device: both vanish from the container. */
	sh("ip link del " + doomed_veth.peer());
	sh("ip link del " + lower.name());
	REQUIRE_FALSE(ct.has_link("eth2"));
	REQUIRE_FALSE(ct.has_link("eth3"));

	SECTION("the stop hook, as LXC runs it")
	{
		const Result hook = run("LXC_NAME=" + quote(ct.name()) + " LXC_NET_NS=/proc/" + std::to_string(ct.init_pid()) +
					    "/ns/net LXC_CONFIG_FILE=" + quote(ct.lxcpath() + "/" + ct.name() + "/config") + " " +
					    cli() + " hook",
					true);
		INFO(hook.out);
		CHECK(hook.status == 0);
		/* Reported, each on its own line, not raised. */
		CHECK(hook.out.find("eth2 -> " + doomed_veth.name() + ": retired") != std::string::npos);
		CHECK(hook.out.find("eth3 -> " + doomed_macvlan.name() + ": retired") != std::string::npos);
		CHECK(hook.out.find("returned eth1 to the host as " + kept.name()) != std::string::npos);
	}
	SECTION("detach_each: what came home and what was retired, together")
	{
		std::vector<lxcnet::DeviceReport> reports;
		expect_ok([&] { reports = box.detach_each(); });
		REQUIRE(reports.size() == 3);
		int returned = 0, retired = 0;
		for (const auto &r : reports) {
			returned += r.action() == lxcnet::Action::returned;
			retired += r.action() == lxcnet::Action::retired;
		}
		CHECK(returned == 1);
		CHECK(retired == 2);
	}
	SECTION("detach_all")
	{
		std::vector<lxcnet::Returned> returned;
		expect_ok([&] { returned = box.detach_all(); });
		REQUIRE(returned.size() == 1);
		CHECK(returned[0].host_name == kept.name());
	}
	CHECK(device_state(kept.name()) == before);
	CHECK(state.files().empty());
}
