/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The address and route reply parsers on arbitrary bytes, laid out as a
 * receive buffer is (a run of netlink messages): they must never read out of
 * bounds, and whatever they accept must survive the way lxcnet uses it:
 * built back into a request, that request reads back as the same value.
 */
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "config_messages.hpp"

using namespace lxcnet::detail;

namespace {

void require(bool ok)
{
	if (!ok)
		std::abort();
}

void address_round_trip(const nlmsghdr *msg, int ifindex)
{
	Address parsed;
	if (!parse_address(msg, ifindex, parsed))
		return;
	Request request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	if (!build_address(request, ifindex, parsed, parsed.label) || !request.complete())
		return;
	Address expected = parsed;
	if (expected.family != AF_INET)
		expected.label.clear(); /* labels are IPv4's alone, and never sent for IPv6 */
	request.header()->nlmsg_type = RTM_NEWADDR;
	Address again;
	require(parse_address(request.header(), ifindex, again));
	require(again == expected);
}

void route_round_trip(const nlmsghdr *msg, int ifindex)
{
	Route parsed;
	if (!parse_carried_route(msg, ifindex, parsed))
		return;
	Request request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	if (!build_route(request, ifindex, parsed) || !request.complete())
		return;
	request.header()->nlmsg_type = RTM_NEWROUTE;
	Route again;
	require(parse_carried_route(request.header(), ifindex, again));
	require(again == parsed);
}

} /* namespace */

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Aligned as the receive buffer is (new[] aligns for any type), and exactly as long as the input, so ASan sees any overread. */
	std::unique_ptr<unsigned char[]> storage(new unsigned char[size]);
	unsigned char *buffer = storage.get();
	if (size)
		std::memcpy(buffer, data, size);
	/* The walk NLMSG_OK and NLMSG_NEXT make over a receive buffer, written out unsigned. */
	for (size_t at = 0; size - at >= sizeof(nlmsghdr);) {
		const auto *h = reinterpret_cast<const nlmsghdr *>(buffer + at);
		if (h->nlmsg_len < sizeof(nlmsghdr) || h->nlmsg_len > size - at)
			break;
		for (int ifindex = 1; ifindex <= 3; ifindex++) {
			address_round_trip(h, ifindex);
			route_round_trip(h, ifindex);
		}
		if (NLMSG_ALIGN(h->nlmsg_len) >= size - at)
			break;
		at += NLMSG_ALIGN(h->nlmsg_len);
	}
	return 0;
}
