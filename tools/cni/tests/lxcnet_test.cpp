/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What lxcnet-cni adds to host-device's behaviour, and the protocol around
 * it: "preserve", DEL after the namespace is gone, rollback of a failed ADD,
 * the selectors, VERSION/STATUS/GC and the spec's error codes.
 */
#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>
#include <cstdlib>

#include "harness.hpp"

using namespace lxcnet::cni::test;
using nlohmann::json;

namespace {

const std::string cid = "lxk-lxcnet-case";

/* UP, MTU 1400, a fixed MAC, an ifalias, IPv4 and IPv6 addresses and a route through each family. */
void configure(const ScopedNetns &ns, const std::string &dev)
{
	const std::string ip = ns.ip();
	sh(ip + "link set " + dev + " mtu 1400 address 02:00:00:00:07:01 alias 'uplink to rack 7'");
	sh(ip + "addr add 10.77.0.1/24 dev " + dev);
	sh(ip + "addr add fd00:77::1/64 dev " + dev + " nodad");
	sh(ip + "link set " + dev + " up");
	sh(ip + "route add 10.78.0.0/24 via 10.77.0.2 dev " + dev);
	sh(ip + "-6 route add fd00:78::/64 via fd00:77::2 dev " + dev);
}

bool contains(const std::vector<std::string> &list, const std::string &item)
{
	return std::find(list.begin(), list.end(), item) != list.end();
}

json find_ip(const json &result, const std::string &address)
{
	for (const auto &ip : result.value("ips", json::array()))
		if (ip.value("address", "") == address)
			return ip;
	return nullptr;
}

/* A fake /sys for the selectors that read it: the machine's only PCI NIC is its uplink, which tests never touch. */
struct FakeSysfs {
	std::string root;
	FakeSysfs()
	{
		char templ[] = "/tmp/lxk-sysfs.XXXXXX";
		if (!::mkdtemp(templ))
			throw std::runtime_error("mkdtemp");
		root = templ;
	}
	~FakeSysfs() { (void)run("rm -rf '" + root + "'"); }
	void mkdir(const std::string &path) const { sh("mkdir -p '" + root + path + "'"); }
	void pci(const std::string &id, const std::string &driver, const std::string &net_subdir, const std::string &dev) const
	{
		mkdir("/bus/pci/drivers/" + driver);
		mkdir("/bus/pci/devices/" + id + net_subdir + "/net/" + dev);
		sh("ln -s ../../drivers/" + driver + " '" + root + "/bus/pci/devices/" + id + "/driver'");
	}
};

} /* namespace */

TEST_CASE("VERSION lists the accepted versions and answers in the one asked", "[cni][protocol]")
{
	Plugin plugin{lxcnet_cni()};
	Call v = plugin.exec({{"CNI_COMMAND", "VERSION"}}, R"({"cniVersion":"0.4.0"})");
	INFO(v.show());
	REQUIRE(v.ok());
	CHECK(v.json["cniVersion"] == "0.4.0");
	CHECK(v.json["supportedVersions"] == json::array({"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"}));
	Call bare = plugin.exec({{"CNI_COMMAND", "VERSION"}}, "");
	CHECK(bare.ok());
	CHECK(bare.json["cniVersion"] == "1.1.0");
	/* Run by hand, without CNI_COMMAND: the reference plugins describe themselves on stderr. */
	Call about = plugin.exec({}, "");
	CHECK(about.ok());
	CHECK(about.err.find("CNI protocol versions supported: [0.3.0 0.3.1 0.4.0 1.0.0 1.1.0]") != std::string::npos);
}

