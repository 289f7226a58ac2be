/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "stress.hpp"

#include <cstdio>

#include <lxc/lxccontainer.h>

#include <lxcnet/lxcnet.h>

using namespace lxcnet::stress;

namespace {

constexpr int soak_cycles = 500;
constexpr int warmup_cycles = 20;
constexpr long rss_budget = 1 << 20;

std::string fd_list(const std::map<int, std::string> &fds)
{
	std::string out;
	for (const auto &[fd, target] : fds)
		out += std::to_string(fd) + " -> " + target + "\n";
	return out;
}

} /* namespace */

TEST_CASE("soak: repeated attach and detach leak no fd and no memory", "[soak]")
{
	ScopedContainer &ct = shared_container(0);
	ScopedVeth veth("k");
	veth.configure(1);
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	lxc_container *c = lxc_container_new(ct.name().c_str(), ct.lxcpath().c_str());
	REQUIRE(c != nullptr);

	/* Every front end the cycle uses: the C++ object, a fresh one by name, the C shim. */
	auto cycle = [&](int i) {
		switch (i % 5) {
		case 0:
			REQUIRE(lxcnet_attach_interface(c, veth.name().c_str(), "eth1"));
			REQUIRE(lxcnet_detach_interface(c, "eth1", nullptr));
			break;
		case 1: {
			lxcnet::Container fresh(ct.name(), ct.lxcpath());
			fresh.attach_interface(veth.name(), "eth1");
			REQUIRE(fresh.interfaces().size() == 2);
			fresh.detach_interface("eth1");
			break;
		}
		default:
			box.attach_interface(veth.name(), "eth1");
			box.detach_interface("eth1");
		}
	};

	/* The first calls fill caches that stay (liblxc's, libnl's, glibc's arenas): they are not a leak. */
	for (int i = 0; i < warmup_cycles; i++)
		cycle(i);
	/* A failure path too: its message buffers and exceptions must not pile up either. */
	auto failing = [&] {
		CHECK(errno_of([&] { box.detach_interface("eth1"); }) == ENODEV);
		CHECK_FALSE(lxcnet_attach_interface(c, "lxsnothere0", nullptr));
	};
	failing();

	const auto fds_before = open_fds();
	const long rss_before = rss_bytes();
	const auto start = Clock::now();
	for (int i = 0; i < soak_cycles; i++) {
		cycle(i);
		if (i % 50 == 0)
			failing();
	}
	const double elapsed = seconds_since(start);
	const auto fds_after = open_fds();
	const long rss_after = rss_bytes();
	lxc_container_put(c);

	std::printf("soak: %d attach/detach cycles in %.1f s (%.1f ms per cycle); fds %zu before, %zu after; "
		    "RSS %ld KiB before, %ld KiB after (%+ld KiB)\n",
		    soak_cycles, elapsed, 1000 * elapsed / soak_cycles, fds_before.size(), fds_after.size(),
		    rss_before / 1024, rss_after / 1024, (rss_after - rss_before) / 1024);
	INFO("fds before:\n" << fd_list(fds_before) << "fds after:\n" << fd_list(fds_after));
	CHECK(fds_after == fds_before);
	/* Leaks there are LeakSanitizer's and memcheck's to find, with the allocation that made them. */
	if (!instrumented())
		CHECK(rss_after - rss_before < rss_budget);
	CHECK(device_state(veth.name()) == before);
	CHECK_FALSE(ct.has_link("eth1"));
	CHECK(read_records(ct.record_dir()).empty());
}
