/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>

#include "names.hpp"
#include "printable.hpp"

using lxcnet::detail::container_name_problem;
using lxcnet::detail::ifname_problem;
using lxcnet::detail::lookup_name_problem;
using lxcnet::detail::move_names_problem;
using lxcnet::detail::new_ifname_problem;
using lxcnet::detail::printable;

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

TEST_CASE("a device to move may be named by an altname of up to 127 bytes, a new name by 15 at most", "[names][newuser]")
{
	CHECK(lookup_name_problem(std::string(127, 'a')) == nullptr);
	CHECK(std::string(lookup_name_problem(std::string(128, 'a'))).find("127 bytes") != std::string::npos);
	CHECK(lookup_name_problem("") != nullptr);
	CHECK(lookup_name_problem(std::string(20, 'a') + "/b") != nullptr);
	CHECK(move_names_problem(std::string(127, 'a'), "") == nullptr);
	CHECK(move_names_problem(std::string(127, 'a'), "eth1") == nullptr);
	CHECK(std::string(move_names_problem("veth7", std::string(16, 'a'))).find("15 bytes") != std::string::npos);
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

TEST_CASE("a name lxcnet gives is UTF-8 text", "[names]")
{
	using namespace std::string_literals;
	for (const std::string &name : {"eth1"s, "x-y_z.w"s,
				       "\xc3\xa9t\xc3\xa9"s,	     /* été */
				       "\xc2\xa1"s,		     /* U+00A1, the first after C1 */
				       "\xdf\xbf"s,		     /* U+07FF, the last of two bytes */
				       "\xe0\xa4\x80"s,	     /* U+0900 */
				       "\xed\x9f\xbf"s,	     /* U+D7FF, just below the surrogates */
				       "\xee\x80\x80"s,	     /* U+E000, just above them */
				       "\xef\xbf\xbd"s,	     /* U+FFFD */
				       "\xf0\x9f\x90\xa7"s,	     /* U+1F427 */
				       "\xf4\x8f\xbf\xbf"s}) { /* U+10FFFF, the last */
		INFO(printable(name));
		CHECK(ifname_problem(name) == nullptr);
		CHECK(new_ifname_problem(name) == nullptr);
	}
}

TEST_CASE("a name lxcnet gives may not be invalid UTF-8 or hold a control character", "[names]")
{
	using namespace std::string_literals;
	struct Bad {
		std::string name;
		const char *problem;
	};
	for (const Bad &bad : std::initializer_list<Bad>{
		     {"a\x01"s, "control"}, {"a\x1f"s, "control"}, {"a\x7f"s, "control"}, {"a\0b"s, "control"},
		     {"a\xc2\x80"s, "C1"},		/* U+0080, the first C1 */
		     {"a\xc2\x85"s, "C1"},		/* NEL */
		     {"a\xc2\x9b"s, "C1"},		/* CSI: a terminal escape in one character */
		     {"a\xc2\x9f"s, "C1"},		/* U+009F, the last */
		     {"\xff\xfe"s, "UTF-8"},		/* bytes no UTF-8 has */
		     {"a\x80"s, "UTF-8"},		/* a lone continuation byte */
		     {"\xc0\xaf"s, "UTF-8"},		/* overlong '/' */
		     {"\xc1\xbf"s, "UTF-8"},		/* overlong DEL */
		     {"\xe0\x80\xaf"s, "UTF-8"},	/* overlong '/' in three bytes */
		     {"\xe0\x82\x85"s, "UTF-8"},	/* overlong NEL */
		     {"\xf0\x80\x80\xaf"s, "UTF-8"}, /* overlong '/' in four bytes */
		     {"\xed\xae\x80"s, "UTF-8"},	/* U+DB80, a surrogate (U+D800 holds 0xa0, a space to the kernel) */
		     {"\xed\xbf\xbf"s, "UTF-8"},	/* U+DFFF */
		     {"\xf4\x90\x80\x80"s, "UTF-8"}, /* U+110000, beyond Unicode */
		     {"\xf5\x80\x80\x80"s, "UTF-8"},
		     {"a\xc3"s, "ends inside"},		/* truncated */
		     {"a\xe2\x82"s, "ends inside"},
		     {"a\xf0\x9f\x90"s, "ends inside"},
		     {"\xe2\x82x"s, "UTF-8"},		/* a continuation byte missing mid-name */
	     }) {
		INFO(printable(bad.name));
		const char *problem = new_ifname_problem(bad.name);
		REQUIRE(problem != nullptr);
		CHECK(std::string(problem).find(bad.problem) != std::string::npos);
		/* The destination is held to it; the device looked up is not. */
		CHECK(move_names_problem("veth7", bad.name) != nullptr);
	}
}

TEST_CASE("an existing device may have any name the kernel allows", "[names]")
{
	for (const char *dev : {"\xff\xfe", "a\xc2\x85", "\xc0\xaf", "a\xc3"}) {
		INFO(printable(dev));
		CHECK(ifname_problem(dev) == nullptr);
		CHECK(move_names_problem(dev, "") == nullptr);
		CHECK(move_names_problem(dev, "eth1") == nullptr);
	}
}

TEST_CASE("printable() escapes every byte that is not printable ASCII", "[names]")
{
	using namespace std::string_literals;
	CHECK(printable("veth7 -> web1:eth1") == "veth7 -> web1:eth1");
	CHECK(printable(" ~") == " ~");
	CHECK(printable("a\nb\x1b[2Jc\x7f") == "a\\x0ab\\x1b[2Jc\\x7f");
	CHECK(printable("\0"s) == "\\x00");
	CHECK(printable("\xc3\xa9\xc2\x9b\xff") == "\\xc3\\xa9\\xc2\\x9b\\xff");
	/* Messages that quote messages are escaped again: that must change nothing. */
	const std::string once = printable("a\\b\xc2\x85\n");
	CHECK(printable(once) == once);
}
