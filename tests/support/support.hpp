/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace lxcnet::test {

/* Runs a shell command; returns its exit status and captures stdout (and stderr, if asked). */
struct Result {
	int status = -1;
	std::string out;
};
Result run(const std::string &command, bool with_stderr = false);
/* Same, but a non-zero exit throws with the command and its output. */
std::string sh(const std::string &command);
std::string quote(const std::string &word);

/* A name of at most 15 bytes, root + tag + a per-process counter, unique per run. */
std::string unique_name(const std::string &tag, const std::string &root = "lxn");

/* The calling thread's netns inode: every lxcnet call must leave it unchanged. */
unsigned long own_netns_inode();

/*
 * Sets LXCNET_STATE_DIR to a fresh directory for the process (and the CLI,
 * plugins and hooks it starts); on scope exit removes it and restores the
 * value it replaced, so they nest.
 */
class StateDir {
public:
	StateDir();
	~StateDir();
	const std::string &path() const { return path_; }
	/* Every file under it, relative, sorted. */
	std::vector<std::string> files() const;
	StateDir(const StateDir &) = delete;
	StateDir &operator=(const StateDir &) = delete;

private:
	std::string path_;
	std::optional<std::string> replaced_;
};

/* A busybox container (lxc.net.0.type = empty, unconfined) in its own lxcpath, stopped and destroyed on scope exit. */
class ScopedContainer {
public:
	/* extra_config: lines appended to the config (the stop hook, say); root: the name prefix, per suite. */
	explicit ScopedContainer(bool start = true, const std::string &extra_config = {}, const std::string &root = "lxn");
	~ScopedContainer();
	ScopedContainer(const ScopedContainer &) = delete;
	ScopedContainer &operator=(const ScopedContainer &) = delete;

	const std::string &name() const { return name_; }
	const std::string &lxcpath() const { return lxcpath_; }
	void start();
	void stop();
	/* "nsenter --net=/proc/PID/ns/net": prefix for running the host's iproute2 inside. */
	std::string inside() const;
	bool has_link(const std::string &dev) const;
	/* Runs a command inside with lxc-attach (the container's busybox: ping and friends). */
	std::string attach_run(const std::string &command) const;
	/* The ifindex of dev inside the container. */
	int ifindex_of(const std::string &dev) const;

private:
	std::string name_;
	std::string lxcpath_;
};

/* A veth pair on the host; both ends are deleted on scope exit, wherever the first one went. */
class ScopedVeth {
public:
	ScopedVeth();
	~ScopedVeth();
	ScopedVeth(const ScopedVeth &) = delete;
	ScopedVeth &operator=(const ScopedVeth &) = delete;

	const std::string &name() const { return name_; }
	const std::string &peer() const { return peer_; }
	/* UP, MTU 1400, a fixed MAC, an ifalias, 10.x/24 and fd00::/64 addresses and a route through each family. */
	void configure(int subnet);

private:
	std::string name_;
	std::string peer_;
};

/* A bridge (a device the kernel refuses to move); deleted on scope exit. */
class ScopedBridge {
public:
	ScopedBridge();
	~ScopedBridge();
	ScopedBridge(const ScopedBridge &) = delete;
	ScopedBridge &operator=(const ScopedBridge &) = delete;
	const std::string &name() const { return name_; }

private:
	std::string name_;
};

/* A macvlan on a private veth parent; deleted on scope exit. */
class ScopedMacvlan {
public:
	ScopedMacvlan();
	~ScopedMacvlan();
	const std::string &name() const { return name_; }

private:
	ScopedVeth parent_;
	std::string name_;
};

bool host_has_link(const std::string &dev);

/* CI=true: the machine is known to do everything the suite needs, so nothing may be skipped or excused. */
bool under_ci();

/*
 * What a user sees of a device: flags, MTU, MAC, alias, its addresses (not
 * the kernel's link-local) and the routes through it, with volatile fields
 * (ifindex, name, DAD state, lifetimes) dropped. `prefix` runs `ip` elsewhere.
 */
std::string device_state(const std::string &dev, const std::string &prefix = {});

} /* namespace lxcnet::test */
