/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once
/* NetlinkSocket's insides, shared by the files that implement it (nl*.cpp); no one else includes this. */

#include <cstdint>
#include <functional>
#include <string>

#include <netlink/socket.h>

#include "nl.hpp"

namespace lxcnet::detail {

using NlSock = std::unique_ptr<nl_sock, Deleter<nl_socket_free>>;

/* The errno for a failure of libnl's own (a refusal of the kernel's keeps the kernel's errno instead). */
int errno_of(int nl_error) noexcept;
/* Whatever an abandoned answer left queued: read and dropped, so it is never taken for the next one. */
void drain(int fd) noexcept;
/* Sets the socket's own callbacks (which libnl's calls such as rtnl_link_change() clone) to keep their answers in state. */
void install_callbacks(nl_sock *sock, NetlinkSocket::State *state) noexcept;

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
	const std::function<void(nl_msg *)> *raw = nullptr; /* after each: what libnl 3.7's objects do not keep */
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
		raw = nullptr;
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

} /* namespace lxcnet::detail */
