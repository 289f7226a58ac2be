/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "attachment.hpp"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "error.hpp"

namespace lxcnet::cni {

namespace {

constexpr const char *format_tag = "lxcnet-cni attachment 1";

[[noreturn]] void io_error(const std::string &what, int errnum)
{
	throw CniError(io_failure, what + ": " + std::strerror(errnum));
}

/* As the library does for its records: a directory anyone else could write to could feed us devices to move. */
UniqueFd private_dir(int parent, const std::string &name, const std::string &shown)
{
	if (::mkdirat(parent, name.c_str(), 0700) < 0 && errno != EEXIST)
		io_error("create " + shown, errno);
	UniqueFd dir(::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	if (!dir.valid())
		io_error("open " + shown, errno);
	struct stat st{};
	if (::fstat(dir.get(), &st) < 0)
		io_error("stat " + shown, errno);
	if (st.st_uid != ::geteuid() || (st.st_mode & 022))
		throw CniError(io_failure, shown + " is writable by others or not owned by this user: refusing to use it");
	return dir;
}

std::string file_of(const std::string &container_id, const std::string &ifname)
{
	return attachment_id(container_id, ifname);
}

template <typename Int>
bool to_int(const std::string &s, Int &out)
{
	auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
	return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

} /* namespace */

bool is_recorded_netns(const NsId &recorded, const NsId &now)
{
	return recorded.dev == now.dev && recorded.ino == now.ino && (!recorded.cookie || recorded.cookie == now.cookie);
}

std::string attachment_id(const std::string &container_id, const std::string &ifname)
{
	return container_id + ":" + ifname;
}

AttachmentStore::AttachmentStore()
{
	const char *env = std::getenv("LXCNET_STATE_DIR");
	std::string base = env && *env ? env : "/run/lxcnet";
	UniqueFd top = private_dir(AT_FDCWD, base, base);
	path_ = base + "/cni";
	dir_ = private_dir(top.get(), "cni", path_);
}

std::optional<Attachment> AttachmentStore::read(const std::string &file) const
{
	UniqueFd fd(::openat(dir_.get(), file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
	if (!fd.valid()) {
		if (errno == ENOENT)
			return std::nullopt;
		io_error("open " + path_ + "/" + file, errno);
	}
	std::string text;
	char buf[4096];
	for (ssize_t n; (n = ::read(fd.get(), buf, sizeof(buf))) != 0;) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			io_error("read " + path_ + "/" + file, errno);
		text.append(buf, static_cast<size_t>(n));
		if (text.size() > 65536)
			break;
	}

	std::map<std::string, std::string> kv;
	std::istringstream in(text);
	std::string line;
	if (!std::getline(in, line) || line != format_tag)
		throw CniError(io_failure, "unreadable record " + path_ + "/" + file + ": not an lxcnet-cni attachment record");
	while (std::getline(in, line)) {
		auto space = line.find(' ');
		kv[line.substr(0, space)] = space == std::string::npos ? "" : line.substr(space + 1);
	}
	Attachment a;
	unsigned long long cookie = 0;
	long long dev = 0, ino = 0, host_ifindex = 0, inside_ifindex = 0, preserve = 0, up = 0;
	a.network = kv["network"];
	a.container_id = kv["container_id"];
	a.ifname = kv["ifname"];
	a.netns = kv["netns"];
	a.host_name = kv["host_name"];
	a.mac = kv["mac"];
	if (a.container_id.empty() || a.ifname.empty() || a.host_name.empty() || !to_int(kv["netns_dev"], dev) ||
	    !to_int(kv["netns_ino"], ino) || !to_int(kv["host_ifindex"], host_ifindex) ||
	    !to_int(kv["inside_ifindex"], inside_ifindex) || !to_int(kv["preserve"], preserve) || !to_int(kv["host_was_up"], up))
		throw CniError(io_failure, "unreadable record " + path_ + "/" + file + ": a field is missing or malformed");
	/* Absent from records of earlier versions: 0, the inode alone. */
	if (kv.count("netns_cookie") && !to_int(kv["netns_cookie"], cookie))
		throw CniError(io_failure, "unreadable record " + path_ + "/" + file + ": a field is missing or malformed");
	a.netns_id = {static_cast<dev_t>(dev), static_cast<ino_t>(ino), cookie};
	a.host_ifindex = static_cast<int>(host_ifindex);
	a.inside_ifindex = static_cast<int>(inside_ifindex);
	a.preserve = preserve != 0;
	a.host_was_up = up != 0;
	/* Absent from records of earlier versions: the device is then followed by ifindex and MAC alone. */
	if (kv.count("kind")) {
		long long link = 0, on_host = 0;
		if (!to_int(kv["link"], link) || !to_int(kv["link_on_host"], on_host) || link < 0)
			throw CniError(io_failure, "unreadable record " + path_ + "/" + file + ": a field is missing or malformed");
		a.identity = {true, kv["kind"], static_cast<int>(link), on_host != 0, kv["perm_mac"], kv["parent"]};
	}
	return a;
}

std::optional<Attachment> AttachmentStore::load(const std::string &container_id, const std::string &ifname) const
{
	return read(file_of(container_id, ifname));
}

void AttachmentStore::save(const Attachment &a) const
{
	std::ostringstream out;
	out << format_tag << "\n"
	    << "network " << a.network << "\n"
	    << "container_id " << a.container_id << "\n"
	    << "ifname " << a.ifname << "\n"
	    << "netns " << a.netns << "\n"
	    << "netns_dev " << a.netns_id.dev << "\n"
	    << "netns_ino " << a.netns_id.ino << "\n"
	    << "netns_cookie " << a.netns_id.cookie << "\n"
	    << "host_name " << a.host_name << "\n"
	    << "host_ifindex " << a.host_ifindex << "\n"
	    << "mac " << a.mac << "\n"
	    << "inside_ifindex " << a.inside_ifindex << "\n"
	    << "preserve " << (a.preserve ? 1 : 0) << "\n"
	    << "host_was_up " << (a.host_was_up ? 1 : 0) << "\n";
	if (a.identity.known)
		out << "kind " << a.identity.kind << "\n"
		    << "link " << a.identity.link << "\n"
		    << "link_on_host " << (a.identity.link_on_host ? 1 : 0) << "\n"
		    << "perm_mac " << a.identity.perm_mac << "\n"
		    << "parent " << a.identity.parent << "\n";
	const std::string text = out.str();
	const std::string file = file_of(a.container_id, a.ifname);
	const std::string tmp = "." + file + ".tmp";
	UniqueFd fd(::openat(dir_.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
	if (!fd.valid())
		io_error("write " + path_ + "/" + tmp, errno);
	size_t done = 0;
	while (done < text.size()) {
		ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			(void)::unlinkat(dir_.get(), tmp.c_str(), 0);
			io_error("write " + path_ + "/" + tmp, e);
		}
		done += static_cast<size_t>(n);
	}
	if (::renameat(dir_.get(), tmp.c_str(), dir_.get(), file.c_str()) < 0) {
		int e = errno;
		(void)::unlinkat(dir_.get(), tmp.c_str(), 0);
		io_error("rename the record into " + path_ + "/" + file, e);
	}
}

void AttachmentStore::remove(const std::string &container_id, const std::string &ifname) const
{
	const std::string file = file_of(container_id, ifname);
	if (::unlinkat(dir_.get(), file.c_str(), 0) < 0 && errno != ENOENT)
		io_error("remove " + path_ + "/" + file, errno);
}

UniqueFd AttachmentStore::lock(const std::string &container_id, const std::string &ifname) const
{
	uint32_t hash = 2166136261u; /* FNV-1a: the slot must be the same in every process */
	for (unsigned char c : attachment_id(container_id, ifname)) {
		hash ^= c;
		hash *= 16777619u;
	}
	/* A leading '.', so listing the records passes over them. */
	const std::string file = ".lock." + std::to_string(hash % 64);
	UniqueFd fd(::openat(dir_.get(), file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
	if (!fd.valid())
		io_error("open " + path_ + "/" + file, errno);
	while (::flock(fd.get(), LOCK_EX) < 0)
		if (errno != EINTR)
			io_error("lock " + path_ + "/" + file, errno);
	return fd;
}

std::vector<Attachment> AttachmentStore::all(std::vector<std::string> &unreadable) const
{
	std::vector<Attachment> out;
	UniqueFd copy(::openat(dir_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!copy.valid())
		io_error("open " + path_, errno);
	DIR *d = ::fdopendir(copy.release());
	if (!d)
		io_error("list " + path_, errno);
	while (dirent *e = ::readdir(d)) {
		std::string name = e->d_name;
		if (name.empty() || name[0] == '.')
			continue;
		try {
			if (auto a = read(name))
				out.push_back(std::move(*a));
		} catch (const CniError &) {
			unreadable.push_back(name);
		}
	}
	::closedir(d);
	return out;
}

} /* namespace lxcnet::cni */
