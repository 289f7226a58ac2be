/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "rtnl.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lxb {

namespace {

[[noreturn]] void throw_errno(int errnum, const std::string &what)
{
	throw std::system_error(errnum, std::generic_category(), what);
}

/* Room for a header, its family struct and a few small attributes; nothing the floor sends is bigger. */
template <class Family>
struct Request {
	nlmsghdr hdr;
	Family body;
	char attrs[96];

	Request(unsigned short type, unsigned short flags) : hdr{}, body{}, attrs{}
	{
		hdr.nlmsg_len = NLMSG_LENGTH(sizeof(Family));
		hdr.nlmsg_type = type;
		hdr.nlmsg_flags = static_cast<unsigned short>(NLM_F_REQUEST | flags);
	}
};
using LinkRequest = Request<ifinfomsg>;

template <class Req>
void put_attr(Req &req, unsigned short type, const void *data, size_t len)
{
	size_t at = NLMSG_ALIGN(req.hdr.nlmsg_len);
	if (at + RTA_SPACE(len) > sizeof(req))
		throw std::length_error("netlink request overflow");
	auto *rta = reinterpret_cast<rtattr *>(reinterpret_cast<char *>(&req) + at);
	rta->rta_type = type;
	rta->rta_len = static_cast<unsigned short>(RTA_LENGTH(len));
	std::memcpy(RTA_DATA(rta), data, len);
	req.hdr.nlmsg_len = static_cast<unsigned>(at + RTA_SPACE(len));
}

const sockaddr_nl kernel_addr = {AF_NETLINK, 0, 0, 0};

} /* namespace */

Fd open_own_netns()
{
	int fd = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		throw_errno(errno, "open /proc/thread-self/ns/net");
	return Fd(fd);
}

RtnlSocket::RtnlSocket(int netns_fd, int home_fd)
{
	Fd own_home;
	int home = -1;
	if (netns_fd >= 0) {
		if (home_fd < 0)
			own_home = open_own_netns();
		home = home_fd >= 0 ? home_fd : own_home.get();
		if (::setns(netns_fd, CLONE_NEWNET) < 0)
			throw_errno(errno, "setns into the container's netns");
	}
	int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int saved = errno;
	/* Staying in the container's netns by accident would silently measure the wrong thing for the rest of the run. */
	if (home >= 0 && ::setns(home, CLONE_NEWNET) < 0)
		std::abort();
	if (fd < 0)
		throw_errno(saved, "netlink socket");
	fd_.reset(fd);
}

/*
 * Sends request under a fresh sequence number, then hands each message of
 * its answer to on_message until that returns a result. The buffer is
 * thread_local rather than on the stack: a dump needs 64 KiB, and a stack
 * frame that large also hides the callers from perf's 32 KiB stack copy.
 */
template <class OnMessage>
int RtnlSocket::exchange(void *request, unsigned len, OnMessage on_message)
{
	auto *hdr = static_cast<nlmsghdr *>(request);
	hdr->nlmsg_seq = ++seq_;
	if (::sendto(fd_.get(), request, len, 0, reinterpret_cast<const sockaddr *>(&kernel_addr), sizeof(kernel_addr)) < 0)
		return -errno;
	alignas(nlmsghdr) static thread_local char buf[65536];
	for (;;) {
		ssize_t n = ::recv(fd_.get(), buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		int left = static_cast<int>(n);
		for (auto *h = reinterpret_cast<nlmsghdr *>(buf); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != hdr->nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR)
				return static_cast<const nlmsgerr *>(NLMSG_DATA(h))->error;
			if (std::optional<int> result = on_message(h))
				return *result;
		}
	}
}

int RtnlSocket::transact_ack(void *request, unsigned len)
{
	return exchange(request, len, [](const nlmsghdr *) { return std::optional<int>(); });
}

int RtnlSocket::move(int ifindex, int to_netns_fd, const std::string &new_name)
{
	LinkRequest req(RTM_NEWLINK, NLM_F_ACK);
	req.body.ifi_family = AF_UNSPEC;
	req.body.ifi_index = ifindex;
	uint32_t fd = static_cast<uint32_t>(to_netns_fd);
	put_attr(req, IFLA_NET_NS_FD, &fd, sizeof(fd));
	put_attr(req, IFLA_IFNAME, new_name.c_str(), new_name.size() + 1);
	return transact_ack(&req, req.hdr.nlmsg_len);
}

