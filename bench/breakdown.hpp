/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

namespace lxb {

struct BenchContainer;
struct Veth;

/*
 * What each building block of an lxcnet call costs on its own, with no
 * device moving: liblxc's command-socket queries, netlink socket setup in
 * each netns, libnl lookups and dumps, and record file operations, each
 * done the way lxcnet 0.1 does it and, where a cheaper way exists, that way
 * too. Multiplied by how often one attach+detach cycle does each, this
 * explains where lxcnet's CPU above the raw floor goes.
 *
 * `home` is a configured device on the host (for the dumps); `measured_bare`
 * and `measured_preserve` are lxcnet's measured CPU per cycle minus the raw
 * floor's (negative: not measured).
 */
void breakdown(BenchContainer &box, const Veth &home, const std::string &scratch_dir, unsigned reps,
	       double measured_bare, double measured_preserve);

/* user+sys of this process plus its reaped children, and monotonic wall time, in microseconds. */
double cpu_us();
double now_us();

} /* namespace lxb */
