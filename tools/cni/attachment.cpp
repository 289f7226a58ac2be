/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "attachment.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>

#include "error.hpp"
#include "printable.hpp"
#include "record_store.hpp"

namespace lxcnet::cni {

namespace {

[[noreturn]] void io_error(const std::string &what, int errnum)
{
	/* The library's word for a directory someone else could write to. */
	if (errnum == EPERM)
		throw CniError(io_failure, what + ": writable by others or not owned by this user: refusing to use it");
	throw CniError(io_failure, what + ": " + std::strerror(errnum));
}

detail::HostLock lock_state_dir()
{
	detail::HostLock lock;
	if (int r = lock.acquire({}, true); r < 0)
		io_error("lock the state directory " + detail::state_dir_path({}), -r);
	return lock;
}

} /* namespace */

std::string attachment_id(const std::string &network, const std::string &container_id, const std::string &ifname)
{
	return network + ":" + container_id + ":" + ifname;
}

std::optional<detail::Record> load_attachment(const std::string &id, std::string *unreadable_path)
{
	const detail::HostLock lock = lock_state_dir();
	detail::RecordStore store;
	if (int r = store.open(lock, detail::netns_key(id), false); r == -ENOENT)
		return std::nullopt;
	else if (r < 0)
		io_error("open the records of " + id + " in " + lock.path(), -r);
	std::vector<detail::RecordStore::Entry> records;
	std::vector<std::string> unreadable;
	if (int r = store.load(records, unreadable); r < 0)
		io_error("read " + store.path(), -r);
	if (!unreadable.empty()) {
		const std::string path = store.path() + "/" + unreadable.front();
		if (!unreadable_path)
			throw CniError(io_failure, "unreadable record " + detail::printable(path) + " left in place");
		*unreadable_path = path;
		return std::nullopt;
	}
	if (records.size() > 1)
		throw CniError(internal, "attachment " + id + " has " + std::to_string(records.size()) + " records in " + store.path() +
						 ", where ADD keeps one");
	if (records.empty())
		return std::nullopt;
	return std::move(records.front().record);
}

std::vector<std::pair<std::string, std::string>> attachments_of(const std::string &network)
{
	const detail::HostLock lock = lock_state_dir();
	std::vector<std::string> keys;
	if (int r = detail::record_keys(lock, keys); r < 0)
		io_error("list " + lock.path(), -r);
	const std::string prefix = detail::netns_key(network + ":");
	std::vector<std::pair<std::string, std::string>> out;
	for (const auto &key : keys) {
		if (key.compare(0, prefix.size(), prefix) != 0)
			continue;
		const std::string rest = key.substr(prefix.size()); /* "<container id>:<ifname>" */
		if (const size_t colon = rest.find(':'); colon != std::string::npos)
			out.emplace_back(rest.substr(0, colon), rest.substr(colon + 1));
	}
	return out;
}

UniqueFd lock_directory()
{
	const std::string base = detail::state_dir_path({});
	UniqueFd top, dir;
	if (int r = detail::open_private_dir(AT_FDCWD, base.c_str(), true, top); r < 0)
		io_error("open the state directory " + base, -r);
	if (int r = detail::open_private_dir(top.get(), "cni", true, dir); r < 0)
		io_error("open " + base + "/cni", -r);
	return dir;
}

UniqueFd lock_attachment(const std::string &id)
{
	const std::string base = detail::state_dir_path({});
	const UniqueFd dir = lock_directory();
	uint32_t hash = 2166136261u; /* FNV-1a: the slot must be the same in every process */
	for (unsigned char c : id) {
		hash ^= c;
		hash *= 16777619u;
	}
	const std::string file = ".lock." + std::to_string(hash % 64);
	UniqueFd fd(::openat(dir.get(), file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
	if (!fd.valid())
		io_error("open " + base + "/cni/" + file, errno);
	while (::flock(fd.get(), LOCK_EX) < 0)
		if (errno != EINTR)
			io_error("lock " + base + "/cni/" + file, errno);
	return fd;
}

} /* namespace lxcnet::cni */
