/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nl.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <new>

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include "link_state.hpp"
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

/* A link reply's fields lxcnet uses; false if it is no link message. */
bool parse_link(const nlmsghdr *hdr, Link &out)
{
	if (hdr->nlmsg_type != RTM_NEWLINK || hdr->nlmsg_len < NLMSG_LENGTH(sizeof(ifinfomsg)))
		return false;
	auto *ifi = static_cast<const ifinfomsg *>(NLMSG_DATA(hdr));
	auto text = [](const rtattr *a) {
		auto *s = static_cast<const char *>(RTA_DATA(a));
		return std::string(s, strnlen(s, RTA_PAYLOAD(a)));
	};
	Link link;
	link.ifindex = ifi->ifi_index;
	link.flags = ifi->ifi_flags;
	/* A walk for the four attributes needed, not a table of all sixty-odd: a reply is cold in the cache after the kernel wrote it. */
	int left = static_cast<int>(IFLA_PAYLOAD(hdr));
	for (auto *a = IFLA_RTA(ifi); RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		switch (a->rta_type & NLA_TYPE_MASK) {
		case IFLA_IFNAME:
			link.name = text(a);
			break;
		case IFLA_IFALIAS:
			link.alias = text(a);
			break;
		case IFLA_MTU:
			if (RTA_PAYLOAD(a) >= 4)
				std::memcpy(&link.mtu, RTA_DATA(a), 4);
			break;
		case IFLA_ADDRESS:
			link.mac = mac_text(static_cast<const unsigned char *>(RTA_DATA(a)), std::min<size_t>(RTA_PAYLOAD(a), max_mac_bytes));
			break;
		}
	}
	out = std::move(link);
	return true;
}

} /* namespace */

/*
 * The thread's receive buffer, shared by all its sockets: an answer is read
 * whole before the next request goes out, and a buffer per socket cost an
 * allocation (and a cold 32 KiB) twice per call.
 */
char *NetlinkSocket::receive_buffer() noexcept
{
	thread_local std::unique_ptr<char[]> buffer;
	if (!buffer)
		buffer.reset(new (std::nothrow) char[receive_buffer_size]);
	return buffer.get();
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
	fd_ = std::move(fd);
	return 0;
}

void NetlinkSocket::want_kernel_text() noexcept
{
	/*
	 * Errors then carry the kernel's text. Not for a link lookup, whose
	 * failure is ENODEV with nothing to add, and which is all a bare call
	 * sends on one of its two sockets. CAP_ACK is not worth its syscall:
	 * extack_text() reads either form.
	 */
	if (!kernel_text_) {
		set_flag(fd_.get(), NETLINK_EXT_ACK);
		kernel_text_ = true;
	}
}

int NetlinkSocket::send(const void *data, size_t size) noexcept
{
	const sockaddr_nl kernel = {AF_NETLINK, 0, 0, 0};
	ssize_t sent;
	do
		sent = ::sendto(fd_.get(), data, size, 0, reinterpret_cast<const sockaddr *>(&kernel), sizeof(kernel));
	while (sent < 0 && errno == EINTR);
	return sent < 0 ? fail_locally(errno) : 0;
}

void NetlinkSocket::keep_kernel_text(const nlmsgerr *err) noexcept
{
	try {
		message_ = extack_text(err);
	} catch (...) {
		message_.clear();
	}
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

int NetlinkSocket::transact(Request &request, Reply reply, const std::function<void(const nlmsghdr *)> *each) noexcept
{
	message_.clear();
	if (!request.complete())
		return fail_locally(EINVAL, "a netlink request did not fit its buffer");
	if (reply != Reply::single)
		want_kernel_text();
	if (reply == Reply::dump && !strict_dumps_) {
		/* Only dumps need it (the kernel then honours their ifindex filters), and a bare move makes none. */
		set_flag(fd_.get(), NETLINK_GET_STRICT_CHK);
		strict_dumps_ = true;
	}
	nlmsghdr *hdr = request.header();
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

	char *buffer = receive_buffer();
	if (!buffer)
		return fail_locally(ENOMEM);
	if (int r = send(hdr, hdr->nlmsg_len); r < 0)
		return r;

	bool threw = false;
	bool interrupted = false;
	for (;;) {
		ssize_t n = ::recv(fd_.get(), buffer, receive_buffer_size, MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail_locally(errno);
		}
		if (static_cast<size_t>(n) > receive_buffer_size)
			return fail_locally(EMSGSIZE, "a netlink reply was larger than the receive buffer");
		int left = static_cast<int>(n);
		for (auto *h = reinterpret_cast<nlmsghdr *>(buffer); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != seq_ || h->nlmsg_type == NLMSG_NOOP)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr)))
					return fail_locally(EBADMSG, "truncated netlink error message");
				auto *err = static_cast<nlmsgerr *>(NLMSG_DATA(h));
				if (err->error == 0)
					return threw ? -ENOMEM : 0; /* the ACK */
				keep_kernel_text(err);
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
	Request request(RTM_GETLINK, 0);
	ifinfomsg ifi{};
	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_index = ifindex > 0 ? ifindex : 0;
	request.put_header(ifi);
	if (ifindex <= 0)
		request.put_string(IFLA_IFNAME, name);
	request.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	bool found = false;
	const std::function<void(const nlmsghdr *)> keep = [&](const nlmsghdr *reply) { found = parse_link(reply, out); };
	int r = transact(request, Reply::single, &keep);
	if (r == 0 && !found)
		return -EBADMSG;
	return r;
}

