/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <lxcnet/error.hpp>
#include <lxcnet/options.hpp>
#include <lxcnet/recovery.hpp>
#include <lxcnet/visibility.h>

struct lxc_container;

namespace lxcnet {

/**
 * \brief A running LXC container whose network interfaces lxcnet moves.
 *
 * Every call resolves the container's init through a pidfd, pins its network
 * namespace by fd for the duration of that call only, and leaves the calling
 * thread in the network namespace it was in. Calls on distinct devices may
 * run concurrently from several threads. Attaches and detaches, on any
 * container, are serialised (also across processes) by one lock on the state
 * directory; interfaces() takes none.
 */
class LXCNET_PUBLIC Container {
public:
	/** Wraps c, taking a reference of its own (lxc_container_get). \throws lxcnet::Error (EINVAL if c is NULL) */
	explicit Container(struct lxc_container *c);
	/** By name and lxcpath (empty: liblxc's default lxcpath). \throws lxcnet::Error (EINVAL, ENAMETOOLONG, ESRCH if liblxc cannot open it) */
	explicit Container(const std::string &name, const std::string &lxcpath = {});
	~Container();
	Container(Container &&) noexcept;
	Container &operator=(Container &&) noexcept;
	Container(const Container &) = delete;
	Container &operator=(const Container &) = delete;

	/**
	 * \brief Moves the caller's network device \p dev into the container as \p dst.
	 *
	 * With options.preserve (the default) the device arrives with the admin
	 * state, addresses and routes it had, and where it came from is recorded
	 * so that any process can later detach it with no name.
	 * On failure the device is where it was, configured as it was.
	 * \param dst the name inside the container; empty keeps \p dev.
	 * \throws lxcnet::Error (ENODEV, EEXIST, EINVAL, ESRCH, or the kernel's errno)
	 */
	void attach_interface(const std::string &dev, const std::string &dst = {}, const Options &options = {});

	/**
	 * \brief Moves the container's network device \p dev back into the caller's netns.
	 *
	 * \param dst the name on the host; empty means the name it had before
	 *        lxcnet attached it (or \p dev for a device lxcnet did not attach).
	 * \throws lxcnet::Error (ENODEV, EEXIST, EINVAL, ESRCH, ESTALE, or the kernel's errno)
	 */
	void detach_interface(const std::string &dev, const std::string &dst = {}, const Options &options = {});

	/**
	 * \brief detach_interface(), saying where the device went.
	 *
	 * The report's host_name() is the name lxcnet chose (the recorded one for
	 * a nameless detach); record() the record it followed, if any.
	 * \throws lxcnet::Error as detach_interface()
	 */
	DeviceReport detach(const std::string &dev, const std::string &dst = {}, const Options &options = {});

	/**
	 * \brief Returns every device lxcnet attached to this container to the host.
	 *
	 * Each comes home under its original name and configuration. A device
	 * whose original name is taken on the host stays in the container (as
	 * with detach_interface()); the stop hook's detach_all_from() uses a
	 * fallback name instead, since there the namespace is about to die.
	 * \throws lxcnet::Error if any device could not be returned (the others still are), listing both
	 */
	std::vector<Returned> detach_all(const Options &options = {});

	/**
	 * \brief detach_all() for LXC's stop hook, where init is already gone.
	 *
	 * \p netns_path is the container's network namespace as LXC passes it in
	 * LXC_NET_NS (lxc.hook.version = 1). The namespace dies after the hook, so
	 * a device whose original name is taken on the host comes back under the
	 * fallback name "lxn<ifindex>" instead of staying behind.
	 */
	std::vector<Returned> detach_all_from(const std::string &netns_path, const Options &options = {});

	/**
	 * \brief detach_all(), reporting every device instead of throwing on the first that failed.
	 *
	 * One report per record: returned (with its host name), retired (the
	 * device no longer exists), none (already home, or lent into an earlier
	 * namespace of the container: kept for recover()), or failed (error()
	 * and message() say why; the device stays and so does its record).
	 * \throws lxcnet::Error only if the container or its records cannot be reached at all
	 */
	std::vector<DeviceReport> detach_each(const Options &options = {});

	/** \brief detach_each() for LXC's stop hook, as detach_all_from(). */
	std::vector<DeviceReport> detach_each_from(const std::string &netns_path, const Options &options = {});

	/**
	 * \brief lxcnet::recover() for this container's records alone.
	 *
	 * Works whether or not the container runs, or still exists.
	 */
	std::vector<DeviceReport> recover(const Options &options = {});

	/**
	 * \brief Attaches devices as the container starts: for LXC's start-host hook.
	 *
	 * LXC runs that hook while the container starts, before its init runs,
	 * and liblxc cannot be asked about the container then: \p init_pid is the
	 * init LXC names in LXC_PID, held by a pidfd for the call. Each entry of
	 * \p devices is (host device, name inside; empty keeps the name). All or
	 * nothing: if one device cannot be attached, those already attached are
	 * brought back, configured as they were, and the call throws with the
	 * first failure. The stop hook returns them at stop as any other.
	 * \throws lxcnet::Error (ENODEV, EEXIST, EINVAL, ESRCH, or the kernel's errno)
	 */
	std::vector<DeviceReport> attach_at_start(const std::vector<std::pair<std::string, std::string>> &devices, int init_pid,
						  const Options &options = {});

	/** \brief Names of the network links inside the container. \throws lxcnet::Error (ESRCH) */
	std::vector<std::string> interfaces() const;

	/** The container's name. */
	const std::string &name() const noexcept;

private:
	struct Impl;
	std::unique_ptr<Impl> impl_;
};

} /* namespace lxcnet */
