/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * host-device's own acceptance cases (plugins/main/host-device/
 * host-device_test.go), run against lxcnet-cni exactly as a runtime runs a
 * plugin: env + stdin, in namespaces made with `ip netns add`, with veths.
 * As upstream, the plugin runs in a private "original" namespace standing in
 * for the host, and every case runs for every accepted cniVersion.
 */
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace lxcnet::cni::test;
using nlohmann::json;

namespace {

const std::string container_id = "lxk-hostdev-case";

json static_ipam(const std::string &address = "10.10.0.1/24", const std::string &gateway = "10.10.0.254")
{
	return {{"type", "static"}, {"addresses", json::array({{{"address", address}, {"gateway", gateway}}})}};
}

/* host-device's expectInterfaces: the one interface, named as asked, with the host MAC, in the sandbox. */
void expect_interface(const Call &add, const std::string &version, const std::string &name, const std::string &mac,
		      const std::string &sandbox)
{
	INFO(add.show());
	REQUIRE(add.ok());
	REQUIRE(add.json.is_object());
	CHECK(add.json.value("cniVersion", "") == version);
	REQUIRE(add.json.contains("interfaces"));
	REQUIRE(add.json["interfaces"].size() == 1);
	CHECK(add.json["interfaces"][0].value("name", "") == name);
	CHECK(add.json["interfaces"][0].value("mac", "") == mac);
	CHECK(add.json["interfaces"][0].value("sandbox", "") == sandbox);
}

bool has_check(const std::string &version)
{
	return version != "0.3.0" && version != "0.3.1";
}

} /* namespace */

