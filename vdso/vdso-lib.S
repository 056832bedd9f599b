/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Transcribed from arch/m68k/coldfire/vdso/vdso-lib.S of the Freescale
 * 2011 patch "Add vDSO support for Coldfire platform"; the code below is
 * unchanged.  The headers it includes are the small local ones in
 * vdso/include/ (see there for what each adapts).
 */
/*
 * VDSO userspace code
 *
 * Copyright (C) 2008-2011 Freescale Semiconductor, Inc. All Rights Reserved.
 * Kurt Mahan <kmahan@freescale.com>
 *
 * This is free software; you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation; either version 2 of the License, or
 * (at your option) any later version.
 */

#include <linux/linkage.h>
#include <asm/unistd.h>

	.text
/*
 * Read the thread pointer into A0 (and D0, for compatibility).
 */
ENTRY(__kernel_read_tp)
	.cfi_startproc
	lea	kuser_vdso_tp,%a0
	movel	(%a0), %d0
	movel	%d0,%a0
	rts
	.cfi_endproc
	.size __kernel_read_tp,.-__kernel_read_tp

/*
 * Atomic compare exchange.  Can not clobber any registers
 * other than conditional codes.
 */
ENTRY(__kernel_atomic_cmpxchg_32)
	.cfi_startproc
	cmpl	(%a0),%d0
	bne	label0
	movel	%d1, (%a0)
	jmp	label1
label0:
	movel	(%a0),%d0
label1:
	rts
	.cfi_endproc
	.size __kernel_atomic_cmpxchg_32,.-__kernel_atomic_cmpxchg_32

/*
 * Atomic memory barrier.  Can not clobber any registers
 * other than condition codes.
 */
ENTRY(__kernel_atomic_barrier)
	.cfi_startproc
	/* no code needed for uniprocs */
	rts
	.cfi_endproc
	.size __kernel_atomic_barrier,.-__kernel_atomic_barrier

	.previous
