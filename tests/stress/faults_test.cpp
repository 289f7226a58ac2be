/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "stress.hpp"

#include <atomic>
#include <climits>
#include <cstdlib>
#include <cstdio>
#include <mutex>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <lxc/lxccontainer.h>

#include <lxcnet/lxcnet.h>

using namespace lxcnet::stress;

namespace {

/* Errors a call may meet when its container dies under it: gone (ESRCH), or its device already handed back (ENODEV). */
bool clear_for_a_dying_container(int r)
{
	return r == 0 || r == ESRCH || r == ENODEV;
}

lxcnet::Options in(const std::string &state_dir)
{
	lxcnet::Options options;
	options.state_dir = state_dir;
	return options;
}

/* Fills a filesystem to the last byte. */
void fill(const std::string &dir)
{
	(void)run("dd if=/dev/zero of=" + quote(dir + "/filler") + " bs=1k 2>/dev/null");
	(void)run("touch " + quote(dir + "/filler-inode") + " " + quote(dir + "/filler-inode2"));
}

} /* namespace */

TEST_CASE("a container killed during a stream of attach/detach calls: no crash, clear errors, no device lost", "[faults][kill]")
{
	constexpr int devices = 4;
	std::map<int, int> outcomes;
	int calls = 0, rounds = 0;
	/* Different moments of the kill relative to the stream, so it lands in different steps of a call. */
	for (int delay_ms : {150, 400, 700}) {
		rounds++;
		ScopedContainer ct(true, stop_hook_config());
		std::vector<std::unique_ptr<ScopedVeth>> veths;
		std::vector<std::string> before;
		for (int i = 0; i < devices; i++) {
			veths.push_back(std::make_unique<ScopedVeth>("f"));
			veths.back()->configure(40 + i);
			before.push_back(device_state(veths.back()->name()));
		}

		std::mutex lock;
		std::vector<std::pair<int, std::string>> results;
		std::atomic<bool> killed{false};
		std::atomic<int> flowing{0}; /* threads that have finished a call */
		auto note = [&](int r, const std::string &what) {
			std::lock_guard<std::mutex> guard(lock);
			results.emplace_back(r, what);
		};
		/* Each thread cycles two devices of its own, and goes on a few calls past the kill. */
		auto worker = [&](int first) {
			lxcnet::Container box(ct.name(), ct.lxcpath());
			int after_kill = 0;
			for (int i = 0; after_kill < 4 && i < 2000; i++) {
				const int d = first + i % 2;
				const std::string inside = "k" + std::to_string(d);
				std::string what;
				int r = errno_of([&] { box.attach_interface(veths[d]->name(), inside); }, &what);
				note(r, what);
				if (i == 0)
					flowing++;
				if (r == 0) {
					what.clear();
					r = errno_of([&] { box.detach_interface(inside); }, &what);
					note(r, what);
				}
				if (killed)
					after_kill++;
			}
		};
		std::thread a(worker, 0), b(worker, 2);
		/* The delay counts from a stream already flowing, so the kill never precedes every call. */
		for (auto start = Clock::now(); flowing < 2 && seconds_since(start) < 30;)
			::usleep(1000);
		std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
		ct.kill();
		killed = true;
		a.join();
		b.join();
		CHECK(flowing == 2);

		/* The stop hook runs in the monitor as the container goes down: give it time to hand everything back. */
		for (auto start = Clock::now(); seconds_since(start) < 15;) {
			bool all_home = true;
			for (auto &v : veths)
				all_home = all_home && !host_link_with_mac(v->mac()).empty();
			if (all_home && !ct.running())
				break;
			::usleep(100000);
		}

		for (const auto &[r, what] : results) {
			calls++;
			outcomes[r]++;
			INFO("delay " << delay_ms << " ms: " << errno_text(r) << " " << what);
			CHECK(clear_for_a_dying_container(r));
			if (r != 0)
				CHECK(what.find(ct.name()) != std::string::npos);
		}
		CHECK_FALSE(ct.running());
		for (int i = 0; i < devices; i++) {
			INFO("delay " << delay_ms << " ms: device " << veths[i]->name() << " (MAC " << veths[i]->mac() << ")");
			/* The container is gone, so home is the only place left: under its own name, configured, peer alive. */
			const std::string home = host_link_with_mac(veths[i]->mac());
			CHECK(home == veths[i]->name());
			CHECK(host_has_link(veths[i]->peer()));
			if (!home.empty())
				CHECK(device_state(home) == before[i]);
		}
		CHECK(read_records(ct.record_dir()).empty());
	}
	std::string summary;
	for (const auto &[r, n] : outcomes)
		summary += " " + errno_text(r) + " x" + std::to_string(n);
	std::printf("kill: %d rounds, %d calls around lxc-stop -k:%s\n", rounds, calls, summary.c_str());
}