TEST_CASE("protocol errors carry the spec's codes and name what is wrong", "[cni][protocol]")
{
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	const json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}});
	const std::map<std::string, std::string> good = {{"CNI_COMMAND", "ADD"}, {"CNI_CONTAINERID", cid}, {"CNI_NETNS", sb.target.path()},
							 {"CNI_IFNAME", "eth0"}, {"CNI_PATH", debian_cni_dir}};
	auto with = [&](std::map<std::string, std::string> changes) {
		auto env = good;
		for (const auto &[k, v] : changes)
			env[k] = v;
		return env;
	};
	struct Expect {
		const char *what;
		std::map<std::string, std::string> env;
		std::string stdin_data;
		unsigned code;
		std::string in_msg;
	};
	const std::vector<Expect> cases = {
		{"no CNI_NETNS", with({{"CNI_NETNS", ""}}), conf.dump(), 4, "CNI_NETNS"},
		{"no CNI_IFNAME nor CNI_PATH", with({{"CNI_IFNAME", ""}, {"CNI_PATH", ""}}), conf.dump(), 4, "[CNI_IFNAME,CNI_PATH]"},
		{"unknown command", with({{"CNI_COMMAND", "FROB"}}), conf.dump(), 4, "FROB"},
		{"bad container id", with({{"CNI_CONTAINERID", "a/b"}}), conf.dump(), 4, "containerID"},
		{"interface name too long", with({{"CNI_IFNAME", "a-very-long-name0"}}), conf.dump(), 4, "too long"},
		{"interface name with a colon", with({{"CNI_IFNAME", "eth0:1"}}), conf.dump(), 4, "/ or :"},
		{"interface name with a C1 control", with({{"CNI_IFNAME", "eth\xc2\x85"}}), conf.dump(), 4, "C1"},
		{"interface name not UTF-8, shown escaped", with({{"CNI_IFNAME", "eth\xff"}}), conf.dump(), 4, "CNI_IFNAME=eth\\xff"},
		{"netns path that does not exist", with({{"CNI_NETNS", "/run/netns/lxknosuchns"}}), conf.dump(), 4, "does not exist"},
		{"netns path that is not a netns", with({{"CNI_NETNS", "/proc/self/ns/uts"}}), conf.dump(), 4, "not a network namespace"},
		{"the plugin's own netns", with({{"CNI_NETNS", sb.host.path()}}), conf.dump(), 4, "should not be the same"},
		{"stdin not JSON", good, "{nope", 6, "network config"},
		{"no network name", good, config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"name", ""}}).dump(), 7, "network name"},
		{"an old version", good, config("0.2.0", "lxcnet-cni", {{"device", dev.name()}}).dump(), 1, "incompatible CNI versions"},
		{"no version at all (0.1.0)", good, json{{"name", "n"}, {"type", "lxcnet-cni"}, {"device", dev.name()}}.dump(), 1, "incompatible"},
		{"preserve not a boolean", good, config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"preserve", "yes"}}).dump(), 7, "preserve"},
		{"IPAM type with a path", good, config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"ipam", {{"type", "../x"}}}}).dump(), 7, "ipam.type"},
		{"no such device", good, config("1.0.0", "lxcnet-cni", {{"device", "lxknodev0"}}).dump(), 999, "lxknodev0"},
		{"no device with that MAC", good, config("1.0.0", "lxcnet-cni", {{"hwaddr", "02:00:00:00:99:99"}}).dump(), 999, "02:00:00:00:99:99"},
		{"bad MAC", good, config("1.0.0", "lxcnet-cni", {{"hwaddr", "02:00:zz"}}).dump(), 7, "MAC"},
		{"kernelpath outside /sys/devices", good, config("1.0.0", "lxcnet-cni", {{"kernelpath", "/etc"}}).dump(), 7, "/sys/devices/"},
		{"IPAM plugin not in CNI_PATH", good, config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"ipam", {{"type", "lxknoipam"}}}}).dump(), 999, "lxknoipam"},
	};
	for (const auto &c : cases) {
		Call call = sb.plugin.exec(c.env, c.stdin_data);
		INFO(c.what << ": " << call.show());
		CHECK(call.status == 1);
		REQUIRE(call.json.is_object());
		CHECK(call.json.value("code", 0u) == c.code);
		CHECK((call.json.value("msg", "") + " " + call.json.value("details", "")).find(c.in_msg) != std::string::npos);
		CHECK(call.json.contains("cniVersion"));
		/* Whatever failed, the device did not move. */
		CHECK(device_facts(dev.name(), sb.host.inside()).exists);
	}
	CHECK(sb.state.files().empty());
}

