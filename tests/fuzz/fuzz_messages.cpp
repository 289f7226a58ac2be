/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnl's address and route parsers, and lxcnet's reading of their objects,
 * on arbitrary bytes laid out as a receive buffer is (a run of netlink
 * messages): they must never read out of bounds, and whatever they accept
 * must survive the way lxcnet uses it: built back into a request by libnl,
 * that request reads back as the same value.
 */
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "config_objects.hpp"

using namespace lxcnet::detail;

namespace {

void require(bool ok)
{
	if (!ok)
		std::abort();
}

/* Parsed by libnl as lxcnet's dumps are; each object goes to check. */
template <class Check>
void parse(const nlmsghdr *msg, Check &&check)
{
	NlMsg copy(nlmsg_convert(const_cast<nlmsghdr *>(msg)));
	if (!copy)
		return;
	nlmsg_set_proto(copy.get(), NETLINK_ROUTE);
	auto each = [](nl_object *object, void *arg) { (*static_cast<Check *>(arg))(object); };
	(void)nl_msg_parse(copy.get(), each, &check);
}

Address read_address(nl_msg *request, int ifindex)
{
	Address again;
	bool found = false;
	parse(nlmsg_hdr(request), [&](nl_object *object) { found = address_of(reinterpret_cast<rtnl_addr *>(object), ifindex, again); });
	require(found);
	return again;
}

void address_round_trip(const nlmsghdr *msg, int ifindex)
{
	if (msg->nlmsg_type != RTM_NEWADDR)
		return;
	parse(msg, [&](nl_object *object) {
		Address parsed;
		if (!address_of(reinterpret_cast<rtnl_addr *>(object), ifindex, parsed))
			return;
		NlMsg request = address_request(ifindex, parsed, parsed.label);
		if (!request)
			return;
		Address expected = parsed;
		if (expected.family != AF_INET)
			expected.label.clear(); /* labels are IPv4's alone, and never sent for IPv6 */
		require(read_address(request.get(), ifindex) == expected);
	});
}

/*
 * Two inputs libnl 3.7's route parser mishandles and the kernel never sends
 * (lxcnet reads routes only from the kernel), so they are left out here
 * rather than fuzzing libnl: a next hop of length 0 in RTA_MULTIPATH, which
 * its walk never steps past, allocating as it goes; a last next hop whose
 * padding runs past the attribute, after which its walk goes on; and an
 * RTA_VIA shorter than its family field, whose address length it computes
 * as negative.
 */
bool via_too_short(const nlattr *via)
{
	return via && nla_len(via) < static_cast<int>(offsetof(rtvia, rtvia_addr));
}

bool kernel_could_send(const nlmsghdr *msg)
{
	if (msg->nlmsg_len < NLMSG_LENGTH(sizeof(rtmsg)))
		return true; /* libnl refuses it before any walk */
	nlattr *tb[RTA_MAX + 1];
	if (nlmsg_parse(const_cast<nlmsghdr *>(msg), sizeof(rtmsg), tb, RTA_MAX, nullptr) < 0)
		return true;
	if (via_too_short(tb[RTA_VIA]))
		return false;
	if (!tb[RTA_MULTIPATH])
		return true;
	const auto *nh = static_cast<const rtnexthop *>(nla_data(tb[RTA_MULTIPATH]));
	for (int left = nla_len(tb[RTA_MULTIPATH]); left >= static_cast<int>(sizeof(*nh)); left -= RTNH_ALIGN(nh->rtnh_len), nh = RTNH_NEXT(nh)) {
		if (nh->rtnh_len < sizeof(*nh))
			return false;
		if (nh->rtnh_len > left)
			break; /* libnl stops its walk here too */
		if (static_cast<int>(RTNH_ALIGN(nh->rtnh_len)) > left)
			return false; /* libnl's unsigned count of what is left wraps below zero, and its walk runs on past the attribute */
		nlattr *ntb[RTA_MAX + 1];
		auto *attrs = reinterpret_cast<nlattr *>(RTNH_DATA(const_cast<rtnexthop *>(nh)));
		if (nla_parse(ntb, RTA_MAX, attrs, nh->rtnh_len - sizeof(*nh), nullptr) == 0 && via_too_short(ntb[RTA_VIA]))
			return false;
	}
	return true;
}

void route_round_trip(const nlmsghdr *msg, int ifindex)
{
	if (msg->nlmsg_type != RTM_NEWROUTE || !kernel_could_send(msg))
		return;
	parse(msg, [&](nl_object *object) {
		Route parsed;
		if (!carried_route_of(reinterpret_cast<rtnl_route *>(object), ifindex, parsed))
			return;
		NlMsg request = route_request(ifindex, parsed);
		if (!request)
			return;
		rtnl_route *raw = nullptr;
		require(rtnl_route_parse(nlmsg_hdr(request.get()), &raw) == 0);
		RtnlRoute again_object(raw);
		Route again;
		require(carried_route_of(again_object.get(), ifindex, again));
		require(again == parsed);
	});
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
