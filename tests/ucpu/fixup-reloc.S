/*
 * Needs the relocations a small kernel object has: counts kernel entries
 * in its .data, reached absolutely (R_68K_32) and PC-relative
 * (R_68K_PC16), and checks a table in .rodata of the counter's address
 * and its distance as 32-, 16- and 8-bit PC-relative values.  When all
 * agree it hands the count back in the interrupted context's %d2.
 */
	.equ	PT_OFF_D2, 4

	.text
	.globl	check_vdso_atomic_cmpxchg_32
check_vdso_atomic_cmpxchg_32:
	lea	count,%a0		/* R_68K_32 */
	addql	#1,%a0@
	lea	%pc@(count),%a1		/* R_68K_PC16 */
	cmpal	%a0,%a1
	bnes	1f
	lea	table,%a1
	movel	%a1@,%d0		/* &count */
	cmpal	%d0,%a0
	bnes	1f
	movel	%a1@(4),%d0		/* count - (table + 4) */
	addl	%a1,%d0
	addql	#4,%d0
	cmpal	%d0,%a0
	bnes	1f
	moveaw	%a1@(8),%a2		/* count - (table + 8) */
	addal	%a1,%a2
	addql	#8,%a2
	cmpal	%a2,%a0
	bnes	1f
	moveb	%a1@(10),%d0		/* count - (table + 10) */
	extbl	%d0
	addl	%a1,%d0
	addil	#10,%d0
	cmpal	%d0,%a0
	bnes	1f
	movel	%a0@,%d0
	movel	%d0,%sp@(4+PT_OFF_D2)
1:	rts

	.section .rodata
table:
	.long	count			/* R_68K_32 */
	.long	count - .		/* R_68K_PC32 */
	.word	count - .		/* R_68K_PC16 */
	.byte	count - .		/* R_68K_PC8 */
	.byte	0

	.data
	.long	0
count:
	.long	100