TEST_CASE("a Container whose container restarted reaches the new init, or says ESRCH while it is down", "[faults][restart]")
{
	ScopedContainer ct;
	ScopedVeth veth("n");
	veth.configure(50);
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	lxc_container *c = lxc_container_new(ct.name().c_str(), ct.lxcpath().c_str());
	REQUIRE(c != nullptr);

	box.attach_interface(veth.name(), "eth1");
	box.detach_interface("eth1");
	const int first_pid = ct.init_pid();

	ct.stop();
	std::string what;
	CHECK(errno_of([&] { box.attach_interface(veth.name(), "eth1"); }, &what) == ESRCH);
	CHECK(what.find("not running") != std::string::npos);
	CHECK_FALSE(lxcnet_attach_interface(c, veth.name().c_str(), "eth1"));
	CHECK(lxcnet_errno() == ESRCH);
	CHECK(errno_of([&] { box.interfaces(); }) == ESRCH);
	CHECK(device_state(veth.name()) == before);

	ct.start();
	/* Not the netns inode: the kernel hands the freed number to the new namespace (seen on 6.18). */
	REQUIRE(ct.init_pid() != first_pid);
	/* The same objects, made before the restart: both must reach the new namespace. */
	box.attach_interface(veth.name(), "eth1");
	CHECK(ct.has_link("eth1"));
	CHECK(device_state("eth1", ct.inside()) == before);
	box.detach_interface("eth1");
	CHECK(device_state(veth.name()) == before);
	CHECK(lxcnet_attach_interface(c, veth.name().c_str(), "eth2"));
	CHECK(ct.has_link("eth2"));
	CHECK(lxcnet_detach_interface(c, "eth2", nullptr));
	CHECK(device_state(veth.name()) == before);
	lxc_container_put(c);
}

TEST_CASE("a stale record from before a restart does not hide the valid record of the same ifindex", "[faults][restart]")
{
	/*
	 * Which of two records the library reads first is the directory's order: on ext4 a hash, on tmpfs
	 * newest first before Linux 6.6 and oldest first since. The test renames one record or the other
	 * until the stale one is read first, and requires that it is.
	 */
	ScopedMount state("-t tmpfs -o size=1m,mode=0700 tmpfs");
	ScopedContainer ct;
	lxcnet::Container box(ct.name(), ct.lxcpath());
	int index = 0;
	{
		ScopedVeth old("o");
		index = host_ifindex(old.name());
		box.attach_interface(old.name(), "eth1", in(state.path()));
		REQUIRE(ct.ifindex_of("eth1") == index);
		ct.kill(); /* no stop hook: the namespace dies with the device in it */
	}
	ct.start();
	std::string dir;
	for (const auto &entry : dir_snapshot(state.path()))
		dir = state.path() + "/" + entry.first;
	REQUIRE(read_records(dir).size() == 1);

	/* The kernel gives the successor the same ifindex, on the host and then inside. */
	ScopedVeth next("o", index);
	next.configure(51);
	const std::string before = device_state(next.name());
	box.attach_interface(next.name(), "eth1", in(state.path()));
	REQUIRE(ct.ifindex_of("eth1") == index);
	const auto records = read_records(dir);
	REQUIRE(records.size() == 2);
	auto stale_first = [&] { return read_records(dir).front().mac != next.mac(); };
	for (const auto &r : records) {
		if (stale_first())
			break;
		sh("mv " + quote(dir + "/" + r.file) + " " + quote(dir + "/.moving") + " && mv " + quote(dir + "/.moving") +
		   " " + quote(dir + "/" + r.file));
	}
	REQUIRE(stale_first());

	std::string what;
	const int r = errno_of([&] { box.detach_interface("eth1", {}, in(state.path())); }, &what);
	INFO(what);
	CHECK(r == 0);
	CHECK(device_state(next.name()) == before);
	if (r != 0)
		box.detach_interface("eth1", next.name(), in(state.path()));
}

