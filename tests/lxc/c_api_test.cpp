/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "helpers.hpp"

using namespace lxcnet::test;

TEST_CASE("a C program switches with lxcnet_install and keeps calling c->attach_interface", "[c]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	veth.configure(91);
	const char *program = std::getenv("LXCNET_C_SHIM_TEST");
	REQUIRE(program != nullptr);
	auto r = run(std::string(program) + " " + quote(ct.lxcpath()) + " " + quote(ct.name()) + " " + quote(veth.name()), true);
	INFO(r.out);
	CHECK(r.status == 0);
	CHECK(host_has_link(veth.name()));
}

TEST_CASE("a C program gets errno after a failure and can do what the C++ API does", "[c][newuser]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	veth.configure(120);
	ScopedNetns netns;
	/* Two record directories: the program's options name the first, the default ($LXCNET_STATE_DIR) is the second. */
	StateDir chosen;
	StateDir fallback;
	const char *program = std::getenv("LXCNET_C_API_EX_TEST");
	REQUIRE(program != nullptr);
	auto r = run(std::string(program) + " " + quote(ct.lxcpath()) + " " + quote(ct.name()) + " " + quote(veth.name()) + " " +
		     quote(netns.path()) + " " + quote(chosen.path()), true);
	INFO(r.out);
	CHECK(r.status == 0);
	/* Home, and bare: the program's last step detached it after forgetting its record. */
	CHECK(host_has_link(veth.name()));
	CHECK(fallback.files().empty());
}
