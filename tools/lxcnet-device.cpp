/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lxcnet-device: lxc-device's command line, with lxcnet behind it. */
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <getopt.h>
#include <iostream>
#include <string>
#include <vector>

#include <lxc/lxccontainer.h>

#include <lxcnet/container.hpp>
#include <lxcnet/version.h>

#include "json.hpp"
#include "printable.hpp"

namespace {

using lxcnet::cli::json_string;
using lxcnet::detail::printable;

constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

const char usage[] =
	"Usage: lxcnet-device -n NAME [-P LXCPATH] [OPTIONS] add DEV [DST]\n"
	"       lxcnet-device -n NAME [-P LXCPATH] [OPTIONS] del DEV [DST]\n"
	"       lxcnet-device -n NAME [-P LXCPATH] [--json] list\n"
	"       lxcnet-device hook          (as lxc.hook.stop, with lxc.hook.version = 1)\n"
	"\n"
	"Moves network interfaces into (add) and out of (del) a running container,\n"
	"with their addresses, routes and admin state; a DEV with a '/' in it is a\n"
	"device node, handed to liblxc as lxc-device does.\n"
	"\n"
	"Options:\n"
	"  -n, --name=NAME          container name\n"
	"  -P, --lxcpath=LXCPATH    container path (default: liblxc's)\n"
	"  -o, --logfile=FILE       liblxc log file\n"
	"  -l, --logpriority=LEVEL  liblxc log priority\n"
	"  -q, --quiet              no error message on stderr\n"
	"      --json               print the result or error as JSON on stdout\n"
	"      --no-preserve        liblxc's bare move: no configuration carried, no record\n"
	"  -h, --help               this text\n"
	"      --version            the version\n";

struct Args {
	std::string name;
	std::string lxcpath;
	std::string logfile;
	std::string logpriority;
	bool quiet = false;
	bool json = false;
	bool preserve = true;
	std::vector<std::string> words;
};

/* "ENODEV" for 19: what scripts match on. */
const char *errno_name(int errnum)
{
	const char *name = errnum ? strerrorname_np(errnum) : nullptr;
	return name ? name : "";
}

class Cli {
public:
	explicit Cli(const Args &args) : args_(args) {}

	int fail(int code, const std::string &message, int errnum = 0) const
	{
		if (args_.json)
			std::cout << "{\"ok\":false,\"errno\":" << errnum << ",\"error\":" << json_string(errno_name(errnum))
				  << ",\"message\":" << json_string(message) << "}\n";
		if (!args_.quiet)
			std::cerr << "lxcnet-device: " << (args_.name.empty() ? "" : printable(args_.name) + ": ") << printable(message) << "\n";
		return code;
	}

	int fail(const lxcnet::Error &e) const { return fail(exit_failure, e.what(), e.code().value()); }

	int succeed(const std::string &action, const std::string &dev, const std::string &dst, const char *kind) const
	{
		if (args_.json)
			std::cout << "{\"ok\":true,\"action\":" << json_string(action) << ",\"kind\":" << json_string(kind)
				  << ",\"container\":" << json_string(args_.name) << ",\"device\":" << json_string(dev)
				  << ",\"name\":" << json_string(dst) << "}\n";
		return 0;
	}

private:
	const Args &args_;
};

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
	std::unique_ptr<lxc_container, decltype(&lxc_container_put)> c(
		lxc_container_new(args.name.c_str(), args.lxcpath.empty() ? nullptr : args.lxcpath.c_str()), lxc_container_put);
	if (!c)
		return cli.fail(exit_failure, "cannot open the container", ENOMEM);
	if (!c->is_running(c.get()))
		return cli.fail(exit_failure, "the container is not running", ESRCH);
	const char *d = dst.empty() ? nullptr : dst.c_str();
	errno = 0;
	bool ok = add ? c->add_device_node(c.get(), src.c_str(), d) : c->remove_device_node(c.get(), src.c_str(), d);
	if (!ok) {
		int errnum = errno ? errno : ENODEV;
		return cli.fail(exit_failure, std::string(add ? "add" : "remove") + " device node " + src +
			": liblxc refused (see its log, -o FILE -l DEBUG)", errnum);
	}
	return cli.succeed(add ? "add" : "del", src, dst.empty() ? src : dst, "device-node");
}

int run_hook(Args &args, const Cli &cli)
{
	const char *name = std::getenv("LXC_NAME");
	const char *netns = std::getenv("LXC_NET_NS");
	const char *config = std::getenv("LXC_CONFIG_FILE");
	if (!name || !netns)
		return cli.fail(exit_usage, "hook: LXC_NAME and LXC_NET_NS are not set; run it as lxc.hook.stop with lxc.hook.version = 1", EINVAL);
	args.name = name;
	if (args.lxcpath.empty() && config) {
		/* LXC_CONFIG_FILE is <lxcpath>/<name>/config. */
		std::string path = config;
		path = path.substr(0, path.rfind('/'));
		args.lxcpath = path.substr(0, path.rfind('/'));
	}
	try {
		lxcnet::Container box(args.name, args.lxcpath);
		lxcnet::Options options;
		options.preserve = args.preserve;
		for (const auto &r : box.detach_all_from(netns, options))
			std::cout << "lxcnet-device: " << printable(args.name) << ": returned " << printable(r.container_name)
				  << " to the host as " << printable(r.host_name) << (r.fallback_name ? " (its original name was taken)" : "") << "\n";
		return 0;
	} catch (const lxcnet::Error &e) {
		return cli.fail(e);
	}
}

