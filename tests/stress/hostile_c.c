/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The C path of the hostile-input table: one lxcnet call through the C API,
 * as an existing liblxc caller makes it.
 *
 * Usage: hostile-c attach|detach|list LXCPATH NAME DEV DST
 * Each of LXCPATH, NAME, DEV and DST is "-" for NULL or "=" followed by the
 * string, so that NULL, "" and any byte but NUL can be passed.
 * Prints "ok" or "fail ERRNO" on the first line and lxcnet_strerror() on the
 * second; exits 0 when the call was made, 2 on a usage error.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lxc/lxccontainer.h>

#include <lxcnet/lxcnet.h>

static bool decode(const char *arg, const char **out)
{
	if (strcmp(arg, "-") == 0) {
		*out = NULL;
		return true;
	}
	if (arg[0] != '=')
		return false;
	*out = arg + 1;
	return true;
}

int main(int argc, char **argv)
{
	const char *lxcpath, *name, *dev, *dst;
	if (argc != 6 || !decode(argv[2], &lxcpath) || !decode(argv[3], &name) || !decode(argv[4], &dev) ||
	    !decode(argv[5], &dst)) {
		fprintf(stderr, "usage: %s attach|detach|list LXCPATH NAME DEV DST (each '-' or '=VALUE')\n", argv[0]);
		return 2;
	}
	/* A NULL name stands for a caller whose lxc_container_new() failed and who passes the NULL on. */
	struct lxc_container *c = name ? lxc_container_new(name, lxcpath) : NULL;
	bool ok;
	if (strcmp(argv[1], "attach") == 0) {
		lxcnet_install(c);
		ok = c ? c->attach_interface(c, dev, dst) : lxcnet_attach_interface(c, dev, dst);
	} else if (strcmp(argv[1], "detach") == 0) {
		lxcnet_install(c);
		ok = c ? c->detach_interface(c, dev, dst) : lxcnet_detach_interface(c, dev, dst);
	} else if (strcmp(argv[1], "list") == 0) {
		char **names = lxcnet_get_interfaces(c);
		ok = names != NULL;
		for (char **p = names; p && *p; p++)
			free(*p);
		free(names);
	} else {
		fprintf(stderr, "unknown operation %s\n", argv[1]);
		return 2;
	}
	/* The error must be this call's, and a success must clear it. */
	if (ok && (lxcnet_errno() != 0 || lxcnet_strerror()[0] != '\0')) {
		printf("fail -1\nsuccess left an error behind: %s\n", lxcnet_strerror());
		return 0;
	}
	if (ok)
		printf("ok\n\n");
	else
		printf("fail %d\n%s\n", lxcnet_errno(), lxcnet_strerror());
	if (c)
		lxc_container_put(c);
	return 0;
}
