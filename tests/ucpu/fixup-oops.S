/* Reads an address nothing maps: an oops. */
	.text
	.globl	check_vdso_atomic_cmpxchg_32
check_vdso_atomic_cmpxchg_32:
	movel	0x00000010,%d0
	rts
