/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "stress.hpp"

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace lxcnet::stress;

namespace {

using FdMap = std::map<int, std::string>;

/*
 * A worker thread that is let go and joined however the test ends: a
 * joinable std::thread destroyed by a failed REQUIRE would terminate the
 * binary before any fixture removed its container and links.
 */
class Worker {
public:
	Worker(std::function<void()> body, std::function<void()> let_go) : let_go_(std::move(let_go)), thread_(std::move(body)) {}
	Worker(const Worker &) = delete;
	Worker &operator=(const Worker &) = delete;
	~Worker() { join(); }

	void join()
	{
		if (let_go_) {
			let_go_();
			let_go_ = nullptr;
		}
		if (thread_.joinable())
			thread_.join();
	}

private:
	std::function<void()> let_go_;
	std::thread thread_;
};

FdMap parse_fd_list(const std::string &text)
{
	FdMap out;
	std::istringstream in(text);
	for (std::string line; std::getline(in, line);) {
		auto space = line.find(' ');
		if (space != std::string::npos)
			out[std::atoi(line.c_str())] = line.substr(space + 1);
	}
	return out;
}

/* The kinds of fd lxcnet holds during a call; anything else the test itself owns. */
std::string kind_of(const std::string &target, const std::string &state_dir)
{
	if (target.rfind("net:[", 0) == 0)
		return "netns";
	if (target == "anon_inode:[pidfd]")
		return "pidfd";
	if (target.rfind("socket:[", 0) == 0)
		return "socket";
	if (!state_dir.empty() && target.rfind(state_dir, 0) == 0)
		return "record";
	return {};
}

/* fds of `child` that the parent did not also hand to the baseline child: inherited from lxcnet's call. */
FdMap inherited(const FdMap &child, const FdMap &baseline)
{
	FdMap extra;
	for (const auto &[fd, target] : child) {
		if (fd <= 2)
			continue; /* stdin, stdout, stderr: set up by the test for every child */
		auto it = baseline.find(fd);
		if (it == baseline.end() || it->second != target)
			extra[fd] = target;
	}
	return extra;
}

std::string describe(const FdMap &fds)
{
	std::string out;
	for (const auto &[fd, target] : fds)
		out += std::to_string(fd) + " -> " + target + "\n";
	return out;
}

/* Only async-signal-safe calls: the child of a multi-threaded parent must not malloc. */
void write_number(int fd, long value)
{
	char buf[24];
	int n = 0;
	do {
		buf[sizeof(buf) - 1 - n++] = static_cast<char>('0' + value % 10);
		value /= 10;
	} while (value && n < 20);
	(void)!::write(fd, buf + sizeof(buf) - n, static_cast<size_t>(n));
}

void list_own_fds_raw(int out)
{
	int dir = ::open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return;
	char buf[4096];
	for (;;) {
		long n = ::syscall(SYS_getdents64, dir, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (long pos = 0; pos < n;) {
			/* struct linux_dirent64 without its flexible name, which follows d_type. */
			struct header {
				uint64_t d_ino;
				int64_t d_off;
				unsigned short d_reclen;
				unsigned char d_type;
			};
			auto *e = reinterpret_cast<header *>(buf + pos);
			const char *name = buf + pos + offsetof(header, d_type) + 1;
			pos += e->d_reclen;
			if (name[0] == '.')
				continue;
			long fd = 0;
			for (const char *p = name; *p; p++)
				fd = fd * 10 + (*p - '0');
			if (fd == dir)
				continue;
			char target[512];
			ssize_t len = ::readlinkat(dir, name, target, sizeof(target));
			write_number(out, fd);
			(void)!::write(out, " ", 1);
			if (len > 0)
				(void)!::write(out, target, static_cast<size_t>(len));
			(void)!::write(out, "\n", 1);
		}
	}
	::close(dir);
}

struct ForkExec {
	FdMap before_exec; /* what the child held between fork and exec */
	FdMap after_exec;  /* what the exec'd lister was started with */
};

/*
 * fork, list the child's fds from inside it, then exec the lister: the first
 * list shows what was in flight at the fork, the second what close-on-exec let
 * through. Both go to one pipe, split by a marker line.
 */
ForkExec fork_and_exec_lister(bool list_before_exec)
{
	const std::string lister = list_fds_path();
	char *const args[] = {const_cast<char *>(lister.c_str()), nullptr};
	static const char marker[] = "--exec--\n";
	int out[2];
	REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
	const pid_t pid = ::fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		if (::dup2(out[1], 1) < 0)
			::_exit(126);
		if (list_before_exec)
			list_own_fds_raw(1);
		(void)!::write(1, marker, sizeof(marker) - 1);
		::execv(args[0], args);
		::_exit(127);
	}
	::close(out[1]);
	std::string text;
	char buf[4096];
	for (ssize_t n; (n = ::read(out[0], buf, sizeof(buf))) != 0;)
		if (n > 0)
			text.append(buf, static_cast<size_t>(n));
		else if (errno != EINTR)
			break;
	::close(out[0]);
	int status = 0;
	while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	REQUIRE(WIFEXITED(status));
	REQUIRE(WEXITSTATUS(status) == 0);
	const auto split = text.find(marker);
	REQUIRE(split != std::string::npos);
	return {parse_fd_list(text.substr(0, split)), parse_fd_list(text.substr(split + sizeof(marker) - 1))};
}

std::string state_dir()
{
	const char *dir = std::getenv("LXCNET_STATE_DIR");
	return dir ? dir : "";
}

} /* namespace */

