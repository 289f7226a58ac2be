/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "stress.hpp"

#include <atomic>
#include <cstdio>
#include <latch>
#include <mutex>
#include <regex>
#include <thread>

using namespace lxcnet::stress;

namespace {

constexpr int containers = 4;
constexpr int threads = 8;
constexpr int cycles_per_thread = 50;
constexpr int race_rounds = 6;

std::vector<ScopedContainer *> boxes()
{
	std::vector<ScopedContainer *> out;
	for (int i = 0; i < containers; i++)
		out.push_back(&shared_container(static_cast<size_t>(i)));
	return out;
}

/* Where a device is, found by MAC: its name survives nothing a hostile party could do, its MAC survives moves. */
struct Place {
	int box = -1; /* -1: the host */
	std::string name;
};

std::vector<Place> places_of(const std::string &mac, const std::vector<ScopedContainer *> &all)
{
	std::vector<Place> out;
	if (auto name = host_link_with_mac(mac); !name.empty())
		out.push_back({-1, name});
	for (size_t i = 0; i < all.size(); i++)
		if (auto name = all[i]->link_with_mac(mac); !name.empty())
			out.push_back({static_cast<int>(i), name});
	return out;
}

std::string describe(const std::vector<Place> &places)
{
	std::string out;
	for (const auto &p : places)
		out += (p.box < 0 ? std::string("host") : "container " + std::to_string(p.box)) + ":" + p.name + " ";
	return out.empty() ? "nowhere" : out;
}

/*
 * The device is in exactly one place, configured as `before`, and the records
 * say so: one record, in that container's directory, naming the device's
 * ifindex and MAC there; none at all when it is on the host.
 */
void check_consistent(const ScopedVeth &veth, const std::string &before, const std::vector<ScopedContainer *> &all)
{
	const auto places = places_of(veth.mac(), all);
	INFO("device " << veth.name() << " is at " << describe(places));
	REQUIRE(places.size() == 1);
	const Place &p = places[0];
	if (p.box < 0) {
		CHECK(p.name == veth.name());
		CHECK(device_state(p.name) == before);
	} else {
		CHECK(device_state(p.name, all[p.box]->inside()) == before);
	}
	for (size_t i = 0; i < all.size(); i++) {
		auto records = read_records(all[i]->record_dir());
		INFO("records of container " << i << ": " << records.size());
		if (static_cast<int>(i) != p.box) {
			CHECK(records.empty());
			continue;
		}
		REQUIRE(records.size() == 1);
		CHECK(records[0].parsed);
		CHECK(records[0].name == veth.name());
		CHECK(records[0].mac == veth.mac());
		CHECK(records[0].inside_ifindex == all[i]->ifindex_of(p.name));
	}
}

/* The CLI's --json answer: {"ok":false,"errno":19,...}. */
int json_errno(const std::string &out)
{
	std::smatch m;
	if (std::regex_search(out, std::regex("\"ok\":true")))
		return 0;
	if (std::regex_search(out, m, std::regex("\"errno\":([0-9]+)")))
		return std::stoi(m[1].str());
	return -1;
}

} /* namespace */

