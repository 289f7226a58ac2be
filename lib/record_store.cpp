/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "record_store.hpp"

#include <cerrno>
#include <cstdint>
#include <string_view>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lxcnet::detail {

namespace {

constexpr const char *default_state_dir = "/run/lxcnet";
constexpr size_t max_record_size = 1 << 20;

/* A regular file of `size` bytes (from fstat): one read when it has not changed since, which under the lock it cannot. */
int read_all(int fd, size_t size, std::string &out) noexcept
{
	try {
		if (size > max_record_size)
			return -EFBIG;
		out.resize(size + 1); /* one byte more: a short read proves the end */
		size_t done = 0;
		for (;;) {
			ssize_t n = ::read(fd, out.data() + done, out.size() - done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -errno;
			done += static_cast<size_t>(n);
			if (n == 0 || done < out.size())
				break;
			if (out.size() > max_record_size)
				return -EFBIG;
			out.resize(out.size() * 2); /* it grew after all */
		}
		out.resize(done);
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

int write_all(int fd, const std::string &text) noexcept
{
	size_t done = 0;
	while (done < text.size()) {
		ssize_t n = ::write(fd, text.data() + done, text.size() - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += static_cast<size_t>(n);
	}
	return 0;
}

} /* namespace */

int open_private_dir(int parent, const char *name, bool create, UniqueFd &out) noexcept
{
	if (create && ::mkdirat(parent, name, 0700) < 0 && errno != EEXIST)
		return -errno;
	int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOTDIR ? -ELOOP : -errno;
	UniqueFd dir(fd);
	struct stat st;
	if (::fstat(dir.get(), &st) < 0)
		return -errno;
	if ((st.st_uid != 0 && st.st_uid != ::geteuid()) || (st.st_mode & 022))
		return -EPERM;
	out = std::move(dir);
	return 0;
}

std::string state_dir_path(const std::string &state_dir)
{
	if (!state_dir.empty())
		return state_dir;
	const char *env = std::getenv("LXCNET_STATE_DIR");
	return env && *env ? env : default_state_dir;
}

int HostLock::acquire(const std::string &state_dir, bool create) noexcept
{
	try {
		std::string path = state_dir_path(state_dir);
		UniqueFd dir;
		/* It exists on every call but the first: opening first spares a failing mkdir each time. */
		int r = open_private_dir(AT_FDCWD, path.c_str(), false, dir);
		if (r == -ENOENT && create)
			r = open_private_dir(AT_FDCWD, path.c_str(), true, dir);
		if (r < 0)
			return r;
		while (::flock(dir.get(), LOCK_EX) < 0)
			if (errno != EINTR)
				return -errno;
		dir_ = std::move(dir);
		path_ = std::move(path);
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

namespace {

/* FNV-1a, 64 bits: stable across builds and machines, unlike std::hash. */
std::string hash_hex(std::string_view text)
{
	uint64_t hash = 14695981039346656037ull;
	for (unsigned char c : text) {
		hash ^= c;
		hash *= 1099511628211ull;
	}
	char hex[17];
	std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(hash));
	return hex;
}

/* Longer names than this do not fit a directory entry whole (255 bytes) beside their hashes. */
constexpr size_t whole_name_limit = 200;

} /* namespace */

std::string netns_key(const std::string &id)
{
	return "netns-" + id;
}

std::string container_key(const std::string &name, const std::string &canonical_lxcpath)
{
	const std::string lxcpath_hash = hash_hex(canonical_lxcpath);
	if (name.size() <= whole_name_limit)
		return name + "@" + lxcpath_hash;
	/*
	 * The first 200 bytes and a hash of the whole name: two names that share
	 * the prefix get two keys. At 234 bytes such a key is longer than any key
	 * of a whole name (at most 217), so the two forms never meet.
	 */
	return name.substr(0, whole_name_limit) + "#" + hash_hex(name) + "@" + lxcpath_hash;
}

RecordStore::~RecordStore()
{
	if (!dir_.valid() || !removed_)
		return;
	/*
	 * Still under the lock: one directory per CNI attachment would otherwise
	 * pile up until reboot. rmdir itself says whether it is empty, without
	 * reading it first.
	 */
	(void)::unlinkat(top_, key_.c_str(), AT_REMOVEDIR);
}

std::string RecordStore::file_name(const Record &record)
{
	/*
	 * Files beginning with '.' are a write's temporaries, so a host name that
	 * begins with one (the kernel allows ".x") gets a ':' before it: no
	 * interface name contains ':', so no other record can have that name.
	 */
	const std::string &name = record.host.name;
	return (name.empty() || name[0] == '.' ? ":" : "") + name + "." + std::to_string(record.host.ifindex);
}

int RecordStore::open(const HostLock &lock, const std::string &key, bool create) noexcept
{
	try {
		if (lock.dir() < 0)
			return -EBADF;
		UniqueFd dir;
		if (int r = open_private_dir(lock.dir(), key.c_str(), create, dir); r < 0)
			return r;
		path_ = lock.path() + "/" + key;
		key_ = key;
		top_ = lock.dir();
		dir_ = std::move(dir);
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

int RecordStore::load(std::vector<Entry> &records, std::vector<std::string> &unreadable) const noexcept
{
	try {
		/* getdents64 on our own fd, rewound: opendir() would cost another open, an fstat, two fcntl and 32 KiB. */
		if (::lseek(dir_.get(), 0, SEEK_SET) < 0)
			return -errno;
		alignas(dirent64) char buffer[4096];
		for (;;) {
			ssize_t n = ::getdents64(dir_.get(), buffer, sizeof(buffer));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -errno;
			if (n == 0)
				return 0;
			for (ssize_t at = 0; at < n;) {
				auto *e = reinterpret_cast<const dirent64 *>(buffer + at);
				at += e->d_reclen;
				if (e->d_name[0] == '.')
					continue; /* ".", ".." and temp files of a write in progress */
				int rfd = ::openat(dir_.get(), e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
				UniqueFd file(rfd);
				std::string text;
				struct stat st;
				Entry entry{e->d_name, {}};
				if (rfd < 0 || ::fstat(rfd, &st) < 0 || !S_ISREG(st.st_mode) ||
				    read_all(rfd, static_cast<size_t>(st.st_size), text) < 0 || parse_record(text, entry.record) < 0 ||
				    file_name(entry.record) != entry.file) {
					unreadable.push_back(entry.file);
					continue;
				}
				records.push_back(std::move(entry));
			}
		}
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

int RecordStore::save(const Record &record) const noexcept
{
	try {
		const std::string name = file_name(record);
		const std::string temp = "." + name + ".tmp";
		(void)::unlinkat(dir_.get(), temp.c_str(), 0); /* left by a process that died mid-write */
		int fd = ::openat(dir_.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
		UniqueFd file(fd);
		/*
		 * No fsync: rename() already makes the record appear whole or not at
		 * all, and what it describes (a device in a live namespace) cannot
		 * outlive a reboot anyway. It cost more than the move's own CPU on ext4.
		 */
		int r = write_all(fd, format_record(record));
		file.reset();
		if (r == 0 && ::renameat(dir_.get(), temp.c_str(), dir_.get(), name.c_str()) < 0)
			r = -errno;
		if (r < 0)
			(void)::unlinkat(dir_.get(), temp.c_str(), 0);
		return r;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

int RecordStore::remove(const Record &record) noexcept
{
	try {
		return remove_file(file_name(record));
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

int RecordStore::remove_file(const std::string &file) noexcept
{
	if (file.empty() || file[0] == '.' || file.find('/') != std::string::npos)
		return -EINVAL;
	if (::unlinkat(dir_.get(), file.c_str(), 0) < 0 && errno != ENOENT)
		return -errno;
	removed_ = true;
	return 0;
}

int record_keys(const HostLock &lock, std::vector<std::string> &out) noexcept
{
	try {
		int fd = ::openat(lock.dir(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		std::unique_ptr<DIR, int (*)(DIR *)> dir(::fdopendir(fd), ::closedir);
		if (!dir) {
			int error = errno;
			::close(fd);
			return -error;
		}
		while (dirent *e = ::readdir(dir.get())) {
			if (e->d_name[0] == '.' || std::strcmp(e->d_name, "cni") == 0 || e->d_type != DT_DIR)
				continue;
			out.emplace_back(e->d_name);
		}
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

} /* namespace lxcnet::detail */
