/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <catch2/catch.hpp>

#include "link_state.hpp"

using lxcnet::detail::relabel;

TEST_CASE("an IPv4 label that is the device's name follows the device's new name", "[labels]")
{
	CHECK(relabel("veth7", "veth7", "eth1") == "");
	CHECK(relabel("", "veth7", "eth1") == "");
	CHECK(relabel("veth7:web", "veth7", "eth1") == "eth1:web");
}

TEST_CASE("a label that does not name the device is kept", "[labels]")
{
	CHECK(relabel("other", "veth7", "eth1") == "other");
	CHECK(relabel("veth70", "veth7", "eth1") == "veth70");
}

TEST_CASE("a renamed label that would exceed IFNAMSIZ falls back to the device's name", "[labels]")
{
	CHECK(relabel("a:123456789abc", "a", "abcdefghijklmn") == "");
}
