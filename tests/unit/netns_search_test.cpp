/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <catch2/catch.hpp>

#include "netns_search.hpp"

using namespace lxcnet::detail;

TEST_CASE("nsfs mounts are read from mountinfo, optional fields and escaped paths included", "[netns]")
{
	const std::string mountinfo =
		"22 1 0:21 / /proc rw,nosuid shared:5 - proc proc rw\n"
		"600 25 0:4 net:[4026532281] /run/netns/ns1 rw shared:171 - nsfs nsfs rw\n"
		"601 25 0:4 net:[4026532282] /var/run/with\\040space rw - nsfs nsfs rw\n"
		"602 25 0:4 mnt:[4026532283] /run/other rw master:1 shared:2 - nsfs nsfs rw\n"
		"603 25 0:30 / /run/netns rw - tmpfs tmpfs rw\n"
		"broken line\n";
	const auto mounts = nsfs_mounts(mountinfo);
	CHECK(mounts == std::vector<std::string>{"/run/netns/ns1", "/var/run/with space", "/run/other"});
}
