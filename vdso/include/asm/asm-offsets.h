/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Adapted for the user-space build of the interrupt-entry fixup: what it
 * needs from the kernel's generated <asm/asm-offsets.h>, the ColdFire
 * struct pt_regs offsets (PT_OFF_PC is offsetof(struct pt_regs, pc)),
 * which the library's CPU model uses too and so keeps in one place.
 */
#ifndef MMSIM_VDSO_ASM_OFFSETS_H
#define MMSIM_VDSO_ASM_OFFSETS_H

#include <mmsim/coldfire/pt_regs.h>

#endif
