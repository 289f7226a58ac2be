/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "netlink.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "error.hpp"
#include "netns.hpp"

namespace lxcnet::cni {

namespace {

template <auto fn>
struct Free {
	template <typename T>
	void operator()(T *p) const { fn(p); }
};
using LinkPtr = std::unique_ptr<rtnl_link, Free<rtnl_link_put>>;
using AddrPtr = std::unique_ptr<rtnl_addr, Free<rtnl_addr_put>>;
using RoutePtr = std::unique_ptr<rtnl_route, Free<rtnl_route_put>>;
using NlAddrPtr = std::unique_ptr<nl_addr, Free<nl_addr_put>>;
using CachePtr = std::unique_ptr<nl_cache, Free<nl_cache_free>>;

int errno_of(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_EXIST: return EEXIST;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV: return ENODEV;
	case NLE_INVAL:
	case NLE_RANGE: return EINVAL;
	case NLE_PERM:
	case NLE_NOACCESS: return EPERM;
	case NLE_BUSY: return EBUSY;
	case NLE_AGAIN: return EAGAIN;
	case NLE_NOADDR: return EADDRNOTAVAIL;
	case NLE_NOMEM: return ENOMEM;
	case NLE_OPNOTSUPP: return EOPNOTSUPP;
	case NLE_AF_NOSUPPORT: return EAFNOSUPPORT;
	default: return EIO;
	}
}

IpAddr ip_of(nl_addr *a)
{
	IpAddr ip;
	ip.family = nl_addr_get_family(a);
	size_t len = std::min<size_t>(nl_addr_get_len(a), ip.bytes.size());
	if (len)
		std::memcpy(ip.bytes.data(), nl_addr_get_binary_addr(a), len);
	return ip;
}

NlAddrPtr nl_of(const IpAddr &ip, unsigned prefix)
{
	NlAddrPtr a(nl_addr_build(ip.family, ip.bytes.data(), ip.size()));
	if (a)
		nl_addr_set_prefixlen(a.get(), static_cast<int>(prefix));
	return a;
}

Netlink::Link link_of(rtnl_link *l)
{
	Netlink::Link out;
	out.ifindex = rtnl_link_get_ifindex(l);
	out.name = rtnl_link_get_name(l) ? rtnl_link_get_name(l) : "";
	out.alias = rtnl_link_get_ifalias(l) ? rtnl_link_get_ifalias(l) : "";
	out.mtu = rtnl_link_get_mtu(l);
	out.up = rtnl_link_get_flags(l) & IFF_UP;
	if (nl_addr *mac = rtnl_link_get_addr(l)) {
		const auto *b = static_cast<const unsigned char *>(nl_addr_get_binary_addr(mac));
		for (unsigned i = 0; i < nl_addr_get_len(mac); i++) {
			char hex[4];
			std::snprintf(hex, sizeof(hex), i ? ":%02x" : "%02x", b[i]);
			out.mac += hex;
		}
	}
	return out;
}

} /* namespace */

Netlink::Netlink(int netns_fd)
{
	std::unique_ptr<nl_sock, Free<nl_socket_free>> sock(nl_socket_alloc());
	if (!sock)
		throw CniError(internal, "allocate a netlink socket: out of memory");
	int r;
	if (netns_fd >= 0) {
		InNetns inside(netns_fd);
		r = nl_connect(sock.get(), NETLINK_ROUTE);
	} else {
		r = nl_connect(sock.get(), NETLINK_ROUTE);
	}
	if (r < 0)
		throw CniError(internal, std::string("open a netlink socket: ") + nl_geterror(r));
	/* The IPAM plugin we exec must not inherit a socket into the container. */
	(void)::fcntl(nl_socket_get_fd(sock.get()), F_SETFD, FD_CLOEXEC);
	sock_ = sock.release();
}

Netlink::~Netlink()
{
	if (sock_)
		nl_socket_free(sock_);
}

int Netlink::fail(int nl_error)
{
	error_ = nl_geterror(nl_error);
	return -errno_of(nl_error);
}

int Netlink::link(int ifindex, const std::string &name, Link &out)
{
	rtnl_link *raw = nullptr;
	int r = rtnl_link_get_kernel(sock_, ifindex > 0 ? ifindex : 0, ifindex > 0 ? nullptr : name.c_str(), &raw);
	if (r < 0)
		return fail(r);
	LinkPtr l(raw);
	out = link_of(l.get());
	return 0;
}

int Netlink::links(std::vector<Link> &out)
{
	nl_cache *raw = nullptr;
	if (int r = rtnl_link_alloc_cache(sock_, AF_UNSPEC, &raw); r < 0)
		return fail(r);
	CachePtr cache(raw);
	for (nl_object *o = nl_cache_get_first(cache.get()); o; o = nl_cache_get_next(o))
		out.push_back(link_of(reinterpret_cast<rtnl_link *>(o)));
	return 0;
}

int Netlink::set_up(int ifindex)
{
	rtnl_link *raw = nullptr;
	if (int r = rtnl_link_get_kernel(sock_, ifindex, nullptr, &raw); r < 0)
		return fail(r);
	LinkPtr orig(raw);
	LinkPtr changes(rtnl_link_alloc());
	if (!changes)
		return -ENOMEM;
	rtnl_link_set_flags(changes.get(), IFF_UP);
	if (int r = rtnl_link_change(sock_, orig.get(), changes.get(), 0); r < 0)
		return fail(r);
	return 0;
}