int RtnlSocket::add_address(int ifindex, int family, const void *addr, unsigned prefixlen)
{
	Request<ifaddrmsg> req(RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	req.body.ifa_family = static_cast<unsigned char>(family);
	req.body.ifa_prefixlen = static_cast<unsigned char>(prefixlen);
	req.body.ifa_scope = RT_SCOPE_UNIVERSE;
	req.body.ifa_index = static_cast<unsigned>(ifindex);
	put_attr(req, IFA_LOCAL, addr, family == AF_INET ? 4 : 16);
	return transact_ack(&req, req.hdr.nlmsg_len);
}

int RtnlSocket::set_up(int ifindex)
{
	LinkRequest req(RTM_NEWLINK, NLM_F_ACK);
	req.body.ifi_family = AF_UNSPEC;
	req.body.ifi_index = ifindex;
	req.body.ifi_flags = IFF_UP;
	req.body.ifi_change = IFF_UP;
	return transact_ack(&req, req.hdr.nlmsg_len);
}

int RtnlSocket::add_route4(int ifindex, const void *dst, unsigned dst_len, const void *gateway)
{
	Request<rtmsg> req(RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	req.body.rtm_family = AF_INET;
	req.body.rtm_dst_len = static_cast<unsigned char>(dst_len);
	req.body.rtm_table = RT_TABLE_MAIN;
	req.body.rtm_protocol = RTPROT_BOOT;
	req.body.rtm_scope = RT_SCOPE_UNIVERSE;
	req.body.rtm_type = RTN_UNICAST;
	uint32_t oif = static_cast<uint32_t>(ifindex);
	put_attr(req, RTA_DST, dst, 4);
	put_attr(req, RTA_GATEWAY, gateway, 4);
	put_attr(req, RTA_OIF, &oif, sizeof(oif));
	return transact_ack(&req, req.hdr.nlmsg_len);
}

int RtnlSocket::ifindex_of(const std::string &name)
{
	LinkRequest req(RTM_GETLINK, 0);
	req.body.ifi_family = AF_UNSPEC;
	uint32_t mask = RTEXT_FILTER_SKIP_STATS;
	put_attr(req, IFLA_EXT_MASK, &mask, sizeof(mask));
	put_attr(req, IFLA_IFNAME, name.c_str(), name.size() + 1);
	return exchange(&req, req.hdr.nlmsg_len, [](const nlmsghdr *h) {
		return h->nlmsg_type == RTM_NEWLINK ? std::optional<int>(static_cast<const ifinfomsg *>(NLMSG_DATA(h))->ifi_index)
						    : std::nullopt;
	});
}

int RtnlSocket::link_of(const std::string &name, LinkBrief &out)
{
	LinkRequest req(RTM_GETLINK, 0);
	req.body.ifi_family = AF_UNSPEC;
	uint32_t mask = RTEXT_FILTER_SKIP_STATS;
	put_attr(req, IFLA_EXT_MASK, &mask, sizeof(mask));
	put_attr(req, IFLA_IFNAME, name.c_str(), name.size() + 1);
	return exchange(&req, req.hdr.nlmsg_len, [&](const nlmsghdr *h) {
		if (h->nlmsg_type != RTM_NEWLINK)
			return std::optional<int>();
		const auto *ifi = static_cast<const ifinfomsg *>(NLMSG_DATA(h));
		out.ifindex = ifi->ifi_index;
		out.flags = ifi->ifi_flags;
		int left = static_cast<int>(IFLA_PAYLOAD(h));
		for (auto *rta = IFLA_RTA(ifi); RTA_OK(rta, left); rta = RTA_NEXT(rta, left))
			if (rta->rta_type == IFLA_ADDRESS)
				out.mac.assign(static_cast<const char *>(RTA_DATA(rta)), RTA_PAYLOAD(rta));
		return std::optional<int>(0);
	});
}

void RtnlSocket::strict_dumps()
{
	int one = 1;
	if (::setsockopt(fd_.get(), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one)) < 0)
		throw_errno(errno, "NETLINK_GET_STRICT_CHK");
}

int RtnlSocket::ask_all(std::string &requests)
{
	int left = static_cast<int>(requests.size());
	for (auto *h = reinterpret_cast<nlmsghdr *>(requests.data()); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
		h->nlmsg_seq = ++seq_;
		h->nlmsg_flags &= static_cast<unsigned short>(~NLM_F_ACK);
	}
	if (::sendto(fd_.get(), requests.data(), requests.size(), 0, reinterpret_cast<const sockaddr *>(&kernel_addr),
		     sizeof(kernel_addr)) < 0)
		return -errno;
	alignas(nlmsghdr) char buf[4096];
	int result = 0;
	for (;;) {
		ssize_t n = ::recv(fd_.get(), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN ? result : -errno;
		auto *h = reinterpret_cast<nlmsghdr *>(buf);
		if (NLMSG_OK(h, static_cast<int>(n)) && h->nlmsg_type == NLMSG_ERROR && !result)
			result = static_cast<const nlmsgerr *>(NLMSG_DATA(h))->error;
	}
}

int RtnlSocket::dump(nlmsghdr *request, const std::function<void(const nlmsghdr *)> &on_reply)
{
	return exchange(request, request->nlmsg_len, [&](const nlmsghdr *h) {
		if (h->nlmsg_type == NLMSG_DONE)
			return std::optional<int>(0);
		on_reply(h);
		return std::optional<int>();
	});
}

int RtnlSocket::count_links()
{
	LinkRequest req(RTM_GETLINK, NLM_F_DUMP);
	req.body.ifi_family = AF_UNSPEC;
	int count = 0;
	return exchange(&req, req.hdr.nlmsg_len, [&](const nlmsghdr *h) {
		if (h->nlmsg_type == NLMSG_DONE)
			return std::optional<int>(count);
		if (h->nlmsg_type == RTM_NEWLINK)
			count++;
		return std::optional<int>();
	});
}

} /* namespace lxb */
