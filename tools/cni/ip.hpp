/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sys/socket.h>

namespace lxcnet::cni {

/* An IPv4 or IPv6 address as bytes, so that "10.0.0.1" and a kernel dump compare equal however they were written. */
struct IpAddr {
	int family = 0; /* AF_INET or AF_INET6 */
	std::array<uint8_t, 16> bytes{};
	size_t size() const { return family == AF_INET ? 4 : 16; }
	std::string str() const;
	bool operator==(const IpAddr &) const = default;
};

/* "10.10.0.1/24": an address and its prefix length (host bits kept, as CNI results carry them). */
struct Cidr {
	IpAddr ip;
	unsigned prefix = 0;
	std::string str() const;
	Cidr network() const; /* host bits cleared */
	bool operator==(const Cidr &) const = default;
};

std::optional<IpAddr> parse_ip(std::string_view text);
std::optional<Cidr> parse_cidr(std::string_view text);
/* IPv4 broadcast of a /0../30 subnet, as the reference plugins set it. */
std::optional<IpAddr> broadcast_of(const Cidr &cidr);
bool is_ipv6_link_local(const IpAddr &ip);

/* "aa:bb:cc:dd:ee:ff" from the forms Go's net.ParseMAC reads for Ethernet (':' '-' or "aabb.ccdd.eeff"), or nullopt. */
std::optional<std::string> normalize_mac(std::string_view text);

} /* namespace lxcnet::cni */
