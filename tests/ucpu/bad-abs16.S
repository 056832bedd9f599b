/* A kernel address in a 16-bit absolute field: it cannot fit. */
	.text
	.globl	check_vdso_atomic_cmpxchg_32
check_vdso_atomic_cmpxchg_32:
	rts
	.data
	.word	check_vdso_atomic_cmpxchg_32
