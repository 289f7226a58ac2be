/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a hostile container can make the host do through a detach: bring
 * home a device of its own as the one it was lent, or carry the addresses
 * and routes it configured onto the host (docs/security.md).
 */
#include "stress.hpp"

using namespace lxcnet::stress;
using lxcnet::test::expect_ok;
using lxcnet::test::Result;
using lxcnet::test::ScopedMacvlan;
using lxcnet::test::StateDir;

namespace {

/* Documentation prefixes and tables the host does not use: nothing here can reach real traffic. */
void configure_inside(const ScopedContainer &ct, const std::string &dev)
{
	sh(ct.inside() + "ip addr add 198.51.100.1/24 dev " + dev);
	sh(ct.inside() + "ip -6 addr add 2001:db8:77::1/64 dev " + dev + " nodad");
	sh(ct.inside() + "ip link set " + dev + " up");
	sh(ct.inside() + "ip link set " + dev + " alias " + quote("set by the container"));
	sh(ct.inside() + "ip route add 203.0.113.0/24 via 198.51.100.2 dev " + dev);
	sh(ct.inside() + "ip route add 192.0.2.0/24 via 198.51.100.2 dev " + dev + " table 4242");
}

std::string host_routes()
{
	return run("ip route show table all").out + run("ip -6 route show table all").out;
}

/* How each front end that follows a record asks for the device: all must refuse a forgery. */
enum class Asker { nameless_detach, detach_all, stop_hook };

std::string asker_name(Asker a)
{
	return a == Asker::nameless_detach ? "nameless detach" : a == Asker::detach_all ? "detach_all" : "stop hook";
}

/* Runs the asker against ct; returns the errno it failed with (0 if it succeeded) and its message. */
int ask(Asker asker, ScopedContainer &ct, std::string &what)
{
	lxcnet::Container box(ct.name(), ct.lxcpath());
	switch (asker) {
	case Asker::nameless_detach:
		return errno_of([&] { box.detach_interface("eth1"); }, &what);
	case Asker::detach_all:
		return errno_of([&] { box.detach_all(); }, &what);
	case Asker::stop_hook: {
		/* As LXC runs it: init's namespace in LXC_NET_NS. */
		const Result hook = run("LXC_NAME=" + quote(ct.name()) + " LXC_NET_NS=/proc/" + std::to_string(ct.init_pid()) +
					    "/ns/net LXC_CONFIG_FILE=" + quote(ct.lxcpath() + "/" + ct.name() + "/config") + " " +
					    quote(std::getenv("LXCNET_DEVICE")) + " hook",
					true);
		what = hook.out;
		return hook.status == 0 ? 0 : ESTALE;
	}
	}
	return 0;
}

/* What became of a forged device when the asker tried to bring the lent one home as host_name. */
struct Asked {
	int errnum = 0;
	std::string what;
	bool taken = false;        /* a device of the lent one's host name is on the host */
	bool still_inside = false; /* the forgery is still in the container as eth1 */
	size_t records = 0;
};

Asked ask_home(Asker asker, ScopedContainer &ct, const std::string &host_name, const StateDir &state)
{
	Asked got;
	got.errnum = ask(asker, ct, got.what);
	got.taken = host_has_link(host_name);
	got.still_inside = ct.has_link("eth1");
	got.records = state.files().size();
	return got;
}

} /* namespace */

TEST_CASE("a device the container made comes home without the container's configuration", "[trust]")
{
	ScopedContainer &ct = shared_container(0);
	const std::string inside = unique_name("i"), home = unique_name("j");
	sh(ct.inside() + "ip link add " + inside + " type veth peer name " + inside + "p");
	sh(ct.inside() + "ip link set " + inside + "p up");
	configure_inside(ct, inside);
	const std::string routes_before = host_routes();

	lxcnet::Container box(ct.name(), ct.lxcpath());
	std::string what;
	const int r = errno_of([&] { box.detach_interface(inside, home); }, &what);
	INFO(errno_text(r) << " " << what);
	const std::string addresses = run("ip -o addr show dev " + home).out;
	const std::string link = run("ip -o link show dev " + home).out;
	const std::string routes_after = host_routes();
	(void)run("ip link del " + home);
	(void)run(ct.inside() + "ip link del " + inside);
	CHECK(r == 0);
	CHECK(addresses.find("198.51.100.1") == std::string::npos);
	CHECK(addresses.find("2001:db8:77::1") == std::string::npos);
	CHECK(link.find("container") == std::string::npos); /* no alias */
	CHECK(link.find("state DOWN") != std::string::npos);
	CHECK(routes_after == routes_before);
}

