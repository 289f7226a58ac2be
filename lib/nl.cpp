/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nl.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include "link_state.hpp"
#include "netns.hpp"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace lxcnet::detail {

namespace {

using NlSock = std::unique_ptr<nl_sock, Deleter<nl_socket_free>>;

/* Dumps are cut by the kernel to the reader's buffer (at most 32 KiB); one buffer that size means one recvmsg per datagram, no peek. */
constexpr size_t receive_buffer_size = 32768;
/* Refusals queue on the socket until read; this many per send stay well inside its receive buffer. */
constexpr size_t requests_per_send = 16;

void set_flag(int fd, int option) noexcept
{
	int one = 1;
	/* Older kernels lack these; the only loss is a less precise message or a client-side filter. */
	(void)::setsockopt(fd, SOL_NETLINK, option, &one, sizeof(one));
}

/* The NLMSGERR_ATTR_MSG text that follows an error when NETLINK_EXT_ACK is on: libnl 3.7 reads none of it. */
std::string extack_text(const nlmsgerr *err)
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

/* The errno for a failure of libnl's own (a refusal of the kernel's keeps the kernel's errno instead). */
int errno_of(int nl_error) noexcept
{
	switch (nl_error < 0 ? -nl_error : nl_error) {
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_AGAIN:
	case NLE_DUMP_INTR:
		return EAGAIN;
	case NLE_MSG_TRUNC:
	case NLE_MSGSIZE:
		return EMSGSIZE;
	case NLE_RANGE:
		return ERANGE;
	case NLE_INVAL:
	case NLE_MISSING_ATTR:
		return EINVAL;
	case NLE_AF_NOSUPPORT:
		return EAFNOSUPPORT;
	case NLE_OPNOTSUPP:
		return EOPNOTSUPP;
	case NLE_PERM:
		return EPERM;
	case NLE_NOACCESS:
		return EACCES;
	case NLE_BAD_SOCK:
		return EBADF;
	default:
		return EIO;
	}
}

/* Whatever an abandoned answer left queued: read and dropped, so it is never taken for the next one. */
void drain(int fd) noexcept
{
	char scrap[64];
	for (;;) {
		ssize_t n = ::recv(fd, scrap, sizeof(scrap), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && errno != EINTR && errno != ENOBUFS)
			return;
	}
}

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
	return link;
}

} /* namespace */

/*
 * The socket and the exchange in progress on it. The callbacks libnl calls
 * while reading an answer keep the kernel's own errno and words here, and
 * say when the answer is complete: libnl's NLE codes would lose both.
 */
struct NetlinkSocket::State {
	enum class Answer { single, dump, ack, batch };

	NlSock sock;
	bool strict_dumps = false;
	bool kernel_text = false;
	bool stale = false; /* an answer was left part-read: drain before the next request */
	std::string message;

	/* The exchange in progress: the sequence numbers it expects, and what came back. */
	Answer answer = Answer::ack;
	uint32_t first = 0;
	uint32_t last = 0;
	uint32_t base = 0; /* a batch's first request, for refusal indexes */
	int reply_type = 0;
	const std::function<void(nl_object *)> *each = nullptr;
	const std::function<bool(size_t, int)> *accept = nullptr;
	bool done = false;
	bool threw = false;
	bool interrupted = false;
	int refusal = 0; /* -errno */
	size_t refused_at = 0;

	void begin(Answer kind, uint32_t first_seq, uint32_t last_seq) noexcept
	{
		answer = kind;
		first = first_seq;
		last = last_seq;
		base = first_seq;
		reply_type = 0;
		each = nullptr;
		accept = nullptr;
		done = threw = interrupted = false;
		refusal = 0;
		refused_at = 0;
		message.clear();
	}
	bool ours(uint32_t seq) const noexcept { return seq - first <= last - first; }
	void drain_if_stale() noexcept
	{
		if (stale)
			drain(nl_socket_get_fd(sock.get()));
		stale = false;
	}

	int fail_locally(int errnum, const char *why = nullptr) noexcept
	{
		try {
			message = why ? why : "";
		} catch (...) {
			message.clear();
		}
		return -errnum;
	}
};

