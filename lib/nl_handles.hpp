/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <memory>

#include <netlink/addr.h>
#include <netlink/msg.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include "unique_fd.hpp"

namespace lxcnet::detail {

/* libnl's objects are reference counted C handles: each of these holds one reference. */
using NlMsg = std::unique_ptr<nl_msg, Deleter<nlmsg_free>>;
using NlAddr = std::unique_ptr<nl_addr, Deleter<nl_addr_put>>;
using RtnlLink = std::unique_ptr<rtnl_link, Deleter<rtnl_link_put>>;
using RtnlAddr = std::unique_ptr<rtnl_addr, Deleter<rtnl_addr_put>>;
using RtnlRoute = std::unique_ptr<rtnl_route, Deleter<rtnl_route_put>>;
using RtnlNeigh = std::unique_ptr<rtnl_neigh, Deleter<rtnl_neigh_put>>;

} /* namespace lxcnet::detail */
