// SPDX-License-Identifier: MIT
/*
 * The machine: RAM, its frames, and the allocation accounting every
 * object of the model goes through.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mmsim/swap.h>
#include "internal.h"

#define DEFAULT_RAM (1UL << 30)

/*
 * The machines alive in the process, for msim_current_machine()'s last
 * resort: kernel code that names no machine works on the only one.
 */
static pthread_mutex_t machines_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(machines);
static unsigned long nr_machines;

struct msim_machine *msim_only_machine(void)
{
	struct msim_machine *m = NULL;

	pthread_mutex_lock(&machines_lock);
	if (nr_machines == 1)
		m = list_first_entry(&machines, struct msim_machine,
				     msim_machines);
	pthread_mutex_unlock(&machines_lock);
	return m;
}

struct msim_machine *msim_machine_create(const struct msim_machine_config *cfg)
{
	const struct msim_arch *arch =
		cfg && cfg->arch ? cfg->arch : &msim_arch_x86_64;
	unsigned long ram =
		cfg && cfg->ram_bytes ? cfg->ram_bytes : DEFAULT_RAM;
	struct msim_machine *m;

	/* The zero page and at least a pgd and one table chain. */
	if ((ram >> arch->page_shift) < 2 + arch->levels)
		return ERR_PTR(-EINVAL);
	/* Swap asked for, but not one slot of it: not "no swap". */
	if (cfg && cfg->swap_bytes && !(cfg->swap_bytes >> arch->page_shift))
		return ERR_PTR(-EINVAL);
	m = calloc(1, sizeof(*m));
	if (!m)
		return ERR_PTR(-ENOMEM);
	m->arch = arch;
	m->nr_frames = ram >> arch->page_shift;
	/* Section 0 at once: it holds the zero page. */
	if (msim_memmap_reserve(m) || sparse_populate_next_section(m)) {
		msim_memmap_release(m);
		free(m);
		return ERR_PTR(-ENOMEM);
	}
	/*
	 * pfn 0 is the zero page: reserved, never freed, never mapped count.
	 * MODEL: zero-page-pfn0: Linux's zero page is a page of the kernel
	 * image (empty_zero_page on x86) at whatever pfn that lands on;
	 * here it is the first frame of RAM, so is_zero_pfn() is pfn == 0.
	 */
	m->mem_map[0].flags = 1UL << PG_reserved;
	atomic_init(&m->mem_map[0]._refcount, 1);
	m->next_fresh = 1;
	m->nr_free = m->nr_frames - 1;
	INIT_LIST_HEAD(&m->free_list);
	spin_lock_init(&m->zone_lock);
	m->zone_lock.name = "zone_lock";
	spin_lock_init(&m->mmlist_lock);
	m->mmlist_lock.name = "mmlist_lock";
	INIT_LIST_HEAD(&m->mmlist);
	init_rwsem(&m->rmap_lock);
	m->rmap_lock.name = "rmap_lock";
	spin_lock_init(&m->pgmap_lock);
	m->pgmap_lock.name = "pgmap_lock";
	INIT_LIST_HEAD(&m->pgmaps);
	/* Device memory starts at the next 1 GiB boundary above RAM. */
	m->next_device_pfn =
		((m->nr_frames << arch->page_shift) + (1UL << 30)) >>
		arch->page_shift;
	m->sysctl_max_map_count = 65530;
	m->sysctl_overcommit_memory = OVERCOMMIT_GUESS;
	pthread_mutex_lock(&machines_lock);
	list_add(&m->msim_machines, &machines);
	nr_machines++;
	pthread_mutex_unlock(&machines_lock);
	if (cfg && cfg->swap_bytes >> arch->page_shift) {
		int err = msim_swapon(m, cfg->swap_bytes >> arch->page_shift);

		if (err) {
			msim_machine_destroy(m);
			return ERR_PTR(err);
		}
	}
	return m;
}

struct msim_machine_ext *
msim_machine_ext_find(struct msim_machine *m,
		      const struct msim_machine_ext_ops *ops)
{
	struct msim_machine_ext *ext;

	for (ext = atomic_load(&m->ext); ext; ext = ext->next)
		if (ext->ops == ops)
			return ext;
	return NULL;
}

