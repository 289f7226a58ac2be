/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "lean.hpp"

#include <cerrno>

#include <lxc/lxccontainer.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>

#ifndef PIDFD_GET_NET_NAMESPACE
#define PIDFD_GET_NET_NAMESPACE _IO(0xFF, 4)
#endif

namespace lxb {

LeanMover::LeanMover(lxc_container *c, std::string state_dir) : c_(c), state_dir_(std::move(state_dir)) {}

Fd LeanMover::container_netns()
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (!pidfd_.valid())
			pidfd_.reset(c_->init_pidfd(c_));
		if (!pidfd_.valid())
			return Fd();
		int ns = ::ioctl(pidfd_.get(), PIDFD_GET_NET_NAMESPACE, 0);
		if (ns >= 0)
			return Fd(ns);
		/* The init we knew is gone: ask liblxc once more, the container may have been restarted. */
		pidfd_.reset();
	}
	return Fd();
}

Fd LeanMover::lock_state_dir()
{
	Fd dir(::open(state_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (dir.valid())
		(void)::flock(dir.get(), LOCK_EX);
	return dir;
}

bool LeanMover::init_exited()
{
	pollfd p = {pidfd_.get(), POLLIN, 0};
	return ::poll(&p, 1, 0) > 0;
}

int LeanMover::attach(const std::string &dev, const std::string &dst)
{
	return move(true, dev, dst);
}

int LeanMover::detach(const std::string &dev, const std::string &dst)
{
	return move(false, dev, dst);
}

int LeanMover::move(bool into_container, const std::string &dev, const std::string &dst)
{
	Fd netns = container_netns();
	if (!netns.valid())
		return -ESRCH;
	RtnlSocket host;
	Fd home(::ioctl(host.fd(), SIOCGSKNS));
	RtnlSocket inside(netns.get(), home.get());
	Fd lock = lock_state_dir();
	/* Only an attach can lose a device into a dying namespace. */
	if (into_container && init_exited())
		return -ESRCH;
	RtnlSocket &from = into_container ? host : inside;
	RtnlSocket &to = into_container ? inside : host;
	int ifindex = from.ifindex_of(dev);
	if (ifindex < 0)
		return ifindex;
	if (int r = to.ifindex_of(dst); r != -ENODEV)
		return r >= 0 ? -EEXIST : r;
	if (int r = from.move(ifindex, into_container ? netns.get() : home.get(), dst); r < 0)
		return r;
	return into_container && init_exited() ? -ESRCH : 0;
}

} /* namespace lxb */
