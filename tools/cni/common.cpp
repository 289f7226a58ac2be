/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <cerrno>
#include <cstring>

#include "commands.hpp"
#include "error.hpp"

namespace lxcnet::cni {

namespace {

/* Both fds are held open, so neither inode can have been reused: dev and inode tell them apart, no cookie needed. */
bool same_netns(int a, int b)
{
	NsId x, y;
	return detail::netns_id(a, -1, x) == 0 && detail::netns_id(b, -1, y) == 0 && x.dev == y.dev && x.ino == y.ino;
}

} /* namespace */

UniqueFd open_target(const std::string &path)
{
	UniqueFd fd;
	if (int r = detail::open_netns_path(path.c_str(), fd); r < 0) {
		std::string why = r == -ENOENT ? "does not exist" : r == -EINVAL ? "is not a network namespace" : std::strerror(-r);
		throw CniError(invalid_environment, "failed to open netns \"" + path + "\": " + why, "CNI_NETNS=" + path);
	}
	if (is_own_netns(fd.get()))
		throw CniError(invalid_environment, "plugin's netns and netns from CNI_NETNS should not be the same", "CNI_NETNS=" + path);
	return fd;
}

bool is_own_netns(int netns_fd)
{
	UniqueFd own;
	if (int r = detail::open_own_netns(own); r < 0)
		throw CniError(internal, std::string("open the plugin's own network namespace: ") + std::strerror(-r));
	return same_netns(netns_fd, own.get());
}

NetlinkSocket open_netlink(int netns_fd)
{
	NetlinkSocket sock;
	if (int r = sock.open(netns_fd); r < 0)
		throw CniError(internal, std::string("open a netlink socket") + (netns_fd >= 0 ? " in the container" : "") + ": " +
						 failure_text(r, sock));
	return sock;
}

NsId netns_identity(int netns_fd, const NetlinkSocket &inside)
{
	NsId id;
	if (int r = detail::netns_id(netns_fd, inside.fd(), id); r < 0)
		throw CniError(internal, std::string("identify the container's network namespace: ") + std::strerror(-r));
	return id;
}

std::string failure_text(int r, const NetlinkSocket &sock)
{
	std::string text = std::strerror(-r);
	if (!sock.kernel_message().empty())
		text += " (" + sock.kernel_message() + ")";
	return text;
}

lxcnet::Options library_options(bool preserve)
{
	lxcnet::Options options;
	options.preserve = preserve;
	return options;
}

CniError from_library(const lxcnet::Error &e, const std::string &more)
{
	const int errnum = e.code().value();
	/* EAGAIN/EBUSY from the kernel are transient; the rest needs someone to act. */
	unsigned code = errnum == EAGAIN || errnum == EBUSY ? try_again_later : internal;
	return CniError(code, std::string(e.what()) + more, std::string("errno ") + std::to_string(errnum) + " (" + std::strerror(errnum) + ")");
}

} /* namespace lxcnet::cni */
