/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Devices named in a container's config go in as LXC starts it and come home as LXC stops it. */
#include "helpers.hpp"

using namespace lxcnet::test;

namespace {

/* The hook lines a user writes, with lxc.hook.version as given (0 is LXC's default). */
std::string hook_config(const std::string &devices, int version)
{
	return "lxc.hook.version = " + std::to_string(version) + "\nlxc.hook.start-host = " + cli() + " hook attach " + devices +
	       "\nlxc.hook.stop = " + cli() + " hook";
}

} /* namespace */

TEST_CASE("devices declared in the config are inside after lxc-start, configured, and home after lxc-stop, identical", "[starthook]")
{
	const int version = GENERATE(0, 1);
	CAPTURE(version);
	StateDir state;
	ScopedVeth renamed, kept;
	renamed.configure(109);
	kept.configure(110);
	const std::string before_renamed = device_state(renamed.name()), before_kept = device_state(kept.name());
	ScopedContainer ct(false, hook_config(renamed.name() + ":eth1 " + kept.name(), version));
	ct.start();

	REQUIRE(ct.has_link("eth1"));
	REQUIRE(ct.has_link(kept.name()));
	CHECK_FALSE(host_has_link(renamed.name()));
	CHECK(device_state("eth1", ct.inside()) == replace_all(before_renamed, renamed.name(), "eth1"));
	CHECK(device_state(kept.name(), ct.inside()) == before_kept);

	ct.stop();
	CHECK(device_state(renamed.name()) == before_renamed);
	CHECK(device_state(kept.name()) == before_kept);
	CHECK(state.files().empty());
}

TEST_CASE("a device that cannot be attached fails lxc-start, and nothing moves", "[starthook]")
{
	StateDir state;
	ScopedVeth present;
	present.configure(111);
	const std::string before = device_state(present.name());
	const std::string missing = unique_name("g");
	ScopedContainer ct(false, hook_config(present.name() + ":eth1 " + missing + ":eth2", 1));
	const auto started = run("lxc-start -P " + quote(ct.lxcpath()) + " -n " + quote(ct.name()) + " -o /dev/stdout -l DEBUG", true);
	INFO(started.out);
	CHECK(started.status != 0);
	CHECK_FALSE(ct.running());
	/* LXC keeps the hook's one line in its log. */
	CHECK(started.out.find("no network device named " + missing) != std::string::npos);
	CHECK(device_state(present.name()) == before);
	CHECK(state.files().empty());
}
