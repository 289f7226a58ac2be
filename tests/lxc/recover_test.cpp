/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Recovery after the teardown never ran: every test has a state directory
 * of its own, so that recover() sees its records and no other test's.
 */
#include <atomic>
#include <csignal>
#include <thread>

#include <unistd.h>

#include <lxcnet/network_namespace.hpp>
#include <lxcnet/recovery.hpp>

#include "helpers.hpp"

using namespace lxcnet::test;
using lxcnet::DeviceState;
using lxcnet::Action;

namespace {

/* Keeps a namespace alive after its container is gone, as a stray mount does: `ip netns attach`. */
class HeldByMount {
public:
	explicit HeldByMount(int pid) : name_(unique_name("m")) { sh("ip netns attach " + name_ + " " + std::to_string(pid)); }
	~HeldByMount() { (void)run("ip netns delete " + name_); }
	HeldByMount(const HeldByMount &) = delete;
	HeldByMount &operator=(const HeldByMount &) = delete;
	std::string path() const { return "/run/netns/" + name_; }

private:
	std::string name_;
};

/* Keeps a namespace alive as a stray process does: a sleep in it. */
class HeldByProcess {
public:
	explicit HeldByProcess(int pid)
	{
		std::string out = sh("nsenter --net=/proc/" + std::to_string(pid) + "/ns/net sleep 600 >/dev/null 2>&1 & echo $!");
		pid_ = std::stoi(out);
	}
	~HeldByProcess() { ::kill(pid_, SIGKILL); }
	HeldByProcess(const HeldByProcess &) = delete;
	HeldByProcess &operator=(const HeldByProcess &) = delete;

private:
	int pid_ = 0;
};

std::string describe(const std::vector<lxcnet::DeviceReport> &statuses)
{
	std::string text;
	for (const auto &s : statuses)
		text += s.container() + ": " + s.inside_name() + " -> " + s.host_name() + ": " + lxcnet::to_string(s.state()) + ", " +
			lxcnet::to_string(s.action()) + " (" + std::to_string(s.error()) + "): " + s.message() + "\n";
	return text;
}

} /* namespace */

TEST_CASE("recover returns a device from the namespace a killed container left held", "[recover]")
{
	StateDir state;
	ScopedContainer ct;
	ScopedVeth veth;
	veth.configure(100);
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");

	auto recover_after_kill = [&] {
		ct.kill(); /* no stop hook in this container's config */
		REQUIRE_FALSE(host_has_link(veth.name()));
		const auto listed = lxcnet::list_records();
		INFO(describe(listed));
		REQUIRE(listed.size() == 1);
		CHECK(listed[0].state() == DeviceState::orphaned);
		CHECK(listed[0].action() == Action::none);

		const auto done = lxcnet::recover();
		INFO(describe(done));
		REQUIRE(done.size() == 1);
		CHECK(done[0].action() == Action::returned);
		CHECK(done[0].host_name() == veth.name());
		CHECK(done[0].container() == ct.name());
		CHECK(device_state(veth.name()) == before);
		CHECK(state.files().empty());
		CHECK(lxcnet::recover().empty()); /* idempotent: nothing left to do */
	};
	SECTION("held by a bind mount")
	{
		HeldByMount held(ct.init_pid());
		recover_after_kill();
	}
	SECTION("held by a process")
	{
		HeldByProcess held(ct.init_pid());
		recover_after_kill();
	}
}

TEST_CASE("recover gives a device moved home by hand its name and configuration back", "[recover]")
{
	StateDir state;
	ScopedContainer ct;
	ScopedVeth veth;
	veth.configure(101);
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");

	const std::string stray = unique_name("h");
	sh(ct.inside() + "ip link set eth1 down");
	sh(ct.inside() + "ip link set eth1 name " + stray);
	sh(ct.inside() + "ip link set " + stray + " netns " + std::to_string(::getpid()));
	REQUIRE(host_has_link(stray));
	REQUIRE_FALSE(host_has_link(veth.name()));

	const auto listed = lxcnet::list_records();
	INFO(describe(listed));
	REQUIRE(listed.size() == 1);
	CHECK(listed[0].state() == DeviceState::home);

	const auto done = box.recover();
	INFO(describe(done));
	REQUIRE(done.size() == 1);
	CHECK(done[0].action() == Action::restored);
	CHECK_FALSE(host_has_link(stray));
	CHECK(device_state(veth.name()) == before);
	CHECK(state.files().empty());
}

