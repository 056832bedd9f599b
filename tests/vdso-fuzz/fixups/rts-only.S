/* A fixup that never rewinds: the cmpxchg is left unprotected. */
ENTRY(check_vdso_atomic_cmpxchg_32)
	rts
