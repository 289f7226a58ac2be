/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sysctl_io.hpp"

#include <cerrno>

#include <fcntl.h>
#include <unistd.h>

#include "netns.hpp"
#include "sysctls.hpp"

namespace lxcnet::detail {

namespace {

std::string proc_text(const SysctlName &s, int32_t value)
{
	switch (s.unit) {
	case SysctlName::Unit::ms_as_seconds:
		return std::to_string(value / 1000);
	case SysctlName::Unit::as_unsigned:
		return std::to_string(static_cast<uint32_t>(value));
	case SysctlName::Unit::same:
		break;
	}
	return std::to_string(value);
}

int write_one(const std::string &path, const std::string &text) noexcept
{
	UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
	if (!fd.valid())
		return -errno;
	const ssize_t n = ::write(fd.get(), text.data(), text.size());
	if (n < 0)
		return -errno;
	return static_cast<size_t>(n) == text.size() ? 0 : -EIO;
}

} /* namespace */

int write_sysctls(int netns_fd, const std::string &dev, const std::vector<SysctlWrite> &writes, std::string &step) noexcept
{
	if (writes.empty())
		return 0;
	try {
		NetnsGuard guard;
		if (int r = guard.enter(netns_fd); r < 0) {
			step = "enter the device's network namespace to set its sysctls";
			return r;
		}
		for (const SysctlWrite &w : writes) {
			const SysctlName &s = w.ipv6 ? ipv6_sysctls.at(w.index) : ipv4_sysctls.at(w.index);
			const std::string family = w.ipv6 ? "ipv6" : "ipv4";
			if (int r = write_one("/proc/sys/net/" + family + "/conf/" + dev + "/" + s.name, proc_text(s, w.value)); r < 0) {
				step = "set net." + family + ".conf." + dev + "." + s.name + " to " + proc_text(s, w.value);
				return r;
			}
		}
		return 0;
	} catch (const std::exception &) {
		return -ENOMEM;
	}
}

} /* namespace lxcnet::detail */
