/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "harness.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* lxk: the CNI suite's leftovers apart from the others'. 10.254 is unused here: the cases set their own addresses. */
const lxcnet::test::Suite &lxcnet::test::suite()
{
	static const Suite cni{"lxk", 254, true};
	return cni;
}

namespace lxcnet::cni::test {

namespace {

std::string read_fd(int fd)
{
	std::string out;
	(void)::lseek(fd, 0, SEEK_SET);
	char buf[4096];
	for (ssize_t n; (n = ::read(fd, buf, sizeof(buf))) > 0;)
		out.append(buf, static_cast<size_t>(n));
	return out;
}

} /* namespace */

std::string Call::show() const
{
	return "exit " + std::to_string(status) + "\nstdout: " + out + "\nstderr: " + err;
}

Call Plugin::exec(const std::map<std::string, std::string> &env, const std::string &stdin_data) const
{
	int in = ::memfd_create("cni-in", MFD_CLOEXEC);
	int out = ::memfd_create("cni-out", MFD_CLOEXEC);
	int err = ::memfd_create("cni-err", MFD_CLOEXEC);
	if (in < 0 || out < 0 || err < 0)
		throw std::runtime_error("memfd_create");
	if (::write(in, stdin_data.data(), stdin_data.size()) != static_cast<ssize_t>(stdin_data.size()))
		throw std::runtime_error("write stdin");
	(void)::lseek(in, 0, SEEK_SET);

	std::vector<std::string> strings = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
	if (const char *state = std::getenv("LXCNET_STATE_DIR"))
		strings.push_back(std::string("LXCNET_STATE_DIR=") + state);
	auto all = extra_env;
	for (const auto &[k, v] : env)
		all[k] = v;
	for (const auto &[k, v] : all)
		if (!v.empty())
			strings.push_back(k + "=" + v);
	std::vector<char *> envp;
	for (auto &s : strings)
		envp.push_back(s.data());
	envp.push_back(nullptr);
	std::string argv0 = binary;
	char *argv[] = {argv0.data(), nullptr};
	const std::string host_path = host_netns.empty() ? "" : "/run/netns/" + host_netns;

	pid_t pid = ::fork();
	if (pid < 0)
		throw std::runtime_error("fork");
	if (pid == 0) {
		/* The runtime's namespace: the plugin's "host". */
		if (!host_path.empty()) {
			int ns = ::open(host_path.c_str(), O_RDONLY | O_CLOEXEC);
			if (ns < 0 || ::setns(ns, CLONE_NEWNET) < 0)
				::_exit(126);
		}
		if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0)
			::_exit(126);
		::execve(argv0.c_str(), argv, envp.data());
		::_exit(127);
	}
	int status = 0;
	while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	Call call;
	call.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	call.out = read_fd(out);
	call.err = read_fd(err);
	::close(in);
	::close(out);
	::close(err);
	call.json = nlohmann::json::parse(call.out, nullptr, false);
	if (call.json.is_discarded())
		call.json = nullptr;
	return call;
}

Call Plugin::call(const std::string &command, const std::string &container_id, const std::string &netns_path,
		  const std::string &ifname, const nlohmann::json &conf) const
{
	return exec({{"CNI_COMMAND", command},
		     {"CNI_CONTAINERID", container_id},
		     {"CNI_NETNS", netns_path},
		     {"CNI_IFNAME", ifname},
		     {"CNI_PATH", cni_path}},
		    conf.dump());
}

std::string lxcnet_cni()
{
	const char *path = std::getenv("LXCNET_CNI");
	if (!path || !*path)
		throw std::runtime_error("LXCNET_CNI is not set (meson sets it to the built plugin)");
	return path;
}

nlohmann::json config(const std::string &version, const std::string &type, const nlohmann::json &extra)
{
	nlohmann::json conf = {{"cniVersion", version}, {"name", "lxk-test-net"}, {"type", type}};
	for (const auto &[k, v] : extra.items())
		conf[k] = v;
	return conf;
}

nlohmann::json with_prev_result(nlohmann::json conf, const nlohmann::json &result)
{
	conf["prevResult"] = result;
	return conf;
}

} /* namespace lxcnet::cni::test */
