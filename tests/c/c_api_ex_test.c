/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The C API beyond liblxc's shapes, from a C program: errno after a failure,
 * options (flags, state directory), detach_all from a stop hook's namespace
 * path, a namespace given by path, where a detach took the device,
 * recovery, the library's version.
 * Usage: LXCPATH NAME DEV NETNS_PATH STATE_DIR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lxc/lxccontainer.h>

#include <lxcnet/lxcnet.h>
#include <lxcnet/version.h>

#include "expect.h"

/* 1 if names holds name, 0 if not; frees names. -1 for NULL. */
static int holds(char **names, const char *name)
{
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

static void errno_follows_the_last_error(struct lxc_container *c)
{
	errno = 0;
	EXPECT(!lxcnet_attach_interface(c, "lxnnothere0", NULL));
	EXPECT(lxcnet_errno() == ENODEV && errno == ENODEV);
	errno = 0;
	EXPECT(!lxcnet_attach_interface(c, "lxnnothere0", ""));
	EXPECT(lxcnet_errno() == EINVAL && errno == EINVAL);
	errno = 0;
	EXPECT(lxcnet_detach_all_ex(NULL, NULL) == -1);
	EXPECT(lxcnet_errno() == EINVAL && errno == EINVAL);
	errno = 0;
	EXPECT(lxcnet_netns_get_interfaces("/nonexistent/lxcnet/netns") == NULL);
	EXPECT(lxcnet_errno() == ENOENT && errno == ENOENT);
	/* perror() prints what strerror(errno) says: the errno is a real one. */
	EXPECT(strcmp(strerror(errno), strerror(ENOENT)) == 0);
}

static void options_hold_flags_and_state_dir(struct lxcnet_options *o, const char *state_dir)
{
	errno = 0;
	EXPECT(!lxcnet_options_set_flags(o, 1u << 30));
	EXPECT(lxcnet_errno() == EINVAL && errno == EINVAL);
	EXPECT(lxcnet_options_set_flags(o, LXCNET_PRESERVE));
	EXPECT(lxcnet_options_set_state_dir(o, state_dir));
	EXPECT(lxcnet_options_unref(NULL) == NULL);
}

static void detach_all_uses_the_state_dir(struct lxc_container *c, const char *dev, const struct lxcnet_options *o)
{
	EXPECT(lxcnet_attach_interface_ex(c, dev, "cex0", o));
	EXPECT(holds(lxcnet_get_interfaces(c), "cex0") == 1);
	/* The records are in the options' directory only: the default one knows nothing of cex0. */
	EXPECT(lxcnet_detach_all(c) == 0);
	EXPECT(lxcnet_detach_all_ex(c, o) == 1);
	EXPECT(holds(lxcnet_get_interfaces(c), "cex0") == 0);
}

static void detach_all_from_a_namespace_path(struct lxc_container *c, const char *dev, const struct lxcnet_options *o)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)c->init_pid(c));
	EXPECT(lxcnet_attach_interface_ex(c, dev, "cex1", o));
	EXPECT(lxcnet_detach_all_from(c, path, o) == 1);
	EXPECT(holds(lxcnet_get_interfaces(c), "cex1") == 0);
	errno = 0;
	EXPECT(lxcnet_detach_all_from(c, NULL, o) == -1);
	EXPECT(errno == EINVAL);
}

