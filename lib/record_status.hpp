/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include <lxcnet/recovery.hpp>

namespace lxcnet {

/* Hidden: it is no part of the ABI even though it nests in an exported class. */
struct __attribute__((visibility("hidden"))) RecordStatus::Impl {
	std::string container;
	std::string inside_name;
	std::string host_name;
	DeviceState state = DeviceState::unknown;
	RecoveryAction action = RecoveryAction::none;
	int error = 0;
	std::string message;
	std::string record;
};

} /* namespace lxcnet */
