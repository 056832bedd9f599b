/*
 * The seed's fixup with the other of its two faults mended: the PC read
 * at PT_OFF_PC+4(%sp), above the jsr's return address.  Its ble still
 * skips every PC up to 0x5fffe414, the ones it means to rewind.
 */
ENTRY(check_vdso_atomic_cmpxchg_32)
	movel   %sp@(PT_OFF_PC+4),%d0
	cmpil	#0x5fffe414,%d0
	ble	label1
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
