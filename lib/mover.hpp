/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <lxcnet/options.hpp>

#include "device_report.hpp"
#include "link_state.hpp"
#include "netns.hpp"
#include "nl.hpp"
#include "record_store.hpp"
#include "rollback.hpp"
#include "unique_fd.hpp"

namespace lxcnet::detail {

/*
 * What a call does, as its error messages begin: "attach veth7 ->
 * web1:eth1". Kept as parts and written out only when a message is, since
 * most calls never fail.
 */
struct Operation {
	enum class Kind { open, attach, detach, detach_all, list };
	Kind kind = Kind::open;
	std::string device; /* as the caller gave it */
	std::string target; /* as the caller gave it: may be empty */
	/* label names the other side: a container or a namespace path. */
	std::string text(const std::string &label) const;
};

/* A device back on the host: what Returned says, and the bridge or bond it is back without, if any, and why. */
struct Homecoming {
	Returned returned;
	std::string lost_master;
	std::string loose;
};

/* Throws EINVAL for bad names: "op: problem". Front ends call it before resolving the namespace, so EINVAL wins over ESRCH. */
void check_names(const Operation &op, const std::string &label);

/*
 * Moves devices between the caller's network namespace ("the host") and one
 * other namespace, for one call: it pins that namespace by fd and holds two
 * netlink sockets, one bound to each side, so no thread ever stays switched.
 * Front ends (Container, the stop hook, the CNI plugin) only say which
 * namespace and which record directory.
 */
class Mover final {
public:
	/*
	 * label names the other side in messages; record_key selects its record
	 * directory; lxcpath is the container's (canonical), kept in its records
	 * so that recovery can ask LXC about it, "" for a namespace named by
	 * path; init_pidfd, if valid, is the process whose namespace this is, so
	 * an attach can tell that it died mid-call. Throws Error.
	 */
	Mover(std::string label, UniqueFd inside_netns, std::string state_dir, std::string record_key, std::string lxcpath = {},
	      std::shared_ptr<const UniqueFd> init_pidfd = {});

	/* For a caller that already holds the state directory's lock (recovery): every step uses it instead of taking its own. */
	void share_lock(const HostLock &lock) noexcept { host_lock_ = &lock; }

	/* remember: keep a record even of a bare move, so that its detach can check the device and find its name (lxcnet-cni). */
	void attach(const std::string &dev, const std::string &dst, bool preserve, bool remember = false);
	DeviceReport::Impl detach(const std::string &dev, const std::string &dst, bool preserve);
	/*
	 * Every device of the container's records, each reported: returned,
	 * retired (it no longer exists), none (already home, or lent into an
	 * earlier namespace: kept for recovery) or failed. Throws only if the
	 * records cannot be read at all. fallback_names: the namespace is about
	 * to die, so a taken host name gets a fallback instead of failing.
	 */
	std::vector<DeviceReport::Impl> detach_each(bool preserve, bool fallback_names);
	/* detach_each(), with any failure thrown, listing what did come home. */
	std::vector<Returned> detach_all(bool preserve, bool fallback_names);
	std::vector<std::string> interfaces();
	/*
	 * Returns the device of one record, as detach_all() does each of its
	 * own: it must be here under the recorded identity (ESTALE otherwise,
	 * with the record kept). A taken host name fails with EEXIST.
	 */
	Homecoming return_lent(const RecordStore::Entry &entry);

private:
	/* Every step that can fail takes the call's Operation: its messages begin with it. */
	[[noreturn]] void fail(const Operation &op, int errnum, const std::string &cause) const;
	Side host_side() noexcept;
	Side inside_side() noexcept;

	/* The call's context (mover.cpp). */
	/*
	 * The host-wide lock, held for the rest of the call. required: fail if it
	 * cannot be had; otherwise go on without (no state directory: nothing to
	 * guard), and let existing_store() judge any other failure.
	 */
	void lock_host(const Operation &op, bool required);
	bool init_exited() const noexcept;
	/* The other side's identity as records hold it. */
	const NsId &inside_id(const Operation &op);
	/* The container's records, created if need be (attach); needs the host lock. */
	RecordStore &store(const Operation &op);
	/*
	 * The same, or nullptr if the container has no records at all: a lookup
	 * creates nothing. A call that can do without records (required false)
	 * also gets nullptr where the store cannot be used, instead of failing.
	 */
	RecordStore *existing_store(const Operation &op, bool required = true);

