/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdexcept>
#include <string>

namespace lxcnet::cni {

/* The CNI spec's reserved error codes (SPEC.md, "Error"), plus libcni's 8. */
enum Code : unsigned {
	incompatible_version = 1,
	unsupported_field = 2,
	unknown_container = 3,
	invalid_environment = 4,
	io_failure = 5,
	decoding_failure = 6,
	invalid_config = 7,
	invalid_netns = 8,
	try_again_later = 11,
	not_available = 50,
	limited_connectivity = 51,
	internal = 999,
};

/*
 * Every failure the plugin reports. main() turns it into the spec's error
 * object on stdout; code() is what the runtime acts on, so an error from a
 * delegated IPAM plugin keeps the code that plugin chose.
 */
class CniError : public std::runtime_error {
public:
	CniError(unsigned code, const std::string &msg, std::string details = {})
		: std::runtime_error(msg), code_(code), details_(std::move(details))
	{
	}
	unsigned code() const noexcept { return code_; }
	const std::string &details() const noexcept { return details_; }

private:
	unsigned code_;
	std::string details_;
};

} /* namespace lxcnet::cni */
