/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "rollback.hpp"

#include <cstring>

#include "link_io.hpp"

namespace lxcnet::detail {

std::string detail_of(const NetlinkSocket &sock)
{
	return sock.kernel_message().empty() ? std::string() : " (" + sock.kernel_message() + ")";
}

int move(const Side &from, const Link &link, const Side &to, const std::string &name) noexcept
{
	LinkChange change;
	change.netns_fd = to.netns;
	change.name = name;
	return from.sock.change_link(link, change);
}

std::string Undone::reason() const
{
	return step + ": " + std::strerror(-error);
}

Undone move_back(const Side &from, const Link &link, const Side &to, const LinkState &state, bool reapply)
{
	Undone undone;
	if ((undone.error = move(from, link, to, state.name)) < 0) {
		undone.step = "move back" + detail_of(from.sock);
		return undone;
	}
	undone.moved = true;
	if (!reapply)
		return undone;
	/* The kernel keeps the ifindex only if it is free where the device lands: find it by name. */
	Link home;
	if ((undone.error = to.sock.get_link(0, state.name, home)) < 0) {
		undone.step = "find " + state.name + " " + to.where;
		return undone;
	}
	if ((undone.error = apply(to.sock, to.netns, home, state, undone.step)) < 0)
		undone.step += std::string(" ") + to.where + detail_of(to.sock);
	return undone;
}

std::string rollback_note(const Undone &undone, const std::string &name, const Side &to)
{
	if (undone.error == 0)
		return "; rolled back: " + name + " is " + to.where + " as before";
	return "; rollback failed too (" + undone.reason() + ")";
}

std::string undo_partial_move(const Side &there, const Side &back, const LinkState &state, bool reapply)
{
	/* Kernel 6.18 moves first and renames after: a taken target name leaves the device moved under its old name. */
	Link here;
	if (back.sock.get_link(state.ifindex, {}, here) == 0 && here.mac == state.mac)
		return {}; /* it never left: whatever bears its name over there is another device */
	Link stray;
	if (there.sock.get_link(0, state.name, stray) < 0 || stray.mac != state.mac)
		return {};
	const Undone undone = move_back(there, stray, back, state, reapply);
	if (!undone.moved)
		return "; it was moved without its new name and could not be moved back (" + undone.reason() + ")";
	if (undone.error < 0)
		return "; it was moved back but not fully reconfigured (" + undone.reason() + ")";
	return "; it was moved back";
}

} /* namespace lxcnet::detail */
