/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "test_seams.hpp"

#include <atomic>
#include <cerrno>

#ifndef LXCNET_TEST_SEAMS
#error "test_seams.cpp belongs to the test build (lxcnet-internal-seams) only"
#endif

namespace lxcnet::detail::seam {

namespace {
std::atomic<Fault> current{Fault::none};
}

ScopedFault::ScopedFault(Fault fault) noexcept : saved_(current.exchange(fault)) {}

ScopedFault::~ScopedFault()
{
	current = saved_;
}

int apply_fault(std::string &step)
{
	if (current != Fault::apply)
		return 0;
	step = "apply the configuration (injected fault)";
	return -EIO;
}

bool skip_target_check() noexcept
{
	return current == Fault::target_check;
}

int record_update_fault() noexcept
{
	return current == Fault::record_update ? -EIO : 0;
}

bool join_fault() noexcept
{
	return current == Fault::join;
}

} /* namespace lxcnet::detail::seam */
