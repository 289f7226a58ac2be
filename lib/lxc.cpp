/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "lxc.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "netns.hpp"

namespace lxcnet::detail {

int container_netns(lxc_container *c, UniqueFd &out) noexcept
{
	if (!c->is_running(c))
		return -ESRCH;
	/* A pidfd, never the bare PID: a PID can be recycled between lookup and open. */
	UniqueFd pidfd(c->init_pidfd(c));
	if (!pidfd.valid())
		return -ESRCH;
	return open_netns_of_pidfd(pidfd.get(), out);
}

std::string canonical_lxcpath(const lxc_container *c)
{
	const char *path = c->config_path ? c->config_path : "";
	char resolved[PATH_MAX];
	if (::realpath(path, resolved))
		return resolved;
	return path;
}

} /* namespace lxcnet::detail */
