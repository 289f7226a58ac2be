/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include "env.hpp"
#include "netconf.hpp"
#include "result.hpp"

namespace lxcnet::cni {

/*
 * Delegation (spec section 4): the IPAM plugin named by ipam.type, looked up
 * in CNI_PATH, runs with our environment (CNI_COMMAND set to `command`) and
 * the very stdin we got; its stderr is ours. A failure comes back as the
 * CniError it printed, with its own code. Throws CniError.
 */
void ipam_exec(const std::string &command, const Env &env, const NetConf &conf, std::string *stdout_text = nullptr);

/* ADD: the IPAM result (at least one IP, or an error). */
Result ipam_add(const Env &env, const NetConf &conf);

} /* namespace lxcnet::cni */