TEST_CASE("a full or read-only record directory fails the attach before anything moves", "[faults][state]")
{
	ScopedContainer &ct = shared_container(0);
	ScopedVeth veth("s");
	veth.configure(52);
	const std::string before = device_state(veth.name());
	lxcnet::Container box(ct.name(), ct.lxcpath());
	std::map<std::string, int> seen;

	auto refused = [&](const std::string &label, const std::string &dir, std::initializer_list<int> codes) {
		std::string what;
		const int r = errno_of([&] { box.attach_interface(veth.name(), "eth1", in(dir)); }, &what);
		seen[label] = r;
		INFO(label << ": " << errno_text(r) << " " << what);
		CHECK(std::find(codes.begin(), codes.end(), r) != codes.end());
		CHECK(what.find(veth.name()) != std::string::npos);
		CHECK(what.find(ct.name()) != std::string::npos);
		CHECK_FALSE(ct.has_link("eth1"));
		CHECK_FALSE(ct.has_link(veth.name()));
		CHECK(device_state(veth.name()) == before);
	};
	auto works = [&](const std::string &dir) {
		box.attach_interface(veth.name(), "eth1", in(dir));
		box.detach_interface("eth1", {}, in(dir));
		CHECK(device_state(veth.name()) == before);
	};
	/* The container's directory lives as long as one of its records: an attached anchor keeps it. */
	ScopedVeth anchor("s");
	auto anchored = [&](const std::string &dir) { box.attach_interface(anchor.name(), "anchor0", in(dir)); };
	auto unanchored = [&](const std::string &dir) {
		box.detach_interface("anchor0", {}, in(dir));
		CHECK(host_has_link(anchor.name()));
	};

	SECTION("a full tmpfs, before the container's directory exists")
	{
		ScopedMount state("-t tmpfs -o size=4k,mode=0700 tmpfs");
		fill(state.path());
		refused("full, no directory", state.path(), {ENOSPC});
	}
	SECTION("a full tmpfs, with the container's directory in place")
	{
		ScopedMount state("-t tmpfs -o size=8k,mode=0700 tmpfs");
		anchored(state.path());
		const std::string dir = state.path() + "/" + dir_snapshot(state.path()).begin()->first;
		const auto clean = dir_snapshot(dir);
		fill(state.path());
		refused("full, directory exists", state.path(), {ENOSPC});
		(void)run("rm -f " + quote(state.path()) + "/filler*");
		/* Nothing half-written is left behind, and the directory works again once there is room. */
		CHECK(dir_snapshot(dir) == clean);
		works(state.path());
		unanchored(state.path());
	}
	SECTION("a tmpfs out of inodes")
	{
		ScopedMount state("-t tmpfs -o size=1m,nr_inodes=2,mode=0700 tmpfs");
		fill(state.path());
		refused("no inodes", state.path(), {ENOSPC});
	}
	SECTION("a read-only mount, before the container's directory exists")
	{
		ScopedMount state("-t tmpfs -o ro,size=1m,mode=0700 tmpfs");
		refused("read-only, no directory", state.path(), {EROFS});
	}
	SECTION("a read-only mount, with the container's directory in place")
	{
		ScopedMount state("-t tmpfs -o size=1m,mode=0700 tmpfs");
		anchored(state.path());
		sh("mount -o remount,ro " + quote(state.path()));
		refused("read-only, directory exists", state.path(), {EROFS});
		sh("mount -o remount,rw " + quote(state.path()));
		works(state.path());
		unanchored(state.path());
	}
	SECTION("LXCNET_STATE_DIR pointing at a full tmpfs")
	{
		/* The environment is how the CLI and the stop hook are pointed at a state directory. */
		ScopedMount state("-t tmpfs -o size=4k,mode=0700 tmpfs");
		fill(state.path());
		const Exec r = [&] {
			lxcnet::test::ScopedEnv full("LXCNET_STATE_DIR", state.path().c_str());
			return exec({cli_path(), "-n", ct.name(), "-P", ct.lxcpath(), "add", veth.name(), "eth1"});
		}();
		INFO(r.err);
		CHECK(r.status == 1);
		CHECK(r.err.find("No space left on device") != std::string::npos);
		CHECK_FALSE(ct.has_link("eth1"));
		CHECK(device_state(veth.name()) == before);
	}
	for (const auto &[label, r] : seen)
		std::printf("state: %s -> %s\n", label.c_str(), errno_text(r).c_str());
}

