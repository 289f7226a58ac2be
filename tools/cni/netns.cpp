/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "netns.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "error.hpp"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

namespace lxcnet::cni {

int open_netns(const std::string &path, Fd &out)
{
	Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd.valid())
		return -errno;
	struct statfs fs;
	if (::fstatfs(fd.get(), &fs) < 0)
		return -errno;
	/* After `ip netns del` the bind mount is gone: what is left at the path (if anything) is a plain file. */
	if (fs.f_type != NSFS_MAGIC)
		return -EINVAL;
	int type = ::ioctl(fd.get(), NS_GET_NSTYPE);
	if (type < 0)
		return -errno;
	if (type != CLONE_NEWNET)
		return -EINVAL;
	out = std::move(fd);
	return 0;
}

int open_own_netns(Fd &out)
{
	Fd fd(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
	if (!fd.valid())
		return -errno;
	out = std::move(fd);
	return 0;
}

NsIdentity identity_of(int fd)
{
	struct stat st{};
	if (::fstat(fd, &st) < 0)
		return {};
	return {st.st_dev, st.st_ino};
}

InNetns::InNetns(int netns_fd)
{
	if (int r = open_own_netns(home_); r < 0)
		throw CniError(internal, std::string("open the plugin's network namespace: ") + std::strerror(-r));
	if (::setns(netns_fd, CLONE_NEWNET) < 0)
		throw CniError(internal, std::string("enter the container's network namespace: ") + std::strerror(errno));
}

InNetns::~InNetns()
{
	if (::setns(home_.get(), CLONE_NEWNET) < 0)
		std::abort();
}

} /* namespace lxcnet::cni */
