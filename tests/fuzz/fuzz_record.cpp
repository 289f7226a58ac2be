/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * parse_record() on arbitrary bytes: it must never crash, and whatever it
 * accepts must be a record the library could have written: formatting it and
 * parsing that gives the same record, and formatting is then a fixed point.
 */
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
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

Record sample()
{
	Record r;
	r.container = "web1";
	r.netns = {4, 4026532181};
	r.host.name = "veth7";
	r.host.ifindex = 42;
	r.host.mac = "02:00:00:aa:bb:01";
	r.host.mtu = 1400;
	r.inside_name = "eth1";
	r.inside_ifindex = 43;
	return r;
}

/* Any bytes at all as the free-text fields: the escaping must carry them through. */
void carries(Record carrier, std::string_view text)
{
	carrier.host.alias = std::string(text);
	carrier.container = text.empty() ? std::string("x") : std::string(text);
	Record carried;
	require(parse_record(format_record(carrier), carried) == 0);
	require(carried == carrier);
}

} /* namespace */

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const std::string_view text(reinterpret_cast<const char *>(data), size);

	Record parsed;
	const int r = parse_record(text, parsed);
	require(r == 0 || r == -EBADMSG);
	if (r != 0) {
		carries(sample(), text);
		return 0;
	}

	/* What the rest of the library relies on once a record has parsed. */
	require(!ifname_problem(parsed.host.name) && !ifname_problem(parsed.inside_name));
	require(parsed.host.ifindex > 0 && parsed.inside_ifindex > 0);
	require(!parsed.container.empty() && !parsed.host.mac.empty());
	/* An address the library wrote came from inet_ntop: never a NUL, which would hide the rest from inet_pton. */
	auto plain = [](const std::string &ip) { return ip.find('\0') == std::string::npos; };
	for (const Address &a : parsed.host.addresses) {
		require((a.family == AF_INET && a.prefixlen <= 32) || (a.family == AF_INET6 && a.prefixlen <= 128));
		require(plain(a.local) && plain(a.peer) && plain(a.broadcast));
	}
	for (const Route &rt : parsed.host.routes) {
		require((rt.family == AF_INET && rt.dst_len <= 32) || (rt.family == AF_INET6 && rt.dst_len <= 128));
		require(plain(rt.dst) && plain(rt.gateway) && plain(rt.prefsrc));
	}

	const std::string once = format_record(parsed);
	Record again;
	require(parse_record(once, again) == 0);
	require(again == parsed);
	require(format_record(again) == once);
	carries(parsed, text);
	return 0;
}
