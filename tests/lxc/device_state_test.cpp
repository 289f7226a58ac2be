/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * device_state() against its table of cases, which python/tests holds its
 * Python twin to as well: what every round-trip test compares must read the
 * same in both languages.
 */
#include "helpers.hpp"

#include <fstream>
#include <sstream>

using namespace lxcnet::test;

namespace {

struct Case {
	std::string title;
	std::vector<std::string> commands;
	std::vector<std::string> expected;
};

/* Parsed as python/tests/test_device_state.py parses it. */
std::vector<Case> read_cases()
{
	const std::string path = built_program("LXCNET_DEVICE_STATE_CASES");
	std::ifstream in(path);
	if (!in)
		throw std::runtime_error("cannot open " + path);
	std::vector<Case> cases;
	for (std::string line; std::getline(in, line);) {
		if (line.empty() || line[0] == '#')
			continue;
		const auto space = line.find(' ');
		const std::string word = line.substr(0, space), rest = space == std::string::npos ? "" : line.substr(space + 1);
		if (word == "case")
			cases.push_back({rest, {}, {}});
		else if ((word == "run" || word == "expect") && !cases.empty())
			(word == "run" ? cases.back().commands : cases.back().expected).push_back(rest);
		else
			throw std::runtime_error(path + ": cannot read '" + line + "'");
	}
	return cases;
}

} /* namespace */

TEST_CASE("device_state reads every case of the table shared with the Python twin", "[device-state]")
{
	const auto cases = read_cases();
	REQUIRE(cases.size() >= 4);
	for (const auto &c : cases) {
		SECTION(c.title)
		{
			ScopedNetns ns;
			ScopedVeth veth(ns, "v");
			sh(ns.ip() + "link set " + veth.name() + " address 02:00:00:00:ee:01");
			for (const auto &command : c.commands)
				sh(ns.inside() + replace_all(replace_all(command, "PEER", veth.peer()), "DEV", veth.name()));
			std::string expected;
			for (const auto &line : c.expected)
				expected += line + "\n";
			CHECK(device_state(veth.name(), ns.inside()) == expected);
		}
	}
}