namespace {

NetlinkSocket::State &state_of(void *arg)
{
	return *static_cast<NetlinkSocket::State *>(arg);
}

/* A late datagram of an earlier request is skipped, never taken for this answer. */
int on_seq_check(nl_msg *msg, void *arg)
{
	return state_of(arg).ours(nlmsg_hdr(msg)->nlmsg_seq) ? NL_OK : NL_SKIP;
}

void on_object(nl_object *object, void *arg)
{
	auto &st = state_of(arg);
	if (st.threw)
		return;
	try {
		(*st.each)(object);
	} catch (...) {
		st.threw = true; /* keep reading: the rest of the answer must not be left for the next request */
	}
}

int on_valid(nl_msg *msg, void *arg)
{
	auto &st = state_of(arg);
	const nlmsghdr *hdr = nlmsg_hdr(msg);
	if (st.each && hdr->nlmsg_type == st.reply_type && nl_msg_parse(msg, on_object, arg) < 0)
		st.threw = true;
	if (st.answer == NetlinkSocket::State::Answer::single) {
		st.done = true;
		return NL_STOP;
	}
	return NL_OK;
}

int on_finish(nl_msg *msg, void *arg)
{
	auto &st = state_of(arg);
	/* A dump that failed part-way ends with its errno in NLMSG_DONE; libnl 3.7 does not look. */
	const nlmsghdr *hdr = nlmsg_hdr(msg);
	int error = 0;
	if (hdr->nlmsg_len >= NLMSG_LENGTH(sizeof(error)))
		std::memcpy(&error, nlmsg_data(hdr), sizeof(error));
	if (error < 0 && !st.refusal)
		st.refusal = error;
	st.done = true;
	return NL_STOP;
}

int on_ack(nl_msg *msg, void *arg)
{
	auto &st = state_of(arg);
	if (nlmsg_hdr(msg)->nlmsg_seq != st.last)
		return NL_OK;
	st.done = true;
	return NL_STOP;
}

int on_dump_interrupted(nl_msg *, void *arg)
{
	state_of(arg).interrupted = true;
	return NL_OK;
}

int on_error(sockaddr_nl *, nlmsgerr *err, void *arg)
{
	auto &st = state_of(arg);
	auto *hdr = reinterpret_cast<const nlmsghdr *>(reinterpret_cast<const char *>(err) - NLMSG_HDRLEN);
	const bool batch = st.answer == NetlinkSocket::State::Answer::batch;
	const size_t index = hdr->nlmsg_seq - st.base;
	bool accepted = false;
	try {
		accepted = st.accept && (*st.accept)(index, err->error);
	} catch (...) {
	}
	/* In a batch the first refusal is the cause; a link change's retry (RTM_SETLINK) reports its own. */
	if (!accepted && (!batch || !st.refusal)) {
		st.refusal = err->error;
		st.refused_at = index;
		try {
			st.message = extack_text(err);
		} catch (...) {
			st.message.clear();
		}
	}
	if (batch && hdr->nlmsg_seq != st.last)
		return NL_SKIP;
	st.done = true;
	return NL_STOP;
}

} /* namespace */

NetlinkSocket::NetlinkSocket() = default;
NetlinkSocket::~NetlinkSocket() = default;
NetlinkSocket::NetlinkSocket(NetlinkSocket &&) noexcept = default;
NetlinkSocket &NetlinkSocket::operator=(NetlinkSocket &&) noexcept = default;

int NetlinkSocket::open(int netns_fd, int home) noexcept
{
	std::unique_ptr<State> st(new (std::nothrow) State);
	if (!st)
		return -ENOMEM;
	st->sock.reset(nl_socket_alloc());
	if (!st->sock)
		return -ENOMEM;
	nl_sock *sk = st->sock.get();
	{
		NetnsGuard guard;
		if (netns_fd >= 0)
			if (int r = guard.enter(netns_fd, home); r < 0)
				return r;
		/* The socket stays bound to the netns it is created in: every later request runs from the caller's. */
		errno = 0;
		if (int r = nl_connect(sk, NETLINK_ROUTE); r < 0)
			return errno ? -errno : -errno_of(r);
	}
	nl_socket_set_msg_buf_size(sk, receive_buffer_size);
	/* Set once on the socket's own callbacks, which libnl's calls (rtnl_link_change) clone. */
	nl_socket_modify_cb(sk, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq_check, st.get());
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, st.get());
	nl_socket_modify_cb(sk, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, st.get());
	nl_socket_modify_cb(sk, NL_CB_ACK, NL_CB_CUSTOM, on_ack, st.get());
	nl_socket_modify_cb(sk, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_interrupted, st.get());
	nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, on_error, st.get());
	state_ = std::move(st);
	return 0;
}

int NetlinkSocket::fd() const noexcept
{
	return state_ ? nl_socket_get_fd(state_->sock.get()) : -1;
}

const std::string &NetlinkSocket::kernel_message() const noexcept
{
	static const std::string none;
	return state_ ? state_->message : none;
}

void NetlinkSocket::want_kernel_text() noexcept
{
	/*
	 * Errors then carry the kernel's text; libnl 3.7 has no call for it.
	 * Not for a link lookup, whose failure is ENODEV with nothing to add,
	 * and which is all a bare call sends on one of its two sockets.
	 */
	if (!state_->kernel_text) {
		set_flag(fd(), NETLINK_EXT_ACK);
		state_->kernel_text = true;
	}
}

int NetlinkSocket::receive() noexcept
{
	State &st = *state_;
	while (!st.done) {
		int r = nl_recvmsgs_default(st.sock.get());
		if (st.done)
			break;
		if (r < 0) {
			st.stale = true;
			return st.fail_locally(errno_of(r), nl_geterror(r));
		}
	}
	if (st.refusal)
		return st.refusal;
	if (st.threw)
		return st.fail_locally(ENOMEM, "a netlink reply could not be read");
	if (st.interrupted)
		return st.fail_locally(EAGAIN, "the kernel's dump was interrupted by a concurrent change");
	return 0;
}

