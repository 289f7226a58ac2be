/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "selector.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.hpp"
#include "error.hpp"
#include "ip.hpp"

namespace lxcnet::cni {

namespace {

std::string sysfs()
{
	const char *root = std::getenv("LXCNET_CNI_SYSFS");
	return root && *root ? root : "/sys";
}

bool exists(const std::string &path)
{
	struct stat st{};
	return ::lstat(path.c_str(), &st) == 0;
}

/* A bus ID is one path component: "0000:03:00.0", "mlx5_core.sf.4". */
void check_bus_id(const std::string &id, const char *key)
{
	if (id.empty() || id == "." || id == ".." || id.find('/') != std::string::npos)
		throw CniError(invalid_config, std::string("invalid ") + key + " \"" + id + "\"");
}

std::vector<std::string> entries(const std::string &dir)
{
	std::vector<std::string> names;
	DIR *d = ::opendir(dir.c_str());
	if (!d)
		return names;
	while (dirent *e = ::readdir(d))
		if (e->d_name[0] != '.')
			names.emplace_back(e->d_name);
	::closedir(d);
	std::sort(names.begin(), names.end());
	return names;
}

/* The first name under a sysfs "net" directory that is a link in this namespace (sysfs may show another's). */
detail::Link first_link_in(const std::string &net_dir, const std::string &what, NetlinkSocket &host)
{
	auto names = entries(net_dir);
	if (names.empty())
		throw CniError(internal, "failed to find host device: no network device in " + net_dir + " (" + what + ")");
	for (const auto &name : names) {
		detail::Link link;
		if (host.get_link(0, name, link) == 0)
			return link;
	}
	throw CniError(internal, "failed to find host device: " + net_dir + " lists " + names.front() +
					 (names.size() > 1 ? " and others" : "") + ", not in this network namespace (" + what + ")");
}

/* /sys/bus/pci/devices/ID/net, or the virtio child's net directory. */
std::string pci_net_dir(const std::string &pci)
{
	std::string dev = sysfs() + "/bus/pci/devices/" + pci;
	if (exists(dev + "/net"))
		return dev + "/net";
	for (const auto &child : entries(dev))
		if (child.rfind("virtio", 0) == 0 && exists(dev + "/" + child + "/net"))
			return dev + "/" + child + "/net";
	throw CniError(internal, "failed to find host device: no net directory under pci device " + pci);
}

struct Resolved {
	std::string pci;
	std::string aux;
};

/* runtimeConfig.deviceID names a PCI or an auxiliary device; it replaces pciBusID (host-device's rule). */
Resolved resolve_ids(const NetConf &conf)
{
	Resolved r{conf.pci_bus_id, {}};
	if (conf.device_id.empty())
		return r;
	check_bus_id(conf.device_id, "runtimeConfig.deviceID");
	if (exists(sysfs() + "/bus/pci/devices/" + conf.device_id))
		return {conf.device_id, {}};
	if (exists(sysfs() + "/bus/auxiliary/devices/" + conf.device_id))
		return {{}, conf.device_id};
	throw CniError(invalid_config, "runtime config DeviceID " + conf.device_id + " not found or unsupported");
}

bool userspace_driver(const std::string &pci)
{
	check_bus_id(pci, "pciBusID");
	char target[4096];
	ssize_t n = ::readlink((sysfs() + "/bus/pci/devices/" + pci + "/driver").c_str(), target, sizeof(target) - 1);
	if (n < 0) {
		if (!exists(sysfs() + "/bus/pci/devices/" + pci))
			throw CniError(internal, "error with host device: no PCI device " + pci);
		return false; /* no driver bound: not DPDK, and no netdev either, which the lookup reports */
	}
	target[n] = '\0';
	const char *base = std::strrchr(target, '/');
	std::string driver = base ? base + 1 : target;
	return driver == "vfio-pci" || driver == "uio_pci_generic" || driver == "igb_uio";
}

} /* namespace */

bool dpdk_mode(const NetConf &conf)
{
	Resolved ids = resolve_ids(conf);
	return !ids.pci.empty() && userspace_driver(ids.pci);
}

Selected select_device(const NetConf &conf, NetlinkSocket &host)
{
	if (!conf.has_selector())
		throw CniError(invalid_config, no_selector_message);
	Resolved ids = resolve_ids(conf);
	Selected out;
	out.pci_id = ids.pci;
	if (!ids.pci.empty() && userspace_driver(ids.pci)) {
		out.dpdk = true;
		return out;
	}

	if (!conf.device.empty()) {
		if (int r = host.get_link(0, conf.device, out.link); r < 0)
			throw CniError(internal, "failed to find host device: " +
							 (r == -ENODEV ? "no device named " + conf.device : conf.device + ": " + failure_text(r, host)));
		return out;
	}
	if (!conf.hwaddr.empty()) {
		auto mac = normalize_mac(conf.hwaddr);
		if (!mac)
			throw CniError(invalid_config, "failed to parse MAC address \"" + conf.hwaddr + "\"");
		std::vector<detail::Link> links;
		if (int r = host.dump_links([&](const detail::Link &link) { links.push_back(link); }); r < 0)
			throw CniError(internal, "failed to list node links: " + failure_text(r, host));
		/* Lowest ifindex first, as host-device: a NIC comes before the VLANs that share its MAC. */
		std::sort(links.begin(), links.end(), [](auto &a, auto &b) { return a.ifindex < b.ifindex; });
		for (const auto &link : links)
			if (link.mac == *mac) {
				out.link = link;
				return out;
			}
		throw CniError(internal, "failed to find host device: no device with MAC address " + *mac);
	}
	if (!conf.kernelpath.empty()) {
		const std::string &p = conf.kernelpath;
		if (p.rfind("/sys/devices/", 0) != 0 || p.find("/../") != std::string::npos ||
		    (p.size() >= 3 && p.compare(p.size() - 3, 3, "/..") == 0))
			throw CniError(invalid_config, "kernel device path \"" + p + "\" must be absolute and begin with /sys/devices/");
		out.link = first_link_in(sysfs() + p.substr(4) + "/net", "kernelpath " + p, host);
		return out;
	}
	if (!ids.pci.empty()) {
		out.link = first_link_in(pci_net_dir(ids.pci), "pciBusID " + ids.pci, host);
		return out;
	}
	out.link = first_link_in(sysfs() + "/bus/auxiliary/devices/" + ids.aux + "/net", "auxiliary device " + ids.aux, host);
	return out;
}

} /* namespace lxcnet::cni */
