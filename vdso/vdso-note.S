/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Transcribed from arch/m68k/coldfire/vdso/vdso-note.S of the Freescale
 * 2011 patch "Add vDSO support for Coldfire platform"; the code below is
 * unchanged.  UTS_SYSNAME and LINUX_VERSION_CODE come from the local
 * vdso/include/linux/uts.h and version.h.
 */
/*
 * This supplies .note.* sections to go into the PT_NOTE inside the vDSO text.
 * Here we can supply some information useful to userland.
 *
 * Based on arch/sh/kernel/vsyscall/vsyscall-note.S
 */

#include <linux/uts.h>
#include <linux/version.h>

#define ASM_ELF_NOTE_BEGIN(name, flags, vendor, type)			      \
	.section name, flags;						      \
	.balign 4;							      \
	.long 1f - 0f;		/* name length */			      \
	.long 3f - 2f;		/* data length */			      \
	.long type;		/* note type */				      \
0:	.asciz vendor;		/* vendor name */			      \
1:	.balign 4;							      \
2:

#define ASM_ELF_NOTE_END						      \
3:	.balign 4;		/* pad out section */			      \
	.previous

	ASM_ELF_NOTE_BEGIN(".note.kernel-version", "a", UTS_SYSNAME, 0)
	.long LINUX_VERSION_CODE
	ASM_ELF_NOTE_END
