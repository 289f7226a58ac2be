/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "unique_fd.hpp"

namespace lxcnet::detail {

using RtnlLink = std::unique_ptr<rtnl_link, Deleter<rtnl_link_put>>;
using RtnlAddr = std::unique_ptr<rtnl_addr, Deleter<rtnl_addr_put>>;
using RtnlRoute = std::unique_ptr<rtnl_route, Deleter<rtnl_route_put>>;
using NlAddr = std::unique_ptr<nl_addr, Deleter<nl_addr_put>>;
using NlMsg = std::unique_ptr<nl_msg, Deleter<nlmsg_free>>;

/* What lxcnet reads of a link, parsed straight from the kernel's reply: libnl's link objects cost more to build than the lookup itself. */
struct Link {
	int ifindex = 0;
	std::string name;
	std::string mac; /* "aa:bb:cc:dd:ee:ff", the form records keep */
	unsigned mtu = 0;
	unsigned flags = 0; /* IFF_* */
	std::string alias;
};

/*
 * One NETLINK_ROUTE socket bound to one network namespace. libnl builds the
 * requests and parses addresses and routes; the socket itself is a plain fd
 * (libnl's own transport costs six extra system calls per socket and an
 * allocation per receive, more than lxcnet's lookups). Every request
 * returns 0 or -errno with the kernel's own errno, and kernel_message()
 * holds the extended-ack text of the last failure, if the kernel gave one.
 *
 * Only this file and nl.cpp speak libnl's NLE.
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
	/* RTM_NEWLINK on orig with only the attributes set in changes. */
	int change_link(const Link &orig, rtnl_link *changes) noexcept;
	/* Dump of this device's addresses or routes, filtered by the kernel (NETLINK_GET_STRICT_CHK). */
	int dump_addresses(int ifindex, const std::function<void(rtnl_addr *)> &each) noexcept;
	int dump_routes(int ifindex, const std::function<void(rtnl_route *)> &each) noexcept;
	/* Dump of every link in this socket's netns (the container's: small). */
	int dump_links(const std::function<void(const Link &)> &each) noexcept;
	int add_address(rtnl_addr *addr) noexcept;
	int add_route(rtnl_route *route) noexcept;

	/* The kernel's extended-ack text for the last failure, or libnl's description. */
	const std::string &kernel_message() const noexcept { return message_; }

private:
	/* How a request's answer ends: an ACK, its one reply, or NLMSG_DONE. */
	enum class Reply { ack, single, dump };
	/* Dumps are cut by the kernel to the reader's buffer; single replies here are far smaller. */
	static constexpr size_t receive_buffer_size = 32768;

	/* Sends request under a fresh sequence number and reads its whole answer, handing every reply message to each. */
	int transact(nl_msg *request, Reply reply, const std::function<void(nlmsghdr *)> *each) noexcept;
	/* transact() for a message a libnl build_*_request made (nl_result is its return code); frees it. */
	int send_built(int nl_result, nl_msg *built) noexcept;
	/* -errno for a failure that is not the kernel's, with libnl's text for an NLE code. */
	int fail_locally(int errnum, const char *why = nullptr) noexcept;

	UniqueFd fd_;
	uint32_t seq_ = 0;
	bool strict_dumps_ = false;
	std::unique_ptr<char[]> buffer_;
	std::string message_;
};

/* errno for a libnl error code that did not come from a kernel error message. */
int errno_from_nle(int nle) noexcept;

} /* namespace lxcnet::detail */
