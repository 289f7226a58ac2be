/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include "link.hpp"

namespace lxcnet::detail {

/*
 * What a lent device is, beyond the name, ifindex and MAC a container can
 * give a device of its own: its kind, the device it hangs off on the host
 * (a veth's peer, a macvlan's or vlan's lower device) and, for hardware, its
 * permanent address and parent device. Recorded at attach, from the host.
 */
struct Identity {
	bool known = false; /* records of the earlier format have none */
	std::string kind;   /* "" for a physical device */
	int link = 0;       /* ifindex of the peer or lower device; 0 if none */
	bool link_on_host = false;
	std::string perm_mac;
	std::string parent;
	bool operator==(const Identity &) const = default;
};

Identity identity_on_host(const Link &link);

/*
 * What differs between the identity a device was lent with and the device
 * now inside, in words; "" if nothing does. host_nsid: the id by which the
 * container's namespace knows the host's (-1 if it knows none).
 */
std::string identity_mismatch(const Identity &lent, const Link &inside, int host_nsid);

/* The same for a device found on the host itself, where a peer or lower device on the host is in its own namespace. */
std::string identity_mismatch_at_home(const Identity &lent, const Link &home);

} /* namespace lxcnet::detail */
