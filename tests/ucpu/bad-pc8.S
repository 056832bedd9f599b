/* A PC-relative byte that cannot reach its target once laid out. */
	.text
	.globl	check_vdso_atomic_cmpxchg_32
check_vdso_atomic_cmpxchg_32:
	rts
	.byte	far - .
	.space	512
	.data
far:
	.long	0