TEST_CASE("preserve carries the host's configuration in and restores it on DEL", "[cni][preserve]")
{
	const std::string version = GENERATE(as<std::string>(), "0.3.1", "1.0.0");
	const bool ipam = GENERATE(false, true);
	CAPTURE(version, ipam);
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	configure(sb.host, dev.name());
	const DeviceFacts before = device_facts(dev.name(), sb.host.inside());
	json conf = config(version, "lxcnet-cni", {{"device", dev.name()}, {"preserve", true}});
	if (ipam)
		conf["ipam"] = {{"type", "static"}, {"addresses", json::array({{{"address", "10.10.0.1/24"}, {"gateway", "10.10.0.254"}}})}};

	Call add = sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf);
	INFO(add.show());
	REQUIRE(add.ok());
	DeviceFacts inside = device_facts("eth0", sb.target.inside());
	CHECK(inside.up);
	CHECK(inside.mtu == 1400);
	CHECK(inside.mac == "02:00:00:00:07:01");
	CHECK(inside.alias == "uplink to rack 7");
	CHECK(contains(inside.addresses, "10.77.0.1/24"));
	CHECK(contains(inside.addresses, "fd00:77::1/64"));
	CHECK(contains(inside.routes, "10.78.0.0/24 via 10.77.0.2"));
	CHECK(contains(inside.routes, "fd00:78::/64 via fd00:77::2"));
	CHECK(contains(inside.addresses, "10.10.0.1/24") == ipam);

	/* The runtime learns the carried addresses and routes from the result. */
	CHECK(find_ip(add.json, "10.77.0.1/24").value("interface", -1) == 0);
	CHECK(find_ip(add.json, "fd00:77::1/64").is_object());
	CHECK(find_ip(add.json, "10.10.0.1/24").is_object() == ipam);
	bool route_listed = false;
	for (const auto &r : add.json.value("routes", json::array()))
		route_listed |= r.value("dst", "") == "10.78.0.0/24" && r.value("gw", "") == "10.77.0.2";
	CHECK(route_listed);

	const json prev = with_prev_result(conf, add.json);
	if (version != "0.3.1") {
		Call check = sb.plugin.call("CHECK", cid, sb.target.path(), "eth0", prev);
		INFO(check.show());
		CHECK(check.ok());
	}

	/* The container reconfigures the device; none of it may leak back to the host. */
	sh(sb.target.ip() + "link set eth0 mtu 1300 alias 'container was here'");
	sh(sb.target.ip() + "addr add 192.168.200.1/24 dev eth0");
	Call del = sb.plugin.call("DEL", cid, sb.target.path(), "eth0", prev);
	INFO(del.show());
	REQUIRE(del.ok());
	DeviceFacts after = device_facts(dev.name(), sb.host.inside());
	CHECK(after.exists);
	CHECK(after.up == before.up);
	CHECK(after.mtu == before.mtu);
	CHECK(after.mac == before.mac);
	CHECK(after.alias == before.alias);
	CHECK(after.addresses == before.addresses);
	CHECK(after.routes == before.routes);
	CHECK(sb.state.files().empty());
}

TEST_CASE("without preserve the ifalias is the user's and the move is the kernel's", "[cni][default]")
{
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	configure(sb.host, dev.name());
	const json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}});
	Call add = sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf);
	INFO(add.show());
	REQUIRE(add.ok());
	DeviceFacts inside = device_facts("eth0", sb.target.inside());
	CHECK(inside.up);
	CHECK(inside.alias == "uplink to rack 7");
	CHECK(inside.addresses.empty());
	CHECK(inside.routes.empty());
	CHECK_FALSE(add.json.contains("ips"));
	/* The record lives in the state directory, not on the device: the library's, kept for a bare move too. */
	const std::vector<std::string> files = sb.state.files();
	REQUIRE(files.size() == 1);
	CHECK(files[0].rfind("netns-lxk-test-net:" + cid + ":eth0/" + dev.name() + ".", 0) == 0);
	/* So the administrator's tools see it, under the same state directory. */
	const lxcnet::test::Result listed = lxcnet::test::run("LXCNET_STATE_DIR=" + sb.state.path() + " " + std::getenv("LXCNET_DEVICE") + " list --all");
	CHECK(listed.out.find(dev.name()) != std::string::npos);

	Call del = sb.plugin.call("DEL", cid, sb.target.path(), "eth0", conf);
	INFO(del.show());
	REQUIRE(del.ok());
	DeviceFacts after = device_facts(dev.name(), sb.host.inside());
	CHECK(after.alias == "uplink to rack 7");
	CHECK_FALSE(after.up); /* as host-device: only "preserve" knows and restores the host's state */
	CHECK(after.mtu == 1400);
}

TEST_CASE("DEL after the namespace is gone succeeds and cleans the records", "[cni][del]")
{
	const bool preserve = GENERATE(false, true);
	const bool pass_netns = GENERATE(true, false);
	CAPTURE(preserve, pass_netns);
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	configure(sb.host, dev.name());
	const json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"preserve", preserve}});
	Call add = sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf);
	INFO(add.show());
	REQUIRE(add.ok());
	CHECK_FALSE(sb.state.files().empty());

	sb.target.remove();
	const std::string netns = pass_netns ? sb.target.path() : "";
	Call del = sb.plugin.call("DEL", cid, netns, "eth0", conf);
	INFO(del.show());
	CHECK(del.ok());
	/* A veth dies with its namespace; the log says the device could not come home. */
	CHECK(del.err.find(dev.name()) != std::string::npos);
	CHECK(sb.state.files().empty());
	Call again = sb.plugin.call("DEL", cid, netns, "eth0", conf);
	CHECK(again.ok());
}

