/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include <lxcnet/error.hpp>
#include <lxcnet/options.hpp>
#include <nlohmann/json.hpp>

#include "attachment.hpp"
#include "env.hpp"
#include "error.hpp"
#include "netconf.hpp"
#include "netns.hpp"
#include "nl.hpp"

namespace lxcnet::cni {

using detail::NetlinkSocket;

/* One function per CNI_COMMAND; each throws CniError on failure. */
nlohmann::ordered_json cmd_add(const Env &env, const NetConf &conf);
void cmd_del(const Env &env, const NetConf &conf);
void cmd_check(const Env &env, const NetConf &conf);
void cmd_status(const Env &env, const NetConf &conf);
void cmd_gc(const Env &env, const NetConf &conf);

/* CNI_NETNS for ADD and CHECK: it must exist, be a network namespace and not be the plugin's own. Code 4 otherwise. */
UniqueFd open_target(const std::string &path);
/* Whether netns_fd is the plugin's own network namespace. Throws CniError. */
bool is_own_netns(int netns_fd);

/* The library's netlink socket, in the plugin's namespace (-1) or netns_fd's. Throws CniError. */
NetlinkSocket open_netlink(int netns_fd = -1);
/* The identity of netns_fd, cookie included, read through a socket created in it. Throws CniError. */
NsId netns_identity(int netns_fd, const NetlinkSocket &inside);
/* A failed netlink request in words: the kernel's errno, and its own text when it gave one. */
std::string failure_text(int r, const NetlinkSocket &sock);

/* How the library is asked to move the device: "preserve" is the library's own switch. */
lxcnet::Options library_options(bool preserve);

/* A library failure as the runtime sees it: the library's message names device, namespace and cause. */
CniError from_library(const lxcnet::Error &e, const std::string &more = {});

/*
 * The end of attachment id, for DEL and GC: the device lent goes home under
 * the name it had, if the recorded namespace still holds it; otherwise the
 * library's recovery finds it or retires its record. A record is kept
 * wherever something is left to do, so a failed release can be retried.
 */
void release(const std::string &id, const detail::Record &lent, const std::string &netns_path, bool preserve);

} /* namespace lxcnet::cni */
