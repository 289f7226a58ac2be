/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "record.hpp"

#include <cerrno>
#include <new>
#include <optional>
#include <vector>

#include "names.hpp"
#include "record_lines.hpp"

namespace lxcnet::detail {

using namespace record_lines;

namespace {

constexpr std::string_view magic = "lxcnet-record 1";

/*
 * Reads a record line by line after its magic. Each scalar key has a bit in
 * seen_, so it comes exactly once; the optional keys (lxcpath, identity,
 * sysctl, master) came later and may be missing from older records.
 */
class RecordReader {
public:
	bool line(const std::vector<std::string_view> &words);
	bool complete() const { return ended_ && seen_ == all_scalars; }
	Record take() { return std::move(record_); }

private:
	static constexpr unsigned all_scalars = (1u << 10) - 1;

	/* Each reads the keys of its kind, and is nullopt for any other key. */
	std::optional<bool> scalar(const std::vector<std::string_view> &words);
	std::optional<bool> optional(const std::vector<std::string_view> &words);
	std::optional<bool> repeated(const std::vector<std::string_view> &words);
	bool once(unsigned bit, size_t nwords, size_t have)
	{
		if ((seen_ & bit) || have != nwords)
			return false;
		seen_ |= bit;
		return true;
	}

	Record record_;
	unsigned seen_ = 0;
	unsigned sysctl_families_ = 0;
	bool ended_ = false;
};

bool RecordReader::line(const std::vector<std::string_view> &words)
{
	if (words.empty() || ended_)
		return false;
	std::optional<bool> ok = scalar(words);
	if (!ok)
		ok = optional(words);
	if (!ok)
		ok = repeated(words);
	if (!ok && words[0] == "end" && words.size() == 1)
		ok = ended_ = true;
	return ok.value_or(false);
}

std::optional<bool> RecordReader::scalar(const std::vector<std::string_view> &words)
{
	const std::string_view key = words[0];
	const size_t n = words.size();
	Record &r = record_;
	LinkState &h = r.host;
	if (key == "container")
		return once(1u << 0, 2, n) && unescape(words[1], r.container) && !r.container.empty();
	if (key == "netns")
		return once(1u << 1, 4, n) && number(words[1], r.netns.dev) && number(words[2], r.netns.ino) &&
		       number(words[3], r.netns.cookie);
	if (key == "name")
		return once(1u << 2, 2, n) && unescape(words[1], h.name) && !ifname_problem(h.name);
	if (key == "ifindex")
		return once(1u << 3, 2, n) && number(words[1], h.ifindex) && h.ifindex > 0;
	if (key == "mac") {
		if (!once(1u << 4, 2, n))
			return false;
		h.mac = words[1];
		return valid_mac(h.mac);
	}
	if (key == "mtu")
		return once(1u << 5, 2, n) && number(words[1], h.mtu);
	if (key == "up") {
		h.up = n == 2 && words[1] == "1";
		return once(1u << 6, 2, n) && (words[1] == "0" || words[1] == "1");
	}
	if (key == "alias") /* an empty alias escapes to nothing, leaving the key alone on its line */
		return once(1u << 7, n, n) && n <= 2 && (n == 1 || unescape(words[1], h.alias));
	if (key == "inside-name")
		return once(1u << 8, 2, n) && unescape(words[1], r.inside_name) && !ifname_problem(r.inside_name);
	if (key == "inside-ifindex")
		return once(1u << 9, 2, n) && number(words[1], r.inside_ifindex) && r.inside_ifindex > 0;
	return std::nullopt;
}

std::optional<bool> RecordReader::optional(const std::vector<std::string_view> &words)
{
	const std::string_view key = words[0];
	Record &r = record_;
	/* Without it, recovery cannot ask LXC whether the container still runs there. */
	if (key == "lxcpath")
		return words.size() == 2 && r.lxcpath.empty() && unescape(words[1], r.lxcpath) && !r.lxcpath.empty() &&
		       r.lxcpath[0] == '/' && r.lxcpath.find('\0') == std::string::npos;
	/* Without it, the device is followed by ifindex, MAC and namespace, as before it was kept. */
	if (key == "identity")
		return !r.identity.known && parse_identity(words, r.identity);
	if (key == "sysctl")
		return parse_sysctls(words, r.host.sysctls, sysctl_families_);
	/* Only a port has one. */
	if (key == "master")
		return r.host.membership.master == 0 && parse_master(words, r.host.membership);
	return std::nullopt;
}

std::optional<bool> RecordReader::repeated(const std::vector<std::string_view> &words)
{
	const std::string_view key = words[0];
	LinkState &h = record_.host;
	if (key == "addr")
		return parse_address(words, h.addresses.emplace_back());
	if (key == "route")
		return parse_route(words, h.routes.emplace_back());
	if (key == "neigh")
		return parse_neighbour(words, h.neighbours.emplace_back());
	return std::nullopt;
}

} /* namespace */

std::string format_record(const Record &r)
{
	const LinkState &h = r.host;
	std::string out(magic);
	out += "\ncontainer " + escape(r.container);
	if (!r.lxcpath.empty())
		out += "\nlxcpath " + escape(r.lxcpath);
	out += "\nnetns " + std::to_string(r.netns.dev) + " " + std::to_string(r.netns.ino) + " " + std::to_string(r.netns.cookie);
	out += "\nname " + escape(h.name);
	out += "\nifindex " + std::to_string(h.ifindex);
	out += "\nmac " + h.mac;
	out += "\nmtu " + std::to_string(h.mtu);
	out += std::string("\nup ") + (h.up ? "1" : "0");
	out += "\nalias " + escape(h.alias);
	out += "\ninside-name " + escape(r.inside_name);
	out += "\ninside-ifindex " + std::to_string(r.inside_ifindex);
	out += identity_line(r.identity);
	out += master_line(h.membership);
	out += sysctl_lines(h.sysctls);
	for (const Address &a : h.addresses)
		out += address_line(a);
	for (const Route &route : h.routes)
		out += route_line(route);
	for (const Neighbour &n : h.neighbours)
		out += neighbour_line(n);
	out += "\nend\n";
	return out;
}

int parse_record(std::string_view text, Record &out) noexcept
{
	try {
		RecordReader reader;
		size_t pos = 0;
		bool first = true;
		while (pos < text.size()) {
			const size_t nl = text.find('\n', pos);
			if (nl == std::string_view::npos)
				return -EBADMSG; /* a record always ends with "end\n": a short file is a torn write */
			const std::string_view line = text.substr(pos, nl - pos);
			pos = nl + 1;
			const bool ok = first ? line == magic : reader.line(split(line));
			first = false;
			if (!ok)
				return -EBADMSG;
		}
		if (!reader.complete())
			return -EBADMSG;
		out = reader.take();
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

} /* namespace lxcnet::detail */
