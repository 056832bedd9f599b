// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: entry fixup objects, as mmsim vdso-fuzz --fixup FILE.o
 * reads them: msim_vf_fixup_check(), then the CPU's relocating loader
 * (msim_m68k_rel_load()) into a kernel area of its own.  Any bytes: the
 * two never read outside the input (AddressSanitizer watches), refuse
 * with a reason, in printable ASCII (the file's bytes escaped), and name
 * a relocation they cannot apply by its <elf.h> name rather than only by
 * number; what they accept lands inside the area, at an even address.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmsim/coldfire/fixup.h>
#include <mmsim/coldfire/m68k_rel.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BASE 0xc0000100U
#define AREA 0x10000U

static unsigned char mem[AREA];

static void die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_fixup_object: %s: %s\n", what, why);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[300];
	uint32_t entry = 0;
	size_t i;
	int ret;

	why[0] = '\0';
	ret = msim_vf_fixup_check(data, size, why, sizeof(why));
	if (ret && !why[0])
		die("check refused without a reason", "");
	memset(mem, 0, sizeof(mem));
	why[0] = '\0';
	ret = msim_m68k_rel_load(data, size, "check_vdso_atomic_cmpxchg_32",
				 mem, BASE, AREA, &entry, why, sizeof(why));
	if (ret == -ENOMEM)
		return 0;
	if (ret) {
		if (!why[0])
			die("the loader refused without a reason", "");
		if (!strncmp(why, "unsupported relocation type", 27))
			die("a relocation named by number only", why);
		for (i = 0; why[i]; i++)
			if ((unsigned char)why[i] < 0x20 ||
			    (unsigned char)why[i] >= 0x7f)
				die("a raw byte in the reason", why);
		return 0;
	}
	if (entry < BASE || entry >= BASE + AREA || (entry & 1))
		die("the entry point is outside the area or odd", "");
	return 0;
}
