/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mover.hpp"

#include <cerrno>

#include "test_seams.hpp"

namespace lxcnet::detail {

void Mover::attach(const std::string &dev, const std::string &dst_in, bool preserve, bool remember)
{
	const Operation op{Operation::Kind::attach, dev, dst_in};
	const bool keeps_record = preserve || remember;
	/* The locks come first, so two callers never both pass the checks below. */
	lock_host(op, keeps_record);
	if (keeps_record)
		store(op);
	check_running(op);

	const Link link = find_device(op, host_side(), dev);
	/* The kernel also finds a device by an altname; the device's own name is what it keeps. */
	const std::string dst = dst_in.empty() ? link.name : dst_in;
	check_target_free(op, dst);
	const LinkState before = snapshot(op, host_side(), link, preserve);
	/* Written before the move: if the caller dies half-way, a detach or recover still knows what to look for. */
	std::optional<Record> record;
	if (keeps_record)
		record = write_record(op, before, identity_on_host(link), dst);

	move_in(op, link, dst, before, record ? &*record : nullptr, preserve);
	if (!keeps_record && !init_exited())
		return; /* a bare move needs nothing more of the device */

	const Link moved = find_after_move(op, inside_side(), dst);
	if (record)
		record->inside_ifindex = moved.ifindex;
	if (init_exited())
		roll_back(op, ESRCH, "the container stopped during the attach", inside_side(), moved, host_side(), before,
			  record ? &*record : nullptr);
	/* With init alive, only an attach that keeps a record gets here. */
	if (preserve)
		configure_inside(op, moved, before, *record);
	follow_inside(op, moved, before, *record);
}

void Mover::check_running(const Operation &op) const
{
	/* We may have waited on a lock while the container stopped: its namespace is dying with everything in it. */
	if (init_exited())
		fail(op, ESRCH, "the container stopped (its init exited) before the move; nothing was moved");
}

void Mover::check_target_free(const Operation &op, const std::string &dst)
{
	/* A test build can skip this check, to reach the kernel's own EEXIST after it has moved the device. */
	if (seam::skip_target_check())
		return;
	Link taken;
	int r = inside_.get_link(0, dst, taken);
	if (r == 0)
		fail(op, EEXIST, "the container already has a device named " + dst);
	if (r != -ENODEV)
		fail(op, -r, "look up " + dst + " in the container" + detail_of(inside_));
}

Record Mover::write_record(const Operation &op, const LinkState &before, const Identity &identity, const std::string &dst)
{
	Record record{label_, lxcpath_, inside_id(op), before, dst, before.ifindex, identity};
	if (int r = store(op).save(record); r < 0)
		fail(op, -r, "write the record in " + store(op).path() + " (nothing was moved)");
	return record;
}

void Mover::move_in(const Operation &op, const Link &link, const std::string &dst, const LinkState &before, const Record *record,
		    bool preserve)
{
	if (int r = move(host_side(), link, inside_side(), dst); r < 0) {
		/* Read before the undo sends requests of its own. */
		std::string cause = "move into the container" + detail_of(host_);
		cause += undo_partial_move(inside_side(), host_side(), before, preserve);
		if (record)
			(void)store(op).remove(*record);
		fail(op, -r, cause);
	}
}

void Mover::configure_inside(const Operation &op, const Link &moved, const LinkState &before, const Record &record)
{
	/* Its bridge or bond stays on the host: inside it is a device of its own, and the record remembers the master. */
	const LinkState *want = &before;
	LinkState loose;
	if (before.membership.master > 0) {
		loose = before;
		loose.membership = {};
		want = &loose;
	}
	std::string step;
	if (int r = configure(inside_side(), moved, *want, step); r < 0)
		roll_back(op, -r, step + " in the container" + detail_of(inside_), inside_side(), moved, host_side(), before,
			  &record);
}

void Mover::follow_inside(const Operation &op, const Link &moved, const LinkState &before, Record &record)
{
	/* The kernel kept the ifindex only if it was free inside: the record follows the device by the one it has. */
	const int fault = seam::record_update_fault();
	if (record.inside_ifindex != before.ifindex || fault) {
		if (int r = fault ? fault : store(op).save(record); r < 0)
			roll_back(op, -r, "update the record in " + store(op).path(), inside_side(), moved, host_side(), before, &record);
	}
}

} /* namespace lxcnet::detail */
