/*
 * A correct entry fixup for the seed's __kernel_atomic_cmpxchg_32
 * (0x5fffe40c cmpl; 0x5fffe40e bne.w; 0x5fffe412 movel %d1,(%a0) - the
 * store; 0x5fffe414 jmp; 0x5fffe418 movel (%a0),%d0 - the reload of the
 * failure path; 0x5fffe41a rts): an interrupted call starts again from
 * the compare when it is past the compare and has not yet done the store
 * or the reload, so that its compare and its store (or its reload) are
 * never separated by an interrupt.  Before the compare nothing is done
 * yet; after the store or the reload the result stands.
 *
 * It is called by jsr right after SAVE_ALL_INT, so the struct pt_regs of
 * the interrupted context starts above the return address, at 4(%sp).
 */
ENTRY(check_vdso_atomic_cmpxchg_32)
	movel	%sp@(PT_OFF_PC+4),%d0
	cmpil	#0x5fffe40e,%d0		/* between the compare and the branch */
	beqs	1f
	cmpil	#0x5fffe412,%d0		/* the store not done yet */
	beqs	1f
	cmpil	#0x5fffe418,%d0		/* the reload not done yet */
	bnes	2f
1:	movel	#0x5fffe40c,%d0
	movel	%d0,%sp@(PT_OFF_PC+4)
2:	rts
