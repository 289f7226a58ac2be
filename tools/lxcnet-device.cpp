/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lxcnet-device: lxc-device's command line, with lxcnet behind it. */
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <getopt.h>
#include <strings.h>
#include <unistd.h>
#include <iostream>
#include <string>
#include <vector>

#include <lxc/lxccontainer.h>

#include <lxcnet/container.hpp>
#include <lxcnet/version.h>

#include "json.hpp"
#include "printable.hpp"
#include "privilege.hpp"

namespace {

using lxcnet::cli::json_string;
using lxcnet::detail::printable;

constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

const char short_usage[] =
	"Usage: lxcnet-device -n NAME [-P LXCPATH] [OPTIONS] add DEV [DST]\n"
	"       lxcnet-device -n NAME [-P LXCPATH] [OPTIONS] del DEV [DST]\n"
	"       lxcnet-device -n NAME [-P LXCPATH] [--json] list\n"
	"       lxcnet-device [--json] list --all\n"
	"       lxcnet-device [-n NAME [-P LXCPATH]] [--json] recover\n"
	"       lxcnet-device hook          (as lxc.hook.stop)\n"
	"       lxcnet-device hook attach DEV[:DST]...   (as lxc.hook.start-host)\n";

const char usage_details[] =
	"\n"
	"Moves network interfaces into (add) and out of (del) a running container,\n"
	"with their addresses, routes and admin state; a DEV with a '/' in it is a\n"
	"device node, handed to liblxc as lxc-device does. recover puts back every\n"
	"device whose teardown never ran (or those of one container); list --all\n"
	"shows every record and where its device is, changing nothing.\n"
	"\n"
	"Options:\n"
	"  -n, --name=NAME          container name\n"
	"  -P, --lxcpath=LXCPATH    container path (default: liblxc's)\n"
	"  -o, --logfile=FILE       liblxc log file\n"
	"  -l, --logpriority=LEVEL  liblxc log priority (TRACE DEBUG INFO NOTICE WARN ERROR CRIT ALERT FATAL)\n"
	"      --rcfile=FILE        load the container's configuration from FILE\n"
	"  -q, --quiet              no error message on stderr\n"
	"      --json               print the result or error as JSON on stdout (nothing on stderr)\n"
	"      --no-preserve        liblxc's bare move: no configuration carried, no record\n"
	"      --state-dir=DIR      lxcnet's record directory (default: $LXCNET_STATE_DIR, else /run/lxcnet)\n"
	"      --all                list: every record on the host, with its state\n"
	"  -h, -?, --help           this text\n"
	"      --usage              the usage lines only\n"
	"      --version            the version\n"
	"\n"
	"Exit status: 0 success, 1 failure (recover: a device that could not be put\n"
	"back), 2 a mistake on the command line.\n"
	"DEV may be a device's name or one of its altnames; DST is at most 15 bytes.\n";

struct Args {
	std::string name;
	std::string lxcpath;
	std::string logfile;
	std::string logpriority;
	std::string rcfile;
	std::string state_dir;
	bool quiet = false;
	bool json = false;
	bool preserve = true;
	bool all = false;
	std::vector<std::string> words;
};

lxcnet::Options options_of(const Args &args)
{
	lxcnet::Options options;
	options.preserve = args.preserve;
	options.state_dir = args.state_dir;
	return options;
}

/* "ENODEV" for 19: what scripts match on. */
const char *errno_name(int errnum)
{
	const char *name = errnum ? strerrorname_np(errnum) : nullptr;
	return name ? name : "";
}

/*
 * The cause, in words, for the end of a human line. The library's what()
 * ends with libc's text for the errno; for the two errnos lxcnet gives its
 * own meaning, that text misleads ("No such process" for a container that is
 * not running, "Stale file handle" for a device that is not the one lent),
 * and the library has already said the cause in words before it.
 */
std::string in_words(const lxcnet::Error &e)
{
	std::string text = e.what();
	const int errnum = e.code().value();
	const std::string libc = ": " + e.code().message();
	if ((errnum == ESRCH || errnum == ESTALE) && text.size() > libc.size() &&
	    text.compare(text.size() - libc.size(), libc.size(), libc) == 0)
		text.erase(text.size() - libc.size());
	return text;
}

/* One device's report as a JSON object: the same shape from del, the stop hook, recover and list --all. */
std::string report_json(const lxcnet::DeviceReport &r)
{
	return "{\"container\":" + json_string(r.container()) + ",\"device\":" + json_string(r.inside_name()) +
	       ",\"host_name\":" + json_string(r.host_name()) + ",\"state\":" + json_string(lxcnet::to_string(r.state())) +
	       ",\"done\":" + json_string(lxcnet::to_string(r.action())) + ",\"fallback_name\":" + (r.fallback_name() ? "true" : "false") +
	       ",\"errno\":" + std::to_string(r.error()) + ",\"error\":" + json_string(errno_name(r.error())) +
	       ",\"lost_master\":" + json_string(r.lost_master()) + ",\"message\":" + json_string(r.message()) +
	       ",\"record\":" + json_string(r.record()) + "}";
}

/* One device's report as a human line: "web1: eth1 -> veth7: returned: ...". */
std::string report_line(const lxcnet::DeviceReport &r, bool with_state)
{
	std::string line = r.container() + ": " + (r.inside_name().empty() ? "?" : r.inside_name()) + " -> " +
			   (r.host_name().empty() ? "?" : r.host_name()) + ": ";
	line += with_state ? lxcnet::to_string(r.state()) : lxcnet::to_string(r.action());
	return printable(line + ": " + r.message());
}

class Cli {
public:
	explicit Cli(const Args &args) : args_(args) {}