TEST_CASE("a device moved in by hand and configured inside comes home bare, the host's routes untouched", "[trust]")
{
	ScopedContainer &ct = shared_container(0);
	ScopedVeth veth("h");
	sh("ip link set " + veth.name() + " netns " + std::to_string(ct.init_pid()));
	configure_inside(ct, veth.name());
	const std::string routes_before = host_routes();

	lxcnet::Container box(ct.name(), ct.lxcpath());
	expect_ok([&] { box.detach_interface(veth.name()); });
	REQUIRE(host_has_link(veth.name()));
	const std::string addresses = run("ip -o addr show dev " + veth.name()).out;
	CHECK(addresses.find("198.51.100.1") == std::string::npos);
	CHECK(addresses.find("2001:db8:77::1") == std::string::npos);
	CHECK(run("ip -o link show dev " + veth.name()).out.find("container") == std::string::npos);
	CHECK(host_routes() == routes_before);
}

TEST_CASE("a veth forged inside in place of an attached one is refused by every front end", "[trust]")
{
	const Asker asker = GENERATE(Asker::nameless_detach, Asker::detach_all, Asker::stop_hook);
	CAPTURE(asker_name(asker));
	StateDir state;
	ScopedContainer &ct = shared_container(0);
	ScopedVeth veth("y");
	veth.configure(70);
	lxcnet::Container(ct.name(), ct.lxcpath()).attach_interface(veth.name(), "eth1");
	const int index = ct.ifindex_of("eth1");
	const std::string evil = unique_name("z");
	/* Same name, ifindex and MAC: everything lxcnet identified the device by before. Its peer stays inside. */
	sh(ct.inside() + "ip link del eth1");
	sh(ct.inside() + "ip link add eth1 index " + std::to_string(index) + " address " + veth.mac() + " type veth peer name " + evil);

	const Asked got = ask_home(asker, ct, veth.name(), state);
	INFO(errno_text(got.errnum) << " " << got.what);
	(void)run("ip link del " + veth.name());
	(void)run(ct.inside() + "ip link del " + evil);
	CHECK(got.errnum == ESTALE);
	CHECK(got.what.find("peer") != std::string::npos);
	CHECK_FALSE(got.taken);
	CHECK(got.still_inside);
	CHECK(got.records == 1); /* kept for a human to look at */
}

TEST_CASE("a macvlan replaced inside by a device of the container's is refused", "[trust]")
{
	const Asker asker = GENERATE(Asker::nameless_detach, Asker::detach_all, Asker::stop_hook);
	CAPTURE(asker_name(asker));
	StateDir state;
	ScopedContainer &ct = shared_container(0);
	ScopedVeth lower("l");
	ScopedMacvlan macvlan(lower);
	const std::string name = macvlan.name();
	const std::string mac = sh("cat /sys/class/net/" + name + "/address").substr(0, 17);
	lxcnet::Container(ct.name(), ct.lxcpath()).attach_interface(name, "eth1");
	const int index = ct.ifindex_of("eth1");
	const std::string evil = unique_name("z");
	/* A macvlan of its own, on a lower device of its own, under the lent one's name, ifindex and MAC. */
	sh(ct.inside() + "ip link del eth1");
	sh(ct.inside() + "ip link add " + evil + " type veth peer name " + evil + "p");
	sh(ct.inside() + "ip link add eth1 index " + std::to_string(index) + " link " + evil + " address " + mac +
	   " type macvlan mode bridge");

	const Asked got = ask_home(asker, ct, name, state);
	INFO(errno_text(got.errnum) << " " << got.what);
	(void)run("ip link del " + name);
	(void)run(ct.inside() + "ip link del eth1");
	(void)run(ct.inside() + "ip link del " + evil);
	CHECK(got.errnum == ESTALE);
	CHECK(got.what.find("lower device") != std::string::npos);
	CHECK_FALSE(got.taken);
	CHECK(got.still_inside);
	CHECK(got.records == 1);
}
