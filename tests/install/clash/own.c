// SPDX-License-Identifier: MIT
/*
 * A program's own kernel-like code, with the names kernel shims and
 * drivers commonly define for themselves: locks, lists, current, the
 * mm's internal helpers and the 2008 sample driver's entry points.  It
 * includes no mmsim header.  Linked with mmsim, none of these may clash
 * with the library's symbols, nor be called by the library in place of
 * its own (interposition through the dynamic symbol table).
 */
int own_calls;

#define OWN(name)                                                              \
	void name(void *p);                                                    \
	void name(void *p)                                                     \
	{                                                                      \
		(void)p;                                                       \
		own_calls++;                                                   \
	}

OWN(spin_lock)
OWN(spin_unlock)
OWN(spin_lock_init)
OWN(down_read)
OWN(up_read)
OWN(down_write)
OWN(up_write)
OWN(init_rwsem)
OWN(list_add)
OWN(list_del)
OWN(get_current)
OWN(srcu_read_lock)
OWN(srcu_read_unlock)
OWN(synchronize_srcu)
OWN(interval_tree_insert)
OWN(interval_tree_remove)
OWN(vm_area_alloc)
OWN(vm_area_free)
OWN(vma_link)
OWN(split_vma)
OWN(rmap_walk)
OWN(tlb_gather_mmu)
OWN(my_mmu_attach_to_process)
OWN(my_mmu_detach)
