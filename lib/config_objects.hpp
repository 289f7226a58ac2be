/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <functional>
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
 * Any IPv4 or IPv6 route, unfiltered, once per next hop with that hop's
 * device and gateway (once with device 0 if it has none: blackhole, ...),
 * for callers that check what is there rather than carry it.
 */
void each_route_hop(rtnl_route *object, const std::function<void(int ifindex, Route &&route)> &each);

/*
 * Dump requests with the kernel's filter in the header, which
 * libnl-route-3's cache dumps cannot carry: the addresses of device
 * ifindex; the routes through device oif (0: every route). Null on ENOMEM.
 */
NlMsg address_dump_request(int ifindex);
NlMsg route_dump_request(int oif);
/* Both families' neighbour entries on device ifindex (NDA_IFINDEX, which strict checking makes the kernel honour). */
NlMsg neighbour_dump_request(int ifindex);

/* A permanent neighbour entry of device ifindex (not a proxy entry, which dumps do not show here). False for any other. */
bool permanent_neighbour_of(rtnl_neigh *object, int ifindex, Neighbour &out);
/* The RTM_NEWNEIGH request (create, exclusive) that puts n back on device ifindex. Null if a value is not of its family, or on ENOMEM. */
NlMsg neighbour_request(int ifindex, const Neighbour &n);

/*
 * The RTM_NEWADDR request (create, exclusive) that adds a to device ifindex,
 * under IPv4 label `label` ("" for none); the RTM_NEWROUTE request that
 * adds route through it (advmss: a CNI route's, which no record keeps; 0
 * for none). Null if a value is not of its family, or on ENOMEM.
 */
NlMsg address_request(int ifindex, const Address &a, const std::string &label, bool skip_dad = false);
/*
 * skip_dad adds an IPv6 address with IFA_F_NODAD, which the kernel then
 * keeps among its flags: this replace request (same address, a's own flags)
 * takes it off again, with DAD already behind the address.
 */
NlMsg address_flags_request(int ifindex, const Address &a, const std::string &label);
NlMsg route_request(int ifindex, const Route &route, uint32_t advmss = 0);

} /* namespace lxcnet::detail */
