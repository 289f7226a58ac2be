/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>
#include <vector>

#include "netns.hpp"
#include "unique_fd.hpp"

namespace lxcnet::detail {

/*
 * A live network namespace found by its identity, wherever it is still held:
 * an nsfs bind mount (ip netns, a CNI runtime's netns path) or a process in
 * it. Its inode and device are compared first, then its cookie (unless id
 * has none: a record from a kernel without cookies). out is an fd of it,
 * where the path it was found at. -ENOENT when nothing holds it any more.
 * It reads every mount and every process: for the rare call that lost a
 * namespace, never for the common path.
 */
int find_netns(const NsId &id, UniqueFd &out, std::string &where) noexcept;

/* The identity of the namespace behind netns_fd, cookie included (a socket is made in it for that). -errno on failure. */
int identify_netns(int netns_fd, NsId &out) noexcept;

/* The mount points of every nsfs mount in a /proc/PID/mountinfo text, unescaped. */
std::vector<std::string> nsfs_mounts(const std::string &mountinfo);

} /* namespace lxcnet::detail */
