/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <map>
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
/* Every occurrence of from in text, replaced. */
std::string replace_all(std::string text, const std::string &from, const std::string &to);

/*
 * What sets one suite's leftovers and addresses apart from another's on the
 * same machine: suites run side by side (and beside other checkouts), so a
 * stray interface, container or lxcpath must say which suite made it, and
 * two suites' routes must not collide. Each test binary defines suite()
 * once (tests/lxc/suite.cpp, tests/stress/stress.cpp, the CNI harness); a
 * binary that forgets does not link, so no fixture falls back to another
 * suite's prefix.
 */
struct Suite {
	std::string root; /* first bytes of every name made here: "lxn", "lxs", "lxk" */
	int net;          /* ScopedVeth::configure(): 10.<net>.N.1/24, routes to 10.<net+1>.N.0/24, fd00:<net>:N::1/64 */
	bool dad;         /* false: configure()'s IPv6 address is nodad, so a fast cycle never meets it tentative */
};
const Suite &suite();

/* suite().root + tag + a per-process counter: at most 14 bytes, so a veth peer can append 'p'. */
std::string unique_name(const std::string &tag);

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
	/* Every file under it, relative, sorted; not lxcnet-cni's lock slots (.lock.N), which stay and hold nothing. */
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
	/*
	 * extra_config: lines appended to the config (the stop hook, say). name:
	 * the container's name instead of a unique one (it must begin with
	 * suite().root); LXC's busybox template takes no name longer than a
	 * hostname, so a longer one is made short and renamed. beside: made in
	 * that container's lxcpath (which then outlives this one), not its own.
	 */
	explicit ScopedContainer(bool start = true, const std::string &extra_config = {}, const std::string &name = {},
				 const ScopedContainer *beside = nullptr);
	~ScopedContainer();
	ScopedContainer(const ScopedContainer &) = delete;
	ScopedContainer &operator=(const ScopedContainer &) = delete;

	const std::string &name() const { return name_; }
	const std::string &lxcpath() const { return lxcpath_; }
	void start();
	void stop();
	/* lxc-stop -k: init gets SIGKILL, the stop hook still runs. */
	void kill();
	bool running() const;
	/* Init's PID, or 0 if the container is not running. */
	int init_pid() const;
	/* "nsenter --net=/proc/PID/ns/net ": prefix for the host's iproute2 inside; throws unless running. */
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
	/* Runs a command inside with lxc-attach (the container's busybox: ping and friends). */
	std::string attach_run(const std::string &command) const;
	/* The directory of this container's records under $LXCNET_STATE_DIR, or "" while there is none (names of 200 bytes at most). */
	std::string record_dir() const;

private:
	std::string name_;
	std::string lxcpath_;
	bool owns_lxcpath_ = true;
};

/*
 * Running containers shared by the tests that leave theirs running, started
 * on first use and destroyed at exit. Several, for the tests that spread
 * work over containers; index 0 is the one most tests share.
 */
ScopedContainer &shared_container(size_t index = 0);

/* A network namespace made with `ip netns add`, lo up, deleted (with every device in it) on scope exit. */
class ScopedNetns {
public:
	explicit ScopedNetns(const std::string &tag = "n");
	~ScopedNetns();
	ScopedNetns(const ScopedNetns &) = delete;
	ScopedNetns &operator=(const ScopedNetns &) = delete;
	const std::string &name() const { return name_; }
	std::string path() const { return "/run/netns/" + name_; }
	/* "ip -n NAME ": the host's iproute2 in it. */
	std::string ip() const { return "ip -n " + name_ + " "; }
	/* "ip netns exec NAME ": a prefix for any command, device_state()'s included. */
	std::string inside() const { return "ip netns exec " + name_ + " "; }
	bool alive() const;
	void remove();
	/* A new namespace under the same name (and path), removed like the first. */
	void recreate();

private:
	std::string name_;
	bool removed_ = false;
};

/*
 * A veth pair. Deleting the peer on scope exit also removes the end that
 * went away (into a container, under another name); the end itself is
 * deleted by name too, in case the peer was what moved.
 */
