/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "support.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lxcnet::test {

Result run(const std::string &command, bool with_stderr)
{
	Result result;
	std::string full = command + (with_stderr ? " 2>&1" : " 2>/dev/null");
	FILE *pipe = ::popen(full.c_str(), "r");
	if (!pipe)
		throw std::runtime_error("popen failed: " + command);
	std::array<char, 4096> buf;
	size_t n;
	while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0)
		result.out.append(buf.data(), n);
	int status = ::pclose(pipe);
	result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	return result;
}

std::string sh(const std::string &command)
{
	Result r = run(command, true);
	if (r.status != 0)
		throw std::runtime_error("`" + command + "` failed with " + std::to_string(r.status) + ": " + r.out);
	return r.out;
}

std::string quote(const std::string &word)
{
	std::string out = "'";
	for (char c : word)
		out += c == '\'' ? std::string("'\\''") : std::string(1, c);
	return out + "'";
}

std::string unique_name(const std::string &tag)
{
	static std::atomic<unsigned> counter;
	std::string name = suite().root + tag + std::to_string(::getpid() % 10000) + "x" + std::to_string(counter++);
	if (name.size() > 14)
		throw std::logic_error("test name too long: " + name);
	return name;
}

unsigned long own_netns_inode()
{
	struct stat st;
	if (::stat("/proc/thread-self/ns/net", &st) < 0)
		throw std::runtime_error("stat /proc/thread-self/ns/net");
	return st.st_ino;
}

StateDir::StateDir()
{
	char templ[] = "/tmp/lxcnet-state.XXXXXX";
	if (!::mkdtemp(templ))
		throw std::runtime_error("mkdtemp");
	path_ = templ;
	if (const char *old = std::getenv("LXCNET_STATE_DIR"))
		replaced_ = old;
	::setenv("LXCNET_STATE_DIR", path_.c_str(), 1);
}

StateDir::~StateDir()
{
	if (replaced_)
		::setenv("LXCNET_STATE_DIR", replaced_->c_str(), 1);
	else
		::unsetenv("LXCNET_STATE_DIR");
	(void)run("rm -rf " + quote(path_));
}

std::vector<std::string> StateDir::files() const
{
	std::vector<std::string> out;
	std::string list = run("cd " + quote(path_) + " && find . -type f ! -name '.lock.*' | sort").out;
	size_t start = 0;
	for (size_t nl; (nl = list.find('\n', start)) != std::string::npos; start = nl + 1)
		out.push_back(list.substr(start + 2, nl - start - 2));
	return out;
}

ScopedContainer::ScopedContainer(bool start_now, const std::string &extra_config, const std::string &name,
				 const ScopedContainer *beside)
{
	if (!name.empty() && name.compare(0, suite().root.size(), suite().root) != 0)
		throw std::logic_error("test container name without the suite's prefix: " + name);
	if (beside) {
		lxcpath_ = beside->lxcpath_;
		owns_lxcpath_ = false;
	} else {
		std::string templ = "/tmp/" + suite().root + "-lxc.XXXXXX";
		if (!::mkdtemp(templ.data()))
			throw std::runtime_error("mkdtemp");
		lxcpath_ = templ;
	}
	name_ = unique_name("c");
	const std::string conf = lxcpath_ + "/lxcnet-test.conf";
	sh("printf '%s\\n' 'lxc.net.0.type = empty' 'lxc.apparmor.profile = unconfined' > " + quote(conf));
	try {
		sh("lxc-create -P " + quote(lxcpath_) + " -n " + quote(name_) + " -t busybox -f " + quote(conf));
		if (!name.empty() && name != name_) {
			/* A container is its directory: renamed with it, and its rootfs path with it. */
			sh("mv " + quote(lxcpath_ + "/" + name_) + " " + quote(lxcpath_ + "/" + name));
			sh("sed -i " + quote("s#" + lxcpath_ + "/" + name_ + "/#" + lxcpath_ + "/" + name + "/#g") + " " +
			   quote(lxcpath_ + "/" + name + "/config"));
			name_ = name;
		}
		if (!extra_config.empty())
			sh("printf '%s\\n' " + quote(extra_config) + " >> " + quote(lxcpath_ + "/" + name_ + "/config"));
		if (start_now)
			start();
	} catch (...) {
		(void)run("lxc-destroy -f -P " + quote(lxcpath_) + " -n " + quote(name_));
		if (owns_lxcpath_)
			(void)run("rm -rf " + quote(lxcpath_));
		throw;
	}
}

