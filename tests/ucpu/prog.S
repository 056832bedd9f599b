/*
 * The user code of test_ucpu*.c, loaded at 0x10000000; the offsets are
 * the P_* constants of mmsim_ucpu_test.h.
 */
	.text
	.org	0x00
p_load:	movel	%a0@,%d0
	rts
	.org	0x10
p_store:
	movel	%d1,%a0@
	rts
	.org	0x20
p_cmp:	cmpl	%d1,%d0
	bnes	1f
	moveq	#1,%d2
	rts
1:	moveq	#2,%d2
	rts
	.org	0x40
p_loop:	bras	p_loop
	.org	0x50
/* %d6 times: __kernel_read_tp must give %d7 in %d0 and %a0; %d0 = 0 if so */
p_tp:	jsr	0x5fffe400
	cmpl	%d0,%d7
	bnes	2f
	cmpal	%d7,%a0
	bnes	2f
	subql	#1,%d6
	bnes	p_tp
	moveq	#0,%d0
	rts
2:	moveq	#1,%d0
	rts
	.org	0x80
p_nops:	moveq	#1,%d1
	moveq	#2,%d2
	moveq	#3,%d3
	rts
	.org	0x100
/* where fixup-rewind.S sends every interrupted context */
p_target:
	moveq	#42,%d4
	rts
	.org	0x120
p_d0:	nop
	movel	%d0,%d5
	rts
	.org	0x140
p_kread:
	movel	0xc0000000,%d0
	rts
	.org	0x150
/* %d0 = the sum of %d1 longs from %a0 */
p_sum:	moveq	#0,%d0
1:	addl	%a0@+,%d0
	subql	#1,%d1
	bnes	1b
	rts
	.org	0x170
/* %d1 longs of %d0 from %a0 */
p_fill:	movel	%d0,%a0@+
	subql	#1,%d1
	bnes	p_fill
	rts
	.org	0x180
/* %d2 = 1 + 2 + ... + %d1, by a loop with a compare and branch */
p_count:
	moveq	#0,%d2
	moveq	#0,%d3
1:	addql	#1,%d3
	addl	%d3,%d2
	cmpl	%d1,%d3
	bnes	1b
	rts
	.org	0x1a0
/* %d1 longs from %a0 each get %d2 added, and %d2 grows by %d3 each time */
p_rmw:	addl	%d2,%a0@+
	addl	%d3,%d2
	subql	#1,%d1
	bnes	p_rmw
	rts
	.org	0x1c0
/* a system call: %d0 is its number, and after it %d5 = 7 */
p_trap:	trap	#0
	moveq	#7,%d5
	rts
	.org	0x1d0
/* a trap that is not a system call: the kernel's trap entry, SIGILL */
p_trap1:
	trap	#1
	moveq	#7,%d5
	rts