TEST_CASE("DEL without CNI_NETNS still returns the device if its namespace is alive", "[cni][del]")
{
	/* CNI_NETNS is optional on DEL: a runtime that lost track of the namespace may leave it out. */
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	const json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}});
	REQUIRE(sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf).ok());
	Call del = sb.plugin.call("DEL", cid, "", "eth0", conf);
	INFO(del.show());
	CHECK(del.ok());
	CHECK(device_facts(dev.name(), sb.host.inside()).exists);
	CHECK_FALSE(device_facts("eth0", sb.target.inside()).exists);
	CHECK(sb.state.files().empty());
}

TEST_CASE("DEL given a path that is not the ADD's namespace returns the device from where that namespace is", "[cni][del]")
{
	const bool preserve = GENERATE(false, true);
	const int wrong = GENERATE(0, 1, 2); /* a directory, a regular file, another live namespace */
	CAPTURE(preserve, wrong);
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	configure(sb.host, dev.name());
	const std::string before = lxcnet::test::device_state(dev.name(), sb.host.inside());
	const json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"preserve", preserve}});
	REQUIRE(sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf).ok());

	ScopedNetns other("o");
	const std::string scratch = sb.state.path() + "/not-a-netns";
	if (wrong == 0)
		sh("mkdir " + quote(scratch));
	else if (wrong == 1)
		sh("touch " + quote(scratch));
	const std::string given = wrong == 2 ? other.path() : scratch;
	Call del = sb.plugin.call("DEL", cid, given, "eth0", conf);
	INFO(del.show());
	CHECK(del.ok());
	REQUIRE(device_facts(dev.name(), sb.host.inside()).exists);
	CHECK_FALSE(device_facts("eth0", sb.target.inside()).exists);
	if (preserve)
		CHECK(lxcnet::test::device_state(dev.name(), sb.host.inside()) == before);
	(void)run("rm -rf " + quote(scratch));
	CHECK(sb.state.files().empty());
	Call again = sb.plugin.call("DEL", cid, given, "eth0", conf);
	CHECK(again.ok());
}

TEST_CASE("ADD and DEL of one attachment at once: each sees the other's record whole, and the device is never stranded", "[cni][del]")
{
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	configure(sb.host, dev.name());
	const std::string before = lxcnet::test::device_state(dev.name(), sb.host.inside());
	const json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"preserve", true}});
	for (int round = 0; round < 8; round++) {
		CAPTURE(round);
		Call add, del;
		std::thread adder([&] { add = sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf); });
		std::thread deleter([&] { del = sb.plugin.call("DEL", cid, sb.target.path(), "eth0", conf); });
		adder.join();
		deleter.join();
		INFO(add.show() << del.show());
		CHECK(del.ok());
		/* An ADD that says its record is kept for DEL has one; one that succeeded has one unless DEL came after. */
		if (add.out.find("kept for DEL") != std::string::npos || add.err.find("kept for DEL") != std::string::npos)
			CHECK_FALSE(sb.state.files().empty());
		REQUIRE(sb.plugin.call("DEL", cid, sb.target.path(), "eth0", conf).ok());
		REQUIRE(device_facts(dev.name(), sb.host.inside()).exists);
		CHECK(lxcnet::test::device_state(dev.name(), sb.host.inside()) == before);
		CHECK_FALSE(device_facts("eth0", sb.target.inside()).exists);
	}
}

TEST_CASE("DEL refuses a device the container forged in place of the lent one", "[cni][del]")
{
	const bool preserve = GENERATE(false, true);
	CAPTURE(preserve);
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	const json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"preserve", preserve}});
	REQUIRE(sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf).ok());
	const DeviceFacts lent = device_facts("eth0", sb.target.inside());
	/* Same name, ifindex and MAC; its peer inside. The lent veth dies with its host peer. */
	sh(sb.target.ip() + "link del eth0");
	sh(sb.target.ip() + "link add eth0 index " + std::to_string(lent.ifindex) + " address " + lent.mac +
	   " type veth peer name forged0");

	Call del = sb.plugin.call("DEL", cid, sb.target.path(), "eth0", conf);
	INFO(del.show());
	CHECK_FALSE(del.ok());
	CHECK(del.json.value("msg", "").find("not the device that was lent") != std::string::npos);
	CHECK_FALSE(device_facts(dev.name(), sb.host.inside()).exists);
	CHECK(device_facts("eth0", sb.target.inside()).exists);
	CHECK_FALSE(sb.state.files().empty());
}

