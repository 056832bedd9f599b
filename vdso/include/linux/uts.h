/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Adapted for the user-space build of the ColdFire vDSO: the kernel's
 * <linux/uts.h> reduced to UTS_SYSNAME, the note's vendor name.
 */
#ifndef MMSIM_VDSO_LINUX_UTS_H
#define MMSIM_VDSO_LINUX_UTS_H

#define UTS_SYSNAME "Linux"

#endif
