/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <memory>
#include <string>

#include <lxcnet/visibility.h>

namespace lxcnet {

namespace detail {
struct ReportAccess;
}

/** \brief Where a lent device is (or was, when the call began). */
enum class DeviceState {
	attached, /**< in the namespace it was lent to, which its container still runs in (or, named by path, still exists) */
	orphaned, /**< in the namespace it was lent to, which its container no longer runs in: a process or a mount holds it */
	home,     /**< already on the host (moved back by hand, or put there by the kernel), perhaps renamed and unconfigured */
	gone,     /**< nowhere: destroyed with its namespace, or deleted */
	mismatch, /**< a device is where the record says, but it is not the one that was lent */
	unknown,  /**< the record cannot be read, or looking for the device failed */
};

/** \brief What a call did about one device. */
enum class Action {
	none,     /**< nothing was needed (attached, or already home), or nothing was asked (list_records()) */
	returned, /**< brought home by a detach, or from an orphaned namespace by recover(): name, configuration and all */
	restored, /**< already home: given back its name and configuration */
	retired,  /**< the device no longer exists: its record is removed */
	failed,   /**< it could not be returned or restored, or it is not the device lent: the record is kept */
};

/**
 * \brief What became of one device: where a detach, detach_each(),
 * recover() or list_records() found it, and what it did.
 *
 * A value with accessors only, so that later versions can tell more without
 * changing its layout.
 */
class LXCNET_PUBLIC DeviceReport {
public:
	struct Impl;

	/** The container's name, or the namespace's path for lxcnet::NetworkNamespace. */
	const std::string &container() const noexcept;
	/** The device's name in the container. */
	const std::string &inside_name() const noexcept;
	/** Its name on the host: the one it has now if returned or restored, else the one it will come home under. */
	const std::string &host_name() const noexcept;
	/** The name it had was taken on the host, so host_name() is lxcnet's fallback ("lxn<ifindex>": the stop hook). */
	bool fallback_name() const noexcept;
	DeviceState state() const noexcept;
	Action action() const noexcept;
	/** The errno of a failed action (EEXIST, ESTALE, EBADMSG, ...); 0 otherwise. */
	int error() const noexcept;
	/** One line: where the device was found and what was done, or why not. */
	const std::string &message() const noexcept;
	/** The record's file; "" for a device lxcnet kept no record of. */
	const std::string &record() const noexcept;

private:
	friend struct detail::ReportAccess;
	/* Hidden, like Impl: only the library makes these. */
	__attribute__((visibility("hidden"))) explicit DeviceReport(std::shared_ptr<const Impl> impl) noexcept;
	std::shared_ptr<const Impl> impl_;
};

/** The word for a state: "attached", "orphaned", "home", "gone", "mismatch", "unknown". */
LXCNET_PUBLIC const char *to_string(DeviceState state) noexcept;
/** The word for an action: "none", "returned", "restored", "retired", "failed". */
LXCNET_PUBLIC const char *to_string(Action action) noexcept;

} /* namespace lxcnet */
