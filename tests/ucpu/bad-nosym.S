/* The fixup under another name. */
	.text
	.globl	check_vdso_atomic_cmpxchg
check_vdso_atomic_cmpxchg:
	rts