namespace {

/* Waits for pred, polling; false on timeout. */
template <class F>
bool wait_for(F &&pred, double timeout_s = 15)
{
	for (auto start = Clock::now(); seconds_since(start) < timeout_s; ::usleep(20000))
		if (pred())
			return true;
	return false;
}

/*
 * A process waiting for the host-wide lock holds the state directory open. It must be the
 * exec'd CLI: a child between fork and exec still shares the test's own locked fd, and stopping it
 * there would keep the test's lock held for everyone.
 */
bool parked_on(pid_t pid, const std::string &dir)
{
	char exe[4096];
	const ssize_t n = ::readlink(("/proc/" + std::to_string(pid) + "/exe").c_str(), exe, sizeof(exe));
	char *cli = ::realpath(cli_path().c_str(), nullptr);
	const bool is_cli = cli && n > 0 && std::string(exe, static_cast<size_t>(n)) == cli;
	std::free(cli);
	if (!is_cli)
		return false;
	for (const auto &[fd, target] : fds_of(pid))
		if (target == dir)
			return true;
	return false;
}

enum class After { stays_down, restarts };

/*
 * The CLI starts an attach and waits for the host-wide lock (the state
 * directory's), which the test holds; it has already pinned the container's
 * namespace by then.
 * Meanwhile init is killed, the stop hook takes the lock first and hands back
 * what it finds (nothing yet), the container is gone (or started again), and
 * only then does the parked call go on. Whatever the library resolves before
 * or after the lock, the device must end up with a live init or at home.
 */
void attach_parked_across_a_kill(After after)
{
	ScopedContainer ct(true, stop_hook_config());
	ScopedVeth veth("p"), anchor("p");
	veth.configure(after == After::stays_down ? 53 : 54);
	const std::string before = device_state(veth.name());
	/* An attached device for the stop hook to hand back, proving the hook itself ran. */
	lxcnet::Container(ct.name(), ct.lxcpath()).attach_interface(anchor.name(), "anchor0");
	/* The first lock every attach and the stop hook take: a waiter holds no other lock yet. */
	const char *state = std::getenv("LXCNET_STATE_DIR");
	REQUIRE(state != nullptr);
	const std::string dir = state;

	int lock = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	REQUIRE(lock >= 0);
	REQUIRE(::flock(lock, LOCK_EX) == 0);
	Spawned attach({cli_path(), "-n", ct.name(), "-P", ct.lxcpath(), "add", veth.name(), "eth1"});
	const bool parked = wait_for([&] { return parked_on(attach.pid(), dir); });
	if (!parked) {
		::close(lock);
		FAIL("the attach never waited for the state directory's lock");
	}
	::kill(attach.pid(), SIGSTOP); /* a stopped waiter cannot take the lock: the hook will get it first */
	const bool stopped = wait_for([&] { return process_state(attach.pid()) == 'T'; });

	std::thread stopper([&] { (void)run("lxc-stop -k -P " + quote(ct.lxcpath()) + " -n " + quote(ct.name())); });
	pid_t hook = 0;
	const bool hook_parked = wait_for([&] {
		for (pid_t pid : pids_running({cli_path(), "hook"}))
			if (parked_on(pid, dir))
				hook = pid;
		return hook != 0;
	});
	::close(lock);
	stopper.join();
	const bool down = wait_for([&] { return !ct.running() && process_state(hook) == 0; });
	if (after == After::restarts)
		ct.start();
	::kill(attach.pid(), SIGCONT);
	const Exec result = attach.wait();

	INFO("attach: exit " << result.status << ": " << result.err);
	REQUIRE(parked);
	REQUIRE(stopped);
	REQUIRE(hook_parked);
	REQUIRE(down);
	/* The stop hook handed the anchor back: the stop hook itself worked. */
	CHECK(host_has_link(anchor.name()));
	const std::string home = host_link_with_mac(veth.mac());
	const std::string inside = after == After::restarts ? ct.link_with_mac(veth.mac()) : "";
	INFO("on the host as '" << home << "'" << (after == After::restarts ? ", in the restarted container as '" + inside + "'" : ""));
	/* The device must still exist somewhere: a veth in a namespace that dies is destroyed with its peer. */
	CHECK(host_has_link(veth.peer()));
	CHECK((home.empty() ? 0 : 1) + (inside.empty() ? 0 : 1) == 1);
	if (result.status == 0) {
		/* Success is only honest if the device went to the container's new init. */
		CHECK(inside == "eth1");
		if (!inside.empty())
			CHECK(device_state(inside, ct.inside()) == before);
	} else {
		/* ESRCH, said in words: the CLI leaves out libc's "No such process". */
		CHECK((result.err.find("the container stopped") != std::string::npos ||
		       result.err.find("not running") != std::string::npos));
		CHECK(home == veth.name());
		if (!home.empty())
			CHECK(device_state(home) == before);
		CHECK(read_records(ct.record_dir()).empty());
	}
}

} /* namespace */

