/* expect: set_pte_at_notify\(\): removed in Linux 6.9 */
#include <linux/mmu_notifier.h>

void set(struct mm_struct *mm, unsigned long addr, pte_t *ptep, pte_t pte)
{
	set_pte_at_notify(mm, addr, ptep, pte);
}
