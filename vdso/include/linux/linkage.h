/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Adapted for the user-space build of the ColdFire vDSO: the kernel's
 * <linux/linkage.h> reduced to ENTRY(), which is all vdso-lib.S and
 * entry-fixup.S use.  ENTRY makes a global symbol aligned as m68k's
 * <asm/linkage.h> __ALIGN does (.align 4); ';' separates statements where
 * the kernel writes ASM_NL.
 */
#ifndef MMSIM_VDSO_LINUX_LINKAGE_H
#define MMSIM_VDSO_LINUX_LINKAGE_H

#define ALIGN .align 4

#define ENTRY(name)                                                            \
	.globl name;                                                           \
	ALIGN;                                                                 \
	name:

#endif
