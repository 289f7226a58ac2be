/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <cstdio>
#include <set>

#include "commands.hpp"
#include "error.hpp"
#include "ipam.hpp"
#include "printable.hpp"

namespace lxcnet::cni {

void cmd_status(const Env &env, const NetConf &conf)
{
	/* An ADD that cannot write its record must not move anything, so this is what readiness means here. */
	try {
		AttachmentStore store;
	} catch (const CniError &e) {
		throw CniError(not_available, std::string("lxcnet-cni cannot keep its records: ") + e.what());
	}
	if (!conf.ipam_type.empty())
		ipam_exec("STATUS", env, conf);
}

void cmd_gc(const Env &env, const NetConf &conf)
{
	std::set<std::pair<std::string, std::string>> valid(conf.valid_attachments.begin(), conf.valid_attachments.end());
	std::string failures;
	auto failed = [&](const std::string &what) { failures += (failures.empty() ? "" : "; ") + what; };

	AttachmentStore store;
	std::vector<std::string> unreadable;
	for (const auto &a : store.all(unreadable)) {
		/* Other networks' attachments share the directory; GC speaks for this one only. */
		if (a.network != conf.name || valid.count({a.container_id, a.ifname}))
			continue;
		try {
			/* Read again under the attachment's lock: a DEL may have released it meanwhile. */
			const UniqueFd held = store.lock(a.container_id, a.ifname);
			if (auto now = store.load(a.container_id, a.ifname))
				release(*now, now->netns, store);
		} catch (const CniError &e) {
			failed(e.what());
		}
	}
	for (const auto &file : unreadable)
		std::fprintf(stderr, "lxcnet-cni: GC: left unreadable record %s/%s alone\n", store.path().c_str(),
			     detail::printable(file).c_str());

	/* Spec: GC goes on after errors, and is always forwarded to the delegated plugin. */
	if (!conf.ipam_type.empty()) {
		try {
			ipam_exec("GC", env, conf);
		} catch (const CniError &e) {
			failed(e.what());
		}
	}
	if (!failures.empty())
		throw CniError(internal, "GC could not clean up everything", failures);
}

} /* namespace lxcnet::cni */
