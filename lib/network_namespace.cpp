/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <lxcnet/network_namespace.hpp>

#include <cerrno>

#include "mover.hpp"
#include "netns_mover.hpp"
#include "names.hpp"
#include "netns.hpp"
#include "privilege.hpp"
#include "record_store.hpp"

namespace lxcnet {

using detail::Mover;
using detail::UniqueFd;

namespace detail {

Mover netns_mover(const std::string &path, const std::string &id, const Operation &op, const std::string &state_dir)
{
	UniqueFd netns;
	if (int r = open_netns_path(path.c_str(), netns); r < 0)
		throw Error(-r, op.device, path, op.text(path) + ": " + with_privilege_hint(-r, "open network namespace " + path));
	return Mover(path, std::move(netns), state_dir, netns_key(id));
}

} /* namespace detail */

struct __attribute__((visibility("hidden"))) NetworkNamespace::Impl {
	std::string path;
	std::string id;

	/* Opened again on every call: a namespace file can be replaced, and a held fd would keep a dead one alive. */
	Mover mover(const detail::Operation &op, const Options &options) const
	{
		return detail::netns_mover(path, id, op, options.state_dir);
	}
};

NetworkNamespace::NetworkNamespace(std::string path, std::string id) : impl_(std::make_unique<Impl>())
{
	if (const char *problem = detail::container_name_problem(id))
		throw Error(EINVAL, "", path, "open network namespace " + path + ": bad id: " + problem);
	if (path.empty() || path.find('\0') != std::string::npos)
		throw Error(EINVAL, "", path, "open network namespace " + path + ": empty or bad namespace path");
	impl_->path = std::move(path);
	impl_->id = std::move(id);
}

NetworkNamespace::~NetworkNamespace() = default;
NetworkNamespace::NetworkNamespace(NetworkNamespace &&) noexcept = default;
NetworkNamespace &NetworkNamespace::operator=(NetworkNamespace &&) noexcept = default;

void NetworkNamespace::attach_interface(const std::string &dev, const std::string &dst, const Options &options)
{
	const detail::Operation op{detail::Operation::Kind::attach, dev, dst};
	detail::check_names(op, impl_->path);
	impl_->mover(op, options).attach(dev, dst, options.preserve);
}

void NetworkNamespace::detach_interface(const std::string &dev, const std::string &dst, const Options &options)
{
	const detail::Operation op{detail::Operation::Kind::detach, dev, dst};
	detail::check_names(op, impl_->path);
	(void)impl_->mover(op, options).detach(dev, dst, options.preserve);
}

DeviceReport NetworkNamespace::detach(const std::string &dev, const std::string &dst, const Options &options)
{
	const detail::Operation op{detail::Operation::Kind::detach, dev, dst};
	detail::check_names(op, impl_->path);
	return detail::ReportAccess::make(impl_->mover(op, options).detach(dev, dst, options.preserve));
}

std::vector<DeviceReport> NetworkNamespace::detach_each(const Options &options)
{
	return detail::reports(impl_->mover({detail::Operation::Kind::detach_all, {}, {}}, options).detach_each(options.preserve, false));
}

std::vector<Returned> NetworkNamespace::detach_all(const Options &options)
{
	return impl_->mover({detail::Operation::Kind::detach_all, {}, {}}, options).detach_all(options.preserve, false);
}

std::vector<std::string> NetworkNamespace::interfaces() const
{
	return impl_->mover({detail::Operation::Kind::list, {}, {}}, {}).interfaces();
}

std::vector<std::string> NetworkNamespace::forget(const std::string &id, const Options &options)
{
	if (const char *problem = detail::container_name_problem(id))
		throw Error(EINVAL, "", id, "forget the records of " + id + ": bad id: " + problem);
	detail::HostLock lock;
	detail::RecordStore store;
	if (int r = lock.acquire(options.state_dir, false); r == -ENOENT)
		return {};
	else if (r < 0)
		throw Error(-r, "", id, "forget the records of " + id + ": lock the state directory " + detail::state_dir_path(options.state_dir));
	if (int r = store.open(lock, detail::netns_key(id), false); r == -ENOENT)
		return {};
	else if (r < 0)
		throw Error(-r, "", id, "forget the records of " + id + ": open the record directory");
	std::vector<detail::RecordStore::Entry> records;
	std::vector<std::string> unreadable;
	if (int r = store.load(records, unreadable); r < 0)
		throw Error(-r, "", id, "forget the records of " + id + ": read " + store.path());
	std::vector<std::string> names;
	for (const auto &entry : records) {
		(void)store.remove(entry.record);
		names.push_back(entry.record.host.name);
	}
	for (const auto &file : unreadable)
		(void)store.remove_file(file);
	return names;
}

} /* namespace lxcnet */
