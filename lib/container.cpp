/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <lxcnet/container.hpp>

#include <cerrno>
#include <climits>
#include <memory>
#include <mutex>

#include <sys/stat.h>

#include "lxc.hpp"
#include "mover.hpp"
#include "device_report.hpp"
#include "names.hpp"
#include "recovery.hpp"
#include "netns.hpp"
#include "privilege.hpp"

namespace lxcnet {

using detail::LxcRef;
using detail::Mover;
using detail::UniqueFd;

/* Hidden: it is no part of the ABI even though it nests in an exported class. */
struct __attribute__((visibility("hidden"))) Container::Impl {
	LxcRef c;
	std::string name;
	std::string lxcpath;    /* canonical, resolved once */
	std::string record_key; /* from it */

	/*
	 * Init's pidfd, kept between calls: it pins no namespace (so a stopped
	 * container's veths still die with it), and it saves two liblxc command
	 * round trips per call. Re-fetched only when init has exited. Shared, not
	 * duplicated, with the calls in flight: one may still be using it when
	 * another finds init gone.
	 */
	std::mutex mutex;
	std::shared_ptr<const UniqueFd> init_pidfd;

	void open(lxc_container *container)
	{
		if (const char *problem = detail::container_name_problem(container->name ? container->name : ""))
			throw Error(EINVAL, "", container->name ? container->name : "", "open container " + std::string(container->name ? container->name : "") + ": " + problem);
		c.reset(container);
		name = container->name;
		lxcpath = detail::canonical_lxcpath(container);
		record_key = detail::container_key(name, lxcpath);
	}

	/*
	 * Why init cannot be reached, told apart so that a caller can act on it:
	 * a container liblxc does not know (or whose config this caller may not
	 * read), a caller without the privileges to ask liblxc or to enter the
	 * namespace (liblxc's answer is then "not running"), or a stopped one.
	 */
	[[noreturn]] void unreachable(const detail::Operation &op) const
	{
		const std::string config = std::string(c->config_path ? c->config_path : "") + "/" + name + "/config";
		if (!c->is_defined(c.get())) {
			struct stat st;
			if (::stat(config.c_str(), &st) != 0 && errno == EACCES)
				throw Error(EACCES, op.device, name, op.text(name) + ": " +
					detail::with_privilege_hint(EACCES, "cannot read " + config));
			throw Error(ESRCH, op.device, name, op.text(name) + ": no container named " + name + " in " + c->config_path);
		}
		if (const std::string missing = detail::missing_privileges(); !missing.empty())
			throw Error(EPERM, op.device, name, op.text(name) + ": cannot reach the container's init: " + missing);
		throw Error(ESRCH, op.device, name, op.text(name) + ": the container is not running");
	}

	/* The netns of init, and init's pidfd for the Mover's liveness checks. */
	void resolve(const detail::Operation &op, UniqueFd &netns, std::shared_ptr<const UniqueFd> &pidfd)
	{
		const std::string &device = op.device;
		std::lock_guard<std::mutex> lock(mutex);
		int r = -ESRCH;
		if (init_pidfd)
			r = detail::open_netns_of_pidfd(init_pidfd->get(), netns);
		if (r == -ESRCH) {
			init_pidfd.reset();
			if (!c->is_defined(c.get()) || !c->is_running(c.get()))
				unreachable(op);
			/* A pidfd, never the bare PID: a PID can be recycled between lookup and open. */
			auto fresh = std::make_shared<const UniqueFd>(c->init_pidfd(c.get()));
			if (!fresh->valid())
				unreachable(op);
			init_pidfd = std::move(fresh);
			r = detail::open_netns_of_pidfd(init_pidfd->get(), netns);
		}
		if (r < 0)
			throw Error(-r, device, name, op.text(name) + ": " + (r == -ESRCH ? "the container is not running"
				: detail::with_privilege_hint(-r, "cannot reach the container's network namespace")));
		pidfd = init_pidfd;
	}

	Mover mover(const detail::Operation &op, const Options &options)
	{
		UniqueFd netns;
		std::shared_ptr<const UniqueFd> pidfd;
		resolve(op, netns, pidfd);
		return Mover(name, std::move(netns), options.state_dir, record_key, lxcpath, std::move(pidfd));
	}