class ScopedVeth {
public:
	/* In the test's own netns, both ends down. index > 0 asks the kernel for that ifindex (to reproduce ifindex reuse). */
	explicit ScopedVeth(const std::string &tag = "v", int index = 0);
	/*
	 * Both ends in a private netns, the peer up so that the device has a
	 * carrier, as a runtime's host device has. fixed_name: a name only a
	 * private namespace may hold ("eth0"), so only this constructor takes one.
	 */
	explicit ScopedVeth(const ScopedNetns &netns, const std::string &tag = "v", const std::string &fixed_name = {});
	~ScopedVeth();
	ScopedVeth(const ScopedVeth &) = delete;
	ScopedVeth &operator=(const ScopedVeth &) = delete;

	const std::string &name() const { return name_; }
	const std::string &peer() const { return peer_; }
	/* The MAC it was made with, or the one configure() gave it. */
	const std::string &mac() const { return mac_; }
	/* "ip " or "ip -n NETNS ": where both ends were made. */
	const std::string &ip() const { return ip_; }
	/* UP, MTU 1400, a fixed MAC, an ifalias, IPv4 and IPv6 addresses and a route through each, all from suite(). */
	void configure(int subnet);

private:
	std::string ip_;
	std::string name_;
	std::string peer_;
	std::string mac_;
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

/* A macvlan (bridge mode) in its parent's netns; deleted on scope exit. */
class ScopedMacvlan {
public:
	/* On a private veth parent of its own. */
	ScopedMacvlan();
	/* On parent; extra: more `ip link add` arguments ("address 02:..."). */
	explicit ScopedMacvlan(const ScopedVeth &parent, const std::string &extra = {});
	~ScopedMacvlan();
	ScopedMacvlan(const ScopedMacvlan &) = delete;
	ScopedMacvlan &operator=(const ScopedMacvlan &) = delete;
	const std::string &name() const { return name_; }

private:
	std::optional<ScopedVeth> own_parent_;
	std::string ip_;
	std::string name_;
};

bool host_has_link(const std::string &dev);
/*
 * dev's master and the settings an administrator gives a bridge port, as
 * `ip -d link` shows them ("master b1 priority 7 cost 42 hairpin on ...");
 * "" for a device that is no port. prefix: as for device_state().
 */
std::string port_state(const std::string &dev, const std::string &prefix = {});
/* ifindex of dev on the host, or 0 if absent. */
int host_ifindex(const std::string &dev);
/* Name of the host link with this MAC, or "" (to find a device that came back under another name). */
std::string host_link_with_mac(const std::string &mac);

/* CI=true: the machine is known to do everything the suite needs, so nothing may be skipped or excused. */
bool under_ci();

/*
 * What a user sees of a device, as one comparable text: admin state, MTU,
 * MAC, alias, its addresses (not the kernel's IPv6 link-local) and the
 * routes through it, with what legitimately changes on a move (ifindex,
 * name, DAD state, lifetimes, linkdown) dropped. `prefix` runs `ip`
 * elsewhere (ScopedContainer::inside(), ScopedNetns::inside()). Throws if
 * dev is absent. python/tests/conftest.py has a twin; both are held to
 * device_state_cases.txt beside this file.
 */
std::string device_state(const std::string &dev, const std::string &prefix = {});

/* The same reading, field by field, for tests that check one value rather than compare the whole. */
struct DeviceFacts {
	bool exists = false; /* the other fields are empty when false */
	int ifindex = 0;
	std::string name;
	bool up = false;
	unsigned mtu = 0;
	std::string mac;
	std::string alias;
	std::vector<std::string> addresses; /* "10.0.0.1/24", sorted, without the kernel's IPv6 link-local */
	std::vector<std::string> routes;    /* "10.2.0.0/24 via 10.1.0.2", sorted, without the kernel's own (proto kernel) */
};
DeviceFacts device_facts(const std::string &dev, const std::string &prefix = {});

/* $name: a program meson built for the suite; throws if unset (the test was not run by meson). */
std::string built_program(const char *name);

} /* namespace lxcnet::test */
