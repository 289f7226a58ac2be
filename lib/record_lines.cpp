/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "record_lines.hpp"

#include <cstdio>
#include <array>
#include <map>
#include <optional>
#include <stdexcept>

#include <arpa/inet.h>

#include "names.hpp"

namespace lxcnet::detail::record_lines {

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

namespace {

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

} /* namespace */

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

namespace {

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

} /* namespace */

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

namespace {

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

} /* namespace */

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

/* "master kind=bridge ifindex=7 name=br0 learning=0 ... cost=42 priority=7": the three first always, each port setting if known. */
bool parse_master(const std::vector<std::string_view> &words, Membership &m)
{
	std::map<std::string, std::string, std::less<>> f;
	if (!fields(words, f))
		return false;
	try {
		m.kind = f.at("kind");
		m.name = f.at("name");
		if (!number(f.at("ifindex"), m.master) || m.master <= 0 || m.kind.size() > 64 || ifname_problem(m.name))
			return false;
	} catch (const std::out_of_range &) {
		return false;
	}
	size_t known = 3;
	for (size_t i = 0; i < port_flag_count; i++) {
		auto it = f.find(port_flag_names[i]);
		if (it == f.end())
			continue;
		if (it->second != "0" && it->second != "1")
			return false;
		m.port.flags[i] = it->second == "1";
		known++;
	}
	if (auto it = f.find("cost"); it != f.end()) {
		uint32_t cost = 0;
		if (!number(it->second, cost))
			return false;
		m.port.cost = cost;
		known++;
	}
	if (auto it = f.find("priority"); it != f.end()) {
		uint16_t priority = 0;
		if (!number(it->second, priority))
			return false;
		m.port.priority = priority;
		known++;
	}
	return known == f.size(); /* nothing unknown */
}

std::string master_line(const Membership &m)
{
	if (m.master <= 0)
		return {};
	std::string line = "\nmaster kind=" + escape(m.kind) + " ifindex=" + std::to_string(m.master) + " name=" + escape(m.name);
	for (size_t i = 0; i < port_flag_count; i++)
		if (m.port.flags[i])
			line += " " + std::string(port_flag_names[i]) + "=" + (*m.port.flags[i] ? "1" : "0");
	if (m.port.cost)
		line += " cost=" + std::to_string(*m.port.cost);
	if (m.port.priority)
		line += " priority=" + std::to_string(*m.port.priority);
	return line;
}

std::string address_line(const Address &a)
{
	return "\naddr family=" + std::to_string(a.family) + " local=" + a.local + " plen=" + std::to_string(a.prefixlen) +
	       " peer=" + a.peer + " brd=" + a.broadcast + " label=" + escape(a.label) + " scope=" + std::to_string(a.scope) +
	       " flags=" + std::to_string(a.flags);
}

std::string route_line(const Route &r)
{
	return "\nroute family=" + std::to_string(r.family) + " dst=" + r.dst + " dlen=" + std::to_string(r.dst_len) +
	       " table=" + std::to_string(r.table) + " proto=" + std::to_string(r.protocol) + " scope=" + std::to_string(r.scope) +
	       " type=" + std::to_string(r.type) + " metric=" + std::to_string(r.metric) + " gw=" + r.gateway +
	       " src=" + r.prefsrc + " mtu=" + std::to_string(r.mtu) + " nhflags=" + std::to_string(r.nh_flags) +
	       (r.hops.empty() ? std::string() : " hops=" + format_hops(r.hops));
}

std::string neighbour_line(const Neighbour &n)
{
	return "\nneigh family=" + std::to_string(n.family) + " dst=" + n.dst + " lladdr=" + n.lladdr +
	       " flags=" + std::to_string(n.flags);
}

std::string identity_line(const Identity &id)
{
	if (!id.known)
		return {};
	return "\nidentity kind=" + escape(id.kind) + " link=" + std::to_string(id.link) +
	       " link-host=" + (id.link_on_host ? "1" : "0") + " perm=" + id.perm_mac + " parent=" + escape(id.parent);
}

namespace {

template <size_t N>
std::string family_sysctls(const char *family, const std::array<SysctlName, N> &table, const std::array<std::optional<int32_t>, N> &values)
{
	std::string line;
	for (size_t i = 0; i < N; i++)
		if (values[i])
			line += std::string(" ") + table[i].name + "=" + std::to_string(*values[i]);
	return line.empty() ? line : std::string("\nsysctl ") + family + line;
}

template <size_t N>
bool parse_family_sysctls(const std::vector<std::string_view> &words, bool ipv6, std::array<std::optional<int32_t>, N> &out)
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

} /* namespace */

std::string sysctl_lines(const DeviceSysctls &s)
{
	return family_sysctls("ipv4", ipv4_sysctls, s.ipv4) + family_sysctls("ipv6", ipv6_sysctls, s.ipv6);
}

bool parse_sysctls(const std::vector<std::string_view> &words, DeviceSysctls &out, unsigned &families_seen)
{
	const bool ipv6 = words.size() >= 2 && words[1] == "ipv6";
	const unsigned bit = ipv6 ? 2u : 1u;
	if (words.size() < 3 || !(ipv6 || words[1] == "ipv4") || (families_seen & bit))
		return false;
	families_seen |= bit;
	return ipv6 ? parse_family_sysctls(words, true, out.ipv6) : parse_family_sysctls(words, false, out.ipv4);
}

} /* namespace lxcnet::detail::record_lines */
