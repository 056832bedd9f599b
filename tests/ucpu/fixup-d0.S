/* Changes the interrupted context's %d0, which the return restores. */
	.equ	PT_OFF_D0, 32

	.text
	.globl	check_vdso_atomic_cmpxchg_32
check_vdso_atomic_cmpxchg_32:
	movel	#0xfeedf00d,%d0
	movel	%d0,%sp@(4+PT_OFF_D0)
	rts
