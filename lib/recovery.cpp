/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "recovery.hpp"

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <optional>

#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>

#include "device_report.hpp"
#include "identity.hpp"
#include "link_io.hpp"
#include "membership.hpp"
#include "mover.hpp"
#include "netns_search.hpp"
#include "record_store.hpp"
#include "rollback.hpp"

namespace lxcnet::detail {

namespace {

using Status = DeviceReport::Impl;

std::string errno_text(int errnum)
{
	return std::strerror(errnum);
}

/* A live namespace found by its identity, shared by every record lent into it. */
struct Namespace {
	int error = 0; /* -ENOENT: nothing holds it any more */
	UniqueFd fd;
	std::string where;
};

/* Where one record's device was found. */
struct Found {
	DeviceState state = DeviceState::unknown;
	const Namespace *netns = nullptr; /* attached, orphaned, mismatch */
	Link link;                        /* inside (attached, orphaned, mismatch) or on the host (home) */
	int error = 0;                    /* unknown, mismatch */
	std::string why;
};

class Recovery final {
public:
	Recovery(const Options &options, bool act, ContainerNetns container_netns)
		: options_(options), act_(act), container_netns_(container_netns)
	{
	}

	std::vector<DeviceReport> run(const std::string &only_key);

private:
	void recover_key(const std::string &key);
	Found locate(const Record &record);
	Found look_on_host(const Record &record);
	const Namespace &find_namespace(const NsId &id);
	/*
	 * Whether the container of record still runs in the namespace it was lent
	 * into; true for a namespace named by path. failed: -errno when LXC could
	 * not be asked (anything but "it does not run"), and the answer means nothing.
	 */
	bool still_owned(const Record &record, int &failed);
	const std::vector<Link> &host_links();
	void act(const std::string &key, RecordStore &store, const RecordStore::Entry &entry, const Found &found, Status &status);
	void restore(RecordStore &store, const Record &record, const Link &home, Status &status);
	static void fail(Status &status, int errnum, const std::string &why);
	void add(Status status) { results_.push_back(ReportAccess::make(std::move(status))); }

