/* SPDX-License-Identifier: MIT */
/*
 * The user-space interface of the example drivers in examples/kernel/,
 * as a driver's UAPI header would be: the ioctls of /dev/kx_tlb,
 * /dev/kx_mirror and /dev/kx_devmem, and their argument.
 */
#ifndef _LINUX_MMSIM_EXAMPLES_H
#define _LINUX_MMSIM_EXAMPLES_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * struct kx_cmd - an ioctl's argument, in user memory
 * @addr: the user address the command is about
 * @npages: how many pages from there
 * @ptr: a user buffer (the bytes read or to write), or where a count goes
 * @result: what the driver reports (bytes, pages, a count)
 */
struct kx_cmd {
	__u64 addr;
	__u64 npages;
	__u64 ptr;
	__u64 result;
};

/* /dev/kx_tlb: a device TLB that shares the CPU's page tables. */
#define KX_TLB_BIND _IO('K', 0x01)
#define KX_TLB_READ _IOWR('K', 0x02, struct kx_cmd)
#define KX_TLB_FLUSHES _IOWR('K', 0x03, struct kx_cmd)

/* /dev/kx_mirror: an HMM mirror of the opener's address space. */
#define KX_MIRROR_READ _IOWR('K', 0x10, struct kx_cmd)
#define KX_MIRROR_WRITE _IOWR('K', 0x11, struct kx_cmd)

/* /dev/kx_devmem: device-private memory the opener's pages move to. */
#define KX_MIGRATE_TO_DEVICE _IOWR('K', 0x20, struct kx_cmd)
#define KX_MIGRATE_TO_SYSTEM _IOWR('K', 0x21, struct kx_cmd)

#endif /* _LINUX_MMSIM_EXAMPLES_H */
