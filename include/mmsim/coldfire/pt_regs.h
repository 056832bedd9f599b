/* SPDX-License-Identifier: MIT */
/**
 * DOC: The ColdFire struct pt_regs
 *
 * Where Linux m68k (ColdFire, CONFIG_COLDFIRE) keeps each register in the
 * struct pt_regs that SAVE_ALL_INT builds on the kernel stack at an
 * interrupt: the byte offsets of the kernel's generated
 * <asm/asm-offsets.h>, under its names.  Eleven longs (d1-d5, a0-a2, d0,
 * orig_d0, stkadj), then the 16-bit format/vector word and the 16-bit sr,
 * then the pc.
 *
 * The one copy of these numbers: the CPU model builds its exception
 * frames with them, the vDSO build's <asm/asm-offsets.h> includes this
 * file, and the CLI hands them to the preprocessor for a fixup it
 * assembles.  Plain #defines only, so that assembler sources can include
 * it too.
 */
#ifndef MMSIM_COLDFIRE_PT_REGS_H
#define MMSIM_COLDFIRE_PT_REGS_H

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

#endif /* MMSIM_COLDFIRE_PT_REGS_H */
