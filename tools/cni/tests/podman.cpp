/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "podman.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lxcnet::cni::test {

const std::string Podman::image = "localhost/lxk-busybox";

namespace {

void write_file(const std::string &path, const std::string &text)
{
	std::ofstream out(path);
	out << text;
	if (!out.flush())
		throw std::runtime_error("cannot write " + path);
}

/* TOML's basic strings are JSON's. */
std::string toml(const std::string &text)
{
	return nlohmann::json(text).dump();
}

/* Podman sets every container's limits to these; this root cannot raise a hard limit (no CAP_SYS_RESOURCE). */
std::string ulimit(const char *name, int resource)
{
	struct rlimit limit {};
	if (::getrlimit(resource, &limit) < 0)
		throw std::runtime_error("getrlimit");
	const rlim_t value = std::min<rlim_t>(4096, limit.rlim_max);
	return toml(std::string(name) + "=" + std::to_string(value) + ":" + std::to_string(value));
}

} /* namespace */

Podman::Podman()
{
	/* Podman with cgroupfs makes libpod_parent/conmon in every hierarchy and leaves it: if this fixture makes it, it goes. */
	made_cgroups_ = ::access("/sys/fs/cgroup/memory/libpod_parent", F_OK) != 0;
	char templ[] = "/tmp/lxk-podman.XXXXXX";
	if (!::mkdtemp(templ))
		throw std::runtime_error("mkdtemp");
	dir_ = templ;
	try {
		for (const char *sub : {"net.d", "plugins", "root", "runroot", "tmp", "rootfs"})
			lxcnet::test::sh("mkdir -p " + quote(dir_ + "/" + sub));
		/* As installed: a copy, run by a process whose environment this test does not choose. */
		lxcnet::test::sh("cp " + quote(lxcnet_cni()) + " " + quote(dir_ + "/plugins/lxcnet-cni"));

		const char *state = std::getenv("LXCNET_STATE_DIR");
		std::string conmon_env = toml("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
		/* The cleanup process must find the same records as the ADD, and this Podman's configuration. */
		for (const std::string &var : {"LXCNET_STATE_DIR=" + std::string(state ? state : ""),
					      "CONTAINERS_CONF=" + dir_ + "/containers.conf",
					      "CONTAINERS_STORAGE_CONF=" + dir_ + "/storage.conf"})
			if (var.back() != '=')
				conmon_env += ", " + toml(var);
		/* crun needs what this root lacks; runc with cgroupfs runs on the hybrid cgroups. */
		write_file(dir_ + "/containers.conf",
			   "[containers]\n"
			   "default_ulimits = [" + ulimit("nofile", RLIMIT_NOFILE) + ", " + ulimit("nproc", RLIMIT_NPROC) + "]\n"
			   "[network]\n"
			   "network_backend = \"cni\"\n"
			   "network_config_dir = " + toml(dir_ + "/net.d") + "\n"
			   "cni_plugin_dirs = [" + toml(dir_ + "/plugins") + "]\n"
			   "[engine]\n"
			   "runtime = \"runc\"\n"
			   "cgroup_manager = \"cgroupfs\"\n"
			   "events_logger = \"file\"\n"
			   "events_logfile_path = " + toml(dir_ + "/events.log") + "\n"
			   "tmp_dir = " + toml(dir_ + "/tmp") + "\n"
			   "image_copy_tmp_dir = " + toml(dir_ + "/tmp") + "\n"
			   "static_dir = " + toml(dir_ + "/root/libpod") + "\n"
			   "volume_path = " + toml(dir_ + "/root/volumes") + "\n"
			   "conmon_env_vars = [" + conmon_env + "]\n");
		write_file(dir_ + "/storage.conf",
			   "[storage]\n"
			   "driver = \"vfs\"\n"
			   "graphroot = " + toml(dir_ + "/root") + "\n"
			   "runroot = " + toml(dir_ + "/runroot") + "\n");
		enter_private_mounts();

		/* busybox's own ip has no -br: the host's iproute2 joins it, with the libraries it loads. */
		const std::string rootfs = quote(dir_ + "/rootfs");
		lxcnet::test::sh("set -e; r=" + rootfs + "; mkdir -p $r/bin $r/proc $r/sys $r/dev $r/etc $r/tmp;"
				 " cp /bin/busybox $r/bin/; for a in $(/bin/busybox --list); do [ -e $r/bin/$a ] || ln -s busybox $r/bin/$a; done;"
				 " ip=$(command -v ip); rm -f $r/bin/ip; cp \"$ip\" $r/bin/ip;"
				 " for l in $(ldd \"$ip\" | grep -o '/[^ ]*'); do mkdir -p $r$(dirname $l); cp -L $l $r$l; done;"
				 " tar -C $r -c . | " + command("import -q - " + image));
	} catch (...) {
		teardown();
		throw;
	}
}

void Podman::enter_private_mounts()
{
	int ready[2];
	if (::pipe2(ready, O_CLOEXEC) < 0)
		throw std::runtime_error("pipe2");
	holder_ = ::fork();
	if (holder_ < 0)
		throw std::runtime_error("fork");
	if (holder_ == 0) {
		::close(ready[0]);
		(void)::prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* Slave: the host's mounts (its netns paths) still show; this namespace's own never leave it. */
		if (::unshare(CLONE_NEWNS) < 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) < 0 ||
		    ::mount("lxk-varlib", "/var/lib", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
			::_exit(1);
		char ok = 1;
		if (::write(ready[1], &ok, 1) != 1)
			::_exit(1);
		for (;;)
			::pause();
	}
	::close(ready[1]);
	char ok = 0;
	ssize_t n;
	while ((n = ::read(ready[0], &ok, 1)) < 0 && errno == EINTR) {
	}
	::close(ready[0]);
	if (n != 1)
		throw std::runtime_error("could not make a private mount namespace for Podman");
}

Podman::~Podman()
{
	teardown();
}

void Podman::teardown() noexcept
{
	try {
		if (holder_ > 0)
			/* Whatever a failed case left: containers first, while their conmon still runs in the namespace. */
			(void)lxcnet::test::run(command("rm -a -f -t 0"));
	} catch (...) {
	}
	if (holder_ > 0) {
		::kill(holder_, SIGKILL);
		while (::waitpid(holder_, nullptr, 0) < 0 && errno == EINTR) {
		}
	}
	holder_ = -1;
	try {
		if (!dir_.empty())
			(void)lxcnet::test::run("rm -rf " + quote(dir_));
		/* rmdir removes only an empty cgroup: never one that something still runs in. */
		if (made_cgroups_)
			(void)lxcnet::test::run("for d in /sys/fs/cgroup/*/libpod_parent; do rmdir \"$d/conmon\" \"$d\"; done");
	} catch (...) {
	}
	dir_.clear();
}

std::string Podman::command(const std::string &args) const
{
	return "CONTAINERS_CONF=" + quote(dir_ + "/containers.conf") + " CONTAINERS_STORAGE_CONF=" + quote(dir_ + "/storage.conf") +
	       " nsenter --mount=/proc/" + std::to_string(holder_) + "/ns/mnt podman --root " + quote(dir_ + "/root") +
	       " --runroot " + quote(dir_ + "/runroot") + " --storage-driver vfs " + args;
}

Shell Podman::run(const std::string &args) const
{
	return test::run(command(args));
}

std::string Podman::sh(const std::string &args) const
{
	return lxcnet::test::sh(command(args));
}

void Podman::network(const std::string &name, const nlohmann::json &plugin) const
{
	const nlohmann::json list = {{"cniVersion", "1.0.0"}, {"name", name}, {"plugins", nlohmann::json::array({plugin})}};
	write_file(dir_ + "/net.d/" + name + ".conflist", list.dump(2));
}

} /* namespace lxcnet::cni::test */
