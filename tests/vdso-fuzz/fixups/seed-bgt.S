/*
 * The seed's fixup with one of its two faults mended: bgt for ble, so
 * that PCs above 0x5fffe414 are the ones left alone.  It still reads the
 * PC at PT_OFF_PC(%sp), which under the jsr's return address is the
 * frame's format/vector word and SR, never an address it looks for.
 */
ENTRY(check_vdso_atomic_cmpxchg_32)
	movel   %sp@(PT_OFF_PC),%d0
	cmpil	#0x5fffe414,%d0
	bgt	label1
	cmpil	#0x5fffe412,%d0
	beql	label0
	cmpil	#0x5fffe40e,%d0
	beql	label0
	jra	label1
label0:
	movel	#0x5fffe40c,%d0
	movel	%d0,%sp@(PT_OFF_PC)
label1:
	rts
