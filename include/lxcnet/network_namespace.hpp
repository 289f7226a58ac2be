/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <lxcnet/error.hpp>
#include <lxcnet/options.hpp>
#include <lxcnet/recovery.hpp>
#include <lxcnet/visibility.h>

namespace lxcnet {

/**
 * \brief A network namespace named by a file rather than by a container.
 *
 * For callers that are handed a namespace path: a CNI runtime's CNI_NETNS,
 * /run/netns/NAME, or /proc/PID/ns/net of a process they hold a pidfd to.
 * The same operations and guarantees as lxcnet::Container; \p id keys the
 * records (a CNI container ID, say), so the same id must be given to detach
 * what was attached.
 */
class LXCNET_PUBLIC NetworkNamespace {
public:
	/** \throws lxcnet::Error (EINVAL if id is empty or contains '/') */
	NetworkNamespace(std::string path, std::string id);
	~NetworkNamespace();
	NetworkNamespace(NetworkNamespace &&) noexcept;
	NetworkNamespace &operator=(NetworkNamespace &&) noexcept;
	NetworkNamespace(const NetworkNamespace &) = delete;
	NetworkNamespace &operator=(const NetworkNamespace &) = delete;

	/** As Container::attach_interface(). \throws lxcnet::Error (ENOENT if the path is gone, ENODEV, EEXIST, EINVAL) */
	void attach_interface(const std::string &dev, const std::string &dst = {}, const Options &options = {});
	/** As Container::detach_interface(). */
	void detach_interface(const std::string &dev, const std::string &dst = {}, const Options &options = {});
	/** As Container::detach(). */
	DeviceReport detach(const std::string &dev, const std::string &dst = {}, const Options &options = {});
	/** As Container::detach_each(). */
	std::vector<DeviceReport> detach_each(const Options &options = {});
	/** As Container::detach_all(). */
	std::vector<Returned> detach_all(const Options &options = {});
	/** Names of the links inside. */
	std::vector<std::string> interfaces() const;

	/**
	 * \brief Drops the records of \p id without touching any device.
	 *
	 * For a namespace that is already gone: the kernel has destroyed its
	 * virtual devices and pushed physical ones to the initial namespace, so
	 * the records can no longer be applied. Returns the host names they held.
	 */
	static std::vector<std::string> forget(const std::string &id, const Options &options = {});

	/**
	 * \brief lxcnet::recover() for the records of \p id alone.
	 *
	 * Where its namespace is gone, a physical device the kernel put back in
	 * the initial namespace is given its name and configuration again, and
	 * the record of a virtual one destroyed with the namespace is retired.
	 */
	static std::vector<DeviceReport> recover(const std::string &id, const Options &options = {});

private:
	struct Impl;
	std::unique_ptr<Impl> impl_;
};

} /* namespace lxcnet */
