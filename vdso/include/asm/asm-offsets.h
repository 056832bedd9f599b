/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Adapted for the user-space build of the interrupt-entry fixup: the one
 * value it needs from the kernel's generated <asm/asm-offsets.h>.
 * PT_OFF_PC is offsetof(struct pt_regs, pc) for ColdFire (m68k): eleven
 * longs (d1 d2 d3 d4 d5 a0 a1 a2 d0 orig_d0 stkadj) are 44 bytes, then
 * the 16-bit format/vector word and the 16-bit sr, then the pc at 48.
 */
#ifndef MMSIM_VDSO_ASM_OFFSETS_H
#define MMSIM_VDSO_ASM_OFFSETS_H

#define PT_OFF_D1 0
#define PT_OFF_D2 4
#define PT_OFF_D3 8
#define PT_OFF_D4 12
#define PT_OFF_D5 16
#define PT_OFF_A0 20
#define PT_OFF_A1 24
#define PT_OFF_A2 28
#define PT_OFF_D0 32
#define PT_OFF_ORIG_D0 36
#define PT_OFF_STKADJ 40
#define PT_OFF_FORMATVEC 44
#define PT_OFF_SR 46
#define PT_OFF_PC 48

#endif
