/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>
#include <vector>

#include "rtnl.hpp"

struct lxc_container;

namespace lxb {

/* Set by SIGINT/SIGTERM/SIGHUP; long loops call check_stop() so cleanup runs through the normal unwinding. */
void install_signal_handlers();
void check_stop();
struct Interrupted {
	int signal;
};

/* Shell helpers for setup and teardown only: a child's exit right before a move would lengthen that move. */
int run(const std::string &command, std::string *output = nullptr);
std::string sh(const std::string &command);
std::string quote(const std::string &word);

/* "lxb" plus this process's id: every name the benchmark creates starts with it. */
const std::string &prefix();

/*
 * Everything the benchmark creates on the machine, removed by cleanup() at
 * the end, on failure and after a signal. Veths are deleted through the end
 * that never leaves the host, which takes the other end with it wherever it
 * is; stopping the container would also take any end still inside.
 */
class Janitor {
public:
	static Janitor &get();
	void container(const std::string &lxcpath, const std::string &name);
	void peer(const std::string &host_name); /* a veth end that always stays on the host */
	void directory(const std::string &path);
	void netns(const std::string &name); /* made with `ip netns add`; deleted after the peers */
	void cleanup() noexcept;

	/* Idle veth pairs: all in one private link group so they go in one RTM_DELLINK. */
	void add_idle_pairs(unsigned total);
	void remove_idle_pairs() noexcept;

private:
	std::string lxcpath_, name_;
	std::vector<std::string> peers_, dirs_, netns_;
	unsigned idle_ = 0;
};

/* A started busybox container in a private lxcpath; stopped and destroyed by the Janitor. */
struct BenchContainer {
	BenchContainer();
	~BenchContainer();
	BenchContainer(const BenchContainer &) = delete;
	BenchContainer &operator=(const BenchContainer &) = delete;

	std::string lxcpath, name;
	lxc_container *c = nullptr;
	Fd netns; /* the container's, opened once: the raw floor must not pay for finding it */
	int init_pid = 0;
};

/* A veth pair for one contender: `host` moves, `peer` stays on the host so deleting it always removes both. */
struct Veth {
	Veth(const std::string &tag);
	std::string host, peer, inside;
	int ifindex = 0;
};

/* A /24 of the benchmarking ranges (RFC 2544, RFC 5180) per configured device: 198.18.N.1, 2001:2:0:N::1, route 198.19.N/24. */
unsigned subnet(unsigned which);
/* Up, the IPv4 and IPv6 address of subnet n and a route through it. */
void configure_preserved(const Veth &veth, unsigned n);
/* A short description of what iproute2 sees of dev's configuration in subnet n, for the sanity check. */
std::string config_of(const std::string &dev, unsigned n, const std::string &ns_prefix = {});

} /* namespace lxb */
