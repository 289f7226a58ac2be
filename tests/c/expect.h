/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The C test programs' one assertion: a failed check is counted and printed with lxcnet's last error, and the run goes on. */
#ifndef LXCNET_TEST_EXPECT_H
#define LXCNET_TEST_EXPECT_H

#include <stdio.h>

#include <lxcnet/lxcnet.h>

static int failures;

#define EXPECT(cond)                                                                                     \
	do {                                                                                             \
		if (!(cond)) {                                                                           \
			fprintf(stderr, "%s:%d: failed: %s (last error: %s)\n", __FILE__, __LINE__, #cond, \
				lxcnet_strerror());                                                      \
			failures++;                                                                      \
		}                                                                                        \
	} while (0)

#endif
