/* The fixup symbol exists but is local: the CPU cannot link to it. */
check_vdso_atomic_cmpxchg_32:
	rts