	/*
	 * One line on stderr, or with --json one object on stdout and nothing on
	 * stderr. message names the container itself when it is about one.
	 */
	int fail(int code, const std::string &message, int errnum = 0) const
	{
		if (args_.json)
			std::cout << "{\"ok\":false,\"errno\":" << errnum << ",\"error\":" << json_string(errno_name(errnum))
				  << (code == exit_usage ? ",\"usage\":true" : "") << ",\"message\":" << json_string(message) << "}\n";
		else if (!args_.quiet)
			std::cerr << "lxcnet-device: " << printable(message) << "\n";
		return code;
	}

	int fail(const lxcnet::Error &e) const { return fail(exit_failure, in_words(e), e.code().value()); }

	int usage_error(const std::string &message) const { return fail(exit_usage, message + "; try --help", EINVAL); }

	/* more: further JSON members, each beginning with a comma. */
	int succeed(const std::string &action, const std::string &dev, const std::string &dst, const char *kind,
		    const std::string &more = {}) const
	{
		if (args_.json)
			std::cout << "{\"ok\":true,\"action\":" << json_string(action) << ",\"kind\":" << json_string(kind)
				  << ",\"container\":" << json_string(args_.name) << ",\"device\":" << json_string(dev)
				  << ",\"name\":" << json_string(dst) << (action == "del" ? ",\"host_name\":" + json_string(dst) : "") << more
				  << "}\n";
		return 0;
	}

