/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "helpers.hpp"

using namespace lxcnet::test;

TEST_CASE("lxcnet-device add and del move a device like lxc-device, losing nothing", "[cli]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	veth.configure(81);
	const std::string before = device_state(veth.name());

	sh(cli_for(ct) + "add " + veth.name() + " eth1");
	CHECK(device_state("eth1", ct.inside()) == before);
	SECTION("del with a host name")
	{
		const std::string home = unique_name("h");
		sh(cli_for(ct) + "del eth1 " + home);
		CHECK(host_has_link(home));
		sh("ip link del " + home);
	}
	SECTION("del with no name")
	{
		sh(cli_for(ct) + "del eth1");
		CHECK(device_state(veth.name()) == before);
	}
}

TEST_CASE("lxcnet-device add with no DST keeps the name", "[cli]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	sh(cli_for(ct) + "add " + veth.name());
	CHECK(ct.has_link(veth.name()));
	sh(cli_for(ct) + "del " + veth.name());
	CHECK(host_has_link(veth.name()));
}

TEST_CASE("lxcnet-device list prints the container's links, also as JSON", "[cli]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	sh(cli_for(ct) + "add " + veth.name() + " eth1");
	CHECK(sh(cli_for(ct) + "list").find("eth1\n") != std::string::npos);
	const std::string json = sh(cli_for(ct) + "list --json");
	sh("printf '%s' " + quote(json) + " | python3 -c 'import json,sys; d=json.load(sys.stdin); assert \"eth1\" in d[\"interfaces\"] and \"lo\" in d[\"interfaces\"]'");
	sh(cli_for(ct) + "del eth1");
}

TEST_CASE("lxcnet-device errors are one line naming the cause, with lxc-device's exit codes", "[cli]")
{
	auto &ct = shared_container();
	ScopedVeth veth;

	auto r = run(cli_for(ct) + "add " + veth.name() + " abcdefghijklmnop", true);
	CHECK(r.status == 1);
	CHECK(r.out.find("longer than 15 bytes") != std::string::npos);
	CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
	/* The container named once, by the operation itself. */
	CHECK(r.out.rfind("lxcnet-device: attach " + veth.name() + " -> " + ct.name() + ":", 0) == 0);
	CHECK(r.out.find(ct.name()) == r.out.rfind(ct.name()));

	r = run(cli_for(ct) + "a " + veth.name(), true); /* lxc-device took any prefix of "add" */
	CHECK(r.status == 2);
	r = run(cli_for(ct) + "'' " + veth.name(), true);
	CHECK(r.status == 2);
	r = run(cli() + " add " + veth.name(), true); /* no -n */
	CHECK(r.status == 2);
	CHECK(host_has_link(veth.name()));

	r = run(cli() + " -n lxnnosuchct -P /tmp/lxcnet-no-such-path add " + veth.name(), true);
	CHECK(r.status == 1);
	CHECK(r.out.find("no container named") != std::string::npos);

	sh(cli_for(ct) + "add " + veth.name() + " eth1");
	r = run(cli_for(ct) + "--json add " + veth.name() + " eth1");
	CHECK(r.status == 1);
	sh("printf '%s' " + quote(r.out) + " | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"ok\"] is False and d[\"error\"] == \"ENODEV\" and \"on the host\" in d[\"message\"]'");
	sh(cli_for(ct) + "del eth1");
}

TEST_CASE("lxcnet-device tells an interface from a prefix-named one", "[cli]")
{
	/* lxc-device took "la10" for a network device when "la1" existed. */
	auto &ct = shared_container();
	ScopedVeth veth;
	const std::string longer = veth.name() + "0";
	auto r = run(cli_for(ct) + "add " + longer, true);
	CHECK(r.status == 1);
	CHECK(r.out.find("no network device named " + longer + " on the host") != std::string::npos);
	CHECK(host_has_link(veth.name()));
	CHECK_FALSE(ct.has_link(veth.name()));
}

TEST_CASE("lxcnet-device hands a non-interface DEV to liblxc as a device node", "[cli]")
{
	auto &ct = shared_container();
	auto r = run(cli_for(ct) + "add /dev/loop-control", true);
	INFO(r.out);
	/* CI runs on a machine like this one, which lets liblxc add the node: there the success path must run. */
	if (under_ci())
		REQUIRE(r.status == 0);
	if (r.status == 0) {
		CHECK(sh(cli_for(ct) + "del /dev/loop-control").empty());
	} else {
		/* This machine may refuse device nodes in containers: then the error must say so clearly. */
		CHECK(r.status == 1);
		CHECK(r.out.find("device node /dev/loop-control") != std::string::npos);
	}
}

TEST_CASE("lxcnet-device --help and --version answer", "[cli]")
{
	CHECK(sh(cli() + " --help").find("add DEV [DST]") != std::string::npos);
	CHECK(sh(cli() + " --version").find("lxcnet-device ") == 0);
}

TEST_CASE("lxcnet-device takes lxc-device's log options", "[cli]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	/* One log per spelling, so each command's own options are what made its file. */
	const std::string short_log = ct.lxcpath() + "/cli-short.log", long_log = ct.lxcpath() + "/cli-long.log";
	sh(cli_for(ct) + "-o " + quote(short_log) + " -l DEBUG -q add " + veth.name() + " eth1");
	sh(cli_for(ct) + "--logfile=" + quote(long_log) + " --logpriority=INFO del eth1");
	CHECK(host_has_link(veth.name()));
	CHECK(run("test -f " + quote(short_log)).status == 0);
	CHECK(run("test -f " + quote(long_log)).status == 0);
}
