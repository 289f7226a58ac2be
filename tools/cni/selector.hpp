/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include "netconf.hpp"
#include "nl.hpp"

namespace lxcnet::cni {

/* The host device a config selects. */
struct Selected {
	detail::Link link;   /* unset in DPDK mode */
	bool dpdk = false;   /* pciBusID/deviceID bound to a userspace driver: nothing to move, IPAM only */
	std::string pci_id;  /* the PCI address, when selected by one */
};

/*
 * host-device's selectors, in its order: device, hwaddr, kernelpath,
 * pciBusID (or runtimeConfig.deviceID, PCI or auxiliary bus). sysfs is read
 * under $LXCNET_CNI_SYSFS if set (for tests), else /sys. Throws CniError.
 */
Selected select_device(const NetConf &conf, detail::NetlinkSocket &host);

/* True in DPDK mode; needed by DEL and CHECK, which must not touch the device. */
bool dpdk_mode(const NetConf &conf);

} /* namespace lxcnet::cni */