TEST_CASE("8 threads x 50 attach/detach cycles over 4 containers, distinct devices: all succeed, all come home", "[concurrency]")
{
	auto all = boxes();
	std::vector<std::unique_ptr<ScopedVeth>> veths;
	std::vector<std::string> before;
	for (int i = 0; i < threads; i++) {
		veths.push_back(std::make_unique<ScopedVeth>("t"));
		veths.back()->configure(20 + i);
		before.push_back(device_state(veths.back()->name()));
	}
	/* Two threads share each Container object: the way a program holds one per container. */
	std::vector<std::unique_ptr<lxcnet::Container>> objects;
	for (auto *box : all)
		objects.push_back(std::make_unique<lxcnet::Container>(box->name(), box->lxcpath()));

	std::mutex lock;
	std::vector<std::string> failures;
	std::atomic<int> done{0};
	std::latch start(threads);
	const auto t0 = Clock::now();
	std::vector<std::thread> workers;
	for (int t = 0; t < threads; t++)
		workers.emplace_back([&, t] {
			lxcnet::Container &box = *objects[t % containers];
			const std::string inside = "st" + std::to_string(t);
			start.arrive_and_wait();
			for (int i = 0; i < cycles_per_thread; i++) {
				std::string what;
				int r = errno_of([&] { box.attach_interface(veths[t]->name(), inside); }, &what);
				if (r == 0)
					r = errno_of([&] { box.detach_interface(inside); }, &what);
				if (r != 0) {
					std::lock_guard<std::mutex> guard(lock);
					failures.push_back("thread " + std::to_string(t) + " cycle " + std::to_string(i) + ": " +
							   errno_text(r) + " " + what);
					return;
				}
				done++;
			}
		});
	for (auto &w : workers)
		w.join();
	const double elapsed = seconds_since(t0);
	std::printf("concurrency: %d threads x %d cycles over %d containers: %d cycles succeeded in %.1f s\n", threads,
		    cycles_per_thread, containers, done.load(), elapsed);

	for (const auto &f : failures)
		UNSCOPED_INFO(f);
	CHECK(failures.empty());
	CHECK(done == threads * cycles_per_thread);
	for (int t = 0; t < threads; t++) {
		INFO("device " << veths[t]->name());
		CHECK(device_state(veths[t]->name()) == before[t]);
		CHECK(host_has_link(veths[t]->peer()));
	}
	for (auto *box : all) {
		for (int t = 0; t < threads; t++)
			CHECK_FALSE(box->has_link("st" + std::to_string(t)));
		CHECK(read_records(box->record_dir()).empty());
	}
}

TEST_CASE("8 threads racing to attach one device: exactly one wins, the rest are ENODEV", "[concurrency][race]")
{
	auto all = boxes();
	ScopedVeth veth("r");
	veth.configure(30);
	const std::string before = device_state(veth.name());
	std::map<int, int> outcomes;
	for (int round = 0; round < race_rounds; round++) {
		/* Threads t and t+4 aim at one container (its lock orders them), the four pairs at four (nothing does). */
		std::vector<std::unique_ptr<lxcnet::Container>> objects;
		for (int t = 0; t < threads; t++)
			objects.push_back(std::make_unique<lxcnet::Container>(all[t % containers]->name(), all[t % containers]->lxcpath()));
		std::vector<int> result(threads, -1);
		std::vector<std::string> what(threads);
		std::latch start(threads);
		std::vector<std::thread> racers;
		for (int t = 0; t < threads; t++)
			racers.emplace_back([&, t] {
				start.arrive_and_wait();
				result[t] = errno_of([&] { objects[t]->attach_interface(veth.name(), "race0"); }, &what[t]);
			});
		for (auto &r : racers)
			r.join();

		int winners = 0, winner = -1;
		for (int t = 0; t < threads; t++) {
			outcomes[result[t]]++;
			INFO("round " << round << " thread " << t << ": " << errno_text(result[t]) << " " << what[t]);
			if (result[t] == 0) {
				winners++;
				winner = t;
			} else {
				CHECK(result[t] == ENODEV);
				CHECK(what[t].find(veth.name()) != std::string::npos);
			}
		}
		INFO("round " << round);
		REQUIRE(winners == 1);
		check_consistent(veth, before, all);
		CHECK(all[winner % containers]->has_link("race0"));
		objects[winner]->detach_interface("race0");
		check_consistent(veth, before, all);
	}
	std::string summary;
	for (const auto &[r, n] : outcomes)
		summary += " " + errno_text(r) + " x" + std::to_string(n);
	std::printf("race: %d rounds of %d threads attaching one device:%s\n", race_rounds, threads, summary.c_str());
}