TEST_CASE("DEL finds the device even if the container renamed it, and a new namespace at the path is not touched", "[cni][del]")
{
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	sh(sb.host.ip() + "link set " + dev.name() + " up");
	const json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"preserve", true}});
	Call add = sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf);
	REQUIRE(add.ok());
	sh(sb.target.ip() + "link set eth0 down");
	sh(sb.target.ip() + "link set eth0 name renamed0");
	Call del = sb.plugin.call("DEL", cid, sb.target.path(), "eth0", conf);
	INFO(del.show());
	CHECK(del.ok());
	DeviceFacts back = device_facts(dev.name(), sb.host.inside());
	CHECK(back.exists);
	CHECK(back.up); /* preserve restores the host's state, not the container's */

	/* Same path, another namespace: its eth0 is someone else's. */
	Call add2 = sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf);
	REQUIRE(add2.ok());
	sb.target.recreate();
	ScopedVeth stranger(sb.target, "v", "eth0");
	Call del2 = sb.plugin.call("DEL", cid, sb.target.path(), "eth0", conf);
	INFO(del2.show());
	CHECK(del2.ok());
	CHECK(device_facts("eth0", sb.target.inside()).exists);
	CHECK(sb.state.files().empty());
}

TEST_CASE("a failed ADD returns the device and releases the IPAM allocation", "[cni][rollback]")
{
	const bool preserve = GENERATE(false, true);
	CAPTURE(preserve);
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	configure(sb.host, dev.name());
	const DeviceFacts before = device_facts(dev.name(), sb.host.inside());

	SECTION("the IPAM plugin fails: its error comes back with its code")
	{
		json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"preserve", preserve}});
		conf["ipam"] = {{"type", "static"}, {"addresses", json::array({{{"address", "not-an-address"}}})}};
		Call add = sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf);
		INFO(add.show());
		CHECK(add.status == 1);
		CHECK(add.json.value("details", "").find("IPAM plugin \"static\"") != std::string::npos);
		CHECK(add.json.value("msg", "").find("rolled back") != std::string::npos);
	}
	SECTION("the IPAM result cannot be applied: the route's gateway is not on the link")
	{
		json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"preserve", preserve}});
		conf["ipam"] = {{"type", "static"},
				{"addresses", json::array({{{"address", "10.10.0.1/24"}}})},
				{"routes", json::array({{{"dst", "10.60.0.0/16"}, {"gw", "192.168.250.1"}}})}};
		Call add = sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf);
		INFO(add.show());
		CHECK(add.status == 1);
		CHECK(add.json.value("msg", "").find("10.60.0.0/16") != std::string::npos);
		CHECK(add.json.value("msg", "").find("rolled back") != std::string::npos);
	}
	CHECK_FALSE(device_facts("eth0", sb.target.inside()).exists);
	DeviceFacts after = device_facts(dev.name(), sb.host.inside());
	REQUIRE(after.exists);
	CHECK(after.up == before.up);
	CHECK(after.alias == before.alias);
	if (preserve) {
		CHECK(after.addresses == before.addresses);
		CHECK(after.routes == before.routes);
	}
	CHECK(sb.state.files().empty());
}

TEST_CASE("a second ADD of the same attachment is refused and the first is kept", "[cni][add]")
{
	Sandbox sb;
	ScopedVeth one(sb.host, "v");
	ScopedVeth two(sb.host, "w");
	Call add = sb.plugin.call("ADD", cid, sb.target.path(), "eth0", config("1.0.0", "lxcnet-cni", {{"device", one.name()}}));
	REQUIRE(add.ok());
	Call again = sb.plugin.call("ADD", cid, sb.target.path(), "eth0", config("1.0.0", "lxcnet-cni", {{"device", two.name()}}));
	INFO(again.show());
	CHECK(again.status == 1);
	CHECK(again.json.value("msg", "").find("DEL it") != std::string::npos);
	CHECK(device_facts(two.name(), sb.host.inside()).exists);
	Call del = sb.plugin.call("DEL", cid, sb.target.path(), "eth0", config("1.0.0", "lxcnet-cni", {{"device", one.name()}}));
	CHECK(del.ok());
	CHECK(device_facts(one.name(), sb.host.inside()).exists);
}

TEST_CASE("IPv6 from static IPAM, with a gateway, waits for DAD before routing", "[cni][ipam]")
{
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}});
	conf["ipam"] = {{"type", "static"},
			{"addresses", json::array({{{"address", "fd00:10::5/64"}, {"gateway", "fd00:10::1"}}})},
			{"routes", json::array({{{"dst", "fd00:20::/48"}}})}};
	Call add = sb.plugin.call("ADD", cid, sb.target.path(), "net0", conf);
	INFO(add.show());
	REQUIRE(add.ok());
	DeviceFacts inside = device_facts("net0", sb.target.inside());
	CHECK(inside.addresses == std::vector<std::string>{"fd00:10::5/64"});
	CHECK(inside.routes == std::vector<std::string>{"fd00:20::/48 via fd00:10::1"});
	Call check = sb.plugin.call("CHECK", cid, sb.target.path(), "net0", with_prev_result(conf, add.json));
	INFO(check.show());
	CHECK(check.ok());
	CHECK(sb.plugin.call("DEL", cid, sb.target.path(), "net0", conf).ok());
}

