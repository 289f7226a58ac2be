/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstddef>
#include <string_view>

namespace lxcnet::detail {

/*
 * Why name is not a usable interface name, or nullptr if it is. Stricter
 * than the kernel's dev_valid_name() in one way: '%' is refused, because the
 * kernel would treat "foo%d" as a template and pick a name of its own.
 */
const char *ifname_problem(std::string_view name) noexcept;

/*
 * Why name cannot name an existing device, or nullptr: as ifname_problem(),
 * but up to the 127 bytes of an altname (ALTIFNAMSIZ - 1), by which the
 * kernel finds a device as well as by its name.
 */
const char *lookup_name_problem(std::string_view name) noexcept;

/* The longest altname the kernel takes (ALTIFNAMSIZ - 1, since Linux 5.5). */
inline constexpr std::size_t max_altname_bytes = 127;

/*
 * Why name cannot be a name lxcnet gives a device, or nullptr. An existing
 * device may have any name the kernel allows, but a name lxcnet writes is
 * also text: valid UTF-8 with no C0, DEL or C1 control characters, so that
 * whatever shows it later (logs, ip link, a terminal) shows what was meant.
 */
const char *new_ifname_problem(std::string_view name) noexcept;

/*
 * The first problem of a device name (checked as an existing name or altname) and a
 * destination name (empty: keep the name; else checked as a new name), or nullptr.
 */
const char *move_names_problem(std::string_view dev, std::string_view dst) noexcept;

/* Why name cannot be an LXC container name we build paths from, or nullptr. */
const char *container_name_problem(std::string_view name) noexcept;

} /* namespace lxcnet::detail */
