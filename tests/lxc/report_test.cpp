/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every detach says where each device went, and what did not come home beside what did. */
#include <lxcnet/report.hpp>

#include "helpers.hpp"

using namespace lxcnet::test;
using lxcnet::Action;
using lxcnet::DeviceState;

TEST_CASE("a nameless detach reports the host name lxcnet chose", "[report]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	veth.configure(106);
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(veth.name(), "eth1");
	const lxcnet::DeviceReport report = box.detach("eth1");
	CHECK(report.action() == Action::returned);
	CHECK(report.host_name() == veth.name());
	CHECK(report.inside_name() == "eth1");
	CHECK(report.container() == ct.name());
	CHECK_FALSE(report.record().empty());
	CHECK(report.error() == 0);
	CHECK(host_has_link(veth.name()));
}

TEST_CASE("detach_each returns what it can and reports the rest, instead of throwing the successes away", "[report]")
{
	StateDir state;
	ScopedContainer ct;
	ScopedVeth home, blocked, deleted;
	home.configure(107);
	const std::string before = device_state(home.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	box.attach_interface(home.name(), "eth1");
	box.attach_interface(blocked.name(), "eth2");
	box.attach_interface(deleted.name(), "eth3");
	sh(ct.inside() + "ip link del eth3");
	/* Something else takes eth2's host name meanwhile. */
	ScopedVeth squatter("q");
	sh("ip link set " + squatter.name() + " name " + blocked.name());

	const auto reports = box.detach_each();
	REQUIRE(reports.size() == 3);
	int seen = 0;
	for (const auto &r : reports) {
		INFO(r.inside_name() << ": " << lxcnet::to_string(r.action()) << ": " << r.message());
		if (r.inside_name() == "eth1") {
			CHECK(r.action() == Action::returned);
			CHECK(r.host_name() == home.name());
			seen |= 1;
		} else if (r.inside_name() == "eth2") {
			CHECK(r.action() == Action::failed);
			CHECK(r.error() == EEXIST);
			seen |= 2;
		} else {
			CHECK(r.action() == Action::retired);
			CHECK(r.state() == DeviceState::gone);
			seen |= 4;
		}
	}
	CHECK(seen == 7);
	CHECK(device_state(home.name()) == before);
	CHECK(ct.has_link("eth2"));
	sh("ip link del " + blocked.name()); /* the squatter, under the name it took */
	const auto again = box.detach_each();
	REQUIRE(again.size() == 1);
	CHECK(again[0].action() == Action::returned);
	CHECK(state.files().empty());
}
