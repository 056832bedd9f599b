// SPDX-License-Identifier: MIT
/*
 * kx_devmem (devmem_migrator.c) from user space: pages move to the
 * device (their PTEs become device-private entries), come back when the
 * CPU touches them or on request, with their bytes; pages still on the
 * device when the driver is unloaded are evicted first.
 */
#include "harness.h"

static long migrate(struct kx *k, unsigned int cmd, unsigned long addr,
		    unsigned long npages, long *moved)
{
	struct kx_cmd c = { .addr = addr, .npages = npages };
	long ret = kx_ioctl(k, cmd, &c);

	*moved = (long)c.result;
	return ret;
}

int main(void)
{
	struct task_struct *child;
	unsigned long i;
	long moved;
	struct kx k;

	kx_setup(&k, "kx_devmem");
	kx_map(&k, KX_BASE, 8 * k.page, PROT_READ | PROT_WRITE);
	kx_fill(&k, KX_BASE, 6, 0x60);

	/* Six written pages and two holes go to the device. */
	kx_check(migrate(&k, KX_MIGRATE_TO_DEVICE, KX_BASE, 8, &moved) == 0);
	kx_check(moved == 8);
	for (i = 0; i < 8; i++)
		kx_check(kx_on_device(&k, KX_BASE + i * k.page));
	kx_check(msim_machine_check(k.m, NULL, 0) == 0);

	/* A CPU read brings one back, with its bytes. */
	kx_check(kx_peek(&k, KX_BASE + 2 * k.page + 100) == 0x62);
	kx_check(!kx_on_device(&k, KX_BASE + 2 * k.page));
	kx_check(kx_on_device(&k, KX_BASE + 3 * k.page));
	/* A hole comes back as zeroes. */
	kx_check(kx_peek(&k, KX_BASE + 7 * k.page) == 0);

	/* Back on request: the rest. */
	kx_check(migrate(&k, KX_MIGRATE_TO_SYSTEM, KX_BASE, 8, &moved) == 0);
	kx_check(moved == 6);
	for (i = 0; i < 8; i++)
		kx_check(!kx_on_device(&k, KX_BASE + i * k.page));
	kx_check(kx_peek(&k, KX_BASE + 5 * k.page) == 0x65);
	kx_check(msim_machine_check(k.m, NULL, 0) == 0);

	/*
	 * To the device again, fork, and unload with the pages there: they
	 * are evicted from both processes, still shared.
	 */
	kx_check(migrate(&k, KX_MIGRATE_TO_DEVICE, KX_BASE, 4, &moved) == 0);
	kx_check(moved == 4);
	child = msim_fork(k.task, 0, "child");
	kx_check(!IS_ERR(child));
	kx_check(msim_kfile_release(k.file) == 0);
	msim_kmod_exit(NULL);
	kx_check(!kx_on_device(&k, KX_BASE));
	kx_check(msim_machine_check(k.m, NULL, 0) == 0);
	for (i = 0; i < 4; i++)
		kx_check(kx_peek(&k, KX_BASE + i * k.page + 1) == 0x60 + i);
	msim_task_put(child);
	/* Loaded again for the teardown's own unload. */
	kx_check(msim_kmod_init(NULL) == 0);
	kx_check(msim_kdev_open(0, "kx_devmem", &k.file) == 0);

	kx_teardown(&k);
	printf("devmem_migrator: ok\n");
	return 0;
}
