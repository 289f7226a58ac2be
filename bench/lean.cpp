/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "lean.hpp"

#include "lean_config.hpp"

#include <cerrno>

#include <lxc/lxccontainer.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/sockios.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

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
	/* A device attached with preservation keeps a record even when a bare detach names it: look, as lxcnet must. */
	if (!into_container) {
		Fd record(::openat(lock.get(), record_name(ifindex).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
		if (record.valid())
			return -EOPNOTSUPP; /* going home by a record is lean preserve's; the benchmark gives this device none */
	}
	if (int r = from.move(ifindex, into_container ? netns.get() : home.get(), dst); r < 0)
		return r;
	return into_container && init_exited() ? -ESRCH : 0;
}

std::string LeanMover::record_name(int inside_ifindex)
{
	return "lean-" + std::to_string(inside_ifindex);
}

int LeanMover::attach_preserving(const std::string &dev, const std::string &dst)
{
	Fd netns = container_netns();
	struct stat ns;
	if (!netns.valid() || ::fstat(netns.get(), &ns) < 0)
		return -ESRCH;
	RtnlSocket host;
	host.strict_dumps();
	Fd home(::ioctl(host.fd(), SIOCGSKNS));
	RtnlSocket inside(netns.get(), home.get());
	Fd lock = lock_state_dir();
	if (init_exited())
		return -ESRCH;
	RtnlSocket::LinkBrief link;
	if (int r = host.link_of(dev, link); r < 0)
		return r;
	if (int r = inside.ifindex_of(dst); r != -ENODEV)
		return r >= 0 ? -EEXIST : r;
	lean::Record record{dev, link.ifindex, (link.flags & IFF_UP) != 0, ns.st_ino, link.mac, {}};
	if (int r = lean::capture(host, link.ifindex, record.config); r < 0)
		return r;
	/* Named by the ifindex the device will most likely keep in there; renamed below if it does not. */
	if (int r = lean::save(lock.get(), record_name(link.ifindex), record); r < 0)
		return r;
	if (int r = host.move(link.ifindex, netns.get(), dst); r < 0)
		return r;
	RtnlSocket::LinkBrief moved;
	if (int r = inside.link_of(dst, moved); r < 0)
		return r;
	if (moved.ifindex != link.ifindex &&
	    ::renameat(lock.get(), record_name(link.ifindex).c_str(), lock.get(), record_name(moved.ifindex).c_str()) < 0)
		return -errno;
	if (int r = lean::replay(inside, record.config, moved.ifindex, record.up); r < 0)
		return r;
	return init_exited() ? -ESRCH : 0;
}

int LeanMover::detach_home(const std::string &dev)
{
	Fd netns = container_netns();
	struct stat ns;
	if (!netns.valid() || ::fstat(netns.get(), &ns) < 0)
		return -ESRCH;
	RtnlSocket host;
	Fd home(::ioctl(host.fd(), SIOCGSKNS));
	RtnlSocket inside(netns.get(), home.get());
	inside.strict_dumps();
	Fd lock = lock_state_dir();
	RtnlSocket::LinkBrief link;
	if (int r = inside.link_of(dev, link); r < 0)
		return r;
	const std::string name = record_name(link.ifindex);
	lean::Record record;
	if (int r = lean::load(lock.get(), name, record); r < 0)
		return r;
	if (record.netns != ns.st_ino || record.mac != link.mac)
		return -ESTALE;
	if (int r = host.ifindex_of(record.host_name); r != -ENODEV)
		return r >= 0 ? -EEXIST : r;
	lean::Carried for_rollback;
	if (int r = lean::capture(inside, link.ifindex, for_rollback); r < 0)
		return r;
	if (int r = inside.move(link.ifindex, home.get(), record.host_name); r < 0)
		return r;
	RtnlSocket::LinkBrief back;
	if (int r = host.link_of(record.host_name, back); r < 0)
		return r;
	if (int r = lean::replay(host, record.config, back.ifindex, record.up); r < 0)
		return r;
	return ::unlinkat(lock.get(), name.c_str(), 0) < 0 ? -errno : 0;
}

} /* namespace lxb */
