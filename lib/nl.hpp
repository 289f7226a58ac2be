/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "link.hpp"
#include "nl_handles.hpp"

namespace lxcnet::detail {

/*
 * One libnl NETLINK_ROUTE socket bound to one network namespace. Every
 * request returns 0 or -errno with the kernel's own errno (libnl's NLE codes
 * fold several into one), and kernel_message() holds the extended-ack text
 * of the last failure, if the kernel gave one.
 */
class NetlinkSocket final {
public:
	NetlinkSocket();
	~NetlinkSocket();
	NetlinkSocket(NetlinkSocket &&) noexcept;
	NetlinkSocket &operator=(NetlinkSocket &&) noexcept;

	/* Opens the socket in the calling thread's netns, or in netns_fd's if >= 0 (home: see NetnsGuard). Returns -errno. */
	int open(int netns_fd = -1, int home = -1) noexcept;
	int fd() const noexcept;

	/* One RTM_GETLINK by index (if > 0) or by name (or altname). -ENODEV if absent. */
	int get_link(int ifindex, const std::string &name, Link &out) noexcept;
	/* rtnl_link_change() on orig: the move (with a namespace fd and a name) is one of these. */
	int change_link(const Link &orig, const LinkChange &change) noexcept;
	/* The id by which this socket's namespace knows the namespace of netns_fd: -1 if it has none yet. */
	int get_nsid(int netns_fd, int &nsid) noexcept;
	/* Every link in this socket's netns (the container's: small); each must not send a request. */
	int dump_links(const std::function<void(const Link &)> &each) noexcept;

	/*
	 * A dump request built by the caller, with the kernel's filters in its
	 * header: each reply of message type reply_type, parsed by libnl, goes
	 * to each, which must not send a request. NETLINK_GET_STRICT_CHK makes
	 * the kernel honour the filters; each must still check them for older
	 * kernels.
	 */
	int dump(nl_msg *request, int reply_type, const std::function<void(nl_object *)> &each) noexcept;

	/*
	 * Every request of batch, in order, a few dozen per send, each answered
	 * only if refused. The kernel carries on past a refusal within a send,
	 * so each refusal goes to accept (index in the batch, -errno); the first
	 * one it rejects is returned, its index in failed (batch.size() for a
	 * failure of our own), and no later send is made. 0 when none was
	 * rejected.
	 */
	int send_all(std::vector<NlMsg> &batch, const std::function<bool(size_t, int)> &accept, size_t &failed) noexcept;

	/* The kernel's extended-ack text for the last failure, or a description of a local one. */
	const std::string &kernel_message() const noexcept;

	struct State;

private:
	/* Sends a lookup or dump request (numbered here) and hands each reply of reply_type, parsed, to each. */
	int transact(nl_msg *request, int reply_type, const std::function<void(nl_object *)> *each, bool dump,
		     const std::function<void(nl_msg *)> *raw = nullptr) noexcept;
	/* Reads until the exchange in progress is answered. */
	int receive() noexcept;
	/* NETLINK_EXT_ACK, set before the first request that can fail for a reason worth the kernel's words. */
	void want_kernel_text() noexcept;

	std::unique_ptr<State> state_;
};

/* Whether libnl can put IPv4 devconf id into a link change (libnl 3.7 knows ids up to IPV4_DEVCONF_BC_FORWARDING). */
bool netlink_sets_ipv4_conf(int id) noexcept;

} /* namespace lxcnet::detail */
