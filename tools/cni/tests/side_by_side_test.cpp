/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The same cases through Debian's /usr/lib/cni/host-device (1.1.1) and
 * through lxcnet-cni, without and with "preserve": what each keeps of a
 * configured device, and how DEL behaves when things go wrong. Every cell of
 * the printed table is measured here and asserted, so the comparison in
 * docs/cni.md stays true.
 */
#include <catch2/catch.hpp>

#include <iomanip>
#include <iostream>
#include <sstream>

#include "harness.hpp"

using namespace lxcnet::cni::test;
using nlohmann::json;

namespace {

struct Variant {
	std::string label;
	std::string binary;
	std::string type;
	bool preserve;
};

std::string join(const std::vector<std::string> &items)
{
	std::string out;
	for (const auto &i : items)
		out += (out.empty() ? "" : " ") + i;
	return out.empty() ? "-" : out;
}

std::string yes_no(bool b, const char *yes = "kept", const char *no = "lost")
{
	return b ? yes : no;
}

/* Probe name -> measured value, in the order probes are made. */
using Row = std::vector<std::pair<std::string, std::string>>;

struct Bench {
	StateDir state;
	ScopedNetns host{"h"};
	ScopedNetns target{"t"};
	Plugin plugin;
	ScopedVeth dev;
	json conf;
	explicit Bench(const Variant &v)
		: plugin{v.binary, host.name()}, dev(host, "v"),
		  conf(config("1.0.0", v.type, {{"device", dev.name()}}))
	{
		if (v.preserve)
			conf["preserve"] = true;
		const std::string ip = host.ip();
		sh(ip + "link set " + dev.name() + " mtu 1400 address 02:00:00:00:08:01 alias 'uplink to rack 8'");
		sh(ip + "addr add 10.81.0.1/24 dev " + dev.name());
		sh(ip + "addr add fd00:81::1/64 dev " + dev.name() + " nodad");
		sh(ip + "link set " + dev.name() + " up");
		sh(ip + "route add 10.82.0.0/24 via 10.81.0.2 dev " + dev.name());
	}
	Call add() { return plugin.call("ADD", "lxk-sbs", target.path(), "eth0", conf); }
	Call del() { return plugin.call("DEL", "lxk-sbs", target.path(), "eth0", conf); }
};

Row measure(const Variant &v)
{
	Row row;
	auto note = [&](const std::string &probe, const std::string &value) { row.emplace_back(probe, value); };

	{
		Bench b(v);
		const DeviceFacts before = device_facts(b.dev.name(), b.host.inside());
		Call add = b.add();
		INFO(v.label << " ADD: " << add.show());
		REQUIRE(add.ok());
		DeviceFacts in = device_facts("eth0", b.target.inside());
		note("inside: admin state", in.up ? "UP" : "DOWN");
		note("inside: ifalias", in.alias == before.alias ? "kept" : "\"" + in.alias + "\"");
		note("inside: MTU, MAC", yes_no(in.mtu == before.mtu && in.mac == before.mac));
		note("inside: addresses", join(in.addresses));
		note("inside: routes", join(in.routes));

		/* What a container might do to a device it was given. */
		sh(b.target.ip() + "link set eth0 mtu 1300");
		sh(b.target.ip() + "addr add 192.168.201.1/24 dev eth0");
		Call del = b.del();
		INFO(v.label << " DEL: " << del.show());
		REQUIRE(del.ok());
		DeviceFacts after = device_facts(b.dev.name(), b.host.inside());
		REQUIRE(after.exists);
		note("home: admin state (was UP)", after.up ? "UP" : "DOWN");
		note("home: ifalias", after.alias == before.alias ? "kept" : "\"" + after.alias + "\"");
		note("home: MTU (container set 1300)", std::to_string(after.mtu));
		note("home: addresses", join(after.addresses));
		note("home: routes", join(after.routes));

		Call again = b.del();
		note("second DEL", again.ok() ? "ok" : "error: " + again.json.value("msg", ""));
		note("second DEL, code", again.ok() ? "-" : std::to_string(again.json.value("code", 0)));
	}
	{
		Bench b(v);
		REQUIRE(b.add().ok());
		b.target.remove();
		Call del = b.del();
		note("DEL, namespace deleted", del.ok() ? "ok" : "error: " + del.json.value("msg", ""));
		note("records left", std::to_string(b.state.files().size()));
	}
	{
		Bench b(v);
		REQUIRE(b.add().ok());
		std::string outcome;
		{
			ScopedVeth conflict(b.host, "c", b.dev.name());
			Call del = b.del();
			DeviceFacts in = device_facts("eth0", b.target.inside());
			outcome = std::string(del.ok() ? "ok?!" : "fails") + "; " + (in.exists ? "stays in" : "gone") +
				  (in.exists && in.up ? ", UP" : "");
		}
		Call retry = b.del();
		outcome += std::string("; retry ") + (retry.ok() ? "ok" : "fails");
		note("DEL, host name taken", outcome);
	}
	{
		Bench b(v);
		REQUIRE(b.add().ok());
		const std::string alias = unique_name("z");
		sh(b.target.ip() + "link set eth0 alias " + alias);
		Call del = b.del();
		std::string where = device_facts(b.dev.name(), b.host.inside()).exists ? "original name"
				    : device_facts(alias, b.host.inside()).exists  ? "the container's alias"
										: "?";
		note("DEL after the container set an ifalias", std::string(del.ok() ? "" : "error, ") + "home as " + where);
	}
	return row;
}

} /* namespace */

