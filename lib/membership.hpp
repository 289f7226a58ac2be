/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include "link.hpp"
#include "nl.hpp"
#include "port.hpp"

namespace lxcnet::detail {

/* The master link is a port of, as records keep it: its ifindex, kind and name, and the port's settings. Returns -errno. */
int read_membership(NetlinkSocket &sock, const Link &link, Membership &out) noexcept;

/*
 * Whether want's master is still there, on sock's side: the device at its
 * ifindex, of its kind, under its name. If not (deleted, or another device
 * now has its ifindex or its name), want is cleared, so the device stays
 * loose, and note says why. Returns -errno if the lookup itself fails.
 */
int find_master(NetlinkSocket &sock, Membership &want, std::string &note) noexcept;

/*
 * Makes link a port of want's master, with want's port settings (where they
 * differ from link's). On failure returns -errno and names the step.
 */
int join_master(NetlinkSocket &sock, const Link &link, const Membership &want, std::string &step) noexcept;

} /* namespace lxcnet::detail */