TEST_CASE("a previous result is passed through with this plugin's interface appended", "[cni][add]")
{
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}});
	conf["ipam"] = {{"type", "static"}, {"addresses", json::array({{{"address", "10.10.0.1/24"}}})}};
	conf["prevResult"] = {{"cniVersion", "1.0.0"},
			      {"interfaces", json::array({{{"name", "eth0"}, {"sandbox", sb.target.path()}}})},
			      {"ips", json::array({{{"interface", 0}, {"address", "10.99.0.2/24"}}})}};
	Call add = sb.plugin.call("ADD", cid, sb.target.path(), "net1", conf);
	INFO(add.show());
	REQUIRE(add.ok());
	REQUIRE(add.json["interfaces"].size() == 2);
	CHECK(add.json["interfaces"][1]["name"] == "net1");
	CHECK(find_ip(add.json, "10.99.0.2/24")["interface"] == 0);
	CHECK(find_ip(add.json, "10.10.0.1/24")["interface"] == 1);
	CHECK(sb.plugin.call("DEL", cid, sb.target.path(), "net1", conf).ok());
}

TEST_CASE("host-device's selectors: hwaddr, kernelpath, pciBusID, deviceID, DPDK", "[cni][selectors]")
{
	Sandbox sb;
	FakeSysfs sys;
	sb.plugin.extra_env["LXCNET_CNI_SYSFS"] = sys.root;
	ScopedVeth parent(sb.host, "v");
	/* A macvlan: its own MAC, on a parent that stays on the host. */
	ScopedMacvlan macvlan(parent, "address 02:00:00:00:51:01");
	const std::string &mv = macvlan.name();
	ScopedVeth pci(sb.host, "v");
	ScopedVeth virtio(sb.host, "v");
	ScopedVeth kpath(sb.host, "v");
	ScopedVeth aux(sb.host, "v");
	sys.pci("0000:03:00.0", "e1000e", "", pci.name());
	sys.pci("0000:04:00.0", "virtio-pci", "/virtio7", virtio.name());
	sys.pci("0000:05:00.0", "vfio-pci", "", "unused");
	sys.mkdir("/devices/pci0000:00/0000:00:1f.6/net/" + kpath.name());
	sys.mkdir("/bus/auxiliary/devices/mlx5_core.sf.4/net/" + aux.name());

	struct Case {
		const char *what;
		json keys;
		std::string expect_moved;
	};
	const std::vector<Case> cases = {
		{"hwaddr (macvlan)", {{"hwaddr", "02-00-00-00-51-01"}}, mv},
		{"kernelpath", {{"kernelpath", "/sys/devices/pci0000:00/0000:00:1f.6"}}, kpath.name()},
		{"pciBusID", {{"pciBusID", "0000:03:00.0"}}, pci.name()},
		{"pciBusID of a virtio device", {{"pciBusID", "0000:04:00.0"}}, virtio.name()},
		{"runtimeConfig.deviceID (PCI)", {{"runtimeConfig", {{"deviceID", "0000:03:00.0"}}}}, pci.name()},
		{"runtimeConfig.deviceID (auxiliary)", {{"runtimeConfig", {{"deviceID", "mlx5_core.sf.4"}}}}, aux.name()},
		{"device wins over pciBusID", {{"device", kpath.name()}, {"pciBusID", "0000:03:00.0"}}, kpath.name()},
	};
	for (const auto &c : cases) {
		const json conf = config("1.0.0", "lxcnet-cni", c.keys);
		Call add = sb.plugin.call("ADD", cid, sb.target.path(), "net1", conf);
		INFO(c.what << ": " << add.show());
		REQUIRE(add.ok());
		CHECK_FALSE(device_facts(c.expect_moved, sb.host.inside()).exists);
		CHECK(device_facts("net1", sb.target.inside()).exists);
		Call del = sb.plugin.call("DEL", cid, sb.target.path(), "net1", conf);
		INFO(del.show());
		CHECK(del.ok());
		CHECK(device_facts(c.expect_moved, sb.host.inside()).exists);
	}

	SECTION("a DPDK device (vfio-pci) is not moved; IPAM still runs")
	{
		json conf = config("1.0.0", "lxcnet-cni", {{"pciBusID", "0000:05:00.0"}});
		conf["ipam"] = {{"type", "static"}, {"addresses", json::array({{{"address", "10.10.0.9/24"}}})}};
		Call add = sb.plugin.call("ADD", cid, sb.target.path(), "net1", conf);
		INFO(add.show());
		REQUIRE(add.ok());
		CHECK(find_ip(add.json, "10.10.0.9/24").is_object());
		CHECK_FALSE(add.json["interfaces"][0].contains("mac"));
		CHECK_FALSE(device_facts("net1", sb.target.inside()).exists);
		CHECK(sb.plugin.call("CHECK", cid, sb.target.path(), "net1", with_prev_result(conf, add.json)).ok());
		CHECK(sb.plugin.call("DEL", cid, sb.target.path(), "net1", conf).ok());
		CHECK(sb.state.files().empty());
	}
	SECTION("an unknown deviceID is a config error")
	{
		Call add = sb.plugin.call("ADD", cid, sb.target.path(), "net1",
					  config("1.0.0", "lxcnet-cni", {{"runtimeConfig", {{"deviceID", "0000:99:00.0"}}}}));
		CHECK(add.json.value("code", 0) == 7);
		CHECK(add.json.value("msg", "").find("0000:99:00.0") != std::string::npos);
	}
}

