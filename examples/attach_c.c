/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An existing liblxc caller switched to lxcnet with one line. Usage: attach_c NAME DEV [DST] */
#include <stdio.h>

#include <lxc/lxccontainer.h>
#include <lxcnet/lxcnet.h>

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s NAME DEV [DST]\n", argv[0]);
		return 2;
	}
	const char *dst = argc == 4 ? argv[3] : NULL;
	struct lxc_container *c = lxc_container_new(argv[1], NULL);
	if (!c)
		return 1;

	lxcnet_install(c); /* from here on, c->attach_interface is lxcnet's */

	int rc = 0;
	if (!c->attach_interface(c, argv[2], dst) || !c->detach_interface(c, dst ? dst : argv[2], NULL)) {
		fprintf(stderr, "%s\n", lxcnet_strerror());
		rc = 1;
	}
	lxc_container_put(c);
	return rc;
}
