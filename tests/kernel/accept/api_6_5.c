/* cflags: -DMSIM_LINUX_VERSION_CODE=0x060500 */
/*
 * The API of 6.5 in the compat tree: ->invalidate_range, ->change_pte,
 * range_init() without a VMA (6.3 on), the _only_end() form.
 */
#include <linux/mmu_notifier.h>

static void flush(struct mmu_notifier *mn, struct mm_struct *mm,
		  unsigned long start, unsigned long end)
{
	(void)mn;
	(void)mm;
	(void)start;
	(void)end;
}

static void change(struct mmu_notifier *mn, struct mm_struct *mm,
		   unsigned long address, pte_t pte)
{
	(void)mn;
	(void)mm;
	(void)address;
	(void)pte;
}

const struct mmu_notifier_ops ops = {
	.invalidate_range = flush,
	.change_pte = change,
};

void invalidate(struct mm_struct *mm)
{
	struct mmu_notifier_range range;

	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, mm, 0, 4096);
	mmu_notifier_invalidate_range_start(&range);
	mmu_notifier_invalidate_range_only_end(&range);
}