TEST_CASE("in the runtime's own namespace, with a macvlan", "[cni][host]")
{
	/* No private host namespace here: the plugin runs where the test runs, as under a real runtime. */
	StateDir state;
	ScopedNetns target("t");
	ScopedVeth parent("v");
	sh("ip link set " + parent.peer() + " up"); /* a parent with a carrier, as a runtime's uplink has */
	ScopedMacvlan macvlan(parent);
	const std::string &mv = macvlan.name();
	sh("ip link set " + mv + " up alias 'lxk test macvlan'");
	sh("ip addr add 10.79.0.1/24 dev " + mv);
	const DeviceFacts before = device_facts(mv);
	Plugin plugin{lxcnet_cni()};
	const json conf = config("1.0.0", "lxcnet-cni", {{"device", mv}, {"preserve", true}});
	Call add = plugin.call("ADD", cid, target.path(), "eth0", conf);
	INFO(add.show());
	REQUIRE(add.ok());
	CHECK(device_facts("eth0", target.inside()).addresses == std::vector<std::string>{"10.79.0.1/24"});
	Call del = plugin.call("DEL", cid, target.path(), "eth0", conf);
	INFO(del.show());
	REQUIRE(del.ok());
	DeviceFacts after = device_facts(mv);
	CHECK(after.up == before.up);
	CHECK(after.alias == before.alias);
	CHECK(after.addresses == before.addresses);
}

TEST_CASE("STATUS: ready when records can be kept, delegated to IPAM, only from 1.1.0", "[cni][status]")
{
	Sandbox sb;
	const json conf = config("1.1.0", "lxcnet-cni", {{"device", "whatever"}});
	Call ok = sb.plugin.call("STATUS", "", "", "", conf);
	INFO(ok.show());
	CHECK(ok.ok());
	CHECK(ok.out.empty());

	Call old = sb.plugin.call("STATUS", "", "", "", config("1.0.0", "lxcnet-cni", {{"device", "whatever"}}));
	CHECK(old.json.value("code", 0) == 1);

	/* Debian's static plugin (1.1.1) predates STATUS: its refusal is passed on with its own code and words. */
	json with_ipam = conf;
	with_ipam["ipam"] = {{"type", "static"}, {"addresses", json::array({{{"address", "10.10.0.1/24"}}})}};
	Call ipam = sb.plugin.call("STATUS", "", "", "", with_ipam);
	INFO(ipam.show());
	CHECK(ipam.status == 1);
	CHECK(ipam.json.value("code", 0) != 0);
	CHECK(ipam.json.value("details", "").find("IPAM plugin \"static\" (STATUS)") != std::string::npos);

	sh("chmod 0777 " + sb.state.path());
	Call unsafe = sb.plugin.call("STATUS", "", "", "", conf);
	INFO(unsafe.show());
	CHECK(unsafe.json.value("code", 0) == 50);
	sh("chmod 0700 " + sb.state.path());
}

