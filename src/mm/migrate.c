// SPDX-License-Identifier: MIT
/*
 * Waiting on a migration entry (mm/migrate.c migration_entry_wait()).
 *
 * MODEL: migration-wait-polls: Linux sleeps on the lock of the page the
 * entry names, which the migration holds until the entry is replaced.
 * Here the waiter looks at the PTE again until it has changed, yielding
 * in between: each look takes the page-table lock, and msim_sync_yield()
 * gives the other threads their turn, real ones or a scheduler's
 * (locking.h).
 * As in Linux, a thread that faults on an entry of its own migration
 * waits for good.
 */
#include "internal.h"

void migration_entry_wait(struct mm_struct *mm, unsigned long addr, pte_t pte)
{
	pte_t *ptep;
	bool same;

	for (;;) {
		spin_lock(&mm->page_table_lock);
		ptep = msim_pte_offset(mm, addr);
		same = ptep && pte_val(*ptep) == pte_val(pte);
		spin_unlock(&mm->page_table_lock);
		if (!same)
			break;
		msim_sync_yield("migration_entry");
	}
	msim_fault_waited = true;
}
