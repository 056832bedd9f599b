/* An illegal instruction: the kernel would oops. */
	.text
	.globl	check_vdso_atomic_cmpxchg_32
check_vdso_atomic_cmpxchg_32:
	illegal
	rts
