/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "membership.hpp"

#include <cerrno>
#include <new>

#include "test_seams.hpp"

namespace lxcnet::detail {

namespace {

std::string describe(const Membership &m)
{
	return "its " + m.kind + " " + m.name + " (ifindex " + std::to_string(m.master) + ")";
}

/* Only what want sets and link does not have already: a fresh port reports the bridge's defaults. */
BridgePort port_changes(const BridgePort &have, const BridgePort &want)
{
	BridgePort change;
	for (size_t i = 0; i < port_flag_count; i++)
		if (want.flags[i] && want.flags[i] != have.flags[i])
			change.flags[i] = want.flags[i];
	if (want.cost && want.cost != have.cost)
		change.cost = want.cost;
	if (want.priority && want.priority != have.priority)
		change.priority = want.priority;
	return change;
}

} /* namespace */

int read_membership(NetlinkSocket &sock, const Link &link, Membership &out) noexcept
{
	try {
		out = {};
		if (link.master <= 0)
			return 0;
		Link master;
		if (int r = sock.get_link(link.master, {}, master); r < 0)
			return r == -ENODEV ? 0 : r; /* gone since the device was read: it is no port any more */
		out.master = master.ifindex;
		out.kind = master.kind;
		out.name = master.name;
		if (link.port_kind == "bridge")
			out.port = link.port;
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

int find_master(NetlinkSocket &sock, Membership &want, std::string &note) noexcept
{
	try {
		note.clear();
		if (want.master <= 0)
			return 0;
		Link at;
		int r = sock.get_link(want.master, {}, at);
		if (r < 0 && r != -ENODEV)
			return r;
		if (r == 0 && at.kind == want.kind && at.name == want.name)
			return 0;
		/* The name alone is no proof: a bridge made again under it is another segment, which the device never joined. */
		Link named;
		r = sock.get_link(0, want.name, named);
		if (r < 0 && r != -ENODEV)
			return r;
		std::string why = describe(want) + " is gone";
		if (at.ifindex > 0)
			why += "; ifindex " + std::to_string(at.ifindex) + " is now " + at.name + (at.kind.empty() ? "" : ", a " + at.kind);
		else if (r == 0)
			why += "; " + want.name + " is now another device (ifindex " + std::to_string(named.ifindex) + ")";
		note = why + ", so it is loose (no port of any bridge or bond)";
		want = {};
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

int join_master(NetlinkSocket &sock, const Link &link, const Membership &want, std::string &step) noexcept
{
	try {
		if (want.master <= 0)
			return 0;
		BridgePort have = link.port;
		if (link.master != want.master) {
			step = "make it a port of " + want.kind + " " + want.name;
			LinkChange join;
			/* A test build can make the kernel refuse: no device is a port of itself. */
			join.master = seam::join_fault() ? link.ifindex : want.master;
			if (int r = sock.change_link(link, join); r < 0)
				return r;
			/* What a new port has is the bridge's defaults, which a lookup would only confirm. */
			have = {};
		}
		const BridgePort change = port_changes(have, want.port);
		if (!change.empty()) {
			step = "restore its settings as a port of " + want.kind + " " + want.name;
			BridgePort send = change;
			/* The kernel takes the request only with a flag in it: resend one it has already. */
			bool flagged = false;
			for (const auto &flag : send.flags)
				flagged |= flag.has_value();
			for (size_t i = 0; i < port_flag_count && !flagged; i++)
				if (want.port.flags[i]) {
					send.flags[i] = want.port.flags[i];
					flagged = true;
				}
			if (!flagged)
				return 0; /* nothing the kernel would take */
			if (int r = sock.set_bridge_port(link, send); r < 0)
				return r;
		}
		step.clear();
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

} /* namespace lxcnet::detail */