	/* Reports of many devices: ok is false, and the exit status 1, if any failed. */
	int reports(const std::string &action, const std::vector<lxcnet::DeviceReport> &reports, bool with_state) const
	{
		bool ok = true;
		for (const auto &r : reports)
			ok &= r.action() != lxcnet::Action::failed;
		if (args_.json) {
			std::cout << "{\"ok\":" << (ok ? "true" : "false") << ",\"action\":" << json_string(action) << ",\"devices\":[";
			for (size_t i = 0; i < reports.size(); i++)
				std::cout << (i ? "," : "") << report_json(reports[i]);
			std::cout << "]}\n";
		} else {
			for (const auto &r : reports) {
				const bool failed = r.action() == lxcnet::Action::failed;
				if (!failed || !args_.quiet)
					(failed ? std::cerr : std::cout) << "lxcnet-device: " << report_line(r, with_state) << "\n";
			}
		}
		return ok ? 0 : exit_failure;
	}

private:
	const Args &args_;
};

/* The container as liblxc opens it, with --rcfile's configuration in place of its own, as lxc-device loads it. */
std::unique_ptr<lxc_container, decltype(&lxc_container_put)> open_container(const Args &args, std::string &problem, int &errnum)
{
	std::unique_ptr<lxc_container, decltype(&lxc_container_put)> c(
		lxc_container_new(args.name.c_str(), args.lxcpath.empty() ? nullptr : args.lxcpath.c_str()), lxc_container_put);
	if (!c) {
		problem = "liblxc cannot open the container " + args.name;
		errnum = ESRCH;
		/* liblxc takes a lock under /run/lxc even to look: without privileges that is what fails. */
		if (const std::string missing = lxcnet::detail::missing_privileges(); !missing.empty())
			problem += ": " + missing, errnum = EPERM;
		return c;
	}
	if (!args.rcfile.empty()) {
		c->clear_config(c.get());
		if (!c->load_config(c.get(), args.rcfile.c_str())) {
			const int why = ::access(args.rcfile.c_str(), R_OK) == 0 ? EINVAL : errno;
			problem = "cannot load the configuration file " + args.rcfile + " for " + args.name + ": " +
				  (why == EINVAL ? "liblxc does not accept it (see its log, -o FILE -l DEBUG)" : std::strerror(why));
			errnum = why;
			c.reset();
		}
	}
	return c;
}

/*
 * Interface names cannot contain '/', device nodes are paths: so the word
 * itself says which it is, with no guess from what exists (lxc-device looked
 * in PID 1's netns and took "eth10" for an interface when "eth1" existed).
 */
bool is_device_node(const std::string &dev)
{
	return dev.find('/') != std::string::npos;
}

int device_node(const Args &args, const Cli &cli, bool add, const std::string &src, const std::string &dst)
{
	const std::string what = std::string(add ? "add device node " : "remove device node ") + src + (add ? " to " : " from ") + args.name;
	std::string problem;
	int errnum = 0;
	auto c = open_container(args, problem, errnum);
	if (!c)
		return cli.fail(exit_failure, what + ": " + problem, errnum);
	/* The same words as for a network device: undefined, not allowed, or stopped. */
	if (!c->is_defined(c.get()))
		return cli.fail(exit_failure, what + ": no container named " + args.name + " in " + c->config_path, ESRCH);
	if (!c->is_running(c.get())) {
		/* liblxc answers "not running" to a caller it will not talk to. */
		if (const std::string missing = lxcnet::detail::missing_privileges(); !missing.empty())
			return cli.fail(exit_failure, what + ": cannot reach the container's init: " + missing, EPERM);
		return cli.fail(exit_failure, what + ": the container is not running", ESRCH);
	}
	const char *d = dst.empty() ? nullptr : dst.c_str();
	errno = 0;
	bool ok = add ? c->add_device_node(c.get(), src.c_str(), d) : c->remove_device_node(c.get(), src.c_str(), d);
	if (!ok) {
		const int why = errno ? errno : ENODEV;
		return cli.fail(exit_failure, what + ": liblxc refused (see its log, -o FILE -l DEBUG)", why);
	}
	return cli.succeed(add ? "add" : "del", src, dst.empty() ? src : dst, "device-node");
}

/*
 * LXC runs a stop hook in one of two ways. With lxc.hook.version = 1 the
 * container's network namespace is in $LXC_NET_NS and nothing follows the
 * command. With version 0 (LXC's default) it appends NAME SECTION TYPE and
 * one TYPE:PATH word per namespace of the container, "net:/proc/PID/fd/N"
 * among them (lxc.container.conf(5), lxc.hook.stop). Both are taken.
 */
/* The lxcpath of a hook's container: LXC_CONFIG_FILE is <lxcpath>/<name>/config. */
void lxcpath_from_hook(Args &args)
{
	const char *config = std::getenv("LXC_CONFIG_FILE");
	if (!args.lxcpath.empty() || !config)
		return;
	std::string path = config;
	path = path.substr(0, path.rfind('/'));
	args.lxcpath = path.substr(0, path.rfind('/'));
}

/*
 * "hook attach DEV[:DST]..." as lxc.hook.start-host: the devices go into the
 * container as it starts, all or none; a failure fails the start. LXC names
 * the container's init in LXC_PID. With lxc.hook.version = 0 it appends
 * NAME lxc start-host after our words, which are left out here.
 */
int run_hook_attach(Args &args, const Cli &cli)
{
	const char *name = std::getenv("LXC_NAME");
	const char *pid = std::getenv("LXC_PID");
	const char *version = std::getenv("LXC_HOOK_VERSION");
	const char *type = std::getenv("LXC_HOOK_TYPE");
	std::vector<std::string> specs(args.words.begin() + 2, args.words.end());
	if (name && version && std::strcmp(version, "0") == 0) {
		for (size_t k = 0; k + 2 < specs.size(); k++)
			if (specs[k] == name && specs[k + 1] == "lxc") {
				type = nullptr;
				if (specs[k + 2] == "start-host")
					type = "start-host";
				specs.resize(k);
				break;
			}
	}
	if (!name || !pid)
		return cli.usage_error("hook attach: LXC_NAME and LXC_PID are not set; run it as lxc.hook.start-host");
	if (!type || std::strcmp(type, "start-host") != 0)
		return cli.usage_error("hook attach runs as lxc.hook.start-host, where the container's namespaces exist and its init waits");
	if (specs.empty())
		return cli.usage_error("hook attach needs at least one DEV[:DST]");
	std::vector<std::pair<std::string, std::string>> devices;
	for (const auto &spec : specs) {
		/* An interface name never holds ':', so the first one splits DEV from DST. */
		const size_t colon = spec.find(':');
		devices.emplace_back(spec.substr(0, colon), colon == std::string::npos ? "" : spec.substr(colon + 1));
		if (devices.back().first.empty() || (colon != std::string::npos && devices.back().second.empty()))
			return cli.usage_error("hook attach: '" + spec + "' is not DEV or DEV:DST");
	}
	char *end = nullptr;
	const long init = std::strtol(pid, &end, 10);
	if (*pid == '\0' || *end != '\0' || init <= 0)
		return cli.usage_error("hook attach: LXC_PID is not a PID: '" + std::string(pid) + "'");
	args.name = name;
	lxcpath_from_hook(args);
	try {
		lxcnet::Container box(args.name, args.lxcpath);
		const auto attached = box.attach_at_start(devices, static_cast<int>(init), options_of(args));
		if (args.json) {
			std::cout << "{\"ok\":true,\"action\":\"hook attach\",\"container\":" << json_string(args.name) << ",\"devices\":[";
			for (size_t i = 0; i < attached.size(); i++)
				std::cout << (i ? "," : "") << report_json(attached[i]);
			std::cout << "]}\n";
			return 0;
		}
		/* LXC keeps a hook's output in its log. */
		for (const auto &r : attached)
			std::cout << "lxcnet-device: " << printable(args.name) << ": attached " << printable(r.host_name()) << " as "
				  << printable(r.inside_name()) << "\n";
		return 0;
	} catch (const lxcnet::Error &e) {
		return cli.fail(e);
	}
}

int run_hook(Args &args, const Cli &cli)
{
	if (args.words.size() > 1 && args.words[1] == "attach")
		return run_hook_attach(args, cli);
	const char *name = std::getenv("LXC_NAME");
	const char *netns = std::getenv("LXC_NET_NS");
	std::string netns_word;
	if (args.words.size() > 1) {
		if (args.words.size() < 4)
			return cli.usage_error("hook: LXC passes NAME SECTION TYPE and the namespaces (lxc.hook.version = 0), or nothing (version 1)");
		if (args.words[3] != "stop")
			return cli.usage_error("hook: this is a stop hook, not a " + args.words[3] + " hook (lxc.hook." + args.words[3] + ")");
		for (size_t i = 4; i < args.words.size(); i++)
			if (args.words[i].rfind("net:", 0) == 0)
				netns_word = args.words[i].substr(4);
		if (netns_word.empty())
			return cli.fail(exit_usage, "hook: LXC passed no net:PATH argument, so the container has no network namespace of its own", EINVAL);
		name = args.words[1].c_str();
		netns = netns_word.c_str();
	}
	if (!name || !netns)
		return cli.fail(exit_usage, "hook: LXC_NAME and LXC_NET_NS are not set; run it as lxc.hook.stop", EINVAL);
	args.name = name;
	lxcpath_from_hook(args);
	try {
		lxcnet::Container box(args.name, args.lxcpath);
		const auto reports = box.detach_each_from(netns, options_of(args));
		if (args.json) {
			bool ok = true;
			std::string returned, devices;
			for (const auto &r : reports) {
				ok &= r.action() != lxcnet::Action::failed;
				devices += (devices.empty() ? "" : ",") + report_json(r);
				if (r.action() == lxcnet::Action::returned)
					returned += (returned.empty() ? "" : ",") + std::string("{\"device\":") + json_string(r.inside_name()) +
						    ",\"host_name\":" + json_string(r.host_name()) +
						    ",\"fallback_name\":" + (r.fallback_name() ? "true" : "false") + "}";
			}
			std::cout << "{\"ok\":" << (ok ? "true" : "false") << ",\"action\":\"hook\",\"container\":" << json_string(args.name)
				  << ",\"returned\":[" << returned << "],\"devices\":[" << devices << "]}\n";
			return ok ? 0 : exit_failure;
		}
		bool ok = true;
		for (const auto &r : reports) {
			ok &= r.action() != lxcnet::Action::failed;
			if (r.action() == lxcnet::Action::returned)
				std::cout << "lxcnet-device: " << printable(args.name) << ": returned " << printable(r.inside_name())
					  << " to the host as " << printable(r.host_name())
					  << (r.fallback_name() ? " (its original name was taken)" : "") << "\n";
			else if (r.action() == lxcnet::Action::failed && !args.quiet)
				std::cerr << "lxcnet-device: " << report_line(r, false) << "\n";
			else if (r.action() == lxcnet::Action::retired)
				std::cout << "lxcnet-device: " << report_line(r, false) << "\n";
		}
		return ok ? 0 : exit_failure;
	} catch (const lxcnet::Error &e) {
		return cli.fail(e);
	}
}

/* recover, and list --all: every record (or one container's), as the library judges it. */
int run_records(const Args &args, const Cli &cli, bool recover)
{
	const std::string verb = recover ? "recover" : "list --all";
	if (args.words.size() > 1)
		return cli.usage_error(verb + " takes no arguments, got '" + args.words[1] + "'");
	if (!recover && !args.name.empty())
		return cli.usage_error("list --all lists every container's records; leave out -n, or use list without --all");
	if (!args.lxcpath.empty() && args.name.empty())
		return cli.usage_error("-P LXCPATH goes with -n NAME");
	try {
		if (!recover)
			return cli.reports("list", lxcnet::list_records(options_of(args)), true);
		if (args.name.empty())
			return cli.reports("recover", lxcnet::recover(options_of(args)), false);
		return cli.reports("recover", lxcnet::Container(args.name, args.lxcpath).recover(options_of(args)), false);
	} catch (const lxcnet::Error &e) {
		return cli.fail(e);
	}
}

int run(Args &args)
{
	Cli cli(args);
	if (args.words.empty())
		return cli.usage_error("no command given (add, del, list or recover)");
	const std::string &verb = args.words[0];
	if (verb == "hook")
		return run_hook(args, cli);
	/* Verbs match exactly: lxc-device took "a" or even "" for add. */
	if (verb != "add" && verb != "del" && verb != "list" && verb != "recover")
		return cli.usage_error("unknown command '" + verb + "' (add, del, list or recover)");
	const size_t arity = args.words.size() - 1;
	if (args.all && verb != "list")
		return cli.usage_error("--all goes with list");
	if (verb == "recover" || (verb == "list" && args.all))
		return run_records(args, cli, verb == "recover");
	if (verb == "list" && arity > 0)
		return cli.usage_error("list takes no arguments, got '" + args.words[1] + "'");
	if (verb != "list" && arity == 0)
		return cli.usage_error(verb + " needs DEV: " + verb + " DEV [DST]");
	if (verb != "list" && arity > 2)
		return cli.usage_error("too many arguments for " + verb + ": '" + args.words[3] + "' after DEV and DST");
	/* Omitted keeps the name; given but empty is a mistake, as in the C API. */
	if (arity == 2 && args.words[2].empty())
		return cli.usage_error(verb + " " + args.words[1] + ": DST is empty; leave it out to keep the name");
	if (args.name.empty())
		return cli.usage_error("-n NAME is required");

	/* With --rcfile, liblxc's container is opened here, so that the configuration is that file's. */
	std::unique_ptr<lxc_container, decltype(&lxc_container_put)> configured(nullptr, lxc_container_put);
	if (!args.rcfile.empty()) {
		std::string problem;
		int errnum = 0;
		if (!(configured = open_container(args, problem, errnum)))
			return cli.fail(exit_failure, problem, errnum);
	}
	try {
		lxcnet::Container box = configured ? lxcnet::Container(configured.get()) : lxcnet::Container(args.name, args.lxcpath);
		if (verb == "list") {
			auto names = box.interfaces();
			if (args.json) {
				std::cout << "{\"ok\":true,\"action\":\"list\",\"container\":" << json_string(args.name) << ",\"interfaces\":[";
				for (size_t i = 0; i < names.size(); i++)
					std::cout << (i ? "," : "") << json_string(names[i]);
				std::cout << "]}\n";
			} else {
				/* Names come from inside the container: nothing but printable ASCII onto the caller's terminal. */
				for (const auto &n : names)
					std::cout << printable(n) << "\n";
			}
			return 0;
		}
		const std::string &dev = args.words[1];
		const std::string dst = arity == 2 ? args.words[2] : "";
		if (is_device_node(dev))
			return device_node(args, cli, verb == "add", dev, dst);
		if (verb == "add") {
			box.attach_interface(dev, dst, options_of(args));
			return cli.succeed("add", dev, dst.empty() ? dev : dst, "network");
		}
		const lxcnet::DeviceReport report = box.detach(dev, dst, options_of(args));
		/* Without a DST, the name lxcnet chose is news to the caller. */
		if (dst.empty() && !args.json && !args.quiet)
			std::cout << printable(dev) << " -> " << printable(report.host_name()) << "\n";
		/* Not a failure, but not the round trip the caller expects either. */
		if (!report.lost_master().empty() && !args.json && !args.quiet)
			std::cerr << "lxcnet-device: note: " << printable(report.message()) << "\n";
		return cli.succeed("del", dev, report.host_name(), "network",
				   report.lost_master().empty() ? std::string()
								: ",\"lost_master\":" + json_string(report.lost_master()) +
									  ",\"message\":" + json_string(report.message()));
	} catch (const lxcnet::Error &e) {
		return cli.fail(e);
	}
}

/* liblxc's log priorities: lxc_log_init() takes any other word silently, so it is checked here. */
bool known_log_priority(const std::string &level)
{
	for (const char *known : {"TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "ERROR", "CRIT", "ALERT", "FATAL"})
		if (strcasecmp(level.c_str(), known) == 0)
			return true;
	return false;
}

/* liblxc's log as -o and -l ask; an unusable one is an error, never silently no log. */
int open_log(const Args &args, const Cli &cli)
{
	if (!args.logpriority.empty() && !known_log_priority(args.logpriority))
		return cli.usage_error("unknown log priority '" + args.logpriority + "' (TRACE DEBUG INFO NOTICE WARN ERROR CRIT ALERT FATAL)");
	if (args.logfile.empty())
		return 0; /* liblxc logs nowhere without a file: a priority alone changes nothing, as with lxc-device */
	/* liblxc reports no failure to open its file: opening it first gives the reason in words. */
	const int fd = ::open(args.logfile.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return cli.fail(exit_failure, "cannot open the log file " + args.logfile + ": " + std::strerror(errno), errno);
	::close(fd);
	lxc_log log{};
	log.name = args.name.empty() ? nullptr : args.name.c_str();
	log.lxcpath = args.lxcpath.empty() ? nullptr : args.lxcpath.c_str();
	log.file = args.logfile.c_str();
	log.level = args.logpriority.empty() ? nullptr : args.logpriority.c_str();
	log.prefix = "lxcnet-device";
	log.quiet = args.quiet;
	if (lxc_log_init(&log) != 0)
		return cli.fail(exit_failure, "liblxc cannot log to " + args.logfile, EIO);
	return 0;
}

} /* namespace */

int main(int argc, char **argv)
{
	enum { opt_json = 256, opt_no_preserve, opt_version, opt_usage, opt_rcfile, opt_state_dir, opt_all };
	static const option long_options[] = {
		{"name", required_argument, nullptr, 'n'},
		{"lxcpath", required_argument, nullptr, 'P'},
		{"logfile", required_argument, nullptr, 'o'},
		{"logpriority", required_argument, nullptr, 'l'},
		{"rcfile", required_argument, nullptr, opt_rcfile},
		{"state-dir", required_argument, nullptr, opt_state_dir},
		{"quiet", no_argument, nullptr, 'q'},
		{"json", no_argument, nullptr, opt_json},
		{"no-preserve", no_argument, nullptr, opt_no_preserve},
		{"all", no_argument, nullptr, opt_all},
		{"help", no_argument, nullptr, 'h'},
		{"usage", no_argument, nullptr, opt_usage},
		{"version", no_argument, nullptr, opt_version},
		{},
	};
	Args args;
	/* Scanned first, so that a mistake on the command line is reported in JSON when --json is anywhere on it. */
	for (int i = 1; i < argc && std::strcmp(argv[i], "--") != 0; i++)
		args.json |= std::strcmp(argv[i], "--json") == 0;
	const Cli cli(args);
	std::string mistake;
	int c;
	opterr = 0; /* getopt's own messages are not one line each with the verb's words: ours are */
	/* Options may follow the verb, as with lxc-device; "--" ends them for a DEV that starts with '-'. */
	while ((c = getopt_long(argc, argv, ":n:P:o:l:qh", long_options, nullptr)) != -1) {
		switch (c) {
		case 'n': args.name = optarg; break;
		case 'P': args.lxcpath = optarg; break;
		case 'o': args.logfile = optarg; break;
		case 'l': args.logpriority = optarg; break;
		case opt_rcfile: args.rcfile = optarg; break;
		case opt_state_dir:
			if (!*optarg && mistake.empty())
				mistake = "--state-dir needs a directory";
			args.state_dir = optarg;
			break;
		case 'q': args.quiet = true; break;
		case opt_json: args.json = true; break;
		case opt_no_preserve: args.preserve = false; break;
		case opt_all: args.all = true; break;
		case 'h': std::cout << short_usage << usage_details; return 0;
		case opt_usage: std::cout << short_usage; return 0;
		case opt_version: std::cout << "lxcnet-device " LXCNET_VERSION "\n"; return 0;
		case ':':
			if (mistake.empty())
				mistake = "option " + std::string(argv[optind - 1]) + " needs a value";
			break;
		default:
			/* "-?" is lxc's spelling of --help; any other unknown option comes here too. */
			if (optopt == '?') {
				std::cout << short_usage << usage_details;
				return 0;
			}
			if (mistake.empty())
				mistake = optopt ? "unknown option -" + std::string(1, static_cast<char>(optopt))
						 : "unknown option " + std::string(argv[optind - 1]);
			break;
		}
	}
	if (!mistake.empty())
		return cli.usage_error(mistake);
	for (int i = optind; i < argc; i++)
		args.words.emplace_back(argv[i]);
	if (int r = open_log(args, cli); r != 0)
		return r;
	return run(args);
}
