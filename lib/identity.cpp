/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "identity.hpp"

#include "printable.hpp"

namespace lxcnet::detail {

Identity identity_on_host(const Link &link)
{
	Identity id;
	id.known = true;
	id.kind = link.kind;
	/* The kernel reports IFLA_LINK only for a device that hangs off another one. */
	if (link.link > 0 && link.link != link.ifindex) {
		id.link = link.link;
		id.link_on_host = link.link_netnsid < 0;
	}
	id.perm_mac = link.perm_mac;
	id.parent = link.parent;
	return id;
}

namespace {

/* link_where_lent: the device's peer or lower device is where the lent one's was (on the host, or not). */
std::string mismatch(const Identity &lent, const Link &device, bool link_where_lent)
{
	if (!lent.known)
		return {};
	auto kind = [](const std::string &k) { return k.empty() ? std::string("a physical device") : "a " + printable(k); };
	if (device.kind != lent.kind)
		return "it is " + kind(device.kind) + ", but " + kind(lent.kind) + " was lent";
	const char *other = lent.kind == "veth" ? "peer" : "lower device";
	if (device.link != lent.link)
		return std::string("its ") + other + " is ifindex " + std::to_string(device.link) + ", but the one lent had ifindex " +
		       std::to_string(lent.link);
	if (!link_where_lent)
		return std::string("its ") + other + " is not on the host, as the lent one's was";
	if (!lent.perm_mac.empty() && device.perm_mac != lent.perm_mac)
		return "its permanent address is " + (device.perm_mac.empty() ? std::string("none") : device.perm_mac) +
		       ", but the one lent had " + lent.perm_mac;
	if (!lent.parent.empty() && device.parent != lent.parent)
		return "its parent device is " + (device.parent.empty() ? std::string("none") : printable(device.parent)) +
		       ", but the one lent had " + printable(lent.parent);
	return {};
}

} /* namespace */

std::string identity_mismatch(const Identity &lent, const Link &inside, int host_nsid)
{
	/* The container's own namespace numbers the host's: a device whose link is anywhere else is not the one lent. */
	return mismatch(lent, inside, !lent.link_on_host || (inside.link_netnsid >= 0 && inside.link_netnsid == host_nsid));
}

std::string identity_mismatch_at_home(const Identity &lent, const Link &home)
{
	return mismatch(lent, home, !lent.link_on_host || home.link_netnsid < 0);
}

} /* namespace lxcnet::detail */
