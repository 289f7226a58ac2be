/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mover.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <lxcnet/error.hpp>

#include "link_io.hpp"
#include "names.hpp"
#include "rollback.hpp"

namespace lxcnet::detail {

namespace {

/* Fault injection for the rollback tests (LXCNET_TEST_FAULT=apply or target-check); nothing else reads it. */
bool fault(const char *which)
{
	const char *value = std::getenv("LXCNET_TEST_FAULT");
	return value && std::strcmp(value, which) == 0;
}

int apply_checked(NetlinkSocket &sock, const Link &link, const LinkState &want, std::string &step)
{
	int r = apply(sock, link, want, step);
	if (r == 0 && fault("apply")) {
		step = "apply the configuration (injected fault)";
		return -EIO;
	}
	return r;
}

} /* namespace */

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

Mover::Mover(std::string label, UniqueFd inside_netns, std::string state_dir, std::string record_key,
	     std::shared_ptr<const UniqueFd> init_pidfd)
	: label_(std::move(label)), state_dir_(std::move(state_dir)), record_key_(std::move(record_key)),
	  inside_netns_(std::move(inside_netns)), init_pidfd_(std::move(init_pidfd))
{
	if (int r = host_.open(); r < 0)
		fail(-r, "open a netlink socket");
	if (int r = open_netns_of_socket(host_.fd(), host_netns_); r < 0)
		fail(-r, "open the caller's network namespace");
	if (int r = inside_.open(inside_netns_.get(), host_netns_.get()); r < 0)
		fail(-r, "open a netlink socket in the container's network namespace");
}

void Mover::lock_host(bool required)
{
	HostLock lock;
	int r = lock.acquire(state_dir_, required);
	if (r < 0 && required)
		fail(-r, "lock the state directory " + state_dir_path(state_dir_));
	if (r == 0)
		host_lock_ = std::move(lock);
	host_lock_error_ = r;
}

const NsId &Mover::inside_id()
{
	if (!inside_id_) {
		NsId id;
		if (int r = netns_id(inside_netns_.get(), inside_.fd(), id); r < 0)
			fail(-r, "identify the network namespace of " + label_);
		inside_id_ = id;
	}
	return *inside_id_;
}

bool Mover::init_exited() const noexcept
{
	return init_pidfd_ && has_exited(init_pidfd_->get());
}

Side Mover::host_side() noexcept
{
	return {host_, host_netns_.get(), "on the host"};
}

Side Mover::inside_side() noexcept
{
	return {inside_, inside_netns_.get(), "in the container"};
}

void Mover::fail(int errnum, const std::string &cause) const
{
	throw Error(errnum, device_, label_, op_.text(label_) + ": " + cause);
}

RecordStore &Mover::store()
{
	if (!store_) {
		RecordStore store;
		if (!host_lock_)
			fail(ENOLCK, "open the record directory for " + record_key_ + " without the state directory's lock");
		if (int r = store.open(*host_lock_, record_key_, true); r < 0)
			fail(-r, "open the record directory for " + record_key_);
		store_ = std::move(store);
	}
	return *store_;
}

RecordStore *Mover::existing_store()
{
	if (!store_) {
		if (no_records_)
			return nullptr;
		if (!host_lock_) {
			/* No state directory, so no record. */
			if (host_lock_error_ == -ENOENT)
				return nullptr;
			fail(-host_lock_error_, "lock the state directory " + state_dir_path(state_dir_));
		}
		RecordStore store;
		int r = store.open(*host_lock_, record_key_, false);
		if (r == -ENOENT) {
			no_records_ = true; /* none can appear while we hold the lock */
			return nullptr;
		}
		if (r < 0)
			fail(-r, "open the record directory for " + record_key_);
		store_ = std::move(store);
	}
	return &*store_;
}

void Mover::attach(const std::string &dev, const std::string &dst_in, bool preserve)
{
	device_ = dev;
	op_ = {Operation::Kind::attach, dev, dst_in};
	/* The locks come first, so two callers never both pass the checks below. */
	lock_host(preserve);
	if (preserve)
		store();
	/* We may have waited on a lock while the container stopped: its namespace is dying with everything in it. */
	if (init_exited())
		fail(ESRCH, "the container stopped (its init exited) before the move; nothing was moved");

	Link link;
	if (int r = host_.get_link(0, dev, link); r < 0)
		fail(-r, r == -ENODEV ? "no network device named " + dev + " on the host" : "look up the device" + detail_of(host_));
	/* The kernel also finds a device by an altname; the device's own name is what it keeps. */
	const std::string dst = dst_in.empty() ? link.name : dst_in;

	Link taken;
	if (int r = fault("target-check") ? -ENODEV : inside_.get_link(0, dst, taken); r == 0)
		fail(EEXIST, "the container already has a device named " + dst);
	else if (r != -ENODEV)
		fail(-r, "look up " + dst + " in the container" + detail_of(inside_));

	LinkState before;
	if (int r = capture(host_, link, preserve, before); r < 0)
		fail(-r, "read the configuration of " + dev + detail_of(host_));

	/* Only a preserving attach keeps a record: a bare one has nothing to bring back. */
	std::optional<Record> record;
	if (preserve) {
		record = Record{label_, inside_id(), before, dst, before.ifindex};
		if (int r = store().save(*record); r < 0)
			fail(-r, "write the record in " + store().path() + " (nothing was moved)");
	}
	auto forget = [&] {
		if (record)
			(void)store().remove(*record);
	};

	if (int r = move(host_side(), link, inside_side(), dst); r < 0) {
		std::string cause = "move into the container" + detail_of(host_);
		cause += undo_partial_move(inside_side(), host_side(), before, preserve);
		forget();
		fail(-r, cause);
	}

	if (!preserve && !init_exited())
		return; /* a bare move needs nothing more of the device */

	/* The kernel keeps the ifindex only if it is free in the target: read it again. */
	Link moved;
	int r = inside_.get_link(0, dst, moved);
	if (r < 0)
		fail(r == -ENODEV ? ESTALE : -r, "find " + dst + " in the container after the move" + detail_of(inside_));

	std::string step;
	if (init_exited()) {
		r = -ESRCH;
		step = "the container stopped during the attach";
	} else {
		record->inside_ifindex = moved.ifindex;
		r = apply_checked(inside_, moved, before, step);
		if (r == 0 && record->inside_ifindex != before.ifindex) {
			step = "update the record";
			r = store().save(*record);
		}
		if (r == 0)
			return;
		step += " in the container" + detail_of(inside_);
	}

	roll_back(-r, step, inside_side(), moved, host_side(), before, record ? &*record : nullptr);
}

void Mover::roll_back(int errnum, const std::string &cause, const Side &from, const Link &link, const Side &to, const LinkState &state,
		      const Record *lent)
{
	const Undone undone = move_back(from, link, to, state, true);
	const std::string note = rollback_note(undone, state.name, to);
	if (undone.error == 0) {
		if (lent)
			(void)store().remove(*lent);
		fail(errnum, cause + note);
	}
	if (!lent)
		fail(errnum, cause + note);
	/* Saved again: the device's ifindex inside may differ from the one first written. */
	(void)store().save(*lent);
	fail(errnum, cause + note + "; the record in " + store().path() + " is kept so the device can still be returned");
}

std::optional<RecordStore::Entry> Mover::find_record(const Link &link, bool name_given)
{
	if (!existing_store())
		return std::nullopt;
	std::vector<RecordStore::Entry> records;
	std::vector<std::string> unreadable;
	if (int r = store().load(records, unreadable); r < 0)
		fail(-r, "read the records in " + store().path());
	const int ifindex = link.ifindex;
	const std::string mac = link.mac;
	const RecordStore::Entry *stale = nullptr;
	const char *why = nullptr;
	for (auto &entry : records) {
		if (entry.record.inside_ifindex != ifindex)
			continue;
		if (entry.record.netns == inside_id() && entry.record.host.mac == mac)
			return std::move(entry); /* a valid record wins, whatever stale ones lie beside it */
		if (!stale) {
			stale = &entry;
			why = entry.record.netns == inside_id() ? "its MAC address has changed" : "the container has been restarted since";
		}
	}
	if (stale && !name_given)
		fail(ESTALE, "the record " + store().path() + "/" + stale->file + " no longer matches the device: " + why +
				     "; name the host device to detach it anyway");
	if (stale)
		(void)store().remove(stale->record);
	if (!unreadable.empty() && !name_given)
		fail(EBADMSG, "unreadable record " + store().path() + "/" + unreadable.front() +
				      " may be this device's; name the host device to detach it");
	return std::nullopt;
}

void Mover::detach(const std::string &dev, const std::string &dst, bool preserve)
{
	device_ = dev;
	op_ = {Operation::Kind::detach, dev, dst};
	lock_host(false);
	existing_store(); /* the lock, if the container has records, before the device is looked up */

	Link link;
	if (int r = inside_.get_link(0, dev, link); r < 0)
		fail(-r, r == -ENODEV ? "no network device named " + dev + " in the container" : "look up the device" + detail_of(inside_));
	auto entry = find_record(link, !dst.empty());
	detach_link(link, entry ? &entry->record : nullptr, dst, preserve, false);
}

Returned Mover::detach_link(const Link &link, const Record *record, const std::string &dst, bool preserve, bool fallback_names)
{
	const std::string inside_name = link.name;
	Returned result{inside_name, !dst.empty() ? dst : record ? record->host.name : inside_name, false};

	Link clash;
	int r = host_.get_link(0, result.host_name, clash);
	if (r == 0 && fallback_names) {
		result.host_name = "lxn" + std::to_string(link.ifindex);
		result.fallback_name = true;
		r = host_.get_link(0, result.host_name, clash);
	}
	if (r == 0)
		fail(EEXIST, "the host already has a device named " + result.host_name + " (ifindex " +
				     std::to_string(clash.ifindex) + "); " + inside_name + " stays in the container");
	if (r != -ENODEV)
		fail(-r, "look up " + result.host_name + " on the host" + detail_of(host_));

	LinkState inside;
	if ((r = capture(inside_, link, preserve, inside)) < 0)
		fail(-r, "read the configuration of " + inside_name + detail_of(inside_));

	if ((r = move(inside_side(), link, host_side(), result.host_name)) < 0) {
		std::string cause = "move to the host" + detail_of(inside_);
		fail(-r, cause + undo_partial_move(host_side(), inside_side(), inside, preserve));
	}

	if (preserve)
		reapply_at_home(record ? record->host : inside, inside, result.host_name);
	if (record)
		(void)store().remove(*record);
	return result;
}

void Mover::reapply_at_home(const LinkState &want, const LinkState &inside, const std::string &host_name)
{
	/* The kernel keeps the ifindex only if it is free on the host: find the device by its new name. */
	Link home;
	int r = host_.get_link(0, host_name, home);
	if (r < 0)
		fail(r == -ENODEV ? ESTALE : -r, "find " + host_name + " on the host after the move");
	std::string step;
	if ((r = apply_checked(host_, home, want, step)) < 0)
		roll_back(-r, step + " on the host" + detail_of(host_), host_side(), home, inside_side(), inside, nullptr);
}

std::vector<Returned> Mover::detach_all(bool preserve, bool fallback_names)
{
	device_.clear();
	op_ = {Operation::Kind::detach_all, {}, {}};
	lock_host(false);
	if (!existing_store())
		return {};
	std::vector<RecordStore::Entry> records;
	std::vector<std::string> unreadable;
	if (int r = store().load(records, unreadable); r < 0)
		fail(-r, "read the records in " + store().path());

	std::vector<Returned> returned;
	std::string failures;
	int first_errno = 0;
	auto failed = [&](int errnum, const std::string &what) {
		failures += (failures.empty() ? "" : "; ") + what;
		if (!first_errno)
			first_errno = errnum;
	};
	for (const auto &entry : records) {
		const Record &record = entry.record;
		Link link;
		std::string mac;
		if (inside_.get_link(record.inside_ifindex, {}, link) == 0)
			mac = link.mac;
		if (!(record.netns == inside_id()) || record.host.mac != mac) {
			failed(ESTALE, "stale record " + entry.file + " removed: " + record.host.name + " is no longer in the container");
			(void)store().remove(record);
			continue;
		}
		try {
			returned.push_back(detach_link(link, &record, {}, preserve, fallback_names));
		} catch (const Error &e) {
			failed(e.code().value(), e.what());
		}
		op_ = {Operation::Kind::detach_all, {}, {}};
	}
	for (const auto &file : unreadable)
		failed(EBADMSG, "unreadable record " + store().path() + "/" + file + " left in place");
	if (!failures.empty()) {
		std::string done;
		for (const auto &r : returned)
			done += (done.empty() ? "" : ", ") + r.container_name + " -> " + r.host_name;
		fail(first_errno, failures + (done.empty() ? "" : "; returned: " + done));
	}
	return returned;
}

std::vector<std::string> Mover::interfaces()
{
	op_ = {Operation::Kind::list, {}, {}};
	std::vector<std::string> names;
	if (int r = inside_.dump_links([&](const Link &link) { names.push_back(link.name); }); r < 0)
		fail(-r, "dump links" + detail_of(inside_));
	return names;
}

} /* namespace lxcnet::detail */