TEST_CASE("recover retires the record of a device deleted inside a container since destroyed", "[recover]")
{
	StateDir state;
	{
		ScopedContainer ct;
		ScopedVeth veth;
		lxcnet::Container box(ct.name(), ct.lxcpath());
		box.attach_interface(veth.name(), "eth1");
		sh(ct.inside() + "ip link del eth1");
	}
	const auto listed = lxcnet::list_records();
	INFO(describe(listed));
	REQUIRE(listed.size() == 1);
	CHECK(listed[0].state() == DeviceState::gone);

	const auto done = lxcnet::recover();
	INFO(describe(done));
	REQUIRE(done.size() == 1);
	CHECK(done[0].action() == Action::retired);
	CHECK(lxcnet::list_records().empty());
	CHECK(state.files().empty());
}

TEST_CASE("recover leaves a device in its running container alone, every time", "[recover]")
{
	StateDir state;
	ScopedContainer &ct = shared_container();
	ScopedVeth veth;
	veth.configure(102);
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	for (int round = 0; round < 2; round++) {
		const auto done = lxcnet::recover();
		INFO(describe(done));
		REQUIRE(done.size() == 1);
		CHECK(done[0].state() == DeviceState::attached);
		CHECK(done[0].action() == Action::none);
		CHECK(ct.has_link("eth1"));
	}
	box.detach_interface("eth1");
	CHECK(device_state(veth.name()) == before);
}

TEST_CASE("recover refuses a device that is not the one lent, and keeps its record", "[recover]")
{
	StateDir state;
	ScopedContainer ct;
	ScopedVeth veth;
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	const int index = ct.ifindex_of("eth1");
	const std::string evil = unique_name("e");
	sh(ct.inside() + "ip link del eth1");
	sh(ct.inside() + "ip link add eth1 index " + std::to_string(index) + " address " + veth.mac() + " type veth peer name " + evil);
	const auto files = state.files();

	const auto done = lxcnet::recover();
	INFO(describe(done));
	REQUIRE(done.size() == 1);
	CHECK(done[0].state() == DeviceState::mismatch);
	CHECK(done[0].action() == Action::failed);
	CHECK(done[0].error() == ESTALE);
	CHECK(ct.has_link("eth1"));
	CHECK(state.files() == files);
}

TEST_CASE("recover racing attaches and detaches loses nothing and fails nothing", "[recover]")
{
	StateDir state;
	ScopedContainer &ct = shared_container();
	ScopedVeth veth;
	veth.configure(103);
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	std::atomic<bool> done{false};
	std::string recover_problem;
	int recovers = 0;
	std::thread recoverer([&] {
		while (!done) {
			try {
				for (const auto &s : lxcnet::recover())
					if (s.action() != Action::none && recover_problem.empty())
						recover_problem = describe({s});
			} catch (const lxcnet::Error &e) {
				if (recover_problem.empty())
					recover_problem = e.what();
			}
			recovers++;
		}
	});
	std::string cycle_problem;
	for (int i = 0; i < 20 && cycle_problem.empty(); i++) {
		try {
			box.attach_interface(veth.name(), "eth1");
			box.detach_interface("eth1");
		} catch (const lxcnet::Error &e) {
			cycle_problem = e.what();
		}
	}
	done = true;
	recoverer.join();
	INFO(recovers << " recover runs");
	CHECK(cycle_problem.empty());
	CHECK(recover_problem.empty());
	CHECK(device_state(veth.name()) == before);
	CHECK(state.files().empty());
}

TEST_CASE("a restarted container's stop hook keeps the record of a device its old namespace still holds", "[recover]")
{
	StateDir state;
	ScopedContainer ct;
	ScopedVeth veth;
	veth.configure(104);
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	HeldByMount held(ct.init_pid());
	ct.stop();
	ct.start();

	CHECK(box.detach_all().empty()); /* not this namespace's device: neither returned nor forgotten */
	const auto listed = lxcnet::list_records();
	INFO(describe(listed));
	REQUIRE(listed.size() == 1);
	CHECK(listed[0].state() == DeviceState::orphaned);

	const auto done = box.recover();
	INFO(describe(done));
	REQUIRE(done.size() == 1);
	CHECK(done[0].action() == Action::returned);
	CHECK(device_state(veth.name()) == before);
}

