/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>
#include <system_error>

#include <lxcnet/visibility.h>

namespace lxcnet {

/**
 * \brief The one exception type of lxcnet.
 *
 * code() is an errno value in std::generic_category(), so callers compare it
 * with std::errc: ENODEV (no such device), EEXIST (target name taken), EINVAL
 * (bad name), ESRCH (container not running), ESTALE (a record no longer
 * matches the device), or the kernel's own errno when it refuses a move.
 * what() names the operation, the device, the container and the cause.
 */
class LXCNET_PUBLIC Error : public std::system_error {
public:
	Error(int errnum, std::string device, std::string container, const std::string &cause);

	/** The device the failed operation was about (may be empty). */
	const std::string &device() const noexcept { return device_; }
	/** The container (or namespace) the failed operation was about. */
	const std::string &container() const noexcept { return container_; }

private:
	std::string device_;
	std::string container_;
};

} /* namespace lxcnet */