int run(Args &args)
{
	Cli cli(args);
	if (args.words.empty())
		return cli.fail(exit_usage, "no command given (add, del, list or hook); try --help", EINVAL);
	const std::string &verb = args.words[0];
	if (verb == "hook")
		return run_hook(args, cli);
	if (args.name.empty())
		return cli.fail(exit_usage, "-n NAME is required; try --help", EINVAL);

	const size_t arity = args.words.size() - 1;
	try {
		lxcnet::Options options;
		options.preserve = args.preserve;
		if (verb == "list" && arity == 0) {
			lxcnet::Container box(args.name, args.lxcpath);
			auto names = box.interfaces();
			if (args.json) {
				std::cout << "{\"container\":" << json_string(args.name) << ",\"interfaces\":[";
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
		/* Verbs match exactly: lxc-device took "a" or even "" for add. */
		if ((verb == "add" || verb == "del") && (arity == 1 || arity == 2)) {
			const std::string &dev = args.words[1];
			const std::string dst = arity == 2 ? args.words[2] : "";
			/* Omitted keeps the name; given but empty is a bad name, as in the C API. */
			if (arity == 2 && dst.empty())
				return cli.fail(exit_failure, verb + " " + dev + ": empty destination name", EINVAL);
			lxcnet::Container box(args.name, args.lxcpath);
			if (is_device_node(dev))
				return device_node(args, cli, verb == "add", dev, dst);
			if (verb == "add") {
				box.attach_interface(dev, dst, options);
				return cli.succeed("add", dev, dst.empty() ? dev : dst, "network");
			}
			box.detach_interface(dev, dst, options);
			return cli.succeed("del", dev, dst, "network");
		}
	} catch (const lxcnet::Error &e) {
		return cli.fail(e);
	}
	return cli.fail(exit_usage, "unknown command or wrong number of arguments: '" + verb + "' (add DEV [DST], del DEV [DST], list, hook); try --help", EINVAL);
}

} /* namespace */

int main(int argc, char **argv)
{
	enum { opt_json = 256, opt_no_preserve, opt_version };
	static const option long_options[] = {
		{"name", required_argument, nullptr, 'n'},
		{"lxcpath", required_argument, nullptr, 'P'},
		{"logfile", required_argument, nullptr, 'o'},
		{"logpriority", required_argument, nullptr, 'l'},
		{"quiet", no_argument, nullptr, 'q'},
		{"json", no_argument, nullptr, opt_json},
		{"no-preserve", no_argument, nullptr, opt_no_preserve},
		{"help", no_argument, nullptr, 'h'},
		{"version", no_argument, nullptr, opt_version},
		{},
	};
	Args args;
	int c;
	/* Options may follow the verb, as with lxc-device; "--" ends them for a DEV that starts with '-'. */
	while ((c = getopt_long(argc, argv, "n:P:o:l:qh", long_options, nullptr)) != -1) {
		switch (c) {
		case 'n': args.name = optarg; break;
		case 'P': args.lxcpath = optarg; break;
		case 'o': args.logfile = optarg; break;
		case 'l': args.logpriority = optarg; break;
		case 'q': args.quiet = true; break;
		case opt_json: args.json = true; break;
		case opt_no_preserve: args.preserve = false; break;
		case 'h': std::cout << usage; return 0;
		case opt_version: std::cout << "lxcnet-device " LXCNET_VERSION "\n"; return 0;
		default: std::cerr << "Try 'lxcnet-device --help'.\n"; return exit_usage;
		}
	}
	for (int i = optind; i < argc; i++)
		args.words.emplace_back(argv[i]);

	if (!args.logfile.empty() || !args.logpriority.empty()) {
		lxc_log log{};
		log.name = args.name.empty() ? nullptr : args.name.c_str();
		log.lxcpath = args.lxcpath.empty() ? nullptr : args.lxcpath.c_str();
		log.file = args.logfile.empty() ? nullptr : args.logfile.c_str();
		log.level = args.logpriority.empty() ? nullptr : args.logpriority.c_str();
		log.prefix = "lxcnet-device";
		log.quiet = args.quiet;
		if (lxc_log_init(&log) != 0) {
			std::cerr << "lxcnet-device: cannot open log " << printable(args.logfile) << "\n";
			return exit_usage;
		}
	}
	return run(args);
}
