/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "netns.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <poll.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

#ifndef PIDFD_GET_NET_NAMESPACE
/* linux/pidfd.h since 6.11; Debian 12's headers predate it. */
#define PIDFD_GET_NET_NAMESPACE _IO(0xFF, 4)
#endif
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif
#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

namespace lxcnet::detail {

namespace {

int open_cloexec(const char *path, UniqueFd &out) noexcept
{
	int fd = ::open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	out.reset(fd);
	return 0;
}

/* The PID a pidfd refers to, from /proc/self/fdinfo (kernels before PIDFD_GET_NET_NAMESPACE). */
int pid_of_pidfd(int pidfd) noexcept
{
	char path[64];
	std::snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	FILE *f = std::fopen(path, "re");
	if (!f)
		return -errno;
	char line[128];
	int pid = -ESRCH;
	while (std::fgets(line, sizeof(line), f))
		if (std::sscanf(line, "Pid: %d", &pid) == 1)
			break;
	std::fclose(f);
	return pid > 0 ? pid : -ESRCH;
}

} /* namespace */

int open_own_netns(UniqueFd &out) noexcept
{
	return open_cloexec("/proc/thread-self/ns/net", out);
}

int open_netns_of_socket(int sock, UniqueFd &out) noexcept
{
	int fd = ::ioctl(sock, SIOCGSKNS); /* the kernel opens it O_CLOEXEC */
	if (fd < 0)
		return open_own_netns(out); /* before 4.9, or without CAP_NET_ADMIN over that namespace */
	out.reset(fd);
	return 0;
}

int pidfd_of(pid_t pid) noexcept
{
	return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

int open_netns_of_pidfd(int pidfd, UniqueFd &out) noexcept
{
	int fd = ::ioctl(pidfd, PIDFD_GET_NET_NAMESPACE, 0);
	if (fd >= 0) {
		out.reset(fd);
		return 0;
	}
	if (errno == ESRCH)
		return -ESRCH;

	/* Older kernels: open by PID, then prove through the pidfd that the PID still named the same process. */
	int pid = pid_of_pidfd(pidfd);
	if (pid < 0)
		return pid;
	char path[64];
	std::snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	UniqueFd ns;
	if (int r = open_cloexec(path, ns); r < 0)
		return r == -ENOENT ? -ESRCH : r;
	if (::syscall(SYS_pidfd_send_signal, pidfd, 0, nullptr, 0) < 0)
		return -errno;
	out = std::move(ns);
	return 0;
}

int open_netns_path(const char *path, UniqueFd &out) noexcept
{
	UniqueFd fd;
	if (int r = open_cloexec(path, fd); r < 0)
		return r;
	struct statfs fs;
	if (::fstatfs(fd.get(), &fs) < 0)
		return -errno;
	if (fs.f_type != NSFS_MAGIC)
		return -EINVAL;
	/* setns with a type check rejects a mount or user namespace without switching anything. */
	NetnsGuard probe;
	if (int r = probe.enter(fd.get()); r < 0)
		return r;
	out = std::move(fd);
	return 0;
}

int netns_id(int netns_fd, int socket_in_it, NsId &out) noexcept
{
	struct stat st;
	if (::fstat(netns_fd, &st) < 0)
		return -errno;
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	if (::getsockopt(socket_in_it, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
		cookie = 0; /* before 5.14: the inode is all there is */
	out = {st.st_dev, st.st_ino, cookie};
	return 0;
}

bool has_exited(int pidfd) noexcept
{
	/* A pidfd polls readable once its process has exited, reaped or not. */
	struct pollfd p = {pidfd, POLLIN, 0};
	return ::poll(&p, 1, 0) > 0;
}

int NetnsGuard::enter(int target_netns_fd, int home) noexcept
{
	UniqueFd saved;
	if (home < 0)
		if (int r = open_own_netns(saved); r < 0)
			return r;
	if (::setns(target_netns_fd, CLONE_NEWNET) < 0)
		return -errno;
	saved_ = std::move(saved);
	home_ = home >= 0 ? home : saved_.get();
	return 0;
}

NetnsGuard::~NetnsGuard()
{
	if (home_ >= 0 && ::setns(home_, CLONE_NEWNET) < 0)
		std::abort();
}

} /* namespace lxcnet::detail */
