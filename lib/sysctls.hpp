/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once
/* A device's own sysctls (net.ipv4.conf.DEV.*, net.ipv6.conf.DEV.*) as plain values: no libnl here, records use them. */

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace lxcnet::detail {

/* One setting lxcnet carries, as the kernel numbers it in IFLA_INET_CONF / IFLA_INET6_CONF and names it under /proc/sys. */
struct SysctlName {
	int id;           /* IPV4_DEVCONF_* (from 1) or DEVCONF_* (from 0) */
	const char *name; /* the file under /proc/sys/net/ipv4/conf/DEV/ or .../ipv6/conf/DEV/ */
	/* How /proc takes the value netlink reports. */
	enum class Unit { same, ms_as_seconds, as_unsigned } unit = Unit::same;
};

constexpr size_t ipv4_sysctl_count = 32;
constexpr size_t ipv6_sysctl_count = 57;
extern const std::array<SysctlName, ipv4_sysctl_count> ipv4_sysctls;
extern const std::array<SysctlName, ipv6_sysctl_count> ipv6_sysctls;

/* Index of name in the family's table, or -1. */
int sysctl_index(bool ipv6, std::string_view name) noexcept;

/*
 * A device's values, one per table entry: empty where the kernel gave none
 * (no IPv6 on the device, a kernel without that setting, an old record).
 * Values as netlink reports them (milliseconds for the router solicitation
 * intervals, which /proc takes in seconds).
 */
struct DeviceSysctls {
	std::array<std::optional<int32_t>, ipv4_sysctl_count> ipv4{};
	std::array<std::optional<int32_t>, ipv6_sysctl_count> ipv6{};
	bool empty() const noexcept;
	bool operator==(const DeviceSysctls &) const = default;
};

} /* namespace lxcnet::detail */
