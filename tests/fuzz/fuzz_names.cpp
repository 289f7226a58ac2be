/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ifname_problem() and container_name_problem() against the rules they
 * implement, stated here independently, and a name they accept against the
 * record format that has to carry it.
 */
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <arpa/inet.h>

#include "names.hpp"
#include "record.hpp"

using namespace lxcnet::detail;

namespace {

void require(bool ok)
{
	if (!ok)
		std::abort();
}

bool control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* What dev_valid_name() refuses (its isspace() includes Latin-1's 0xa0), plus '%' and control bytes. */
bool valid_ifname(std::string_view name)
{
	if (name.empty() || name.size() > 15 || name == "." || name == "..")
		return false;
	for (unsigned char c : name)
		if (c == '/' || c == ':' || c == '%' || c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0 || control(c))
			return false;
	return true;
}

bool valid_container_name(std::string_view name)
{
	if (name.empty() || name == "." || name == "..")
		return false;
	for (unsigned char c : name)
		if (c == '/' || control(c))
			return false;
	return true;
}

Record sample()
{
	Record r;
	r.container = "web1";
	r.netns = {4, 4026532181};
	r.host.name = "veth7";
	r.host.ifindex = 42;
	r.host.mac = "02:00:00:aa:bb:01";
	r.host.mtu = 1400;
	r.host.up = true;
	r.host.addresses.push_back({AF_INET, "10.0.0.1", 24, "", "10.0.0.255", "veth7:a", 0, 0});
	r.inside_name = "eth1";
	r.inside_ifindex = 43;
	return r;
}

void round_trips(const Record &r)
{
	Record back;
	require(parse_record(format_record(r), back) == 0);
	require(back == r);
}

} /* namespace */

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const std::string_view name(reinterpret_cast<const char *>(data), size);

	const char *if_problem = ifname_problem(name);
	require((if_problem == nullptr) == valid_ifname(name));
	require(if_problem == nullptr || *if_problem != '\0');
	if (!if_problem) {
		/* Every name lxcnet accepts must be one it can write in a record and read back. */
		Record r = sample();
		r.host.name = std::string(name);
		r.inside_name = std::string(name);
		r.host.addresses[0].label = std::string(name);
		round_trips(r);
		/* Stricter than a container name, so an interface name is always a usable one. */
		require(container_name_problem(name) == nullptr);
	}

	const char *ct_problem = container_name_problem(name);
	require((ct_problem == nullptr) == valid_container_name(name));
	require(ct_problem == nullptr || *ct_problem != '\0');
	if (!ct_problem) {
		Record r = sample();
		r.container = std::string(name);
		round_trips(r);
	}
	return 0;
}