int Netlink::add_address(int ifindex, const Cidr &cidr)
{
	AddrPtr addr(rtnl_addr_alloc());
	NlAddrPtr local = nl_of(cidr.ip, cidr.prefix);
	if (!addr || !local)
		return -ENOMEM;
	rtnl_addr_set_ifindex(addr.get(), ifindex);
	rtnl_addr_set_family(addr.get(), cidr.ip.family);
	if (int r = rtnl_addr_set_local(addr.get(), local.get()); r < 0)
		return fail(r);
	rtnl_addr_set_prefixlen(addr.get(), static_cast<int>(cidr.prefix));
	if (auto bcast = broadcast_of(cidr)) {
		NlAddrPtr b = nl_of(*bcast, 32);
		if (!b)
			return -ENOMEM;
		if (int r = rtnl_addr_set_broadcast(addr.get(), b.get()); r < 0)
			return fail(r);
	}
	if (int r = rtnl_addr_add(sock_, addr.get(), NLM_F_EXCL); r < 0)
		return fail(r);
	return 0;
}

int Netlink::add_route(int ifindex, const Result::Route &spec)
{
	RoutePtr route(rtnl_route_alloc());
	NlAddrPtr dst = nl_of(spec.dst.network().ip, spec.dst.prefix);
	if (!route || !dst)
		return -ENOMEM;
	rtnl_route_set_family(route.get(), static_cast<uint8_t>(spec.dst.ip.family));
	rtnl_route_set_table(route.get(), spec.table.value_or(RT_TABLE_MAIN));
	if (int r = rtnl_route_set_dst(route.get(), dst.get()); r < 0)
		return fail(r);
	if (spec.priority)
		rtnl_route_set_priority(route.get(), spec.priority);
	if (spec.scope)
		rtnl_route_set_scope(route.get(), static_cast<uint8_t>(*spec.scope));
	if (spec.mtu)
		rtnl_route_set_metric(route.get(), RTAX_MTU, spec.mtu);
	if (spec.advmss)
		rtnl_route_set_metric(route.get(), RTAX_ADVMSS, spec.advmss);
	rtnl_nexthop *nh = rtnl_route_nh_alloc();
	if (!nh)
		return -ENOMEM;
	rtnl_route_nh_set_ifindex(nh, ifindex);
	if (spec.gw) {
		NlAddrPtr gw = nl_of(*spec.gw, spec.gw->size() * 8);
		if (!gw) {
			rtnl_route_nh_free(nh);
			return -ENOMEM;
		}
		rtnl_route_nh_set_gateway(nh, gw.get());
	}
	rtnl_route_add_nexthop(route.get(), nh); /* the route owns it now */
	if (int r = rtnl_route_add(sock_, route.get(), NLM_F_EXCL); r < 0)
		return fail(r);
	return 0;
}

int Netlink::addresses(int ifindex, std::vector<Address> &out)
{
	nl_cache *raw = nullptr;
	if (int r = rtnl_addr_alloc_cache(sock_, &raw); r < 0)
		return fail(r);
	CachePtr cache(raw);
	for (nl_object *o = nl_cache_get_first(cache.get()); o; o = nl_cache_get_next(o)) {
		auto *a = reinterpret_cast<rtnl_addr *>(o);
		if (rtnl_addr_get_ifindex(a) != ifindex || !rtnl_addr_get_local(a))
			continue;
		Address addr;
		addr.cidr = {ip_of(rtnl_addr_get_local(a)), static_cast<unsigned>(rtnl_addr_get_prefixlen(a))};
		addr.scope = rtnl_addr_get_scope(a);
		addr.flags = rtnl_addr_get_flags(a);
		out.push_back(addr);
	}
	return 0;
}

int Netlink::routes(std::vector<RouteEntry> &out)
{
	nl_cache *raw = nullptr;
	if (int r = rtnl_route_alloc_cache(sock_, AF_UNSPEC, 0, &raw); r < 0)
		return fail(r);
	CachePtr cache(raw);
	for (nl_object *o = nl_cache_get_first(cache.get()); o; o = nl_cache_get_next(o)) {
		auto *r = reinterpret_cast<rtnl_route *>(o);
		RouteEntry base;
		base.dst.ip.family = rtnl_route_get_family(r);
		if (nl_addr *dst = rtnl_route_get_dst(r)) {
			base.dst.ip = ip_of(dst);
			base.dst.ip.family = rtnl_route_get_family(r);
			base.dst.prefix = static_cast<unsigned>(nl_addr_get_prefixlen(dst));
		}
		base.table = rtnl_route_get_table(r);
		base.priority = rtnl_route_get_priority(r);
		base.protocol = rtnl_route_get_protocol(r);
		base.type = rtnl_route_get_type(r);
		base.scope = rtnl_route_get_scope(r);
		int n = rtnl_route_get_nnexthops(r);
		if (n == 0)
			out.push_back(base);
		for (int i = 0; i < n; i++) {
			rtnl_nexthop *nh = rtnl_route_nexthop_n(r, i);
			RouteEntry e = base;
			e.oif = rtnl_route_nh_get_ifindex(nh);
			if (nl_addr *gw = rtnl_route_nh_get_gateway(nh))
				e.gw = ip_of(gw);
			out.push_back(e);
		}
	}
	return 0;
}

} /* namespace lxcnet::cni */
