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
 * looked up by name and the target name checked before moving; on a detach,
 * the device's record looked for (one with a record goes home by it). Its cost is
 * the floor for lxcnet bare, so it shows which CPU target the contract
 * leaves reachable.
 *
 * With preservation (attach_preserving, detach_home) it also does the least
 * that keeping the device's configuration and name takes: two filtered dumps
 * before every move (the configuration to carry, and on the way home what a
 * rollback would need), a record of one device per file written before the
 * move and removed after the return, the device found again after each move,
 * and its configuration replayed (lean_config.hpp). No rollback: that costs
 * only when something fails.
 */
class LeanMover {
public:
	LeanMover(lxc_container *c, std::string state_dir);
	/* 0 or -errno. */
	int attach(const std::string &dev, const std::string &dst);
	int detach(const std::string &dev, const std::string &dst);
	int attach_preserving(const std::string &dev, const std::string &dst);
	/* Back under the name, and with the configuration, the record keeps. */
	int detach_home(const std::string &dev);

private:
	int move(bool into_container, const std::string &dev, const std::string &dst);
	Fd container_netns();
	Fd lock_state_dir();
	bool init_exited();
	static std::string record_name(int inside_ifindex);
	lxc_container *c_;
	std::string state_dir_;
	Fd pidfd_;
};

} /* namespace lxb */