/*
 * A push onto a list that only grows: a finder walking it sees either the
 * old head or the new one, whose next is already set.  The compare and
 * exchange fails when another extension came in meanwhile; look again
 * for one with these ops before trying once more.
 */
struct msim_machine_ext *msim_machine_ext_add(struct msim_machine *m,
					      struct msim_machine_ext *ext)
{
	struct msim_machine_ext *head = atomic_load(&m->ext), *old;

	for (;;) {
		old = msim_machine_ext_find(m, ext->ops);
		if (old)
			return old;
		ext->next = head;
		if (atomic_compare_exchange_strong(&m->ext, &head, ext))
			return ext;
	}
}

static void machine_ext_release(struct msim_machine *m)
{
	struct msim_machine_ext *ext = atomic_exchange(&m->ext, NULL), *next;

	for (; ext; ext = next) {
		next = ext->next;
		ext->ops->release(ext);
	}
}

int msim_machine_destroy(struct msim_machine *m)
{
	if (!m)
		return 0;
	if (!list_empty(&m->mmlist) || !list_empty(&m->pgmaps))
		return -EBUSY;
	pthread_mutex_lock(&machines_lock);
	list_del_init(&m->msim_machines);
	nr_machines--;
	pthread_mutex_unlock(&machines_lock);
	msim_forget_current_machine(m);
	machine_ext_release(m);
	msim_swap_destroy(m);
	msim_spin_lock_destroy(&m->zone_lock);
	msim_spin_lock_destroy(&m->mmlist_lock);
	msim_spin_lock_destroy(&m->pgmap_lock);
	msim_rwsem_destroy(&m->rmap_lock);
	msim_memmap_release(m);
	free(m);
	return 0;
}

unsigned long msim_machine_nr_mms(struct msim_machine *m)
{
	unsigned long n = 0;
	struct mm_struct *mm;

	spin_lock(&m->mmlist_lock);
	list_for_each_entry(mm, &m->mmlist, mmlist)
		n++;
	spin_unlock(&m->mmlist_lock);
	return n;
}

void msim_fail_nth(struct msim_machine *m, unsigned int kinds, unsigned long n)
{
	spin_lock(&m->zone_lock);
	m->fail_kinds = kinds;
	m->fail_nth = n;
	spin_unlock(&m->zone_lock);
}

/* One of enum msim_alloc_kind's kinds: the index of a counter. */
static bool alloc_kind_valid(enum msim_alloc_kind kind)
{
	return (unsigned int)kind < MSIM_NR_ALLOC_KINDS;
}

bool msim_should_fail(struct msim_machine *m, enum msim_alloc_kind kind)
{
	bool fail = false;

	if (!alloc_kind_valid(kind))
		return true;
	atomic_fetch_add(&m->nr_allocs, 1);
	spin_lock(&m->zone_lock);
	if (m->fail_nth && (!m->fail_kinds || (m->fail_kinds & (1U << kind)))) {
		if (--m->fail_nth == 0) {
			fail = true;
			m->nr_failed++;
		}
	}
	spin_unlock(&m->zone_lock);
	return fail;
}

long msim_machine_kept(struct msim_machine *m, enum msim_alloc_kind kind)
{
	struct msim_machine_ext *ext;
	long kept = 0;

	for (ext = atomic_load(&m->ext); ext; ext = ext->next)
		if (ext->ops->kept)
			kept += ext->ops->kept(ext, kind);
	return kept;
}

long msim_live(struct msim_machine *m, enum msim_alloc_kind kind)
{
	if (!alloc_kind_valid(kind))
		return -EINVAL;
	return atomic_load(&m->live[kind]);
}

unsigned long msim_nr_free_frames(struct msim_machine *m)
{
	unsigned long n;

	spin_lock(&m->zone_lock);
	n = m->nr_free;
	spin_unlock(&m->zone_lock);
	return n;
}

void *msim_kzalloc(struct msim_machine *m, enum msim_alloc_kind kind,
		   size_t size)
{
	void *p;

	if (msim_should_fail(m, kind))
		return NULL;
	p = calloc(1, size);
	if (p)
		atomic_fetch_add(&m->live[kind], 1);
	return p;
}

void msim_kfree(struct msim_machine *m, enum msim_alloc_kind kind, void *p)
{
	if (!p)
		return;
	if (alloc_kind_valid(kind))
		atomic_fetch_sub(&m->live[kind], 1);
	free(p);
}
