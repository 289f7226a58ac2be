/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "commands.hpp"
#include "record_store.hpp"
#include "configure.hpp"
#include "error.hpp"
#include "ipam.hpp"
#include "result.hpp"
#include "selector.hpp"

namespace lxcnet::cni {

void cmd_check(const Env &env, const NetConf &conf)
{
	if (!conf.prev_result)
		throw CniError(invalid_config, "Required prevResult missing");
	if (!conf.ipam_type.empty())
		ipam_exec("CHECK", env, conf);
	Result prev = parse_result(*conf.prev_result, "prevResult");

	int index = -1;
	for (size_t i = 0; i < prev.interfaces.size(); i++)
		if (prev.interfaces[i].name == env.ifname && prev.interfaces[i].sandbox == env.netns)
			index = static_cast<int>(i);
	if (index < 0)
		throw CniError(internal, "prevResult has no interface " + env.ifname + " in sandbox " + env.netns);
	if (dpdk_mode(conf))
		return;

	UniqueFd netns = open_target(env.netns);
	/* Not in the Result, but ours: without it DEL could not bring the device home. */
	const std::string id = attachment_id(conf.name, env.container_id, env.ifname);
	const UniqueFd held = lock_attachment(id);
	const auto lent = load_attachment(id);
	if (!lent)
		throw CniError(internal, "lxcnet has no record of attachment " + id + ": DEL would not know where " + env.ifname +
						 " came from", detail::state_dir_path({}));
	NetlinkSocket inside = open_netlink(netns.get());
	if (!(netns_identity(netns.get(), inside) == lent->netns))
		throw CniError(internal, env.netns + " is not the network namespace " + env.ifname + " was added to");
	verify(inside, prev, index);
}

} /* namespace lxcnet::cni */
