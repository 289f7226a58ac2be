/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <cerrno>
#include <cstdio>

#include <net/if.h>

#include <lxcnet/network_namespace.hpp>

#include "commands.hpp"
#include "configure.hpp"
#include "error.hpp"
#include "ipam.hpp"
#include "result.hpp"
#include "selector.hpp"

namespace lxcnet::cni {

namespace {

void add_ipam(Result &result, Result ipam, int iface_index)
{
	for (auto &ip : ipam.ips) {
		ip.interface = iface_index;
		result.ips.push_back(ip);
	}
	for (auto &route : ipam.routes)
		result.routes.push_back(route);
	if (!ipam.dns.empty())
		result.dns = ipam.dns;
}

/* DPDK: the device belongs to a userspace driver and has no netdev; only the addresses are the runtime's. */
nlohmann::ordered_json add_dpdk(const Env &env, const NetConf &conf, Result result, int index, const std::string &pci)
{
	result.interfaces[static_cast<size_t>(index)].pci_id = pci;
	if (!conf.ipam_type.empty()) {
		try {
			add_ipam(result, ipam_add(env, conf), index);
		} catch (const CniError &) {
			try {
				ipam_exec("DEL", env, conf);
			} catch (const CniError &del) {
				std::fprintf(stderr, "lxcnet-cni: releasing the IPAM allocation after a failed ADD: %s\n", del.what());
			}
			throw;
		}
	}
	if (!conf.dns.empty())
		result.dns = conf.dns;
	return result_json(result, conf.cni_version);
}

} /* namespace */

nlohmann::ordered_json cmd_add(const Env &env, const NetConf &conf)
{
	UniqueFd netns = open_target(env.netns);
	const std::string id = attachment_id(env.container_id, env.ifname);
	AttachmentStore store;
	const UniqueFd held = store.lock(env.container_id, env.ifname);
	if (auto old = store.load(env.container_id, env.ifname))
		throw CniError(internal, "attachment " + id + " is already set up (host device " + old->host_name + " in " + old->netns +
						 "): DEL it before adding it again", store.path() + "/" + id);

	NetlinkSocket host = open_netlink();
	Selected selected = select_device(conf, host);

	Result result;
	if (conf.prev_result)
		result = parse_result(*conf.prev_result, "prevResult");
	const int index = static_cast<int>(result.interfaces.size());
	result.interfaces.push_back({env.ifname, "", 0, env.netns, "", ""});
	if (selected.dpdk)
		return add_dpdk(env, conf, std::move(result), index, selected.pci_id);

	/* Opened before the move, for the namespace's identity (its cookie is read through a socket in it). */
	NetlinkSocket inside = open_netlink(netns.get());

	/* Written before the move: if this process dies half-way, DEL still knows what to look for and where it goes. */
	Attachment a;
	a.network = conf.name;
	a.container_id = env.container_id;
	a.ifname = env.ifname;
	a.netns = env.netns;
	a.netns_id = netns_identity(netns.get(), inside);
	a.host_name = selected.link.name;
	a.host_ifindex = selected.link.ifindex;
	a.mac = selected.link.mac;
	a.inside_ifindex = selected.link.ifindex;
	a.preserve = conf.preserve;
	a.host_was_up = selected.link.flags & IFF_UP;
	a.identity = detail::identity_on_host(selected.link);
	store.save(a);

	lxcnet::NetworkNamespace target(env.netns, id);
	detail::LinkChange up;
	up.up = true;
	const lxcnet::Options options = library_options(a.preserve);
	try {
		target.attach_interface(a.host_name, env.ifname, options);
	} catch (const lxcnet::Error &e) {
		/* The library rolled back whatever it had done: there is nothing for DEL to return. */
		store.remove(env.container_id, env.ifname);
		throw from_library(e);
	}

	/* From here on a failure returns the device, so a failed ADD leaves the host as it was. */
	auto undo = [&](const CniError &cause) -> CniError {
		std::string outcome;
		try {
			target.detach_interface(env.ifname, a.host_name, options);
			detail::Link back;
			/* The library's bare move brings it home down; "preserve" restores the state itself. */
			if (!a.preserve && a.host_was_up && host.get_link(0, a.host_name, back) == 0)
				(void)host.change_link(back, up);
			store.remove(env.container_id, env.ifname);
			outcome = "; rolled back: " + a.host_name + " is on the host again";
		} catch (const lxcnet::Error &e) {
			outcome = std::string("; moving it back failed too (") + e.what() + "): the record is kept for DEL";
		} catch (const CniError &e) {
			outcome = std::string("; ") + e.what();
		}
		return CniError(cause.code(), cause.what() + outcome, cause.details());
	};

	detail::Link link;
	if (int r = inside.get_link(0, env.ifname, link); r < 0)
		throw undo(CniError(internal, "failed to find " + env.ifname + " in the container after the move: " + failure_text(r, inside)));
	/*
	 * The record already holds the host ifindex, which the kernel keeps when
	 * it is free in the target. Rewriting an unchanged record is not free
	 * on ext4: replacing a file by rename forces its data out (auto_da_alloc).
	 */
	if (link.ifindex != a.inside_ifindex) {
		a.inside_ifindex = link.ifindex;
		try {
			store.save(a);
		} catch (const CniError &e) {
			throw undo(e);
		}
	}
	if (int r = inside.change_link(link, up); r < 0)
		throw undo(CniError(internal, "failed to set " + env.ifname + " up in the container: " + failure_text(r, inside)));
	/* Read again: the MAC and MTU the container sees now. */
	if (int r = inside.get_link(link.ifindex, {}, link); r < 0)
		throw undo(CniError(internal, "failed to read " + env.ifname + " in the container: " + failure_text(r, inside)));
	auto &iface = result.interfaces[static_cast<size_t>(index)];
	iface.mac = link.mac;
	iface.mtu = link.mtu;
	iface.pci_id = selected.pci_id;

	bool ipam_called = false;
	auto fail = [&](const CniError &e) -> CniError {
		/* Spec, section 4: after a failed ADD the delegated plugin gets a DEL, even if it was the one that failed. */
		if (ipam_called) {
			try {
				ipam_exec("DEL", env, conf);
			} catch (const CniError &del) {
				std::fprintf(stderr, "lxcnet-cni: releasing the IPAM allocation after a failed ADD: %s\n", del.what());
			}
		}
		return undo(e);
	};
	try {
		if (!conf.ipam_type.empty()) {
			ipam_called = true;
			Result ipam = ipam_add(env, conf);
			apply_ipam(inside, netns.get(), link, ipam);
			add_ipam(result, std::move(ipam), index);
		}
		if (a.preserve)
			report_carried(inside, link, index, result);
	} catch (const CniError &e) {
		throw fail(e);
	} catch (const std::exception &e) {
		throw fail(CniError(internal, e.what()));
	}
	if (!conf.dns.empty())
		result.dns = conf.dns;
	return result_json(result, conf.cni_version);
}

} /* namespace lxcnet::cni */
