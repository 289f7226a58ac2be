/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace lxcnet::cni {

/*
 * 0.1.0 and 0.2.0 are left out: their results have another shape (ip4/ip6)
 * and no runtime still sends them.
 */
inline constexpr std::array<const char *, 5> supported_versions = {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"};

struct Version {
	int major = 0, minor = 0, patch = 0;
	auto operator<=>(const Version &) const = default;
};

std::optional<Version> parse_version(std::string_view text);
bool is_supported(std::string_view text);
/* The text must already parse; used for "does this config version have CHECK/GC/STATUS". */
bool at_least(std::string_view text, std::string_view minimum);
/* "[0.3.0 0.3.1 ...]" for messages. */
std::string supported_list();

} /* namespace lxcnet::cni */
