/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

namespace lxcnet {

/** \brief How an attach or detach treats the device's configuration. */
struct Options {
	/**
	 * Snapshot the device's admin state, addresses and routes (and, on the
	 * way home, MTU, MAC and ifalias) and re-apply them after the move, and
	 * remember where the device came from. false gives liblxc's bare move:
	 * the device arrives down, with no addresses or routes, and no record.
	 */
	bool preserve = true;

	/**
	 * Directory of lxcnet's records. Empty: $LXCNET_STATE_DIR if set, else
	 * /run/lxcnet. Every process that detaches a device must use the same one.
	 */
	std::string state_dir;
};

/** \brief What detach_all() did with one device. */
struct Returned {
	std::string container_name; /**< its name inside the container */
	std::string host_name;      /**< the name it has now on the host */
	bool fallback_name = false; /**< the original name was taken: host_name is lxcnet's fallback */
};

} /* namespace lxcnet */