int NetlinkSocket::transact(nl_msg *request, int reply_type, const std::function<void(nl_object *)> &each, bool dump) noexcept
{
	State &st = *state_;
	nl_sock *sk = st.sock.get();
	st.drain_if_stale();
	nl_complete_msg(sk, request);
	nlmsghdr *hdr = nlmsg_hdr(request);
	hdr->nlmsg_flags &= ~NLM_F_ACK; /* the reply itself, or a dump's end, says it is done */
	st.begin(dump ? State::Answer::dump : State::Answer::single, hdr->nlmsg_seq, hdr->nlmsg_seq);
	st.each = &each;
	st.reply_type = reply_type;
	if (int r = nl_send(sk, request); r < 0)
		return st.fail_locally(errno_of(r), nl_geterror(r));
	return receive();
}

int NetlinkSocket::get_link(int ifindex, const std::string &name, Link &out) noexcept
{
	if (!state_)
		return -EBADF;
	State &st = *state_;
	nl_msg *raw = nullptr;
	int r = rtnl_link_build_get_request(ifindex, ifindex > 0 ? nullptr : name.c_str(), &raw);
	NlMsg request(raw);
	if (r < 0)
		return st.fail_locally(errno_of(r), nl_geterror(r));
	/* libnl asks for VF details; statistics are a third of the reply and nothing here reads them. */
	if (nlattr *mask = nlmsg_find_attr(nlmsg_hdr(request.get()), sizeof(ifinfomsg), IFLA_EXT_MASK)) {
		const uint32_t skip_stats = RTEXT_FILTER_SKIP_STATS;
		std::memcpy(nla_data(mask), &skip_stats, sizeof(skip_stats));
	}
	bool found = false;
	const std::function<void(nl_object *)> keep = [&](nl_object *object) {
		out = link_of(reinterpret_cast<rtnl_link *>(object));
		found = true;
	};
	r = transact(request.get(), RTM_NEWLINK, keep, false);
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

int NetlinkSocket::dump(nl_msg *request, int reply_type, const std::function<void(nl_object *)> &each) noexcept
{
	if (!state_)
		return -EBADF;
	State &st = *state_;
	if (!st.strict_dumps) {
		/* Only dumps need it (the kernel then honours their filters), and a bare move makes none. */
		set_flag(fd(), NETLINK_GET_STRICT_CHK);
		st.strict_dumps = true;
	}
	want_kernel_text();
	return transact(request, reply_type, each, true);
}

int NetlinkSocket::dump_links(const std::function<void(const Link &)> &each) noexcept
{
	if (!state_)
		return -EBADF;
	/* libnl-route-3 dumps links only into a cache; this is the same request, without statistics. */
	NlMsg request(nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP));
	ifinfomsg ifi{};
	ifi.ifi_family = AF_UNSPEC;
	if (!request || nlmsg_append(request.get(), &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(request.get(), IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0)
		return state_->fail_locally(ENOMEM);
	return dump(request.get(), RTM_NEWLINK, [&](nl_object *object) { each(link_of(reinterpret_cast<rtnl_link *>(object))); });
}

int NetlinkSocket::send_all(std::vector<NlMsg> &batch, const std::function<bool(size_t, int)> &accept, size_t &failed) noexcept
{
	failed = batch.size();
	if (batch.empty())
		return 0;
	if (!state_)
		return -EBADF;
	State &st = *state_;
	nl_sock *sk = st.sock.get();
	want_kernel_text();
	st.drain_if_stale();
	try {
		/*
		 * A few requests per send, only the last of them asking for an ACK:
		 * the kernel handles a send's requests in order, so once that ACK
		 * (or its refusal) is read, every refusal before it has been too.
		 */
		std::string bytes;
		uint32_t base = 0;
		for (size_t start = 0; start < batch.size(); start += requests_per_send) {
			const size_t end = std::min(batch.size(), start + requests_per_send);
			bytes.clear();
			uint32_t first = 0;
			uint32_t last = 0;
			for (size_t i = start; i < end; i++) {
				nl_complete_msg(sk, batch[i].get());
				nlmsghdr *hdr = nlmsg_hdr(batch[i].get());
				if (i + 1 == end)
					hdr->nlmsg_flags |= NLM_F_ACK;
				else
					hdr->nlmsg_flags &= ~NLM_F_ACK;
				if (i == start)
					first = hdr->nlmsg_seq;
				if (i == 0)
					base = hdr->nlmsg_seq;
				last = hdr->nlmsg_seq;
				bytes.append(reinterpret_cast<const char *>(hdr), NLMSG_ALIGN(hdr->nlmsg_len));
			}
			st.begin(State::Answer::batch, first, last);
			st.base = base;
			st.accept = &accept;
			if (int r = nl_sendto(sk, bytes.data(), bytes.size()); r < 0)
				return st.fail_locally(errno_of(r), nl_geterror(r));
			if (int r = receive(); r < 0) {
				if (st.refusal)
					failed = st.refused_at;
				return r;
			}
		}
		return 0;
	} catch (const std::bad_alloc &) {
		return st.fail_locally(ENOMEM);
	}
}

} /* namespace lxcnet::detail */