TEST_CASE("GC returns the devices of attachments that are no longer valid, in this network only", "[cni][gc]")
{
	Sandbox sb;
	ScopedNetns other_target("t");
	ScopedVeth keep(sb.host, "v");
	ScopedVeth stale(sb.host, "v");
	ScopedVeth other(sb.host, "v");
	ScopedVeth gone(sb.host, "v");
	ScopedNetns dying("t");
	for (const auto &[dev, id, ns, network] :
	     std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
		     {keep.name(), "lxk-keep", sb.target.path(), "lxk-net-a"},
		     {stale.name(), "lxk-stale", other_target.path(), "lxk-net-a"},
		     {gone.name(), "lxk-gone", dying.path(), "lxk-net-a"},
		     {other.name(), "lxk-other", other_target.path(), "lxk-net-b"}}) {
		json conf = config("1.1.0", "lxcnet-cni", {{"device", dev}, {"name", network}});
		Call add = sb.plugin.call("ADD", id, ns, id == "lxk-other" ? "net9" : "net1", conf);
		INFO(add.show());
		REQUIRE(add.ok());
	}
	dying.remove();

	json gc = config("1.1.0", "lxcnet-cni", {{"name", "lxk-net-a"}});
	gc["cni.dev/valid-attachments"] = json::array({{{"containerID", "lxk-keep"}, {"ifname", "net1"}}});
	Call call = sb.plugin.exec({{"CNI_COMMAND", "GC"}, {"CNI_PATH", debian_cni_dir}}, gc.dump());
	INFO(call.show());
	CHECK(call.ok());
	CHECK(device_facts(stale.name(), sb.host.inside()).exists);
	CHECK(device_facts("net1", sb.target.inside()).exists);
	CHECK(device_facts("net9", other_target.inside()).exists);
	const std::vector<std::string> files = sb.state.files();
	REQUIRE(files.size() == 2);
	CHECK(files[0].rfind("netns-lxk-net-a:lxk-keep:net1/" + keep.name() + ".", 0) == 0);
	CHECK(files[1].rfind("netns-lxk-net-b:lxk-other:net9/" + other.name() + ".", 0) == 0);

	Call old = sb.plugin.exec({{"CNI_COMMAND", "GC"}, {"CNI_PATH", debian_cni_dir}}, config("1.0.0", "lxcnet-cni", json::object()).dump());
	CHECK(old.json.value("code", 0) == 1);

	for (const auto &[id, ns, ifname, network] : std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
		     {"lxk-keep", sb.target.path(), "net1", "lxk-net-a"}, {"lxk-other", other_target.path(), "net9", "lxk-net-b"}})
		CHECK(sb.plugin.call("DEL", id, ns, ifname, config("1.1.0", "lxcnet-cni", {{"device", "x"}, {"name", network}})).ok());
	CHECK(device_facts(keep.name(), sb.host.inside()).exists);
	CHECK(device_facts(other.name(), sb.host.inside()).exists);
}

TEST_CASE("GC leaves an unreadable record alone, says so, and succeeds; DEL of it fails", "[cni][gc]")
{
	Sandbox sb;
	const std::string dir = sb.state.path() + "/netns-lxk-net-a:lxk-junk:net1";
	sh("mkdir -m 0700 '" + dir + "' && echo garbage > '" + dir + "/lxkjunk.7'");
	json gc = config("1.1.0", "lxcnet-cni", {{"name", "lxk-net-a"}});
	gc["cni.dev/valid-attachments"] = json::array();
	Call call = sb.plugin.exec({{"CNI_COMMAND", "GC"}, {"CNI_PATH", debian_cni_dir}}, gc.dump());
	INFO(call.show());
	CHECK(call.ok());
	CHECK(call.err.find("left unreadable record " + dir + "/lxkjunk.7 alone") != std::string::npos);

	Call del = sb.plugin.call("DEL", "lxk-junk", sb.target.path(), "net1", config("1.1.0", "lxcnet-cni", {{"device", "x"}, {"name", "lxk-net-a"}}));
	INFO(del.show());
	CHECK(del.json.value("code", 0) == 5);
	CHECK(sb.state.files() == std::vector<std::string>{"netns-lxk-net-a:lxk-junk:net1/lxkjunk.7"});
}

TEST_CASE("DEL of a device moved home by hand gives it its name and configuration back, as recover does", "[cni][del]")
{
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	configure(sb.host, dev.name());
	const std::string before = lxcnet::test::device_state(dev.name(), sb.host.inside());
	const json conf = config("1.0.0", "lxcnet-cni", {{"device", dev.name()}, {"preserve", true}});
	REQUIRE(sb.plugin.call("ADD", cid, sb.target.path(), "eth0", conf).ok());
	/* Someone brings it back into the runtime's namespace by hand, under a name of their own, unconfigured. */
	const std::string stray = unique_name("s");
	sh(sb.target.ip() + "link set eth0 down");
	sh(sb.target.ip() + "link set eth0 name " + stray);
	sh(sb.target.ip() + "link set " + stray + " netns " + sb.host.name());

	Call del = sb.plugin.call("DEL", cid, sb.target.path(), "eth0", conf);
	INFO(del.show());
	CHECK(del.ok());
	CHECK(del.err.find("restored") != std::string::npos);
	CHECK_FALSE(device_facts(stray, sb.host.inside()).exists);
	CHECK(lxcnet::test::device_state(dev.name(), sb.host.inside()) == before);
	CHECK(sb.state.files().empty());
}
