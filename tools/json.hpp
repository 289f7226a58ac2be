/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace lxcnet::cli {

/* A JSON string literal; bytes that are not printable ASCII become \u00XX so any interface name stays valid JSON. */
inline std::string json_string(std::string_view in)
{
	std::string out = "\"";
	for (unsigned char c : in) {
		if (c == '"' || c == '\\') {
			out += '\\';
			out += static_cast<char>(c);
		} else if (c < 0x20 || c >= 0x7f) {
			char hex[8];
			std::snprintf(hex, sizeof(hex), "\\u%04x", c);
			out += hex;
		} else {
			out += static_cast<char>(c);
		}
	}
	return out + "\"";
}

} /* namespace lxcnet::cli */
