#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Rebuild correct.o from correct.S, as mmsim vdso-fuzz --fixup assembles a
# fixup (cpp with ENTRY() and the PT_OFF_* offsets, then
# m68k-linux-gnu-as -mcpu=5475), with Debian's binutils-m68k-linux-gnu.
# The object is committed so that examples/inject_irq.c runs the correct
# fixup without the cross tools; the vdso-fuzz/correct-prebuilt test
# checks that it still behaves as correct.S.
set -e
cd "$(dirname "$0")"
cpp -P -undef -x assembler-with-cpp -D__ASSEMBLY__ \
	-include ../../../include/mmsim/coldfire/pt_regs.h \
	'-DENTRY(name)=.globl name; .align 4; name:' correct.S >correct.s
m68k-linux-gnu-as -mcpu=5475 -o correct.o correct.s
rm correct.s
