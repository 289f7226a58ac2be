/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "link_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "config_io.hpp"
#include "config_objects.hpp"
#include "sysctl_io.hpp"

namespace lxcnet::detail {

namespace {

/* Flags a caller may pass when adding an address; the rest is state the kernel keeps itself. */
constexpr unsigned settable_address_flags =
	IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN;

/* fe80::/64 plus the modified EUI-64 of the MAC: what addrconf generates by itself (RFC 4291, appendix A). */
bool is_eui64_link_local(const std::string &address, const std::string &mac)
{
	unsigned char ip[16];
	unsigned char m[max_mac_bytes];
	size_t size;
	if (inet_pton(AF_INET6, address.c_str(), ip) != 1 || !mac_bytes(mac, m, size) || size != 6)
		return false;
	const unsigned char expect[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0,
		static_cast<unsigned char>(m[0] ^ 0x02), m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]};
	return std::equal(ip, ip + 16, expect);
}

/*
 * The kernel brings its own IPv6 addresses back by itself once the link is
 * up: the EUI-64 link-local (which it marks permanent, like a user's) and
 * SLAAC addresses (not permanent). Copying them would only duplicate them.
 */
bool is_kernel_managed(const Address &a, const std::string &mac)
{
	return a.family == AF_INET6 && (!(a.flags & IFA_F_PERMANENT) || is_eui64_link_local(a.local, mac));
}

std::string describe(const Address &a)
{
	return a.local + "/" + std::to_string(a.prefixlen);
}

std::string describe(const Route &r)
{
	std::string text = r.dst.empty() ? "default" : r.dst + "/" + std::to_string(r.dst_len);
	if (!r.gateway.empty())
		text += " via " + r.gateway;
	return text;
}

/* Kernel-filtered dumps, so a call's cost does not grow with the host; libnl parses the replies. */
int capture_addresses(NetlinkSocket &sock, LinkState &state)
{
	std::vector<Address> all;
	if (int r = list_addresses(sock, state.ifindex, all); r < 0)
		return r;
	for (Address &addr : all) {
		if (addr.local.empty() || is_kernel_managed(addr, state.mac))
			continue;
		addr.dad_pending = addr.family == AF_INET6 && (addr.flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED));
		addr.flags &= settable_address_flags;
		state.addresses.push_back(std::move(addr));
	}
	return 0;
}

int capture_routes(NetlinkSocket &sock, LinkState &state)
{
	NlMsg request = route_dump_request(state.ifindex);
	if (!request)
		return -ENOMEM;
	return sock.dump(request.get(), RTM_NEWROUTE, [&](nl_object *object) {
		Route route;
		if (carried_route_of(reinterpret_cast<rtnl_route *>(object), state.ifindex, route))
			state.routes.push_back(std::move(route));
	});
}

int capture_neighbours(NetlinkSocket &sock, LinkState &state)
{
	NlMsg request = neighbour_dump_request(state.ifindex);
	if (!request)
		return -ENOMEM;
	return sock.dump(request.get(), RTM_NEWNEIGH, [&](nl_object *object) {
		Neighbour n;
		if (permanent_neighbour_of(reinterpret_cast<rtnl_neigh *>(object), state.ifindex, n))
			state.neighbours.push_back(std::move(n));
	});
}

/* The link up, as the batch's own request: rtnl_link_change() would send it alone and wait. */
NlMsg link_up_request(const Link &link)
{
	RtnlLink orig(rtnl_link_alloc());
	RtnlLink up(rtnl_link_alloc());
	if (!orig || !up)
		return nullptr;
	rtnl_link_set_ifindex(orig.get(), link.ifindex);
	rtnl_link_set_flags(orig.get(), link.flags);
	rtnl_link_set_flags(up.get(), IFF_UP);
	nl_msg *raw = nullptr;
	if (rtnl_link_build_change_request(orig.get(), up.get(), 0, &raw) < 0)
		return nullptr;
	return NlMsg(raw);
}

} /* namespace */

