/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef LXCNET_LXCNET_H
#define LXCNET_LXCNET_H

/*
 * The C interface of lxcnet. Functions that return bool or a pointer report
 * failure as false or NULL (those that return a count, as -1) and set this
 * thread's last error, which lxcnet_errno() and lxcnet_strerror() read; errno
 * holds the same value, so perror() and strerror(errno) work as after a
 * liblxc call. No exception crosses it.
 *
 * Names: dev, the device to move, may be its name or one of its altnames
 * (up to 127 bytes). dst_dev, the name it gets, is at most 15 bytes; NULL
 * keeps the name (attach) or means the name it had before attach (detach),
 * and "" is EINVAL.
 */

#include <stdbool.h>
#include <stddef.h>

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

/**
 * What an attach or detach does beyond the defaults, as a handle that can
 * grow: flags (enum lxcnet_flags) and the state directory. Functions that take
 * one accept NULL for the defaults. Not shared between threads while one of
 * them changes it.
 */
struct lxcnet_options;

/** A new handle holding the defaults, or NULL (ENOMEM). */
LXCNET_PUBLIC struct lxcnet_options *lxcnet_options_new(void);
/** Frees o; takes NULL. Returns NULL, so `o = lxcnet_options_unref(o);` leaves nothing dangling. */
LXCNET_PUBLIC struct lxcnet_options *lxcnet_options_unref(struct lxcnet_options *o);
/** enum lxcnet_flags, or-ed. false (EINVAL) for a flag this version does not know. */
LXCNET_PUBLIC bool lxcnet_options_set_flags(struct lxcnet_options *o, unsigned flags);
/**
 * Directory of lxcnet's records, copied; NULL or "" is the default
 * ($LXCNET_STATE_DIR if set, else /run/lxcnet). Every process that detaches
 * a device, the stop hook included, must use the same one.
 */
LXCNET_PUBLIC bool lxcnet_options_set_state_dir(struct lxcnet_options *o, const char *dir);

/** As lxcnet_attach_interface, with options (NULL: the defaults). */
LXCNET_PUBLIC bool lxcnet_attach_interface_ex(struct lxc_container *c, const char *dev, const char *dst_dev,
					      const struct lxcnet_options *o);
/** As lxcnet_detach_interface, with options (NULL: the defaults). */
LXCNET_PUBLIC bool lxcnet_detach_interface_ex(struct lxc_container *c, const char *dev, const char *dst_dev,
					      const struct lxcnet_options *o);
/**
 * lxcnet_detach_interface_ex() that says where the device went: on success
 * host_name (host_name_size bytes, at least 16) holds the name it has on the
 * host, the one lxcnet chose when dst_dev is NULL. A host_name that is NULL
 * or shorter than 16 bytes is EINVAL, before anything moves.
 */
LXCNET_PUBLIC bool lxcnet_detach_interface_to(struct lxc_container *c, const char *dev, const char *dst_dev,
					      const struct lxcnet_options *o, char *host_name, size_t host_name_size);
/** The same for a namespace named by path (see lxcnet_netns_attach_interface()). */
LXCNET_PUBLIC bool lxcnet_netns_detach_interface_to(const char *netns_path, const char *id, const char *dev, const char *dst_dev,
						    const struct lxcnet_options *o, char *host_name, size_t host_name_size);

/**
 * As lxcnet_detach_all, with options: the count of devices returned, or -1.
 * A device whose original name is taken on the host stays in the container
 * and makes the call fail; the others are still returned.
 */
LXCNET_PUBLIC int lxcnet_detach_all_ex(struct lxc_container *c, const struct lxcnet_options *o);
/**
 * detach_all for a stop hook written in C (lxc.hook.version = 1), where the
 * container's init is gone: netns_path is the namespace LXC passes in
 * $LXC_NET_NS. A device whose original name is taken comes home under the
 * fallback name "lxn<ifindex>", since the namespace dies after the hook. The
 * count returned, or -1.
 */
LXCNET_PUBLIC int lxcnet_detach_all_from(struct lxc_container *c, const char *netns_path, const struct lxcnet_options *o);

/*
 * A network namespace named by a file (/run/netns/NAME, a CNI runtime's
 * CNI_NETNS, /proc/PID/ns/net) instead of a container: the C side of
 * lxcnet::NetworkNamespace. id keys the records (a CNI container ID, say):
 * the same id must be given to detach what was attached; it may not be
 * empty or hold '/'.
 */
LXCNET_PUBLIC bool lxcnet_netns_attach_interface(const char *netns_path, const char *id, const char *dev,
						 const char *dst_dev, const struct lxcnet_options *o);
LXCNET_PUBLIC bool lxcnet_netns_detach_interface(const char *netns_path, const char *id, const char *dev,
						 const char *dst_dev, const struct lxcnet_options *o);
/** Every device attached under id, back to the caller's netns: the count returned, or -1. */
LXCNET_PUBLIC int lxcnet_netns_detach_all(const char *netns_path, const char *id, const struct lxcnet_options *o);
/** As lxcnet_get_interfaces, for the namespace at netns_path. */
LXCNET_PUBLIC char **lxcnet_netns_get_interfaces(const char *netns_path);
/**
 * Drops the records of id without touching any device, for a namespace that
 * is already gone: the count of records dropped, or -1.
 */
LXCNET_PUBLIC int lxcnet_netns_forget(const char *id, const struct lxcnet_options *o);

/** The version of the loaded library ("0.1.0"), which may differ from the LXCNET_VERSION a program was built with. */
LXCNET_PUBLIC const char *lxcnet_version(void);

/** This thread's last failure as an errno value; 0 after a success. */
LXCNET_PUBLIC int lxcnet_errno(void);
/** This thread's last failure, one line; "" after a success. Valid until the next lxcnet_* call on this thread. */
LXCNET_PUBLIC const char *lxcnet_strerror(void);

#ifdef __cplusplus
}
#endif

#endif
