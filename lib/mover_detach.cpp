/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mover.hpp"

#include <cerrno>

#include <lxcnet/error.hpp>

#include "membership.hpp"

namespace lxcnet::detail {

DeviceReport::Impl Mover::detach(const std::string &dev, const std::string &dst, bool preserve)
{
	const Operation op{Operation::Kind::detach, dev, dst};
	/*
	 * Only a bare detach to a named destination can do without records: any
	 * other must know the device's record, so it fails before anything moves
	 * if the store cannot be used (an untrusted state directory, say).
	 */
	const bool needs_record = preserve || dst.empty();
	lock_host(op, false);
	existing_store(op, needs_record); /* the lock, if the container has records, before the device is looked up */
	const Link link = find_device(op, inside_side(), dev);
	auto entry = find_record(op, link, !dst.empty(), needs_record);
	const Homecoming home = detach_link(op, link, entry ? &entry->record : nullptr, dst, preserve, false);
	const Returned &returned = home.returned;
	DeviceReport::Impl report;
	report.container = label_;
	report.inside_name = link.name;
	report.host_name = returned.host_name;
	report.state = DeviceState::attached;
	report.action = Action::returned;
	if (entry)
		report.record = store(op).path() + "/" + entry->file;
	report.message = !preserve ? "moved to the host as " + returned.host_name + " (bare: no configuration carried)"
			 : entry   ? "returned to the host as " + returned.host_name + ", configured as it was there"
				   : "returned to the host as " + returned.host_name + ", bare: lxcnet had no record of it";
	if (!home.loose.empty())
		report.message += ", but " + home.loose;
	report.lost_master = home.lost_master;
	return report;
}

std::optional<RecordStore::Entry> Mover::find_record(const Operation &op, const Link &link, bool name_given, bool needs_record)
{
	if (!existing_store(op, needs_record))
		return std::nullopt;
	std::vector<RecordStore::Entry> records;
	std::vector<std::string> unreadable;
	if (int r = store(op).load(records, unreadable); r < 0) {
		if (!needs_record)
			return std::nullopt;
		fail(op, -r, "read the records in " + store(op).path());
	}
	const RecordStore::Entry *stale = nullptr;
	const char *why = nullptr;
	for (auto &entry : records) {
		if (entry.record.inside_ifindex != link.ifindex)
			continue;
		if (entry.record.netns == inside_id(op) && entry.record.host.mac == link.mac) {
			if (const std::string why = forgery(op, entry, link); !why.empty())
				fail(op, ESTALE, why);
			return std::move(entry); /* a valid record wins, whatever stale ones lie beside it */
		}
		if (!stale) {
			stale = &entry;
			why = entry.record.netns == inside_id(op) ? "its MAC address has changed" : "the container has been restarted since";
		}
	}
	if (stale && !name_given)
		fail(op, ESTALE, "the record " + store(op).path() + "/" + stale->file + " no longer matches the device: " + why +
					 "; name the host device to detach it anyway");
	/* A record of an earlier namespace may be of a device still held there: only recovery may judge it. */
	if (stale && stale->record.netns == inside_id(op))
		(void)store(op).remove(stale->record);
	for (const auto &entry : records)
		if (!(entry.record.netns == inside_id(op)))
			(void)retire_if_gone(op, entry.record);
	if (!unreadable.empty() && !name_given)
		fail(op, EBADMSG, "unreadable record " + store(op).path() + "/" + unreadable.front() +
					  " may be this device's; name the host device to detach it");
	return std::nullopt;
}

Homecoming Mover::detach_link(const Operation &op, const Link &link, const Record *record, const std::string &dst, bool preserve,
			      bool fallback_names)
{
	Homecoming home{choose_host_name(op, link, record, dst, fallback_names), {}};
	const Returned &result = home.returned;
	const LinkState inside = snapshot(op, inside_side(), link, preserve);
	move_home(op, link, result.host_name, inside, preserve);
	/*
	 * Without a record nothing says what the host had, and what the container
	 * configured is its word: the device comes home bare (the move took its
	 * addresses and routes and left it down), without the alias or address it
	 * was given inside either. preserve false asked for the kernel's move
	 * alone, which leaves those to the caller (lxcnet-cni's bare mode keeps
	 * the host's alias that way).
	 */
	if (preserve && record)
		home.loose = reapply_at_home(op, result.host_name, record->host, inside);
	else if (preserve)
		strip_at_home(op, result.host_name, link);
	if (!home.loose.empty())
		home.lost_master = record->host.membership.name;
	if (record)
		(void)store(op).remove(*record);
	return home;
}

Returned Mover::choose_host_name(const Operation &op, const Link &link, const Record *record, const std::string &dst,
				 bool fallback_names)
{
	Returned result{link.name, !dst.empty() ? dst : record ? record->host.name : link.name, false};
	Link clash;
	int r = host_.get_link(0, result.host_name, clash);
	if (r == 0 && fallback_names) {
		result.host_name = "lxn" + std::to_string(link.ifindex);
		result.fallback_name = true;
		r = host_.get_link(0, result.host_name, clash);
	}
	if (r == 0)
		fail(op, EEXIST, "the host already has a device named " + result.host_name + " (ifindex " +
					 std::to_string(clash.ifindex) + "); " + link.name + " stays in the container");
	if (r != -ENODEV)
		fail(op, -r, "look up " + result.host_name + " on the host" + detail_of(host_));
	return result;
}

void Mover::move_home(const Operation &op, const Link &link, const std::string &host_name, const LinkState &inside, bool preserve)
{
	if (int r = move(inside_side(), link, host_side(), host_name); r < 0) {
		/* Read before the undo sends requests of its own. */
		std::string cause = "move to the host" + detail_of(inside_);
		cause += undo_partial_move(host_side(), inside_side(), inside, preserve);
		fail(op, -r, cause);
	}
}

std::string Mover::reapply_at_home(const Operation &op, const std::string &host_name, const LinkState &want, const LinkState &inside)
{
	const Link home = find_after_move(op, host_side(), host_name);
	/* DAD is skipped for what passed it inside, just now, on this same link; not for what the record alone says. */
	LinkState ready = want;
	take_dad_state(ready.addresses, inside.addresses);
	/* A master deleted while the device was away leaves it loose, which is no failure: the device is home either way. */
	std::string loose;
	if (int r = find_master(host_, ready.membership, loose); r < 0)
		roll_back(op, -r, "look for the master of " + host_name + " on the host" + detail_of(host_), host_side(), home,
			  inside_side(), inside, nullptr);
	std::string step;
	if (int r = configure(host_side(), home, ready, step); r < 0)
		roll_back(op, -r, step + " on the host" + detail_of(host_), host_side(), home, inside_side(), inside, nullptr);
	return loose;
}

void Mover::strip_at_home(const Operation &op, const std::string &host_name, const Link &inside)
{
	LinkChange bare;
	if (!inside.alias.empty())
		bare.alias = std::string();
	/* Hardware keeps its own address: the one the container set goes. */
	if (!inside.perm_mac.empty() && inside.mac != inside.perm_mac)
		bare.mac = inside.perm_mac;
	if (!bare.alias && bare.mac.empty())
		return;
	const Link home = find_after_move(op, host_side(), host_name);
	if (int r = host_.change_link(home, bare); r < 0)
		fail(op, -r, "clear the alias and address the container gave " + host_name + " on the host" + detail_of(host_) + "; " +
				     host_name + " is on the host, down, without addresses or routes");
}

std::vector<DeviceReport::Impl> Mover::detach_each(bool preserve, bool fallback_names)
{
	const Operation op{Operation::Kind::detach_all, {}, {}};
	lock_host(op, false);
	if (!existing_store(op))
		return {};
	std::vector<RecordStore::Entry> records;
	std::vector<std::string> unreadable;
	if (int r = store(op).load(records, unreadable); r < 0)
		fail(op, -r, "read the records in " + store(op).path());

	std::vector<DeviceReport::Impl> reports;
	for (const auto &entry : records) {
		DeviceReport::Impl &report = reports.emplace_back();
		report.container = label_;
		report.inside_name = entry.record.inside_name;
		report.host_name = entry.record.host.name;
		report.record = store(op).path() + "/" + entry.file;
		detach_recorded(op, entry, preserve, fallback_names, report);
	}
	for (const auto &file : unreadable) {
		DeviceReport::Impl &report = reports.emplace_back();
		report.container = label_;
		report.record = store(op).path() + "/" + file;
		report.action = Action::failed;
		report.error = EBADMSG;
		report.message = "unreadable record " + report.record + " left in place";
	}
	return reports;
}

void Mover::detach_recorded(const Operation &op, const RecordStore::Entry &entry, bool preserve, bool fallback_names,
			    DeviceReport::Impl &report)
{
	auto settle = [&](DeviceState state, Action action, std::string message) {
		report.state = state;
		report.action = action;
		report.message = std::move(message);
	};
	auto failed = [&](DeviceState state, int errnum, std::string why) {
		settle(state, Action::failed, std::move(why));
		report.error = errnum;
	};
	Link link;
	switch (lent_device(op, entry.record, link)) {
	case Lent::gone:
		/* Deleted inside, or with its peer or lower device: nothing to return, nothing failed. */
		(void)store(op).remove(entry.record);
		return settle(DeviceState::gone, Action::retired,
			      "no longer exists (deleted, or gone with its peer or lower device); its record is retired");
	case Lent::home:
		return settle(DeviceState::home, Action::none,
			      "already on the host as " + entry.record.host.name + "; its record is kept for recovery");
	case Lent::elsewhere:
		if (retire_if_gone(op, entry.record))
			return settle(DeviceState::gone, Action::retired,
				      "lent into an earlier namespace of " + label_ + ", and gone with it; its record is retired");
		return settle(DeviceState::unknown, Action::none,
			      "lent into an earlier namespace of " + label_ + "; its record is kept for recovery");
	case Lent::stale:
		(void)store(op).remove(entry.record);
		return failed(DeviceState::mismatch, ESTALE,
			      "stale record " + entry.file + " removed: " + entry.record.host.name + " is no longer in the container");
	case Lent::here:
		break;
	}
	report.inside_name = link.name;
	if (const std::string why = forgery(op, entry, link); !why.empty())
		return failed(DeviceState::mismatch, ESTALE, why);
	try {
		const Homecoming home = detach_link(op, link, &entry.record, {}, preserve, fallback_names);
		const Returned &returned = home.returned;
		report.host_name = returned.host_name;
		report.fallback_name = returned.fallback_name;
		report.lost_master = home.lost_master;
		settle(DeviceState::attached, Action::returned,
		       "returned to the host as " + returned.host_name +
			       (returned.fallback_name ? " (" + entry.record.host.name + " was taken)" : "") +
			       (home.loose.empty() ? "" : ", but " + home.loose));
	} catch (const Error &e) {
		failed(DeviceState::attached, e.code().value(), e.what());
	}
}

std::vector<Returned> Mover::detach_all(bool preserve, bool fallback_names)
{
	const Operation op{Operation::Kind::detach_all, {}, {}};
	std::vector<Returned> returned;
	std::string failures;
	int first_errno = 0;
	for (const auto &report : detach_each(preserve, fallback_names)) {
		if (report.action == Action::returned)
			returned.push_back({report.inside_name, report.host_name, report.fallback_name});
		if (report.action != Action::failed)
			continue;
		failures += (failures.empty() ? "" : "; ") + report.message;
		if (!first_errno)
			first_errno = report.error;
	}
	if (!failures.empty()) {
		std::string done;
		for (const auto &r : returned)
			done += (done.empty() ? "" : ", ") + r.container_name + " -> " + r.host_name;
		fail(op, first_errno, failures + (done.empty() ? "" : "; returned: " + done));
	}
	return returned;
}

Homecoming Mover::return_lent(const RecordStore::Entry &entry)
{
	const Operation op{Operation::Kind::detach, entry.record.inside_name, {}};
	lock_host(op, true);
	Link link;
	if (lent_device(op, entry.record, link) != Lent::here)
		fail(op, ESTALE, entry.record.host.name + " is no longer in " + label_ + " as the record " + entry.file + " says");
	if (const std::string why = forgery(op, entry, link); !why.empty())
		fail(op, ESTALE, why);
	return detach_link(op, link, &entry.record, {}, true, false);
}

bool Mover::retire_if_gone(const Operation &op, const Record &record)
{
	const Identity &id = record.identity;
	if (!id.known || !id.link_on_host || id.link <= 0)
		return false;
	/* A veth and its peer live and die together, a macvlan or vlan with its lower device. */
	Link link;
	if (host_.get_link(id.link, {}, link) != -ENODEV)
		return false;
	return store(op).remove(record) == 0;
}

std::string Mover::forgery(const Operation &op, const RecordStore::Entry &entry, const Link &inside)
{
	int host_nsid = -1;
	if (entry.record.identity.link_on_host)
		if (int r = inside_.get_nsid(host_netns_.get(), host_nsid); r < 0)
			fail(op, -r, "find how the container's namespace knows the host's" + detail_of(inside_));
	const std::string why = identity_mismatch(entry.record.identity, inside, host_nsid);
	if (why.empty())
		return {};
	return inside.name + " is not the device that was lent as " + entry.record.host.name + ": " + why +
	       "; it stays in the container, and the record " + store(op).path() + "/" + entry.file + " is kept for you to look at";
}

Mover::Lent Mover::lent_device(const Operation &op, const Record &record, Link &link)
{
	if (!(record.netns == inside_id(op)))
		return Lent::elsewhere;
	const int r = inside_.get_link(record.inside_ifindex, {}, link);
	if (r != -ENODEV)
		return r == 0 && record.host.mac == link.mac ? Lent::here : Lent::stale;
	Link home;
	if (host_.get_link(0, record.host.name, home) == 0 && home.mac == record.host.mac)
		return Lent::home;
	return Lent::gone;
}

} /* namespace lxcnet::detail */
