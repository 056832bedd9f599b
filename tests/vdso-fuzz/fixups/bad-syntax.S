/* Not m68k assembly. */
ENTRY(check_vdso_atomic_cmpxchg_32)
	movel	%sp@(PT_OFF_PC+4),%q9
	rts
