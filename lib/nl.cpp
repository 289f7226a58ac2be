/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nl.hpp"

#include <cerrno>
#include <cstring>
#include <exception>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <new>
#include <sys/socket.h>

#include "netns.hpp"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace lxcnet::detail {

namespace {

void set_flag(int fd, int option) noexcept
{
	int one = 1;
	/* Older kernels lack these; the only loss is a less precise message or a client-side filter. */
	(void)::setsockopt(fd, SOL_NETLINK, option, &one, sizeof(one));
}

/* The NLMSGERR_ATTR_MSG text that follows an error when NETLINK_EXT_ACK is on. */
std::string extack_text(const nlmsgerr *err) noexcept
{
	auto *hdr = reinterpret_cast<const nlmsghdr *>(reinterpret_cast<const char *>(err) - NLMSG_HDRLEN);
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return {};
	size_t offset = NLMSG_HDRLEN + sizeof(*err);
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
		offset += NLMSG_ALIGN(err->msg.nlmsg_len - NLMSG_HDRLEN);
	if (hdr->nlmsg_len <= offset)
		return {};
	auto *attrs = reinterpret_cast<nlattr *>(reinterpret_cast<char *>(const_cast<nlmsghdr *>(hdr)) + offset);
	nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, static_cast<int>(hdr->nlmsg_len - offset), nullptr) < 0)
		return {};
	if (!tb[NLMSGERR_ATTR_MSG])
		return {};
	const char *text = static_cast<const char *>(nla_data(tb[NLMSGERR_ATTR_MSG]));
	return std::string(text, strnlen(text, nla_len(tb[NLMSGERR_ATTR_MSG])));
}

/* A link reply's fields lxcnet uses; false if it is no link message. */
bool parse_link(nlmsghdr *hdr, Link &out)
{
	if (hdr->nlmsg_type != RTM_NEWLINK || hdr->nlmsg_len < NLMSG_LENGTH(sizeof(ifinfomsg)))
		return false;
	auto *ifi = static_cast<const ifinfomsg *>(nlmsg_data(hdr));
	nlattr *tb[IFLA_MAX + 1];
	if (nlmsg_parse(hdr, sizeof(*ifi), tb, IFLA_MAX, nullptr) < 0)
		return false;
	auto text = [](const nlattr *a) {
		auto *s = static_cast<const char *>(nla_data(a));
		return std::string(s, strnlen(s, static_cast<size_t>(nla_len(a))));
	};
	Link link;
	link.ifindex = ifi->ifi_index;
	link.flags = ifi->ifi_flags;
	if (tb[IFLA_IFNAME])
		link.name = text(tb[IFLA_IFNAME]);
	if (tb[IFLA_IFALIAS])
		link.alias = text(tb[IFLA_IFALIAS]);
	if (tb[IFLA_MTU] && nla_len(tb[IFLA_MTU]) >= 4)
		link.mtu = nla_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_ADDRESS]) {
		auto *bytes = static_cast<const unsigned char *>(nla_data(tb[IFLA_ADDRESS]));
		static const char digits[] = "0123456789abcdef";
		for (int i = 0; i < nla_len(tb[IFLA_ADDRESS]); i++) {
			if (i)
				link.mac += ':';
			link.mac += digits[bytes[i] >> 4];
			link.mac += digits[bytes[i] & 15];
		}
	}
	out = std::move(link);
	return true;
}

/* libnl's parser for one reply message, with a C++ callback: an exception must not unwind through libnl's C frames, so it is carried across them. */
void for_each_object(nlmsghdr *hdr, const std::function<void(nl_object *)> &each)
{
	NlMsg msg(nlmsg_convert(hdr));
	if (!msg)
		throw std::bad_alloc();
	nlmsg_set_proto(msg.get(), NETLINK_ROUTE); /* how libnl finds the parser for the message type */
	struct Carry {
		const std::function<void(nl_object *)> *each;
		std::exception_ptr error;
	} carry{&each, nullptr};
	nl_msg_parse(msg.get(), +[](nl_object *obj, void *arg) {
		auto *c = static_cast<Carry *>(arg);
		if (c->error)
			return;
		try {
			(*c->each)(obj);
		} catch (...) {
			c->error = std::current_exception();
		}
	}, &carry);
	if (carry.error)
		std::rethrow_exception(carry.error);
}

} /* namespace */

int errno_from_nle(int nle) noexcept
{
	switch (nle < 0 ? -nle : nle) {
	case 0: return 0;
	case NLE_NOMEM: return ENOMEM;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV: return ENODEV;
	case NLE_EXIST: return EEXIST;
	case NLE_INVAL:
	case NLE_RANGE:
	case NLE_MSGSIZE: return EINVAL;
	case NLE_PERM: return EPERM;
	case NLE_OPNOTSUPP: return EOPNOTSUPP;
	case NLE_BUSY: return EBUSY;
	case NLE_AGAIN: return EAGAIN;
	case NLE_NOADDR: return EADDRNOTAVAIL;
	case NLE_AF_NOSUPPORT: return EAFNOSUPPORT;
	case NLE_BAD_SOCK: return ENOTSOCK;
	case NLE_INTR: return EINTR;
	case NLE_NOACCESS: return EACCES;
	default: return EIO;
	}
}

