/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <memory>
#include <string>

#include <lxc/lxccontainer.h>

#include "unique_fd.hpp"

namespace lxcnet::detail {

/* One reference on an lxc_container: taken with lxc_container_get() or from lxc_container_new(). */
using LxcRef = std::unique_ptr<lxc_container, Deleter<lxc_container_put>>;

/* The network namespace of c's init, reached through its pidfd. -ESRCH if c is not running. */
int container_netns(lxc_container *c, UniqueFd &out) noexcept;

/* c's lxcpath with symlinks and trailing slashes resolved, so every process keys records alike. */
std::string canonical_lxcpath(const lxc_container *c);

} /* namespace lxcnet::detail */
