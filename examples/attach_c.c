/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An existing liblxc caller switched to lxcnet with one line.
 * Usage: attach_c [-P LXCPATH] NAME DEV [DST]   (LXCPATH: liblxc's default if left out)
 */
#include <stdio.h>
#include <string.h>

#include <lxc/lxccontainer.h>
#include <lxcnet/lxcnet.h>

int main(int argc, char **argv)
{
	const char *lxcpath = NULL;
	if (argc > 2 && strcmp(argv[1], "-P") == 0) {
		lxcpath = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: attach_c [-P LXCPATH] NAME DEV [DST]\n");
		return 2;
	}
	const char *dst = argc == 4 ? argv[3] : NULL;
	struct lxc_container *c = lxc_container_new(argv[1], lxcpath);
	if (!c) {
		perror("lxc_container_new");
		return 1;
	}

	lxcnet_install(c); /* from here on, c->attach_interface is lxcnet's */

	int rc = 0;
	if (!c->attach_interface(c, argv[2], dst) || !c->detach_interface(c, dst ? dst : argv[2], NULL)) {
		/* errno is lxcnet_errno() after a failure, so perror() works too. */
		fprintf(stderr, "%s\n", lxcnet_strerror());
		rc = 1;
	}
	lxc_container_put(c);
	return rc;
}
