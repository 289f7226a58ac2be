/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lxcnet-cni under a runtime this project did not write: Debian 12's Podman,
 * its CNI backend, a network whose only plugin is lxcnet-cni with
 * "preserve" on a host veth. The device must show inside under Podman's
 * interface name with its addresses, and come home identical however the
 * container ends: on its own (run --rm), by `podman stop`, by `podman kill`.
 */
#include <catch2/catch.hpp>

#include <chrono>
#include <sstream>
#include <thread>

#include "podman.hpp"

using namespace lxcnet::cni::test;
using lxcnet::test::device_state;

namespace {

/* UP with a carrier, MTU 1400, a fixed MAC, an ifalias, IPv4 and IPv6 addresses and a route through each. */
struct HostDevice {
	ScopedVeth veth{"p"};
	std::string ipv4, ipv6;
	explicit HostDevice(int subnet)
	{
		const std::string n = std::to_string(subnet), dev = veth.name();
		ipv4 = "10.190." + n + ".1/24";
		ipv6 = "fd00:190:" + n + "::1/64";
		sh("ip link set " + dev + " mtu 1400 address 02:00:00:be:" + n + ":01 alias 'podman uplink " + n + "'");
		sh("ip addr add " + ipv4 + " dev " + dev);
		sh("ip addr add " + ipv6 + " dev " + dev + " nodad");
		sh("ip link set " + veth.peer() + " up");
		sh("ip link set " + dev + " up");
		sh("ip route add 10.191." + n + ".0/24 via 10.190." + n + ".2 dev " + dev);
		sh("ip -6 route add fd00:191:" + n + "::/64 via fd00:190:" + n + "::2 dev " + dev);
	}
	const std::string &name() const { return veth.name(); }
};

/* The line of `ip -br addr` for ifname ("eth0@if12 UP 10.0.0.1/24 ..."), or "". */
std::string brief_line(const std::string &out, const std::string &ifname)
{
	std::istringstream lines(out);
	for (std::string line; std::getline(lines, line);)
		if (line.rfind(ifname + " ", 0) == 0 || line.rfind(ifname + "@", 0) == 0)
			return line;
	return {};
}

void check_inside(const std::string &ip_br_addr, const HostDevice &dev)
{
	INFO(ip_br_addr);
	const std::string line = brief_line(ip_br_addr, "eth0");
	REQUIRE_FALSE(line.empty());
	CHECK(line.find(" UP ") != std::string::npos);
	CHECK(line.find(" " + dev.ipv4) != std::string::npos);
	CHECK(line.find(" " + dev.ipv6) != std::string::npos);
	CHECK(brief_line(ip_br_addr, dev.name()).empty());
}

/*
 * Podman's cleanup process may return the device after the command that
 * ended the container did: wait until it is home and its record gone (DEL
 * removes the record last), never a timing assertion.
 */
bool wait_home(const std::string &dev, const StateDir &state)
{
	const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
	while (!device_facts(dev).exists || !state.files().empty()) {
		if (std::chrono::steady_clock::now() > deadline)
			return false;
		std::this_thread::sleep_for(std::chrono::milliseconds(100));
	}
	return true;
}

nlohmann::json plugin(const HostDevice &dev)
{
	return {{"type", "lxcnet-cni"}, {"device", dev.name()}, {"preserve", true}};
}

/* A container left running (`run -d`) on the network: its id, once dev is inside as check_inside expects. */
std::string run_detached(Podman &podman, const HostDevice &dev)
{
	Shell started = podman.run("run -d --network lxk-uplink " + Podman::image + " sleep 1000");
	INFO(started.out);
	REQUIRE(started.status == 0);
	const std::string id = started.out.substr(0, started.out.find('\n'));
	check_inside(podman.sh("exec " + id + " ip -br addr"), dev);
	return id;
}

/* `podman rm` of a container whose device is home again: the device stays as it was, and no record is left. */
void remove_container(Podman &podman, const std::string &id, const HostDevice &dev, const std::string &before,
		      const StateDir &state)
{
	Shell rm = podman.run("rm " + id);
	INFO(rm.out);
	CHECK(rm.status == 0);
	CHECK(device_state(dev.name()) == before);
	CHECK(state.files().empty());
}

} /* namespace */

TEST_CASE("Podman: run shows the device inside under its interface name with its addresses, and it comes home identical",
	  "[cni][runtime][podman]")
{
	StateDir state; /* before Podman: its cleanup process is given this one */
	Podman podman;
	HostDevice dev(1);
	const std::string before = device_state(dev.name());
	podman.network("lxk-uplink", plugin(dev));

	Shell run = podman.run("run --rm --network lxk-uplink " + Podman::image + " ip -br addr");
	INFO(run.out);
	REQUIRE(run.status == 0);
	check_inside(run.out, dev);

	REQUIRE(wait_home(dev.name(), state));
	CHECK(device_state(dev.name()) == before);
	CHECK(state.files().empty());
	CHECK(podman.sh("ps -a -q").empty());
}

TEST_CASE("Podman: run -d, stop and rm hand the device in and back identical", "[cni][runtime][podman]")
{
	StateDir state; /* before Podman: its cleanup process is given this one */
	Podman podman;
	HostDevice dev(2);
	const std::string before = device_state(dev.name());
	podman.network("lxk-uplink", plugin(dev));

	const std::string id = run_detached(podman, dev);
	CHECK_FALSE(device_facts(dev.name()).exists);

	Shell stop = podman.run("stop -t 1 " + id);
	INFO(stop.out);
	CHECK(stop.status == 0);
	REQUIRE(wait_home(dev.name(), state));
	CHECK(device_state(dev.name()) == before);
	remove_container(podman, id, dev, before, state);
}

TEST_CASE("Podman: after kill, Podman's cleanup process returns the device identical", "[cni][runtime][podman]")
{
	StateDir state; /* before Podman: its cleanup process is given this one */
	Podman podman;
	HostDevice dev(3);
	const std::string before = device_state(dev.name());
	podman.network("lxk-uplink", plugin(dev));

	const std::string id = run_detached(podman, dev);

	/* Nothing but conmon's exit command (`podman container cleanup`, its own environment) runs DEL here. */
	Shell kill = podman.run("kill " + id);
	INFO(kill.out);
	CHECK(kill.status == 0);
	REQUIRE(wait_home(dev.name(), state));
	CHECK(device_state(dev.name()) == before);
	remove_container(podman, id, dev, before, state);
}
