/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "lean.hpp"

#include <cerrno>

#include <lxc/lxccontainer.h>
#include <sys/ioctl.h>

#ifndef PIDFD_GET_NET_NAMESPACE
#define PIDFD_GET_NET_NAMESPACE _IO(0xFF, 4)
#endif

namespace lxb {

LeanMover::LeanMover(lxc_container *c) : c_(c) {}

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

int LeanMover::attach(const std::string &dev, const std::string &dst)
{
	Fd netns = container_netns();
	if (!netns.valid())
		return -ESRCH;
	RtnlSocket inside(netns.get());
	int ifindex = host_.ifindex_of(dev);
	if (ifindex < 0)
		return ifindex;
	if (int r = inside.ifindex_of(dst); r != -ENODEV)
		return r >= 0 ? -EEXIST : r;
	if (int r = host_.move(ifindex, netns.get(), dst); r < 0)
		return r;
	int moved = inside.ifindex_of(dst);
	return moved < 0 ? moved : 0;
}

int LeanMover::detach(const std::string &dev, const std::string &dst)
{
	Fd netns = container_netns();
	if (!netns.valid())
		return -ESRCH;
	Fd home = open_own_netns();
	RtnlSocket inside(netns.get());
	int ifindex = inside.ifindex_of(dev);
	if (ifindex < 0)
		return ifindex;
	if (int r = host_.ifindex_of(dst); r != -ENODEV)
		return r >= 0 ? -EEXIST : r;
	if (int r = inside.move(ifindex, home.get(), dst); r < 0)
		return r;
	int moved = host_.ifindex_of(dst);
	return moved < 0 ? moved : 0;
}

} /* namespace lxb */
