/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "breakdown.hpp"

#include <cerrno>
#include <climits>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <lxc/lxccontainer.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.hpp"
#include "rtnl.hpp"

#ifndef PIDFD_GET_NET_NAMESPACE
#define PIDFD_GET_NET_NAMESPACE _IO(0xFF, 4)
#endif
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace lxb {

double now_us()
{
	timespec ts;
	::clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

namespace {

double tv_us(const timeval &tv)
{
	return static_cast<double>(tv.tv_sec) * 1e6 + static_cast<double>(tv.tv_usec);
}

void need(bool ok, const char *what)
{
	if (!ok)
		throw std::runtime_error(std::string("breakdown: ") + what + " failed: " + std::strerror(errno));
}

int ignore_error(sockaddr_nl *, nlmsgerr *, void *)
{
	return NL_STOP;
}

/* A libnl socket set up the way lxcnet 0.1's NetlinkSocket::open does it, optionally inside another netns. */
nl_sock *libnl_socket(int netns_fd)
{
	nl_sock *sk = nl_socket_alloc();
	need(sk, "nl_socket_alloc");
	Fd home;
	if (netns_fd >= 0) {
		home = open_own_netns();
		need(::setns(netns_fd, CLONE_NEWNET) == 0, "setns");
	}
	int r = nl_connect(sk, NETLINK_ROUTE);
	if (home.valid() && ::setns(home.get(), CLONE_NEWNET) < 0)
		std::abort();
	need(r == 0, "nl_connect");
	int fd = nl_socket_get_fd(sk);
	need(::fcntl(fd, F_SETFD, FD_CLOEXEC) == 0, "fcntl");
	int one = 1;
	for (int opt : {NETLINK_EXT_ACK, NETLINK_CAP_ACK, NETLINK_GET_STRICT_CHK})
		(void)::setsockopt(fd, SOL_NETLINK, opt, &one, sizeof(one));
	nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, ignore_error, nullptr);
	return sk;
}

/* One filtered dump parsed into libnl objects, as lxcnet's capture() reads addresses and routes. */
int libnl_dump(nl_sock *sk, int type, int family, int ifindex)
{
	nl_msg *msg = nlmsg_alloc_simple(type, NLM_F_DUMP);
	need(msg, "nlmsg_alloc_simple");
	if (type == RTM_GETADDR) {
		ifaddrmsg hdr{};
		hdr.ifa_family = static_cast<unsigned char>(family);
		hdr.ifa_index = static_cast<unsigned>(ifindex);
		nlmsg_append(msg, &hdr, sizeof(hdr), NLMSG_ALIGNTO);
	} else {
		rtmsg hdr{};
		hdr.rtm_family = static_cast<unsigned char>(family);
		nlmsg_append(msg, &hdr, sizeof(hdr), NLMSG_ALIGNTO);
		nla_put_u32(msg, RTA_OIF, static_cast<uint32_t>(ifindex));
	}
	int r = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	need(r >= 0, "nl_send_auto");
	int objects = 0;
	nl_cb *base = nl_socket_get_cb(sk);
	nl_cb *cb = nl_cb_clone(base);
	nl_cb_put(base);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, +[](nl_msg *m, void *arg) -> int {
		nl_msg_parse(m, +[](nl_object *, void *a) { ++*static_cast<int *>(a); }, arg);
		return NL_OK;
	}, &objects);
	r = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	need(r >= 0, "nl_recvmsgs");
	return objects;
}

/* A record-sized file, as lxcnet's RecordStore::save writes one: temp file, write, (fsync), rename onto a new name. */
void save_record(int dir, bool with_fsync)
{
	static const std::string text = [] {
		std::string t = "lxcnet-record 1\n";
		while (t.size() < 450)
			t += "field value-of-a-typical-length\n";
		return t;
	}();
	(void)::unlinkat(dir, ".rec.tmp", 0);
	int fd = ::openat(dir, ".rec.tmp", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	need(fd >= 0, "openat record");
	need(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()), "write record");
	if (with_fsync)
		need(::fsync(fd) == 0, "fsync");
	::close(fd);
	need(::renameat(dir, ".rec.tmp", dir, "rec") == 0, "renameat");
}

void open_record_dir(const std::string &base)
{
	need(::mkdirat(AT_FDCWD, base.c_str(), 0700) == 0 || errno == EEXIST, "mkdirat");
	Fd top(::openat(AT_FDCWD, base.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	need(top.valid(), "open record base");
	struct stat st;
	need(::fstat(top.get(), &st) == 0, "fstat");
	need(::mkdirat(top.get(), "key", 0700) == 0 || errno == EEXIST, "mkdirat key");
	Fd dir(::openat(top.get(), "key", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	need(dir.valid(), "open record dir");
	need(::fstat(dir.get(), &st) == 0, "fstat");
	need(::flock(dir.get(), LOCK_EX) == 0, "flock");
}

void scan_record_dir(int dir)
{
	int fd = ::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	need(fd >= 0, "open record dir");
	DIR *d = ::fdopendir(fd);
	need(d, "fdopendir");
	char buf[4096];
	while (dirent *e = ::readdir(d)) {
		if (e->d_name[0] == '.')
			continue;
		Fd file(::openat(dir, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
		struct stat st;
		if (file.valid() && ::fstat(file.get(), &st) == 0)
			while (::read(file.get(), buf, sizeof(buf)) > 0) {
			}
	}
	::closedir(d);
}

struct Block {
	std::string what;
	double bare, preserve; /* how often lxcnet 0.1 does this per attach+detach cycle; 0/0: an alternative, not summed */
	std::function<void()> once;
	unsigned reps_divisor = 1;
};

} /* namespace */

double cpu_us()
{
	rusage self{}, children{};
	::getrusage(RUSAGE_SELF, &self);
	::getrusage(RUSAGE_CHILDREN, &children);
	return tv_us(self.ru_utime) + tv_us(self.ru_stime) + tv_us(children.ru_utime) + tv_us(children.ru_stime);
}

void breakdown(BenchContainer &box, const Veth &home, const std::string &scratch_dir, unsigned reps, double measured_bare,
	       double measured_preserve)
{
	lxc_container *c = box.c;
	nl_sock *host = libnl_socket(-1);
	nl_sock *host_nopeek = libnl_socket(-1);
	nl_socket_disable_msg_peek(host_nopeek);
	nl_socket_set_msg_buf_size(host_nopeek, 32768);
	RtnlSocket raw;
	const std::string records = scratch_dir + "/breakdown";
	open_record_dir(records);
	Fd record_dir(::open((records + "/key").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	need(record_dir.valid(), "open scratch record dir");
	Fd records_top(::open(records.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	need(records_top.valid() && (::mkdirat(records_top.get(), "empty", 0700) == 0 || errno == EEXIST), "scratch dirs");
	save_record(record_dir.get(), false);
	/* The scan should find one record, as a detach does; "rec" itself comes and goes below. */
	need(::renameat(record_dir.get(), "rec", record_dir.get(), "kept") == 0, "renameat");
	const int netns = box.netns.get();

	std::vector<Block> blocks = {
		{"liblxc is_defined (stat of the config)", 2, 2, [&] { (void)c->is_defined(c); }},
		{"liblxc is_running (command socket round trip)", 2, 2, [&] { need(c->is_running(c), "is_running"); }},
		{"liblxc init_pidfd + PIDFD_GET_NET_NAMESPACE", 2, 2,
		 [&] {
			 Fd pidfd(c->init_pidfd(c));
			 Fd ns(::ioctl(pidfd.get(), PIDFD_GET_NET_NAMESPACE, 0));
			 need(ns.valid(), "PIDFD_GET_NET_NAMESPACE");
		 }},
		{"realpath(lxcpath), own netns fd + fstat", 2, 2,
		 [&] {
			 char resolved[PATH_MAX];
			 need(::realpath(c->config_path, resolved), "realpath");
			 Fd own = open_own_netns();
			 struct stat st;
			 need(::fstat(own.get(), &st) == 0, "fstat");
		 }},
		{"libnl socket in the caller's netns, open+close", 2, 2, [&] { nl_socket_free(libnl_socket(-1)); }},
		{"libnl socket in the container's netns, open+close", 2, 2, [&] { nl_socket_free(libnl_socket(netns)); }},
		{"libnl rtnl_link_get_kernel by name, found", 4, 4,
		 [&] {
			 rtnl_link *link = nullptr;
			 need(rtnl_link_get_kernel(host, 0, home.host.c_str(), &link) == 0, "rtnl_link_get_kernel");
			 rtnl_link_put(link);
		 }},
		{"libnl rtnl_link_get_kernel by name, absent (target check)", 2, 2,
		 [&] {
			 rtnl_link *link = nullptr;
			 need(rtnl_link_get_kernel(host, 0, (prefix() + "none").c_str(), &link) < 0, "absent lookup");
		 }},
		{"record dir: mkdir+open+fstat x2, flock", 1, 2, [&] { open_record_dir(records); }},
		{"record dir scan (one record in it)", 1, 1, [&] { scan_record_dir(record_dir.get()); }},
		/* Since 7c47397 a call that leaves the container's directory empty removes it; the next call creates it again. */
		{"record dir left empty: readdir, rmdir; mkdir next call", 1, 1,
		 [&] {
			 Fd dir(::openat(records_top.get(), "empty", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
			 need(dir.valid(), "open empty record dir");
			 scan_record_dir(dir.get());
			 need(::unlinkat(records_top.get(), "empty", AT_REMOVEDIR) == 0, "rmdir");
			 need(::mkdirat(records_top.get(), "empty", 0700) == 0, "mkdir");
		 }},
		{"record lifetime: write, fsync, rename; later unlink", 0, 1,
		 [&] {
			 save_record(record_dir.get(), true);
			 need(::unlinkat(record_dir.get(), "rec", 0) == 0, "unlinkat");
		 },
		 10},
		{"libnl dumps: addresses, IPv4 and IPv6 routes of 1 device", 0, 2,
		 [&] {
			 libnl_dump(host, RTM_GETADDR, AF_UNSPEC, home.ifindex);
			 libnl_dump(host, RTM_GETROUTE, AF_INET, home.ifindex);
			 libnl_dump(host, RTM_GETROUTE, AF_INET6, home.ifindex);
		 }},
		/* Alternatives lxcnet could use instead; shown for the comparison, not summed. */
		{"  alt: rtnl_link_get_kernel, MSG_PEEK off", 0, 0,
		 [&] {
			 rtnl_link *link = nullptr;
			 need(rtnl_link_get_kernel(host_nopeek, 0, home.host.c_str(), &link) == 0, "rtnl_link_get_kernel");
			 rtnl_link_put(link);
		 }},
		{"  alt: plain RTM_GETLINK by name, no stats, no ACK", 0, 0, [&] { need(raw.ifindex_of(home.host) > 0, "getlink"); }},
		{"  alt: plain netlink socket, open+close", 0, 0, [&] { RtnlSocket s; }},
		{"  alt: record lifetime without fsync", 0, 0,
		 [&] {
			 save_record(record_dir.get(), false);
			 need(::unlinkat(record_dir.get(), "rec", 0) == 0, "unlinkat");
		 }},
	};

	std::printf("\n=== breakdown: building blocks of a call as lxcnet 0.1.0 first made it, and cheaper alternatives (%u calls each, no device moving; the perf profile shows a call of today) ===\n",
		    reps);
	std::printf("%-56s %9s %9s | %5s %5s | %11s %11s\n", "building block", "CPU us", "wall us", "bare", "pres", "CPU us/cyc",
		    "CPU us/cyc");
	std::printf("%-56s %9s %9s | %5s %5s | %11s %11s\n", "", "per call", "per call", "calls", "calls", "bare", "preserve");
	double sum_bare = 0, sum_preserve = 0, wall_bare = 0, wall_preserve = 0;
	for (auto &b : blocks) {
		check_stop();
		const unsigned n = std::max(1u, reps / b.reps_divisor);
		for (unsigned i = 0; i < 5; i++)
			b.once();
		const double c0 = cpu_us(), w0 = now_us();
		for (unsigned i = 0; i < n; i++)
			b.once();
		const double cpu = (cpu_us() - c0) / n, wall = (now_us() - w0) / n;
		if (b.bare == 0 && b.preserve == 0) {
			std::printf("%-56s %9.1f %9.1f |\n", b.what.c_str(), cpu, wall);
			continue;
		}
		sum_bare += b.bare * cpu;
		sum_preserve += b.preserve * cpu;
		wall_bare += b.bare * wall;
		wall_preserve += b.preserve * wall;
		std::printf("%-56s %9.1f %9.1f | %5.0f %5.0f | %11.0f %11.0f\n", b.what.c_str(), cpu, wall, b.bare, b.preserve,
			    b.bare * cpu, b.preserve * cpu);
	}
	std::printf("%-56s %9s %9s | %5s %5s | %11.0f %11.0f\n", "sum (CPU)", "", "", "", "", sum_bare, sum_preserve);
	std::printf("%-56s %9s %9s | %5s %5s | %11.0f %11.0f\n", "sum (wall)", "", "", "", "", wall_bare, wall_preserve);
	if (measured_bare >= 0 || measured_preserve >= 0)
		std::printf("%-56s %9s %9s | %5s %5s | %11.0f %11.0f\n",
			    "measured: lxcnet - its floor (raw; raw+config), +0 host", "", "", "", "", measured_bare,
			    measured_preserve);
	std::fflush(stdout);
	nl_socket_free(host);
	nl_socket_free(host_nopeek);
}

} /* namespace lxb */
