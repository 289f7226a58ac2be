/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NetlinkSocket: the socket, and sending requests and reading their answers. Links: nl_link.cpp. */
#include "nl.hpp"

#include <algorithm>
#include <cerrno>
#include <new>

#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include "netns.hpp"
#include "nl_state.hpp"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace lxcnet::detail {

namespace {

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

/*
 * Numbers and sends request, asking for an ACK only if ack: a request with
 * a reply of its own, or one of a batch but the last, needs none. The
 * socket's auto-ACK stays on for libnl's own calls (rtnl_link_change()).
 */
int send_request(nl_sock *sk, nl_msg *request, bool ack) noexcept
{
	if (!ack)
		nl_socket_disable_auto_ack(sk);
	const int r = nl_send_auto(sk, request);
	nl_socket_enable_auto_ack(sk);
	return r < 0 ? r : 0;
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
	install_callbacks(sk, st.get());
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

int NetlinkSocket::transact(nl_msg *request, int reply_type, const std::function<void(nl_object *)> *each, bool dump,
			    const std::function<void(nl_msg *)> *raw) noexcept
{
	State &st = *state_;
	nl_sock *sk = st.sock.get();
	st.drain_if_stale();
	/* No ACK: the reply itself, or a dump's end, says it is done. */
	if (int r = send_request(sk, request, false); r < 0)
		return st.fail_locally(errno_of(r), nl_geterror(r));
	const uint32_t seq = nlmsg_hdr(request)->nlmsg_seq;
	st.begin(dump ? State::Answer::dump : State::Answer::single, seq, seq);
	st.each = each;
	st.raw = raw;
	st.reply_type = reply_type;
	return receive();
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
	return transact(request, reply_type, &each, true);
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
		 * Sent back to back, a few at a time, only the last of them asking
		 * for an ACK: the kernel handles each as it is sent, so once that
		 * ACK (or its refusal) is read, every refusal before it has been too.
		 */
		uint32_t base = 0;
		for (size_t start = 0; start < batch.size(); start += requests_per_send) {
			const size_t end = std::min(batch.size(), start + requests_per_send);
			uint32_t first = 0;
			uint32_t last = 0;
			for (size_t i = start; i < end; i++) {
				if (int r = send_request(sk, batch[i].get(), i + 1 == end); r < 0)
					return st.fail_locally(errno_of(r), nl_geterror(r));
				last = nlmsg_hdr(batch[i].get())->nlmsg_seq;
				if (i == start)
					first = last;
				if (i == 0)
					base = last;
			}
			st.begin(State::Answer::batch, first, last);
			st.base = base;
			st.accept = &accept;
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
