/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include "rtnl.hpp"

struct lxc_container;

namespace lxb {

/*
 * A sketch, not a product: the least a bare (no preservation) attach or
 * detach must do while keeping lxcnet's contract — the container's netns
 * found again on every call and pinned only for that call, a socket inside
 * it per call, the device looked up by name, the target name checked, the
 * new ifindex read back — with the two things lxcnet 0.1 does not do: it
 * keeps the init's pidfd between calls (a pidfd pins no namespace; a
 * restarted container makes it fail with ESRCH and it is fetched again), and
 * it keeps one socket in the caller's netns. Its cost shows which CPU target
 * is reachable without cutting anything the design asks for.
 */
class LeanMover {
public:
	explicit LeanMover(lxc_container *c);
	/* 0 or -errno. */
	int attach(const std::string &dev, const std::string &dst);
	int detach(const std::string &dev, const std::string &dst);

private:
	Fd container_netns();
	lxc_container *c_;
	Fd pidfd_;
	RtnlSocket host_;
};

} /* namespace lxb */
