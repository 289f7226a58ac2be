/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Entry point of the CNI suite. It moves real devices between namespaces,
 * so it needs root; Catch2 2.13 has no SKIP(), so the whole binary skips
 * (exit 77) when it cannot run, except under CI=true, where that is a failure.
 */
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <unistd.h>

#include "harness.hpp"

namespace {

int cannot_run(const std::string &why)
{
	const char *ci = std::getenv("CI");
	if (ci && std::strcmp(ci, "true") == 0) {
		std::fprintf(stderr, "%s, and CI=true forbids skipping\n", why.c_str());
		return 1;
	}
	std::fprintf(stderr, "%s: skipped\n", why.c_str());
	return 77;
}

} /* namespace */

int main(int argc, char **argv)
{
	if (::geteuid() != 0)
		return cannot_run("needs root");
	/* The IPAM cases delegate to Debian's static plugin; the side-by-side runs Debian's host-device. */
	for (const char *plugin : {"static", "host-device"})
		if (::access((lxcnet::cni::test::debian_cni_dir + "/" + plugin).c_str(), X_OK) != 0)
			return cannot_run(lxcnet::cni::test::debian_cni_dir + "/" + plugin +
					  " is missing (apt-get install containernetworking-plugins)");
	/* The [runtime] cases drive lxcnet-cni through Podman, which runs containers with runc here. */
	for (const char *tool : {"/usr/bin/podman", "/usr/sbin/runc"})
		if (::access(tool, X_OK) != 0)
			return cannot_run(std::string(tool) + " is missing (tools/install-deps.sh installs podman and runc)");
	lxcnet::cni::test::StateDir state; /* this run's records only, removed at the end */
	return Catch::Session().run(argc, argv);
}
