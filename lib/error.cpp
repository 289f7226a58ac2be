/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <lxcnet/error.hpp>

#include <cstdio>

namespace lxcnet {

namespace {

/*
 * Names come from the caller and from inside containers: a newline would
 * break the one-line message and an escape sequence would reach the terminal
 * of whoever reads the log. Control bytes are written as \xNN.
 */
std::string printable(const std::string &text)
{
	std::string out;
	out.reserve(text.size());
	for (unsigned char c : text) {
		if (c < 0x20 || c == 0x7f) {
			char hex[5];
			std::snprintf(hex, sizeof(hex), "\\x%02x", c);
			out += hex;
		} else {
			out += static_cast<char>(c);
		}
	}
	return out;
}

} /* namespace */

Error::Error(int errnum, std::string device, std::string container, const std::string &cause)
	: std::system_error(errnum, std::generic_category(), printable(cause)), device_(std::move(device)),
	  container_(std::move(container))
{
}

} /* namespace lxcnet */
