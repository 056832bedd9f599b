/* A jump to address 0: the kernel would oops on the fetch. */
	.text
	.globl	check_vdso_atomic_cmpxchg_32
check_vdso_atomic_cmpxchg_32:
	sub.l	%a0,%a0
	jmp	(%a0)
