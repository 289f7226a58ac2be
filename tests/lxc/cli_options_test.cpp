/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lxcnet-device as a drop-in for lxc-device: its options, usage mistakes, words, JSON and completion. */
#include <sys/stat.h>

#include "helpers.hpp"

using namespace lxcnet::test;

namespace {

/* Runs command with stdout and stderr apart. */
struct Split {
	int status;
	std::string out;
	std::string err;
};

Split run_split(const std::string &command)
{
	const std::string err_file = "/tmp/lxcnet-newuser-stderr." + std::to_string(::getpid());
	Result r = run("{ " + command + " 2>" + quote(err_file) + "; }");
	Split s{r.status, r.out, run("cat " + quote(err_file)).out};
	run("rm -f " + quote(err_file));
	return s;
}

/* python3 asserts condition (an expression over d, the parsed JSON) on text. */
void check_json(const std::string &text, const std::string &condition)
{
	INFO(text);
	CHECK(run("printf '%s' " + quote(text) + " | python3 -c " +
		  quote("import json,sys; d=json.load(sys.stdin); sys.exit(0 if (" + condition + ") else 1)"))
		      .status == 0);
}

size_t count(const std::string &text, const std::string &word)
{
	size_t n = 0;
	for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + word.size()))
		n++;
	return n;
}

/* What bash completion offers for the words of line (the last one is being completed). */
std::string complete(const std::string &line)
{
	const char *script = std::getenv("LXCNET_COMPLETION");
	REQUIRE(script != nullptr);
	const std::string cli_dir = cli().substr(0, cli().rfind('/'));
	const std::string program =
		"source /usr/share/bash-completion/bash_completion; source " + quote(script) + "; "
		"COMP_LINE=" + quote(line) + "; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<<\"$COMP_LINE\"; "
		"[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=(''); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
		"_lxcnet_device; for word in \"${COMPREPLY[@]}\"; do echo \"$word\"; done";
	return sh("PATH=" + quote(cli_dir) + ":$PATH bash -c " + quote(program));
}

} /* namespace */

TEST_CASE("each command-line mistake gets its own line and exit 2, and nothing moves", "[cli][newuser]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	const struct {
		std::string args;
		std::string says;
	} mistakes[] = {
		{"add", "add needs DEV"},
		{"del", "del needs DEV"},
		{"add " + veth.name() + " eth1 extra", "too many arguments for add: 'extra'"},
		{"list extra", "list takes no arguments"},
		{"frobnicate " + veth.name(), "unknown command 'frobnicate'"},
		{"hook extra", "hook: LXC passes NAME SECTION TYPE"},
		{"hook web1 lxc start net:/proc/1/fd/3", "this is a stop hook, not a start hook"},
		{"add " + veth.name() + " ''", "DST is empty"},
		{"del " + veth.name() + " ''", "DST is empty"},
		{"-l BOGUS add " + veth.name(), "unknown log priority 'BOGUS'"},
		{"--bogus add " + veth.name(), "unknown option --bogus"},
		{"-x add " + veth.name(), "unknown option -x"},
		{"add " + veth.name() + " --state-dir=", "--state-dir needs a directory"},
	};
	for (const auto &m : mistakes) {
		INFO(m.args);
		const Split r = run_split(cli_for(ct) + m.args);
		CHECK(r.status == 2);
		CHECK(r.out.empty());
		CHECK(r.err.find(m.says) != std::string::npos);
		CHECK(count(r.err, "\n") == 1);
		/* The same mistake in JSON: on stdout only. */
		const Split j = run_split(cli_for(ct) + "--json " + m.args);
		CHECK(j.status == 2);
		CHECK(j.err.empty());
		check_json(j.out, "d['ok'] is False and d['error'] == 'EINVAL' and d['usage'] is True");
	}
	CHECK(host_has_link(veth.name()));
}

TEST_CASE("lxcnet-device answers -?, --usage and --help as lxc tools do", "[cli][newuser]")
{
	const std::string help = sh(cli() + " --help");
	CHECK(sh(cli() + " -?") == help);
	CHECK(help.find("--rcfile") != std::string::npos);
	CHECK(help.find("--state-dir") != std::string::npos);
	const std::string usage = sh(cli() + " --usage");
	CHECK(usage.rfind("Usage: lxcnet-device", 0) == 0);
	CHECK(usage.find("--rcfile") == std::string::npos);
	CHECK(help.rfind(usage, 0) == 0);
}