	/* Steps both directions take (mover.cpp). */
	Link find_device(const Operation &op, const Side &side, const std::string &name);
	LinkState snapshot(const Operation &op, const Side &side, const Link &link, bool with_config);
	/* The kernel keeps the ifindex only if it is free in the target: find the device again by its name there. */
	Link find_after_move(const Operation &op, const Side &side, const std::string &name);
	/* apply(), and where a test build makes that step fail (test_seams.hpp). */
	static int configure(const Side &side, const Link &link, const LinkState &want, std::string &step);
	/*
	 * A step after a move failed with errnum: moves the device back, configured as state, and throws errnum with
	 * cause and what the rollback did. lent is attach's record: forgotten once the device is home, kept otherwise.
	 */
	[[noreturn]] void roll_back(const Operation &op, int errnum, const std::string &cause, const Side &from,
				    const Link &link, const Side &to, const LinkState &state, const Record *lent);

	/* Attach's steps (mover_attach.cpp). */
	void check_running(const Operation &op) const;
	void check_target_free(const Operation &op, const std::string &dst);
	Record write_record(const Operation &op, const LinkState &before, const Identity &identity, const std::string &dst);
	void move_in(const Operation &op, const Link &link, const std::string &dst, const LinkState &before, const Record *record,
		     bool preserve);
	void configure_inside(const Operation &op, const Link &moved, const LinkState &before, const Record &record);
	/* The record follows the device by the ifindex it has inside. */
	void follow_inside(const Operation &op, const Link &moved, const LinkState &before, Record &record);

	/* Detach's steps (mover_detach.cpp). */
	/* needs_record false: a bare detach to a named destination, which goes on without a store it cannot use. */
	std::optional<RecordStore::Entry> find_record(const Operation &op, const Link &link, bool name_given, bool needs_record);
	Homecoming detach_link(const Operation &op, const Link &link, const Record *record, const std::string &dst, bool preserve,
			       bool fallback_names);
	/* dst, else the recorded name, else the name inside; with fallback_names a taken one gives way to "lxn<ifindex>". */
	Returned choose_host_name(const Operation &op, const Link &link, const Record *record, const std::string &dst,
				  bool fallback_names);
	void move_home(const Operation &op, const Link &link, const std::string &host_name, const LinkState &inside, bool preserve);
	/* After a detach's move of a device lxcnet has no record of: take off what the container set that outlives a move. */
	void strip_at_home(const Operation &op, const std::string &host_name, const Link &inside);
	/*
	 * After a detach's move: give the device want on the host; on failure, put it back in the container as inside.
	 * Returns why it is back without its master ("" if it had none, or has it again).
	 */
	std::string reapply_at_home(const Operation &op, const std::string &host_name, const LinkState &want, const LinkState &inside);
	/*
	 * What became of a record's device: here (same namespace, same ifindex
	 * and MAC), elsewhere (the record is of an earlier namespace of the
	 * container), home (not inside, but on the host under its name and MAC:
	 * moved back by hand), gone (neither: deleted, or died with its peer or
	 * lower device), or stale (anything else).
	 */
	enum class Lent { here, elsewhere, home, gone, stale };
	/*
	 * A record of an earlier namespace whose device cannot exist any more
	 * (its peer or lower device on the host is gone) is retired: one lookup,
	 * and only for such a record, never a host-wide search. Returns whether it was.
	 */
	bool retire_if_gone(const Operation &op, const Record &record);
	/* Why the device inside is not the one the record lent, as an ESTALE failure's cause; "" if it is (identity.hpp). */
	std::string forgery(const Operation &op, const RecordStore::Entry &entry, const Link &inside);
	Lent lent_device(const Operation &op, const Record &record, Link &link);
	/* detach_each()'s work on one record: report says what became of its device. */
	void detach_recorded(const Operation &op, const RecordStore::Entry &entry, bool preserve, bool fallback_names,
			     DeviceReport::Impl &report);

	std::string label_;
	std::string state_dir_;
	std::string record_key_;
	std::string lxcpath_;
	UniqueFd host_netns_;
	UniqueFd inside_netns_;
	std::shared_ptr<const UniqueFd> init_pidfd_;
	std::optional<NsId> inside_id_; /* only records need it: read on first use */
	NetlinkSocket host_;
	NetlinkSocket inside_;
	std::optional<HostLock> own_lock_;
	const HostLock *host_lock_ = nullptr; /* own_lock_'s, or the one share_lock() was given */
	int host_lock_error_ = 0; /* why lock_host() could not take it */
	std::optional<RecordStore> store_;
	bool no_records_ = false; /* existing_store() found none */
};

} /* namespace lxcnet::detail */
