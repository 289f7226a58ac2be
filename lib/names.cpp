/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "names.hpp"

#include <cstddef>

namespace lxcnet::detail {

namespace {

/* The kernel's isspace() also counts 0xa0 (its Latin-1 table), so dev_valid_name() refuses it too. */
bool kernel_space(unsigned char c) noexcept
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

/* Why text is not UTF-8 free of control characters, or nullptr. */
const char *text_problem(std::string_view text) noexcept
{
	std::size_t i = 0;
	while (i < text.size()) {
		const unsigned char lead = static_cast<unsigned char>(text[i]);
		if (lead < 0x80) {
			if (lead < 0x20 || lead == 0x7f)
				return "interface name may not contain control characters";
			i++;
			continue;
		}
		/* The length from the lead byte, and the least code point that length may encode (no overlongs). */
		std::size_t length;
		char32_t cp, least;
		if (lead >= 0xc2 && lead <= 0xdf)
			length = 2, cp = lead & 0x1f, least = 0x80;
		else if (lead >= 0xe0 && lead <= 0xef)
			length = 3, cp = lead & 0x0f, least = 0x800;
		else if (lead >= 0xf0 && lead <= 0xf4)
			length = 4, cp = lead & 0x07, least = 0x10000;
		else
			return "interface name is not valid UTF-8";
		for (std::size_t k = 1; k < length; k++) {
			if (i + k == text.size())
				return "interface name is not valid UTF-8 (it ends inside a character)";
			const unsigned char next = static_cast<unsigned char>(text[i + k]);
			if ((next & 0xc0) != 0x80)
				return "interface name is not valid UTF-8";
			cp = cp << 6 | (next & 0x3f);
		}
		if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return "interface name is not valid UTF-8";
		if (cp <= 0x9f)
			return "interface name may not contain control characters (C1, U+0080 to U+009F)";
		i += length;
	}
	return nullptr;
}

/* The kernel's dev_valid_name() rules, with the length given apart. */
const char *name_problem(std::string_view name) noexcept
{
	if (name == "." || name == "..")
		return "interface name may not be \".\" or \"..\"";
	for (unsigned char c : name) {
		if (c == '/' || c == ':')
			return "interface name may not contain / or :";
		if (kernel_space(c))
			return "interface name may not contain whitespace";
		if (c == '%')
			return "interface name may not contain '%' (the kernel would pick a name itself)";
		if (c < 0x20 || c == 0x7f)
			return "interface name may not contain control characters";
	}
	return nullptr;
}

} /* namespace */

const char *ifname_problem(std::string_view name) noexcept
{
	if (name.empty())
		return "empty interface name";
	if (name.size() > 15)
		return "interface name too long (longer than 15 bytes)";
	return name_problem(name);
}

const char *lookup_name_problem(std::string_view name) noexcept
{
	if (name.empty())
		return "empty interface name";
	if (name.size() > max_altname_bytes)
		return "interface name too long (longer than 127 bytes, the longest altname)";
	return name_problem(name);
}

const char *move_names_problem(std::string_view dev, std::string_view dst) noexcept
{
	if (const char *problem = lookup_name_problem(dev))
		return problem;
	return dst.empty() ? nullptr : new_ifname_problem(dst);
}

const char *new_ifname_problem(std::string_view name) noexcept
{
	if (const char *problem = ifname_problem(name))
		return problem;
	return text_problem(name);
}

const char *container_name_problem(std::string_view name) noexcept
{
	if (name.empty())
		return "empty container name";
	if (name == "." || name == "..")
		return "container name may not be \".\" or \"..\"";
	for (unsigned char c : name)
		if (c == '/' || c < 0x20 || c == 0x7f)
			return "container name may not contain '/' or control characters";
	return nullptr;
}

} /* namespace lxcnet::detail */