ScopedContainer::~ScopedContainer()
{
	(void)run("lxc-stop -k -P " + quote(lxcpath_) + " -n " + quote(name_));
	(void)run("lxc-destroy -f -P " + quote(lxcpath_) + " -n " + quote(name_));
	if (owns_lxcpath_)
		(void)run("rm -rf " + quote(lxcpath_));
}

void ScopedContainer::start()
{
	sh("lxc-start -P " + quote(lxcpath_) + " -n " + quote(name_));
	sh("lxc-wait -P " + quote(lxcpath_) + " -n " + quote(name_) + " -s RUNNING -t 20");
}

void ScopedContainer::stop()
{
	sh("lxc-stop -P " + quote(lxcpath_) + " -n " + quote(name_) + " -t 10");
}

void ScopedContainer::kill()
{
	sh("lxc-stop -k -P " + quote(lxcpath_) + " -n " + quote(name_));
}

bool ScopedContainer::running() const
{
	return run("lxc-info -P " + quote(lxcpath_) + " -n " + quote(name_) + " -sH").out.find("RUNNING") == 0;
}

int ScopedContainer::init_pid() const
{
	auto r = run("lxc-info -P " + quote(lxcpath_) + " -n " + quote(name_) + " -pH");
	return r.status == 0 && !r.out.empty() ? std::atoi(r.out.c_str()) : 0;
}

std::string ScopedContainer::inside() const
{
	const int pid = init_pid();
	if (pid <= 0)
		throw std::runtime_error("container " + name_ + " is not running");
	return "nsenter --net=/proc/" + std::to_string(pid) + "/ns/net ";
}

