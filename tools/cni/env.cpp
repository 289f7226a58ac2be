/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "env.hpp"

#include <cstdlib>
#include <vector>

#include "error.hpp"
#include "names.hpp"

namespace lxcnet::cni {

namespace {

std::string get(const char *name)
{
	const char *value = std::getenv(name);
	return value ? value : "";
}

bool one_of(const std::string &command, std::initializer_list<const char *> commands)
{
	for (const char *c : commands)
		if (command == c)
			return true;
	return false;
}

} /* namespace */

bool is_cni_name(const std::string &name)
{
	auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
	if (name.empty() || !alnum(name[0]))
		return false;
	for (char c : name)
		if (!alnum(c) && c != '_' && c != '.' && c != '-')
			return false;
	return true;
}

Env read_env()
{
	Env env{get("CNI_COMMAND"), get("CNI_CONTAINERID"), get("CNI_NETNS"), get("CNI_IFNAME"), get("CNI_ARGS"), get("CNI_PATH")};
	const std::string &cmd = env.command;

	std::vector<std::string> missing;
	if (cmd.empty())
		missing.push_back("CNI_COMMAND");
	const bool attachment = one_of(cmd, {"ADD", "DEL", "CHECK"});
	if (attachment && env.container_id.empty())
		missing.push_back("CNI_CONTAINERID");
	if (one_of(cmd, {"ADD", "CHECK"}) && env.netns.empty())
		missing.push_back("CNI_NETNS");
	if (attachment && env.ifname.empty())
		missing.push_back("CNI_IFNAME");
	if (one_of(cmd, {"ADD", "DEL", "CHECK", "GC", "STATUS"}) && env.path.empty())
		missing.push_back("CNI_PATH");
	if (!missing.empty()) {
		std::string joined;
		for (const auto &m : missing)
			joined += (joined.empty() ? "" : ",") + m;
		throw CniError(invalid_environment, "required env variables [" + joined + "] missing");
	}
	if (!one_of(cmd, {"ADD", "DEL", "CHECK", "GC", "STATUS", "VERSION"}))
		throw CniError(invalid_environment, "unknown CNI_COMMAND: " + cmd);

	if (attachment) {
		/* The grammar also keeps them usable in file names, and free of the ':' that joins them to CNI_IFNAME. */
		if (!is_cni_name(env.container_id))
			throw CniError(invalid_environment, "invalid characters in containerID", "CNI_CONTAINERID=" + env.container_id);
		if (env.container_id.size() > 200)
			throw CniError(invalid_environment, "CNI_CONTAINERID is longer than 200 characters", env.container_id);
		/* ADD names a device; DEL and CHECK look up one an earlier ADD (perhaps by an older lxcnet) made. */
		const char *problem = cmd == "ADD" ? detail::new_ifname_problem(env.ifname) : detail::ifname_problem(env.ifname);
		if (problem)
			throw CniError(invalid_environment, problem, "CNI_IFNAME=" + env.ifname);
	}
	/* Kept in lxcnet's record one per line. */
	if (env.netns.find('\n') != std::string::npos || env.netns.find('\0') != std::string::npos)
		throw CniError(invalid_environment, "CNI_NETNS contains a newline", env.netns);
	return env;
}

} /* namespace lxcnet::cni */
