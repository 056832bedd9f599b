/* expect: change_pte_was_removed_in_linux_6_9 */
#include <linux/mmu_notifier.h>

static void change(struct mmu_notifier *mn, struct mm_struct *mm,
		   unsigned long address, pte_t pte)
{
	(void)mn;
	(void)mm;
	(void)address;
	(void)pte;
}

const struct mmu_notifier_ops ops = {
	.change_pte = change,
};
