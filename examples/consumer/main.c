// SPDX-License-Identifier: MIT
/*
 * A program that uses the installed mmsim library: it builds a machine and
 * an address space, maps some anonymous memory, touches it, prints the maps
 * and tears everything down, checking that nothing leaked.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <mmsim/mmsim.h>

static int fail(const char *what, long err)
{
	fprintf(stderr, "consumer: %s: %s\n", what, msim_errno_name(err));
	return EXIT_FAILURE;
}

int main(void)
{
	struct msim_machine_config cfg = { .ram_bytes = 64UL << 20 };
	struct msim_machine *m;
	struct mm_struct *mm;
	unsigned long page, len;
	long addr;
	int err, kind;

	m = msim_machine_create(&cfg);
	if (IS_ERR(m))
		return fail("msim_machine_create", PTR_ERR(m));
	mm = mm_alloc(m);
	if (!mm)
		return fail("mm_alloc", -ENOMEM);

	page = mm_page_size(mm);
	len = 16 * page;
	addr = msim_mmap(mm, 0, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS);
	if (addr < 0)
		return fail("msim_mmap", addr);

	/* Write the first half, read the second: frames, then zero pages. */
	err = msim_user_access(mm, addr, NULL, len / 2, MSIM_ACCESS_WRITE,
			       NULL);
	if (err)
		return fail("write touch", err);
	err = msim_user_access(mm, addr + len / 2, NULL, len / 2,
			       MSIM_ACCESS_READ, NULL);
	if (err)
		return fail("read touch", err);

	/* A hole in the middle leaves two VMAs. */
	err = msim_munmap(mm, addr + 4 * page, page);
	if (err)
		return fail("msim_munmap", err);

	printf("mmsim %s, rss %lu pages\n", MMSIM_VERSION, get_mm_rss(mm));
	msim_show_maps(mm, stdout);

	mmput(mm);
	for (kind = 0; kind < MSIM_NR_ALLOC_KINDS; kind++) {
		if (msim_live(m, kind)) {
			fprintf(stderr,
				"consumer: %ld objects of kind %d leaked\n",
				msim_live(m, kind), kind);
			return EXIT_FAILURE;
		}
	}
	/*
	 * -EBUSY: an mm is still alive, because a reference to it was not
	 * dropped (see msim_machine_destroy() in <mmsim/machine.h>).
	 */
	err = msim_machine_destroy(m);
	if (err == -EBUSY) {
		fprintf(stderr,
			"consumer: msim_machine_destroy: EBUSY: %lu mm(s) "
			"still alive; mmput() each mm_alloc() and "
			"get_task_mm(), msim_task_put() each task and remove "
			"each notifier first\n",
			msim_machine_nr_mms(m));
		return EXIT_FAILURE;
	}
	if (err)
		return fail("msim_machine_destroy", err);
	printf("consumer: ok\n");
	return EXIT_SUCCESS;
}
