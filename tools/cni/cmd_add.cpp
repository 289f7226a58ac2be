/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <cerrno>
#include <cstdio>

#include <net/if.h>

#include <lxcnet/network_namespace.hpp>

#include "commands.hpp"
#include "configure.hpp"
#include "error.hpp"
#include "ipam.hpp"
#include "names.hpp"
#include "netns_mover.hpp"
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

/* Spec, section 4: after a failed ADD the delegated plugin gets a DEL, even if it was the one that failed. */
void release_ipam(const Env &env, const NetConf &conf)
{
	try {
		ipam_exec("DEL", env, conf);
	} catch (const CniError &del) {
		std::fprintf(stderr, "lxcnet-cni: releasing the IPAM allocation after a failed ADD: %s\n", del.what());
	}
}

/* DPDK: the device belongs to a userspace driver and has no netdev; only the addresses are the runtime's. */
nlohmann::ordered_json add_dpdk(const Env &env, const NetConf &conf, Result result, int index, const std::string &pci)
{
	result.interfaces[static_cast<size_t>(index)].pci_id = pci;
	if (!conf.ipam_type.empty()) {
		try {
			add_ipam(result, ipam_add(env, conf), index);
		} catch (const CniError &) {
			release_ipam(env, conf);
			throw;
		}
	}
	if (!conf.dns.empty())
		result.dns = conf.dns;
	return result_json(result, conf.cni_version);
}

/*
 * The move, with a record even when it is bare: written before the move, so
 * that if this process dies half-way DEL still knows what to look for. The
 * library rolls back whatever it did when it fails.
 */
void move_in(const Env &env, const std::string &id, const std::string &host_name, bool preserve)
{
	const detail::Operation op{detail::Operation::Kind::attach, host_name, env.ifname};
	try {
		detail::check_names(op, env.netns);
		detail::netns_mover(env.netns, id, op, {}).attach(host_name, env.ifname, preserve, true);
	} catch (const lxcnet::Error &e) {
		throw from_library(e);
	}
}

/* Once the device is in: a later failure sends it home as it was, so a failed ADD leaves the host as it found it. */
class Lent {
public:
	Lent(const Env &env, const std::string &id, const detail::Link &host_link, bool preserve)
		: env_(env), id_(id), host_link_(host_link), preserve_(preserve)
	{
	}

	/* cause, with what the rollback did. */
	CniError undo(const CniError &cause) const
	{
		std::string outcome;
		try {
			lxcnet::NetworkNamespace(env_.netns, id_).detach_interface(env_.ifname, host_link_.name, library_options(preserve_));
			/* The library's bare move brings it home down; "preserve" restores the state itself. */
			if (!preserve_ && (host_link_.flags & IFF_UP))
				bring_up_at_home();
			outcome = "; rolled back: " + host_link_.name + " is on the host again";
		} catch (const lxcnet::Error &e) {
			outcome = std::string("; moving it back failed too (") + e.what() + "): the record is kept for DEL";
		} catch (const CniError &e) {
			outcome = std::string("; ") + e.what();
		}
		return CniError(cause.code(), cause.what() + outcome, cause.details());
	}

private:
	void bring_up_at_home() const
	{
		NetlinkSocket host = open_netlink();
		detail::Link back;
		detail::LinkChange up;
		up.up = true;
		if (host.get_link(0, host_link_.name, back) == 0)
			(void)host.change_link(back, up);
	}

	const Env &env_;
	const std::string &id_;
	const detail::Link &host_link_;
	bool preserve_;
};

/* The device up under CNI_IFNAME, as the container sees it now (MAC and MTU included). */
detail::Link bring_up_inside(NetlinkSocket &inside, const std::string &ifname)
{
	detail::Link link;
	if (int r = inside.get_link(0, ifname, link); r < 0)
		throw CniError(internal, "failed to find " + ifname + " in the container after the move: " + failure_text(r, inside));
	detail::LinkChange up;
	up.up = true;
	if (int r = inside.change_link(link, up); r < 0)
		throw CniError(internal, "failed to set " + ifname + " up in the container: " + failure_text(r, inside));
	if (int r = inside.get_link(link.ifindex, {}, link); r < 0)
		throw CniError(internal, "failed to read " + ifname + " in the container: " + failure_text(r, inside));
	return link;
}

/* IPAM's addresses on the device, and with "preserve" what it carried in, into the result. */
void apply_addresses(const Env &env, const NetConf &conf, NetlinkSocket &inside, int netns_fd, const detail::Link &link,
		      int index, Result &result)
{
	bool ipam_called = false;
	try {
		if (!conf.ipam_type.empty()) {
			ipam_called = true;
			Result ipam = ipam_add(env, conf);
			apply_ipam(inside, netns_fd, link, ipam);
			add_ipam(result, std::move(ipam), index);
		}
		if (conf.preserve)
			report_carried(inside, link, index, result);
	} catch (const CniError &) {
		if (ipam_called)
			release_ipam(env, conf);
		throw;
	} catch (const std::exception &e) {
		if (ipam_called)
			release_ipam(env, conf);
		throw CniError(internal, e.what());
	}
}

} /* namespace */

nlohmann::ordered_json cmd_add(const Env &env, const NetConf &conf)
{
	UniqueFd netns = open_target(env.netns);
	const std::string id = attachment_id(conf.name, env.container_id, env.ifname);
	const UniqueFd held = lock_attachment(id);
	if (auto old = load_attachment(id))
		throw CniError(internal, "attachment " + id + " is already set up (host device " + old->host.name + " in " + old->container +
						 "): DEL it before adding it again");

	NetlinkSocket host = open_netlink();
	const Selected selected = select_device(conf, host);
	Result result;
	if (conf.prev_result)
		result = parse_result(*conf.prev_result, "prevResult");
	const int index = static_cast<int>(result.interfaces.size());
	result.interfaces.push_back({env.ifname, "", 0, env.netns, "", ""});
	if (selected.dpdk)
		return add_dpdk(env, conf, std::move(result), index, selected.pci_id);

	move_in(env, id, selected.link.name, conf.preserve);
	const Lent lent(env, id, selected.link, conf.preserve);
	try {
		NetlinkSocket inside = open_netlink(netns.get());
		const detail::Link link = bring_up_inside(inside, env.ifname);
		auto &iface = result.interfaces[static_cast<size_t>(index)];
		iface.mac = link.mac;
		iface.mtu = link.mtu;
		iface.pci_id = selected.pci_id;
		apply_addresses(env, conf, inside, netns.get(), link, index, result);
	} catch (const CniError &e) {
		throw lent.undo(e);
	}
	if (!conf.dns.empty())
		result.dns = conf.dns;
	return result_json(result, conf.cni_version);
}

} /* namespace lxcnet::cni */