TEST_CASE("side by side: Debian's host-device and lxcnet-cni on a configured device", "[cni][side-by-side]")
{
	const std::vector<Variant> variants = {
		{"host-device 1.1.1", debian_cni_dir + "/host-device", "host-device", false},
		{"lxcnet-cni", lxcnet_cni(), "lxcnet-cni", false},
		{"lxcnet-cni preserve", lxcnet_cni(), "lxcnet-cni", true},
	};
	std::vector<Row> rows;
	for (const auto &v : variants)
		rows.push_back(measure(v));

	std::ostringstream table;
	/* Long cells (error messages) are footnoted so the table stays readable in the test log. */
	std::vector<std::string> notes;
	auto cell = [&](const std::string &text) {
		if (text.size() <= 30)
			return text;
		notes.push_back(text);
		return text.substr(0, 22) + "... [" + std::to_string(notes.size()) + "]";
	};
	table << "\n" << std::left << std::setw(40) << "probe";
	for (const auto &v : variants)
		table << " | " << std::setw(30) << v.label;
	table << "\n";
	for (size_t i = 0; i < rows[0].size(); i++) {
		table << std::setw(40) << rows[0][i].first;
		for (const auto &row : rows)
			table << " | " << std::setw(30) << cell(row[i].second);
		table << "\n";
	}
	for (size_t i = 0; i < notes.size(); i++)
		table << "[" << i + 1 << "] " << notes[i] << "\n";
	std::cout << table.str() << std::flush;

	auto value = [&](size_t variant, const std::string &probe) {
		for (const auto &[p, v] : rows[variant])
			if (p == probe)
				return v;
		return std::string("(no probe " + probe + ")");
	};
	const size_t hd = 0, lx = 1, pr = 2;
	/* Up in the container: all three, as CNI expects. */
	for (size_t v : {hd, lx, pr})
		CHECK(value(v, "inside: admin state") == "UP");
	/* The kernel keeps MTU and MAC across a move, whoever asks for it. */
	for (size_t v : {hd, lx, pr})
		CHECK(value(v, "inside: MTU, MAC") == "kept");
	/* host-device stores the host name in the ifalias; lxcnet-cni keeps it in its record. */
	CHECK(value(hd, "inside: ifalias") != "kept");
	CHECK(value(hd, "home: ifalias") != "kept");
	for (size_t v : {lx, pr}) {
		CHECK(value(v, "inside: ifalias") == "kept");
		CHECK(value(v, "home: ifalias") == "kept");
	}
	/* Addresses and routes: the kernel drops them; only preserve carries them and brings them back. */
	CHECK(value(hd, "inside: addresses") == "-");
	CHECK(value(lx, "inside: addresses") == "-");
	CHECK(value(pr, "inside: addresses") == "10.81.0.1/24 fd00:81::1/64");
	CHECK(value(pr, "inside: routes") == "10.82.0.0/24 via 10.81.0.2");
	CHECK(value(hd, "home: addresses") == "-");
	CHECK(value(lx, "home: addresses") == "-");
	CHECK(value(pr, "home: addresses") == "10.81.0.1/24 fd00:81::1/64");
	CHECK(value(pr, "home: routes") == "10.82.0.0/24 via 10.81.0.2");
	/* Up-state and MTU come back only with preserve; otherwise the container's MTU leaks to the host. */
	CHECK(value(hd, "home: admin state (was UP)") == "DOWN");
	CHECK(value(lx, "home: admin state (was UP)") == "DOWN");
	CHECK(value(pr, "home: admin state (was UP)") == "UP");
	CHECK(value(hd, "home: MTU (container set 1300)") == "1300");
	CHECK(value(lx, "home: MTU (container set 1300)") == "1300");
	CHECK(value(pr, "home: MTU (container set 1300)") == "1400");
	/* DEL: host-device 1.1.1 is not idempotent and fails once the namespace is gone. */
	CHECK(value(hd, "second DEL").rfind("error", 0) == 0);
	CHECK(value(hd, "second DEL, code") == "999");
	CHECK(value(hd, "DEL, namespace deleted").rfind("error", 0) == 0);
	for (size_t v : {lx, pr}) {
		CHECK(value(v, "second DEL") == "ok");
		CHECK(value(v, "second DEL, code") == "-");
		CHECK(value(v, "DEL, namespace deleted") == "ok");
		CHECK(value(v, "records left") == "0");
	}
	for (size_t v : {hd, lx, pr})
		CHECK(value(v, "DEL, host name taken") == "fails; stays in, UP; retry ok");
	/* The container chooses host-device's host-side name through the alias. */
	CHECK(value(hd, "DEL after the container set an ifalias") == "home as the container's alias");
	CHECK(value(lx, "DEL after the container set an ifalias") == "home as original name");
	CHECK(value(pr, "DEL after the container set an ifalias") == "home as original name");
}
