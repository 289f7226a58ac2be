/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Recovery's questions to liblxc, and the calls that judge containers'
 * records: apart from recovery.cpp, so that NetworkNamespace::recover (what
 * lxcnet-cni calls) links without liblxc.
 */
#include "recovery.hpp"

#include <cerrno>

#include "lxc.hpp"
#include "netns_search.hpp"

namespace lxcnet::detail {

int container_netns_now(const std::string &name, const std::string &lxcpath, NsId &out) noexcept
{
	LxcRef c(lxc_container_new(name.c_str(), lxcpath.c_str()));
	if (!c)
		return -ENOENT;
	UniqueFd netns;
	if (int r = container_netns(c.get(), netns); r < 0)
		return r;
	return identify_netns(netns.get(), out);
}

} /* namespace lxcnet::detail */

namespace lxcnet {

std::vector<DeviceReport> recover(const Options &options)
{
	return detail::recover_records(options, {}, true, detail::container_netns_now);
}

std::vector<DeviceReport> list_records(const Options &options)
{
	return detail::recover_records(options, {}, false, detail::container_netns_now);
}

} /* namespace lxcnet */
