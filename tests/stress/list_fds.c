/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Prints every fd this process was started with, one "FD TARGET" per line:
 * what a program exec'd by an lxcnet caller inherits. Its own directory
 * handle is left out.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		return 1;
	const int own = dirfd(dir);
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == own)
			continue;
		char path[300], target[4096];
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		printf("%s %s\n", e->d_name, target);
	}
	closedir(dir);
	return 0;
}
