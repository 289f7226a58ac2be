/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

namespace lxcnet::cni {

/* The runtime's request, as the CNI_* environment variables carry it. */
struct Env {
	std::string command;
	std::string container_id;
	std::string netns;
	std::string ifname;
	std::string args;
	std::string path;
};

/*
 * Reads and checks the variables the spec requires for the command (the same
 * set libcni's skel requires, so a runtime sees the same errors as from the
 * reference plugins). Throws CniError, code 4, naming the variables.
 */
Env read_env();

/* The spec's grammar for container IDs and network names: [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
bool is_cni_name(const std::string &name);

} /* namespace lxcnet::cni */
