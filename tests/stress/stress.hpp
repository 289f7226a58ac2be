/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once
/*
 * What only the stress suite needs: record files read independently of
 * lxcnet, process and fd inspection, programs run without a shell. The
 * containers and links are tests/support's, named "lxs" (see stress.cpp's
 * suite()).
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
using test::host_has_link;
using test::host_ifindex;
using test::host_link_with_mac;
using test::quote;
using test::run;
using test::ScopedBridge;
using test::ScopedContainer;
using test::ScopedVeth;
using test::sh;
using test::shared_container;
using test::stop_hook_config;
using test::unique_name;

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
inline std::string cli_path()
{
	return test::built_program("LXCNET_DEVICE");
}
inline std::string hostile_c_path()
{
	return test::built_program("LXCNET_HOSTILE_C");
}
inline std::string list_fds_path()
{
	return test::built_program("LXCNET_LIST_FDS");
}

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