int capture(NetlinkSocket &sock, const Link &link, bool with_config, LinkState &out) noexcept
{
	try {
		LinkState state;
		state.name = link.name;
		state.ifindex = link.ifindex;
		state.mac = link.mac;
		state.mtu = link.mtu;
		state.up = link.flags & IFF_UP;
		state.alias = link.alias;
		if (with_config) {
			state.sysctls = link.sysctls;
			if (int r = capture_addresses(sock, state); r < 0)
				return r;
			if (int r = capture_routes(sock, state); r < 0)
				return r;
			if (int r = capture_neighbours(sock, state); r < 0)
				return r;
		}
		out = std::move(state);
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

namespace {

/*
 * want's sysctls that differ from what the device has now: IPv4's that
 * libnl can send go into restore, the rest (most of IPv6's, which the
 * kernel takes only through /proc) into writes.
 */
void sysctl_changes(const Link &link, const LinkState &want, LinkChange &restore, std::vector<SysctlWrite> &writes)
{
	const DeviceSysctls &now = link.sysctls;
	for (size_t i = 0; i < ipv4_sysctls.size(); i++) {
		if (!want.sysctls.ipv4[i] || want.sysctls.ipv4[i] == now.ipv4[i])
			continue;
		if (netlink_sets_ipv4_conf(ipv4_sysctls[i].id))
			restore.ipv4_conf.emplace_back(ipv4_sysctls[i].id, *want.sysctls.ipv4[i]);
		else
			writes.push_back({false, i, *want.sysctls.ipv4[i]});
	}
	for (size_t i = 0; i < ipv6_sysctls.size(); i++) {
		std::optional<int32_t> current = now.ipv6[i];
		/* A new MTU resets the IPv6 MTU to it: what was read before is not what the device will have. */
		if (ipv6_sysctls[i].id == DEVCONF_MTU6 && restore.mtu)
			current = static_cast<int32_t>(restore.mtu);
		if (want.sysctls.ipv6[i] && want.sysctls.ipv6[i] != current)
			writes.push_back({true, i, *want.sysctls.ipv6[i]});
	}
}

/* MTU, MAC, ifalias and sysctls, where they differ from want: one rtnl_link_change(), then the writes /proc needs. */
int restore_link_settings(NetlinkSocket &sock, int netns_fd, const Link &link, const LinkState &want, std::string &step)
{
	LinkChange restore;
	if (want.mtu && link.mtu != want.mtu)
		restore.mtu = want.mtu;
	if (!want.mac.empty() && link.mac != want.mac)
		restore.mac = want.mac;
	if (want.alias != link.alias)
		restore.alias = want.alias;
	std::vector<SysctlWrite> writes;
	sysctl_changes(link, want, restore, writes);
	if (restore.mtu || !restore.mac.empty() || restore.alias || !restore.ipv4_conf.empty()) {
		step = restore.ipv4_conf.empty() ? "restore MTU, MAC and ifalias" : "restore MTU, MAC, ifalias and IPv4 sysctls";
		if (int r = sock.change_link(link, restore); r < 0)
			return r;
	}
	return write_sysctls(netns_fd, link.name, writes, step);
}

/* Where in a batch of configuration requests each kind begins: addresses at 0. */
struct BatchLayout {
	size_t flags_at = 0;        /* the requests that take IFA_F_NODAD off again, one per address in `redone` */
	std::vector<size_t> redone; /* indexes in want.addresses */
	size_t up_at = SIZE_MAX;    /* the link-up request, if the link is down and want is up */
	size_t routes_at = 0;
	size_t neighbours_at = 0;
};

/*
 * An IPv6 address that passed DAD where it was read is added without it: the
 * link, and whatever else is on it, is the same one that DAD just checked,
 * and repeating it would leave the address unusable for about two seconds
 * after the call returns. One that had not passed keeps its DAD.
 */
bool skips_dad(const Address &a)
{
	return a.family == AF_INET6 && !a.dad_pending && !(a.flags & IFA_F_NODAD);
}

/* The requests that give link want's addresses, admin state and routes, in that order; on failure, step names it. */
int config_batch(const Link &link, const LinkState &want, std::vector<NlMsg> &batch, BatchLayout &layout, std::string &step)
{
	for (const Address &a : want.addresses) {
		const std::string label = a.family == AF_INET ? relabel(a.label, want.name, link.name) : std::string();
		NlMsg request = address_request(link.ifindex, a, label, skips_dad(a));
		if (!request) {
			step = "add address " + describe(a);
			return -EINVAL;
		}
		batch.push_back(std::move(request));
	}
	/* After every add, before the link comes up: an address the kernel marked nodad would skip DAD on every later link-up too. */
	layout.flags_at = batch.size();
	for (size_t i = 0; i < want.addresses.size(); i++) {
		if (!skips_dad(want.addresses[i]))
			continue;
		NlMsg request = address_flags_request(link.ifindex, want.addresses[i], {});
		if (!request) {
			step = "restore the flags of address " + describe(want.addresses[i]);
			return -EINVAL;
		}
		batch.push_back(std::move(request));
		layout.redone.push_back(i);
	}
	if (want.up && !(link.flags & IFF_UP)) {
		layout.up_at = batch.size();
		NlMsg request = link_up_request(link);
		if (!request) {
			step = "bring the link up";
			return -ENOMEM;
		}
		batch.push_back(std::move(request));
	}
	layout.routes_at = batch.size();
	for (const Route &route : want.routes) {
		NlMsg request = route_request(link.ifindex, route);
		if (!request) {
			step = "add route " + describe(route);
			return -EINVAL;
		}
		batch.push_back(std::move(request));
	}
	/* Last: the kernel flushes even permanent entries when it takes a link down, so they go on once it is up. */
	layout.neighbours_at = batch.size();
	for (const Neighbour &n : want.neighbours) {
		NlMsg request = neighbour_request(link.ifindex, n);
		if (!request) {
			step = "add neighbour " + n.dst;
			return -EINVAL;
		}
		batch.push_back(std::move(request));
	}
	return 0;
}

} /* namespace */

int apply(NetlinkSocket &sock, int netns_fd, const Link &link, const LinkState &want, std::string &step) noexcept
{
	try {
		if (int r = restore_link_settings(sock, netns_fd, link, want, step); r < 0)
			return r;
		/*
		 * Addresses, the link up, then routes (they need both), sent together.
		 * A request the kernel refuses does not stop the few sent with it, so
		 * the link may be up with part of its configuration until the caller
		 * rolls back (a move, which takes it all away) or reports that its
		 * own rollback fell short.
		 */
		std::vector<NlMsg> batch;
		BatchLayout at;
		if (int r = config_batch(link, want, batch, at, step); r < 0)
			return r;
		/* Already there is as good as added; a link left down cannot carry IPv4 routes, and the user had none through it then either. */
		auto accept = [&](size_t index, int error) {
			return error == -EEXIST || (index >= at.routes_at && index < at.neighbours_at && error == -ENETDOWN && !want.up);
		};
		size_t failed;
		if (int r = sock.send_all(batch, accept, failed); r < 0) {
			/* Steps are named only when they fail: a name costs more than a request's own user-space work. */
			if (failed < at.flags_at)
				step = "add address " + describe(want.addresses[failed]);
			else if (failed < at.flags_at + at.redone.size())
				step = "restore the flags of address " + describe(want.addresses[at.redone[failed - at.flags_at]]);
			else if (failed == at.up_at)
				step = "bring the link up";
			else if (failed < at.neighbours_at)
				step = "add route " + describe(want.routes[failed - at.routes_at]);
			else if (failed < batch.size())
				step = "add neighbour " + want.neighbours[failed - at.neighbours_at].dst;
			else
				step = "apply the configuration";
			return r;
		}
		step.clear();
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

} /* namespace lxcnet::detail */
