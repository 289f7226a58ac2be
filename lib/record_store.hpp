/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>
#include <vector>

#include "record.hpp"
#include "unique_fd.hpp"

namespace lxcnet::detail {

/*
 * The records of one container: <state dir>/<key>/<host name>.<ifindex>,
 * root-only, each written whole (temp file + rename) and read with
 * O_NOFOLLOW. While a RecordStore is open it holds an exclusive flock on the
 * container's directory, so two processes never interleave on one container.
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
	/* Removes the container's directory if no record is left in it, then drops the lock. */
	~RecordStore();

	/* state_dir empty: $LXCNET_STATE_DIR, else /run/lxcnet. Returns -errno. */
	int open(const std::string &state_dir, const std::string &key) noexcept;

	/* Every readable record; files that are not (garbage, symlinks, torn writes) are listed in `unreadable`. */
	int load(std::vector<Entry> &records, std::vector<std::string> &unreadable) const noexcept;
	int save(const Record &record) const noexcept;
	int remove(const Record &record) const noexcept;
	/* By file name: also for records that cannot be read. */
	int remove_file(const std::string &file) const noexcept;

	const std::string &path() const noexcept { return path_; }
	static std::string file_name(const Record &record);

private:
	UniqueFd top_;
	UniqueFd dir_;
	std::string key_;
	std::string path_;
};

/* The directory name of one container's records: "<name>@<hash of its canonical lxcpath>". */
std::string container_key(const std::string &name, const std::string &canonical_lxcpath);

} /* namespace lxcnet::detail */
