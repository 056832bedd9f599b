/*
 * What check_vdso_atomic_cmpxchg_32 means to do: an interrupted
 * __kernel_atomic_cmpxchg_32 that has compared but not yet stored restarts
 * at its compare.  Unlike the seed's, it finds the PC above the jsr's
 * return address, and rewinds inside the window rather than outside it.
 */
	.equ	PT_OFF_PC, 48

	.text
	.globl	check_vdso_atomic_cmpxchg_32
check_vdso_atomic_cmpxchg_32:
	movel	%sp@(4+PT_OFF_PC),%d0
	cmpil	#0x5fffe40e,%d0		/* before the bne */
	beqs	1f
	cmpil	#0x5fffe412,%d0		/* before the store */
	beqs	1f
	rts
1:	movel	#0x5fffe40c,%d0
	movel	%d0,%sp@(4+PT_OFF_PC)
	rts
