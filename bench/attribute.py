#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Reads `perf script -F period,ip,sym` on stdin and prints CPU microseconds per
attach+detach cycle for each step of lxcnet and of the raw movers.

A sample belongs to the contender whose entry point is on its call chain, and
to the most specific step found walking the chain from the root to the leaf.
Argument: the number of cycles the profiled run made per contender (warm-up
included, since perf samples those too)."""
import collections
import re
import sys

STEPS = [
    ("init's netns from its pidfd (liblxc only when init changed)",
     r"Container::Impl::resolve|open_netns_of_pidfd|LeanMover::container_netns"),
    ("caller's netns from its socket (SIOCGSKNS)", r"open_netns_of_socket"),
    ("open netlink sockets (setns there and back)", r"NetlinkSocket::open|lxb::RtnlSocket::RtnlSocket"),
    ("identify the container's netns (inode, cookie)", r"lxcnet::detail::netns_id"),
    ("close sockets and fds (~Mover)", r"Mover::~Mover|lxb::RtnlSocket::~RtnlSocket|UniqueFd::~UniqueFd"),
    ("host-wide lock", r"HostLock::acquire|LeanMover::lock_state_dir"),
    ("init liveness checks (poll)", r"has_exited|LeanMover::init_exited"),
    ("link lookups (get_link)", r"NetlinkSocket::get_link|lxb::RtnlSocket::(link_of|ifindex_of)"),
    ("the move itself (RTM_NEWLINK)", r"lxcnet::detail::\(anonymous namespace\)::move"),
    ("snapshot dumps (capture)", r"lxcnet::detail::capture|lxb::lean::capture"),
    ("re-apply", r"lxcnet::detail::apply|lxb::lean::replay"),
    ("record save", r"RecordStore::save|lxb::lean::save"),
    ("record dir open + lock", r"RecordStore::open"),
    ("record scan and read", r"RecordStore::load|lxb::lean::load"),
    ("record remove", r"RecordStore::remove|unlinkat"),
    ("record dir removal check (~RecordStore)", r"RecordStore::~RecordStore"),
    ("the move itself (RTM_NEWLINK)", r"lxb::RtnlSocket::move"),
    ("re-apply", r"lxb::RtnlSocket::(add_address|set_up|add_route4)"),
]
ENTRIES = [
    ("lxcnet", r"lxcnet::Container::(attach|detach)_interface"),
    ("lean preserve", r"lxb::LeanMover::(attach_preserving|detach_home)"),
    ("lean sketch", r"lxb::LeanMover::(attach|detach|move)\b"),
    ("raw floor / raw+config", r"lxb::RtnlSocket::(move|add_address|set_up|add_route4)"),
]


def main():
    cycles = int(sys.argv[1])
    totals = collections.Counter()
    steps = collections.defaultdict(collections.Counter)
    period, frames = None, []

    def flush():
        nonlocal period, frames
        if period is not None:
            chain = list(reversed(frames))
            entry = next((name for name, rx in ENTRIES if any(re.search(rx, f) for f in chain)), None)
            if entry:
                totals[entry] += period
                step = None
                for frame in chain:
                    for name, rx in STEPS:
                        if re.search(rx, frame):
                            step = name
                if step is None:
                    step = "other"
                steps[entry][step] += period
        period, frames = None, []

    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line.strip():
            flush()
        elif not line.startswith("\t"):
            flush()
            m = re.match(r"\s*(\d+)", line)
            period = int(m.group(1)) if m else 0
        else:
            parts = line.strip().split(None, 1)
            frames.append(parts[1] if len(parts) > 1 else parts[0])
    flush()
    for entry, total in totals.items():
        print(f"{entry}: {total / 1000 / cycles:.0f} us CPU per cycle, sampled")
        for step, ns in steps[entry].most_common():
            print(f"  {step:48s} {ns / 1000 / cycles:7.0f} us  {100 * ns / total:5.1f}%")


if __name__ == "__main__":
    main()
