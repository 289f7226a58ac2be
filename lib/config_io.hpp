/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <vector>

#include "link_state.hpp"
#include "nl.hpp"

namespace lxcnet::detail {

/*
 * One device's addresses and routes, one request at a time, for callers
 * that configure a device piece by piece and read it back (lxcnet-cni's
 * IPAM results and CHECK) rather than carry its whole state (link_io).
 * Each returns 0 or -errno with the kernel's errno; sock.kernel_message()
 * then holds the kernel's extended-ack text, if it gave one.
 */

/* A route as the kernel has it, with the device of the next hop it was read from (0: none). */
struct RouteVia {
	Route route;
	int ifindex = 0;
};

/* Every address of device ifindex, flags and scope as the kernel reports them (kernel-filtered dump). */
int list_addresses(NetlinkSocket &sock, int ifindex, std::vector<Address> &out) noexcept;
/* Every route in the socket's namespace, all tables, once per next hop: a container's, which is small. */
int list_routes(NetlinkSocket &sock, std::vector<RouteVia> &out) noexcept;

/* Adds a (create, exclusive: -EEXIST if it is there) to device ifindex. */
int add_address(NetlinkSocket &sock, int ifindex, const Address &a) noexcept;
/* Adds route through device ifindex (exclusive); advmss 0 for none. */
int add_route(NetlinkSocket &sock, int ifindex, const Route &route, uint32_t advmss = 0) noexcept;

} /* namespace lxcnet::detail */
