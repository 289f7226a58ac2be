/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "device_report.hpp"

namespace lxcnet {

DeviceReport::DeviceReport(std::shared_ptr<const Impl> impl) noexcept : impl_(std::move(impl)) {}

const std::string &DeviceReport::container() const noexcept
{
	return impl_->container;
}

const std::string &DeviceReport::inside_name() const noexcept
{
	return impl_->inside_name;
}

const std::string &DeviceReport::host_name() const noexcept
{
	return impl_->host_name;
}

bool DeviceReport::fallback_name() const noexcept
{
	return impl_->fallback_name;
}

DeviceState DeviceReport::state() const noexcept
{
	return impl_->state;
}

Action DeviceReport::action() const noexcept
{
	return impl_->action;
}

int DeviceReport::error() const noexcept
{
	return impl_->error;
}

const std::string &DeviceReport::message() const noexcept
{
	return impl_->message;
}

const std::string &DeviceReport::record() const noexcept
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

const char *to_string(Action action) noexcept
{
	switch (action) {
	case Action::none: return "none";
	case Action::returned: return "returned";
	case Action::restored: return "restored";
	case Action::retired: return "retired";
	case Action::failed: break;
	}
	return "failed";
}

} /* namespace lxcnet */
