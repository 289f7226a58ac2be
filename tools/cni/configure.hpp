/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "nl.hpp"
#include "result.hpp"

namespace lxcnet::cni {

/*
 * The container side of ADD and CHECK, through a socket bound to the
 * container's namespace (netns_fd is only entered for its /proc/sys/net).
 */

/* The IPs of `ipam` (all for the device) and then its routes, as the reference plugins apply them. Throws CniError. */
void apply_ipam(detail::NetlinkSocket &inside, int netns_fd, const detail::Link &link, const Result &ipam);

/* What "preserve" carried in: the device's own addresses and routes (not the kernel's), appended to `result`. */
void report_carried(detail::NetlinkSocket &inside, const detail::Link &link, int iface_index, Result &result);

/* CHECK: the device is there, up, with the MAC, IPs and routes `prev` lists for interface iface_index. Throws CniError. */
void verify(detail::NetlinkSocket &inside, const Result &prev, int iface_index);

} /* namespace lxcnet::cni */
