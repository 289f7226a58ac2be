/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "record_status.hpp"

namespace lxcnet {

RecordStatus::RecordStatus(std::shared_ptr<const Impl> impl) noexcept : impl_(std::move(impl)) {}

const std::string &RecordStatus::container() const noexcept
{
	return impl_->container;
}

const std::string &RecordStatus::inside_name() const noexcept
{
	return impl_->inside_name;
}

const std::string &RecordStatus::host_name() const noexcept
{
	return impl_->host_name;
}

DeviceState RecordStatus::state() const noexcept
{
	return impl_->state;
}

RecoveryAction RecordStatus::action() const noexcept
{
	return impl_->action;
}

int RecordStatus::error() const noexcept
{
	return impl_->error;
}

const std::string &RecordStatus::message() const noexcept
{
	return impl_->message;
}

const std::string &RecordStatus::record() const noexcept
{
	return impl_->record;
}

const char *to_string(DeviceState state) noexcept
{
	switch (state) {
	case DeviceState::attached: return "attached";
	case DeviceState::orphaned: return "orphaned";
	case DeviceState::home: return "home";
	case DeviceState::gone: return "gone";
	case DeviceState::mismatch: return "mismatch";
	case DeviceState::unknown: break;
	}
	return "unknown";
}

const char *to_string(RecoveryAction action) noexcept
{
	switch (action) {
	case RecoveryAction::none: return "none";
	case RecoveryAction::returned: return "returned";
	case RecoveryAction::restored: return "restored";
	case RecoveryAction::retired: return "retired";
	case RecoveryAction::failed: break;
	}
	return "failed";
}

} /* namespace lxcnet */
