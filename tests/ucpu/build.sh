#!/bin/sh
# Rebuild the test fixups from their sources with Debian's
# binutils-m68k-linux-gnu; the objects are committed so that the tests do
# not need the cross tools.
set -e
cd "$(dirname "$0")"
for s in *.S; do
	m68k-linux-gnu-as -mcpu=5475 -o "${s%.S}.o" "$s"
done
# The same fixup linked: an executable, not a relocatable object.
m68k-linux-gnu-ld -e check_vdso_atomic_cmpxchg_32 -o bad-exec.elf \
	fixup-rts.o
# The user code, as the bytes the tests copy into a user page.
m68k-linux-gnu-objcopy -O binary prog.o prog.bin
rm prog.o
