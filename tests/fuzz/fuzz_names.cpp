/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ifname_problem(), new_ifname_problem() and container_name_problem()
 * against the rules they implement, stated here independently, and a name
 * they accept against the record format that has to carry it.
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

/* Well-formed UTF-8 as the Unicode standard tabulates it (Table 3-7), byte ranges rather than code points. */
bool well_formed_utf8(std::string_view text)
{
	auto in = [](unsigned char c, unsigned lo, unsigned hi) { return c >= lo && c <= hi; };
	std::size_t i = 0;
	while (i < text.size()) {
		const unsigned char b0 = text[i];
		const unsigned char b1 = i + 1 < text.size() ? text[i + 1] : 0;
		const unsigned char b2 = i + 2 < text.size() ? text[i + 2] : 0;
		const unsigned char b3 = i + 3 < text.size() ? text[i + 3] : 0;
		std::size_t n;
		if (b0 <= 0x7f)
			n = 1;
		else if (in(b0, 0xc2, 0xdf) && in(b1, 0x80, 0xbf))
			n = 2;
		else if ((b0 == 0xe0 && in(b1, 0xa0, 0xbf)) || ((in(b0, 0xe1, 0xec) || in(b0, 0xee, 0xef)) && in(b1, 0x80, 0xbf)) ||
			 (b0 == 0xed && in(b1, 0x80, 0x9f)))
			n = in(b2, 0x80, 0xbf) ? 3 : 0;
		else if ((b0 == 0xf0 && in(b1, 0x90, 0xbf)) || (in(b0, 0xf1, 0xf3) && in(b1, 0x80, 0xbf)) || (b0 == 0xf4 && in(b1, 0x80, 0x8f)))
			n = in(b2, 0x80, 0xbf) && in(b3, 0x80, 0xbf) ? 4 : 0;
		else
			n = 0;
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

/* A name lxcnet may give: an interface name, well-formed, with no C1 control (U+0080-U+009F is C2 80-C2 9F). */
bool valid_new_ifname(std::string_view name)
{
	if (!valid_ifname(name) || !well_formed_utf8(name))
		return false;
	for (std::size_t i = 0; i + 1 < name.size(); i++)
		if (static_cast<unsigned char>(name[i]) == 0xc2 && static_cast<unsigned char>(name[i + 1]) <= 0x9f)
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

	const char *new_problem = new_ifname_problem(name);
	require((new_problem == nullptr) == valid_new_ifname(name));
	require(new_problem == nullptr || *new_problem != '\0');

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
