/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config_io.hpp"

#include <cerrno>
#include <new>

#include <linux/rtnetlink.h>

#include "config_objects.hpp"

namespace lxcnet::detail {

namespace {

/* One request, answered: a batch of one, no refusal accepted. */
int send_one(NetlinkSocket &sock, NlMsg request) noexcept
{
	try {
		std::vector<NlMsg> batch;
		batch.push_back(std::move(request));
		size_t failed;
		return sock.send_all(batch, [](size_t, int) { return false; }, failed);
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

} /* namespace */

int list_addresses(NetlinkSocket &sock, int ifindex, std::vector<Address> &out) noexcept
{
	NlMsg request = address_dump_request(ifindex);
	if (!request)
		return -ENOMEM;
	return sock.dump(request.get(), RTM_NEWADDR, [&](nl_object *object) {
		Address addr;
		/* Older kernels ignore the filter: address_of checks the device again. */
		if (address_of(reinterpret_cast<rtnl_addr *>(object), ifindex, addr))
			out.push_back(std::move(addr));
	});
}

int list_routes(NetlinkSocket &sock, std::vector<RouteVia> &out) noexcept
{
	NlMsg request = route_dump_request(0);
	if (!request)
		return -ENOMEM;
	return sock.dump(request.get(), RTM_NEWROUTE, [&](nl_object *object) {
		each_route_hop(reinterpret_cast<rtnl_route *>(object),
			       [&](int ifindex, Route &&route) { out.push_back({std::move(route), ifindex}); });
	});
}

int add_address(NetlinkSocket &sock, int ifindex, const Address &a) noexcept
{
	NlMsg request = address_request(ifindex, a, {});
	if (!request)
		return -EINVAL;
	return send_one(sock, std::move(request));
}

int add_route(NetlinkSocket &sock, int ifindex, const Route &route, uint32_t advmss) noexcept
{
	NlMsg request = route_request(ifindex, route, advmss);
	if (!request)
		return -EINVAL;
	return send_one(sock, std::move(request));
}

} /* namespace lxcnet::detail */