TEST_CASE("recover by namespace id: a device home by hand is restored, one destroyed with its namespace retired", "[recover]")
{
	StateDir state;
	ScopedNetns ns;
	ScopedVeth kept, lost;
	kept.configure(105);
	const std::string before = device_state(kept.name());
	lxcnet::NetworkNamespace target(ns.path(), "recover-id");
	const std::string inside = unique_name("i"); /* it comes home under this name: never one the host may have */
	target.attach_interface(kept.name(), inside);
	target.attach_interface(lost.name(), "eth2");
	sh(ns.ip() + "link set " + inside + " netns " + std::to_string(::getpid()));
	REQUIRE(host_has_link(inside));
	ns.remove(); /* eth2, a veth, dies with it */

	const auto done = lxcnet::NetworkNamespace::recover("recover-id");
	INFO(describe(done));
	REQUIRE(done.size() == 2);
	for (const auto &s : done) {
		if (s.host_name() == kept.name())
			CHECK(s.action() == Action::restored);
		else
			CHECK(s.action() == Action::retired);
	}
	CHECK(device_state(kept.name()) == before);
	CHECK(state.files().empty());
}

TEST_CASE("lxcnet-device list --all and recover: one line per record, exit 1 only for what cannot be put back", "[recover][cli]")
{
	StateDir state;
	ScopedContainer ct;
	ScopedVeth veth, squatted;
	veth.configure(108);
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	box.attach_interface(squatted.name(), "eth2");
	HeldByMount held(ct.init_pid());
	ct.kill();
	/* Something else takes eth2's host name meanwhile: that one cannot come home. */
	ScopedVeth squatter("q");
	sh("ip link set " + squatter.name() + " name " + squatted.name());
	const std::string cli = lxcnet::test::cli() + " ";

	const std::string listed = sh(cli + "list --all");
	INFO(listed);
	CHECK(listed.find(ct.name() + ": eth1 -> " + veth.name() + ": orphaned") != std::string::npos);
	CHECK(listed.find(ct.name() + ": eth2 -> " + squatted.name() + ": orphaned") != std::string::npos);
	const std::string json = sh(cli + "--json list --all");
	CHECK(json.rfind("{\"ok\":true,\"action\":\"list\",\"devices\":[", 0) == 0);
	CHECK(json.find("\"state\":\"orphaned\"") != std::string::npos);

	const auto first = run(cli + "--json recover");
	INFO(first.out);
	CHECK(first.status == 1);
	CHECK(first.out.rfind("{\"ok\":false,\"action\":\"recover\"", 0) == 0);
	CHECK(first.out.find("\"done\":\"returned\"") != std::string::npos);
	CHECK(first.out.find("\"error\":\"EEXIST\"") != std::string::npos);
	CHECK(device_state(veth.name()) == before);

	sh("ip link del " + squatted.name()); /* the squatter, under the name it took */
	const auto second = run(cli + "-n " + ct.name() + " -P " + ct.lxcpath() + " recover", true);
	INFO(second.out);
	CHECK(second.status == 0);
	CHECK(second.out.find(ct.name() + ": eth2 -> " + squatted.name() + ": returned") != std::string::npos);
	const auto third = run(cli + "recover", true);
	CHECK(third.status == 0);
	CHECK(third.out.empty());
	CHECK(state.files().empty());
}

TEST_CASE("lxcnet-device del says where a nameless detach took the device", "[recover][cli]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	sh(cli_for(ct) + "add " + veth.name() + " eth1");
	const std::string line = sh(cli_for(ct) + "del eth1");
	CHECK(line == "eth1 -> " + veth.name() + "\n");
	sh(cli_for(ct) + "add " + veth.name() + " eth1");
	const std::string json = sh(cli_for(ct) + "--json del eth1");
	CHECK(json.find("\"host_name\":\"" + veth.name() + "\"") != std::string::npos);
	CHECK(host_has_link(veth.name()));
}
