/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "support.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <sstream>
#include <stdexcept>

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

std::string unique_name(const std::string &tag, const std::string &root)
{
	static std::atomic<unsigned> counter;
	std::string name = root + tag + std::to_string(::getpid() % 10000) + "x" + std::to_string(counter++);
	if (name.size() > 15)
		throw std::logic_error("test interface name too long: " + name);
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
	std::string list = run("cd " + quote(path_) + " && find . -type f | sort").out;
	size_t start = 0;
	for (size_t nl; (nl = list.find('\n', start)) != std::string::npos; start = nl + 1)
		out.push_back(list.substr(start + 2, nl - start - 2));
	return out;
}

ScopedContainer::ScopedContainer(bool start_now, const std::string &extra_config, const std::string &root)
{
	std::string templ = "/tmp/" + root + "-lxc.XXXXXX";
	if (!::mkdtemp(templ.data()))
		throw std::runtime_error("mkdtemp");
	lxcpath_ = templ;
	name_ = unique_name("c", root);
	const std::string conf = lxcpath_ + "/lxcnet-test.conf";
	sh("printf '%s\\n' 'lxc.net.0.type = empty' 'lxc.apparmor.profile = unconfined' > " + quote(conf));
	try {
		sh("lxc-create -P " + quote(lxcpath_) + " -n " + quote(name_) + " -t busybox -f " + quote(conf));
		if (!extra_config.empty())
			sh("printf '%s\\n' " + quote(extra_config) + " >> " + quote(lxcpath_ + "/" + name_ + "/config"));
		if (start_now)
			start();
	} catch (...) {
		(void)run("rm -rf " + quote(lxcpath_));
		throw;
	}
}

ScopedContainer::~ScopedContainer()
{
	(void)run("lxc-stop -k -P " + quote(lxcpath_) + " -n " + quote(name_));
	(void)run("lxc-destroy -f -P " + quote(lxcpath_) + " -n " + quote(name_));
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

std::string ScopedContainer::inside() const
{
	std::string pid = sh("lxc-info -P " + quote(lxcpath_) + " -n " + quote(name_) + " -pH");
	pid.erase(pid.find_last_not_of(" \n") + 1);
	return "nsenter --net=/proc/" + pid + "/ns/net ";
}

bool ScopedContainer::has_link(const std::string &dev) const
{
	return run(inside() + "ip link show dev " + quote(dev)).status == 0;
}

std::string ScopedContainer::attach_run(const std::string &command) const
{
	return sh("lxc-attach -P " + quote(lxcpath_) + " -n " + quote(name_) + " -- " + command);
}

int ScopedContainer::ifindex_of(const std::string &dev) const
{
	/* "7: eth1@if6: ..." — /sys under nsenter --net would still show the host's devices. */
	return std::stoi(sh(inside() + "ip -o link show dev " + quote(dev)));
}

ScopedVeth::ScopedVeth() : name_(unique_name("v")), peer_(name_ + "p")
{
	sh("ip link add " + name_ + " type veth peer name " + peer_);
}

ScopedVeth::~ScopedVeth()
{
	(void)run("ip link del " + quote(name_));
	(void)run("ip link del " + quote(peer_));
}

void ScopedVeth::configure(int subnet)
{
	const std::string n = std::to_string(subnet);
	sh("ip link set " + name_ + " mtu 1400 address 02:00:00:00:" + (subnet < 10 ? "0" : "") + std::to_string(subnet % 100) + ":01");
	sh("ip link set " + name_ + " alias " + quote("lxcnet test " + n));
	sh("ip addr add 10.250." + n + ".1/24 dev " + name_);
	sh("ip addr add fd00:250:" + n + "::1/64 dev " + name_);
	sh("ip link set " + name_ + " up");
	sh("ip link set " + peer_ + " up");
	sh("ip route add 10.251." + n + ".0/24 via 10.250." + n + ".2 dev " + name_);
	sh("ip -6 route add fd00:251:" + n + "::/64 via fd00:250:" + n + "::2 dev " + name_);
}

ScopedBridge::ScopedBridge() : name_(unique_name("b"))
{
	sh("ip link add " + name_ + " type bridge");
}

ScopedBridge::~ScopedBridge()
{
	(void)run("ip link del " + quote(name_));
}

ScopedMacvlan::ScopedMacvlan() : name_(unique_name("m"))
{
	sh("ip link add " + name_ + " link " + parent_.name() + " type macvlan mode bridge");
}

ScopedMacvlan::~ScopedMacvlan()
{
	(void)run("ip link del " + quote(name_));
}

bool host_has_link(const std::string &dev)
{
	return run("ip link show dev " + quote(dev)).status == 0;
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

std::string replace_all(std::string text, const std::string &from, const std::string &to)
{
	for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size())
		text.replace(pos, from.size(), to);
	return text;
}

} /* namespace */

std::string device_state(const std::string &dev, const std::string &prefix)
{
	std::string out;
	std::smatch m;
	const std::string link = sh(prefix + "ip -o link show dev " + quote(dev));
	if (std::regex_search(link, m, std::regex("<([^>]*)>")))
		out += std::string("admin ") + (std::regex_search(m[1].str(), std::regex("(^|,)UP(,|$)")) ? "up" : "down") + "\n";
	if (std::regex_search(link, m, std::regex(" mtu ([0-9]+)")))
		out += "mtu " + m[1].str() + "\n";
	if (std::regex_search(link, m, std::regex("link/ether ([0-9a-f:]+)")))
		out += "mac " + m[1].str() + "\n";
	/* `ip -o` ends each attribute with a backslash and the record with a newline, which `$` would not match before. */
	if (std::regex_search(link, m, std::regex("\\\\    alias ([^\n]*)")))
		out += "alias " + m[1].str() + "\n";

	std::vector<std::string> items;
	for (const auto &line : lines_of(sh(prefix + "ip -o addr show dev " + quote(dev)))) {
		if (!std::regex_search(line, m, std::regex("(inet6?) (\\S+)(.*?)scope (\\S+)(.*?)\\\\")))
			continue;
		if (m[1] == "inet6" && m[4] == "link")
			continue; /* the kernel's own link-local */
		std::string rest = std::regex_replace(m[3].str() + m[5].str(), std::regex("\\b(tentative|dadfailed|optimistic)\\b"), "");
		rest = replace_all(rest, dev, "DEV");
		rest = std::regex_replace(rest, std::regex("\\s+"), " ");
		items.push_back("addr " + m[1].str() + " " + m[2].str() + rest + " scope " + m[4].str());
	}
	for (const char *family : {"-4", "-6"})
		for (auto line : lines_of(sh(prefix + "ip " + family + " route show dev " + quote(dev)))) {
			if (line.rfind("fe80::/64", 0) == 0)
				continue;
			line = std::regex_replace(line, std::regex("\\b(linkdown)\\b"), "");
			items.push_back("route " + std::regex_replace(line, std::regex("\\s+"), " "));
		}
	std::sort(items.begin(), items.end());
	for (const auto &item : items)
		out += item + "\n";
	return out;
}

} /* namespace lxcnet::test */
