/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lxcnet-cni: a CNI plugin that moves a host device into a container's
 * network namespace and back, as host-device does, but with lxcnet's core:
 * the ifalias stays the user's, DEL is idempotent and, with "preserve", the
 * device's host configuration travels in and comes back. See docs/cni.md.
 *
 * One process per command, as the runtime execs it: CNI_* in the
 * environment, the network configuration on stdin, the result (or the
 * spec's error object) on stdout.
 */
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include <unistd.h>

#include <lxcnet/error.hpp>
#include <lxcnet/version.h>

#include "commands.hpp"
#include "env.hpp"
#include "error.hpp"
#include "netconf.hpp"
#include "printable.hpp"
#include "version.hpp"

using namespace lxcnet::cni;

namespace {

std::string read_stdin()
{
	std::string data;
	char buf[65536];
	for (;;) {
		ssize_t n = ::read(0, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw CniError(io_failure, std::string("error reading from stdin: ") + std::strerror(errno));
		if (n == 0)
			return data;
		data.append(buf, static_cast<size_t>(n));
	}
}

void print(const nlohmann::ordered_json &json)
{
	std::cout << json.dump(4) << std::endl;
}

/* The runtime may probe with any version it knows: answer in the one it asked, else our newest. */
void version_command(const std::string &stdin_data)
{
	std::string asked = supported_versions.back();
	auto in = nlohmann::json::parse(stdin_data, nullptr, false);
	if (in.is_object())
		if (auto it = in.find("cniVersion"); it != in.end() && it->is_string() && parse_version(it->get<std::string>()))
			asked = it->get<std::string>();
	nlohmann::ordered_json out;
	out["cniVersion"] = asked;
	out["supportedVersions"] = supported_versions;
	print(out);
}

int run(std::string &stdin_data)
{
	Env env;
	try {
		env = read_env();
	} catch (const CniError &) {
		if (std::getenv("CNI_COMMAND") == nullptr || !*std::getenv("CNI_COMMAND")) {
			/* Run by hand: say what this is, as the reference plugins do. */
			std::fprintf(stderr, "CNI lxcnet-cni plugin (lxcnet %s)\nCNI protocol versions supported: %s\n", LXCNET_VERSION,
				     supported_list().c_str());
			return 0;
		}
		throw;
	}
	stdin_data = read_stdin();
	if (env.command == "VERSION") {
		version_command(stdin_data);
		return 0;
	}
	NetConf conf = parse_netconf(stdin_data, env.command);
	if (env.command == "ADD")
		print(cmd_add(env, conf));
	else if (env.command == "DEL")
		cmd_del(env, conf);
	else if (env.command == "CHECK")
		cmd_check(env, conf);
	else if (env.command == "STATUS")
		cmd_status(env, conf);
	else if (env.command == "GC")
		cmd_gc(env, conf);
	return 0;
}

int fail(const std::string &stdin_data, unsigned code, const std::string &msg, const std::string &details)
{
	nlohmann::ordered_json out;
	out["cniVersion"] = error_version(stdin_data);
	out["code"] = code;
	/* Messages carry names from containers and from other plugins; runtimes log them as they are. */
	out["msg"] = lxcnet::detail::printable(msg);
	if (!details.empty())
		out["details"] = lxcnet::detail::printable(details);
	print(out);
	return 1;
}

} /* namespace */

int main()
{
	std::string stdin_data;
	try {
		return run(stdin_data);
	} catch (const CniError &e) {
		return fail(stdin_data, e.code(), e.what(), e.details());
	} catch (const lxcnet::Error &e) {
		return fail(stdin_data, internal, e.what(), std::string("errno ") + std::to_string(e.code().value()));
	} catch (const std::exception &e) {
		return fail(stdin_data, internal, e.what(), {});
	}
}
