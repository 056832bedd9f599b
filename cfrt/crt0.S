/* SPDX-License-Identifier: MIT */
/*
 * The start file of a ColdFire program for mmsim: exec leaves the stack
 * pointer at argc, then argv, envp and the auxiliary vector
 * (<mmsim/coldfire/exec.h>); _start hands that to __cfrt_start(), which
 * finds the vDSO through AT_SYSINFO_EHDR, runs main() if the program has
 * one, and exits with what it returns.  It never returns.
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
	movel	%sp, %a0
	subl	%a6, %a6		/* the outermost frame */
	movel	%a0, %sp@-
	jsr	__cfrt_start
1:	bras	1b
	.size	_start, . - _start

	/* The stack need not be executable. */
	.section .note.GNU-stack, "", @progbits
