/*
 * A file may include the <mmsim/...> headers and the kernel tree
 * together, and use both forms of the names they share.
 */
#include <mmsim/mmsim.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <mmsim/drivers.h>

int both(struct msim_machine *m, pte_t pte)
{
	return pte_write(m->arch, pte) == pte_write(pte) &&
	       pfn_to_page(m, 1) == pfn_to_page(1) &&
	       ZERO_PAGE(m) == ZERO_PAGE(0);
}
