/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mover.hpp"

#include <cerrno>

#include <lxcnet/error.hpp>

#include "link_io.hpp"
#include "names.hpp"
#include "privilege.hpp"
#include "test_seams.hpp"

namespace lxcnet::detail {

std::string Operation::text(const std::string &label) const
{
	switch (kind) {
	case Kind::attach:
		return "attach " + device + " -> " + label + ":" + (target.empty() ? device : target);
	case Kind::detach:
		return "detach " + label + ":" + device + " -> " + (target.empty() ? "host" : target);
	case Kind::detach_all:
		return "detach all from " + label;
	case Kind::list:
		return "list the interfaces of " + label;
	case Kind::open:
		break;
	}
	return "open " + label;
}

void check_names(const Operation &op, const std::string &label)
{
	/* An embedded NUL counts as a control character, so a C++ caller cannot smuggle one past the C API. */
	if (const char *problem = move_names_problem(op.device, op.target))
		throw Error(EINVAL, op.device, label, op.text(label) + ": " + problem);
}

Mover::Mover(std::string label, UniqueFd inside_netns, std::string state_dir, std::string record_key, std::string lxcpath,
	     std::shared_ptr<const UniqueFd> init_pidfd)
	: label_(std::move(label)), state_dir_(std::move(state_dir)), record_key_(std::move(record_key)),
	  lxcpath_(std::move(lxcpath)), inside_netns_(std::move(inside_netns)), init_pidfd_(std::move(init_pidfd))
{
	const Operation op{Operation::Kind::open, {}, {}};
	if (int r = host_.open(); r < 0)
		fail(op, -r, "open a netlink socket");
	if (int r = open_netns_of_socket(host_.fd(), host_netns_); r < 0)
		fail(op, -r, "open the caller's network namespace");
	if (int r = inside_.open(inside_netns_.get(), host_netns_.get()); r < 0)
		fail(op, -r, with_privilege_hint(-r, "open a netlink socket in the container's network namespace"));
}

void Mover::fail(const Operation &op, int errnum, const std::string &cause) const
{
	throw Error(errnum, op.device, label_, op.text(label_) + ": " + cause);
}

Side Mover::host_side() noexcept
{
	return {host_, host_netns_.get(), "on the host"};
}

Side Mover::inside_side() noexcept
{
	return {inside_, inside_netns_.get(), "in the container"};
}

void Mover::lock_host(const Operation &op, bool required)
{
	if (host_lock_)
		return;
	HostLock lock;
	int r = lock.acquire(state_dir_, required);
	if (r < 0 && required)
		fail(op, -r, with_privilege_hint(-r, "lock the state directory " + state_dir_path(state_dir_)));
	if (r == 0) {
		own_lock_ = std::move(lock);
		host_lock_ = &*own_lock_;
	}
	host_lock_error_ = r;
}

bool Mover::init_exited() const noexcept
{
	return init_pidfd_ && has_exited(init_pidfd_->get());
}

const NsId &Mover::inside_id(const Operation &op)
{
	if (!inside_id_) {
		NsId id;
		if (int r = netns_id(inside_netns_.get(), inside_.fd(), id); r < 0)
			fail(op, -r, "identify the network namespace of " + label_);
		inside_id_ = id;
	}
	return *inside_id_;
}

RecordStore &Mover::store(const Operation &op)
{
	if (!store_) {
		RecordStore store;
		if (!host_lock_)
			fail(op, ENOLCK, "open the record directory for " + record_key_ + " without the state directory's lock");
		if (int r = store.open(*host_lock_, record_key_, true); r < 0)
			fail(op, -r, "open the record directory for " + record_key_);
		store_ = std::move(store);
	}
	return *store_;
}

RecordStore *Mover::existing_store(const Operation &op, bool required)
{
	if (!store_) {
		if (no_records_)
			return nullptr;
		if (!host_lock_) {
			/* No state directory, so no record. */
			if (host_lock_error_ == -ENOENT || !required)
				return nullptr;
			fail(op, -host_lock_error_, with_privilege_hint(-host_lock_error_, "lock the state directory " + state_dir_path(state_dir_)));
		}
		RecordStore store;
		int r = store.open(*host_lock_, record_key_, false);
		if (r == -ENOENT) {
			no_records_ = true; /* none can appear while we hold the lock */
			return nullptr;
		}
		if (r < 0 && !required)
			return nullptr;
		if (r < 0)
			fail(op, -r, "open the record directory for " + record_key_);
		store_ = std::move(store);
	}
	return &*store_;
}

Link Mover::find_device(const Operation &op, const Side &side, const std::string &name)
{
	Link link;
	if (int r = side.sock.get_link(0, name, link); r < 0)
		fail(op, -r, r == -ENODEV ? "no network device named " + name + " " + side.where : "look up the device" + detail_of(side.sock));
	return link;
}

LinkState Mover::snapshot(const Operation &op, const Side &side, const Link &link, bool with_config)
{
	LinkState state;
	if (int r = capture(side.sock, link, with_config, state); r < 0)
		fail(op, -r, "read the configuration of " + link.name + detail_of(side.sock));
	return state;
}

Link Mover::find_after_move(const Operation &op, const Side &side, const std::string &name)
{
	Link link;
	if (int r = side.sock.get_link(0, name, link); r < 0)
		fail(op, r == -ENODEV ? ESTALE : -r, "find " + name + " " + side.where + " after the move" + detail_of(side.sock));
	return link;
}

int Mover::configure(const Side &side, const Link &link, const LinkState &want, std::string &step)
{
	int r = apply(side.sock, side.netns, link, want, step);
	return r < 0 ? r : seam::apply_fault(step);
}

void Mover::roll_back(const Operation &op, int errnum, const std::string &cause, const Side &from, const Link &link,
		      const Side &to, const LinkState &state, const Record *lent)
{
	const Undone undone = move_back(from, link, to, state, true);
	const std::string note = rollback_note(undone, state.name, to);
	if (undone.error == 0) {
		if (lent)
			(void)store(op).remove(*lent);
		fail(op, errnum, cause + note);
	}
	if (!lent)
		fail(op, errnum, cause + note);
	/* Saved again: it now holds the device's ifindex inside, which a later detach or recover follows. */
	(void)store(op).save(*lent);
	fail(op, errnum, cause + note + "; the record in " + store(op).path() + " is kept so the device can still be returned");
}

std::vector<std::string> Mover::interfaces()
{
	const Operation op{Operation::Kind::list, {}, {}};
	std::vector<std::string> names;
	if (int r = inside_.dump_links([&](const Link &link) { names.push_back(link.name); }); r < 0)
		fail(op, -r, "dump links" + detail_of(inside_));
	return names;
}

} /* namespace lxcnet::detail */
