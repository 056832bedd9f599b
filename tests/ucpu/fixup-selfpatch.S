/*
 * The correct fixup (tests/vdso-fuzz/fixups/correct.S), which on every
 * interrupt also writes an rts over its own first instruction: from the
 * second interrupt on it rewinds nothing.  pt_regs starts at 4(%sp): the
 * format/vector word at 44, the PC at 48.
 */
	.text
	.globl	check_vdso_atomic_cmpxchg_32
check_vdso_atomic_cmpxchg_32:
	movel	%sp@(4+48),%d0
	cmpil	#0x5fffe40e,%d0
	beqs	1f
	cmpil	#0x5fffe412,%d0
	beqs	1f
	cmpil	#0x5fffe418,%d0
	bnes	2f
1:	movel	#0x5fffe40c,%d0
	movel	%d0,%sp@(4+48)
2:	movew	%sp@(4+44),%d0
	andil	#0x03fc,%d0
	cmpil	#0x100,%d0
	bnes	3f
	lea	check_vdso_atomic_cmpxchg_32,%a0
	movew	#0x4e75,%a0@
3:	rts
