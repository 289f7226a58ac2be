/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "link_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "config_io.hpp"
#include "config_objects.hpp"

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
			if (int r = capture_addresses(sock, state); r < 0)
				return r;
			if (int r = capture_routes(sock, state); r < 0)
				return r;
		}
		out = std::move(state);
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

namespace {

/* MTU, MAC and ifalias, where they differ from want: one rtnl_link_change(). */
int restore_link_settings(NetlinkSocket &sock, const Link &link, const LinkState &want, std::string &step)
{
	LinkChange restore;
	if (want.mtu && link.mtu != want.mtu)
		restore.mtu = want.mtu;
	if (!want.mac.empty() && link.mac != want.mac)
		restore.mac = want.mac;
	if (want.alias != link.alias)
		restore.alias = want.alias;
	if (!restore.mtu && restore.mac.empty() && !restore.alias)
		return 0;
	step = "restore MTU, MAC and ifalias";
	return sock.change_link(link, restore);
}

/* Where in a batch of configuration requests each kind begins: addresses at 0. */
struct BatchLayout {
	size_t up_at = SIZE_MAX; /* the link-up request, if the link is down and want is up */
	size_t routes_at = 0;
};

/* The requests that give link want's addresses, admin state and routes, in that order; on failure, step names it. */
int config_batch(const Link &link, const LinkState &want, std::vector<NlMsg> &batch, BatchLayout &layout, std::string &step)
{
	for (const Address &a : want.addresses) {
		const std::string label = a.family == AF_INET ? relabel(a.label, want.name, link.name) : std::string();
		NlMsg request = address_request(link.ifindex, a, label);
		if (!request) {
			step = "add address " + describe(a);
			return -EINVAL;
		}
		batch.push_back(std::move(request));
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
	return 0;
}

} /* namespace */

int apply(NetlinkSocket &sock, const Link &link, const LinkState &want, std::string &step) noexcept
{
	try {
		if (int r = restore_link_settings(sock, link, want, step); r < 0)
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
			return error == -EEXIST || (index >= at.routes_at && error == -ENETDOWN && !want.up);
		};
		size_t failed;
		if (int r = sock.send_all(batch, accept, failed); r < 0) {
			/* Steps are named only when they fail: a name costs more than a request's own user-space work. */
			if (failed < at.routes_at && failed != at.up_at)
				step = "add address " + describe(want.addresses[failed]);
			else if (failed == at.up_at)
				step = "bring the link up";
			else if (failed < batch.size())
				step = "add route " + describe(want.routes[failed - at.routes_at]);
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
