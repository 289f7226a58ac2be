/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ipam.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.hpp"
#include "unique_fd.hpp"

extern char **environ;

namespace lxcnet::cni {

using detail::UniqueFd;

namespace {

std::string find_plugin(const std::string &type, const std::string &cni_path)
{
	size_t start = 0;
	while (start <= cni_path.size()) {
		size_t end = cni_path.find(':', start);
		if (end == std::string::npos)
			end = cni_path.size();
		std::string dir = cni_path.substr(start, end - start);
		start = end + 1;
		if (dir.empty())
			continue;
		std::string candidate = dir + "/" + type;
		struct stat st{};
		if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
			return candidate;
	}
	throw CniError(internal, "failed to find plugin \"" + type + "\" in path [" + cni_path + "]");
}

/* stdin through a memfd: the child may write its result before reading all of a large config, so no pipe can deadlock. */
UniqueFd stdin_for(const std::string &data)
{
	UniqueFd fd(::memfd_create("lxcnet-cni-stdin", MFD_CLOEXEC));
	if (!fd.valid())
		throw CniError(io_failure, std::string("memfd_create: ") + std::strerror(errno));
	size_t done = 0;
	while (done < data.size()) {
		ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw CniError(io_failure, std::string("write the IPAM plugin's stdin: ") + std::strerror(errno));
		done += static_cast<size_t>(n);
	}
	if (::lseek(fd.get(), 0, SEEK_SET) < 0)
		throw CniError(io_failure, std::string("lseek: ") + std::strerror(errno));
	return fd;
}

} /* namespace */

void ipam_exec(const std::string &command, const Env &env, const NetConf &conf, std::string *stdout_text)
{
	const std::string plugin = find_plugin(conf.ipam_type, env.path);
	const std::string who = "IPAM plugin \"" + conf.ipam_type + "\" (" + command + ")";
	UniqueFd input = stdin_for(conf.raw);
	int pipefd[2];
	if (::pipe2(pipefd, O_CLOEXEC) < 0)
		throw CniError(io_failure, std::string("pipe: ") + std::strerror(errno));
	UniqueFd out_read(pipefd[0]), out_write(pipefd[1]);

	/* Built before fork: the child only calls async-signal-safe functions. */
	std::vector<std::string> env_strings;
	for (char **e = environ; *e; e++)
		if (std::strncmp(*e, "CNI_COMMAND=", 12) != 0)
			env_strings.emplace_back(*e);
	env_strings.push_back("CNI_COMMAND=" + command);
	std::vector<char *> envp;
	for (auto &s : env_strings)
		envp.push_back(s.data());
	envp.push_back(nullptr);
	std::string argv0 = plugin;
	char *argv[] = {argv0.data(), nullptr};

	pid_t pid = ::fork();
	if (pid < 0)
		throw CniError(internal, std::string("fork: ") + std::strerror(errno));
	if (pid == 0) {
		if (::dup2(input.get(), 0) < 0 || ::dup2(out_write.get(), 1) < 0)
			::_exit(127);
		::execve(plugin.c_str(), argv, envp.data());
		::_exit(127);
	}
	out_write.reset();
	std::string output;
	char buf[4096];
	for (;;) {
		ssize_t n = ::read(out_read.get(), buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		output.append(buf, static_cast<size_t>(n));
	}
	int status = 0;
	while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (stdout_text)
			*stdout_text = std::move(output);
		return;
	}
	auto reply = nlohmann::json::parse(output, nullptr, false);
	if (reply.is_object() && reply.contains("code") && reply["code"].is_number_unsigned()) {
		auto text = [&](const char *key) {
			auto it = reply.find(key);
			return it != reply.end() && it->is_string() ? it->get<std::string>() : std::string();
		};
		std::string msg = text("msg");
		std::string details = text("details");
		throw CniError(reply["code"].get<unsigned>(), msg.empty() ? who + " failed" : msg,
			       who + (details.empty() ? "" : ": " + details));
	}
	std::string how = WIFEXITED(status) ? "exited with " + std::to_string(WEXITSTATUS(status))
					    : "was killed by signal " + std::to_string(WTERMSIG(status));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && output.empty())
		how = "could not be executed";
	throw CniError(internal, who + " " + how, output);
}

Result ipam_add(const Env &env, const NetConf &conf)
{
	std::string output;
	ipam_exec("ADD", env, conf, &output);
	auto reply = nlohmann::json::parse(output, nullptr, false);
	if (reply.is_discarded())
		throw CniError(decoding_failure, "failed to decode the result of IPAM plugin \"" + conf.ipam_type + "\": not JSON", output);
	Result r = parse_result(reply, "the result of IPAM plugin \"" + conf.ipam_type + "\"");
	if (r.ips.empty())
		throw CniError(internal, "IPAM plugin returned missing IP config", "IPAM plugin \"" + conf.ipam_type + "\"");
	return r;
}

} /* namespace lxcnet::cni */
