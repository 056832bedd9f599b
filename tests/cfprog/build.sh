#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Rebuild the ColdFire programs of the exec and cf-explore tests with
# Debian's gcc-m68k-linux-gnu, with mmsim's start file (cfrt/) and the
# flags of cfrt/mmsim-coldfire.cmake; the programs are committed so that
# the tests do not need the cross compiler.
set -e
cd "$(dirname "$0")"
cfrt=../../cfrt
flags="-mcpu=5475 -O2 -static -nostdlib -ffreestanding -fno-pic -no-pie
	-fno-builtin -fno-ident -g0 -ffile-prefix-map=$(cd .. && pwd)=.
	-Wl,--build-id=none -I$cfrt"
for c in *.c; do
	# shellcheck disable=SC2086
	m68k-linux-gnu-gcc $flags -o "${c%.c}.elf" "$cfrt/crt0.S" \
		"$cfrt/cfrt.c" "$c" -lgcc
done
