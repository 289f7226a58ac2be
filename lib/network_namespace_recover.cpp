/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NetworkNamespace::recover, apart from the rest of the class: recovery asks
 * liblxc whether a namespace is still a container's, and a program that only
 * moves devices by namespace path (lxcnet-cni, started once per CNI command)
 * then links the class without liblxc, which it would otherwise load and
 * initialise in every process.
 */
#include <lxcnet/network_namespace.hpp>

#include <cerrno>

#include "names.hpp"
#include "record_store.hpp"
#include "recovery.hpp"

namespace lxcnet {

std::vector<DeviceReport> NetworkNamespace::recover(const std::string &id, const Options &options)
{
	if (const char *problem = detail::container_name_problem(id))
		throw Error(EINVAL, "", id, "recover the records of " + id + ": bad id: " + problem);
	/* Its records name no container: nothing to ask liblxc, which lxcnet-cni does not load. */
	return detail::recover_records(options, detail::netns_key(id), true, nullptr);
}

} /* namespace lxcnet */
