/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Drives lxcnet through its C interface the way an existing liblxc caller would. Usage: LXCPATH NAME DEV */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lxc/lxccontainer.h>

#include <lxcnet/lxcnet.h>

#include "expect.h"

static int has_interface(struct lxc_container *c, const char *name)
{
	char **names = lxcnet_get_interfaces(c);
	int found = 0;
	if (!names)
		return -1;
	for (char **p = names; *p; p++) {
		found |= strcmp(*p, name) == 0;
		free(*p);
	}
	free(names);
	return found;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s LXCPATH NAME DEV\n", argv[0]);
		return 2;
	}
	const char *dev = argv[3];
	struct lxc_container *c = lxc_container_new(argv[2], argv[1]);
	EXPECT(c != NULL);
	if (!c)
		return 1;

	lxcnet_install(c);
	EXPECT(c->attach_interface == lxcnet_attach_interface);
	EXPECT(c->detach_interface == lxcnet_detach_interface);

	EXPECT(c->attach_interface(c, dev, "cshim0"));
	EXPECT(lxcnet_errno() == 0 && lxcnet_strerror()[0] == '\0');
	EXPECT(has_interface(c, "cshim0") == 1);
	EXPECT(c->detach_interface(c, "cshim0", NULL));
	EXPECT(has_interface(c, "cshim0") == 0);

	EXPECT(!lxcnet_attach_interface(c, "lxnnothere0", NULL));
	EXPECT(lxcnet_errno() == ENODEV);
	EXPECT(strstr(lxcnet_strerror(), "lxnnothere0") != NULL);
	EXPECT(!lxcnet_attach_interface(NULL, dev, NULL));
	EXPECT(lxcnet_errno() == EINVAL);
	EXPECT(!lxcnet_attach_interface(c, NULL, NULL));
	EXPECT(lxcnet_errno() == EINVAL);
	EXPECT(!lxcnet_detach_interface(c, NULL, NULL));
	EXPECT(lxcnet_errno() == EINVAL);
	EXPECT(!lxcnet_attach_interface(c, dev, "abcdefghijklmnop"));
	EXPECT(lxcnet_errno() == EINVAL);
	EXPECT(!lxcnet_attach_interface(c, dev, ""));
	EXPECT(lxcnet_errno() == EINVAL);

	EXPECT(lxcnet_attach_interface_opts(c, dev, "cshim1", LXCNET_NO_PRESERVE));
	EXPECT(lxcnet_detach_interface_opts(c, "cshim1", dev, LXCNET_NO_PRESERVE));
	EXPECT(lxcnet_detach_all(c) == 0);

	lxc_container_put(c);
	if (failures)
		return 1;
	printf("c shim: all checks passed\n");
	return 0;
}
