/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <lxcnet/error.hpp>
#include <lxcnet/options.hpp>
#include <lxcnet/visibility.h>

namespace lxcnet {

namespace detail {
class Recovery;
}

/** \brief Where the device of one of lxcnet's records is now. */
enum class DeviceState {
	attached, /**< in the namespace it was lent to, which its container still runs in (or, named by path, still exists) */
	orphaned, /**< in the namespace it was lent to, which its container no longer runs in: a process or a mount holds it */
	home,     /**< already on the host (moved back by hand, or put there by the kernel), perhaps renamed and unconfigured */
	gone,     /**< nowhere: destroyed with its namespace, or deleted */
	mismatch, /**< a device is where the record says, but it is not the one that was lent */
	unknown,  /**< the record cannot be read, or looking for the device failed */
};

/** \brief What recover() did about one record. */
enum class RecoveryAction {
	none,     /**< nothing was needed (attached), or nothing was asked (list_records()) */
	returned, /**< brought home from the orphaned namespace as a detach would: name, configuration and all */
	restored, /**< already home: given back its name and configuration */
	retired,  /**< the device no longer exists: its record is removed */
	failed,   /**< it could not be returned or restored, or it is not the device lent: the record is kept */
};

/**
 * \brief One record as recover() or list_records() found it, and what was done.
 *
 * A value with accessors only, so that later versions can tell more without
 * changing its layout.
 */
class LXCNET_PUBLIC RecordStatus {
public:
	struct Impl;

	/** The container's name, or the namespace's path for lxcnet::NetworkNamespace. */
	const std::string &container() const noexcept;
	/** The device's name inside, when it was lent. */
	const std::string &inside_name() const noexcept;
	/** Its name on the host: the one it has now if returned or restored, else the one it will come home under. */
	const std::string &host_name() const noexcept;
	DeviceState state() const noexcept;
	RecoveryAction action() const noexcept;
	/** The errno of a failed action (EEXIST, ESTALE, EBADMSG, ...); 0 otherwise. */
	int error() const noexcept;
	/** One line: where the device was found and what was done, or why not. */
	const std::string &message() const noexcept;
	/** The record's file. */
	const std::string &record() const noexcept;

private:
	friend class detail::Recovery;
	/* Hidden, like Impl: only the library makes these. */
	__attribute__((visibility("hidden"))) explicit RecordStatus(std::shared_ptr<const Impl> impl) noexcept;
	std::shared_ptr<const Impl> impl_;
};

/**
 * \brief Puts every device lxcnet lent back where it belongs, after the fact.
 *
 * For each record: a device still in its container stays; one stranded in a
 * namespace its container no longer runs in (held by a process or a bind
 * mount) is returned as a detach would; one already on the host is given
 * back its name and configuration; the record of one that no longer exists
 * is retired. Idempotent, and serialised with attaches and detaches by the
 * state directory's lock. See Container::recover() for one container.
 * \throws lxcnet::Error only if the state directory cannot be read at all;
 *         a record that fails is reported in the result and kept
 */
LXCNET_PUBLIC std::vector<RecordStatus> recover(const Options &options = {});

/** \brief Every record and where its device is, as recover() would judge it, changing nothing. */
LXCNET_PUBLIC std::vector<RecordStatus> list_records(const Options &options = {});

/** The word for a state: "attached", "orphaned", "home", "gone", "mismatch", "unknown". */
LXCNET_PUBLIC const char *to_string(DeviceState state) noexcept;
/** The word for an action: "none", "returned", "restored", "retired", "failed". */
LXCNET_PUBLIC const char *to_string(RecoveryAction action) noexcept;

} /* namespace lxcnet */
