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
