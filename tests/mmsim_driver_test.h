/* SPDX-License-Identifier: MIT */
/*
 * What the secondary-MMU driver tests (test_drivers.c, test_coherence.c)
 * share on top of mmsim_task_test.h.
 *
 *  - One interface over the four drivers (KVM-like shadow MMU, HMM
 *    mirror, device TLB, skeleton rmap driver), so that one scenario runs
 *    against each: attach, a device access that faults as needed, the
 *    frame the device maps at an address, how many mappings it holds,
 *    detach.
 *  - The coherence checker as a test failure naming the line, with its
 *    report, after the memory checkers.
 */
#ifndef MMSIM_DRIVER_TEST_H
#define MMSIM_DRIVER_TEST_H

#include <errno.h>
#include <limits.h>
#include <mmsim/drivers.h>

#include "mmsim_task_test.h"

enum dt_kind { DT_KVM, DT_DMIRROR, DT_DEV_TLB, DT_SKELETON, DT_NR_KINDS };

struct dt_driver {
	enum dt_kind kind;
	const char *name;
	union {
		struct msim_kvm *kvm;
		struct msim_dmirror *dmirror;
		struct msim_dev_tlb *tlb;
		struct msim_my_mmu *my_mmu;
	};
};

/* The owner cookie of the mirror's device. */
static int dt_dmirror_owner;

static inline void dt_attach(struct dt_driver *d, enum dt_kind kind,
			     struct mm_struct *mm, struct msim_coherence *c)
{
	static const char *const names[] = { "kvm", "dmirror", "dev_tlb",
					     "my_mmu" };
	void *p = NULL;

	d->kind = kind;
	d->name = names[kind];
	switch (kind) {
	case DT_KVM:
		p = d->kvm = msim_kvm_create(mm, d->name, c);
		break;
	case DT_DMIRROR:
		p = d->dmirror = msim_dmirror_create(
			mm, 0, ULONG_MAX & ~(mm_page_size(mm) - 1),
			&dt_dmirror_owner, d->name, c);
		break;
	case DT_DEV_TLB:
		p = d->tlb = msim_dev_tlb_create(mm, d->name, c);
		break;
	default:
		p = d->my_mmu = msim_my_mmu_attach_to_process(mm, d->name, c);
		break;
	}
	assert_false(IS_ERR(p));
}

static inline void dt_detach(struct dt_driver *d)
{
	switch (d->kind) {
	case DT_KVM:
		msim_kvm_destroy(d->kvm);
		break;
	case DT_DMIRROR:
		msim_dmirror_destroy(d->dmirror);
		break;
	case DT_DEV_TLB:
		msim_dev_tlb_destroy(d->tlb);
		break;
	default:
		msim_my_mmu_detach(d->my_mmu);
		break;
	}
}

/* The device reads or writes @len bytes at @addr, within one page. */
static inline int dt_access(struct dt_driver *d, unsigned long addr, void *buf,
			    size_t len, bool write)
{
	switch (d->kind) {
	case DT_KVM:
		return msim_kvm_access(d->kvm, addr, buf, len, write);
	case DT_DMIRROR:
		return msim_dmirror_access(d->dmirror, addr, buf, len, write);
	case DT_DEV_TLB:
		return msim_dev_tlb_access(d->tlb, addr, buf, len, write);
	default:
		return msim_my_mmu_access(d->my_mmu, addr, buf, len, write);
	}
}

/* The frame the device maps at @addr, or NULL; @writable its permission. */
static inline struct page *dt_page(struct dt_driver *d, unsigned long addr,
				   bool *writable)
{
	unsigned long a;

	switch (d->kind) {
	case DT_KVM:
		return msim_kvm_spte_page(d->kvm, addr, writable, NULL);
	case DT_DMIRROR:
		return msim_dmirror_entry_page(d->dmirror, addr, writable);
	case DT_DEV_TLB:
		return msim_dev_tlb_entry_page(d->tlb, addr, writable);
	default: {
		struct msim_my_mmu_map *map;
		struct page *page = NULL;

		a = addr & ~(mm_page_size(d->my_mmu->mm) - 1);
		spin_lock(&d->my_mmu->lock);
		list_for_each_entry(map, &d->my_mmu->list, node) {
			if (map->address == a) {
				page = map->page;
				if (writable)
					*writable = map->writable;
				break;
			}
		}
		spin_unlock(&d->my_mmu->lock);
		return page;
	}
	}
}

/* The coherence checker, after the memory checkers, as a test failure. */
static inline unsigned long dt_coherence_at(struct msim_coherence *c,
					    unsigned long want,
					    const char *file, int line)
{
	char report[2048];
	unsigned long bad;

	tt_check_at(msim_coherence_mm(c)->machine, file, line);
	bad = msim_coherence_check(c, report, sizeof(report));
	if (bad != want) {
		print_error("%s:%d: %lu coherence violations, want %lu:\n%s",
			    file, line, bad, want, report);
		_fail(file, line);
	}
	return bad;
}

#define dt_coherent(c) dt_coherence_at((c), 0, __FILE__, __LINE__)
#define dt_incoherent(c, n) dt_coherence_at((c), (n), __FILE__, __LINE__)

#endif /* MMSIM_DRIVER_TEST_H */
