/* A relocation type a kernel module may not use (GOT). */
	.text
	.globl	check_vdso_atomic_cmpxchg_32
check_vdso_atomic_cmpxchg_32:
	rts
	.data
	.reloc	., R_68K_GOT32, check_vdso_atomic_cmpxchg_32
	.long	0
