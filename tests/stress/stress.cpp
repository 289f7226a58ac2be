/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "stress.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lxcnet::stress {

std::string unique_name(const std::string &tag)
{
	std::string name = test::unique_name(tag, "lxs");
	if (name.size() > 14)
		throw std::logic_error("stress test name too long: " + name);
	return name;
}

/* ---- containers ---- */

void Box::kill()
{
	sh("lxc-stop -k -P " + quote(lxcpath()) + " -n " + quote(name()));
}

bool Box::running() const
{
	return run("lxc-info -P " + quote(lxcpath()) + " -n " + quote(name()) + " -sH").out.find("RUNNING") == 0;
}

int Box::init_pid() const
{
	auto r = run("lxc-info -P " + quote(lxcpath()) + " -n " + quote(name()) + " -pH");
	return r.status == 0 && !r.out.empty() ? std::atoi(r.out.c_str()) : 0;
}

std::string Box::inside() const
{
	const int pid = init_pid();
	if (pid <= 0)
		throw std::runtime_error("container " + name() + " is not running");
	return "nsenter --net=/proc/" + std::to_string(pid) + "/ns/net ";
}

bool Box::has_link(const std::string &dev) const
{
	return links().count(dev) != 0;
}

int Box::ifindex_of(const std::string &dev) const
{
	auto all = links();
	auto it = all.find(dev);
	return it == all.end() ? 0 : it->second;
}

namespace {

/* `ip -o link` lines: "7: eth1@if6: <...>" */
std::map<std::string, int> parse_links(const std::string &text)
{
	std::map<std::string, int> out;
	std::istringstream in(text);
	static const std::regex line_re("^([0-9]+): ([^:@ ]+)[@:]");
	std::smatch m;
	for (std::string line; std::getline(in, line);)
		if (std::regex_search(line, m, line_re))
			out[m[2].str()] = std::stoi(m[1].str());
	return out;
}

} /* namespace */

std::map<std::string, int> Box::links() const
{
	return parse_links(sh(inside() + "ip -o link show"));
}

namespace {

std::string link_with_mac_in(const std::string &ip_output, const std::string &mac)
{
	std::istringstream in(ip_output);
	std::smatch m;
	static const std::regex line_re("^[0-9]+: ([^:@ ]+)[@:].* link/ether ([0-9a-f:]+)");
	for (std::string line; std::getline(in, line);)
		if (std::regex_search(line, m, line_re) && m[2].str() == mac)
			return m[1].str();
	return {};
}

} /* namespace */

std::string Box::link_with_mac(const std::string &mac) const
{
	return link_with_mac_in(sh(inside() + "ip -o link show"), mac);
}

unsigned long Box::netns_inode() const
{
	struct stat st;
	const std::string path = "/proc/" + std::to_string(init_pid()) + "/ns/net";
	if (::stat(path.c_str(), &st) < 0)
		throw std::runtime_error("stat " + path);
	return st.st_ino;
}

std::string Box::record_dir() const
{
	const char *state = std::getenv("LXCNET_STATE_DIR");
	if (!state)
		return {};
	std::unique_ptr<DIR, int (*)(DIR *)> dir(::opendir(state), ::closedir);
	if (!dir)
		return {};
	while (dirent *e = ::readdir(dir.get()))
		if (std::strncmp(e->d_name, (name() + "@").c_str(), name().size() + 1) == 0)
			return std::string(state) + "/" + e->d_name;
	return {};
}

Box &shared_box(size_t index)
{
	/* A deque: growing it never moves the containers already handed out. */
	static std::mutex lock;
	static std::deque<std::unique_ptr<Box>> boxes;
	std::lock_guard<std::mutex> guard(lock);
	while (boxes.size() <= index)
		boxes.push_back(std::make_unique<Box>());
	return *boxes[index];
}

/* ---- devices ---- */

Veth::Veth(const std::string &tag, int index) : name_(unique_name(tag)), peer_(name_ + "p")
{
	sh("ip link add " + name_ + (index > 0 ? " index " + std::to_string(index) : "") + " type veth peer name " + peer_);
	std::smatch m;
	const std::string link = sh("ip -o link show dev " + name_);
	if (std::regex_search(link, m, std::regex("link/ether ([0-9a-f:]+)")))
		mac_ = m[1].str();
}

Veth::~Veth()
{
	(void)run("ip link del " + quote(peer_));
	(void)run("ip link del " + quote(name()));
}

void Veth::configure(int subnet)
{
	const std::string n = std::to_string(subnet);
	char mac[32];
	std::snprintf(mac, sizeof(mac), "02:00:5e:%02x:%02x:01", (subnet >> 8) & 0xff, subnet & 0xff);
	mac_ = mac;
	sh("ip link set " + name_ + " mtu 1400 address " + mac_);
	sh("ip link set " + name_ + " alias " + quote("lxs stress " + n));
	sh("ip addr add 10.252." + n + ".1/24 dev " + name_);
	sh("ip addr add fd00:252:" + n + "::1/64 nodad dev " + name_);
	sh("ip link set " + name_ + " up");
	sh("ip link set " + peer_ + " up");
	sh("ip route add 10.253." + n + ".0/24 via 10.252." + n + ".2 dev " + name_);
	sh("ip -6 route add fd00:253:" + n + "::/64 via fd00:252:" + n + "::2 dev " + name_);
}

bool host_has_link(const std::string &dev)
{
	return host_ifindex(dev) != 0;
}

int host_ifindex(const std::string &dev)
{
	auto r = run("ip -o link show dev " + quote(dev));
	return r.status == 0 ? std::atoi(r.out.c_str()) : 0;
}

std::string host_link_with_mac(const std::string &mac)
{
	return link_with_mac_in(sh("ip -o link show"), mac);
}

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

namespace {

std::string env_path(const char *name)
{
	const char *path = std::getenv(name);
	if (!path || !*path)
		throw std::runtime_error(std::string(name) + " is not set (run the suite through meson test)");
	return path;
}

} /* namespace */

std::string cli_path()
{
	return env_path("LXCNET_DEVICE");
}

std::string hostile_c_path()
{
	return env_path("LXCNET_HOSTILE_C");
}

std::string list_fds_path()
{
	return env_path("LXCNET_LIST_FDS");
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
