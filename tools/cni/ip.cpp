/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ip.hpp"

#include <arpa/inet.h>
#include <cctype>
#include <charconv>
#include <sys/socket.h>

namespace lxcnet::cni {

std::string IpAddr::str() const
{
	char buf[INET6_ADDRSTRLEN] = "";
	if (!::inet_ntop(family, bytes.data(), buf, sizeof(buf)))
		return {};
	return buf;
}

std::string Cidr::str() const
{
	return ip.str() + "/" + std::to_string(prefix);
}

Cidr Cidr::network() const
{
	Cidr out = *this;
	for (size_t i = 0; i < ip.size(); i++) {
		unsigned keep = prefix > i * 8 ? std::min(8u, prefix - static_cast<unsigned>(i * 8)) : 0;
		out.ip.bytes[i] &= static_cast<uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
	}
	return out;
}

std::optional<IpAddr> parse_ip(std::string_view text)
{
	std::string s(text);
	IpAddr ip;
	if (::inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) {
		ip.family = AF_INET;
		return ip;
	}
	if (::inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
		ip.family = AF_INET6;
		return ip;
	}
	return std::nullopt;
}

std::optional<Cidr> parse_cidr(std::string_view text)
{
	auto slash = text.find('/');
	if (slash == std::string_view::npos)
		return std::nullopt;
	auto ip = parse_ip(text.substr(0, slash));
	if (!ip)
		return std::nullopt;
	std::string_view len = text.substr(slash + 1);
	unsigned prefix = 0;
	auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), prefix);
	if (ec != std::errc() || end != len.data() + len.size() || len.empty() || prefix > ip->size() * 8)
		return std::nullopt;
	return Cidr{*ip, prefix};
}

std::optional<IpAddr> broadcast_of(const Cidr &cidr)
{
	if (cidr.ip.family != AF_INET || cidr.prefix > 30)
		return std::nullopt;
	IpAddr out = cidr.network().ip;
	for (size_t i = 0; i < 4; i++) {
		unsigned net_bits = cidr.prefix > i * 8 ? std::min(8u, cidr.prefix - static_cast<unsigned>(i * 8)) : 0;
		out.bytes[i] |= static_cast<uint8_t>(0xff >> net_bits);
	}
	return out;
}

bool is_ipv6_link_local(const IpAddr &ip)
{
	return ip.family == AF_INET6 && ip.bytes[0] == 0xfe && (ip.bytes[1] & 0xc0) == 0x80;
}

std::optional<std::string> normalize_mac(std::string_view text)
{
	std::string hex;
	if (text.size() == 17 && (text[2] == ':' || text[2] == '-')) {
		for (size_t i = 0; i < text.size(); i++) {
			if (i % 3 == 2) {
				if (text[i] != text[2])
					return std::nullopt;
				continue;
			}
			hex += text[i];
		}
	} else if (text.size() == 14 && text[4] == '.' && text[9] == '.') {
		for (size_t i = 0; i < text.size(); i++)
			if (i != 4 && i != 9)
				hex += text[i];
	} else {
		return std::nullopt;
	}
	std::string out;
	for (size_t i = 0; i < hex.size(); i++) {
		if (!std::isxdigit(static_cast<unsigned char>(hex[i])))
			return std::nullopt;
		if (i > 0 && i % 2 == 0)
			out += ':';
		out += static_cast<char>(std::tolower(static_cast<unsigned char>(hex[i])));
	}
	return out;
}

} /* namespace lxcnet::cni */
