/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "identity.hpp"
#include "netns.hpp"

namespace lxcnet::cni {

using detail::NsId;
using detail::UniqueFd;

/*
 * What lxcnet-cni remembers of one attachment (CNI_CONTAINERID, CNI_IFNAME)
 * from ADD to DEL: which host device it took and how to recognise it in the
 * container. It lives beside the library's own records, in
 * <state dir>/cni/<container id>:<ifname>, never on the device: the ifalias
 * stays the user's. With "preserve" the library keeps a record of its own
 * (the device's host configuration) under the same attachment id.
 */
struct Attachment {
	std::string network;
	std::string container_id;
	std::string ifname;
	std::string netns;   /* CNI_NETNS at ADD */
	NsId netns_id;       /* a new namespace at the same path is not this one */
	std::string host_name;
	int host_ifindex = 0;
	std::string mac;
	int inside_ifindex = 0;
	bool preserve = false;
	bool host_was_up = false;
	detail::Identity identity; /* what the container cannot forge; unknown in records of earlier versions */
};

/*
 * Whether now is the namespace recorded at ADD. A record written before the
 * plugin kept the netns cookie (or on a kernel without one) has only the
 * inode, which a later namespace can reuse: then that is all there is to compare.
 */
bool is_recorded_netns(const NsId &recorded, const NsId &now);

/* The key of an attachment's records, for lxcnet::NetworkNamespace too. A container ID has no ':'. */
std::string attachment_id(const std::string &container_id, const std::string &ifname);

/*
 * The directory of attachment records. Same base as the library's records
 * ($LXCNET_STATE_DIR, else /run/lxcnet), created root-only. Throws CniError.
 */
class AttachmentStore {
public:
	AttachmentStore();
	std::optional<Attachment> load(const std::string &container_id, const std::string &ifname) const;
	/* Whole or not at all: a temporary file renamed over the record. */
	void save(const Attachment &a) const;
	void remove(const std::string &container_id, const std::string &ifname) const;
	/*
	 * Held for a whole command on one attachment: a runtime that retries runs
	 * ADD and DEL of one attachment at once, and each must see the other's
	 * record whole, before or after. One of a fixed set of lock files, so
	 * nothing piles up and other attachments rarely wait.
	 */
	UniqueFd lock(const std::string &container_id, const std::string &ifname) const;
	/* Every readable record; unreadable ones are named in `unreadable`. */
	std::vector<Attachment> all(std::vector<std::string> &unreadable) const;
	const std::string &path() const { return path_; }

private:
	std::optional<Attachment> read(const std::string &file) const;
	std::string path_;
	UniqueFd dir_;
};

} /* namespace lxcnet::cni */
