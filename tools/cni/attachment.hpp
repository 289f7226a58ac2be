/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "record.hpp"
#include "unique_fd.hpp"

namespace lxcnet::cni {

using detail::NsId;
using detail::UniqueFd;

/*
 * What lxcnet-cni remembers of an attachment (network, CNI_CONTAINERID,
 * CNI_IFNAME) from ADD to DEL is the library's record of the device it
 * lent, kept under the attachment's id as a NetworkNamespace's records are:
 * which host device it was and how to recognise it in the container (with
 * "preserve", its host configuration too). Its `container` is CNI_NETNS at ADD.
 */

/* "<network>:<container id>:<ifname>": none of them has a ':' (CNI's names; the kernel refuses one in an interface name). */
std::string attachment_id(const std::string &network, const std::string &container_id, const std::string &ifname);

/*
 * The record of attachment id, if there is one. Throws CniError, also for a
 * record that cannot be read, unless unreadable is given: then its path goes
 * there, and the result is empty.
 */
std::optional<detail::Record> load_attachment(const std::string &id, std::string *unreadable = nullptr);

/* Every attachment of network that has a record, as (container id, ifname), for GC. Throws CniError. */
std::vector<std::pair<std::string, std::string>> attachments_of(const std::string &network);

/*
 * Held for a whole command on one attachment: a runtime that retries runs
 * ADD and DEL of one attachment at once, and each must see what the other
 * did whole, before or after, IPAM included. One of a fixed set of lock
 * files in <state dir>/cni, so nothing piles up and other attachments
 * rarely wait. Throws CniError.
 */
UniqueFd lock_attachment(const std::string &id);

/* The directory of those lock files, made root-only if need be: where STATUS learns whether ADD could work. Throws CniError. */
UniqueFd lock_directory();

} /* namespace lxcnet::cni */
