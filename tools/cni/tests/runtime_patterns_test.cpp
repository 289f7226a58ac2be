/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What runtimes do that a careful caller would not: ADD twice, DEL twice,
 * DEL without an ADD (the spec makes a runtime clean up after every failed
 * ADD), DEL after the namespace's path is gone. Each gets the CNI spec's
 * answer, and no device is left where nobody will look for it.
 */
#include <catch2/catch.hpp>

#include <csignal>

#include <sys/wait.h>
#include <unistd.h>

#include "harness.hpp"

using namespace lxcnet::cni::test;
using lxcnet::test::device_state;
using nlohmann::json;

namespace {

const std::string cid = "lxk-runtime-case";

/* UP, MTU 1400, a fixed MAC, an ifalias, IPv4 and IPv6 addresses and a route through each family. */
void configure(const ScopedNetns &ns, const std::string &dev)
{
	const std::string ip = ns.ip();
	sh(ip + "link set " + dev + " mtu 1400 address 02:00:00:00:c0:01 alias 'runtime uplink'");
	sh(ip + "addr add 10.192.0.1/24 dev " + dev);
	sh(ip + "addr add fd00:192::1/64 dev " + dev + " nodad");
	sh(ip + "link set " + dev + " up");
	sh(ip + "route add 10.193.0.0/24 via 10.192.0.2 dev " + dev);
	sh(ip + "-6 route add fd00:193::/64 via fd00:192::2 dev " + dev);
}

json static_ipam()
{
	return {{"type", "static"}, {"addresses", json::array({{{"address", "10.194.0.1/24"}}})}};
}

/* A process that keeps a namespace alive after its path is unmounted, as a container's init does. */
class Holder {
public:
	explicit Holder(const ScopedNetns &ns)
	{
		pid_ = ::fork();
		if (pid_ == 0) {
			::execlp("ip", "ip", "netns", "exec", ns.name().c_str(), "sleep", "600", static_cast<char *>(nullptr));
			::_exit(127);
		}
		/* ip netns exec has entered the namespace once the child's netns differs from ours. */
		const std::string own = sh("readlink /proc/self/ns/net");
		for (int i = 0; i < 200; i++) {
			if (run("readlink /proc/" + std::to_string(pid_) + "/ns/net").out != own)
				return;
			::usleep(10000);
		}
	}
	~Holder()
	{
		::kill(pid_, SIGKILL);
		(void)::waitpid(pid_, nullptr, 0);
	}
	Holder(const Holder &) = delete;
	Holder &operator=(const Holder &) = delete;

private:
	pid_t pid_ = -1;
};

} /* namespace */

TEST_CASE("runtime: ADD twice is refused without touching the first, and the cleanup DEL brings the device home whole",
	  "[cni][runtime]")
{
	const bool preserve = GENERATE(false, true);
	const bool ipam = GENERATE(false, true);
	CAPTURE(preserve, ipam);
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	configure(sb.host, dev.name());
	const std::string before = device_state(dev.name(), sb.host.inside());
	json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"preserve", preserve}});
	if (ipam)
		conf["ipam"] = static_ipam();

	Call add = sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf);
	INFO(add.show());
	REQUIRE(add.ok());
	const std::string inside = device_state("eth0", sb.target.inside());
	const auto records = sb.state.files();

	Call again = sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf);
	INFO(again.show());
	CHECK(again.status == 1);
	CHECK(again.json.value("code", 0) == 999);
	CHECK(again.json.value("msg", "").find("already set up") != std::string::npos);
	/* The refusal came before the IPAM plugin was asked: the first ADD's address is still the container's. */
	CHECK(device_state("eth0", sb.target.inside()) == inside);
	CHECK(sb.state.files() == records);

	/* The spec makes the runtime DEL after a failed ADD; with the same attachment that is the first ADD's DEL. */
	Call del = sb.plugin.call("DEL", cid, sb.target.path(), "eth0", conf);
	INFO(del.show());
	REQUIRE(del.ok());
	REQUIRE(device_facts(dev.name(), sb.host.inside()).exists);
	if (preserve)
		CHECK(device_state(dev.name(), sb.host.inside()) == before);
	CHECK_FALSE(device_facts("eth0", sb.target.inside()).exists);
	CHECK(sb.state.files().empty());

	/* And the attachment can be made again. */
	Call readd = sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf);
	INFO(readd.show());
	CHECK(readd.ok());
	CHECK(sb.plugin.call("DEL", cid, sb.target.path(), "eth0", conf).ok());
	REQUIRE(device_facts(dev.name(), sb.host.inside()).exists);
	if (preserve)
		CHECK(device_state(dev.name(), sb.host.inside()) == before);
}

