/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lxcnet::detail {

/* One value for /proc/sys/net/ipv{4,6}/conf/DEV/NAME: index into the family's table (sysctls.hpp), value as netlink reports it. */
struct SysctlWrite {
	bool ipv6 = false;
	size_t index = 0;
	int32_t value = 0;
};

/*
 * Writes each value for device dev of the namespace netns_fd, in order.
 * The kernel takes most IPv6 settings only through /proc/sys, whose net/
 * is the calling thread's namespace: the thread enters netns_fd for the
 * writes (no fork) and is back in its own on return, whatever happened.
 * Returns -errno and names the failed setting in step.
 */
int write_sysctls(int netns_fd, const std::string &dev, const std::vector<SysctlWrite> &writes, std::string &step) noexcept;

} /* namespace lxcnet::detail */
