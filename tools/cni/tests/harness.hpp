/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support.hpp"

namespace lxcnet::cni::test {

/* The shared test support (tests/support), with this suite's convention that command output includes stderr. */
using Shell = lxcnet::test::Result;
inline Shell run(const std::string &command)
{
	return lxcnet::test::run(command, true);
}
using lxcnet::test::DeviceFacts;
using lxcnet::test::quote;
using lxcnet::test::sh;
using lxcnet::test::StateDir;
using lxcnet::test::unique_name;
using lxcnet::test::device_facts;
using lxcnet::test::ScopedMacvlan;
using lxcnet::test::ScopedNetns;
using lxcnet::test::ScopedVeth;

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
 * Everything one case needs: its own records, a namespace standing in for
 * the host and one for the container, and lxcnet-cni running in the first.
 * Torn down in reverse order even when the case fails.
 */
struct Sandbox {
	StateDir state;
	ScopedNetns host{"h"};
	ScopedNetns target{"t"};
	Plugin plugin{lxcnet_cni(), host.name()};
};

} /* namespace lxcnet::cni::test */
