// SPDX-License-Identifier: MIT
/*
 * kx_mirror (interval_mirror.c) from user space: the device reads the
 * process's memory into a user buffer and writes it from one, seeing
 * every change the CPU makes, refused where the process could not access
 * the memory itself.
 */
#include "harness.h"

static long mirror(struct kx *k, unsigned int cmd, unsigned long addr,
		   unsigned long npages, unsigned long buf)
{
	struct kx_cmd c = { .addr = addr, .npages = npages, .ptr = buf };

	return kx_ioctl(k, cmd, &c);
}

int main(void)
{
	unsigned long buf;
	struct kx k;

	kx_setup(&k, "kx_mirror");
	buf = KX_ARGS + k.page;
	kx_map(&k, KX_BASE, 4 * k.page, PROT_READ | PROT_WRITE);
	kx_fill(&k, KX_BASE, 4, 0x50);

	/* The device reads two pages into the user buffer. */
	kx_check(mirror(&k, KX_MIRROR_READ, KX_BASE + k.page, 2, buf) == 0);
	kx_check(kx_peek(&k, buf) == 0x51);
	kx_check(kx_peek(&k, buf + k.page + 9) == 0x52);

	/* A CPU write is seen; so is a device write, by the CPU. */
	kx_poke(&k, KX_BASE + k.page + 1, 0xab);
	kx_check(mirror(&k, KX_MIRROR_READ, KX_BASE + k.page, 1, buf) == 0);
	kx_check(kx_peek(&k, buf + 1) == 0xab);
	kx_poke(&k, buf + 2, 0xcd);
	kx_check(mirror(&k, KX_MIRROR_WRITE, KX_BASE + k.page, 1, buf) == 0);
	kx_check(kx_peek(&k, KX_BASE + k.page + 2) == 0xcd);

	/* Pages never touched: read as zeroes, the zero page mapped. */
	kx_map(&k, KX_BASE + 8 * k.page, 2 * k.page, PROT_READ | PROT_WRITE);
	kx_check(mirror(&k, KX_MIRROR_READ, KX_BASE + 8 * k.page, 2, buf) == 0);
	kx_check(kx_peek(&k, buf + 7) == 0);

	/* Read-only memory cannot be written; a hole cannot be read. */
	kx_check(msim_mprotect(k.mm, KX_BASE, k.page, PROT_READ) == 0);
	kx_check(mirror(&k, KX_MIRROR_WRITE, KX_BASE, 1, buf) == -EPERM);
	kx_check(mirror(&k, KX_MIRROR_READ, KX_BASE, 1, buf) == 0);
	kx_check(msim_munmap(k.mm, KX_BASE + 2 * k.page, k.page) == 0);
	kx_check(mirror(&k, KX_MIRROR_READ, KX_BASE + 2 * k.page, 1, buf) ==
		 -EFAULT);
	kx_check(msim_machine_check(k.m, NULL, 0) == 0);

	kx_teardown(&k);
	printf("interval_mirror: ok\n");
	return 0;
}
