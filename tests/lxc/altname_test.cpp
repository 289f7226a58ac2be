/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "helpers.hpp"

using namespace lxcnet::test;

namespace {

/* An altname longer than any ifname, unique because it begins with the device's own unique name. */
std::string long_altname(const ScopedVeth &veth)
{
	const std::string name = veth.name() + "-an-altname-longer-than-fifteen-bytes";
	sh("ip link property add dev " + veth.name() + " altname " + name);
	return name;
}

} /* namespace */

TEST_CASE("a device is found by an altname longer than 15 bytes, on the host and inside", "[altname][newuser]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	veth.configure(121);
	const std::string altname = long_altname(veth);
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());

	SECTION("attach by altname keeps the device's own name; detach by altname brings it home")
	{
		expect_ok([&] { box.attach_interface(altname); });
		CHECK(ct.has_link(veth.name()));
		expect_ok([&] { box.detach_interface(altname); });
		CHECK(device_state(veth.name()) == before);
	}
	SECTION("a destination name stays within 15 bytes")
	{
		const std::string what = expect_error([&] { box.attach_interface(altname, altname); }, std::errc::invalid_argument);
		CHECK(what.find("15 bytes") != std::string::npos);
		CHECK(host_has_link(veth.name()));
	}
	SECTION("a name over the kernel's 127 bytes is a bad name, not a missing device")
	{
		const std::string what = expect_error([&] { box.attach_interface(std::string(128, 'a')); }, std::errc::invalid_argument);
		CHECK(what.find("127 bytes") != std::string::npos);
	}
	SECTION("the command line takes an altname as DEV")
	{
		sh(cli_for(ct) + "add " + quote(altname) + " eth1");
		CHECK(ct.has_link("eth1"));
		sh(cli_for(ct) + "del " + quote(altname));
		CHECK(device_state(veth.name()) == before);
	}
}
