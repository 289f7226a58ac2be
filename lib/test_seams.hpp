/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

/* Where the rollback tests make the Mover fail on purpose (LXCNET_TEST_FAULT=apply or target-check). */
namespace lxcnet::detail::seam {

inline bool fault(const char *which)
{
	const char *value = std::getenv("LXCNET_TEST_FAULT");
	return value && std::strcmp(value, which) == 0;
}

/* The configuration step after a move fails with EIO, named as injected. */
inline int apply_fault(std::string &step)
{
	if (!fault("apply"))
		return 0;
	step = "apply the configuration (injected fault)";
	return -EIO;
}

/* Attach does not look for the target name first, so the kernel's own EEXIST is reached. */
inline bool skip_target_check()
{
	return fault("target-check");
}

} /* namespace lxcnet::detail::seam */
