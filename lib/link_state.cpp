/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "link_state.hpp"

#include <algorithm>

#include <sys/socket.h>

namespace lxcnet::detail {

std::string mac_text(const unsigned char *bytes, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	std::string text;
	text.reserve(size * 3);
	for (size_t i = 0; i < size; i++) {
		if (i)
			text += ':';
		text += digits[bytes[i] >> 4];
		text += digits[bytes[i] & 15];
	}
	return text;
}

bool mac_bytes(const std::string &text, unsigned char (&bytes)[max_mac_bytes], size_t &size)
{
	auto hex = [](char c) {
		return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
	};
	size = 0;
	if (text.empty() || (text.size() + 1) % 3 != 0 || text.size() > 3 * max_mac_bytes - 1)
		return false;
	for (size_t i = 0; i < text.size(); i += 3) {
		if (hex(text[i]) < 0 || hex(text[i + 1]) < 0 || (i + 2 < text.size() && text[i + 2] != ':'))
			return false;
		bytes[size++] = static_cast<unsigned char>(hex(text[i]) << 4 | hex(text[i + 1]));
	}
	return true;
}

void take_dad_state(std::vector<Address> &want, const std::vector<Address> &seen)
{
	for (Address &a : want) {
		if (a.family != AF_INET6)
			continue;
		auto same = std::find_if(seen.begin(), seen.end(), [&](const Address &s) {
			return s.family == a.family && s.prefixlen == a.prefixlen && s.local == a.local;
		});
		a.dad_pending = same == seen.end() || same->dad_pending;
	}
}

std::string relabel(const std::string &label, const std::string &old_name, const std::string &new_name)
{
	if (label.empty() || label == old_name)
		return {};
	if (label.size() > old_name.size() && label.compare(0, old_name.size(), old_name) == 0 && label[old_name.size()] == ':') {
		std::string renamed = new_name + label.substr(old_name.size());
		/* IFNAMSIZ bounds labels too: a longer one falls back to the plain name rather than failing the move. */
		return renamed.size() <= 15 ? renamed : std::string{};
	}
	return label;
}

} /* namespace lxcnet::detail */