	/* For the stop hook: init is gone, and LXC names the namespace. */
	Mover stop_hook_mover(const std::string &netns_path, const Options &options)
	{
		UniqueFd netns;
		if (int r = detail::open_netns_path(netns_path.c_str(), netns); r < 0)
			throw Error(-r, "", name, "detach all from " + name + ": " + detail::with_privilege_hint(-r, "open network namespace " + netns_path));
		return Mover(name, std::move(netns), options.state_dir, record_key, lxcpath);
	}
};

Container::Container(struct lxc_container *c) : impl_(std::make_unique<Impl>())
{
	if (!c || !lxc_container_get(c))
		throw Error(EINVAL, "", "", "open container: NULL or unusable lxc_container");
	try {
		impl_->open(c);
	} catch (...) {
		if (!impl_->c)
			lxc_container_put(c);
		throw;
	}
}

Container::Container(const std::string &name, const std::string &lxcpath) : impl_(std::make_unique<Impl>())
{
	if (const char *problem = detail::container_name_problem(name))
		throw Error(EINVAL, "", name, "open container " + name + ": " + problem);
	if (name.size() > NAME_MAX)
		throw Error(ENAMETOOLONG, "", name, "open container " + name + ": container name longer than " + std::to_string(NAME_MAX) + " bytes");
	if (lxcpath.find('\0') != std::string::npos)
		throw Error(EINVAL, "", name, "open container " + name + ": lxcpath contains a NUL byte");
	lxc_container *c = lxc_container_new(name.c_str(), lxcpath.empty() ? nullptr : lxcpath.c_str());
	if (!c) {
		const std::string where = lxcpath.empty() ? std::string() : " in " + lxcpath;
		/* liblxc takes a lock under /run/lxc even to look: without privileges that is what fails. */
		if (const std::string missing = detail::missing_privileges(); !missing.empty())
			throw Error(EPERM, "", name, "open container " + name + ": liblxc cannot open it" + where + ": " + missing);
		throw Error(ESRCH, "", name, "open container " + name + ": liblxc cannot open it" + where);
	}
	impl_->open(c);
}

Container::~Container() = default;
Container::Container(Container &&) noexcept = default;
Container &Container::operator=(Container &&) noexcept = default;

const std::string &Container::name() const noexcept
{
	return impl_->name;
}

void Container::attach_interface(const std::string &dev, const std::string &dst, const Options &options)
{
	const detail::Operation op{detail::Operation::Kind::attach, dev, dst};
	detail::check_names(op, impl_->name);
	impl_->mover(op, options).attach(dev, dst, options.preserve);
}

void Container::detach_interface(const std::string &dev, const std::string &dst, const Options &options)
{
	const detail::Operation op{detail::Operation::Kind::detach, dev, dst};
	detail::check_names(op, impl_->name);
	(void)impl_->mover(op, options).detach(dev, dst, options.preserve);
}

DeviceReport Container::detach(const std::string &dev, const std::string &dst, const Options &options)
{
	const detail::Operation op{detail::Operation::Kind::detach, dev, dst};
	detail::check_names(op, impl_->name);
	return detail::ReportAccess::make(impl_->mover(op, options).detach(dev, dst, options.preserve));
}

std::vector<DeviceReport> Container::detach_each(const Options &options)
{
	return detail::reports(impl_->mover({detail::Operation::Kind::detach_all, {}, {}}, options).detach_each(options.preserve, false));
}

std::vector<DeviceReport> Container::detach_each_from(const std::string &netns_path, const Options &options)
{
	return detail::reports(impl_->stop_hook_mover(netns_path, options).detach_each(options.preserve, true));
}

std::vector<Returned> Container::detach_all(const Options &options)
{
	return impl_->mover({detail::Operation::Kind::detach_all, {}, {}}, options).detach_all(options.preserve, false);
}

std::vector<Returned> Container::detach_all_from(const std::string &netns_path, const Options &options)
{
	return impl_->stop_hook_mover(netns_path, options).detach_all(options.preserve, true);
}

std::vector<DeviceReport> Container::attach_at_start(const std::vector<std::pair<std::string, std::string>> &devices, int init_pid,
						     const Options &options)
{
	const std::string &name = impl_->name;
	for (const auto &[dev, dst] : devices)
		detail::check_names({detail::Operation::Kind::attach, dev, dst}, name);
	const int fd = init_pid > 0 ? detail::pidfd_of(init_pid) : -1;
	int r = init_pid <= 0 ? -EINVAL : fd < 0 ? -errno : 0;
	auto pidfd = std::make_shared<const UniqueFd>(fd);
	UniqueFd netns;
	if (r == 0)
		r = detail::open_netns_of_pidfd(pidfd->get(), netns);
	if (r < 0)
		throw Error(-r, "", name, "attach to " + name + " as it starts: " +
					  detail::with_privilege_hint(-r, "reach the network namespace of its init, PID " + std::to_string(init_pid)));
	Mover mover(name, std::move(netns), options.state_dir, impl_->record_key, impl_->lxcpath, pidfd);
	std::vector<DeviceReport> attached;
	for (const auto &[dev, dst] : devices) {
		try {
			mover.attach(dev, dst, options.preserve);
		} catch (const Error &e) {
			/* The start fails: what went in comes back out, newest first, as a detach brings it. */
			std::string undone;
			for (auto it = attached.rbegin(); it != attached.rend(); ++it) {
				try {
					(void)mover.detach(it->inside_name(), it->host_name(), options.preserve);
					undone += "; " + it->host_name() + " is home again";
				} catch (const Error &undo) {
					undone += std::string("; ") + undo.what();
				}
			}
			throw Error(e.code().value(), dev, name, e.what() + undone);
		}
		DeviceReport::Impl report;
		report.container = name;
		report.inside_name = dst.empty() ? dev : dst;
		report.host_name = dev;
		report.state = DeviceState::attached;
		report.message = "attached as " + report.inside_name;
		attached.push_back(detail::ReportAccess::make(std::move(report)));
	}
	return attached;
}

std::vector<DeviceReport> Container::recover(const Options &options)
{
	return detail::recover_records(options, impl_->record_key, true, detail::container_netns_now);
}

std::vector<std::string> Container::interfaces() const
{
	/* Logically const: only the pidfd cache, guarded by its mutex, may change. */
	return impl_->mover({detail::Operation::Kind::list, {}, {}}, {}).interfaces();
}

} /* namespace lxcnet */
