/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <lxcnet/container.hpp>

#include <cerrno>

#include "lxc.hpp"
#include "mover.hpp"
#include "names.hpp"
#include "netns.hpp"

namespace lxcnet {

using detail::LxcRef;
using detail::Mover;
using detail::UniqueFd;

/* Hidden: it is no part of the ABI even though it nests in an exported class. */
struct __attribute__((visibility("hidden"))) Container::Impl {
	LxcRef c;
	std::string name;

	std::string record_key() const { return detail::container_key(name, detail::canonical_lxcpath(c.get())); }

	/* The namespace is resolved again on every call, so a restarted container is reached at its new init. */
	Mover mover(const std::string &op, const std::string &device, const Options &options) const
	{
		UniqueFd netns;
		if (!c->is_defined(c.get()))
			throw Error(ESRCH, device, name, op + ": no container named " + name + " in " + c->config_path);
		if (int r = detail::container_netns(c.get(), netns); r < 0)
			throw Error(-r, device, name, op + (r == -ESRCH ? ": the container is not running" : ": cannot reach the container's network namespace"));
		return Mover(name, std::move(netns), options.state_dir, record_key());
	}
};

Container::Container(struct lxc_container *c) : impl_(std::make_unique<Impl>())
{
	if (!c || !c->name || !lxc_container_get(c))
		throw Error(EINVAL, "", "", "lxcnet::Container: NULL or unusable lxc_container");
	impl_->c.reset(c);
	impl_->name = c->name;
}

Container::Container(const std::string &name, const std::string &lxcpath) : impl_(std::make_unique<Impl>())
{
	if (const char *problem = detail::container_name_problem(name))
		throw Error(EINVAL, "", name, std::string("lxcnet::Container: ") + problem);
	if (lxcpath.find('\0') != std::string::npos)
		throw Error(EINVAL, "", name, "lxcnet::Container: lxcpath contains a NUL byte");
	impl_->c.reset(lxc_container_new(name.c_str(), lxcpath.empty() ? nullptr : lxcpath.c_str()));
	if (!impl_->c)
		throw Error(ENOMEM, "", name, "lxcnet::Container: liblxc could not open container " + name);
	impl_->name = name;
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
	const std::string op = "attach " + dev + " -> " + impl_->name + ":" + (dst.empty() ? dev : dst);
	detail::check_names(op, impl_->name, dev, dst);
	impl_->mover(op, dev, options).attach(dev, dst, options.preserve);
}

void Container::detach_interface(const std::string &dev, const std::string &dst, const Options &options)
{
	const std::string op = "detach " + impl_->name + ":" + dev + " -> " + (dst.empty() ? "host" : dst);
	detail::check_names(op, impl_->name, dev, dst);
	impl_->mover(op, dev, options).detach(dev, dst, options.preserve);
}

std::vector<Returned> Container::detach_all(const Options &options)
{
	return impl_->mover("detach all from " + impl_->name, "", options).detach_all(options.preserve, false);
}

std::vector<Returned> Container::detach_all_from(const std::string &netns_path, const Options &options)
{
	UniqueFd netns;
	if (int r = detail::open_netns_path(netns_path.c_str(), netns); r < 0)
		throw Error(-r, "", impl_->name, "detach all from " + impl_->name + ": open network namespace " + netns_path);
	Mover mover(impl_->name, std::move(netns), options.state_dir, impl_->record_key());
	return mover.detach_all(options.preserve, true);
}

std::vector<std::string> Container::interfaces() const
{
	return impl_->mover("list the interfaces of " + impl_->name, "", {}).interfaces();
}

} /* namespace lxcnet */
