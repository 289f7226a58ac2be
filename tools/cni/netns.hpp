/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>
#include <sys/types.h>
#include <unistd.h>

#include "unique_fd.hpp"

namespace lxcnet::cni {

/* The library's own fd owner: one definition of "closed once, -1 is none". */
using Fd = lxcnet::detail::UniqueFd;

struct NsIdentity {
	dev_t dev = 0;
	ino_t ino = 0;
	bool operator==(const NsIdentity &) const = default;
};

/* A network namespace file (CNI_NETNS). -ENOENT if absent, -EINVAL if it is not a network namespace. */
int open_netns(const std::string &path, Fd &out);
int open_own_netns(Fd &out);
NsIdentity identity_of(int fd);

/*
 * Switches this (only) thread into a network namespace until destroyed.
 * For the few things that cannot be done from outside: creating a socket
 * that stays bound there, writing its /proc/sys/net. A failed switch back
 * aborts: carrying on inside the container would act on the wrong devices.
 */
class InNetns {
public:
	explicit InNetns(int netns_fd);
	~InNetns();
	InNetns(const InNetns &) = delete;
	InNetns &operator=(const InNetns &) = delete;

private:
	Fd home_;
};

} /* namespace lxcnet::cni */
