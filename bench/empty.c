/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The floor of lxcnet-cni-bench: what starting a process costs when it does nothing (libc only). */
int main(void)
{
	return 0;
}
