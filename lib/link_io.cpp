/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "link_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "config_messages.hpp"

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
			Request addresses(RTM_GETADDR, 0);
			ifaddrmsg ifa{};
			ifa.ifa_family = AF_UNSPEC;
			ifa.ifa_index = static_cast<unsigned>(state.ifindex);
			addresses.put_header(ifa);
			int r = sock.dump(addresses, [&](const nlmsghdr *reply) {
				Address addr;
				if (!parse_address(reply, state.ifindex, addr) || addr.local.empty() || is_kernel_managed(addr, state.mac))
					return;
				addr.flags &= settable_address_flags;
				state.addresses.push_back(std::move(addr));
			});
			if (r < 0)
				return r;
			/* One dump for both families: the kernel runs each family's filtered dump in turn, under one request. */
			Request routes(RTM_GETROUTE, 0);
			rtmsg rtm{};
			rtm.rtm_family = AF_UNSPEC;
			routes.put_header(rtm);
			routes.put_u32(RTA_OIF, static_cast<uint32_t>(state.ifindex));
			r = sock.dump(routes, [&](const nlmsghdr *reply) {
				Route route;
				if (parse_carried_route(reply, state.ifindex, route))
					state.routes.push_back(std::move(route));
			});
			if (r < 0)
				return r;
		}
		out = std::move(state);
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

int apply(NetlinkSocket &sock, const Link &link, const LinkState &want, std::string &step) noexcept
{
	try {
		const int ifindex = link.ifindex;
		const std::string &name = link.name;

		LinkChange restore;
		if (want.mtu && link.mtu != want.mtu)
			restore.mtu = want.mtu;
		if (!want.mac.empty() && link.mac != want.mac)
			restore.mac = want.mac;
		if (want.alias != link.alias)
			restore.alias = want.alias;
		if (restore.mtu || !restore.mac.empty() || restore.alias) {
			step = "restore MTU, MAC and ifalias";
			if (int r = sock.change_link(link, restore); r < 0)
				return r;
		}

		/*
		 * Addresses, the link up, then routes (they need both), sent together.
		 * A request the kernel refuses does not stop the few sent with it, so
		 * the link may be up with part of its configuration until the caller
		 * rolls back (a move, which takes it all away) or reports that its
		 * own rollback fell short.
		 */
		Batch batch;
		for (const Address &a : want.addresses) {
			Request request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
			const std::string label = a.family == AF_INET ? relabel(a.label, want.name, name) : std::string();
			if (!build_address(request, ifindex, a, label) || !batch.add(request)) {
				step = "add address " + describe(a);
				return -EINVAL;
			}
		}
		const size_t up_at = want.up && !(link.flags & IFF_UP) ? batch.count() : SIZE_MAX;
		if (up_at != SIZE_MAX) {
			Request request(RTM_SETLINK, 0);
			ifinfomsg ifi{};
			ifi.ifi_family = AF_UNSPEC;
			ifi.ifi_index = ifindex;
			ifi.ifi_flags = IFF_UP;
			ifi.ifi_change = IFF_UP;
			request.put_header(ifi);
			if (!batch.add(request)) {
				step = "bring the link up";
				return -EINVAL;
			}
		}
		const size_t routes_at = batch.count();
		for (const Route &route : want.routes) {
			Request request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
			if (!build_route(request, ifindex, route) || !batch.add(request)) {
				step = "add route " + describe(route);
				return -EINVAL;
			}
		}
		/* Already there is as good as added; a link left down cannot carry IPv4 routes, and the user had none through it then either. */
		auto accept = [&](size_t index, int error) {
			return error == -EEXIST || (index >= routes_at && error == -ENETDOWN && !want.up);
		};
		size_t failed;
		if (int r = sock.ask_all(batch, accept, failed); r < 0) {
			/* Steps are named only when they fail: a name costs more than a request's own user-space work. */
			if (failed < routes_at && failed != up_at)
				step = "add address " + describe(want.addresses[failed]);
			else if (failed == up_at)
				step = "bring the link up";
			else if (failed < batch.count())
				step = "add route " + describe(want.routes[failed - routes_at]);
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
