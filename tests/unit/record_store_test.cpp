/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <catch2/catch.hpp>

#include <cstdlib>
#include <set>
#include <string>

#include <unistd.h>

#include "record_store.hpp"

using namespace lxcnet::detail;

namespace {

/* A private state directory of the test's own, removed on scope exit. */
struct TempStateDir {
	std::string path;
	TempStateDir()
	{
		char templ[] = "/tmp/lxn-unit-state.XXXXXX";
		REQUIRE(::mkdtemp(templ) != nullptr);
		path = templ;
	}
	~TempStateDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
};

Record device_named(const std::string &name, int ifindex)
{
	Record r;
	r.container = "web1";
	r.netns = {4, 4026532181, 8193};
	r.host.name = name;
	r.host.ifindex = ifindex;
	r.host.mac = "02:00:00:aa:bb:01";
	r.inside_name = "eth1";
	r.inside_ifindex = ifindex + 1;
	return r;
}

} /* namespace */

TEST_CASE("containers whose names share their first 200 bytes have records of their own", "[store]")
{
	const std::string prefix(200, 'a');
	const std::string one = container_key(prefix + "1", "/var/lib/lxc");
	const std::string two = container_key(prefix + "2", "/var/lib/lxc");
	CHECK(one != two);
	CHECK(one.size() <= 255);
	/* A whole name keeps the key it always had, so records written before still load. */
	CHECK(container_key("web1", "/var/lib/lxc") == "web1@" + container_key("x", "/var/lib/lxc").substr(2));
	CHECK(container_key(prefix, "/a") != container_key(prefix, "/b"));
	/* The longest whole-name key is shorter than any key of a longer name. */
	CHECK(container_key(prefix, "/var/lib/lxc").size() < one.size());
}

TEST_CASE("a record of any host name the kernel allows is found again, never taken for a temporary", "[store]")
{
	TempStateDir dir;
	HostLock lock;
	REQUIRE(lock.acquire(dir.path, false) == 0);
	RecordStore store;
	REQUIRE(store.open(lock, "web1@0000000000000000", true) == 0);

	const std::set<std::string> names = {".x", "..x", "lxn15bytesname0", "!#$&'()*+,-.;<=", ">?@[]^_`{|}~\"\\", "x"};
	int ifindex = 10;
	for (const auto &name : names) {
		INFO(name);
		const Record r = device_named(name, ifindex++);
		CHECK(RecordStore::file_name(r)[0] != '.');
		REQUIRE(store.save(r) == 0);
	}
	std::vector<RecordStore::Entry> records;
	std::vector<std::string> unreadable;
	REQUIRE(store.load(records, unreadable) == 0);
	CHECK(unreadable.empty());
	std::set<std::string> found;
	for (const auto &e : records)
		found.insert(e.record.host.name);
	CHECK(found == names);
	for (const auto &e : records)
		CHECK(store.remove(e.record) == 0);
	records.clear();
	REQUIRE(store.load(records, unreadable) == 0);
	CHECK(records.empty());
}
