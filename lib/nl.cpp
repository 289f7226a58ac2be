/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nl.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
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

int NetlinkSocket::on_error(struct sockaddr_nl *, struct nlmsgerr *err, void *arg)
{
	auto *failure = static_cast<Failure *>(arg);
	failure->errnum = -err->error;
	failure->extack = extack_text(err);
	/* NL_STOP ends the receive with this error while libnl's own -NLE_OPNOTSUPP fallback still sees it. */
	return NL_STOP;
}

int NetlinkSocket::open(int netns_fd, int home) noexcept
{
	NlSockPtr sock(nl_socket_alloc());
	if (!sock)
		return -ENOMEM;
	int r;
	{
		NetnsGuard guard;
		if (netns_fd >= 0 && (r = guard.enter(netns_fd, home)) < 0)
			return r;
		r = nl_connect(sock.get(), NETLINK_ROUTE);
	}
	if (r < 0)
		return -errno_from_nle(r);
	/* nl_connect leaves the fd inheritable across exec. */
	int fd = nl_socket_get_fd(sock.get());
	if (::fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return -errno;
	set_flag(fd, NETLINK_EXT_ACK);
	set_flag(fd, NETLINK_CAP_ACK);
	set_flag(fd, NETLINK_GET_STRICT_CHK);
	nl_socket_modify_err_cb(sock.get(), NL_CB_CUSTOM, on_error, &failure_);
	sock_ = std::move(sock);
	return 0;
}

int NetlinkSocket::finish(int nl_result) noexcept
{
	if (nl_result >= 0) {
		message_.clear();
		return 0;
	}
	int errnum = failure_.errnum ? failure_.errnum : errno_from_nle(nl_result);
	try {
		/* A kernel error without extack leaves the message empty: strerror(errnum) says it all then. */
		message_ = failure_.errnum ? failure_.extack : std::string(nl_geterror(nl_result));
	} catch (...) {
		message_.clear();
	}
	return -errnum;
}

int NetlinkSocket::get_link(int ifindex, const std::string &name, RtnlLink &out) noexcept
{
	failure_ = {};
	rtnl_link *link = nullptr;
	int r = rtnl_link_get_kernel(sock_.get(), ifindex, ifindex > 0 ? nullptr : name.c_str(), &link);
	out.reset(link);
	return finish(r);
}

int NetlinkSocket::change_link(rtnl_link *orig, rtnl_link *changes) noexcept
{
	failure_ = {};
	return finish(rtnl_link_change(sock_.get(), orig, changes, 0));
}

int NetlinkSocket::add_address(rtnl_addr *addr) noexcept
{
	failure_ = {};
	return finish(rtnl_addr_add(sock_.get(), addr, NLM_F_EXCL));
}

int NetlinkSocket::add_route(rtnl_route *route) noexcept
{
	failure_ = {};
	return finish(rtnl_route_add(sock_.get(), route, NLM_F_EXCL));
}

int NetlinkSocket::dump(nl_msg *request, const std::function<void(nl_object *)> &each) noexcept
{
	failure_ = {};
	int r = nl_send_auto(sock_.get(), request);
	if (r < 0)
		return finish(r);

	struct Context {
		const std::function<void(nl_object *)> *each;
		bool threw = false;
	} context{&each};
	auto valid = [](nl_msg *msg, void *arg) -> int {
		nl_msg_parse(msg, +[](nl_object *obj, void *a) {
			auto *c = static_cast<Context *>(a);
			try {
				(*c->each)(obj);
			} catch (...) {
				c->threw = true;
			}
		}, arg);
		return NL_OK;
	};
	nl_cb *base = nl_socket_get_cb(sock_.get());
	nl_cb *cb = nl_cb_clone(base);
	nl_cb_put(base);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid, &context);
	r = nl_recvmsgs(sock_.get(), cb);
	nl_cb_put(cb);
	if (context.threw)
		return -ENOMEM;
	return finish(r);
}

int NetlinkSocket::dump_addresses(int ifindex, const std::function<void(rtnl_addr *)> &each) noexcept
{
	NlMsg msg(nlmsg_alloc_simple(RTM_GETADDR, NLM_F_DUMP));
	ifaddrmsg hdr{};
	hdr.ifa_family = AF_UNSPEC;
	hdr.ifa_index = static_cast<unsigned>(ifindex);
	if (!msg || nlmsg_append(msg.get(), &hdr, sizeof(hdr), NLMSG_ALIGNTO) < 0)
		return -ENOMEM;
	return dump(msg.get(), [&](nl_object *obj) {
		auto *addr = reinterpret_cast<rtnl_addr *>(obj);
		/* The strict-check filter is the fast path; this keeps kernels without it correct. */
		if (rtnl_addr_get_ifindex(addr) == ifindex)
			each(addr);
	});
}

int NetlinkSocket::dump_routes(int ifindex, const std::function<void(rtnl_route *)> &each) noexcept
{
	for (unsigned char family : {AF_INET, AF_INET6}) {
		NlMsg msg(nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_DUMP));
		rtmsg hdr{};
		hdr.rtm_family = family;
		if (!msg || nlmsg_append(msg.get(), &hdr, sizeof(hdr), NLMSG_ALIGNTO) < 0 ||
		    nla_put_u32(msg.get(), RTA_OIF, static_cast<uint32_t>(ifindex)) < 0)
			return -ENOMEM;
		int r = dump(msg.get(), [&](nl_object *obj) { each(reinterpret_cast<rtnl_route *>(obj)); });
		if (r < 0)
			return r;
	}
	return 0;
}

int NetlinkSocket::dump_links(const std::function<void(rtnl_link *)> &each) noexcept
{
	NlMsg msg(nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP));
	ifinfomsg hdr{};
	hdr.ifi_family = AF_UNSPEC;
	if (!msg || nlmsg_append(msg.get(), &hdr, sizeof(hdr), NLMSG_ALIGNTO) < 0)
		return -ENOMEM;
	return dump(msg.get(), [&](nl_object *obj) { each(reinterpret_cast<rtnl_link *>(obj)); });
}

} /* namespace lxcnet::detail */
