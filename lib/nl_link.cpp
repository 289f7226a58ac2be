/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NetlinkSocket's link calls: lookups and dumps read as rtnl_link, changes (the move among them) made with rtnl_link_change(). */
#include "nl.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/route/link/inet.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>

#include "link_state.hpp"
#include "nl_state.hpp"

namespace lxcnet::detail {

namespace {

Link link_of(rtnl_link *object)
{
	Link link;
	link.ifindex = rtnl_link_get_ifindex(object);
	if (const char *name = rtnl_link_get_name(object))
		link.name = name;
	if (nl_addr *mac = rtnl_link_get_addr(object))
		link.mac = mac_text(static_cast<const unsigned char *>(nl_addr_get_binary_addr(mac)),
				    std::min<size_t>(nl_addr_get_len(mac), max_mac_bytes));
	link.mtu = rtnl_link_get_mtu(object);
	link.flags = rtnl_link_get_flags(object);
	if (const char *alias = rtnl_link_get_ifalias(object))
		link.alias = alias;
	if (const char *kind = rtnl_link_get_type(object))
		link.kind = kind;
	link.link = rtnl_link_get_link(object);
	int32_t netnsid = -1;
	if (rtnl_link_get_link_netnsid(object, &netnsid) == 0)
		link.link_netnsid = netnsid;
	return link;
}

/* One family's devconf array (u32 for IPv4 from id 1, s32 for IPv6 from id 0), read into the table's order. */
template <size_t N>
void read_devconf(const nlattr *conf, const std::array<SysctlName, N> &table, int first_id, std::array<std::optional<int32_t>, N> &out)
{
	const size_t count = static_cast<size_t>(nla_len(conf)) / sizeof(int32_t);
	const auto *values = static_cast<const int32_t *>(nla_data(conf));
	for (size_t i = 0; i < N; i++) {
		const size_t at = static_cast<size_t>(table[i].id - first_id);
		if (at < count)
			out[i] = values[at];
	}
}

/* IFLA_AF_SPEC's devconf of both families: libnl 3.7 parses IPv4's only up to the ids it knows, and keeps IPv6's unreadable. */
void read_sysctls(const nlattr *af_spec, Link &link)
{
	const nlattr *family;
	int left;
	nla_for_each_nested(family, af_spec, left) {
		nlattr *tb[IFLA_INET6_MAX + 1];
		if (nla_type(family) == AF_INET) {
			if (nla_parse_nested(tb, IFLA_INET_MAX, const_cast<nlattr *>(family), nullptr) == 0 && tb[IFLA_INET_CONF])
				read_devconf(tb[IFLA_INET_CONF], ipv4_sysctls, 1, link.sysctls.ipv4);
		} else if (nla_type(family) == AF_INET6) {
			if (nla_parse_nested(tb, IFLA_INET6_MAX, const_cast<nlattr *>(family), nullptr) == 0 && tb[IFLA_INET6_CONF])
				read_devconf(tb[IFLA_INET6_CONF], ipv6_sysctls, 0, link.sysctls.ipv6);
		}
	}
}

/* Attributes libnl 3.7's rtnl_link does not keep, read from the reply with libnl-3's attribute parser. */
void read_hardware(nl_msg *msg, Link &link)
{
	nlattr *tb[IFLA_MAX + 1];
	if (nlmsg_parse(nlmsg_hdr(msg), sizeof(ifinfomsg), tb, IFLA_MAX, nullptr) < 0)
		return;
	if (tb[IFLA_AF_SPEC])
		read_sysctls(tb[IFLA_AF_SPEC], link);
	if (const nlattr *perm = tb[IFLA_PERM_ADDRESS])
		link.perm_mac = mac_text(static_cast<const unsigned char *>(nla_data(perm)),
					 std::min<size_t>(static_cast<size_t>(nla_len(perm)), max_mac_bytes));
	auto text = [](const nlattr *a) {
		return a ? std::string(static_cast<const char *>(nla_data(a)), strnlen(static_cast<const char *>(nla_data(a)), nla_len(a)))
			 : std::string();
	};
	if (tb[IFLA_PARENT_DEV_NAME])
		link.parent = text(tb[IFLA_PARENT_DEV_BUS_NAME]) + "/" + text(tb[IFLA_PARENT_DEV_NAME]);
}

/*
 * RTM_GETLINK by index, by name, or for every link (flags NLM_F_DUMP).
 * libnl-route-3 dumps links only into a cache, and its lookup request asks
 * for statistics, a third of each reply, which nothing here reads.
 * The kernel finds a device by any of its names, altnames included, from
 * either attribute; IFLA_IFNAME stops at IFNAMSIZ, so a longer name (an
 * altname, up to ALTIFNAMSIZ) goes as IFLA_ALT_IFNAME (Linux 5.5, "net:
 * rtnetlink: add possibility to use alternative names as message handle").
 */
NlMsg link_request(int flags, int ifindex, const std::string *name)
{
	NlMsg request(nlmsg_alloc_simple(RTM_GETLINK, flags));
	ifinfomsg ifi{};
	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_index = ifindex;
	if (!request || nlmsg_append(request.get(), &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    (name && nla_put_string(request.get(), name->size() < IFNAMSIZ ? IFLA_IFNAME : IFLA_ALT_IFNAME, name->c_str()) < 0) ||
	    nla_put_u32(request.get(), IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0)
		return nullptr;
	return request;
}

} /* namespace */

int NetlinkSocket::get_link(int ifindex, const std::string &name, Link &out) noexcept
{
	if (!state_)
		return -EBADF;
	State &st = *state_;
	NlMsg request = link_request(0, ifindex, ifindex > 0 ? nullptr : &name);
	if (!request)
		return st.fail_locally(ENOMEM);
	bool found = false;
	const std::function<void(nl_object *)> keep = [&](nl_object *object) {
		out = link_of(reinterpret_cast<rtnl_link *>(object));
		found = true;
	};
	const std::function<void(nl_msg *)> hardware = [&](nl_msg *msg) { read_hardware(msg, out); };
	const int r = transact(request.get(), RTM_NEWLINK, &keep, false, &hardware);
	if (r == 0 && !found)
		return st.fail_locally(EBADMSG, "the kernel's answer to a link lookup held no link");
	return r;
}

int NetlinkSocket::change_link(const Link &orig, const LinkChange &change) noexcept
{
	if (!state_)
		return -EBADF;
	State &st = *state_;
	RtnlLink from(rtnl_link_alloc());
	RtnlLink to(rtnl_link_alloc());
	if (!from || !to)
		return st.fail_locally(ENOMEM);
	rtnl_link_set_ifindex(from.get(), orig.ifindex);
	rtnl_link_set_name(from.get(), orig.name.c_str());
	rtnl_link_set_flags(from.get(), orig.flags);
	if (change.netns_fd >= 0)
		rtnl_link_set_ns_fd(to.get(), change.netns_fd);
	if (!change.name.empty() && change.name != orig.name)
		rtnl_link_set_name(to.get(), change.name.c_str());
	if (change.mtu)
		rtnl_link_set_mtu(to.get(), change.mtu);
	if (!change.mac.empty()) {
		unsigned char bytes[max_mac_bytes];
		size_t size;
		if (!mac_bytes(change.mac, bytes, size))
			return st.fail_locally(EINVAL, "not a MAC address");
		NlAddr mac(nl_addr_build(AF_LLC, bytes, size));
		if (!mac)
			return st.fail_locally(ENOMEM);
		rtnl_link_set_addr(to.get(), mac.get());
	}
	if (change.alias)
		rtnl_link_set_ifalias(to.get(), change.alias->c_str());
	if (change.up)
		rtnl_link_set_flags(to.get(), IFF_UP);
	if (change.down)
		rtnl_link_unset_flags(to.get(), IFF_UP);
	for (const auto &[id, value] : change.ipv4_conf)
		if (rtnl_link_inet_set_conf(to.get(), static_cast<unsigned>(id), static_cast<uint32_t>(value)) < 0)
			return st.fail_locally(EINVAL, "an IPv4 device setting libnl cannot send");

	want_kernel_text();
	st.drain_if_stale();
	/* rtnl_link_change() numbers its request itself: the next number, or the one after for its RTM_SETLINK retry. */
	const uint32_t next = nl_socket_use_seq(st.sock.get()) + 1;
	st.begin(State::Answer::ack, next, next + 1);
	int r = rtnl_link_change(st.sock.get(), from.get(), to.get(), 0);
	if (r >= 0)
		return 0;
	if (st.refusal)
		return st.refusal;
	st.stale = true;
	return st.fail_locally(errno_of(r), nl_geterror(r));
}

bool netlink_sets_ipv4_conf(int id) noexcept
{
	static const int highest = [] {
		RtnlLink probe(rtnl_link_alloc());
		int known = 0;
		while (probe && rtnl_link_inet_set_conf(probe.get(), static_cast<unsigned>(known + 1), 0) == 0)
			known++;
		return known;
	}();
	return id >= 1 && id <= highest;
}

int NetlinkSocket::dump_links(const std::function<void(const Link &)> &each) noexcept
{
	if (!state_)
		return -EBADF;
	NlMsg request = link_request(NLM_F_DUMP, 0, nullptr);
	if (!request)
		return state_->fail_locally(ENOMEM);
	/* Each reply goes to libnl's parser first, then to the reader of what it does not keep. */
	Link current;
	const std::function<void(nl_object *)> parsed = [&](nl_object *object) { current = link_of(reinterpret_cast<rtnl_link *>(object)); };
	const std::function<void(nl_msg *)> whole = [&](nl_msg *msg) {
		read_hardware(msg, current);
		each(current);
	};
	return transact(request.get(), RTM_NEWLINK, &parsed, true, &whole);
}

int NetlinkSocket::get_nsid(int netns_fd, int &nsid) noexcept
{
	if (!state_)
		return -EBADF;
	/* libnl-route-3 has no call for namespace ids. */
	NlMsg request(nlmsg_alloc_simple(RTM_GETNSID, 0));
	rtgenmsg family{AF_UNSPEC};
	if (!request || nlmsg_append(request.get(), &family, sizeof(family), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(request.get(), NETNSA_FD, static_cast<uint32_t>(netns_fd)) < 0)
		return state_->fail_locally(ENOMEM);
	nsid = -1;
	const std::function<void(nl_msg *)> read = [&](nl_msg *msg) {
		nlattr *tb[NETNSA_MAX + 1];
		if (nlmsg_parse(nlmsg_hdr(msg), sizeof(rtgenmsg), tb, NETNSA_MAX, nullptr) == 0 && tb[NETNSA_NSID])
			nsid = static_cast<int32_t>(nla_get_u32(tb[NETNSA_NSID]));
	};
	want_kernel_text();
	return transact(request.get(), RTM_NEWNSID, nullptr, false, &read);
}

} /* namespace lxcnet::detail */
