/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef LXCNET_LXCNET_H
#define LXCNET_LXCNET_H

/*
 * The C interface of lxcnet. Functions that return bool or a pointer report
 * failure as false or NULL and set this thread's last error, which
 * lxcnet_errno() and lxcnet_strerror() read. No exception crosses it.
 */

#include <stdbool.h>

#include <lxcnet/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

struct lxc_container;

/** Flags for the _opts variants. */
enum lxcnet_flags {
	LXCNET_PRESERVE = 0,      /**< default: configuration travels, origin is recorded */
	LXCNET_NO_PRESERVE = 1u << 0, /**< liblxc's bare move */
};

/** Same type as lxc_container::attach_interface. dst_dev may be NULL (keep the name). */
LXCNET_PUBLIC bool lxcnet_attach_interface(struct lxc_container *c, const char *dev, const char *dst_dev);
/** Same type as lxc_container::detach_interface. dst_dev NULL: the name the device had before attach. */
LXCNET_PUBLIC bool lxcnet_detach_interface(struct lxc_container *c, const char *dev, const char *dst_dev);

LXCNET_PUBLIC bool lxcnet_attach_interface_opts(struct lxc_container *c, const char *dev, const char *dst_dev, unsigned flags);
LXCNET_PUBLIC bool lxcnet_detach_interface_opts(struct lxc_container *c, const char *dev, const char *dst_dev, unsigned flags);

/** Returns every device lxcnet attached to c to the host; the count returned, or -1. */
LXCNET_PUBLIC int lxcnet_detach_all(struct lxc_container *c);

/** As lxc's get_interfaces: a NULL-terminated array; free each string, then the array. NULL on failure. */
LXCNET_PUBLIC char **lxcnet_get_interfaces(struct lxc_container *c);

/**
 * Puts every device lxcnet lent back where it belongs (see lxcnet::recover()):
 * returns how many devices came home (returned or restored), or -1 if any
 * record could not be recovered (the others still were; lxcnet_errno() and
 * lxcnet_strerror() name the first failure and how many failed). Uses
 * $LXCNET_STATE_DIR, else /run/lxcnet.
 */
LXCNET_PUBLIC int lxcnet_recover(void);

/** Sets c->attach_interface and c->detach_interface to the two functions above. */
LXCNET_PUBLIC void lxcnet_install(struct lxc_container *c);

/** This thread's last failure as an errno value; 0 after a success. */
LXCNET_PUBLIC int lxcnet_errno(void);
/** This thread's last failure, one line; "" after a success. Valid until the next lxcnet_* call on this thread. */
LXCNET_PUBLIC const char *lxcnet_strerror(void);

#ifdef __cplusplus
}
#endif

#endif