TEST_CASE("an attach that pinned the namespace before init was killed does not move the device into the dead namespace", "[faults][kill]")
{
	attach_parked_across_a_kill(After::stays_down);
}

TEST_CASE("an attach that pinned the namespace before a restart reaches the new init or fails, never the old namespace", "[faults][restart]")
{
	attach_parked_across_a_kill(After::restarts);
}

TEST_CASE("a record from before a restart is never applied to a successor device it does not describe", "[faults][restart]")
{
	/*
	 * The successor has the old device's ifindex and MAC (deterministic MACs are common), and no record of
	 * its own (attached without preserve). If the new namespace also reuses the old one's inode, only the
	 * namespace cookie in the record tells it apart (and nothing does before kernel 5.14): the record must
	 * still not rename and reconfigure the newcomer. Whether the inode came back is up to the kernel, so
	 * the test restarts a few times to give it the chance, says which case it ran, and checks the same
	 * outcome in both.
	 */
	ScopedContainer ct;
	lxcnet::Container box(ct.name(), ct.lxcpath());
	const unsigned long old_inode = ct.netns_inode();
	int index = 0;
	std::string mac;
	{
		ScopedVeth old("o");
		old.configure(55);
		index = host_ifindex(old.name());
		mac = old.mac();
		box.attach_interface(old.name(), "eth1");
		REQUIRE(ct.ifindex_of("eth1") == index);
		ct.kill(); /* no stop hook: the device dies with the namespace, its record stays */
	}
	/* The kernel hands out the lowest free namespace inode: a few restarts reach the old one. */
	int restarts = 0;
	bool inode_reused = false;
	while (!inode_reused && restarts < 5) {
		if (restarts++)
			ct.kill();
		::usleep(300000); /* the old namespace is freed asynchronously, and its inode with it */
		ct.start();
		inode_reused = ct.netns_inode() == old_inode;
	}
	std::printf("restart: after %d restart(s) the new network namespace %s the old one's inode\n", restarts,
		    inode_reused ? "reuses" : "still does not reuse");
	REQUIRE(read_records(ct.record_dir()).size() == 1);

	ScopedVeth next("o", index);
	sh("ip link set " + next.name() + " address " + mac);
	lxcnet::Options bare;
	bare.preserve = false;
	box.attach_interface(next.name(), "eth1", bare);
	REQUIRE(ct.ifindex_of("eth1") == index);

	std::string what;
	const int r = errno_of([&] { box.detach_interface("eth1"); }, &what);
	INFO("inode reused: " << inode_reused << "; detach: " << errno_text(r) << " " << what);
	/* Either refused as stale, or brought back as what it is: never as the dead device, with its name and addresses. */
	CHECK((r == ESTALE || r == 0));
	if (r == 0) {
		CHECK(host_has_link(next.name()));
		CHECK(sh("ip -o addr show dev " + next.name()).find("10.252.55.1") == std::string::npos);
	} else {
		CHECK(ct.has_link("eth1"));
		box.detach_interface("eth1", next.name());
	}
}