	Options options_;
	bool act_;
	ContainerNetns container_netns_;
	HostLock lock_;
	NetlinkSocket host_;
	UniqueFd host_netns_;
	std::optional<std::vector<Link>> host_links_; /* dumped once, again after anything changed the host's links */
	std::map<std::tuple<dev_t, ino_t, uint64_t>, Namespace> namespaces_;
	/* (name, lxcpath): 0 and its namespace now, -ESRCH if it does not run, or why LXC could not say. */
	std::map<std::pair<std::string, std::string>, std::pair<int, NsId>> containers_;
	std::vector<DeviceReport> results_;
};

void Recovery::fail(Status &status, int errnum, const std::string &why)
{
	status.action = Action::failed;
	status.error = errnum;
	status.message = why;
}

std::vector<DeviceReport> Recovery::run(const std::string &only_key)
{
	const std::string what = act_ ? "recover" : "list the records";
	if (int r = lock_.acquire(options_.state_dir, false); r == -ENOENT)
		return {}; /* no state directory: nothing was ever lent */
	else if (r < 0)
		throw Error(-r, "", "", what + ": lock the state directory " + state_dir_path(options_.state_dir) + ": " + errno_text(-r));
	if (int r = host_.open(); r < 0)
		throw Error(-r, "", "", what + ": open a netlink socket: " + errno_text(-r));
	if (int r = open_netns_of_socket(host_.fd(), host_netns_); r < 0)
		throw Error(-r, "", "", what + ": open the caller's network namespace: " + errno_text(-r));
	std::vector<std::string> keys;
	if (!only_key.empty())
		keys.push_back(only_key);
	else if (int r = record_keys(lock_, keys); r < 0)
		throw Error(-r, "", "", what + ": list " + lock_.path() + ": " + errno_text(-r));
	for (const auto &key : keys)
		recover_key(key);
	return std::move(results_);
}

void Recovery::recover_key(const std::string &key)
{
	RecordStore store;
	std::vector<RecordStore::Entry> records;
	std::vector<std::string> unreadable;
	int r = store.open(lock_, key, false);
	if (r == -ENOENT)
		return;
	if (r == 0)
		r = store.load(records, unreadable);
	if (r < 0) {
		Status status;
		status.container = key;
		status.record = lock_.path() + "/" + key;
		fail(status, -r, "cannot read the records in " + status.record + ": " + errno_text(-r));
		if (!act_)
			status.action = Action::none;
		add(std::move(status));
		return;
	}
	for (const auto &entry : records) {
		const Record &record = entry.record;
		Status status;
		status.container = record.container;
		status.inside_name = record.inside_name;
		status.host_name = record.host.name;
		status.record = store.path() + "/" + entry.file;
		const Found found = locate(record);
		status.state = found.state;
		status.error = found.error;
		status.message = found.why;
		if (act_)
			act(key, store, entry, found, status);
		add(std::move(status));
	}
	for (const auto &file : unreadable) {
		Status status;
		status.container = key;
		status.record = store.path() + "/" + file;
		status.error = EBADMSG;
		status.message = "the record cannot be read: look at it, return its device by name, and remove it";
		status.action = act_ ? Action::failed : Action::none;
		add(std::move(status));
	}
}

const Namespace &Recovery::find_namespace(const NsId &id)
{
	auto [it, fresh] = namespaces_.try_emplace({id.dev, id.ino, id.cookie});
	if (fresh)
		it->second.error = find_netns(id, it->second.fd, it->second.where);
	return it->second;
}

bool Recovery::still_owned(const Record &record, int &failed)
{
	failed = 0;
	/*
	 * A namespace named by path belongs to whoever holds the path; a record of
	 * the earlier format does not say which container; without a way to ask
	 * LXC, the device is left for a caller that has one.
	 */
	if (record.lxcpath.empty() || !container_netns_)
		return true;
	auto [it, fresh] = containers_.try_emplace({record.container, record.lxcpath});
	if (fresh)
		it->second.first = container_netns_(record.container, record.lxcpath, it->second.second);
	const int asked = it->second.first;
	if (asked < 0 && asked != -ESRCH)
		failed = asked;
	return asked == 0 && it->second.second == record.netns;
}

const std::vector<Link> &Recovery::host_links()
{
	if (!host_links_) {
		std::vector<Link> links;
		if (int r = host_.dump_links([&](const Link &link) { links.push_back(link); }); r < 0)
			throw Error(-r, "", "", "recover: list the host's links: " + errno_text(-r));
		host_links_ = std::move(links);
	}
	return *host_links_;
}

Found Recovery::locate(const Record &record)
{
	Found found;
	const Namespace &ns = find_namespace(record.netns);
	if (ns.error < 0 && ns.error != -ENOENT) {
		found.error = -ns.error;
		found.why = "looking for the namespace " + record.container + " had failed: " + errno_text(-ns.error);
		return found;
	}
	if (ns.error == 0) {
		NetlinkSocket inside;
		if (int r = inside.open(ns.fd.get(), host_netns_.get()); r < 0) {
			found.error = -r;
			found.why = "cannot open a netlink socket in " + ns.where + ": " + errno_text(-r);
			return found;
		}
		const int r = inside.get_link(record.inside_ifindex, {}, found.link);
		if (r == 0) {
			found.netns = &ns;
			int host_nsid = -1;
			if (record.identity.link_on_host)
				(void)inside.get_nsid(host_netns_.get(), host_nsid);
			std::string why = found.link.mac != record.host.mac
						  ? "the device there with ifindex " + std::to_string(record.inside_ifindex) + " has MAC address " +
							    found.link.mac + ", not " + record.host.mac
						  : identity_mismatch(record.identity, found.link, host_nsid);
			if (!why.empty()) {
				found.state = DeviceState::mismatch;
				found.error = ESTALE;
				found.why = found.link.name + " in " + ns.where + " is not the device that was lent: " + why;
				return found;
			}
			int unasked = 0;
			const bool owned = still_owned(record, unasked);
			if (unasked < 0) {
				/* Never pull a device out of a container that may still run in that namespace. */
				found.error = -unasked;
				found.why = "as " + found.link.name + " in " + ns.where + ", but LXC cannot say whether " + record.container +
					    " still runs there: " + errno_text(-unasked) + "; left where it is";
				return found;
			}
			found.state = owned ? DeviceState::attached : DeviceState::orphaned;
			found.why = found.state == DeviceState::attached ? "in " + record.container + " as " + found.link.name
									 : "as " + found.link.name + " in a namespace " + record.container +
										   " no longer runs in, held at " + ns.where;
			return found;
		}
		if (r != -ENODEV) {
			found.error = -r;
			found.why = "cannot look in " + ns.where + ": " + errno_text(-r);
			return found;
		}
	}
	return look_on_host(record);
}

Found Recovery::look_on_host(const Record &record)
{
	Found found;
	std::vector<const Link *> fits;
	for (const Link &link : host_links()) {
		bool same;
		if (record.identity.known)
			/* Identity first; then the ifindex or MAC it had, so that two devices of one kind on one lower device stay apart. */
			same = identity_mismatch_at_home(record.identity, link).empty() &&
			       (link.ifindex == record.host.ifindex || link.ifindex == record.inside_ifindex || link.mac == record.host.mac);
		else
			same = link.name == record.host.name && link.mac == record.host.mac;
		if (same)
			fits.push_back(&link);
	}
	if (fits.size() == 1) {
		found.state = DeviceState::home;
		found.link = *fits.front();
		found.why = "on the host as " + found.link.name + " (ifindex " + std::to_string(found.link.ifindex) + ")";
		return found;
	}
	if (fits.size() > 1) {
		std::string names;
		for (const Link *link : fits)
			names += (names.empty() ? "" : ", ") + link->name;
		found.error = EEXIST;
		found.why = std::to_string(fits.size()) + " devices on the host fit the record (" + names + "); rename the one that was lent to " +
			    record.host.name + " and recover again";
		return found;
	}
	if (record.identity.known && record.identity.kind.empty()) {
		/* Hardware is never destroyed with a namespace: the kernel hands it to the initial one from a workqueue. */
		found.why = "a physical device, nowhere to be seen: on its way back to the initial namespace (which may not be this "
			    "one), or unplugged; its record is kept";
		return found;
	}
	found.state = DeviceState::gone;
	found.why = "no longer exists (destroyed with its namespace, or deleted)";
	return found;
}

void Recovery::act(const std::string &key, RecordStore &store, const RecordStore::Entry &entry, const Found &found, Status &status)
{
	switch (found.state) {
	case DeviceState::attached:
		status.message += "; nothing to do";
		return;
	case DeviceState::orphaned:
		try {
			UniqueFd netns(::fcntl(found.netns->fd.get(), F_DUPFD_CLOEXEC, 0));
			if (!netns.valid())
				return fail(status, errno, "cannot hold the namespace at " + found.netns->where + ": " + errno_text(errno));
			Mover mover(entry.record.container, std::move(netns), options_.state_dir, key, entry.record.lxcpath);
			mover.share_lock(lock_);
			const Homecoming home = mover.return_lent(entry);
			host_links_.reset();
			status.action = Action::returned;
			status.host_name = home.returned.host_name;
			status.message = "returned from the namespace held at " + found.netns->where +
					 (home.loose.empty() ? "" : ", but " + home.loose);
			status.lost_master = home.lost_master;
		} catch (const Error &e) {
			host_links_.reset();
			fail(status, e.code().value(), e.what());
		}
		return;
	case DeviceState::home:
		return restore(store, entry.record, found.link, status);
	case DeviceState::gone:
		if (int r = store.remove(entry.record); r < 0)
			return fail(status, -r, "no longer exists, but its record cannot be removed: " + errno_text(-r));
		status.action = Action::retired;
		status.message += "; its record is retired";
		return;
	case DeviceState::mismatch:
	case DeviceState::unknown:
		if (!status.error)
			return; /* nothing went wrong: there is just nothing to do yet */
		return fail(status, status.error, status.message + "; the record is kept");
	}
}

void Recovery::restore(RecordStore &store, const Record &record, const Link &home, Status &status)
{
	const std::string &want = record.host.name;
	const std::string found_as = home.name;
	host_links_.reset();
	if (home.name != want) {
		Link clash;
		if (int r = host_.get_link(0, want, clash); r == 0)
			return fail(status, EEXIST, "found on the host as " + home.name + ", but the host already has a device named " + want +
							    " (ifindex " + std::to_string(clash.ifindex) + "); the record is kept");
		else if (r != -ENODEV)
			return fail(status, -r, "cannot look up " + want + " on the host" + detail_of(host_));
		LinkChange rename;
		rename.name = want;
		rename.down = home.flags & IFF_UP; /* the kernel renames only a device that is down */
		if (int r = host_.change_link(home, rename); r < 0)
			return fail(status, -r, "cannot rename " + home.name + " to " + want + detail_of(host_) + "; the record is kept");
	}
	Link now;
	if (int r = host_.get_link(home.ifindex, {}, now); r < 0)
		return fail(status, -r, "lost " + want + " on the host after renaming it" + detail_of(host_) + "; the record is kept");
	/* Nothing says when it came home or whether its addresses were checked since: they run DAD. */
	LinkState ready = record.host;
	take_dad_state(ready.addresses, {});
	std::string loose;
	if (int r = find_master(host_, ready.membership, loose); r < 0)
		return fail(status, -r, want + " is back under its name, but looking for its master failed" + detail_of(host_) +
						"; the record is kept");
	std::string step;
	if (int r = apply(host_, host_netns_.get(), now, ready, step); r < 0)
		return fail(status, -r, want + " is back under its name, but " + step + " failed" + detail_of(host_) + "; the record is kept");
	(void)store.remove(record);
	status.action = Action::restored;
	status.message = found_as == want ? "on the host; its configuration is restored"
					  : "found on the host as " + found_as + "; its name and configuration are restored";
	if (!loose.empty()) {
		status.message += ", but " + loose;
		status.lost_master = record.host.membership.name;
	}
}

} /* namespace */

std::vector<DeviceReport> recover_records(const Options &options, const std::string &only_key, bool act,
					 ContainerNetns container_netns)
{
	return Recovery(options, act, container_netns).run(only_key);
}

} /* namespace lxcnet::detail */
