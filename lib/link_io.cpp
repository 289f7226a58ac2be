/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "link_io.hpp"

#include <algorithm>
#include <cerrno>

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

int add_address(NetlinkSocket &sock, int ifindex, const std::string &name, const std::string &old_name, const Address &a)
{
	Request request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	const std::string label = a.family == AF_INET ? relabel(a.label, old_name, name) : std::string();
	if (!build_address(request, ifindex, a, label))
		return -EINVAL;
	int r = sock.ask(request);
	return r == -EEXIST ? 0 : r;
}

int add_route(NetlinkSocket &sock, int ifindex, const Route &route)
{
	Request request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	if (!build_route(request, ifindex, route))
		return -EINVAL;
	int r = sock.ask(request);
	return r == -EEXIST ? 0 : r;
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

		/* Steps are named only when they fail: a name costs more than a request's own user-space work. */
		for (const Address &a : want.addresses) {
			if (int r = add_address(sock, ifindex, name, want.name, a); r < 0) {
				step = "add address " + describe(a);
				return r;
			}
		}

		if (want.up && !(link.flags & IFF_UP)) {
			LinkChange up;
			up.up = true;
			step = "bring the link up";
			if (int r = sock.change_link(link, up); r < 0)
				return r;
		}

		for (const Route &route : want.routes) {
			int r = add_route(sock, ifindex, route);
			/* A link left down cannot carry IPv4 routes; the user had none through it then either. */
			if (r == -ENETDOWN && !want.up)
				continue;
			if (r < 0) {
				step = "add route " + describe(route);
				return r;
			}
		}
		step.clear();
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

} /* namespace lxcnet::detail */
