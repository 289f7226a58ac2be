/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

/*
 * Where the rollback tests make the Mover fail on purpose. Only the test
 * build of the internal library (lxcnet-internal-seams, compiled with
 * LXCNET_TEST_SEAMS) has the switch; everywhere else, liblxcnet.so included,
 * the hooks are constants the compiler drops, so the shipped library has no
 * fault to turn on.
 */
namespace lxcnet::detail::seam {

#ifdef LXCNET_TEST_SEAMS

enum class Fault {
	none,
	apply,        /* the configuration step after a move fails with EIO */
	target_check, /* attach skips its check of the target name, so the kernel's own EEXIST is reached */
	record_update, /* attach's update of the record after the move fails with EIO */
	join,          /* a device rejoins its bridge or bond as a port of itself, which the kernel refuses */
};

/* Turns a fault on for one scope, for every thread. */
class ScopedFault final {
public:
	explicit ScopedFault(Fault fault) noexcept;
	~ScopedFault();
	ScopedFault(const ScopedFault &) = delete;
	ScopedFault &operator=(const ScopedFault &) = delete;

private:
	Fault saved_;
};

/* Fault::apply: -EIO, with the step named as injected; otherwise 0. */
int apply_fault(std::string &step);
bool skip_target_check() noexcept;
/* Fault::record_update: -EIO; otherwise 0. */
int record_update_fault() noexcept;
bool join_fault() noexcept;

#else

inline int apply_fault(std::string &) noexcept
{
	return 0;
}

constexpr bool skip_target_check() noexcept
{
	return false;
}

constexpr int record_update_fault() noexcept
{
	return 0;
}

constexpr bool join_fault() noexcept
{
	return false;
}

#endif

} /* namespace lxcnet::detail::seam */
