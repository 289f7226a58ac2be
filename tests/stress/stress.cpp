/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "stress.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Beside the lxc suite's 10.250 and lxn: nodad, so no cycle depends on DAD's timing. */
const lxcnet::test::Suite &lxcnet::test::suite()
{
	static const Suite stress{"lxs", 252, false};
	return stress;
}

namespace lxcnet::stress {

/* ---- records ---- */

namespace {

std::string read_file(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	std::ostringstream out;
	out << in.rdbuf();
	return out.str();
}

std::vector<std::string> dir_entries(const std::string &path)
{
	std::vector<std::string> names;
	std::unique_ptr<DIR, int (*)(DIR *)> dir(::opendir(path.c_str()), ::closedir);
	if (!dir)
		return names;
	while (dirent *e = ::readdir(dir.get()))
		if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
			names.push_back(e->d_name);
	return names;
}

} /* namespace */

std::vector<RecordView> read_records(const std::string &dir)
{
	std::vector<RecordView> out;
	if (dir.empty())
		return out;
	for (const auto &file : dir_entries(dir)) {
		if (file[0] == '.')
			continue;
		RecordView v;
		v.file = file;
		struct stat st;
		const std::string path = dir + "/" + file;
		v.regular = ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
		if (v.regular) {
			std::istringstream in(read_file(path));
			std::string line, first;
			std::getline(in, first);
			unsigned seen = 0;
			while (std::getline(in, line)) {
				auto space = line.find(' ');
				const std::string key = line.substr(0, space), value = space == std::string::npos ? "" : line.substr(space + 1);
				if (key == "name")
					v.name = value, seen |= 1;
				else if (key == "ifindex")
					v.ifindex = std::atoi(value.c_str()), seen |= 2;
				else if (key == "mac")
					v.mac = value, seen |= 4;
				else if (key == "inside-name")
					v.inside_name = value, seen |= 8;
				else if (key == "inside-ifindex")
					v.inside_ifindex = std::atoi(value.c_str()), seen |= 16;
			}
			v.parsed = first == "lxcnet-record 1" && seen == 31;
		}
		out.push_back(v);
	}
	return out;
}

std::map<std::string, std::string> dir_snapshot(const std::string &dir)
{
	std::map<std::string, std::string> out;
	for (const auto &file : dir_entries(dir)) {
		const std::string path = dir + "/" + file;
		struct stat st;
		if (::lstat(path.c_str(), &st) < 0)
			continue;
		std::string desc;
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = ::readlink(path.c_str(), target, sizeof(target));
			desc = "symlink " + std::string(target, n > 0 ? static_cast<size_t>(n) : 0);
		} else if (S_ISREG(st.st_mode)) {
			desc = "file " + read_file(path);
		} else if (S_ISDIR(st.st_mode)) {
			desc = "dir";
		} else {
			desc = "other " + std::to_string(st.st_mode);
		}
		out[file] = desc + " mode " + std::to_string(st.st_mode & 07777);
	}
	return out;
}

/* ---- process ---- */

std::map<int, std::string> open_fds()
{
	std::map<int, std::string> out;
	std::unique_ptr<DIR, int (*)(DIR *)> dir(::opendir("/proc/self/fd"), ::closedir);
	if (!dir)
		throw std::runtime_error("opendir /proc/self/fd");
	const int own = ::dirfd(dir.get());
	while (dirent *e = ::readdir(dir.get())) {
		if (e->d_name[0] == '.')
			continue;
		const int fd = std::atoi(e->d_name);
		if (fd == own)
			continue;
		char target[4096];
		ssize_t n = ::readlink(("/proc/self/fd/" + std::string(e->d_name)).c_str(), target, sizeof(target));
		out[fd] = n > 0 ? std::string(target, static_cast<size_t>(n)) : "?";
	}
	return out;
}

long rss_bytes()
{
	std::ifstream in("/proc/self/statm");
	long size = 0, resident = 0;
	in >> size >> resident;
	return resident * ::sysconf(_SC_PAGESIZE);
}

bool instrumented()
{
#if defined(__SANITIZE_ADDRESS__)
	return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return true;
#endif
#endif
	return read_file("/proc/self/maps").find("vgpreload") != std::string::npos;
}

Spawned::Spawned(const std::vector<std::string> &argv)
{
	/* Everything the child needs is built before fork: after it, only async-signal-safe calls. */
	std::vector<char *> args;
	for (const auto &a : argv)
		args.push_back(const_cast<char *>(a.c_str()));
	args.push_back(nullptr);
	int out[2], err[2];
	if (::pipe2(out, O_CLOEXEC) < 0)
		throw std::runtime_error("pipe2");
	if (::pipe2(err, O_CLOEXEC) < 0) {
		::close(out[0]);
		::close(out[1]);
		throw std::runtime_error("pipe2");
	}
	pid_ = ::fork();
	if (pid_ < 0)
		throw std::runtime_error("fork");
	if (pid_ == 0) {
		int null = ::open("/dev/null", O_RDONLY);
		if (null < 0 || ::dup2(null, 0) < 0 || ::dup2(out[1], 1) < 0 || ::dup2(err[1], 2) < 0)
			::_exit(126);
		::execv(args[0], args.data());
		::_exit(127);
	}
	::close(out[1]);
	::close(err[1]);
	out_ = out[0];
	err_ = err[0];
}

