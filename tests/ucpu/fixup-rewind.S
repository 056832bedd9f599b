/*
 * Rewinds every interrupted context to one fixed user address, whatever
 * the PC was: %sp@(4) is struct pt_regs, above the jsr's return address.
 */
	.equ	PT_OFF_PC, 48
	.equ	REWIND_TARGET, 0x10000100

	.text
	.globl	check_vdso_atomic_cmpxchg_32
check_vdso_atomic_cmpxchg_32:
	movel	#REWIND_TARGET,%d0
	movel	%d0,%sp@(4+PT_OFF_PC)
	rts
