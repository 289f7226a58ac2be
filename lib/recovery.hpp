/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>
#include <vector>

#include <lxcnet/recovery.hpp>

namespace lxcnet::detail {

/*
 * What recover() and list_records() do: every record of the state directory
 * (or, with only_key, of one container's record directory) judged by where
 * its device is now; with act, each is also returned, restored or retired.
 * Holds the state directory's lock throughout. Throws Error only if the
 * state directory cannot be locked or listed.
 */
std::vector<DeviceReport> recover_records(const Options &options, const std::string &only_key, bool act);

} /* namespace lxcnet::detail */
