/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "identity.hpp"
#include "link_state.hpp"
#include "sysctls.hpp"

/*
 * One line of a record each way. A *_line function returns its line with
 * the newline that starts it, or nothing when there is nothing to keep; a
 * parse_* function takes the line's words, its key first, and is strict:
 * a field unknown, missing, repeated or out of range is false.
 */
namespace lxcnet::detail::record_lines {

/* Values are percent-encoded so that any alias or label stays on one line and splits on spaces. */
std::string escape(std::string_view in);
bool unescape(std::string_view in, std::string &out);

template <class T>
bool number(std::string_view text, T &out)
{
	auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
	return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

bool valid_mac(const std::string &text);
std::vector<std::string_view> split(std::string_view line);

std::string address_line(const Address &address);
std::string route_line(const Route &route);
std::string neighbour_line(const Neighbour &neighbour);
std::string identity_line(const Identity &identity);
std::string master_line(const Membership &membership);
std::string sysctl_lines(const DeviceSysctls &sysctls);

bool parse_address(const std::vector<std::string_view> &words, Address &out);
bool parse_route(const std::vector<std::string_view> &words, Route &out);
bool parse_neighbour(const std::vector<std::string_view> &words, Neighbour &out);
bool parse_identity(const std::vector<std::string_view> &words, Identity &out);
bool parse_master(const std::vector<std::string_view> &words, Membership &out);
/* One family's line; families_seen keeps one bit per family, so each comes at most once. */
bool parse_sysctls(const std::vector<std::string_view> &words, DeviceSysctls &out, unsigned &families_seen);

} /* namespace lxcnet::detail::record_lines */
