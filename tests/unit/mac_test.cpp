/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <catch2/catch.hpp>

#include "link_state.hpp"

using namespace lxcnet::detail;

TEST_CASE("a MAC text and its bytes convert both ways", "[mac]")
{
	const unsigned char ether[6] = {0x02, 0x00, 0xaa, 0xbb, 0x0c, 0xff};
	CHECK(mac_text(ether, 6) == "02:00:aa:bb:0c:ff");
	unsigned char bytes[max_mac_bytes];
	size_t size = 0;
	REQUIRE(mac_bytes("02:00:AA:bb:0c:FF", bytes, size));
	CHECK(size == 6);
	CHECK(mac_text(bytes, size) == "02:00:aa:bb:0c:ff");
	REQUIRE(mac_bytes("7f", bytes, size)); /* link layers vary in length */
	CHECK(size == 1);
}

TEST_CASE("anything but hex pairs joined by ':' is no MAC", "[mac]")
{
	unsigned char bytes[max_mac_bytes];
	size_t size = 0;
	for (const char *bad : {"", ":", "0", "02:", ":02", "02:0", "02-00", "0g:00", "02::00", "02:00:"})
		CHECK_FALSE(mac_bytes(bad, bytes, size));
	std::string longest;
	for (size_t i = 0; i < max_mac_bytes; i++)
		longest += i ? ":ab" : "ab";
	CHECK(mac_bytes(longest, bytes, size));
	CHECK_FALSE(mac_bytes(longest + ":ab", bytes, size));
}