namespace {

/* `ip -o link` lines: "7: eth1@if6: <...>" (a veth's name carries its peer's index after '@'). */
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

/* Through links() rather than `ip link show dev`: /sys under nsenter --net would still show the host's devices. */
bool ScopedContainer::has_link(const std::string &dev) const
{
	return links().count(dev) != 0;
}

int ScopedContainer::ifindex_of(const std::string &dev) const
{
	auto all = links();
	auto it = all.find(dev);
	return it == all.end() ? 0 : it->second;
}

std::map<std::string, int> ScopedContainer::links() const
{
	return parse_links(sh(inside() + "ip -o link show"));
}

std::string ScopedContainer::link_with_mac(const std::string &mac) const
{
	return link_with_mac_in(sh(inside() + "ip -o link show"), mac);
}

unsigned long ScopedContainer::netns_inode() const
{
	struct stat st;
	const std::string path = "/proc/" + std::to_string(init_pid()) + "/ns/net";
	if (::stat(path.c_str(), &st) < 0)
		throw std::runtime_error("stat " + path);
	return st.st_ino;
}

std::string ScopedContainer::attach_run(const std::string &command) const
{
	return sh("lxc-attach -P " + quote(lxcpath_) + " -n " + quote(name_) + " -- " + command);
}

std::string ScopedContainer::record_dir() const
{
	const char *state = std::getenv("LXCNET_STATE_DIR");
	if (!state)
		return {};
	std::unique_ptr<DIR, int (*)(DIR *)> dir(::opendir(state), ::closedir);
	if (!dir)
		return {};
	while (dirent *e = ::readdir(dir.get()))
		if (std::strncmp(e->d_name, (name_ + "@").c_str(), name_.size() + 1) == 0)
			return std::string(state) + "/" + e->d_name;
	return {};
}

ScopedContainer &shared_container(size_t index)
{
	/* A deque: growing it never moves the containers already handed out. */
	static std::mutex lock;
	static std::deque<std::unique_ptr<ScopedContainer>> containers;
	std::lock_guard<std::mutex> guard(lock);
	while (containers.size() <= index)
		containers.push_back(std::make_unique<ScopedContainer>());
	return *containers[index];
}

ScopedNetns::ScopedNetns(const std::string &tag) : name_(unique_name(tag))
{
	sh("ip netns add " + name_);
	try {
		sh(ip() + "link set lo up");
	} catch (...) {
		remove();
		throw;
	}
}

ScopedNetns::~ScopedNetns()
{
	remove();
}

bool ScopedNetns::alive() const
{
	return !removed_ && ::access(path().c_str(), F_OK) == 0;
}

void ScopedNetns::remove()
{
	if (!removed_)
		(void)run("ip netns del " + name_);
	removed_ = true;
}

void ScopedNetns::recreate()
{
	remove();
	sh("ip netns add " + name_);
	removed_ = false;
}

namespace {

std::string mac_of(const std::string &ip, const std::string &dev)
{
	std::smatch m;
	const std::string link = sh(ip + "-o link show dev " + quote(dev));
	return std::regex_search(link, m, std::regex("link/ether ([0-9a-f:]+)")) ? m[1].str() : std::string();
}

} /* namespace */

ScopedVeth::ScopedVeth(const std::string &tag, int index) : ip_("ip "), name_(unique_name(tag)), peer_(name_ + "p")
{
	sh(ip_ + "link add " + name_ + (index > 0 ? " index " + std::to_string(index) : "") + " type veth peer name " + peer_);
	mac_ = mac_of(ip_, name_);
}

/* The peer gets a name of its own: name_ + "p" would be "eth0p", which carries no suite prefix. */
ScopedVeth::ScopedVeth(const ScopedNetns &netns, const std::string &tag, const std::string &fixed_name)
	: ip_(netns.ip()), name_(fixed_name.empty() ? unique_name(tag) : fixed_name), peer_(unique_name("p"))
{
	sh(ip_ + "link add " + name_ + " type veth peer name " + peer_);
	try {
		sh(ip_ + "link set " + peer_ + " up");
		mac_ = mac_of(ip_, name_);
	} catch (...) {
		(void)run(ip_ + "link del " + quote(peer_));
		throw;
	}
}

ScopedVeth::~ScopedVeth()
{
	(void)run(ip_ + "link del " + quote(peer_));
	(void)run(ip_ + "link del " + quote(name_));
}

void ScopedVeth::configure(int subnet)
{
	const Suite &s = suite();
	const std::string n = std::to_string(subnet), net = std::to_string(s.net), routed = std::to_string(s.net + 1);
	char mac[32];
	std::snprintf(mac, sizeof(mac), "02:00:%02x:%02x:%02x:01", s.net & 0xff, (subnet >> 8) & 0xff, subnet & 0xff);
	mac_ = mac;
	sh(ip_ + "link set " + name_ + " mtu 1400 address " + mac_);
	sh(ip_ + "link set " + name_ + " alias " + quote(s.root + " test " + n));
	sh(ip_ + "addr add 10." + net + "." + n + ".1/24 dev " + name_);
	sh(ip_ + "addr add fd00:" + net + ":" + n + "::1/64" + (s.dad ? "" : " nodad") + " dev " + name_);
	sh(ip_ + "link set " + name_ + " up");
	sh(ip_ + "link set " + peer_ + " up");
	sh(ip_ + "route add 10." + routed + "." + n + ".0/24 via 10." + net + "." + n + ".2 dev " + name_);
	sh(ip_ + "-6 route add fd00:" + routed + ":" + n + "::/64 via fd00:" + net + ":" + n + "::2 dev " + name_);
}

ScopedBridge::ScopedBridge() : name_(unique_name("b"))
{
	sh("ip link add " + name_ + " type bridge");
}

ScopedBridge::~ScopedBridge()
{
	(void)run("ip link del " + quote(name_));
}

ScopedMacvlan::ScopedMacvlan() : own_parent_(std::in_place), ip_(own_parent_->ip()), name_(unique_name("m"))
{
	sh(ip_ + "link add " + name_ + " link " + own_parent_->name() + " type macvlan mode bridge");
}

ScopedMacvlan::ScopedMacvlan(const ScopedVeth &parent, const std::string &extra) : ip_(parent.ip()), name_(unique_name("m"))
{
	sh(ip_ + "link add " + name_ + " link " + parent.name() + (extra.empty() ? "" : " " + extra) + " type macvlan mode bridge");
}

ScopedMacvlan::~ScopedMacvlan()
{
	(void)run(ip_ + "link del " + quote(name_));
}

bool host_has_link(const std::string &dev)
{
	return host_ifindex(dev) != 0;
}

std::string port_state(const std::string &dev, const std::string &prefix)
{
	const std::string link = sh(prefix + "ip -d -o link show dev " + quote(dev));
	std::smatch m;
	if (!std::regex_search(link, m, std::regex(" master ([^ ]+) ")))
		return {};
	std::string out = "master " + m[1].str();
	for (const char *key : {"priority", "cost", "hairpin", "guard", "root_block", "fastleave", "learning", "flood"})
		if (std::regex_search(link, m, std::regex(std::string("bridge_slave .* ") + key + " ([^ ]+)")))
			out += std::string(" ") + key + " " + m[1].str();
	return out;
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

bool under_ci()
{
	const char *ci = std::getenv("CI");
	return ci && std::strcmp(ci, "true") == 0;
}

namespace {

std::vector<std::string> lines_of(const std::string &text)
{
	std::vector<std::string> lines;
	std::istringstream in(text);
	for (std::string line; std::getline(in, line);)
		if (!line.empty())
			lines.push_back(line);
	return lines;
}

} /* namespace */

std::string replace_all(std::string text, const std::string &from, const std::string &to)
{
	for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size())
		text.replace(pos, from.size(), to);
	return text;
}

namespace {

/* What iproute2 says of a device: its `ip -o` link line, address lines and route lines; empty link if it is absent. */
struct Reading {
	std::string link;
	std::vector<std::string> addrs;
	std::vector<std::string> routes;
};

Reading read_device(const std::string &dev, const std::string &prefix, bool must_exist)
{
	Reading r;
	Result link = run(prefix + "ip -o link show dev " + quote(dev), true);
	if (link.status != 0) {
		if (must_exist)
			throw std::runtime_error("no device " + dev + ": " + link.out);
		return r;
	}
	r.link = link.out;
	r.addrs = lines_of(sh(prefix + "ip -o addr show dev " + quote(dev)));
	for (const char *family : {"-4", "-6"})
		for (auto &line : lines_of(sh(prefix + "ip " + family + " route show dev " + quote(dev))))
			r.routes.push_back(std::move(line));
	return r;
}

/* "inet6 fd00::1/64 ... scope global ... \": family, address, the words before and after the scope, the scope. */
const std::regex &addr_re()
{
	static const std::regex re("(inet6?) (\\S+)(.*?)scope (\\S+)(.*?)\\\\");
	return re;
}

bool kernel_link_local(const std::smatch &m)
{
	return m[1] == "inet6" && m[4] == "link";
}

} /* namespace */

std::string device_state(const std::string &dev, const std::string &prefix)
{
	const Reading r = read_device(dev, prefix, true);
	std::string out;
	std::smatch m;
	if (std::regex_search(r.link, m, std::regex("<([^>]*)>")))
		out += std::string("admin ") + (std::regex_search(m[1].str(), std::regex("(^|,)UP(,|$)")) ? "up" : "down") + "\n";
	if (std::regex_search(r.link, m, std::regex(" mtu ([0-9]+)")))
		out += "mtu " + m[1].str() + "\n";
	if (std::regex_search(r.link, m, std::regex("link/ether ([0-9a-f:]+)")))
		out += "mac " + m[1].str() + "\n";
	/* `ip -o` ends each attribute with a backslash and the record with a newline, which `$` would not match before. */
	if (std::regex_search(r.link, m, std::regex("\\\\    alias ([^\n]*)")))
		out += "alias " + m[1].str() + "\n";

	std::vector<std::string> items;
	for (const auto &line : r.addrs) {
		if (!std::regex_search(line, m, addr_re()) || kernel_link_local(m))
			continue;
		std::string rest = std::regex_replace(m[3].str() + m[5].str(), std::regex("\\b(tentative|dadfailed|optimistic)\\b"), "");
		rest = replace_all(rest, dev, "DEV"); /* a label carries the device's name, which a move may change */
		items.push_back(std::regex_replace("addr " + m[1].str() + " " + m[2].str() + rest + " scope " + m[4].str(), std::regex("\\s+"), " "));
	}
	for (auto line : r.routes) {
		if (line.rfind("fe80::/64", 0) == 0)
			continue;
		line = std::regex_replace(line, std::regex("\\b(linkdown)\\b"), "");
		items.push_back("route " + std::regex_replace(line, std::regex("\\s+"), " "));
	}
	for (auto &item : items)
		item.erase(item.find_last_not_of(' ') + 1); /* where a dropped word ended the line */
	std::sort(items.begin(), items.end());
	for (const auto &item : items)
		out += item + "\n";
	return out;
}

DeviceFacts device_facts(const std::string &dev, const std::string &prefix)
{
	DeviceFacts facts;
	const Reading r = read_device(dev, prefix, false);
	std::smatch m;
	if (!std::regex_search(r.link, m, std::regex("^([0-9]+): ([^:@ ]+)[@:]")))
		return facts;
	facts.exists = true;
	facts.ifindex = std::stoi(m[1].str());
	facts.name = m[2].str();
	if (std::regex_search(r.link, m, std::regex("<([^>]*)>")))
		facts.up = std::regex_search(m[1].str(), std::regex("(^|,)UP(,|$)"));
	if (std::regex_search(r.link, m, std::regex(" mtu ([0-9]+)")))
		facts.mtu = static_cast<unsigned>(std::stoul(m[1].str()));
	if (std::regex_search(r.link, m, std::regex("link/\\S+ ([0-9a-f:]+)")))
		facts.mac = m[1].str();
	if (std::regex_search(r.link, m, std::regex("\\\\    alias ([^\n]*)")))
		facts.alias = m[1].str();
	for (const auto &line : r.addrs)
		if (std::regex_search(line, m, addr_re()) && !kernel_link_local(m))
			facts.addresses.push_back(m[2].str());
	for (const auto &line : r.routes) {
		if (std::regex_search(line, std::regex(" proto kernel( |$)")))
			continue;
		if (!std::regex_search(line, m, std::regex("^(\\S+)(?: via (?:inet6? )?(\\S+))?")))
			continue;
		facts.routes.push_back(m[1].str() + (m[2].matched ? " via " + m[2].str() : ""));
	}
	std::sort(facts.addresses.begin(), facts.addresses.end());
	std::sort(facts.routes.begin(), facts.routes.end());
	return facts;
}

std::string built_program(const char *name)
{
	const char *path = std::getenv(name);
	if (!path || !*path)
		throw std::runtime_error(std::string(name) + " is not set (run the suite through meson test)");
	return path;
}

} /* namespace lxcnet::test */
