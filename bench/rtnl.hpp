/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <functional>
#include <string>

#include <linux/netlink.h>

#include "unique_fd.hpp"

namespace lxb {

/* The library's own fd owner; the benchmark holds few, but every one must be closed for the fd count to mean anything. */
using Fd = lxcnet::detail::UniqueFd;

/* The calling thread's network namespace. */
Fd open_own_netns();

/*
 * A plain NETLINK_ROUTE socket, no libnl: the floor contender must cost what
 * the kernel costs and nothing more, so every request is built by hand.
 */
class RtnlSocket {
public:
	/* Created inside netns_fd (or the caller's netns if -1); the thread is back in its own netns (home, if given) on return. */
	explicit RtnlSocket(int netns_fd = -1, int home = -1);
	int fd() const { return fd_.get(); }

	/*
	 * The floor: one RTM_NEWLINK by ifindex carrying IFLA_NET_NS_FD and
	 * IFLA_IFNAME, then the ACK. Returns 0 or -errno.
	 */
	int move(int ifindex, int to_netns_fd, const std::string &new_name);

	/*
	 * The floor of preservation: what it takes at least to give a moved
	 * device its configuration back when the caller already knows it. Each
	 * is one request and its ACK; 0 or -errno.
	 */
	int add_address(int ifindex, int family, const void *addr, unsigned prefixlen);
	int set_up(int ifindex);
	int add_route4(int ifindex, const void *dst, unsigned dst_len, const void *gateway);

	/* RTM_GETLINK by name: the ifindex, or -errno (-ENODEV when absent). */
	int ifindex_of(const std::string &name);

	/* What the lean preserving sketch needs of a link: RTM_GETLINK by name. 0 or -errno. */
	struct LinkBrief {
		int ifindex = 0;
		unsigned flags = 0;
		std::string mac;
	};
	int link_of(const std::string &name, LinkBrief &out);

	/* Dumps filtered by the kernel (NETLINK_GET_STRICT_CHK): without it an address dump covers every link. */
	void strict_dumps();

	/*
	 * Requests built by the caller, back to back in one buffer, sent in one
	 * send with no ACK asked for: rtnetlink handles them before the send
	 * returns and answers only refusals. The first refusal's -errno, or 0.
	 */
	int ask_all(std::string &requests);

	/* A dump request built by the caller: each reply goes to on_reply; 0 or -errno. */
	int dump(nlmsghdr *request, const std::function<void(const nlmsghdr *)> &on_reply);

	/* Number of links in the socket's netns (one RTM_GETLINK dump). Outside timed windows only. */
	int count_links();

private:
	template <class OnMessage>
	int exchange(void *request, unsigned len, OnMessage on_message);
	int transact_ack(void *request, unsigned len);
	Fd fd_;
	unsigned seq_ = 1;
};

} /* namespace lxb */
