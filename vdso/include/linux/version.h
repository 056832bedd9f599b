/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Adapted for the user-space build of the ColdFire vDSO: the kernel
 * generates <linux/version.h> from its Makefile.  The patch came with the
 * 2.6.38-based ColdFire kernels, so that is the version the note records.
 */
#ifndef MMSIM_VDSO_LINUX_VERSION_H
#define MMSIM_VDSO_LINUX_VERSION_H

#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + (c))
#define LINUX_VERSION_CODE KERNEL_VERSION(2, 6, 38)

#endif