TEST_CASE("a log file or priority lxcnet-device cannot use is an error, not silently no log", "[cli][newuser]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	const Split r = run_split(cli_for(ct) + "-o /nonexistent/lxcnet/dir/x.log add " + veth.name());
	CHECK(r.status == 1);
	CHECK(r.err.find("cannot open the log file /nonexistent/lxcnet/dir/x.log: No such file or directory") != std::string::npos);
	CHECK(host_has_link(veth.name()));
	/* Priorities are liblxc's words, in either case. */
	const std::string log = ct.lxcpath() + "/cli-newuser.log";
	sh(cli_for(ct) + "-o " + quote(log) + " -l debug list");
	CHECK(run("test -s " + quote(log)).status == 0);
}

TEST_CASE("lxcnet-device loads --rcfile, and a file it cannot load is an error", "[cli][newuser]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	const std::string config = ct.lxcpath() + "/" + ct.name() + "/config";
	sh(cli_for(ct) + "--rcfile " + quote(config) + " add " + veth.name() + " eth1");
	CHECK(ct.has_link("eth1"));
	sh(cli_for(ct) + "--rcfile=" + quote(config) + " del eth1");
	CHECK(host_has_link(veth.name()));
	const Split r = run_split(cli_for(ct) + "--rcfile /nonexistent/lxcnet.conf add " + veth.name());
	CHECK(r.status == 1);
	CHECK(r.err.find("cannot load the configuration file /nonexistent/lxcnet.conf") != std::string::npos);
	CHECK(host_has_link(veth.name()));
}

TEST_CASE("lxcnet-device keeps its records in --state-dir", "[cli][newuser]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	StateDir chosen;
	StateDir ambient; /* $LXCNET_STATE_DIR: must stay empty */
	sh(cli_for(ct) + "--state-dir " + quote(chosen.path()) + " add " + veth.name() + " eth1");
	CHECK_FALSE(chosen.files().empty());
	CHECK(ambient.files().empty());
	/* Without the records, a nameless del cannot know the old name: it names the device as it is inside. */
	sh(cli_for(ct) + "--state-dir=" + quote(chosen.path()) + " del eth1");
	CHECK(host_has_link(veth.name()));
}

TEST_CASE("lxcnet-device's messages name the container once and end with the cause in words", "[cli][newuser]")
{
	ScopedContainer stopped(false);
	ScopedVeth veth;
	const Split r = run_split(cli() + " -n " + quote(stopped.name()) + " -P " + quote(stopped.lxcpath()) + " add " + veth.name());
	INFO(r.err);
	CHECK(r.status == 1);
	CHECK(count(r.err, stopped.name()) == 1);
	CHECK(r.err.find("the container is not running\n") != std::string::npos);
	CHECK(r.err.find("No such process") == std::string::npos);

	const Split undefined = run_split(cli() + " -n lxnnosuchct -P " + quote(stopped.lxcpath()) + " add " + veth.name());
	INFO(undefined.err);
	CHECK(undefined.status == 1);
	CHECK(undefined.err.find("no container named lxnnosuchct in") != std::string::npos);
	CHECK(undefined.err.find("No such process") == std::string::npos);

	/* A device node, too: stopped and undefined told apart. */
	CHECK(run_split(cli() + " -n " + quote(stopped.name()) + " -P " + quote(stopped.lxcpath()) + " add /dev/loop-control")
		      .err.find("the container is not running") != std::string::npos);
	CHECK(run_split(cli() + " -n lxnnosuchct -P " + quote(stopped.lxcpath()) + " add /dev/loop-control")
		      .err.find("no container named lxnnosuchct") != std::string::npos);
	CHECK(host_has_link(veth.name()));
}

TEST_CASE("lxcnet-device --json always says ok, and list and hook have the same shape", "[cli][newuser]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	StateDir state;
	Split r = run_split(cli_for(ct) + "--json list");
	CHECK(r.err.empty());
	check_json(r.out, "d['ok'] is True and d['action'] == 'list' and 'lo' in d['interfaces']");

	r = run_split(cli_for(ct) + "--json add lxnnothere0");
	CHECK(r.status == 1);
	CHECK(r.err.empty());
	check_json(r.out, "d['ok'] is False and d['error'] == 'ENODEV' and 'lxnnothere0' in d['message']");

	sh(cli_for(ct) + "add " + veth.name() + " eth1");
	r = run_split("LXC_NAME=" + quote(ct.name()) + " LXC_NET_NS=/proc/" + std::to_string(ct.init_pid()) +
		      "/ns/net LXC_CONFIG_FILE=" + quote(ct.lxcpath() + "/" + ct.name() + "/config") + " " + cli() + " --json hook");
	CHECK(r.status == 0);
	CHECK(r.err.empty());
	check_json(r.out, "d['ok'] is True and d['action'] == 'hook' and d['returned'] == [{'device': 'eth1', 'host_name': '" +
				  veth.name() + "', 'fallback_name': False}]");
	CHECK(host_has_link(veth.name()));
}

