// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: ColdFire programs for exec (<mmsim/coldfire/exec.h>).
 * Any bytes: msim_cf_elf_parse() never reads outside them and refuses
 * with a printable reason; a file it accepts is exec'd into a fresh
 * coldfire mm, which must then pass the invariant checker and, once the
 * mm and the image are gone, leave the machine as it was.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmsim/mmsim.h>
#include <mmsim/coldfire/exec.h>
#include <mmsim/coldfire/vdso.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct msim_machine *m;

static void die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_cf_exec: %s: %s\n", what, why);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msim_machine_config cfg = { .arch = &msim_arch_coldfire,
					   .ram_bytes = 64UL << 20 };
	struct msim_cf_image *img;
	struct msim_cf_elf elf;
	struct mm_struct *mm;
	char why[300], msg[256];
	unsigned long free0;
	size_t i;
	int ret;

	if (!m) {
		m = msim_machine_create(&cfg);
		/* The vDSO page is the machine's for good: made first. */
		if (IS_ERR(m) || !vdso_init(m))
			die("no machine", "");
	}
	ret = msim_cf_elf_parse(data, size, &elf, why, sizeof(why));
	msim_cf_elf_free(&elf);
	if (ret) {
		if (!why[0])
			die("refused without a reason", "");
		for (i = 0; why[i]; i++)
			if ((unsigned char)why[i] < 0x20 ||
			    (unsigned char)why[i] >= 0x7f)
				die("a raw byte in the reason", why);
		return 0;
	}
	free0 = msim_nr_free_frames(m);
	mm = mm_alloc(m);
	if (!mm)
		die("mm_alloc", "");
	img = msim_cf_exec(mm, data, size, NULL, why, sizeof(why));
	if (!IS_ERR(img) && msim_mm_check_msg(mm, msg, sizeof(msg)))
		die("the exec'd mm is broken", msg);
	if (IS_ERR(img) && !why[0])
		die("exec failed without a reason", "");
	mmput(mm);
	msim_cf_image_free(IS_ERR(img) ? NULL : img);
	if (msim_nr_free_frames(m) != free0)
		die("frames leaked", "");
	return 0;
}