int NetlinkSocket::change_link(const Link &orig, const LinkChange &change) noexcept
{
	Request request(RTM_NEWLINK, 0);
	ifinfomsg ifi{};
	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_index = orig.ifindex;
	if (change.up) {
		ifi.ifi_flags = IFF_UP;
		ifi.ifi_change = IFF_UP;
	}
	request.put_header(ifi);
	if (change.netns_fd >= 0)
		request.put_u32(IFLA_NET_NS_FD, static_cast<uint32_t>(change.netns_fd));
	if (!change.name.empty() && change.name != orig.name)
		request.put_string(IFLA_IFNAME, change.name);
	if (change.mtu)
		request.put_u32(IFLA_MTU, change.mtu);
	if (!change.mac.empty()) {
		unsigned char mac[max_mac_bytes];
		size_t size;
		if (!mac_bytes(change.mac, mac, size))
			return fail_locally(EINVAL, "not a MAC address");
		request.put(IFLA_ADDRESS, mac, size);
	}
	/* Without its NUL, as `ip link set alias` sends it: an empty one then removes the alias. */
	if (change.alias)
		request.put(IFLA_IFALIAS, change.alias->data(), change.alias->size());
	int r = transact(request, Reply::ack, nullptr);
	/* Kernels that predate changing a link with RTM_NEWLINK; libnl's rtnl_link_change() retries the same way. */
	if (r == -EOPNOTSUPP) {
		request.header()->nlmsg_type = RTM_SETLINK;
		r = transact(request, Reply::ack, nullptr);
	}
	return r;
}

int NetlinkSocket::ask_all(Batch &batch, const std::function<bool(size_t, int)> &accept, size_t &failed) noexcept
{
	message_.clear();
	failed = batch.count_;
	if (batch.count_ == 0)
		return 0;
	want_kernel_text();
	char *buffer = receive_buffer();
	if (!buffer)
		return fail_locally(ENOMEM);
	/* Consecutive numbers of our own: a refusal's number says which request it answers. */
	if (seq_ > UINT32_MAX - batch.count_ - 1)
		seq_ = 0;
	const uint32_t first = seq_ + 1;
	seq_ = first + static_cast<uint32_t>(batch.count_ - 1);

	/*
	 * A few requests per send: every refusal is queued to this socket, and
	 * a queue that overflows drops the ACK of whatever is sent next (the
	 * rollback's move). The first send with a refusal we reject is the last.
	 */
	constexpr size_t per_send = 32;
	size_t at = 0;
	for (size_t index = 0; index < batch.count_;) {
		const size_t start = at;
		for (size_t n = 0; n < per_send && index < batch.count_; n++, index++) {
			nlmsghdr hdr;
			std::memcpy(&hdr, batch.bytes_.data() + at, sizeof(hdr));
			hdr.nlmsg_seq = first + static_cast<uint32_t>(index);
			hdr.nlmsg_pid = 0;
			hdr.nlmsg_flags = static_cast<uint16_t>((hdr.nlmsg_flags | NLM_F_REQUEST) & ~NLM_F_ACK);
			std::memcpy(batch.bytes_.data() + at, &hdr, sizeof(hdr));
			at += NLMSG_ALIGN(hdr.nlmsg_len);
		}
		if (int r = send(batch.bytes_.data() + start, at - start); r < 0)
			return r;
		if (int r = collect_refusals(first, batch.count_, accept, failed); r != 0)
			return r;
	}
	return 0;
}

int NetlinkSocket::collect_refusals(uint32_t first, size_t count, const std::function<bool(size_t, int)> &accept,
				    size_t &failed) noexcept
{
	/*
	 * rtnetlink handles a send synchronously: when it returns, every refusal
	 * is already queued here, so an empty queue means all were taken. The
	 * queue is read to the end even past an overflow, which leaves the
	 * socket fit for the next request.
	 */
	char *buffer = receive_buffer();
	int result = 0;
	bool overflowed = false;
	for (;;) {
		ssize_t n = ::recv(fd_.get(), buffer, receive_buffer_size, MSG_TRUNC | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				overflowed = true;
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK && !result)
				return fail_locally(errno);
			/* Refusals queue in order: one found before an overflow is the first. */
			if (!result && overflowed)
				return fail_locally(ENOBUFS, "the kernel's answers to a batch of requests overflowed the socket");
			return result;
		}
		if (static_cast<size_t>(n) > receive_buffer_size)
			return result ? result : fail_locally(EMSGSIZE, "a netlink reply was larger than the receive buffer");
		int left = static_cast<int>(n);
		for (auto *h = reinterpret_cast<nlmsghdr *>(buffer); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			const uint32_t index = h->nlmsg_seq - first;
			if (h->nlmsg_type != NLMSG_ERROR || index >= count)
				continue;
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr)))
				return result ? result : fail_locally(EBADMSG, "truncated netlink error message");
			auto *err = static_cast<nlmsgerr *>(NLMSG_DATA(h));
			if (err->error == 0 || result != 0 || accept(index, err->error))
				continue;
			result = err->error;
			failed = index;
			keep_kernel_text(err);
		}
	}
}

int NetlinkSocket::dump(Request &request, const std::function<void(const nlmsghdr *)> &each) noexcept
{
	request.header()->nlmsg_flags |= NLM_F_DUMP;
	return transact(request, Reply::dump, &each);
}

int NetlinkSocket::dump_links(const std::function<void(const Link &)> &each) noexcept
{
	Request request(RTM_GETLINK, 0);
	ifinfomsg ifi{};
	ifi.ifi_family = AF_UNSPEC;
	request.put_header(ifi);
	return dump(request, [&](const nlmsghdr *reply) {
		Link link;
		if (parse_link(reply, link))
			each(link);
	});
}

} /* namespace lxcnet::detail */
