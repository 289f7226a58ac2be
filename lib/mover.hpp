/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <lxcnet/options.hpp>

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
	 * directory; init_pidfd, if valid, is the process whose namespace this
	 * is, so an attach can tell that it died mid-call. Throws Error.
	 */
	Mover(std::string label, UniqueFd inside_netns, std::string state_dir, std::string record_key,
	      std::shared_ptr<const UniqueFd> init_pidfd = {});

	void attach(const std::string &dev, const std::string &dst, bool preserve);
	void detach(const std::string &dev, const std::string &dst, bool preserve);
	/* fallback_names: the namespace is about to die, so a taken host name gets a fallback instead of failing. */
	std::vector<Returned> detach_all(bool preserve, bool fallback_names);
	std::vector<std::string> interfaces();

private:
	[[noreturn]] void fail(int errnum, const std::string &cause) const;
	Side host_side() noexcept;
	Side inside_side() noexcept;
	/*
	 * The host-wide lock, held for the rest of the call. required: fail if it
	 * cannot be had; otherwise go on without (no state directory: nothing to
	 * guard), and let existing_store() judge any other failure.
	 */
	void lock_host(bool required);
	bool init_exited() const noexcept;
	/* The other side's identity as records hold it. */
	const NsId &inside_id();
	/* The container's records, created if need be (attach); needs the host lock. */
	RecordStore &store();
	/* The same, or nullptr if the container has no records at all: a lookup creates nothing. */
	RecordStore *existing_store();
	std::optional<RecordStore::Entry> find_record(const Link &link, bool name_given);
	Returned detach_link(const Link &link, const Record *record, const std::string &dst, bool preserve, bool fallback_names);
	/* After a detach's move: find the device on the host and give it want; on failure, put it back in the container as inside. */
	void reapply_at_home(const LinkState &want, const LinkState &inside, const std::string &host_name);
	/*
	 * A step after a move failed with errnum: moves the device back, configured as state, and throws errnum with
	 * cause and what the rollback did. lent is attach's record: forgotten once the device is home, kept otherwise.
	 */
	[[noreturn]] void roll_back(int errnum, const std::string &cause, const Side &from, const Link &link, const Side &to,
				    const LinkState &state, const Record *lent);

	std::string label_;
	std::string state_dir_;
	std::string record_key_;
	UniqueFd host_netns_;
	UniqueFd inside_netns_;
	std::shared_ptr<const UniqueFd> init_pidfd_;
	std::optional<NsId> inside_id_; /* only records need it: read on first use */
	NetlinkSocket host_;
	NetlinkSocket inside_;
	std::optional<HostLock> host_lock_;
	int host_lock_error_ = 0; /* why lock_host() could not take it */
	std::optional<RecordStore> store_;
	bool no_records_ = false; /* existing_store() found none */
	Operation op_;       /* the start of every message */
	std::string device_; /* the device of the current operation, for Error::device() */
};

} /* namespace lxcnet::detail */
