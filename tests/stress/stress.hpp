/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once
/*
 * Fixtures of the stress suite. They sit beside tests/support rather than in
 * it because every interface and container made here carries the "lxs"
 * prefix: other suites (lxn*, lxp*, lxb*, lxk*) run on the same machine at the
 * same time, and a leftover must be traceable to this suite.
 */

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "helpers.hpp"

namespace lxcnet::stress {

using test::device_state;
using test::quote;
using test::run;
using test::sh;

/* "lxs" + tag + a per-process number: at most 14 bytes, so a veth peer can append 'p'. */
std::string unique_name(const std::string &tag);

/* The shared busybox container fixture, named lxs*, with what the stress tests also ask of it. */
class Box : public test::ScopedContainer {
public:
	/* extra_config: lines appended to the config (a stop hook, say). */
	explicit Box(bool start_now = true, const std::string &extra_config = {})
		: ScopedContainer(start_now, extra_config, "lxs")
	{
	}

	/* lxc-stop -k: init gets SIGKILL, the stop hook still runs. */
	void kill();
	bool running() const;
	/* Init's PID, or 0 if the container is not running. */
	int init_pid() const;
	/* "nsenter --net=/proc/PID/ns/net ": prefix for the host's iproute2 inside. */
	std::string inside() const;
	bool has_link(const std::string &dev) const;
	/* ifindex of dev inside, or 0 if absent. */
	int ifindex_of(const std::string &dev) const;
	/* name -> ifindex of every link inside. */
	std::map<std::string, int> links() const;
	/* Name of the link inside with this MAC, or "". */
	std::string link_with_mac(const std::string &mac) const;
	/* Inode of init's network namespace. */
	unsigned long netns_inode() const;
	/* The directory of this container's records, or "" while there is none. */
	std::string record_dir() const;
};

/* Containers shared by the tests that leave theirs running, started on first use. */
Box &shared_box(size_t index = 0);

/* A veth pair on the host. The peer never moves, so deleting it on scope exit also removes the end that went away. */
class Veth {
public:
	/* index > 0 asks the kernel for that ifindex (to reproduce ifindex reuse). */
	explicit Veth(const std::string &tag = "v", int index = 0);
	~Veth();
	Veth(const Veth &) = delete;
	Veth &operator=(const Veth &) = delete;

	const std::string &name() const { return name_; }
	const std::string &peer() const { return peer_; }
	/* UP, MTU 1400, a fixed MAC, an ifalias, an IPv4 and an IPv6 address and a route through each. */
	void configure(int subnet);
	std::string mac() const { return mac_; }

private:
	std::string name_;
	std::string peer_;
	std::string mac_;
};

bool host_has_link(const std::string &dev);
/* ifindex of dev on the host, or 0 if absent. */
int host_ifindex(const std::string &dev);
/* Name of the host link with this MAC, or "" (to find a device that came back under another name). */
std::string host_link_with_mac(const std::string &mac);

/* What one record file says, read independently of lxcnet's parser. */
struct RecordView {
	std::string file;
	std::string name;
	int ifindex = 0;
	std::string mac;
	std::string inside_name;
	int inside_ifindex = 0;
	bool regular = false;
	bool parsed = false;
};
std::vector<RecordView> read_records(const std::string &dir);
/* Every file in dir (hidden ones too) with its type and content: "nothing changed" is equality of two of these. */
std::map<std::string, std::string> dir_snapshot(const std::string &dir);

/* Open fds of this process, fd -> readlink target. */
std::map<int, std::string> open_fds();
/* Resident set size of this process in bytes. */
long rss_bytes();
/* Under ASan or valgrind, whose own bookkeeping (quarantine, shadow memory) makes RSS say nothing about leaks. */
bool instrumented();

/* A program run with fork + execv, no shell: arguments may hold any byte but NUL. */
struct Exec {
	int status = -1; /* exit code, or 128 + signal */
	std::string out;
	std::string err;
};
Exec exec(const std::vector<std::string> &argv);
/* A program started with fork + execv and not waited for yet. */
class Spawned {
public:
	explicit Spawned(const std::vector<std::string> &argv);
	~Spawned(); /* kills and reaps the child if wait() was not called */
	Spawned(const Spawned &) = delete;
	Spawned &operator=(const Spawned &) = delete;
	pid_t pid() const { return pid_; }
	Exec wait();

private:
	pid_t pid_ = -1;
	int out_ = -1, err_ = -1;
};
/* Open fds of another process, fd -> readlink target. */
std::map<int, std::string> fds_of(pid_t pid);
/* PIDs whose command line starts with these words. */
std::vector<pid_t> pids_running(const std::vector<std::string> &words);
/* The one-letter state of /proc/PID/stat ('T' when stopped), or 0 once it is gone. */
char process_state(pid_t pid);

/* Several programs started together: all forked first and held at a gate, then released at once. */
std::vector<Exec> exec_together(const std::vector<std::vector<std::string>> &argvs);

/* The built programs, as meson passes them. */
std::string cli_path();
std::string hostile_c_path();
std::string list_fds_path();

/* A directory of our own that is removed (unmounted first if need be) on scope exit. */
class TempDir {
public:
	TempDir();
	~TempDir();
	TempDir(const TempDir &) = delete;
	TempDir &operator=(const TempDir &) = delete;
	const std::string &path() const { return path_; }

private:
	std::string path_;
};

/* A mount on a directory of its own, lazily unmounted on scope exit. */
class ScopedMount {
public:
	/* `mount ARGS DIR` */
	explicit ScopedMount(const std::string &args);
	~ScopedMount();
	const std::string &path() const { return dir_.path(); }

private:
	TempDir dir_;
};

/* The errno of a thrown lxcnet::Error, or 0 if f returned; anything else thrown is a test failure. */
template <class F>
int errno_of(F &&f, std::string *what = nullptr)
{
	try {
		f();
		return 0;
	} catch (const lxcnet::Error &e) {
		if (what)
			*what = e.what();
		return e.code().value();
	}
}

/* Interpretation of an errno in a failure message. */
std::string errno_text(int errnum);

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start);

} /* namespace lxcnet::stress */