TEST_CASE("4 processes racing to attach one device: exactly one wins, the rest are ENODEV", "[concurrency][race]")
{
	auto all = boxes();
	ScopedVeth veth("r");
	veth.configure(31);
	const std::string before = device_state(veth.name());
	std::map<int, int> outcomes;
	for (int round = 0; round < race_rounds; round++) {
		std::vector<std::vector<std::string>> commands;
		for (int p = 0; p < containers; p++)
			commands.push_back({cli_path(), "--json", "-n", all[p]->name(), "-P", all[p]->lxcpath(), "--", "add",
					    veth.name(), "race1"});
		const auto results = exec_together(commands);

		int winners = 0, winner = -1;
		for (int p = 0; p < containers; p++) {
			const int r = json_errno(results[p].out);
			outcomes[r]++;
			INFO("round " << round << " process " << p << ": exit " << results[p].status << " " << results[p].out
				      << results[p].err);
			if (r == 0) {
				CHECK(results[p].status == 0);
				winners++;
				winner = p;
			} else {
				CHECK(results[p].status == 1);
				CHECK(r == ENODEV);
				/* With --json, one object on stdout naming the device, and nothing on stderr. */
				CHECK(std::count(results[p].out.begin(), results[p].out.end(), '\n') == 1);
				CHECK(results[p].out.find(veth.name()) != std::string::npos);
				CHECK(results[p].err.empty());
			}
		}
		INFO("round " << round);
		REQUIRE(winners == 1);
		check_consistent(veth, before, all);
		sh(cli_path() + " -n " + quote(all[winner]->name()) + " -P " + quote(all[winner]->lxcpath()) + " del race1");
		check_consistent(veth, before, all);
	}
	std::string summary;
	for (const auto &[r, n] : outcomes)
		summary += " " + errno_text(r) + " x" + std::to_string(n);
	std::printf("race: %d rounds of %d processes attaching one device:%s\n", race_rounds, containers, summary.c_str());
}

TEST_CASE("a detach racing an attach of the same device: both succeed only in sequence, nothing is lost", "[concurrency][race]")
{
	auto all = boxes();
	ScopedVeth veth("d");
	veth.configure(32);
	const std::string before = device_state(veth.name());
	std::map<std::string, int> outcomes;

	SECTION("in one container: attach veth as race2 against detach race2")
	{
		lxcnet::Container a(all[0]->name(), all[0]->lxcpath()), d(all[0]->name(), all[0]->lxcpath());
		for (int round = 0; round < race_rounds; round++) {
			int ra = -1, rd = -1;
			std::string wa, wd;
			std::latch start(2);
			std::thread t1([&] { start.arrive_and_wait(); ra = errno_of([&] { a.attach_interface(veth.name(), "race2"); }, &wa); });
			std::thread t2([&] { start.arrive_and_wait(); rd = errno_of([&] { d.detach_interface("race2"); }, &wd); });
			t1.join();
			t2.join();
			outcomes["attach " + errno_text(ra) + ", detach " + errno_text(rd)]++;
			INFO("round " << round << ": attach " << errno_text(ra) << " " << wa << "; detach " << errno_text(rd) << " " << wd);
			/* The detach can only find the device after the attach put it there. */
			REQUIRE(ra == 0);
			CHECK((rd == 0 || rd == ENODEV));
			check_consistent(veth, before, all);
			if (rd != 0)
				a.detach_interface("race2");
		}
	}
	SECTION("across containers: detach from one against attach of the host name to another")
	{
		lxcnet::Container from(all[0]->name(), all[0]->lxcpath()), to(all[1]->name(), all[1]->lxcpath());
		for (int round = 0; round < race_rounds; round++) {
			from.attach_interface(veth.name(), "race3");
			int ra = -1, rd = -1;
			std::string wa, wd;
			std::latch start(2);
			std::thread t1([&] { start.arrive_and_wait(); rd = errno_of([&] { from.detach_interface("race3"); }, &wd); });
			std::thread t2([&] {
				start.arrive_and_wait();
				/* A second orchestrator grabbing the device the moment it shows up on the host. */
				for (int tries = 0; tries < 200; tries++) {
					wa.clear();
					ra = errno_of([&] { to.attach_interface(veth.name(), "race3"); }, &wa);
					if (ra != ENODEV)
						break;
				}
			});
			t1.join();
			t2.join();
			outcomes["detach " + errno_text(rd) + ", attach " + errno_text(ra)]++;
			INFO("round " << round << ": detach " << errno_text(rd) << " " << wd << "; attach " << errno_text(ra) << " " << wa);
			/* Either the attach lost (the device was not home yet), or it came after the detach: never before it. */
			CHECK(rd == 0);
			CHECK((ra == 0 || ra == ENODEV));
			check_consistent(veth, before, all);
			const auto places = places_of(veth.mac(), all);
			if (ra == 0 && places.size() == 1 && places[0].box == 1)
				to.detach_interface("race3");
			else if (places.size() == 1 && places[0].box == 0)
				from.detach_interface("race3", veth.name());
		}
	}
	std::string summary;
	for (const auto &[o, n] : outcomes)
		summary += "; " + o + " x" + std::to_string(n);
	std::printf("race: detach against attach, %d rounds%s\n", race_rounds, summary.c_str());
}
