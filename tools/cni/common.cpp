/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <cerrno>
#include <cstring>

#include "commands.hpp"
#include "error.hpp"

namespace lxcnet::cni {

Fd open_target(const std::string &path)
{
	Fd fd;
	if (int r = open_netns(path, fd); r < 0) {
		std::string why = r == -ENOENT ? "does not exist" : r == -EINVAL ? "is not a network namespace" : std::strerror(-r);
		throw CniError(invalid_environment, "failed to open netns \"" + path + "\": " + why, "CNI_NETNS=" + path);
	}
	Fd own;
	if (int r = open_own_netns(own); r < 0)
		throw CniError(internal, std::string("open the plugin's own network namespace: ") + std::strerror(-r));
	if (identity_of(fd.get()) == identity_of(own.get()))
		throw CniError(invalid_environment, "plugin's netns and netns from CNI_NETNS should not be the same", "CNI_NETNS=" + path);
	return fd;
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