TEST_CASE("an unprivileged caller is told what it lacks, not that the container is not running", "[cli][newuser]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	const std::string as_nobody = "setpriv --reuid=nobody --regid=nogroup --clear-groups ";
	REQUIRE(run(as_nobody + cli() + " --version").status == 0);

	/* The shared container's lxcpath is root's alone (mktemp): its config cannot be read. */
	Split r = run_split(as_nobody + cli_for(ct) + "--json add " + veth.name());
	INFO(r.out);
	CHECK(r.status == 1);
	check_json(r.out, "d['error'] in ('EPERM', 'EACCES') and 'CAP_NET_ADMIN' in d['message'] and 'not running' not in d['message']");

	/* A container whose config anyone may read: liblxc still answers nobody "not running". */
	ScopedContainer open_ct;
	sh("chmod o+rx " + quote(open_ct.lxcpath()) + " " + quote(open_ct.lxcpath() + "/" + open_ct.name()) + " && chmod o+r " +
	   quote(open_ct.lxcpath() + "/" + open_ct.name() + "/config"));
	r = run_split(as_nobody + cli_for(open_ct) + "--json add " + veth.name());
	INFO(r.out);
	CHECK(r.status == 1);
	check_json(r.out, "d['error'] in ('EPERM', 'EACCES') and 'CAP_NET_ADMIN' in d['message'] and 'not running' not in d['message']");
	r = run_split(as_nobody + cli_for(open_ct) + "add " + veth.name());
	CHECK(r.err.find("run it as root") != std::string::npos);
	CHECK(host_has_link(veth.name()));
}

TEST_CASE("bash completion offers verbs without hook, running containers for -n, and del from the container", "[cli][newuser]")
{
	auto &ct = shared_container();
	ScopedVeth veth;
	ScopedContainer stopped(false, {}, {}, &ct); /* beside the running one, in its lxcpath */

	const std::string verbs = complete("lxcnet-device -n x ");
	CHECK(verbs.find("add") != std::string::npos);
	CHECK(verbs.find("del") != std::string::npos);
	CHECK(verbs.find("hook") == std::string::npos);

	const std::string names = complete("lxcnet-device -P " + ct.lxcpath() + " -n ");
	CHECK(("\n" + names).find("\n" + ct.name() + "\n") != std::string::npos);
	CHECK(("\n" + names).find("\n" + stopped.name() + "\n") == std::string::npos);
	CHECK(("\n" + complete("lxcnet-device -P " + ct.lxcpath() + " --name=")).find("\n" + ct.name() + "\n") != std::string::npos);

	sh(cli_for(ct) + "add " + veth.name() + " eth1");
	CHECK(complete("lxcnet-device -P " + ct.lxcpath() + " -n " + ct.name() + " del ").find("eth1") != std::string::npos);
	CHECK(complete("lxcnet-device -P " + ct.lxcpath() + " --name=" + ct.name() + " del e") == "eth1\n");
	CHECK(complete("lxcnet-device --lxcpath=" + ct.lxcpath() + " -n " + ct.name() + " del eth1 ").empty());
	sh(cli_for(ct) + "del eth1");
	CHECK(complete("lxcnet-device -n x add " + veth.name().substr(0, veth.name().size() - 1)).find(veth.name()) != std::string::npos);
}

TEST_CASE("the stop hook also works with LXC's default lxc.hook.version = 0, which passes net:PATH", "[stop][cli][newuser]")
{
	ScopedContainer ct(true, "lxc.hook.stop = " + cli() + " hook");
	ScopedVeth veth;
	veth.configure(124);
	const std::string before = device_state(veth.name());
	lxcnet::Container(ct.name(), ct.lxcpath()).attach_interface(veth.name(), "eth1");
	ct.stop();
	REQUIRE(host_has_link(veth.name()));
	CHECK(device_state(veth.name()) == before);
}

TEST_CASE("examples/container.conf is a working config: its stop hook brings devices home", "[stop][newuser]")
{
	const char *source = std::getenv("LXCNET_SOURCE_ROOT");
	REQUIRE(source != nullptr);
	/* The example's lines, with the built CLI in place of the installed one. */
	std::string config = sh("grep -v '^#' " + quote(std::string(source) + "/examples/container.conf") + " | grep .");
	config = replace_all(config, "/usr/local/bin/lxcnet-device", cli());
	ScopedContainer ct(true, config);
	ScopedVeth veth;
	veth.configure(125);
	const std::string before = device_state(veth.name());
	sh(cli_for(ct) + "add " + veth.name() + " eth1");
	ct.stop();
	REQUIRE(host_has_link(veth.name()));
	CHECK(device_state(veth.name()) == before);
}
