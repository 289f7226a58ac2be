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
		(void)lock_directory();
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

	/* Other networks' attachments share the directory; GC speaks for this one only. */
	for (const auto &attachment : attachments_of(conf.name)) {
		if (valid.count(attachment))
			continue;
		const std::string id = attachment_id(conf.name, attachment.first, attachment.second);
		try {
			/* Read again under the attachment's lock: a DEL may have released it meanwhile. */
			const UniqueFd held = lock_attachment(id);
			std::string unreadable;
			if (auto lent = load_attachment(id, &unreadable))
				release(id, *lent, lent->container, conf.preserve);
			else if (!unreadable.empty())
				std::fprintf(stderr, "lxcnet-cni: GC: left unreadable record %s alone\n", detail::printable(unreadable).c_str());
		} catch (const CniError &e) {
			failed(e.what());
		}
	}

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