TEST_CASE("host-device case: a valid config without IPAM", "[cni][host-device]")
{
	const std::string version = GENERATE(as<std::string>(), "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
	CAPTURE(version);
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	sh(sb.host.ip() + "link set " + dev.name() + " up");
	const DeviceFacts before = device_facts(dev.name(), sb.host.inside());
	const json conf = config(version, "lxcnet-cni", {{"device", dev.name()}});

	if (version == "1.1.0") {
		Call status = sb.plugin.call("STATUS", "", "", "", conf);
		CHECK(status.ok());
		INFO(status.show());
	}

	Call add = sb.plugin.call("ADD", container_id, sb.target.path(), "eth0", conf);
	expect_interface(add, version, "eth0", before.mac, sb.target.path());

	DeviceFacts inside = device_facts("eth0", sb.target.inside());
	REQUIRE(inside.exists);
	CHECK(inside.mac == before.mac);
	CHECK(inside.up);
	CHECK_FALSE(device_facts(dev.name(), sb.host.inside()).exists);

	Call del = sb.plugin.call("DEL", container_id, sb.target.path(), "eth0", conf);
	INFO(del.show());
	REQUIRE(del.ok());
	CHECK(del.out.empty());
	DeviceFacts after = device_facts(dev.name(), sb.host.inside());
	CHECK(after.exists);
	CHECK(after.mac == before.mac);
	CHECK_FALSE(device_facts("eth0", sb.target.inside()).exists);
	CHECK(sb.state.files().empty());
}

TEST_CASE("host-device case: DEL is idempotent, and fails while the host name is taken", "[cni][host-device]")
{
	const std::string version = GENERATE(as<std::string>(), "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
	/* "Test idempotence of CmdDel with %s config" is the same case with IPAM; static stops at 1.0.0. */
	const bool ipam = GENERATE(false, true);
	if (ipam && version == "1.1.0")
		return;
	CAPTURE(version, ipam);
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	sh(sb.host.ip() + "link set " + dev.name() + " up");
	const DeviceFacts before = device_facts(dev.name(), sb.host.inside());
	json conf = config(version, "lxcnet-cni", {{"device", dev.name()}});
	if (ipam)
		conf["ipam"] = static_ipam();

	Call add = sb.plugin.call("ADD", container_id, sb.target.path(), "eth0", conf);
	expect_interface(add, version, "eth0", before.mac, sb.target.path());
	const json del_conf = with_prev_result(conf, add.json);

	{
		/* Someone takes the host name while the device is away. */
		ScopedVeth conflict(sb.host, "c", dev.name());
		Call del = sb.plugin.call("DEL", container_id, sb.target.path(), "eth0", del_conf);
		INFO(del.show());
		CHECK_FALSE(del.ok());
		REQUIRE(del.json.is_object());
		CHECK(del.json.value("code", 0) == 999);
		CHECK(del.json.value("msg", "").find(dev.name()) != std::string::npos);
		DeviceFacts inside = device_facts("eth0", sb.target.inside());
		CHECK(inside.exists);
		CHECK(inside.up);
		CHECK(inside.mac == before.mac);
		if (ipam)
			CHECK(inside.addresses == std::vector<std::string>{"10.10.0.1/24"});
	}

	Call del = sb.plugin.call("DEL", container_id, sb.target.path(), "eth0", del_conf);
	INFO(del.show());
	REQUIRE(del.ok());
	DeviceFacts back = device_facts(dev.name(), sb.host.inside());
	CHECK(back.exists);
	CHECK(back.mac == before.mac);
	CHECK_FALSE(device_facts("eth0", sb.target.inside()).exists);

	Call again = sb.plugin.call("DEL", container_id, sb.target.path(), "eth0", del_conf);
	INFO(again.show());
	CHECK(again.ok());
	CHECK(device_facts(dev.name(), sb.host.inside()).exists);
	CHECK(sb.state.files().empty());
}

TEST_CASE("host-device case: a valid config with static IPAM", "[cni][host-device]")
{
	const std::string version = GENERATE(as<std::string>(), "0.3.0", "0.3.1", "0.4.0", "1.0.0");
	CAPTURE(version);
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	sh(sb.host.ip() + "link set " + dev.name() + " up");
	const DeviceFacts before = device_facts(dev.name(), sb.host.inside());
	json conf = config(version, "lxcnet-cni", {{"device", dev.name()}, {"ipam", static_ipam()}});
	conf["ipam"]["routes"] = json::array({{{"dst", "10.20.0.0/16"}}});

	Call add = sb.plugin.call("ADD", container_id, sb.target.path(), "eth0", conf);
	expect_interface(add, version, "eth0", before.mac, sb.target.path());
	REQUIRE(add.json["ips"].size() == 1);
	const json ip = add.json["ips"][0];
	CHECK(ip.value("address", "") == "10.10.0.1/24");
	CHECK(ip.value("gateway", "") == "10.10.0.254");
	CHECK(ip.value("interface", -1) == 0);
	/* 0.3.x and 0.4.0 results name the family per IP; 1.0.0 dropped the key. */
	CHECK(ip.contains("version") == (version != "1.0.0"));
	REQUIRE(add.json["routes"].size() == 1);
	CHECK(add.json["routes"][0].value("dst", "") == "10.20.0.0/16");

	DeviceFacts inside = device_facts("eth0", sb.target.inside());
	REQUIRE(inside.exists);
	CHECK(inside.up);
	CHECK(inside.mac == before.mac);
	CHECK(inside.addresses == std::vector<std::string>{"10.10.0.1/24"});
	/* A result route without "gw" goes through the IP's gateway, as the reference plugins route it. */
	CHECK(inside.routes == std::vector<std::string>{"10.20.0.0/16 via 10.10.0.254"});
	CHECK_FALSE(device_facts(dev.name(), sb.host.inside()).exists);

	Call del = sb.plugin.call("DEL", container_id, sb.target.path(), "eth0", with_prev_result(conf, add.json));
	INFO(del.show());
	REQUIRE(del.ok());
	DeviceFacts back = device_facts(dev.name(), sb.host.inside());
	CHECK(back.exists);
	CHECK(back.addresses.empty());
	CHECK(sb.state.files().empty());
}

TEST_CASE("host-device case: an invalid config is rejected with the selectors named", "[cni][host-device]")
{
	const std::string version = GENERATE(as<std::string>(), "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
	CAPTURE(version);
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	const json conf = config(version, "lxcnet-cni", json::object());
	for (const char *command : {"ADD", "DEL"}) {
		Call call = sb.plugin.call(command, container_id, sb.target.path(), "eth0", conf);
		INFO(command << ": " << call.show());
		CHECK(call.status == 1);
		REQUIRE(call.json.is_object());
		CHECK(call.json.value("code", 0) == 7);
		CHECK(call.json.value("msg", "") == "specify either \"device\", \"hwaddr\", \"kernelpath\" or \"pciBusID\"");
		CHECK(call.json.value("cniVersion", "") == version);
	}
	CHECK(device_facts(dev.name(), sb.host.inside()).exists);
	CHECK(sb.state.files().empty());
}

TEST_CASE("host-device case: CHECK after ADD", "[cni][host-device]")
{
	const std::string version = GENERATE(as<std::string>(), "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
	const bool ipam = GENERATE(false, true);
	if (ipam && version == "1.1.0")
		return;
	CAPTURE(version, ipam);
	Sandbox sb;
	ScopedVeth dev(sb.host, "v");
	sh(sb.host.ip() + "link set " + dev.name() + " up");
	json conf = config(version, "lxcnet-cni", {{"device", dev.name()}});
	if (ipam) {
		conf["ipam"] = static_ipam();
		conf["ipam"]["routes"] = json::array({{{"dst", "10.30.0.0/16"}}});
	}

	Call add = sb.plugin.call("ADD", container_id, sb.target.path(), "eth0", conf);
	INFO(add.show());
	REQUIRE(add.ok());
	const json check_conf = with_prev_result(conf, add.json);
	Call check = sb.plugin.call("CHECK", container_id, sb.target.path(), "eth0", check_conf);
	INFO(check.show());
	if (!has_check(version)) {
		/* As libcni's skel: CHECK came with 0.4.0. */
		CHECK(check.status == 1);
		CHECK(check.json.value("code", 0) == 1);
		CHECK(check.json.value("msg", "") == "config version does not allow CHECK");
	} else {
		CHECK(check.ok());
		CHECK(check.out.empty());

		/* CHECK without the previous result is a config error. */
		Call bare = sb.plugin.call("CHECK", container_id, sb.target.path(), "eth0", conf);
		CHECK(bare.json.value("code", 0) == 7);

		if (ipam) {
			sh(sb.target.ip() + "route del 10.30.0.0/16");
			Call no_route = sb.plugin.call("CHECK", container_id, sb.target.path(), "eth0", check_conf);
			CHECK_FALSE(no_route.ok());
			CHECK(no_route.json.value("msg", "").find("10.30.0.0/16") != std::string::npos);
			sh(sb.target.ip() + "addr del 10.10.0.1/24 dev eth0");
			Call no_ip = sb.plugin.call("CHECK", container_id, sb.target.path(), "eth0", check_conf);
			CHECK_FALSE(no_ip.ok());
			CHECK(no_ip.json.value("msg", "").find("10.10.0.1/24") != std::string::npos);
		} else {
			sh(sb.target.ip() + "link set eth0 down");
			Call down = sb.plugin.call("CHECK", container_id, sb.target.path(), "eth0", check_conf);
			CHECK_FALSE(down.ok());
			CHECK(down.json.value("msg", "").find("down") != std::string::npos);
			sh(sb.target.ip() + "link set eth0 up");
			sh(sb.target.ip() + "link set eth0 address 02:00:00:00:00:42");
			Call mac = sb.plugin.call("CHECK", container_id, sb.target.path(), "eth0", check_conf);
			CHECK_FALSE(mac.ok());
			CHECK(mac.json.value("msg", "").find("Mac") != std::string::npos);
		}
	}

	Call del = sb.plugin.call("DEL", container_id, sb.target.path(), "eth0", check_conf);
	INFO(del.show());
	CHECK(del.ok());
	CHECK(device_facts(dev.name(), sb.host.inside()).exists);
	if (has_check(version)) {
		/* After DEL there is nothing to check: the record is gone, so CHECK says so. */
		Call late = sb.plugin.call("CHECK", container_id, sb.target.path(), "eth0", check_conf);
		CHECK_FALSE(late.ok());
	}
}

TEST_CASE("host-device case: the container already has an interface named like the host device", "[cni][host-device]")
{
	const std::string version = GENERATE(as<std::string>(), "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
	CAPTURE(version);
	Sandbox sb;
	/* The private host namespace makes an "eth0" of our own possible, as upstream's originalNS does. */
	ScopedVeth host_eth0(sb.host, "v", "eth0");
	ScopedVeth own_eth0(sb.target, "v", "eth0");
	sh(sb.host.ip() + "link set eth0 up");
	sh(sb.target.ip() + "link set eth0 up");
	const DeviceFacts host_before = device_facts("eth0", sb.host.inside());
	const DeviceFacts own_before = device_facts("eth0", sb.target.inside());
	const json conf = config(version, "lxcnet-cni", {{"device", "eth0"}});

	Call add = sb.plugin.call("ADD", container_id, sb.target.path(), "net1", conf);
	expect_interface(add, version, "net1", host_before.mac, sb.target.path());
	DeviceFacts net1 = device_facts("net1", sb.target.inside());
	CHECK(net1.exists);
	CHECK(net1.up);
	CHECK(net1.mac == host_before.mac);

	Call del = sb.plugin.call("DEL", container_id, sb.target.path(), "net1", with_prev_result(conf, add.json));
	INFO(del.show());
	REQUIRE(del.ok());
	DeviceFacts own_after = device_facts("eth0", sb.target.inside());
	CHECK(own_after.exists);
	CHECK(own_after.up);
	CHECK(own_after.mac == own_before.mac);
	DeviceFacts host_after = device_facts("eth0", sb.host.inside());
	CHECK(host_after.exists);
	CHECK(host_after.mac == host_before.mac);

	SECTION("and ADD under a name the container already uses fails, leaving the device on the host")
	{
		sh(sb.host.ip() + "link set eth0 alias 'uplink 7'");
		sh(sb.host.ip() + "addr add 10.40.0.1/24 dev eth0");
		const DeviceFacts configured = device_facts("eth0", sb.host.inside());
		Call clash = sb.plugin.call("ADD", container_id, sb.target.path(), "eth0", conf);
		INFO(clash.show());
		CHECK(clash.status == 1);
		CHECK(clash.json.value("msg", "").find("already has a device named eth0") != std::string::npos);
		DeviceFacts still = device_facts("eth0", sb.host.inside());
		CHECK(still.ifindex == configured.ifindex);
		CHECK(still.up == configured.up);
		CHECK(still.alias == "uplink 7");
		CHECK(still.addresses == configured.addresses);
		CHECK(sb.state.files().empty());
	}
}
