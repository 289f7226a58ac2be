# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Python twin of device_state() against the C++ one's own table of cases."""

import os
import shlex

import pytest

from conftest import device_state, quietly, run, unique_name

CASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "support", "device_state_cases.txt")


def read_cases():
    """[(title, [run lines], [expect lines])], parsed as tests/lxc/device_state_test.cpp parses them."""
    cases = []
    with open(CASES) as f:
        for line in f.read().splitlines():
            if not line or line.startswith("#"):
                continue
            word, _, rest = line.partition(" ")
            if word == "case":
                cases.append((rest, [], []))
            elif word in ("run", "expect") and cases:
                cases[-1][1 if word == "run" else 2].append(rest)
            else:
                raise ValueError(f"{CASES}: cannot read {line!r}")
    return cases


CASE_LIST = read_cases()


def test_the_table_has_cases():
    # The C++ test counts the same table; an empty or unread table must not pass for agreement.
    assert len(CASE_LIST) >= 4


@pytest.mark.parametrize("title,commands,expected", CASE_LIST, ids=[c[0] for c in CASE_LIST])
def test_device_state_case(title, commands, expected):
    ns = unique_name("n")
    run("ip", "netns", "add", ns)
    try:
        dev, peer = unique_name("v"), unique_name("p")
        run("ip", "-n", ns, "link", "add", dev, "address", "02:00:00:00:ee:01", "type", "veth", "peer", "name", peer)
        run("ip", "-n", ns, "link", "set", peer, "up")
        for command in commands:
            words = [dev if w == "DEV" else peer if w == "PEER" else w.replace("DEV", dev) for w in shlex.split(command)]
            run("ip", "netns", "exec", ns, *words)
        assert device_state(dev, ("ip", "netns", "exec", ns)) == "".join(f"{line}\n" for line in expected)
    finally:
        quietly("ip", "netns", "del", ns)