Spawned::~Spawned()
{
	if (pid_ > 0) {
		::kill(pid_, SIGKILL);
		(void)wait();
	}
}

Exec Spawned::wait()
{
	Exec result;
	pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
	std::string *sinks[2] = {&result.out, &result.err};
	int open_count = 2;
	while (open_count > 0) {
		if (::poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char buf[4096];
			ssize_t n = ::read(fds[i].fd, buf, sizeof(buf));
			if (n > 0) {
				sinks[i]->append(buf, static_cast<size_t>(n));
			} else if (n == 0 || errno != EINTR) {
				::close(fds[i].fd);
				fds[i].fd = -1;
				open_count--;
			}
		}
	}
	int status = 0;
	while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
	}
	pid_ = -1;
	result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return result;
}

Exec exec(const std::vector<std::string> &argv)
{
	return Spawned(argv).wait();
}

std::map<int, std::string> fds_of(pid_t pid)
{
	std::map<int, std::string> out;
	const std::string base = "/proc/" + std::to_string(pid) + "/fd";
	for (const auto &entry : dir_entries(base)) {
		char target[4096];
		ssize_t n = ::readlink((base + "/" + entry).c_str(), target, sizeof(target));
		if (n > 0)
			out[std::atoi(entry.c_str())] = std::string(target, static_cast<size_t>(n));
	}
	return out;
}

std::vector<pid_t> pids_running(const std::vector<std::string> &words)
{
	std::string want;
	for (const auto &w : words)
		want += w + '\0';
	std::vector<pid_t> out;
	for (const auto &entry : dir_entries("/proc")) {
		const pid_t pid = std::atoi(entry.c_str());
		if (pid <= 0)
			continue;
		if (read_file("/proc/" + entry + "/cmdline").rfind(want, 0) == 0)
			out.push_back(pid);
	}
	return out;
}

char process_state(pid_t pid)
{
	const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
	const auto paren = stat.rfind(')');
	return paren == std::string::npos || paren + 2 >= stat.size() ? 0 : stat[paren + 2];
}

std::vector<Exec> exec_together(const std::vector<std::vector<std::string>> &argvs)
{
	std::vector<std::vector<char *>> args(argvs.size());
	for (size_t i = 0; i < argvs.size(); i++) {
		for (const auto &a : argvs[i])
			args[i].push_back(const_cast<char *>(a.c_str()));
		args[i].push_back(nullptr);
	}
	int gate[2];
	if (::pipe2(gate, O_CLOEXEC) < 0)
		throw std::runtime_error("pipe2");
	struct Child {
		pid_t pid;
		int out, err;
	};
	std::vector<Child> children;
	for (auto &argv : args) {
		int out[2], err[2];
		if (::pipe2(out, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0)
			throw std::runtime_error("pipe2");
		const pid_t pid = ::fork();
		if (pid < 0)
			throw std::runtime_error("fork");
		if (pid == 0) {
			::close(gate[1]);
			char byte;
			/* Blocks until the parent closes its end of the gate: then every child execs at once. */
			while (::read(gate[0], &byte, 1) < 0 && errno == EINTR) {
			}
			int null = ::open("/dev/null", O_RDONLY);
			if (null < 0 || ::dup2(null, 0) < 0 || ::dup2(out[1], 1) < 0 || ::dup2(err[1], 2) < 0)
				::_exit(126);
			::execv(argv[0], argv.data());
			::_exit(127);
		}
		::close(out[1]);
		::close(err[1]);
		children.push_back({pid, out[0], err[0]});
	}
	::close(gate[0]);
	::close(gate[1]);
	std::vector<Exec> results;
	for (auto &child : children) {
		Exec result;
		/* Each child's output is far below a pipe's capacity, so reading one after the other cannot stall them. */
		int status = 0;
		while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
		}
		for (auto [fd, sink] : {std::pair{child.out, &result.out}, std::pair{child.err, &result.err}}) {
			char buf[4096];
			for (ssize_t n; (n = ::read(fd, buf, sizeof(buf))) > 0;)
				sink->append(buf, static_cast<size_t>(n));
			::close(fd);
		}
		result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		results.push_back(result);
	}
	return results;
}

/* ---- directories and mounts ---- */

TempDir::TempDir()
{
	char templ[] = "/tmp/lxs-dir.XXXXXX";
	if (!::mkdtemp(templ))
		throw std::runtime_error("mkdtemp");
	path_ = templ;
}

TempDir::~TempDir()
{
	(void)run("rm -rf " + quote(path_));
}

ScopedMount::ScopedMount(const std::string &args)
{
	sh("mount " + args + " " + quote(dir_.path()));
}

ScopedMount::~ScopedMount()
{
	(void)run("umount -l " + quote(dir_.path()));
}

std::string errno_text(int errnum)
{
	const char *name = errnum ? strerrorname_np(errnum) : "0";
	return std::string(name ? name : "?") + " (" + std::to_string(errnum) + ")";
}

double seconds_since(Clock::time_point start)
{
	return std::chrono::duration<double>(Clock::now() - start).count();
}

} /* namespace lxcnet::stress */
