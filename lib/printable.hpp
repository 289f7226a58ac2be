/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

namespace lxcnet::detail {

/*
 * Names come from callers and from inside containers: a newline would
 * break a one-line message and an escape sequence would reach the terminal
 * of whoever reads the log. Control bytes are written as \xNN.
 */
std::string printable(const std::string &text);

} /* namespace lxcnet::detail */
