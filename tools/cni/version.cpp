/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "version.hpp"

#include <charconv>

namespace lxcnet::cni {

std::optional<Version> parse_version(std::string_view text)
{
	Version v;
	int *parts[] = {&v.major, &v.minor, &v.patch};
	const char *p = text.data();
	const char *end = text.data() + text.size();
	for (int i = 0; i < 3; i++) {
		if (i > 0) {
			if (p == end || *p != '.')
				return std::nullopt;
			++p;
		}
		auto [next, ec] = std::from_chars(p, end, *parts[i]);
		if (ec != std::errc() || next == p || *parts[i] < 0)
			return std::nullopt;
		p = next;
	}
	if (p != end)
		return std::nullopt;
	return v;
}

bool is_supported(std::string_view text)
{
	for (const char *v : supported_versions)
		if (text == v)
			return true;
	return false;
}

bool at_least(std::string_view text, std::string_view minimum)
{
	auto a = parse_version(text);
	auto b = parse_version(minimum);
	return a && b && *a >= *b;
}

std::string supported_list()
{
	std::string out = "[";
	for (const char *v : supported_versions)
		out += (out.size() > 1 ? " " : "") + std::string(v);
	return out + "]";
}

} /* namespace lxcnet::cni */
