/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "printable.hpp"

#include <cstdio>

namespace lxcnet::detail {

std::string printable(const std::string &text)
{
	std::string out;
	out.reserve(text.size());
	for (unsigned char c : text) {
		if (c < 0x20 || c >= 0x7f) {
			char hex[5];
			std::snprintf(hex, sizeof(hex), "\\x%02x", c);
			out += hex;
		} else {
			out += static_cast<char>(c);
		}
	}
	return out;
}

} /* namespace lxcnet::detail */