int NetlinkSocket::open(int netns_fd, int home) noexcept
{
	UniqueFd fd;
	{
		NetnsGuard guard;
		if (netns_fd >= 0)
			if (int r = guard.enter(netns_fd, home); r < 0)
				return r;
		/* Not bound: the kernel assigns it a port at its first send. */
		fd.reset(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
		if (!fd.valid())
			return -errno;
	}
	/* Errors then carry the kernel's text. CAP_ACK is not worth its syscall: extack_text() reads either form. */
	set_flag(fd.get(), NETLINK_EXT_ACK);
	std::unique_ptr<char[]> buffer(new (std::nothrow) char[receive_buffer_size]);
	if (!buffer)
		return -ENOMEM;
	fd_ = std::move(fd);
	buffer_ = std::move(buffer);
	return 0;
}

int NetlinkSocket::fail_locally(int errnum, const char *why) noexcept
{
	try {
		message_ = why ? why : "";
	} catch (...) {
		message_.clear();
	}
	return -errnum;
}

int NetlinkSocket::transact(nl_msg *request, Reply reply, const std::function<void(nlmsghdr *)> *each) noexcept
{
	message_.clear();
	if (reply == Reply::dump && !strict_dumps_) {
		/* Only dumps need it (the kernel then honours their ifindex filters), and a bare move makes none. */
		set_flag(fd_.get(), NETLINK_GET_STRICT_CHK);
		strict_dumps_ = true;
	}
	nlmsghdr *hdr = nlmsg_hdr(request);
	/* Our own number on every request, so a late datagram of an earlier one is skipped, never taken for this answer. */
	if (++seq_ == 0)
		seq_ = 1;
	hdr->nlmsg_seq = seq_;
	hdr->nlmsg_pid = 0;
	hdr->nlmsg_flags |= NLM_F_REQUEST;
	if (reply == Reply::ack)
		hdr->nlmsg_flags |= NLM_F_ACK;
	else
		hdr->nlmsg_flags &= ~NLM_F_ACK; /* the reply itself, or a dump's end, says it is done */

	const sockaddr_nl kernel = {AF_NETLINK, 0, 0, 0};
	ssize_t sent;
	do
		sent = ::sendto(fd_.get(), hdr, hdr->nlmsg_len, 0, reinterpret_cast<const sockaddr *>(&kernel), sizeof(kernel));
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return fail_locally(errno);

	bool threw = false;
	bool interrupted = false;
	for (;;) {
		ssize_t n = ::recv(fd_.get(), buffer_.get(), receive_buffer_size, MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail_locally(errno);
		}
		if (static_cast<size_t>(n) > receive_buffer_size)
			return fail_locally(EMSGSIZE, "a netlink reply was larger than the receive buffer");
		int left = static_cast<int>(n);
		for (auto *h = reinterpret_cast<nlmsghdr *>(buffer_.get()); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != seq_ || h->nlmsg_type == NLMSG_NOOP)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr)))
					return fail_locally(EBADMSG, "truncated netlink error message");
				auto *err = static_cast<nlmsgerr *>(NLMSG_DATA(h));
				if (err->error == 0)
					return threw ? -ENOMEM : 0; /* the ACK */
				try {
					message_ = extack_text(err);
				} catch (...) {
					message_.clear();
				}
				return err->error;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				/* A dump that failed part-way ends with its errno in NLMSG_DONE. */
				int error = 0;
				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(error)))
					std::memcpy(&error, NLMSG_DATA(h), sizeof(error));
				if (error < 0)
					return error;
				if (interrupted)
					return fail_locally(EAGAIN, "the kernel's dump was interrupted by a concurrent change");
				return threw ? -ENOMEM : 0;
			}
			if (h->nlmsg_type == NLMSG_OVERRUN)
				return fail_locally(EIO, "netlink overrun");
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				interrupted = true;
			if (each && !threw) {
				try {
					(*each)(h);
				} catch (...) {
					threw = true; /* keep reading: the rest of the answer must not be left for the next request */
				}
			}
			if (reply == Reply::single)
				return threw ? -ENOMEM : 0;
		}
	}
}

