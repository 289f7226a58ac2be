/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include "link_state.hpp"
#include "nl.hpp"

namespace lxcnet::detail {

/*
 * Reads link's state; with_config adds its sysctls (from link itself), addresses, routes and permanent neighbours
 * (kernel-filtered dumps, never a host-wide one). Returns -errno.
 */
int capture(NetlinkSocket &sock, const Link &link, bool with_config, LinkState &out) noexcept;

/*
 * Makes the device `link` (already under its final name, in the namespace
 * netns_fd) look like `want`: MTU, MAC, ifalias and per-device sysctls where
 * they differ, then addresses, admin state, routes, in that order: some
 * sysctls decide which addresses can exist, and routes need their link up
 * and their prefix routes.
 * want.name is the name the state was captured under (for IPv4 labels).
 * On failure returns -errno and names the step in `step`.
 */
int apply(NetlinkSocket &sock, int netns_fd, const Link &link, const LinkState &want, std::string &step) noexcept;

} /* namespace lxcnet::detail */