TEST_CASE("no fd of an operation parked on the state directory's lock reaches an exec'd child", "[cloexec]")
{
	ScopedContainer &ct = shared_container(0);
	ScopedVeth veth("e"), anchor("e");
	lxcnet::Container box(ct.name(), ct.lxcpath());
	/* The state directory exists from the first preserving attach on: this one makes sure of it. */
	box.attach_interface(anchor.name(), "anchor0");
	const std::string dir = state_dir();
	REQUIRE_FALSE(dir.empty());
	const FdMap baseline = fork_and_exec_lister(false).after_exec;

	/* flock is per open file: our own lock on the directory parks lxcnet's call inside it, every fd open. */
	int lock = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	REQUIRE(lock >= 0);
	REQUIRE(::flock(lock, LOCK_EX) == 0);
	std::atomic<int> result{-1};
	Worker worker([&] { result = errno_of([&] { box.attach_interface(veth.name(), "eth1"); }); },
		      [&] { ::close(lock); });

	FdMap in_flight;
	for (auto start = Clock::now(); seconds_since(start) < 20;) {
		in_flight.clear();
		for (const auto &[fd, target] : open_fds())
			if (fd != lock && !kind_of(target, state_dir()).empty())
				in_flight[fd] = target;
		/* Waiting for the lock means holding the directory open: whatever else it holds by then is in flight. */
		if (std::count_if(in_flight.begin(), in_flight.end(), [&](auto &e) { return e.second == dir; }) >= 1)
			break;
		::usleep(2000);
	}
	const ForkExec child = fork_and_exec_lister(true);
	worker.join(); /* after it lets go of the lock */

	std::string kinds;
	for (const auto &[fd, target] : in_flight)
		kinds += " " + kind_of(target, state_dir());
	std::printf("cloexec: a call parked on the state directory's lock held %zu fds (%s ); the exec'd child inherited %zu of them\n",
		    in_flight.size(), kinds.c_str(), inherited(child.after_exec, baseline).size());
	INFO("lxcnet's fds at the fork:\n" << describe(in_flight));
	CHECK(result == 0);
	/* The parked call must really have been caught holding its fds, and the child must have had them before exec. */
	CHECK(std::count_if(in_flight.begin(), in_flight.end(), [&](auto &e) { return e.second == dir; }) >= 1);
	for (const auto &[fd, target] : in_flight) {
		INFO("fd " << fd << " -> " << target);
		CHECK(child.before_exec.count(fd) == 1);
	}
	INFO("inherited across exec:\n" << describe(inherited(child.after_exec, baseline)));
	CHECK(inherited(child.after_exec, baseline).empty());
	box.detach_interface("eth1");
	box.detach_interface("anchor0");
	CHECK(host_has_link(veth.name()));
}

TEST_CASE("no fd of a call in flight on another thread reaches an exec'd child", "[cloexec]")
{
	ScopedContainer &ct = shared_container(0);
	ScopedVeth veth("e");
	veth.configure(2);
	lxcnet::Container box(ct.name(), ct.lxcpath());
	const FdMap baseline = fork_and_exec_lister(false).after_exec;

	std::atomic<bool> stop{false};
	std::atomic<int> failures{0}, cycles{0};
	Worker worker(
		[&] {
			while (!stop) {
				if (errno_of([&] { box.attach_interface(veth.name(), "eth1"); }) != 0 ||
				    errno_of([&] { box.detach_interface("eth1"); }) != 0)
					failures++;
				cycles++;
			}
		},
		[&] { stop = true; });

	/* Count each kind seen in flight at a fork, so the test proves it raced real calls. */
	std::map<std::string, int> caught;
	FdMap leaked;
	int forks = 0;
	const auto start = Clock::now();
	/* Until both kinds were caught often enough; valgrind (CI) slows every call, hence the generous cap. */
	while (seconds_since(start) < 4 || ((caught["netns"] < 20 || caught["socket"] < 20) && seconds_since(start) < 60)) {
		const ForkExec child = fork_and_exec_lister(true);
		forks++;
		std::set<std::string> kinds;
		for (const auto &[fd, target] : inherited(child.before_exec, baseline))
			if (auto kind = kind_of(target, state_dir()); !kind.empty())
				kinds.insert(kind);
		for (const auto &kind : kinds)
			caught[kind]++;
		for (const auto &[fd, target] : inherited(child.after_exec, baseline))
			leaked[fd] = target;
	}
	worker.join();

	std::string summary;
	for (const auto &[kind, count] : caught)
		summary += " " + kind + "=" + std::to_string(count);
	std::printf("cloexec: %d fork+exec during %d attach/detach cycles; forks that caught lxcnet fds in flight:%s; "
		    "fds inherited across exec: %zu\n", forks, cycles.load(), summary.c_str(), leaked.size());
	INFO("inherited across exec:\n" << describe(leaked));
	CHECK(leaked.empty());
	CHECK(failures == 0);
	CHECK(caught["netns"] >= 20);
	CHECK(caught["socket"] >= 20);
	CHECK(host_has_link(veth.name()));
}
