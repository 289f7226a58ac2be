/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

namespace lxcnet::detail {

/*
 * Names come from callers and from inside containers: a newline would
 * break a one-line message, an escape sequence would reach the terminal of
 * whoever reads the log, and bytes that are not ASCII could show as other
 * characters than the ones there (or as none). So every byte that is not
 * printable ASCII is written as \xNN. The backslash itself is left alone,
 * which keeps printable(printable(s)) == printable(s): messages that quote
 * other messages (an Error's what(), the CLI's and the CNI plugin's output)
 * pass through it again without being mangled.
 */
std::string printable(const std::string &text);

} /* namespace lxcnet::detail */