static void a_namespace_by_path(const char *netns, const char *dev, const struct lxcnet_options *o)
{
	const char *id = "lxnc-api-ex";
	EXPECT(lxcnet_netns_attach_interface(netns, id, dev, "cex2", o));
	EXPECT(holds(lxcnet_netns_get_interfaces(netns), "cex2") == 1);
	EXPECT(lxcnet_netns_detach_interface(netns, id, "cex2", NULL, o));
	EXPECT(holds(lxcnet_netns_get_interfaces(netns), "cex2") == 0);

	EXPECT(lxcnet_netns_attach_interface(netns, id, dev, NULL, o));
	EXPECT(lxcnet_netns_detach_all(netns, id, o) == 1);
	EXPECT(holds(lxcnet_netns_get_interfaces(netns), dev) == 0);

	/* forget drops the record and moves nothing: the device stays in the namespace. */
	EXPECT(lxcnet_netns_attach_interface(netns, id, dev, "cex3", o));
	EXPECT(lxcnet_netns_forget(id, o) == 1);
	EXPECT(lxcnet_netns_forget(id, o) == 0);
	EXPECT(holds(lxcnet_netns_get_interfaces(netns), "cex3") == 1);
	EXPECT(lxcnet_netns_detach_interface(netns, id, "cex3", dev, o));

	errno = 0;
	EXPECT(!lxcnet_netns_attach_interface(netns, "bad/id", dev, NULL, o));
	EXPECT(lxcnet_errno() == EINVAL && errno == EINVAL);
	EXPECT(!lxcnet_netns_attach_interface(netns, id, dev, "", o));
	EXPECT(errno == EINVAL);
}

static void detach_says_where(struct lxc_container *c, const char *netns, const char *dev, const struct lxcnet_options *o)
{
	char home[16], tiny[8];
	EXPECT(lxcnet_attach_interface_ex(c, dev, "cex4", o));
	errno = 0;
	EXPECT(!lxcnet_detach_interface_to(c, "cex4", NULL, o, tiny, sizeof(tiny)));
	EXPECT(errno == EINVAL);
	EXPECT(holds(lxcnet_get_interfaces(c), "cex4") == 1); /* refused before anything moved */
	EXPECT(lxcnet_detach_interface_to(c, "cex4", NULL, o, home, sizeof(home)));
	EXPECT(strcmp(home, dev) == 0);

	const char *id = "lxnc-api-to";
	EXPECT(lxcnet_netns_attach_interface(netns, id, dev, "cex5", o));
	EXPECT(lxcnet_netns_detach_interface_to(netns, id, "cex5", NULL, o, home, sizeof(home)));
	EXPECT(strcmp(home, dev) == 0);
}

/* A device moved home by hand under its inside name: lxcnet_recover() gives it its name back. */
static void recover_counts_what_came_home(struct lxc_container *c, const char *dev, const struct lxcnet_options *o)
{
	char command[256];
	EXPECT(lxcnet_attach_interface_ex(c, dev, "lxncx6", o));
	snprintf(command, sizeof(command), "nsenter --net=/proc/%d/ns/net ip link set lxncx6 netns %d", (int)c->init_pid(c), (int)getpid());
	EXPECT(system(command) == 0);
	EXPECT(lxcnet_recover() == 1);
	snprintf(command, sizeof(command), "ip link show dev %s >/dev/null", dev);
	EXPECT(system(command) == 0);
	EXPECT(lxcnet_recover() == 0);
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: %s LXCPATH NAME DEV NETNS_PATH STATE_DIR\n", argv[0]);
		return 2;
	}
	const char *dev = argv[3];
	EXPECT(strcmp(lxcnet_version(), LXCNET_VERSION) == 0);

	struct lxc_container *c = lxc_container_new(argv[2], argv[1]);
	EXPECT(c != NULL);
	struct lxcnet_options *o = lxcnet_options_new();
	EXPECT(o != NULL);
	if (!c || !o)
		return 1;

	errno_follows_the_last_error(c);
	options_hold_flags_and_state_dir(o, argv[5]);
	detach_all_uses_the_state_dir(c, dev, o);
	detach_all_from_a_namespace_path(c, dev, o);
	a_namespace_by_path(argv[4], dev, o);
	detach_says_where(c, argv[4], dev, o);
	/* lxcnet_recover() reads $LXCNET_STATE_DIR: the options' directory here. */
	setenv("LXCNET_STATE_DIR", argv[5], 1);
	recover_counts_what_came_home(c, dev, o);

	o = lxcnet_options_unref(o);
	lxc_container_put(c);
	if (failures)
		return 1;
	printf("c api: all checks passed\n");
	return 0;
}
