/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include <sys/types.h>

#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace lxcnet::cni::test {

/*
 * Debian 12's Podman with its CNI backend, set up in a private directory:
 * its own containers.conf, storage (vfs), network configs and plugin
 * directory, where lxcnet-cni is installed as a copy of the built binary.
 * Nothing of the host's Podman configuration or storage is read or written.
 *
 * Podman commands run in a mount namespace of their own, where a tmpfs
 * covers /var/lib: Podman 4.3 keeps libcni's result cache in /var/lib/cni
 * and containers/image its blob cache in /var/lib/containers/cache, and
 * neither path can be configured. Every command shares that one namespace,
 * because the paths of the containers' namespaces (/run/netns/cni-*) are
 * mounted in it and a later `podman stop` must find them.
 *
 * The cleanup process that Podman starts when a container exits gets only
 * conmon_env_vars as its environment: the plugin runs there with no
 * LD_LIBRARY_PATH, as installed.
 */
class Podman {
public:
	Podman();
	~Podman();
	Podman(const Podman &) = delete;
	Podman &operator=(const Podman &) = delete;

	/* `podman ARGS`, stderr included in out. */
	Shell run(const std::string &args) const;
	/* Same, but a failure throws with the output. */
	std::string sh(const std::string &args) const;
	/* Writes NAME.conflist in the network config directory: one plugin, cniVersion 1.0.0. */
	void network(const std::string &name, const nlohmann::json &plugin) const;
	/* The image imported from a busybox root filesystem (plus the host's iproute2, for `ip -br`). */
	static const std::string image;

private:
	std::string command(const std::string &args) const;
	void enter_private_mounts();
	void teardown() noexcept;
	std::string dir_;
	pid_t holder_ = -1;
	bool made_cgroups_ = false;
};

} /* namespace lxcnet::cni::test */
