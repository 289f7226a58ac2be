/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include <lxcnet/network_namespace.hpp>
#include <lxcnet/report.hpp>

#include "commands.hpp"
#include "error.hpp"
#include "identity.hpp"
#include "ipam.hpp"
#include "netns_search.hpp"
#include "printable.hpp"

namespace lxcnet::cni {

namespace {

/* The device by the name ADD gave it, else by the ifindex it got there (the container may have renamed it). */
std::optional<detail::Link> find_device(NetlinkSocket &inside, const detail::Record &lent)
{
	detail::Link link;
	if (inside.get_link(0, lent.inside_name, link) == 0 && (link.ifindex == lent.inside_ifindex || link.mac == lent.host.mac))
		return link;
	if (inside.get_link(lent.inside_ifindex, {}, link) == 0 && link.mac == lent.host.mac)
		return link;
	return std::nullopt;
}

/* A device the container made in place of the lent one is refused: it stays, and so does the record. */
void check_identity(NetlinkSocket &inside, const std::string &id, const detail::Record &lent, const detail::Link &link)
{
	int host_nsid = -1;
	if (lent.identity.link_on_host) {
		UniqueFd own;
		int r = detail::open_own_netns(own);
		if (r == 0)
			r = inside.get_nsid(own.get(), host_nsid);
		if (r < 0)
			throw CniError(internal, "find how the container's namespace knows the plugin's: " + failure_text(r, inside),
				       "the record of " + id + " is kept");
	}
	if (const std::string why = detail::identity_mismatch(lent.identity, link, host_nsid); !why.empty())
		throw CniError(internal, link.name + " is not the device that was lent as " + lent.host.name + ": " + why,
			       "it stays in the container, and the record of " + id + " is kept");
}

/*
 * The device is not where the ADD put it: what became of it is recovery's
 * question, answered as lxcnet-device recover answers it (a device found on
 * the host is given its name and configuration back, the record of one that
 * no longer exists is retired). namespace_gone: the kernel has already
 * decided the device's fate, which the log should say.
 */
void recover(const std::string &id, const detail::Record &lent, bool preserve, const std::string &why, bool namespace_gone)
{
	std::vector<lxcnet::DeviceReport> reports;
	try {
		reports = lxcnet::NetworkNamespace::recover(id, library_options(preserve));
	} catch (const lxcnet::Error &e) {
		throw from_library(e, "; the record of " + id + " is kept");
	}
	/* stderr is the runtime's log: DEL succeeds, so this is where what happened to the device gets said. */
	std::string line = "lxcnet-cni: " + id + ": " + why;
	bool home = false;
	for (const auto &r : reports) {
		home |= r.action() == lxcnet::Action::restored || r.action() == lxcnet::Action::returned;
		line += "; " + r.host_name() + ": " + lxcnet::to_string(r.action()) + " (" + r.message() + ")";
	}
	if (!home) {
		line += "; " + lent.host.name + " was not returned";
		if (namespace_gone)
			line += " (the kernel destroys a virtual device with its namespace and puts a physical one in the initial namespace)";
	}
	std::fprintf(stderr, "%s\n", detail::printable(line).c_str());
}

} /* namespace */

void release(const std::string &id, const detail::Record &lent, const std::string &netns_path, bool preserve)
{
	UniqueFd netns;
	int r = netns_path.empty() ? -ENOENT : detail::open_netns_path(netns_path.c_str(), netns);
	if (r < 0 && r != -ENOENT && r != -EINVAL && r != -ENOTDIR)
		throw CniError(internal, "failed to open netns \"" + netns_path + "\": " + std::strerror(-r), "the record of " + id + " is kept");

	std::optional<NetlinkSocket> inside;
	if (r == 0) {
		inside = open_netlink(netns.get());
		if (!(netns_identity(netns.get(), *inside) == lent.netns))
			inside.reset();
	}
	std::string path = netns_path;
	if (!inside) {
		/* Not the ADD's namespace at that path (a directory, a file, another namespace, nothing): the device is wherever that namespace is held now. */
		std::string found;
		const std::string given = netns_path.empty() ? std::string("no network namespace given") : netns_path + " is not the network namespace of the ADD";
		if (int f = detail::find_netns(lent.netns, netns, found); f == -ENOENT) {
			return recover(id, lent, preserve, given + ", and that namespace is gone", true);
		} else if (f < 0) {
			throw CniError(internal, given + "; looking for it failed: " + std::strerror(-f), "the record of " + id + " is kept");
		}
		/* Through our own fd: the process or mount it was found by may go away meanwhile, the namespace may not. */
		path = "/proc/self/fd/" + std::to_string(netns.get());
		inside = open_netlink(netns.get());
		std::fprintf(stderr, "%s\n", detail::printable("lxcnet-cni: " + id + ": " + given + "; returning " + lent.host.name + " from " + found).c_str());
	}
	auto device = find_device(*inside, lent);
	if (!device)
		return recover(id, lent, preserve, lent.inside_name + " is no longer in " + path, false);
	check_identity(*inside, id, lent, *device);
	try {
		/* The library finds its record by the device, brings it home by it, and drops it. */
		lxcnet::NetworkNamespace(path, id).detach_interface(device->name, lent.host.name, library_options(preserve));
	} catch (const lxcnet::Error &e) {
		throw from_library(e, "; " + device->name + " stays in the container and DEL can be retried");
	}
}

void cmd_del(const Env &env, const NetConf &conf)
{
	const std::string id = attachment_id(conf.name, env.container_id, env.ifname);
	const UniqueFd held = lock_attachment(id);
	if (auto lent = load_attachment(id)) {
		if (!env.netns.empty()) {
			UniqueFd fd;
			/* Returning the device "home" into the namespace it is in would only rename it. */
			if (detail::open_netns_path(env.netns.c_str(), fd) == 0 && is_own_netns(fd.get()))
				throw CniError(invalid_environment, "plugin's netns and netns from CNI_NETNS should not be the same", "CNI_NETNS=" + env.netns);
		}
		/* A runtime that lost the namespace may pass none: the path of the ADD is checked by identity. */
		release(id, *lent, env.netns.empty() ? lent->container : env.netns, conf.preserve);
	}
	/* Last: the address must not be handed out again while the container still has it. Idempotent in every IPAM plugin. */
	if (!conf.ipam_type.empty())
		ipam_exec("DEL", env, conf);
}

} /* namespace lxcnet::cni */
