/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>
#include <vector>

#include <lxcnet/recovery.hpp>

#include "netns.hpp"

namespace lxcnet::detail {

/*
 * The network namespace a container runs in now, by name and lxcpath: 0, or
 * -errno if it does not run or cannot be asked. Recovery is given it rather
 * than calling liblxc itself, so that a program recovering only namespaces
 * named by path links no liblxc: lxcnet-cni, started once per CNI command,
 * would otherwise load and initialise it in every process.
 */
using ContainerNetns = int (*)(const std::string &name, const std::string &lxcpath, NsId &out) noexcept;

/* ContainerNetns through liblxc (recovery_containers.cpp). */
int container_netns_now(const std::string &name, const std::string &lxcpath, NsId &out) noexcept;

/*
 * What recover() and list_records() do: every record of the state directory
 * (or, with only_key, of one container's record directory) judged by where
 * its device is now; with act, each is also returned, restored or retired.
 * Holds the state directory's lock throughout. Throws Error only if the
 * state directory cannot be locked or listed. container_netns may be null
 * when only_key names a namespace given by path: its records name no
 * container, and a record that does is then left where it is.
 */
std::vector<DeviceReport> recover_records(const Options &options, const std::string &only_key, bool act,
					 ContainerNetns container_netns);

} /* namespace lxcnet::detail */
