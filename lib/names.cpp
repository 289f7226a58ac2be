/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "names.hpp"

namespace lxcnet::detail {

namespace {

/* The kernel's isspace() also counts 0xa0 (its Latin-1 table), so dev_valid_name() refuses it too. */
bool kernel_space(unsigned char c) noexcept
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

} /* namespace */

const char *ifname_problem(std::string_view name) noexcept
{
	if (name.empty())
		return "empty interface name";
	if (name.size() > 15)
		return "interface name too long (longer than 15 bytes)";
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

const char *move_names_problem(std::string_view dev, std::string_view dst) noexcept
{
	if (const char *problem = ifname_problem(dev))
		return problem;
	return dst.empty() ? nullptr : ifname_problem(dst);
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
