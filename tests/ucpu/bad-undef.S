/* Calls a kernel function the loader cannot resolve. */
	.text
	.globl	check_vdso_atomic_cmpxchg_32
check_vdso_atomic_cmpxchg_32:
	jsr	printk
	rts
