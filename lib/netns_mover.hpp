/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include "mover.hpp"

namespace lxcnet::detail {

/*
 * A Mover into the namespace at path, its records under id: what every
 * NetworkNamespace call works with, and lxcnet-cni's attach, which also
 * keeps a record of a bare move (Mover::attach's remember). Throws Error.
 */
Mover netns_mover(const std::string &path, const std::string &id, const Operation &op, const std::string &state_dir);

} /* namespace lxcnet::detail */
