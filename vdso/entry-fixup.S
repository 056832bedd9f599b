/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Transcribed from the arch/m68k/coldfire/common/entry.S hunk of the
 * Freescale 2011 patch "Add vDSO support for Coldfire platform": the
 * routine that buserr, trap and inthandler call right after SAVE_ALL_INT
 * (under CONFIG_VDSO), unchanged.  It runs on the kernel stack with the
 * interrupted context's struct pt_regs just above the return address,
 * hence %sp@(PT_OFF_PC) reads the interrupted pc as the patch wrote it.
 * The rest of entry.S is not needed here; ENTRY and PT_OFF_PC come from
 * the local vdso/include/.
 */
/*
 * Copyright (C) 2008-2011 Freescale Semiconductor, Inc. All Rights Reserved.
 *
 * This is free software; you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation; either version 2 of the License, or
 * (at your option) any later version.
 */

#include <linux/linkage.h>
#include <asm/asm-offsets.h>

	.text

/* if interrupted PC is between 0x5fffe40c to 0x5ffffe412 */
/* then set PC back to 0x5fffe40c (start addr of __kernel_atomic_cmpxchg_32) */
/* note: these absolute addresses depend on vdso-lib.S and vdso.lds.S */
ENTRY(check_vdso_atomic_cmpxchg_32)
	movel   %sp@(PT_OFF_PC),%d0
	cmpil	#0x5fffe414,%d0  /* __kernel_atomic_cmpxchg_32: line 4 */
	ble	label1
	cmpil	#0x5fffe412,%d0	 /* __kernel_atomic_cmpxchg_32: line 3 */
	beql	label0
	cmpil	#0x5fffe40e,%d0  /* __kernel_atomic_cmpxchg_32: line 2 */
	beql	label0
	jra	label1
label0:
	/* __kernel_atomic_cmpxchg_32: line 1 */
	movel	#0x5fffe40c,%d0
	movel	%d0,%sp@(PT_OFF_PC)
label1:
	rts
