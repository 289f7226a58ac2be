/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "support.hpp"

/* lxn and 10.250: apart from the stress suite's lxs and 10.252, which may run beside this one. */
const lxcnet::test::Suite &lxcnet::test::suite()
{
	static const Suite lxc{"lxn", 250, true};
	return lxc;
}
