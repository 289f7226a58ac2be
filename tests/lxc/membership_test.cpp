/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A bridge port comes home as a port of the same bridge, with its settings; without its bridge, loose, and the report says so. */
#include <optional>

#include <unistd.h>

#include <lxcnet/recovery.hpp>

#include "helpers.hpp"

using namespace lxcnet::test;
using lxcnet::Action;
using lxcnet::DeviceState;

namespace {

/* A configured veth made a port of bridge, with settings that differ from a new port's defaults. */
void make_port(const ScopedVeth &veth, const std::string &bridge)
{
	sh("ip link set " + bridge + " up");
	sh("ip link set " + veth.name() + " master " + bridge);
	sh("bridge link set dev " + veth.name() + " learning off hairpin on cost 42 priority 7");
}

std::string expected_port(const std::string &bridge)
{
	return "master " + bridge + " priority 7 cost 42 hairpin on guard off root_block off fastleave off learning off flood on";
}

} /* namespace */

TEST_CASE("a bridge port comes home as a port of the same bridge with its settings", "[bridge]")
{
	StateDir state;
	ScopedContainer ct(true, stop_hook_config());
	ScopedBridge bridge;
	ScopedVeth veth;
	veth.configure(190);
	make_port(veth, bridge.name());
	const std::string port = port_state(veth.name());
	REQUIRE(port == expected_port(bridge.name()));
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	/* Inside, its bridge does not exist: the device is a device of its own, configured as it was. */
	CHECK(port_state("eth1", ct.inside()).empty());
	CHECK(device_state("eth1", ct.inside()) == before);

	SECTION("by a detach")
	{
		const lxcnet::DeviceReport report = box.detach("eth1");
		INFO(report.message());
		CHECK(report.action() == Action::returned);
		CHECK(report.message().find("so it is loose") == std::string::npos);
		CHECK(report.lost_master().empty());
	}
	SECTION("by the stop hook")
	{
		ct.stop();
		REQUIRE(host_has_link(veth.name()));
	}
	SECTION("by recover, after it was moved home by hand")
	{
		const std::string stray = unique_name("h");
		sh(ct.inside() + "ip link set eth1 down");
		sh(ct.inside() + "ip link set eth1 name " + stray);
		sh(ct.inside() + "ip link set " + stray + " netns " + std::to_string(::getpid()));
		REQUIRE(port_state(stray).empty());
		const auto done = box.recover();
		REQUIRE(done.size() == 1);
		INFO(done[0].message());
		CHECK(done[0].action() == Action::restored);
		CHECK(done[0].lost_master().empty());
	}
	CHECK(port_state(veth.name()) == port);
	CHECK(device_state(veth.name()) == before);
	CHECK(state.files().empty());
}

TEST_CASE("a port whose bridge was deleted while it was away comes home loose, and the report says so", "[bridge]")
{
	StateDir state;
	auto &ct = shared_container();
	std::optional<ScopedBridge> bridge(std::in_place);
	const std::string bridge_name = bridge->name();
	ScopedVeth veth;
	veth.configure(191);
	make_port(veth, bridge_name);
	REQUIRE(port_state(veth.name()) == expected_port(bridge_name));
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());

	SECTION("by a detach")
	{
		box.attach_interface(veth.name(), "eth1");
		bridge.reset();
		REQUIRE_FALSE(host_has_link(bridge_name));
		const lxcnet::DeviceReport report = box.detach("eth1");
		INFO(report.message());
		CHECK(report.action() == Action::returned);
		CHECK(report.message().find("bridge " + bridge_name) != std::string::npos);
		CHECK(report.message().find("is gone") != std::string::npos);
		CHECK(report.message().find("so it is loose") != std::string::npos);
		CHECK(report.lost_master() == bridge_name);
	}
	SECTION("by a detach, with another bridge made under its name")
	{
		box.attach_interface(veth.name(), "eth1");
		bridge.reset();
		struct Again {
			std::string name;
			~Again() { (void)run("ip link del " + quote(name)); }
		} again{bridge_name};
		sh("ip link add " + bridge_name + " type bridge");
		const lxcnet::DeviceReport report = box.detach("eth1");
		INFO(report.message());
		CHECK(report.message().find(bridge_name + " is now another device") != std::string::npos);
	}
	SECTION("by lxcnet-device del --json")
	{
		box.attach_interface(veth.name(), "eth1");
		bridge.reset();
		const Result del = run(cli_for(ct) + "--json del eth1");
		INFO(del.out);
		CHECK(del.status == 0);
		CHECK(del.out.find("\"lost_master\":\"" + bridge_name + "\"") != std::string::npos);
		CHECK(del.out.find("so it is loose") != std::string::npos);
	}
	SECTION("by detach_each")
	{
		box.attach_interface(veth.name(), "eth1");
		bridge.reset();
		const auto reports = box.detach_each();
		REQUIRE(reports.size() == 1);
		INFO(reports[0].message());
		CHECK(reports[0].action() == Action::returned);
		CHECK(reports[0].message().find("so it is loose") != std::string::npos);
		CHECK(reports[0].lost_master() == bridge_name);
	}
	CHECK(port_state(veth.name()).empty());
	CHECK(device_state(veth.name()) == before);
	CHECK(state.files().empty());
}
