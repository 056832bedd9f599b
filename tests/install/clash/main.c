// SPDX-License-Identifier: MIT
/*
 * Uses mmsim beside own.c's definitions: maps, touches and unmaps memory
 * (which takes mmap_lock, page-table locks and the rmap lock inside the
 * library), checks that nothing of own.c ran, then calls it once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <mmsim/mmsim.h>

extern int own_calls;
void my_mmu_detach(void *p);

int main(void)
{
	struct msim_machine_config cfg = { .ram_bytes = 16UL << 20 };
	struct msim_machine *m = msim_machine_create(&cfg);
	struct mm_struct *mm;
	long addr;

	if (IS_ERR(m) || !(mm = mm_alloc(m)))
		return EXIT_FAILURE;
	addr = msim_mmap(mm, 0, 8 * mm_page_size(mm), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS);
	if (addr < 0 ||
	    msim_user_access(mm, addr, NULL, 8 * mm_page_size(mm),
			     MSIM_ACCESS_WRITE, NULL) ||
	    msim_munmap(mm, addr + mm_page_size(mm), mm_page_size(mm)))
		return EXIT_FAILURE;
	mmput(mm);
	if (msim_machine_destroy(m))
		return EXIT_FAILURE;
	if (own_calls) {
		fprintf(stderr,
			"clash: the library called the program's own "
			"functions %d times\n",
			own_calls);
		return EXIT_FAILURE;
	}
	my_mmu_detach(NULL);
	printf("clash: ok (own calls %d)\n", own_calls);
	return own_calls == 1 ? EXIT_SUCCESS : EXIT_FAILURE;
}