TEST_CASE("runtime: a second DEL succeeds and changes nothing", "[cni][runtime]")
{
	const bool preserve = GENERATE(false, true);
	const bool ipam = GENERATE(false, true);
	CAPTURE(preserve, ipam);
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	configure(sb.host, dev.name());
	const std::string before = device_state(dev.name(), sb.host.inside());
	json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"preserve", preserve}});
	if (ipam)
		conf["ipam"] = static_ipam();
	Call add = sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf);
	INFO(add.show());
	REQUIRE(add.ok());
	const json del_conf = with_prev_result(conf, add.json);

	REQUIRE(sb.plugin.call("DEL", cid, sb.target.path(), "eth0", del_conf).ok());
	REQUIRE(device_facts(dev.name(), sb.host.inside()).exists);
	const std::string home = device_state(dev.name(), sb.host.inside());
	if (preserve)
		CHECK(home == before);
	for (const std::string &netns : {sb.target.path(), std::string()}) {
		Call again = sb.plugin.call("DEL", cid, netns, "eth0", del_conf);
		INFO(again.show());
		CHECK(again.ok());
		CHECK(again.out.empty()); /* DEL prints nothing on success */
		CHECK(device_state(dev.name(), sb.host.inside()) == home);
	}
	CHECK(sb.state.files().empty());
}

TEST_CASE("runtime: DEL without ADD succeeds and takes nothing, not even a device lent to another attachment", "[cni][runtime]")
{
	const bool preserve = GENERATE(false, true);
	CAPTURE(preserve);
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	configure(sb.host, dev.name());
	const json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"preserve", preserve}});

	/* Never added, the device on the host: nothing moves, whatever CNI_NETNS says. */
	const std::string on_host = device_state(dev.name(), sb.host.inside());
	for (const std::string &netns : {sb.target.path(), std::string(), sb.target.path() + "-gone"}) {
		Call del = sb.plugin.call("DEL", "lxk-never-added", netns, "eth0", conf);
		INFO(del.show());
		CHECK(del.ok());
		CHECK(device_state(dev.name(), sb.host.inside()) == on_host);
	}

	/* Lent to one attachment, a DEL for another (the same config, another container) leaves it where it is. */
	REQUIRE(sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf).ok());
	const std::string inside = device_state("eth0", sb.target.inside());
	const auto records = sb.state.files();
	for (const std::string &other : {std::string("lxk-other-container"), cid}) {
		const std::string ifname = other == cid ? "net1" : "eth0"; /* the same container, another interface */
		Call del = sb.plugin.call("DEL", other, sb.target.path(), ifname, conf);
		INFO(del.show());
		CHECK(del.ok());
		CHECK(device_state("eth0", sb.target.inside()) == inside);
		CHECK_FALSE(device_facts(dev.name(), sb.host.inside()).exists);
		CHECK(sb.state.files() == records);
	}
	REQUIRE(sb.plugin.call("DEL", cid, sb.target.path(), "eth0", conf).ok());
	CHECK(device_facts(dev.name(), sb.host.inside()).exists);
}

TEST_CASE("runtime: DEL after a failed ADD leaves the container's own interface alone", "[cni][runtime]")
{
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	configure(sb.host, dev.name());
	ScopedVeth own(sb.target, "v", "eth0");
	const std::string host_before = device_state(dev.name(), sb.host.inside());
	const std::string own_before = device_state("eth0", sb.target.inside());
	const json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"preserve", true}});

	Call add = sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf);
	INFO(add.show());
	CHECK(add.status == 1);
	Call del = sb.plugin.call("DEL", cid, sb.target.path(), "eth0", conf);
	INFO(del.show());
	CHECK(del.ok());
	CHECK(device_state("eth0", sb.target.inside()) == own_before);
	CHECK(device_state(dev.name(), sb.host.inside()) == host_before);
	CHECK(sb.state.files().empty());
}

TEST_CASE("runtime: DEL after the namespace's path is gone returns the device from the process that still holds it",
	  "[cni][runtime]")
{
	const bool preserve = GENERATE(false, true);
	CAPTURE(preserve);
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	configure(sb.host, dev.name());
	const std::string before = device_state(dev.name(), sb.host.inside());
	const json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"preserve", preserve}});
	REQUIRE(sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf).ok());

	{
		/* The runtime unmounted its path; the container's process still runs in the namespace. */
		Holder holder(sb.target);
		const std::string path = sb.target.path();
		sb.target.remove();
		Call del = sb.plugin.call("DEL", cid, path, "eth0", conf);
		INFO(del.show());
		CHECK(del.ok());
		CHECK(del.err.find("returning " + dev.name()) != std::string::npos);
		REQUIRE(device_facts(dev.name(), sb.host.inside()).exists);
		if (preserve)
			CHECK(device_state(dev.name(), sb.host.inside()) == before);
		CHECK(sb.state.files().empty());
		CHECK(sb.plugin.call("DEL", cid, path, "eth0", conf).ok());
	}
	/* Nothing holds it now: a DEL has nothing left to do and still succeeds. */
	CHECK(sb.plugin.call("DEL", cid, "", "eth0", conf).ok());
	CHECK(device_facts(dev.name(), sb.host.inside()).exists);
}
