/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <lxcnet/report.hpp>

namespace lxcnet {

/* Hidden: it is no part of the ABI even though it nests in an exported class. */
struct __attribute__((visibility("hidden"))) DeviceReport::Impl {
	std::string container;
	std::string inside_name;
	std::string host_name;
	bool fallback_name = false;
	DeviceState state = DeviceState::unknown;
	Action action = Action::none;
	int error = 0;
	std::string message;
	std::string record;
};

namespace detail {

/* The one way the library makes a DeviceReport. */
struct ReportAccess {
	static DeviceReport make(DeviceReport::Impl &&impl) { return DeviceReport(std::make_shared<const DeviceReport::Impl>(std::move(impl))); }
};

inline std::vector<DeviceReport> reports(std::vector<DeviceReport::Impl> &&impls)
{
	std::vector<DeviceReport> out;
	out.reserve(impls.size());
	for (auto &impl : impls)
		out.push_back(ReportAccess::make(std::move(impl)));
	return out;
}

} /* namespace detail */

} /* namespace lxcnet */
