/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <linux/netlink.h>

#include "nl_request.hpp"
#include "unique_fd.hpp"

namespace lxcnet::detail {

/* What lxcnet reads of a link, parsed straight from the kernel's reply: libnl's link objects cost more to build than the lookup itself. */
struct Link {
	int ifindex = 0;
	std::string name;
	std::string mac; /* "aa:bb:cc:dd:ee:ff", the form records keep */
	unsigned mtu = 0;
	unsigned flags = 0; /* IFF_* */
	std::string alias;
};

/* One RTM_NEWLINK on an existing link: only what is set here is sent. */
struct LinkChange {
	int netns_fd = -1;                /* move it into this netns */
	std::string name;                 /* rename it, if not empty and not its name */
	unsigned mtu = 0;
	std::string mac;                  /* "aa:bb:cc:dd:ee:ff" */
	std::optional<std::string> alias; /* "" removes it */
	bool up = false;                  /* bring it up */
};

/*
 * One NETLINK_ROUTE socket bound to one network namespace: a plain fd that
 * sends Requests and reads their answers itself (libnl's transport cost six
 * extra system calls per socket and an allocation per receive, more than
 * lxcnet's lookups). Every request returns 0 or -errno with the kernel's own
 * errno, and kernel_message() holds the extended-ack text of the last
 * failure, if the kernel gave one.
 */
class NetlinkSocket final {
public:
	NetlinkSocket() = default;
	NetlinkSocket(const NetlinkSocket &) = delete;
	NetlinkSocket &operator=(const NetlinkSocket &) = delete;

	/* Opens the socket in the calling thread's netns, or in netns_fd's if >= 0 (home: see NetnsGuard). Returns -errno. */
	int open(int netns_fd = -1, int home = -1) noexcept;
	int fd() const noexcept { return fd_.get(); }

	/* One RTM_GETLINK by index (if > 0) or by name. -ENODEV if absent. */
	int get_link(int ifindex, const std::string &name, Link &out) noexcept;
	int change_link(const Link &orig, const LinkChange &change) noexcept;
	/* Dump of every link in this socket's netns (the container's: small); each must not send a request. */
	int dump_links(const std::function<void(const Link &)> &each) noexcept;

	/*
	 * Every request of batch, in order, a few dozen per send. The kernel
	 * carries on past a refusal within a send, so each refusal goes to
	 * accept (index in the batch, -errno); the first one it rejects is
	 * returned, its index in failed (batch.count() for a failure of our
	 * own), and no later send is made. 0 when none was rejected. accept
	 * must not send a request.
	 */
	int ask_all(Batch &batch, const std::function<bool(size_t, int)> &accept, size_t &failed) noexcept;
	/*
	 * A dump request: each reply message goes to each, which must not send
	 * a request itself (the thread's sockets share one buffer). With
	 * NETLINK_GET_STRICT_CHK on, the kernel honours the header's filters
	 * (an ifindex, RTA_OIF); each must still check them, for older kernels.
	 */
	int dump(Request &request, const std::function<void(const nlmsghdr *)> &each) noexcept;

	/* The kernel's extended-ack text for the last failure, or a description of a local one. */
	const std::string &kernel_message() const noexcept { return message_; }

private:
	/* How a request's answer ends: an ACK, its one reply, or NLMSG_DONE. */
	enum class Reply { ack, single, dump };
	/* Dumps are cut by the kernel to the reader's buffer; single replies here are far smaller. */
	static constexpr size_t receive_buffer_size = 32768;

	static char *receive_buffer() noexcept;
	/* Sends request under a fresh sequence number and reads its whole answer, handing every reply message to each. */
	int transact(Request &request, Reply reply, const std::function<void(const nlmsghdr *)> *each) noexcept;
	/* Reads every refusal queued for requests first .. first + count - 1 (see ask_all). */
	int collect_refusals(uint32_t first, size_t count, const std::function<bool(size_t, int)> &accept, size_t &failed) noexcept;
	/* NETLINK_EXT_ACK, set before the first request that can fail for a reason worth the kernel's words. */
	void want_kernel_text() noexcept;
	/* One sendto to the kernel, retried on EINTR: 0 or -errno. */
	int send(const void *data, size_t size) noexcept;
	/* message_ = the extended-ack text of err, or empty. */
	void keep_kernel_text(const nlmsgerr *err) noexcept;
	/* -errno for a failure that is not the kernel's. */
	int fail_locally(int errnum, const char *why = nullptr) noexcept;

	UniqueFd fd_;
	uint32_t seq_ = 0;
	bool strict_dumps_ = false;
	bool kernel_text_ = false;
	std::string message_;
};

} /* namespace lxcnet::detail */
