// SPDX-License-Identifier: MIT
/*
 * kx_tlb (classic_notifier.c) from user space: bind the device to the
 * process, let it read memory through its TLB, and watch the TLB follow
 * the CPU's page tables: a write through the same page is seen, a
 * munmap flushes the entry and the read fails, copy-on-write after fork
 * moves the entry to the new page.
 */
#include "harness.h"

static unsigned char dev_read(struct kx *k, unsigned long addr)
{
	struct kx_cmd c = { .addr = addr };

	kx_check(kx_ioctl(k, KX_TLB_READ, &c) == 0);
	return (unsigned char)c.result;
}

static unsigned long flushes(struct kx *k)
{
	struct kx_cmd c = { 0 };

	kx_check(kx_ioctl(k, KX_TLB_FLUSHES, &c) == 0);
	return c.result;
}

int main(void)
{
	struct kx_cmd c = { 0 };
	struct task_struct *child;
	unsigned long f0;
	struct kx k;

	kx_setup(&k, "kx_tlb");
	kx_check(msim_kfile_ioctl(k.file, KX_TLB_BIND, 0) == 0);
	kx_map(&k, KX_BASE, 4 * k.page, PROT_READ | PROT_WRITE);
	kx_fill(&k, KX_BASE, 4, 0x30);

	/* A miss walks the page tables; a page not yet there is faulted. */
	kx_check(dev_read(&k, KX_BASE + 5) == 0x30);
	kx_check(dev_read(&k, KX_BASE + 3 * k.page) == 0x33);
	kx_poke(&k, KX_BASE + 5, 0x99);
	kx_check(dev_read(&k, KX_BASE + 5) == 0x99);

	/* munmap: the TLB is flushed before the page is freed. */
	f0 = flushes(&k);
	kx_check(msim_munmap(k.mm, KX_BASE + 3 * k.page, k.page) == 0);
	kx_check(flushes(&k) > f0);
	c.addr = KX_BASE + 3 * k.page;
	kx_check(kx_ioctl(&k, KX_TLB_READ, &c) == -EFAULT);

	/* fork, then COW in the parent: its TLB follows to the new page. */
	child = msim_fork(k.task, 0, "child");
	kx_check(!IS_ERR(child));
	kx_check(dev_read(&k, KX_BASE + 5) == 0x99);
	f0 = flushes(&k);
	kx_poke(&k, KX_BASE + 5, 0x42);
	kx_check(flushes(&k) > f0);
	kx_check(dev_read(&k, KX_BASE + 5) == 0x42);
	msim_task_put(child);
	kx_check(msim_machine_check(k.m, NULL, 0) == 0);

	kx_teardown(&k);
	printf("classic_notifier: ok\n");
	return 0;
}
