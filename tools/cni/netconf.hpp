/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace lxcnet::cni {

/*
 * The network configuration on stdin: host-device's keys, unchanged, plus
 * lxcnet's own (see docs/cni.md). Unknown keys are ignored, as every CNI
 * plugin does, so a conflist can carry keys meant for other plugins.
 */
struct NetConf {
	std::string raw; /* stdin as read: delegated plugins get exactly this */
	std::string cni_version;
	std::string name;
	std::string type;

	/* host-device's selectors, in the order host-device tries them. */
	std::string device;
	std::string hwaddr;
	std::string kernelpath;
	std::string pci_bus_id;
	std::string device_id; /* runtimeConfig.deviceID: a PCI or auxiliary bus ID */

	/* lxcnet: carry the host's addresses and routes in, restore the host's configuration on DEL. */
	bool preserve = false;

	std::string ipam_type;
	nlohmann::json dns = nlohmann::json::object();
	std::optional<nlohmann::json> prev_result;
	/* GC: cni.dev/valid-attachments as (containerID, ifname). */
	std::vector<std::pair<std::string, std::string>> valid_attachments;

	bool has_selector() const { return !device.empty() || !hwaddr.empty() || !kernelpath.empty() || !pci_bus_id.empty() || !device_id.empty(); }
};

inline constexpr const char *no_selector_message = "specify either \"device\", \"hwaddr\", \"kernelpath\" or \"pciBusID\"";

/*
 * Parses and checks stdin for `command`: JSON (code 6), the version (code 1),
 * the network name and the key types (code 7), and, for commands that act on
 * a device, that a selector is given (code 7, in host-device's words).
 */
NetConf parse_netconf(const std::string &stdin_data, const std::string &command);

/* The version to answer errors in before the config could be read. */
std::string error_version(const std::string &stdin_data);

} /* namespace lxcnet::cni */
