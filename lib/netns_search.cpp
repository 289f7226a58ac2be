/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "netns_search.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include <dirent.h>
#include <sys/socket.h>
#include <sys/stat.h>

namespace lxcnet::detail {

namespace {

/* mountinfo writes space, tab, newline and backslash in a path as \ooo. */
std::string unescape_octal(const std::string &text)
{
	std::string out;
	for (size_t i = 0; i < text.size(); i++) {
		if (text[i] == '\\' && i + 3 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])) &&
		    std::isdigit(static_cast<unsigned char>(text[i + 2])) && std::isdigit(static_cast<unsigned char>(text[i + 3]))) {
			out += static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0'));
			i += 3;
		} else {
			out += text[i];
		}
	}
	return out;
}

/* The namespace at path, if it is the one of id. */
bool matches(const std::string &path, const NsId &id, UniqueFd &out) noexcept
{
	struct stat st;
	if (::stat(path.c_str(), &st) < 0 || st.st_dev != id.dev || st.st_ino != id.ino)
		return false;
	UniqueFd fd;
	if (open_netns_path(path.c_str(), fd) < 0)
		return false;
	/* The inode is reused once a namespace dies; the cookie never is. */
	NsId found;
	if (id.cookie && (identify_netns(fd.get(), found) < 0 || found.cookie != id.cookie))
		return false;
	out = std::move(fd);
	return true;
}

} /* namespace */

int identify_netns(int netns_fd, NsId &out) noexcept
{
	/* Only a socket in the namespace tells its cookie. */
	UniqueFd sock;
	int error = 0;
	{
		NetnsGuard guard;
		if (int r = guard.enter(netns_fd); r < 0)
			return r;
		sock.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
		error = sock.valid() ? 0 : errno; /* before the switch back can change it */
	}
	if (error)
		return -error;
	return netns_id(netns_fd, sock.get(), out);
}

std::vector<std::string> nsfs_mounts(const std::string &mountinfo)
{
	std::vector<std::string> mounts;
	std::istringstream lines(mountinfo);
	for (std::string line; std::getline(lines, line);) {
		/* id parent major:minor root mount-point options [optional fields...] - fstype source super-options */
		std::istringstream words(line);
		std::vector<std::string> w;
		for (std::string word; words >> word;)
			w.push_back(word);
		size_t dash = 6;
		while (dash < w.size() && w[dash] != "-")
			dash++;
		if (w.size() < 5 || dash + 1 >= w.size() || w[dash + 1] != "nsfs")
			continue;
		mounts.push_back(unescape_octal(w[4]));
	}
	return mounts;
}

int find_netns(const NsId &id, UniqueFd &out, std::string &where) noexcept
{
	try {
		/* Bind mounts first: few, and what runtimes and ip netns hold namespaces by. */
		std::ifstream file("/proc/self/mountinfo");
		std::stringstream mountinfo;
		mountinfo << file.rdbuf();
		for (const auto &path : nsfs_mounts(mountinfo.str())) {
			if (matches(path, id, out)) {
				where = path;
				return 0;
			}
		}
		std::unique_ptr<DIR, int (*)(DIR *)> proc(::opendir("/proc"), ::closedir);
		if (!proc)
			return -errno;
		while (dirent *e = ::readdir(proc.get())) {
			if (!std::isdigit(static_cast<unsigned char>(e->d_name[0])))
				continue;
			const std::string path = std::string("/proc/") + e->d_name + "/ns/net";
			if (matches(path, id, out)) {
				where = path;
				return 0;
			}
		}
		return -ENOENT;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

} /* namespace lxcnet::detail */
