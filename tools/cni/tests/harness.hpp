/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support.hpp"

namespace lxcnet::cni::test {

/* The shared test support (tests/support), with this suite's conventions: output includes stderr, names start "lxk". */
using Shell = lxcnet::test::Result;
inline Shell run(const std::string &command)
{
	return lxcnet::test::run(command, true);
}
using lxcnet::test::quote;
using lxcnet::test::sh;
using lxcnet::test::StateDir;
inline std::string unique_name(const std::string &tag)
{
	return lxcnet::test::unique_name(tag, "lxk");
}

/* A network namespace made with `ip netns add`, deleted (with every device in it) on scope exit. */
class Netns {
public:
	explicit Netns(const std::string &tag);
	~Netns();
	Netns(const Netns &) = delete;
	Netns &operator=(const Netns &) = delete;
	const std::string &name() const { return name_; }
	std::string path() const { return "/run/netns/" + name_; }
	/* "ip -n NAME " */
	std::string ip() const { return "ip -n " + name_ + " "; }
	bool alive() const;
	void remove();
	/* A new namespace under the same name (and path), removed like the first. */
	void recreate();

private:
	std::string name_;
	bool removed_ = false;
};

/* What `ip -d link show` says of a device: absent, or its name, state and the values a move may lose. */
struct LinkFacts {
	bool exists = false;
	int ifindex = 0;
	std::string name;
	bool up = false;
	unsigned mtu = 0;
	std::string mac;
	std::string alias;
	std::vector<std::string> addresses; /* "10.0.0.1/24", without the kernel's fe80:: */
	std::vector<std::string> routes;    /* "10.2.0.0/24 via 10.1.0.2", kernel routes left out */
};
/* In a namespace (empty: the test's own). */
LinkFacts link_facts(const std::string &netns, const std::string &dev);

/* One run of a CNI plugin binary, as a runtime runs it. */
struct Call {
	int status = -1;
	std::string out;
	std::string err;
	nlohmann::json json; /* stdout parsed, or null */
	bool ok() const { return status == 0; }
	/* For failure messages: exit status, stdout and stderr. */
	std::string show() const;
};

/*
 * A plugin and the environment a runtime gives it. host_netns, if set, is
 * the namespace the plugin runs in (the runtime's, standing in for the
 * host): as in host-device's own tests, devices come from and go back to it.
 */
struct Plugin {
	std::string binary;
	std::string host_netns;
	std::string cni_path = "/usr/lib/cni";
	std::map<std::string, std::string> extra_env;

	/* Variables with an empty value are left out of the environment. */
	Call exec(const std::map<std::string, std::string> &env, const std::string &stdin_data) const;
	Call call(const std::string &command, const std::string &container_id, const std::string &netns_path,
		  const std::string &ifname, const nlohmann::json &conf) const;
};

/* $LXCNET_CNI: the plugin under test. */
std::string lxcnet_cni();
/* Debian's containernetworking-plugins. */
inline const std::string debian_cni_dir = "/usr/lib/cni";

/* A network config for `type`, cniVersion `version`, plus `extra` keys. */
nlohmann::json config(const std::string &version, const std::string &type, const nlohmann::json &extra);
/* The config a runtime sends for CHECK (or DEL): the ADD result as prevResult. */
nlohmann::json with_prev_result(nlohmann::json conf, const nlohmann::json &result);

/*
 * A veth pair in `netns` (nullptr: the test's own namespace), both ends
 * there, the peer up so the device has a carrier. Deleted on scope exit
 * wherever its name still is in that namespace; a namespace that is deleted
 * takes its devices with it.
 */
class Veth {
public:
	Veth(const Netns *netns, const std::string &tag, const std::string &fixed_name = {});
	~Veth();
	Veth(const Veth &) = delete;
	Veth &operator=(const Veth &) = delete;
	const std::string &name() const { return name_; }
	const std::string &peer() const { return peer_; }

private:
	std::string ip_;
	std::string name_;
	std::string peer_;
};

} /* namespace lxcnet::cni::test */
