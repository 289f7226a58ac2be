/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lxcnet-cni-bench: what a container runtime pays for lxcnet-cni at pod
 * start, next to Debian's host-device in the same run. Every call is a whole
 * plugin process, exec included, as a runtime starts it: environment, config
 * on stdin, result on stdout. docs/performance.md explains the output.
 *
 *   one cycle:    ADD then DEL of one device into one namespace, interleaved
 *                 with the floor (two raw moves and two starts of an empty
 *                 process), in a freshly shuffled order every cycle;
 *   at once:      W ADDs started together on W devices into W namespaces,
 *                 then W DELs together, against the same W calls one after
 *                 another.
 */
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host.hpp"
#include "rtnl.hpp"

#ifndef LXB_CNI_PLUGIN
#define LXB_CNI_PLUGIN ""
#endif
#ifndef LXB_EMPTY_PROCESS
#define LXB_EMPTY_PROCESS ""
#endif

extern char **environ;

namespace lxb {

namespace {

using Clock = std::chrono::steady_clock;

struct Config {
	unsigned cycles = 100;
	unsigned warmup = 5;
	unsigned width = 30;
	unsigned rounds = 5;
	std::string plugin = LXB_CNI_PLUGIN;
	std::string host_device = "/usr/lib/cni/host-device";
	std::string empty = LXB_EMPTY_PROCESS;
	bool strict = false;
	unsigned long seed = std::random_device{}();
};

[[noreturn]] void usage(int status)
{
	std::fprintf(status ? stderr : stdout,
		     "usage: lxcnet-cni-bench [options]      (as root; see docs/performance.md)\n"
		     "  --cycles N         measured ADD+DEL cycles per contender (default 100)\n"
		     "  --warmup N         unmeasured cycles first (default 5)\n"
		     "  --width W          ADDs (then DELs) started at once (default 30)\n"
		     "  --rounds R         rounds of the at-once and one-after-another runs (default 5)\n"
		     "  --quick            smoke run: 5 cycles, 1 warm-up, width 4, 1 round\n"
		     "  --plugin PATH      lxcnet-cni (default: the one built beside this benchmark)\n"
		     "  --host-device PATH host-device (default /usr/lib/cni/host-device)\n"
		     "  --empty PATH       the empty process of the floor (default: built beside this benchmark)\n"
		     "  --seed S           seed of the per-cycle shuffle\n"
		     "  --strict           exit 3 if a target is missed\n");
	std::exit(status);
}

unsigned number(const char *text)
{
	char *end = nullptr;
	errno = 0;
	unsigned long v = std::strtoul(text, &end, 10);
	if (errno || !end || *end || v == 0 || v > 100000)
		usage(2);
	return static_cast<unsigned>(v);
}

Config parse(int argc, char **argv)
{
	Config c;
	for (int i = 1; i < argc; i++) {
		const std::string a = argv[i];
		auto value = [&]() -> const char * {
			if (i + 1 >= argc)
				usage(2);
			return argv[++i];
		};
		if (a == "--cycles")
			c.cycles = number(value());
		else if (a == "--warmup")
			c.warmup = number(value());
		else if (a == "--width")
			c.width = number(value());
		else if (a == "--rounds")
			c.rounds = number(value());
		else if (a == "--quick")
			c.cycles = 5, c.warmup = 1, c.width = 4, c.rounds = 1;
		else if (a == "--plugin")
			c.plugin = value();
		else if (a == "--host-device")
			c.host_device = value();
		else if (a == "--empty")
			c.empty = value();
		else if (a == "--seed")
			c.seed = std::strtoul(value(), nullptr, 10);
		else if (a == "--strict")
			c.strict = true;
		else if (a == "-h" || a == "--help")
			usage(0);
		else
			usage(2);
	}
	return c;
}

double micros(Clock::duration d)
{
	return std::chrono::duration<double, std::micro>(d).count();
}

double cpu_micros(const rusage &ru)
{
	return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* This process's own CPU: the floor's moves, and what it costs to start and reap a child. */
double self_cpu()
{
	rusage ru{};
	::getrusage(RUSAGE_SELF, &ru);
	return cpu_micros(ru);
}

double percentile(std::vector<double> v, double p)
{
	if (v.empty())
		return 0;
	std::sort(v.begin(), v.end());
	size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
	return v[std::min(v.size() - 1, rank ? rank - 1 : 0)];
}

double median(const std::vector<double> &v)
{
	return percentile(v, 50);
}

/* A memfd that a child reads as stdin or writes as stdout. */
Fd memfd(const char *name, const std::string &content = {})
{
	Fd fd(::memfd_create(name, MFD_CLOEXEC));
	if (!fd.valid())
		throw std::system_error(errno, std::generic_category(), "memfd_create");
	if (!content.empty() && ::write(fd.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size()))
		throw std::system_error(errno, std::generic_category(), "write memfd");
	(void)::lseek(fd.get(), 0, SEEK_SET);
	return fd;
}

std::string read_all(int fd)
{
	std::string out;
	(void)::lseek(fd, 0, SEEK_SET);
	char buf[4096];
	for (ssize_t n; (n = ::read(fd, buf, sizeof(buf))) > 0;)
		out.append(buf, static_cast<size_t>(n));
	return out;
}

/* A plugin process as a runtime starts one: its own environment, config on stdin, stdout and stderr kept for the report. */
struct Child {
	pid_t pid = -1;
	Clock::time_point start, end;
	Fd in, out;
	int status = -1;
	double cpu = 0; /* the child's own user+sys, exec and loading included */
	std::string what;
	bool ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
	double wall() const { return micros(end - start); }
};

void spawn(Child &child, const std::string &path, const std::vector<std::string> &env, const std::string &stdin_data)
{
	child.in = memfd("cni-in", stdin_data);
	child.out = memfd("cni-out");
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, child.in.get(), 0);
	posix_spawn_file_actions_adddup2(&actions, child.out.get(), 1);
	posix_spawn_file_actions_adddup2(&actions, child.out.get(), 2);
	std::vector<char *> envp;
	for (const auto &e : env)
		envp.push_back(const_cast<char *>(e.c_str()));
	envp.push_back(nullptr);
	char *argv[] = {const_cast<char *>(path.c_str()), nullptr};
	child.start = Clock::now();
	int r = ::posix_spawn(&child.pid, path.c_str(), &actions, nullptr, argv, envp.data());
	posix_spawn_file_actions_destroy(&actions);
	if (r != 0)
		throw std::system_error(r, std::generic_category(), "posix_spawn " + path);
}

/* Reaps one of children (any, if pid is -1); returns it. */
Child *reap(std::vector<Child *> &children, pid_t pid = -1)
{
	int status = 0;
	rusage ru{};
	pid_t got;
	while ((got = ::wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR) {
	}
	const auto now = Clock::now();
	if (got < 0)
		throw std::system_error(errno, std::generic_category(), "wait4");
	for (Child *c : children)
		if (c->pid == got) {
			c->end = now;
			c->status = status;
			c->cpu = cpu_micros(ru);
			return c;
		}
	throw std::runtime_error("reaped a process the benchmark did not start");
}

void run_one(Child &child, const std::string &path, const std::vector<std::string> &env, const std::string &stdin_data)
{
	spawn(child, path, env, stdin_data);
	std::vector<Child *> one{&child};
	reap(one, child.pid);
}

/* One host veth end, the namespace it is lent to, and the sockets that check where it is (outside every timed window). */
struct Lane {
	std::string host, peer, netns, netns_path;
	int ifindex = 0;
	Fd netns_fd;
	std::unique_ptr<RtnlSocket> inside;
};

void make_lane(Lane &lane, const std::string &tag)
{
	lane.host = prefix() + tag + "h";
	lane.peer = prefix() + tag + "p";
	lane.netns = prefix() + tag + "n";
	lane.netns_path = "/run/netns/" + lane.netns;
	Janitor::get().peer(lane.peer);
	Janitor::get().netns(lane.netns);
	sh("ip link add " + lane.host + " type veth peer name " + lane.peer);
	sh("ip link set " + lane.peer + " up");
	sh("ip netns add " + lane.netns);
	lane.netns_fd.reset(::open(lane.netns_path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!lane.netns_fd.valid())
		throw std::system_error(errno, std::generic_category(), "open " + lane.netns_path);
	lane.inside = std::make_unique<RtnlSocket>(lane.netns_fd.get());
}

/* Each call is checked after it returns, never inside a timed window: a contender that did nothing cannot look fast. */
void expect(bool inside, Lane &lane, RtnlSocket &host, const std::string &who)
{
	const int in = lane.inside->ifindex_of("eth0");
	const int home = host.ifindex_of(lane.host);
	if (inside ? (in <= 0 || home != -ENODEV) : (in != -ENODEV || home <= 0))
		throw std::runtime_error(who + ": " + lane.host + " is not where it should be after " + (inside ? "ADD" : "DEL"));
}

struct Plugin {
	std::string key, path, type;
	bool preserve = false;
};

std::vector<std::string> cni_env(const std::string &command, const std::string &container_id, const Lane &lane)
{
	std::vector<std::string> env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
					"CNI_COMMAND=" + command,
					"CNI_CONTAINERID=" + container_id,
					"CNI_NETNS=" + lane.netns_path,
					"CNI_IFNAME=eth0",
					"CNI_PATH=/usr/lib/cni"};
	if (const char *state = std::getenv("LXCNET_STATE_DIR"))
		env.push_back(std::string("LXCNET_STATE_DIR=") + state);
	return env;
}

std::string cni_config(const Plugin &p, const Lane &lane)
{
	std::string conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"" + prefix() + "-net\",\"type\":\"" + p.type + "\",\"device\":\"" + lane.host + "\"";
	if (p.preserve)
		conf += ",\"preserve\":true";
	return conf + "}";
}

void require_ok(const Child &c)
{
	if (!c.ok())
		throw std::runtime_error(c.what + " failed (status " + std::to_string(c.status) + "): " + read_all(c.out.get()));
}

struct Samples {
	std::vector<double> wall, cpu, add_wall, del_wall, add_cpu, del_cpu;
};

/* ADD then DEL, each a whole process. */
void plugin_cycle(const Plugin &p, Lane &lane, RtnlSocket &host, Samples *s, unsigned n)
{
	const std::string id = prefix() + "-" + p.key;
	const std::string conf = cni_config(p, lane);
	Child add, del;
	add.what = p.key + " ADD";
	del.what = p.key + " DEL";
	const double cpu0 = self_cpu();
	run_one(add, p.path, cni_env("ADD", id, lane), conf);
	const double cpu1 = self_cpu();
	require_ok(add);
	expect(true, lane, host, add.what + " #" + std::to_string(n));
	const double cpu2 = self_cpu();
	run_one(del, p.path, cni_env("DEL", id, lane), conf);
	const double cpu3 = self_cpu();
	require_ok(del);
	expect(false, lane, host, del.what + " #" + std::to_string(n));
	if (!s)
		return;
	s->add_wall.push_back(add.wall());
	s->del_wall.push_back(del.wall());
	s->add_cpu.push_back(add.cpu + cpu1 - cpu0);
	s->del_cpu.push_back(del.cpu + cpu3 - cpu2);
	s->wall.push_back(add.wall() + del.wall());
	s->cpu.push_back(s->add_cpu.back() + s->del_cpu.back());
}

/*
 * The floor of a cycle: the kernel's move each way (one request, no
 * library) and the start of a process that does nothing, twice. With up,
 * also the one request that brings the device up inside, as every CNI
 * plugin must: the kernel then has an up device to close on the way out.
 */
void floor_cycle(const std::string &empty, Lane &lane, RtnlSocket &host, Fd &host_ns, bool up, Samples *s, unsigned n)
{
	Child first, second;
	first.what = second.what = "empty process";
	const double cpu0 = self_cpu();
	const auto t0 = Clock::now();
	run_one(first, empty, {}, {});
	int r1 = host.move(lane.ifindex, lane.netns_fd.get(), "eth0");
	if (r1 == 0 && up)
		r1 = lane.inside->set_up(lane.ifindex);
	const auto t1 = Clock::now();
	const double cpu1 = self_cpu();
	if (r1 < 0)
		throw std::system_error(-r1, std::generic_category(), "raw move in");
	expect(true, lane, host, "floor #" + std::to_string(n));
	const double cpu2 = self_cpu();
	const auto t2 = Clock::now();
	run_one(second, empty, {}, {});
	int r2 = lane.inside->move(lane.ifindex, host_ns.get(), lane.host);
	const auto t3 = Clock::now();
	const double cpu3 = self_cpu();
	if (r2 < 0)
		throw std::system_error(-r2, std::generic_category(), "raw move out");
	require_ok(first);
	require_ok(second);
	expect(false, lane, host, "floor #" + std::to_string(n));
	if (!s)
		return;
	s->add_wall.push_back(micros(t1 - t0));
	s->del_wall.push_back(micros(t3 - t2));
	s->add_cpu.push_back(first.cpu + cpu1 - cpu0);
	s->del_cpu.push_back(second.cpu + cpu3 - cpu2);
	s->wall.push_back(s->add_wall.back() + s->del_wall.back());
	s->cpu.push_back(s->add_cpu.back() + s->del_cpu.back());
}

struct Burst {
	std::vector<double> makespan; /* one per round */
	std::vector<double> call_wall, call_cpu;
};

/* W calls of one command on W lanes: started together (at_once) or each after the last returned. */
void burst(const Plugin &p, const std::string &command, std::vector<Lane> &lanes, RtnlSocket &host, bool at_once, Burst &b)
{
	std::vector<Child> children(lanes.size());
	std::vector<Child *> pending;
	const auto t0 = Clock::now();
	for (size_t k = 0; k < lanes.size(); k++) {
		Child &c = children[k];
		c.what = p.key + " " + command + " on " + lanes[k].host;
		spawn(c, p.path, cni_env(command, prefix() + "-" + p.key + "-" + std::to_string(k), lanes[k]), cni_config(p, lanes[k]));
		pending.push_back(&c);
		if (!at_once) {
			reap(pending, c.pid);
			pending.clear();
		}
	}
	std::vector<Child *> all;
	for (auto &c : children)
		all.push_back(&c);
	for (size_t left = pending.size(); left > 0; left--)
		reap(all);
	Clock::time_point last = t0;
	for (auto &c : children) {
		last = std::max(last, c.end);
		require_ok(c);
		b.call_wall.push_back(c.wall());
		b.call_cpu.push_back(c.cpu);
	}
	b.makespan.push_back(micros(last - t0));
	for (auto &lane : lanes)
		expect(command == "ADD", lane, host, p.key + " " + command + (at_once ? " at once" : " one after another"));
}

void print_cycle_row(const char *name, const Samples &s)
{
	std::printf("  %-22s %8.0f %8.0f %8.0f %8.0f   %7.0f %7.0f %7.0f\n", name, median(s.add_wall), median(s.del_wall), median(s.wall),
		    percentile(s.wall, 95), median(s.add_cpu), median(s.del_cpu), median(s.cpu));
}

bool verdict(const char *what, double measured, double limit, const char *unit)
{
	const bool met = measured <= limit;
	std::printf("  [%s] %-58s %9.3f%s (limit %.3f%s)\n", met ? "met " : "MISS", what, measured, unit, limit, unit);
	return met;
}

int bench(const Config &cfg)
{
	for (const auto &[what, path] : {std::pair{"lxcnet-cni", cfg.plugin}, {"host-device", cfg.host_device}, {"the empty process", cfg.empty}})
		if (path.empty() || ::access(path.c_str(), X_OK) != 0)
			throw std::runtime_error(std::string(what) + " not found at \"" + path + "\" (see --help)");

	char state_templ[] = "/run/lxb-cni-state.XXXXXX";
	if (!::mkdtemp(state_templ))
		throw std::system_error(errno, std::generic_category(), "mkdtemp under /run");
	Janitor::get().directory(state_templ);
	::setenv("LXCNET_STATE_DIR", state_templ, 1);

	const std::vector<Plugin> plugins = {{"host-device", cfg.host_device, "host-device", false},
					     {"lxcnet-cni", cfg.plugin, "lxcnet-cni", false},
					     {"lxcnet-cni-preserve", cfg.plugin, "lxcnet-cni", true}};
	std::printf("lxcnet-cni-bench: %u cycles (+%u warm-up), %u at once x %u rounds, seed %lu\n", cfg.cycles, cfg.warmup, cfg.width,
		    cfg.rounds, cfg.seed);
	std::printf("  lxcnet-cni:  %s\n  host-device: %s\n  empty:       %s\n", cfg.plugin.c_str(), cfg.host_device.c_str(), cfg.empty.c_str());

	RtnlSocket host;
	Fd host_ns = open_own_netns();
	/* One lane per contender for the cycles: 0 the floor, 1 the floor with the device up inside, then one per plugin. */
	constexpr size_t floors = 2;
	std::vector<Lane> solo(plugins.size() + floors);
	for (size_t k = 0; k < solo.size(); k++) {
		make_lane(solo[k], "s" + std::to_string(k));
		solo[k].ifindex = host.ifindex_of(solo[k].host);
	}
	/* The preserving contender carries what a pod's uplink has: up, an IPv4 and an IPv6 address, a route. */
	Lane &kept = solo[floors + 2];
	sh("ip addr add 10.170.0.1/24 dev " + kept.host);
	sh("ip addr add fd00:170::1/64 dev " + kept.host + " nodad");
	sh("ip link set " + kept.host + " up");
	sh("ip route add 10.171.0.0/24 via 10.170.0.2 dev " + kept.host);

	std::map<std::string, Samples> cycles;
	std::mt19937 shuffle(static_cast<std::mt19937::result_type>(cfg.seed));
	std::vector<size_t> order(solo.size());
	for (size_t k = 0; k < order.size(); k++)
		order[k] = k;
	for (unsigned n = 0; n < cfg.warmup + cfg.cycles; n++) {
		check_stop();
		std::shuffle(order.begin(), order.end(), shuffle);
		const bool measured = n >= cfg.warmup;
		for (size_t k : order) {
			if (k < floors)
				floor_cycle(cfg.empty, solo[k], host, host_ns, k == 1, measured ? &cycles[k ? "floor+up" : "floor"] : nullptr, n);
			else
				plugin_cycle(plugins[k - floors], solo[k], host, measured ? &cycles[plugins[k - floors].key] : nullptr, n);
		}
	}

	std::printf("\none ADD+DEL cycle, whole processes (medians, us; p95 of the cycle)\n");
	std::printf("  %-22s %8s %8s %8s %8s   %7s %7s %7s\n", "", "ADD", "DEL", "cycle", "p95", "ADD cpu", "DEL cpu", "cyc cpu");
	print_cycle_row("floor (2 moves+2 exec)", cycles["floor"]);
	print_cycle_row("floor+up (ref)", cycles["floor+up"]);
	for (const auto &p : plugins)
		print_cycle_row(p.key.c_str(), cycles[p.key]);

	/* The at-once and one-after-another runs, on lanes of their own, bare (host-device has no preservation). */
	std::vector<Lane> wide(cfg.width);
	for (unsigned k = 0; k < cfg.width; k++)
		make_lane(wide[k], "w" + std::to_string(k));
	std::map<std::string, Burst> bursts;
	for (unsigned round = 0; round < cfg.rounds; round++) {
		std::vector<std::pair<size_t, bool>> runs = {{0, true}, {0, false}, {1, true}, {1, false}};
		std::shuffle(runs.begin(), runs.end(), shuffle);
		for (const auto &[which, at_once] : runs) {
			check_stop();
			const Plugin &p = plugins[which];
			const std::string how = at_once ? " at once" : " one after another";
			burst(p, "ADD", wide, host, at_once, bursts[p.key + " ADD" + how]);
			burst(p, "DEL", wide, host, at_once, bursts[p.key + " DEL" + how]);
		}
	}
	std::printf("\n%u calls at once vs one after another (makespan: median over %u rounds, ms; per call: us over every call)\n", cfg.width,
		    cfg.rounds);
	std::printf("  %-36s %9s %9s %9s %9s\n", "", "makespan", "call p50", "call p99", "cpu p50");
	for (const auto &p : {plugins[0], plugins[1]})
		for (const char *cmd : {"ADD", "DEL"})
			for (const char *how : {" at once", " one after another"}) {
				const std::string key = p.key + " " + cmd + how;
				const Burst &b = bursts[key];
				std::printf("  %-36s %9.1f %9.0f %9.0f %9.0f\n", key.c_str(), median(b.makespan) / 1000, percentile(b.call_wall, 50),
					    percentile(b.call_wall, 99), percentile(b.call_cpu, 50));
			}

	std::printf("\ntargets\n");
	bool all = true;
	const Samples &hd = cycles["host-device"], &lx = cycles["lxcnet-cni"], &fl = cycles["floor"];
	all &= verdict("CPU of a cycle: lxcnet-cni / host-device", median(lx.cpu) / median(hd.cpu), 0.5, "x");
	all &= verdict("wall of a cycle: lxcnet-cni / floor", median(lx.wall) / median(fl.wall), 1.1, "x");
	std::printf("  [ref ] %-58s %9.3fx\n", "wall of a cycle: host-device / floor", median(hd.wall) / median(fl.wall));
	std::printf("  [ref ] %-58s %9.3fx\n", "wall of a cycle: lxcnet-cni / floor+up", median(lx.wall) / median(cycles["floor+up"].wall));
	std::printf("  [ref ] %-58s %9.3fx\n", "wall of a cycle: floor+up / floor", median(cycles["floor+up"].wall) / median(fl.wall));
	std::printf("  [ref ] %-58s %9.3fx\n", "wall of a cycle, mean: lxcnet-cni / floor",
		    (std::accumulate(lx.wall.begin(), lx.wall.end(), 0.0) / static_cast<double>(lx.wall.size())) /
			    (std::accumulate(fl.wall.begin(), fl.wall.end(), 0.0) / static_cast<double>(fl.wall.size())));
	for (const char *cmd : {"ADD", "DEL"}) {
		const std::string c = cmd;
		const double ours = median(bursts["lxcnet-cni " + c + " at once"].makespan);
		all &= verdict(("lxcnet-cni " + c + " at once / one after another").c_str(),
			       ours / median(bursts["lxcnet-cni " + c + " one after another"].makespan), 1.0, "x");
		all &= verdict(("lxcnet-cni " + c + " at once / host-device at once").c_str(),
			       ours / median(bursts["host-device " + c + " at once"].makespan), 1.0, "x");
	}
	std::printf("  every call succeeded and was checked: %zu cycles, %zu calls at once or in a row\n",
		    cycles.size() * cfg.cycles, static_cast<size_t>(cfg.width) * 8 * cfg.rounds);
	return all || !cfg.strict ? 0 : 3;
}

} /* namespace */

} /* namespace lxb */

int main(int argc, char **argv)
{
	using namespace lxb;
	const Config cfg = parse(argc, argv);
	if (::geteuid() != 0) {
		std::fprintf(stderr, "lxcnet-cni-bench: needs root\n");
		return 77;
	}
	install_signal_handlers();
	int status = 1;
	try {
		status = bench(cfg);
	} catch (const Interrupted &i) {
		std::fprintf(stderr, "lxcnet-cni-bench: interrupted by signal %d\n", i.signal);
		status = 128 + i.signal;
	} catch (const std::exception &e) {
		std::fprintf(stderr, "lxcnet-cni-bench: %s\n", e.what());
	}
	Janitor::get().cleanup();
	return status;
}
