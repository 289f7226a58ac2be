/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include "rtnl.hpp"

struct lxc_container;

namespace lxb {

/*
 * A sketch, not a product: the least a bare (no preservation) attach or
 * detach must do under lxcnet's behaviour contract, in raw netlink with no
 * libnl. Per call: the container's netns found again from init's pidfd (a
 * pidfd pins no namespace, so it is kept) and closed on return; a socket in
 * the caller's netns and one in the container's, both per call (a socket
 * pins its netns, and the caller may switch namespace between calls); the
 * caller's netns fd from its socket (SIOCGSKNS); the host-wide lock on the
 * state directory; init's liveness checked around the move; the device
 * looked up by name and the target name checked before moving. Its cost is
 * the floor for lxcnet bare, so it shows which CPU target the contract
 * leaves reachable.
 */
class LeanMover {
public:
	LeanMover(lxc_container *c, std::string state_dir);
	/* 0 or -errno. */
	int attach(const std::string &dev, const std::string &dst);
	int detach(const std::string &dev, const std::string &dst);

private:
	int move(bool into_container, const std::string &dev, const std::string &dst);
	Fd container_netns();
	Fd lock_state_dir();
	bool init_exited();
	lxc_container *c_;
	std::string state_dir_;
	Fd pidfd_;
};

} /* namespace lxb */
