/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "privilege.hpp"

#include <cerrno>
#include <cstdint>

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace lxcnet::detail {

namespace {

bool has_capability(const __user_cap_data_struct (&data)[_LINUX_CAPABILITY_U32S_3], int cap) noexcept
{
	return data[cap / 32].effective & (UINT32_C(1) << (cap % 32));
}

} /* namespace */

std::string missing_privileges()
{
	__user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
	__user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
	/* glibc has no wrapper, and libcap is not worth a dependency for one call. */
	if (::syscall(SYS_capget, &header, data) != 0)
		return {};
	const bool net_admin = has_capability(data, CAP_NET_ADMIN), sys_admin = has_capability(data, CAP_SYS_ADMIN);
	if (net_admin && sys_admin)
		return {};
	std::string lacking = !net_admin && !sys_admin ? "CAP_NET_ADMIN and CAP_SYS_ADMIN" : !net_admin ? "CAP_NET_ADMIN" : "CAP_SYS_ADMIN";
	return "moving network devices between namespaces needs " + lacking + ", which this process lacks (run it as root)";
}

std::string with_privilege_hint(int errnum, const std::string &cause)
{
	if (errnum != EPERM && errnum != EACCES)
		return cause;
	const std::string missing = missing_privileges();
	return missing.empty() ? cause : cause + ": " + missing;
}

} /* namespace lxcnet::detail */
