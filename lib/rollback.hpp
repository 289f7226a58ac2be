/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include "link_state.hpp"
#include "nl.hpp"

namespace lxcnet::detail {

/* One end of a move: the socket bound to that namespace, its fd as a move's target, and how messages place a device there. */
struct Side {
	NetlinkSocket &sock;
	int netns;
	const char *where; /* "on the host", "in the container" */
};

/* " (the kernel's extended-ack text)", or "" when it gave none. */
std::string detail_of(const NetlinkSocket &sock);

/* RTM_NEWLINK with IFLA_NET_NS_FD, and IFLA_IFNAME when the name changes: one request, as systemd-nspawn sends it. Returns -errno. */
int move(const Side &from, const Link &link, const Side &to, const std::string &name) noexcept;

/* What moving a device back achieved. */
struct Undone {
	int error = 0;      /* -errno of the step that failed; 0 when the device is back (and configured, if asked) */
	bool moved = false; /* it crossed back, even if what followed failed */
	std::string step;   /* the step that failed */
	std::string loose;  /* why it is back without its master, if it is (find_master()) */
	/* "step: cause" */
	std::string reason() const;
};

/*
 * The one way back: moves `link` (as `from` sees it) to `to` under
 * state.name and, with reapply, finds it there again and gives it `state`.
 * Every rollback of the Mover goes through here.
 */
Undone move_back(const Side &from, const Link &link, const Side &to, const LinkState &state, bool reapply);

/* The end of a message after a rollback: "; rolled back: NAME is on the host as before", or "; rollback failed too (step: cause)". */
std::string rollback_note(const Undone &undone, const std::string &name, const Side &to);

/*
 * After a failed move from `back` to `there`: if the kernel moved the device
 * without renaming it, moves it back (with reapply, configured as `state`).
 * Returns what it did, as the end of a message; "" if the device never left.
 */
std::string undo_partial_move(const Side &there, const Side &back, const LinkState &state, bool reapply);

} /* namespace lxcnet::detail */
