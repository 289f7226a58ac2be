/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>
#include <string_view>

#include "identity.hpp"
#include "link_state.hpp"
#include "netns.hpp"

namespace lxcnet::detail {

/*
 * What lxcnet knows of one device it attached: where it came from and how it
 * was configured there, and how to recognise it in the container. A text
 * file, one "key value" per line, so an administrator can read it.
 */
struct Record {
	std::string container; /* name, for messages and for the administrator */
	std::string lxcpath;   /* the container's canonical lxcpath; "" for a namespace named by path, and in older records */
	NsId netns;            /* the container's netns at attach: a restart makes the record stale */
	LinkState host;        /* the device on the host before attach (name, ifindex, MAC, config) */
	std::string inside_name;
	int inside_ifindex = 0;
	Identity identity; /* what the container cannot forge; unknown in records of the earlier format */
	bool operator==(const Record &) const = default;
};

std::string format_record(const Record &record);
/* Strict: anything unknown, missing or out of range is -EBADMSG, so a damaged file is never applied. */
int parse_record(std::string_view text, Record &out) noexcept;

} /* namespace lxcnet::detail */
