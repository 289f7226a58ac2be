/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>
#include <vector>

#include <lxcnet/error.hpp>
#include <lxcnet/options.hpp>
#include <lxcnet/report.hpp>
#include <lxcnet/visibility.h>

namespace lxcnet {

/**
 * \brief Puts every device lxcnet lent back where it belongs, after the fact.
 *
 * For each record: a device still in its container stays; one stranded in a
 * namespace its container no longer runs in (held by a process or a bind
 * mount) is returned as a detach would; one already on the host is given
 * back its name and configuration; the record of one that no longer exists
 * is retired. Idempotent, and serialised with attaches and detaches by the
 * state directory's lock. See Container::recover() for one container.
 * \throws lxcnet::Error only if the state directory cannot be read at all;
 *         a record that fails is reported in the result and kept
 */
LXCNET_PUBLIC std::vector<DeviceReport> recover(const Options &options = {});

/** \brief Every record and where its device is, as recover() would judge it, changing nothing. */
LXCNET_PUBLIC std::vector<DeviceReport> list_records(const Options &options = {});

} /* namespace lxcnet */
