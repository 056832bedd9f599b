/*
 * Raises the interrupt mask in the saved SR, which the return to user
 * mode cannot honour: %sp@(4) is struct pt_regs, the frame word and SR
 * at 44.
 */
	.text
	.globl	check_vdso_atomic_cmpxchg_32
check_vdso_atomic_cmpxchg_32:
	movel	%sp@(4+44),%d0
	oril	#0x0700,%d0
	movel	%d0,%sp@(4+44)
	rts
