/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "record.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <array>
#include <optional>
#include <map>
#include <vector>

#include <arpa/inet.h>

#include "names.hpp"
#include "sysctls.hpp"

namespace lxcnet::detail {

namespace {

constexpr std::string_view magic = "lxcnet-record 1";

/* Values are percent-encoded so that any alias or label stays on one line and splits on spaces. */
std::string escape(std::string_view in)
{
	std::string out;
	for (unsigned char c : in) {
		if (c <= 0x20 || c >= 0x7f || c == '%' || c == '=') {
			char hex[4];
			std::snprintf(hex, sizeof(hex), "%%%02X", c);
			out += hex;
		} else {
			out += static_cast<char>(c);
		}
	}
	return out;
}

bool unescape(std::string_view in, std::string &out)
{
	out.clear();
	for (size_t i = 0; i < in.size(); i++) {
		if (in[i] != '%') {
			out += in[i];
			continue;
		}
		unsigned value = 0;
		if (i + 2 >= in.size())
			return false;
		auto [end, ec] = std::from_chars(in.data() + i + 1, in.data() + i + 3, value, 16);
		if (ec != std::errc() || end != in.data() + i + 3)
			return false;
		out += static_cast<char>(value);
		i += 2;
	}
	return true;
}

template <class T>
bool number(std::string_view text, T &out)
{
	auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
	return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

bool valid_ip(int family, const std::string &text, bool may_be_empty)
{
	if (text.empty())
		return may_be_empty;
	/* inet_pton would stop at an embedded NUL and accept what format_record then writes back differently. */
	if (text.find('\0') != std::string::npos)
		return false;
	unsigned char bin[16];
	return inet_pton(family, text.c_str(), bin) == 1;
}

bool valid_mac(const std::string &text)
{
	unsigned char bytes[max_mac_bytes];
	size_t size;
	return mac_bytes(text, bytes, size);
}

std::vector<std::string_view> split(std::string_view line)
{
	std::vector<std::string_view> words;
	size_t pos = 0;
	while (pos < line.size()) {
		size_t end = line.find(' ', pos);
		if (end == std::string_view::npos)
			end = line.size();
		if (end > pos)
			words.push_back(line.substr(pos, end - pos));
		pos = end + 1;
	}
	return words;
}

/* "k=v k=v" after the line's key: every field exactly once, nothing else. */
bool fields(const std::vector<std::string_view> &words, std::map<std::string, std::string, std::less<>> &out)
{
	for (size_t i = 1; i < words.size(); i++) {
		size_t eq = words[i].find('=');
		if (eq == std::string_view::npos)
			return false;
		std::string value;
		if (!unescape(words[i].substr(eq + 1), value))
			return false;
		if (!out.emplace(std::string(words[i].substr(0, eq)), std::move(value)).second)
			return false;
	}
	return true;
}

bool parse_address(const std::vector<std::string_view> &words, Address &a)
{
	std::map<std::string, std::string, std::less<>> f;
	if (!fields(words, f) || f.size() != 8)
		return false;
	try {
		if (!number(f.at("family"), a.family) || (a.family != AF_INET && a.family != AF_INET6))
			return false;
		a.local = f.at("local");
		a.peer = f.at("peer");
		a.broadcast = f.at("brd");
		a.label = f.at("label");
		unsigned max = a.family == AF_INET ? 32 : 128;
		return number(f.at("plen"), a.prefixlen) && a.prefixlen <= max && number(f.at("scope"), a.scope) &&
		       number(f.at("flags"), a.flags) && valid_ip(a.family, a.local, false) &&
		       valid_ip(a.family, a.peer, true) && valid_ip(a.family, a.broadcast, true) && a.label.size() <= 15;
	} catch (const std::out_of_range &) {
		return false;
	}
}

/* "gw/weight/flags,gw/weight/flags[,...]": a multipath route's hops, two at least. */
bool parse_hops(int family, std::string_view text, std::vector<Hop> &hops)
{
	size_t pos = 0;
	while (pos <= text.size()) {
		size_t end = text.find(',', pos);
		if (end == std::string_view::npos)
			end = text.size();
		const std::string_view hop = text.substr(pos, end - pos);
		const size_t a = hop.find('/');
		const size_t b = a == std::string_view::npos ? a : hop.find('/', a + 1);
		if (b == std::string_view::npos)
			return false;
		Hop h;
		h.gateway = std::string(hop.substr(0, a));
		if (!valid_ip(family, h.gateway, true) || !number(hop.substr(a + 1, b - a - 1), h.weight) || h.weight > 255 ||
		    !number(hop.substr(b + 1), h.flags))
			return false;
		hops.push_back(std::move(h));
		pos = end + 1;
	}
	return hops.size() >= 2;
}

std::string format_hops(const std::vector<Hop> &hops)
{
	std::string text;
	for (const Hop &h : hops)
		text += (text.empty() ? "" : ",") + h.gateway + "/" + std::to_string(h.weight) + "/" + std::to_string(h.flags);
	return text;
}

bool parse_route(const std::vector<std::string_view> &words, Route &r)
{
	std::map<std::string, std::string, std::less<>> f;
	/* hops is optional: only a multipath route has it, and records from before multipath routes had none. */
	if (!fields(words, f) || f.size() != 12 + f.count("hops"))
		return false;
	try {
		if (f.count("hops") && !parse_hops(f.at("family") == "10" ? AF_INET6 : AF_INET, f.at("hops"), r.hops))
			return false;
		if (!number(f.at("family"), r.family) || (r.family != AF_INET && r.family != AF_INET6))
			return false;
		r.dst = f.at("dst");
		r.gateway = f.at("gw");
		r.prefsrc = f.at("src");
		unsigned max = r.family == AF_INET ? 32 : 128;
		return number(f.at("dlen"), r.dst_len) && r.dst_len <= max && number(f.at("table"), r.table) &&
		       number(f.at("proto"), r.protocol) && number(f.at("scope"), r.scope) && number(f.at("type"), r.type) &&
		       number(f.at("metric"), r.metric) && number(f.at("mtu"), r.mtu) && number(f.at("nhflags"), r.nh_flags) &&
		       valid_ip(r.family, r.dst, true) && valid_ip(r.family, r.gateway, true) &&
		       valid_ip(r.family, r.prefsrc, true) && (!r.dst.empty() || r.dst_len == 0);
	} catch (const std::out_of_range &) {
		return false;
	}
}

bool parse_neighbour(const std::vector<std::string_view> &words, Neighbour &n)
{
	std::map<std::string, std::string, std::less<>> f;
	if (!fields(words, f) || f.size() != 4)
		return false;
	try {
		if (!number(f.at("family"), n.family) || (n.family != AF_INET && n.family != AF_INET6))
			return false;
		n.dst = f.at("dst");
		n.lladdr = f.at("lladdr");
		return number(f.at("flags"), n.flags) && valid_ip(n.family, n.dst, false) && (n.lladdr.empty() || valid_mac(n.lladdr));
	} catch (const std::out_of_range &) {
		return false;
	}
}

bool parse_identity(const std::vector<std::string_view> &words, Identity &id)
{
	std::map<std::string, std::string, std::less<>> f;
	if (!fields(words, f) || f.size() != 5)
		return false;
	try {
		id.kind = f.at("kind");
		id.perm_mac = f.at("perm");
		id.parent = f.at("parent");
		const std::string &host = f.at("link-host");
		id.link_on_host = host == "1";
		id.known = true;
		return number(f.at("link"), id.link) && id.link >= 0 && (host == "0" || host == "1") &&
		       (id.perm_mac.empty() || valid_mac(id.perm_mac)) && id.kind.size() <= 64 && id.parent.size() <= 512;
	} catch (const std::out_of_range &) {
		return false;
	}
}

/* "sysctl ipv4 forwarding=1 rp_filter=2 ...": a family's values by name, each known name at most once. */
template <size_t N>
bool parse_sysctls(const std::vector<std::string_view> &words, bool ipv6, std::array<std::optional<int32_t>, N> &out)
{
	for (size_t i = 2; i < words.size(); i++) {
		const size_t eq = words[i].find('=');
		if (eq == std::string_view::npos)
			return false;
		const int at = sysctl_index(ipv6, words[i].substr(0, eq));
		int32_t value = 0;
		if (at < 0 || out[static_cast<size_t>(at)] || !number(words[i].substr(eq + 1), value))
			return false;
		out[static_cast<size_t>(at)] = value;
	}
	return true;
}

template <size_t N>
std::string format_sysctls(const char *family, const std::array<SysctlName, N> &table, const std::array<std::optional<int32_t>, N> &values)
{
	std::string line;
	for (size_t i = 0; i < N; i++)
		if (values[i])
			line += std::string(" ") + table[i].name + "=" + std::to_string(*values[i]);
	return line.empty() ? line : std::string("\nsysctl ") + family + line;
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
	if (r.identity.known)
		out += "\nidentity kind=" + escape(r.identity.kind) + " link=" + std::to_string(r.identity.link) +
		       " link-host=" + (r.identity.link_on_host ? "1" : "0") + " perm=" + r.identity.perm_mac +
		       " parent=" + escape(r.identity.parent);
	out += format_sysctls("ipv4", ipv4_sysctls, h.sysctls.ipv4);
	out += format_sysctls("ipv6", ipv6_sysctls, h.sysctls.ipv6);
	for (const Address &a : h.addresses)
		out += "\naddr family=" + std::to_string(a.family) + " local=" + a.local + " plen=" + std::to_string(a.prefixlen) +
		       " peer=" + a.peer + " brd=" + a.broadcast + " label=" + escape(a.label) + " scope=" + std::to_string(a.scope) +
		       " flags=" + std::to_string(a.flags);
	for (const Route &rt : h.routes)
		out += "\nroute family=" + std::to_string(rt.family) + " dst=" + rt.dst + " dlen=" + std::to_string(rt.dst_len) +
		       " table=" + std::to_string(rt.table) + " proto=" + std::to_string(rt.protocol) +
		       " scope=" + std::to_string(rt.scope) + " type=" + std::to_string(rt.type) +
		       " metric=" + std::to_string(rt.metric) + " gw=" + rt.gateway + " src=" + rt.prefsrc +
		       " mtu=" + std::to_string(rt.mtu) + " nhflags=" + std::to_string(rt.nh_flags) +
		       (rt.hops.empty() ? std::string() : " hops=" + format_hops(rt.hops));
	for (const Neighbour &n : h.neighbours)
		out += "\nneigh family=" + std::to_string(n.family) + " dst=" + n.dst + " lladdr=" + n.lladdr +
		       " flags=" + std::to_string(n.flags);
	out += "\nend\n";
	return out;
}

int parse_record(std::string_view text, Record &out) noexcept
{
	try {
		Record r;
		unsigned seen = 0; /* one bit per scalar key: each exactly once */
		unsigned sysctl_lines = 0; /* one bit per family: each at most once */
		bool ended = false;
		size_t pos = 0;
		bool first = true;
		while (pos < text.size()) {
			size_t nl = text.find('\n', pos);
			if (nl == std::string_view::npos)
				return -EBADMSG; /* a record always ends with "end\n": a short file is a torn write */
			std::string_view line = text.substr(pos, nl - pos);
			pos = nl + 1;
			if (ended)
				return -EBADMSG;
			if (first) {
				if (line != magic)
					return -EBADMSG;
				first = false;
				continue;
			}
			auto words = split(line);
			if (words.empty())
				return -EBADMSG;
			std::string_view key = words[0];
			auto scalar = [&](unsigned bit, size_t nwords) {
				if ((seen & bit) || words.size() != nwords)
					return false;
				seen |= bit;
				return true;
			};
			std::string value;
			bool ok;
			if (key == "container") {
				ok = scalar(1u << 0, 2) && unescape(words[1], r.container) && !r.container.empty();
			} else if (key == "lxcpath") {
				/* Optional: records written before it was kept still load; recovery then cannot ask LXC about the container. */
				ok = words.size() == 2 && r.lxcpath.empty() && unescape(words[1], r.lxcpath) && !r.lxcpath.empty() &&
				     r.lxcpath[0] == '/' && r.lxcpath.find('\0') == std::string::npos;
			} else if (key == "netns") {
				ok = scalar(1u << 1, 4) && number(words[1], r.netns.dev) && number(words[2], r.netns.ino) &&
				     number(words[3], r.netns.cookie);
			} else if (key == "name") {
				ok = scalar(1u << 2, 2) && unescape(words[1], r.host.name) && !ifname_problem(r.host.name);
			} else if (key == "ifindex") {
				ok = scalar(1u << 3, 2) && number(words[1], r.host.ifindex) && r.host.ifindex > 0;
			} else if (key == "mac") {
				r.host.mac = words.size() == 2 ? std::string(words[1]) : std::string();
				ok = scalar(1u << 4, 2) && valid_mac(r.host.mac);
			} else if (key == "mtu") {
				ok = scalar(1u << 5, 2) && number(words[1], r.host.mtu);
			} else if (key == "up") {
				ok = scalar(1u << 6, 2) && (words[1] == "0" || words[1] == "1");
				r.host.up = ok && words[1] == "1";
			} else if (key == "alias") {
				/* An empty alias escapes to nothing, leaving the key alone on its line. */
				ok = (words.size() == 1 || unescape(words[1], r.host.alias)) && !(seen & (1u << 7)) && words.size() <= 2;
				seen |= 1u << 7;
			} else if (key == "inside-name") {
				ok = scalar(1u << 8, 2) && unescape(words[1], r.inside_name) && !ifname_problem(r.inside_name);
			} else if (key == "inside-ifindex") {
				ok = scalar(1u << 9, 2) && number(words[1], r.inside_ifindex) && r.inside_ifindex > 0;
			} else if (key == "identity") {
				/* Optional: records written before it was kept still load, and are followed as before. */
				ok = !r.identity.known && parse_identity(words, r.identity);
			} else if (key == "sysctl") {
				/* Optional, like identity: a record without them restores none. */
				const bool ipv6 = words.size() >= 2 && words[1] == "ipv6";
				const unsigned bit = ipv6 ? 1u << 1 : 1u << 0;
				ok = words.size() >= 3 && (ipv6 || words[1] == "ipv4") && !(sysctl_lines & bit) &&
				     (ipv6 ? parse_sysctls(words, true, r.host.sysctls.ipv6)
					   : parse_sysctls(words, false, r.host.sysctls.ipv4));
				sysctl_lines |= bit;
			} else if (key == "addr") {
				Address a;
				ok = parse_address(words, a);
				r.host.addresses.push_back(std::move(a));
			} else if (key == "route") {
				Route rt;
				ok = parse_route(words, rt);
				r.host.routes.push_back(std::move(rt));
			} else if (key == "neigh") {
				Neighbour n;
				ok = parse_neighbour(words, n);
				r.host.neighbours.push_back(std::move(n));
			} else if (key == "end") {
				ok = words.size() == 1;
				ended = true;
			} else {
				ok = false;
			}
			if (!ok)
				return -EBADMSG;
		}
		if (!ended || seen != (1u << 10) - 1)
			return -EBADMSG;
		out = std::move(r);
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

} /* namespace lxcnet::detail */
