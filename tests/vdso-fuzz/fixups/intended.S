/*
 * The seed's fixup as its comments describe it: rewind to 0x5fffe40c when
 * the PC is 0x5fffe40e or 0x5fffe412, i.e. after the compare and before
 * the store.  Two changes to the seed's code: the first branch is bgt,
 * not ble ("cmpil #imm,%d0" compares %d0 against imm, and the addresses
 * to rewind are the ones not above 0x5fffe414), and the PC is read at
 * PT_OFF_PC+4(%sp), not PT_OFF_PC(%sp): the fixup is called by jsr, so
 * pt_regs starts above the return address.  It leaves the failure path's
 * reload at 0x5fffe418 unprotected.
 */
ENTRY(check_vdso_atomic_cmpxchg_32)
	movel   %sp@(PT_OFF_PC+4),%d0
	cmpil	#0x5fffe414,%d0
	bgt	label1
	cmpil	#0x5fffe412,%d0
	beql	label0
	cmpil	#0x5fffe40e,%d0
	beql	label0
	jra	label1
label0:
	movel	#0x5fffe40c,%d0
	movel	%d0,%sp@(PT_OFF_PC+4)
label1:
	rts
