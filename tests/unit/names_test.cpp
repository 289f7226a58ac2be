/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <catch2/catch.hpp>

#include <string>

#include "names.hpp"

using lxcnet::detail::container_name_problem;
using lxcnet::detail::ifname_problem;

TEST_CASE("interface names the kernel accepts are accepted", "[names]")
{
	for (const char *name : {"a", "eth0", "veth7", "abcdefghijklmno", "x-y_z.w", "\xc3\xa9t\xc3\xa9", "\xff\xfe"})
		CHECK(ifname_problem(name) == nullptr);
}

TEST_CASE("interface names the kernel refuses, or would rewrite, are refused", "[names]")
{
	using namespace std::string_literals;
	for (const std::string &name : {""s, "abcdefghijklmnop"s, std::string(255, 'a'), "."s, ".."s, "a/b"s, "a:b"s, " x"s,
				       "x\n"s, "a\tb"s, "foo%d"s, "%"s, "a\xa0"s, "a\x7f"s, "a\x01"s})
		CHECK(ifname_problem(name) != nullptr);
}

TEST_CASE("a 15-byte name is the longest accepted", "[names]")
{
	CHECK(ifname_problem(std::string(15, 'a')) == nullptr);
	CHECK(std::string(ifname_problem(std::string(16, 'a'))).find("15 bytes") != std::string::npos);
}

TEST_CASE("container names that would escape the record directory are refused", "[names]")
{
	CHECK(container_name_problem("web1") == nullptr);
	CHECK(container_name_problem("") != nullptr);
	CHECK(container_name_problem(".") != nullptr);
	CHECK(container_name_problem("..") != nullptr);
	CHECK(container_name_problem("a/b") != nullptr);
	CHECK(container_name_problem("../x") != nullptr);
}
