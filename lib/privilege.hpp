/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

namespace lxcnet::detail {

/*
 * "" if the calling thread holds what moving a device between namespaces
 * takes (CAP_NET_ADMIN to change links, CAP_SYS_ADMIN to enter a network
 * namespace), else the sentence to tell the caller what is missing. Asked
 * only once something failed, to tell "not allowed" from "not there".
 */
std::string missing_privileges();

/* cause, followed by what the caller lacks if the failure was errnum EPERM or EACCES and it lacks something. */
std::string with_privilege_hint(int errnum, const std::string &cause);

} /* namespace lxcnet::detail */
