/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <linux/netlink.h>

#include "link_state.hpp"
#include "nl_request.hpp"

namespace lxcnet::detail {

/*
 * Addresses and routes to and from rtnetlink messages, with no socket: the
 * kernel's replies are read straight into the plain values a record keeps,
 * and requests are built straight from them.
 */

/* An RTM_NEWADDR reply for device ifindex, read into out (flags: all of them). False for any other message. */
bool parse_address(const nlmsghdr *msg, int ifindex, Address &out);

/*
 * An RTM_NEWROUTE reply for a route that device ifindex carries and a move
 * loses: unicast, outside the local table, not cloned, not the kernel's own
 * (prefix routes come back with their addresses, RA and redirect routes are
 * re-learned), and through this device alone. False for any other message.
 */
bool parse_carried_route(const nlmsghdr *msg, int ifindex, Route &out);

/*
 * Fill an empty request (RTM_NEWADDR or RTM_NEWROUTE) with a, under IPv4
 * label `label` ("" for none), or with route, for device ifindex. False if
 * an address in it is not text of its family.
 */
bool build_address(Request &request, int ifindex, const Address &a, const std::string &label);
bool build_route(Request &request, int ifindex, const Route &route);

} /* namespace lxcnet::detail */
