/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>
#include <vector>

#include "record.hpp"
#include "unique_fd.hpp"

namespace lxcnet::detail {

/*
 * An exclusive flock on the state directory itself, held across one attach or
 * detach: a detach brings a device home and then re-applies its
 * configuration in several steps, and an attach into another container must
 * not grab the device in between. It also guards every record: no record is
 * read or written without it.
 */
class HostLock final {
public:
	/* create: make the state directory if it does not exist. Returns -errno. */
	int acquire(const std::string &state_dir, bool create) noexcept;
	/* The locked state directory, or -1. */
	int dir() const noexcept { return dir_.get(); }
	const std::string &path() const noexcept { return path_; }

private:
	UniqueFd dir_;
	std::string path_;
};

/*
 * The records of one container: <state dir>/<key>/<host name>.<ifindex>
 * (':' before a host name that begins with '.', which is a temporary's mark),
 * root-only, each written whole (temp file + rename) and read with
 * O_NOFOLLOW, all under the HostLock.
 */
class RecordStore final {
public:
	struct Entry {
		std::string file;
		Record record;
	};

	RecordStore() = default;
	RecordStore(RecordStore &&) noexcept = default;
	RecordStore &operator=(RecordStore &&) noexcept = default;
	/* If this store removed a record and none is left, removes the container's directory. */
	~RecordStore();

	/* lock must be held, and outlive the store. Returns -errno; without create, -ENOENT when the container has no records at all. */
	int open(const HostLock &lock, const std::string &key, bool create) noexcept;

	/* Every readable record; files that are not (garbage, symlinks, torn writes) are listed in `unreadable`. */
	int load(std::vector<Entry> &records, std::vector<std::string> &unreadable) const noexcept;
	int save(const Record &record) const noexcept;
	int remove(const Record &record) noexcept;
	/* By file name: also for records that cannot be read. */
	int remove_file(const std::string &file) noexcept;

	const std::string &path() const noexcept { return path_; }
	static std::string file_name(const Record &record);

private:
	int top_ = -1;
	UniqueFd dir_;
	std::string key_;
	std::string path_;
	bool removed_ = false; /* only then can the directory have become empty */
};

/*
 * A directory only we or root may change: anyone else could feed us records.
 * Root owns it on every call as root, which spares the geteuid() syscall.
 */
int open_private_dir(int parent, const char *name, bool create, UniqueFd &out) noexcept;

/* The record directories in the locked state directory, one per container or named namespace; lxcnet-cni's "cni" is not one. */
int record_keys(const HostLock &lock, std::vector<std::string> &out) noexcept;

/* The state directory: state_dir, else $LXCNET_STATE_DIR, else /run/lxcnet. */
std::string state_dir_path(const std::string &state_dir);

/*
 * The directory name of one container's records: "<name>@<hash of its
 * canonical lxcpath>", or for a name over 200 bytes "<its first 200
 * bytes>#<hash of the whole name>@<hash of the lxcpath>": never a prefix alone.
 */
std::string container_key(const std::string &name, const std::string &canonical_lxcpath);

/* The directory name of the records of a namespace given by path under id: "netns-" keeps these apart from containers'. */
std::string netns_key(const std::string &id);

} /* namespace lxcnet::detail */
