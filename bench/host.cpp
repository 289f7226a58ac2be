/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "host.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <lxc/lxccontainer.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PIDFD_GET_NET_NAMESPACE
/* linux/pidfd.h has it since 6.11; Debian 12's headers are older than the kernel. */
#define PIDFD_GET_NET_NAMESPACE _IO(0xFF, 4)
#endif

namespace lxb {

namespace {

volatile std::sig_atomic_t caught_signal = 0;

void on_signal(int sig)
{
	caught_signal = sig;
}

/* A link group of our own: one RTM_DELLINK removes thousands of idle pairs, where one per pair costs a 16 ms RCU wait each. */
unsigned idle_group()
{
	return 0x6c000000u | static_cast<unsigned>(::getpid() & 0xffffff);
}

std::string idle_name(unsigned k, char end)
{
	return prefix() + "i" + std::to_string(k) + end;
}

std::string write_temp(const std::string &text)
{
	char path[] = "/tmp/lxb-bench-batch.XXXXXX";
	int fd = ::mkstemp(path);
	if (fd < 0)
		throw std::system_error(errno, std::generic_category(), "mkstemp");
	Fd file(fd);
	size_t done = 0;
	while (done < text.size()) {
		ssize_t n = ::write(fd, text.data() + done, text.size() - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			::unlink(path);
			throw std::system_error(e, std::generic_category(), "write batch file");
		}
		done += static_cast<size_t>(n);
	}
	return path;
}

/* `ip -batch` with a temporary file: thousands of links in one process instead of thousands of processes. */
int ip_batch(const std::string &lines, bool force, std::string *output = nullptr)
{
	const std::string path = write_temp(lines);
	int status = run(std::string("ip ") + (force ? "-force " : "") + "-batch " + quote(path), output);
	::unlink(path.c_str());
	return status;
}

} /* namespace */

void install_signal_handlers()
{
	struct sigaction sa {};
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (int sig : {SIGINT, SIGTERM, SIGHUP})
		::sigaction(sig, &sa, nullptr);
}

void check_stop()
{
	if (caught_signal)
		throw Interrupted{caught_signal};
}

int run(const std::string &command, std::string *output)
{
	FILE *pipe = ::popen((command + " 2>&1").c_str(), "r");
	if (!pipe)
		throw std::system_error(errno, std::generic_category(), "popen " + command);
	std::array<char, 4096> buf;
	size_t n;
	std::string out;
	while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0)
		out.append(buf.data(), n);
	int status = ::pclose(pipe);
	if (output)
		*output = std::move(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::string sh(const std::string &command)
{
	std::string out;
	if (int status = run(command, &out); status != 0)
		throw std::runtime_error("`" + command + "` exited with " + std::to_string(status) + ": " + out);
	return out;
}

std::string quote(const std::string &word)
{
	std::string out = "'";
	for (char ch : word)
		out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
	return out + "'";
}

const std::string &prefix()
{
	static const std::string p = "lxb" + std::to_string(::getpid() % 100000);
	return p;
}

Janitor &Janitor::get()
{
	static Janitor janitor;
	return janitor;
}

void Janitor::container(const std::string &lxcpath, const std::string &name)
{
	lxcpath_ = lxcpath;
	name_ = name;
}

void Janitor::peer(const std::string &host_name)
{
	peers_.push_back(host_name);
}

void Janitor::directory(const std::string &path)
{
	dirs_.push_back(path);
}

void Janitor::netns(const std::string &name)
{
	netns_.push_back(name);
}

void Janitor::add_idle_pairs(unsigned total)
{
	if (total <= idle_)
		return;
	std::string lines;
	const std::string group = std::to_string(idle_group());
	for (unsigned k = idle_; k < total; k++)
		lines += "link add " + idle_name(k, 'a') + " group " + group + " type veth peer name " + idle_name(k, 'b') +
			 " group " + group + "\n";
	idle_ = total; /* before creating: a half-done batch still has to be removed */
	std::string out;
	if (ip_batch(lines, false, &out) != 0)
		throw std::runtime_error("creating idle veth pairs failed: " + out);
}

void Janitor::remove_idle_pairs() noexcept
{
	if (!idle_)
		return;
	try {
		/* Deleting by group is safe only if the group holds nothing but ours: check every member first. */
		std::string listing;
		const std::string group = std::to_string(idle_group());
		bool only_ours = run("ip -o link show group " + group, &listing) == 0;
		std::istringstream in(listing);
		for (std::string line; only_ours && std::getline(in, line);) {
			size_t start = line.find(": ");
			if (start == std::string::npos)
				continue;
			std::string name = line.substr(start + 2, line.find_first_of("@:", start + 2) - start - 2);
			if (name.rfind(prefix() + "i", 0) != 0)
				only_ours = false;
		}
		if (only_ours && run("ip link del group " + group) == 0) {
			idle_ = 0;
			return;
		}
		std::string lines;
		for (unsigned k = 0; k < idle_; k++)
			lines += "link del " + idle_name(k, 'a') + "\n";
		(void)ip_batch(lines, true);
		idle_ = 0;
	} catch (...) {
		std::fprintf(stderr, "lxcnet-bench: could not remove the idle veth pairs %si*: remove them by hand\n", prefix().c_str());
	}
}

void Janitor::cleanup() noexcept
{
	try {
		if (!peers_.empty()) {
			std::string lines;
			for (const auto &p : peers_)
				lines += "link del " + p + "\n";
			(void)ip_batch(lines, true);
			peers_.clear();
		}
		remove_idle_pairs();
		if (!netns_.empty()) {
			std::string lines;
			for (const auto &n : netns_)
				lines += "netns del " + n + "\n";
			(void)ip_batch(lines, true);
			netns_.clear();
		}
		if (!name_.empty()) {
			(void)run("lxc-stop -k -P " + quote(lxcpath_) + " -n " + quote(name_));
			(void)run("lxc-destroy -f -P " + quote(lxcpath_) + " -n " + quote(name_));
			name_.clear();
		}
		for (const auto &d : dirs_)
			(void)run("rm -rf " + quote(d));
		dirs_.clear();
	} catch (...) {
		std::fprintf(stderr, "lxcnet-bench: cleanup failed; look for links, containers and directories named %s*\n",
			     prefix().c_str());
	}
}

BenchContainer::BenchContainer()
{
	char templ[] = "/tmp/lxb-bench-lxc.XXXXXX";
	if (!::mkdtemp(templ))
		throw std::system_error(errno, std::generic_category(), "mkdtemp");
	lxcpath = templ;
	name = prefix() + "box";
	Janitor::get().directory(lxcpath);
	const std::string conf = lxcpath + "/bench.conf";
	sh("printf '%s\\n' 'lxc.net.0.type = empty' 'lxc.apparmor.profile = unconfined' > " + quote(conf));
	Janitor::get().container(lxcpath, name);
	sh("lxc-create -P " + quote(lxcpath) + " -n " + quote(name) + " -t busybox -f " + quote(conf));
	sh("lxc-start -P " + quote(lxcpath) + " -n " + quote(name));
	sh("lxc-wait -P " + quote(lxcpath) + " -n " + quote(name) + " -s RUNNING -t 20");

	c = lxc_container_new(name.c_str(), lxcpath.c_str());
	if (!c || !c->is_running(c))
		throw std::runtime_error("container " + name + " is not running");
	init_pid = c->init_pid(c);
	Fd pidfd(c->init_pidfd(c));
	int ns = pidfd.valid() ? ::ioctl(pidfd.get(), PIDFD_GET_NET_NAMESPACE, 0) : -1;
	if (ns < 0)
		ns = ::open(("/proc/" + std::to_string(init_pid) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		throw std::system_error(errno, std::generic_category(), "open the container's netns");
	netns.reset(ns);
}

BenchContainer::~BenchContainer()
{
	if (c)
		lxc_container_put(c);
}

Veth::Veth(const std::string &tag) : host(prefix() + "h" + tag), peer(prefix() + "q" + tag), inside(prefix() + "c" + tag)
{
	if (host.size() > 15)
		throw std::logic_error("interface name too long: " + host);
	Janitor::get().peer(peer);
	sh("ip link add " + host + " type veth peer name " + peer);
	ifindex = static_cast<int>(::if_nametoindex(host.c_str()));
	if (!ifindex)
		throw std::system_error(errno, std::generic_category(), "if_nametoindex " + host);
}

unsigned subnet(unsigned which)
{
	return static_cast<unsigned>(::getpid() % 80) + 1 + 85 * which; /* three subnets, each within 1..250 */
}

void configure_preserved(const Veth &veth, unsigned subnet_n)
{
	const std::string n = std::to_string(subnet_n);
	sh("ip link set " + veth.peer + " up");
	sh("ip link set " + veth.host + " up");
	sh("ip addr add 198.18." + n + ".1/24 dev " + veth.host);
	sh("ip addr add 2001:2:0:" + n + "::1/64 dev " + veth.host);
	sh("ip route add 198.19." + n + ".0/24 via 198.18." + n + ".2 dev " + veth.host);
}

std::string config_of(const std::string &dev, unsigned subnet_n, const std::string &ns_prefix)
{
	const std::string n = std::to_string(subnet_n);
	std::string out;
	const std::string link = sh(ns_prefix + "ip -o link show dev " + dev);
	out += link.find(",UP") != std::string::npos || link.find("<UP") != std::string::npos ? "up" : "down";
	const std::string addrs = sh(ns_prefix + "ip -o addr show dev " + dev);
	for (const std::string &want : {"198.18." + n + ".1/24", "2001:2:0:" + n + "::1/64"})
		if (addrs.find(want) != std::string::npos)
			out += " " + want;
	const std::string routes = sh(ns_prefix + "ip -4 route show dev " + dev);
	if (routes.find("198.19." + n + ".0/24 via 198.18." + n + ".2") != std::string::npos)
		out += " route:198.19." + n + ".0/24";
	return out;
}

} /* namespace lxb */
