/*
 * Faults only on an interrupt: reads address 0 when the frame's vector
 * is 64, and does nothing on other entries (TLB misses, traps).  The
 * struct pt_regs starts at 4(%sp); its format/vector word at 44.
 */
	.text
	.globl	check_vdso_atomic_cmpxchg_32
check_vdso_atomic_cmpxchg_32:
	movew	%sp@(4+44),%d0
	andil	#0x03fc,%d0
	cmpil	#0x100,%d0
	bnes	1f
	movel	0,%d0
1:	rts
