/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>

#include <sys/types.h>

#include "unique_fd.hpp"

namespace lxcnet::detail {

/*
 * Identity of a network namespace. The inode alone is not enough: the kernel
 * reuses it, so a restarted container's new namespace often has the old one's.
 * The netns cookie (SO_NETNS_COOKIE, Linux 5.14) is never reused during a
 * boot; 0 where the kernel has none.
 */
struct NsId {
	dev_t dev = 0;
	ino_t ino = 0;
	uint64_t cookie = 0;
	bool operator==(const NsId &) const = default;
};

/* The calling thread's network namespace, as an fd (O_CLOEXEC). Returns -errno on failure. */
int open_own_netns(UniqueFd &out) noexcept;
/* The network namespace a socket was created in (SIOCGSKNS): cheaper than a /proc path walk. Falls back to the calling thread's. */
int open_netns_of_socket(int sock, UniqueFd &out) noexcept;
/* A pidfd of pid (pidfd_open), or -1 with errno set. */
int pidfd_of(pid_t pid) noexcept;
/* The network namespace of the process behind pidfd, without a PID-reuse race. Returns -errno. */
int open_netns_of_pidfd(int pidfd, UniqueFd &out) noexcept;
/* A namespace file such as LXC_NET_NS; refuses anything that is not a network namespace. Returns -errno. */
int open_netns_path(const char *path, UniqueFd &out) noexcept;
/* Identity of the namespace behind netns_fd, with the cookie read from a socket created in it. -errno on failure. */
int netns_id(int netns_fd, int socket_in_it, NsId &out) noexcept;
/* Whether the process behind pidfd has exited (a zombie counts as exited). */
bool has_exited(int pidfd) noexcept;

/*
 * Switches the calling thread into a network namespace for as long as it
 * lives, then back. Used around socket creation (a netlink socket stays
 * bound to the namespace it was created in, so all later work on it runs
 * from the caller's own namespace with no fork) and around the few sysctl
 * writes that only /proc/sys/net, which is the thread's namespace's, takes.
 */
class NetnsGuard final {
public:
	NetnsGuard() noexcept = default;
	/*
	 * Returns -errno, with the thread unchanged, if it cannot switch. home is
	 * the caller's own netns fd if it has one open (borrowed, must outlive
	 * the guard), saving a second open of /proc/thread-self/ns/net.
	 */
	int enter(int target_netns_fd, int home = -1) noexcept;
	/* A failed switch back is std::abort(): a thread left in a container's netns would silently act there. */
	~NetnsGuard();
	NetnsGuard(const NetnsGuard &) = delete;
	NetnsGuard &operator=(const NetnsGuard &) = delete;

private:
	UniqueFd saved_;
	int home_ = -1;
};

} /* namespace lxcnet::detail */
