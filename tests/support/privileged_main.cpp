/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Entry point of the privileged suites. Catch2 2.13 has no SKIP(), so the
 * whole binary skips (exit 77, meson's "skipped") when not root, except under
 * CI=true, where a privileged test that cannot run is a failure.
 */
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <unistd.h>

#include "support.hpp"

int main(int argc, char **argv)
{
	if (::geteuid() != 0) {
		if (lxcnet::test::under_ci()) {
			std::fprintf(stderr, "needs root, and CI=true forbids skipping\n");
			return 1;
		}
		std::fprintf(stderr, "needs root: skipped\n");
		return 77;
	}
	lxcnet::test::StateDir state; /* records of this run only, removed at the end */
	return Catch::Session().run(argc, argv);
}
