// SPDX-License-Identifier: MIT
/*
 * The vDSO loader under a fuzzer: any bytes, any length.  It must
 * answer 0 or -ENOEXEC with a reason, never crash, never read outside
 * the input (AddressSanitizer catches that); what it accepts must
 * describe three symbols inside the blob's one page.
 *
 * libFuzzer calls LLVMFuzzerTestOneInput(); replay.c calls it too, over
 * the committed corpus, so that every build runs the same checks.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <mmsim/coldfire/vdso.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_vdso_parse: %s (%s)\n", what, why);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msim_vdso_image img;
	char why[160];
	int ret;

	ret = msim_vdso_parse(data, size, &img, why, sizeof(why));
	if (ret == -ENOEXEC) {
		if (!why[0])
			broken("refused without a reason", "");
		return 0;
	}
	if (ret == -ENOMEM)
		return 0;
	if (ret)
		broken("unexpected return value", why);
	if (img.data != data || img.size != size)
		broken("image does not describe the input", why);
	if (img.size > VDSO_VAR_OFFSET || img.link_base % 0x2000)
		broken("accepted a blob that does not fit below the data area",
		       why);
	if (img.sym_read_tp - img.link_base >= VDSO_VAR_OFFSET ||
	    img.sym_atomic_cmpxchg_32 - img.link_base >= VDSO_VAR_OFFSET ||
	    img.sym_atomic_barrier - img.link_base >= VDSO_VAR_OFFSET)
		broken("accepted a symbol outside the blob's page", why);
	return 0;
}
