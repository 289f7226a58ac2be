/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once
/* A device's place as a port of a bridge or bond, as plain values: records keep it, so no libnl headers here. */

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lxcnet::detail {

/*
 * The on/off settings of a bridge port that libnl-route-3 (3.7) can set
 * (rtnl_link_bridge_set_flags), in the order of port_flag_names. The rest
 * (multicast and broadcast flood, proxy ARP, isolation, neighbour
 * suppression, ...) it cannot send, so they are not carried.
 */
enum class PortFlag : size_t { learning, unicast_flood, hairpin, bpdu_guard, root_block, fast_leave, learning_sync };
constexpr size_t port_flag_count = 7;
/* The words records use, after `bridge link set`'s own where it has one. */
constexpr std::array<std::string_view, port_flag_count> port_flag_names = {
	"learning", "flood", "hairpin", "guard", "root_block", "fastleave", "learning_sync",
};

/* What an administrator sets on a bridge port; each setting known or not (a kernel may not report one). */
struct BridgePort {
	std::array<std::optional<bool>, port_flag_count> flags;
	std::optional<uint32_t> cost;
	std::optional<uint16_t> priority;
	bool empty() const noexcept { return !cost && !priority && flags == decltype(flags){}; }
	bool operator==(const BridgePort &) const = default;
};

/*
 * The master a device was a port of, recorded on the side it leaves: the
 * master stays behind, so it is found again by ifindex and kind, and its
 * name is checked too (a bridge's MAC changes as ports come and go, so it
 * is no identity).
 */
struct Membership {
	int master = 0;   /* its ifindex; 0: the device was no port */
	std::string kind; /* the master's IFLA_INFO_KIND: "bridge", "bond", ... */
	std::string name;
	BridgePort port;  /* a bridge's port only */
	bool operator==(const Membership &) const = default;
};

} /* namespace lxcnet::detail */