int NetlinkSocket::get_link(int ifindex, const std::string &name, Link &out) noexcept
{
	/*
	 * Not rtnl_link_get_kernel(): it asks for statistics and an ACK, so each
	 * lookup took four receives and a reply a third larger than needed.
	 */
	NlMsg msg(nlmsg_alloc_simple(RTM_GETLINK, 0));
	ifinfomsg hdr{};
	hdr.ifi_family = AF_UNSPEC;
	hdr.ifi_index = ifindex > 0 ? ifindex : 0;
	if (!msg || nlmsg_append(msg.get(), &hdr, sizeof(hdr), NLMSG_ALIGNTO) < 0 ||
	    (ifindex <= 0 && nla_put_string(msg.get(), IFLA_IFNAME, name.c_str()) < 0) ||
	    nla_put_u32(msg.get(), IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0)
		return -ENOMEM;
	bool found = false;
	const std::function<void(nlmsghdr *)> keep = [&](nlmsghdr *reply) { found = parse_link(reply, out); };
	int r = transact(msg.get(), Reply::single, &keep);
	if (r == 0 && !found)
		return -EBADMSG;
	return r;
}

int NetlinkSocket::send_built(int nl_result, nl_msg *built) noexcept
{
	NlMsg msg(built);
	if (nl_result < 0)
		return fail_locally(errno_from_nle(nl_result), nl_geterror(nl_result));
	return transact(msg.get(), Reply::ack, nullptr);
}

int NetlinkSocket::change_link(const Link &orig, rtnl_link *changes) noexcept
{
	RtnlLink target(rtnl_link_alloc());
	if (!target)
		return -ENOMEM;
	rtnl_link_set_ifindex(target.get(), orig.ifindex);
	rtnl_link_set_name(target.get(), orig.name.c_str()); /* so an unchanged name is not sent */
	rtnl_link_set_flags(target.get(), orig.flags);
	nl_msg *built = nullptr;
	int r = rtnl_link_build_change_request(target.get(), changes, 0, &built);
	NlMsg msg(built);
	if (r < 0)
		return fail_locally(errno_from_nle(r), nl_geterror(r));
	r = transact(msg.get(), Reply::ack, nullptr);
	/* Kernels that predate changing a link with RTM_NEWLINK; libnl's rtnl_link_change() retries the same way. */
	if (r == -EOPNOTSUPP && nlmsg_hdr(msg.get())->nlmsg_type == RTM_NEWLINK) {
		nlmsg_hdr(msg.get())->nlmsg_type = RTM_SETLINK;
		r = transact(msg.get(), Reply::ack, nullptr);
	}
	return r;
}

int NetlinkSocket::add_address(rtnl_addr *addr) noexcept
{
	nl_msg *built = nullptr;
	int r = rtnl_addr_build_add_request(addr, NLM_F_EXCL, &built);
	return send_built(r, built);
}

int NetlinkSocket::add_route(rtnl_route *route) noexcept
{
	nl_msg *built = nullptr;
	int r = rtnl_route_build_add_request(route, NLM_F_EXCL, &built);
	return send_built(r, built);
}

int NetlinkSocket::dump_addresses(int ifindex, const std::function<void(rtnl_addr *)> &each) noexcept
{
	NlMsg msg(nlmsg_alloc_simple(RTM_GETADDR, NLM_F_DUMP));
	ifaddrmsg hdr{};
	hdr.ifa_family = AF_UNSPEC;
	hdr.ifa_index = static_cast<unsigned>(ifindex);
	if (!msg || nlmsg_append(msg.get(), &hdr, sizeof(hdr), NLMSG_ALIGNTO) < 0)
		return -ENOMEM;
	const std::function<void(nlmsghdr *)> filtered = [&](nlmsghdr *reply) {
		for_each_object(reply, [&](nl_object *obj) {
			auto *addr = reinterpret_cast<rtnl_addr *>(obj);
			/* The strict-check filter is the fast path; this keeps kernels without it correct. */
			if (rtnl_addr_get_ifindex(addr) == ifindex)
				each(addr);
		});
	};
	return transact(msg.get(), Reply::dump, &filtered);
}

int NetlinkSocket::dump_routes(int ifindex, const std::function<void(rtnl_route *)> &each) noexcept
{
	/* One dump for every family: the kernel runs each family's filtered dump in turn, under one request. */
	NlMsg msg(nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_DUMP));
	rtmsg hdr{};
	hdr.rtm_family = AF_UNSPEC;
	if (!msg || nlmsg_append(msg.get(), &hdr, sizeof(hdr), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg.get(), RTA_OIF, static_cast<uint32_t>(ifindex)) < 0)
		return -ENOMEM;
	const std::function<void(nlmsghdr *)> cast = [&](nlmsghdr *reply) {
		for_each_object(reply, [&](nl_object *obj) {
			auto *route = reinterpret_cast<rtnl_route *>(obj);
			if (rtnl_route_get_family(route) == AF_INET || rtnl_route_get_family(route) == AF_INET6)
				each(route);
		});
	};
	return transact(msg.get(), Reply::dump, &cast);
}

int NetlinkSocket::dump_links(const std::function<void(const Link &)> &each) noexcept
{
	NlMsg msg(nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP));
	ifinfomsg hdr{};
	hdr.ifi_family = AF_UNSPEC;
	if (!msg || nlmsg_append(msg.get(), &hdr, sizeof(hdr), NLMSG_ALIGNTO) < 0)
		return -ENOMEM;
	const std::function<void(nlmsghdr *)> cast = [&](nlmsghdr *reply) {
		Link link;
		if (parse_link(reply, link))
			each(link);
	};
	return transact(msg.get(), Reply::dump, &cast);
}

} /* namespace lxcnet::detail */
