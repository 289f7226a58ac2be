/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include "link_state.hpp"
#include "nl_handles.hpp"

namespace lxcnet::detail {

/*
 * Addresses and routes between libnl-route-3's objects and the plain values
 * a record keeps: the kernel's replies, parsed by libnl, are read into
 * values, and requests are built by libnl from objects made of values.
 */

/* An address of device ifindex, read from libnl's object (flags: all of them). False for any other. */
bool address_of(rtnl_addr *object, int ifindex, Address &out);

/*
 * A route that device ifindex carries and a move loses: unicast, outside
 * the local table, not cloned, not the kernel's own (prefix routes come
 * back with their addresses, RA and redirect routes are re-learned), and
 * through this device alone. False for any other route.
 */
bool carried_route_of(rtnl_route *object, int ifindex, Route &out);

/*
 * The RTM_NEWADDR request (create, exclusive) that adds a to device ifindex,
 * under IPv4 label `label` ("" for none); the RTM_NEWROUTE request that
 * adds route through it. Null if a value is not of its family, or on ENOMEM.
 */
NlMsg address_request(int ifindex, const Address &a, const std::string &label);
NlMsg route_request(int ifindex, const Route &route);

} /* namespace lxcnet::detail */
