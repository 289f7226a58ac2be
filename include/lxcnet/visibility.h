/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef LXCNET_VISIBILITY_H
#define LXCNET_VISIBILITY_H

/* The library is built with -fvisibility=hidden: only what carries this is exported. */
#define LXCNET_PUBLIC __attribute__((visibility("default")))

#endif
