/* The right name, but not global. */
	.text
check_vdso_atomic_cmpxchg_32:
	rts
