/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include "link_state.hpp"
#include "nl.hpp"

namespace lxcnet::detail {

/* Reads link's state; with_config adds its addresses and routes (kernel-filtered, never a host-wide dump). Returns -errno. */
int capture(NetlinkSocket &sock, const Link &link, bool with_config, LinkState &out) noexcept;

/*
 * Makes the device `link` (already under its final name) look like `want`:
 * MTU, MAC and ifalias if they differ, then addresses, admin state, routes,
 * in that order because routes need their link up and their prefix routes.
 * want.name is the name the state was captured under (for IPv4 labels).
 * On failure returns -errno and names the step in `step`.
 */
int apply(NetlinkSocket &sock, const Link &link, const LinkState &want, std::string &step) noexcept;

} /* namespace lxcnet::detail */
