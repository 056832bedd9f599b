// SPDX-License-Identifier: MIT
/*
 * interval_mirror.c - a device mirror on an interval notifier, and the
 * coherence checker that tests it
 *
 * A device that mirrors part of a process's address space (HMM, as in
 * the kernel's lib/test_hmm.c) subscribes to that range only, with a
 * struct mmu_interval_notifier, and fills its page table in three steps:
 *
 *	seq = mmu_interval_read_begin(&notifier);
 *	hmm_range_fault(&range);         snapshot of the CPU page tables
 *	lock; if (mmu_interval_read_retry(&notifier, seq)) retry;
 *	      else install the snapshot; unlock
 *
 * An invalidation can arrive at any time, also between the snapshot and
 * the install: its ->invalidate callback takes the same lock, bumps the
 * sequence with mmu_interval_set_seq() and zaps the device's entries, so
 * the check under the lock sees the snapshot went stale and starts over.
 *
 * This program runs that collision on purpose (the "meanwhile" hook plays
 * another thread freeing a page at the worst moment), checks that the
 * mirror retried and ends up with the CPU's current pages, then shows the
 * invalidations of munmap and mprotect arriving, and finally what the
 * coherence checker (<mmsim/drivers/coherence.h>) reports when a driver
 * forgets the retry.  It exits non-zero when a check fails.
 */
/* MADV_DONTNEED: glibc's <sys/mman.h> hides it from strict -std=c11. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmsim/mmsim.h>
#include <mmsim/drivers.h>

#define BASE 0x10000000UL /* the mirrored range: NPAGES pages from BASE */
#define NPAGES 4

/* ---- The driver ------------------------------------------------------- */

struct mirror {
	struct mmu_interval_notifier notifier;
	spinlock_t lock; /* the driver lock: the device table and the seq */
	struct mm_struct *mm;
	unsigned long page;
	struct page *pt[NPAGES]; /* the device's page table */
	bool writable[NPAGES];
	/* Each entry, as the coherence checker knows it. */
	struct msim_secondary_mapping sm[NPAGES];
	struct msim_coherence *checker;

	/* For the test: a bug to plant, a race to provoke, what was seen. */
	bool forget_retry;
	void (*meanwhile)(struct mirror *mir);
	int retries;
	int invalidations;
	struct mmu_notifier_range last;
};

/* The device forgets [start, end) of its table.  Under mir->lock. */
static void mirror_zap(struct mirror *mir, unsigned long start,
		       unsigned long end)
{
	int i;

	for (i = 0; i < NPAGES; i++) {
		if (!mir->pt[i] || BASE + i * mir->page >= end ||
		    BASE + (i + 1) * mir->page <= start)
			continue;
		msim_coherence_unmap(mir->checker, &mir->sm[i]);
		mir->pt[i] = NULL;
	}
}

/*
 * Called for every invalidation that overlaps the range, before the CPU
 * page tables change.  Under the lock that mirror_fault() checks the
 * sequence under, so that the two cannot interleave.
 */
static bool mirror_invalidate(struct mmu_interval_notifier *mni,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq)
{
	struct mirror *mir = container_of(mni, struct mirror, notifier);

	spin_lock(&mir->lock);
	mmu_interval_set_seq(mni, cur_seq);
	mirror_zap(mir, range->start, range->end);
	mir->invalidations++;
	mir->last = *range;
	spin_unlock(&mir->lock);
	return true;
}

static const struct mmu_interval_notifier_ops mirror_ops = {
	.invalidate = mirror_invalidate,
};

/* Mirror pages [first, first + n) for the device to write them. */
static int mirror_fault(struct mirror *mir, int first, int n)
{
	struct mm_struct *mm = mir->mm;
	unsigned long pfns[NPAGES], seen, addr;
	struct hmm_range range = {
		.notifier = &mir->notifier,
		.start = BASE + first * mir->page,
		.end = BASE + (first + n) * mir->page,
		.hmm_pfns = pfns,
		.default_flags = HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE,
	};
	void (*meanwhile)(struct mirror *);
	int i, ret;

	for (;;) {
		range.notifier_seq = mmu_interval_read_begin(&mir->notifier);
		/* When the snapshot was taken, for the checker's reports. */
		seen = msim_coherence_now(mir->checker);
		mmap_read_lock(mm);
		ret = hmm_range_fault(&range);
		mmap_read_unlock(mm);
		if (ret == -EBUSY) /* an invalidation ran meanwhile */
			continue;
		if (ret)
			return ret;

		/* Another thread, between the snapshot and the install. */
		meanwhile = mir->meanwhile;
		mir->meanwhile = NULL;
		if (meanwhile)
			meanwhile(mir);

		spin_lock(&mir->lock);
		if (!mir->forget_retry &&
		    mmu_interval_read_retry(&mir->notifier,
					    range.notifier_seq)) {
			spin_unlock(&mir->lock);
			mir->retries++;
			continue;
		}
		for (i = 0; i < n; i++) {
			addr = range.start + i * mir->page;
			if (!(pfns[i] & HMM_PFN_VALID))
				continue;
			mirror_zap(mir, addr, addr + mir->page);
			mir->pt[first + i] = hmm_pfn_to_page(pfns[i]);
			mir->writable[first + i] = pfns[i] & HMM_PFN_WRITE;
			msim_secondary_mapping_init(
				&mir->sm[first + i], "mirror", addr,
				mir->pt[first + i], mir->writable[first + i],
				seen);
			msim_coherence_map(mir->checker, &mir->sm[first + i]);
		}
		spin_unlock(&mir->lock);
		return 0;
	}
}

/* ---- The test --------------------------------------------------------- */

static int failures;

static void check(bool ok, const char *what)
{
	printf("  %s: %s\n", ok ? "ok" : "FAILED", what);
	if (!ok)
		failures++;
}

/* The device's entry for @i is the frame the CPU maps there now. */
static bool mirrors_cpu(struct mirror *mir, int i)
{
	long pfn = msim_pagemap_pfn(mir->mm, BASE + i * mir->page);

	return pfn > 0 && mir->pt[i] == pfn_to_page(mir->mm->machine, pfn);
}

/* The coherence checker finds @want bad entries; print what it says. */
static void check_coherence(struct mirror *mir, unsigned long want)
{
	char report[1024];
	unsigned long bad;

	bad = msim_coherence_check(mir->checker, report, sizeof(report));
	if (bad)
		printf("  checker: %s", report);
	check(bad == want, want ? "the checker reports the stale entry"
				: "the checker finds every entry coherent");
}

/* The other thread: MADV_DONTNEED frees page @victim's frame. */
static int victim;

static void cpu_frees_victim(struct mirror *mir)
{
	printf("  meanwhile: MADV_DONTNEED of page %d\n", victim);
	msim_madvise(mir->mm, BASE + victim * mir->page, mir->page,
		     MADV_DONTNEED);
}

static int die(const char *what, long err)
{
	printf("interval_mirror: %s: %s\n", what, msim_errno_name(err));
	return EXIT_FAILURE;
}

int main(void)
{
	struct msim_machine_config cfg = { .ram_bytes = 64UL << 20 };
	struct msim_machine *m = msim_machine_create(&cfg);
	unsigned char bytes[NPAGES] = { 0x10, 0x20, 0x30, 0x40 };
	struct mirror mir = { 0 };
	struct task_struct *tsk;
	unsigned long p;
	long ret;
	int i;

	if (IS_ERR(m))
		return die("msim_machine_create", PTR_ERR(m));
	tsk = msim_task_create(m, "app");
	if (IS_ERR(tsk))
		return die("msim_task_create", PTR_ERR(tsk));
	mir.mm = tsk->mm;
	mir.page = p = mm_page_size(tsk->mm);

	/* The process maps four pages and writes one byte in each. */
	ret = msim_mmap(tsk->mm, BASE, NPAGES * p, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
	if (IS_ERR_VALUE((unsigned long)ret))
		return die("msim_mmap", ret);
	for (i = 0; i < NPAGES; i++) {
		ret = msim_user_access(tsk->mm, BASE + i * p, &bytes[i], 1,
				       MSIM_ACCESS_WRITE, NULL);
		if (ret)
			return die("msim_user_access", ret);
	}

	/*
	 * The checker subscribes to the whole mm and logs every
	 * invalidation; the mirror subscribes to its range.
	 */
	mir.checker = msim_coherence_create(tsk->mm);
	if (IS_ERR(mir.checker))
		return die("msim_coherence_create", PTR_ERR(mir.checker));
	spin_lock_init(&mir.lock);
	ret = mmu_interval_notifier_insert(&mir.notifier, tsk->mm, BASE,
					   NPAGES * p, &mirror_ops);
	if (ret)
		return die("mmu_interval_notifier_insert", ret);

	printf("1. an invalidation between the snapshot and the install\n");
	victim = 2;
	mir.meanwhile = cpu_frees_victim;
	ret = mirror_fault(&mir, 0, NPAGES);
	if (ret)
		return die("mirror_fault", ret);
	printf("  ->invalidate: %s [%#lx, %#lx), retries %d\n",
	       msim_notify_event_name(mir.last.event), mir.last.start,
	       mir.last.end, mir.retries);
	check(mir.invalidations == 1 && mir.last.event == MMU_NOTIFY_CLEAR &&
		      mir.last.start == BASE + 2 * p,
	      "->invalidate saw the MADV_DONTNEED of page 2");
	check(mir.retries == 1, "mmu_interval_read_retry() made it retry once");
	for (i = 0; i < NPAGES; i++)
		if (!mirrors_cpu(&mir, i) || !mir.writable[i])
			break;
	check(i == NPAGES, "every entry is the CPU's current frame, writable");
	/* The device reads through its own table: page 2 is zero again. */
	check(*(unsigned char *)page_address(mir.pt[0]) == 0x10 &&
		      *(unsigned char *)page_address(mir.pt[2]) == 0,
	      "the device reads 0x10 in page 0 and 0 in page 2");
	check_coherence(&mir, 0);

	printf("2. invalidations after the mirror is set up\n");
	msim_munmap(tsk->mm, BASE + 3 * p, p);
	check(mir.last.event == MMU_NOTIFY_UNMAP && !mir.pt[3],
	      "munmap of page 3: UNMAP, the entry is gone");
	msim_mprotect(tsk->mm, BASE, p, PROT_READ);
	check(mir.last.event == MMU_NOTIFY_PROTECTION_VMA && !mir.pt[0],
	      "mprotect of page 0: PROTECTION_VMA, the entry is gone");
	check(mir.pt[1] && mir.pt[2], "pages 1 and 2 are still mirrored");
	check_coherence(&mir, 0);

	printf("3. the same race, in a driver that forgets the retry\n");
	mir.forget_retry = true;
	victim = 1;
	mir.meanwhile = cpu_frees_victim;
	ret = mirror_fault(&mir, 1, 1);
	if (ret)
		return die("mirror_fault", ret);
	check(!mirrors_cpu(&mir, 1), "page 1's entry is a freed frame");
	check_coherence(&mir, 1);

	/*
	 * Teardown: the subscription (after which no ->invalidate runs),
	 * the device's entries, the checker, the process; then the machine,
	 * which refuses with -EBUSY while any mm is alive.
	 */
	mmu_interval_notifier_remove(&mir.notifier);
	spin_lock(&mir.lock);
	mirror_zap(&mir, 0, ~0UL);
	spin_unlock(&mir.lock);
	msim_spin_lock_destroy(&mir.lock);
	msim_coherence_destroy(mir.checker);
	msim_task_put(tsk);
	ret = msim_machine_destroy(m);
	if (ret) {
		printf("msim_machine_destroy: %s: %lu mm(s) still alive\n",
		       msim_errno_name(ret), msim_machine_nr_mms(m));
		return EXIT_FAILURE;
	}
	printf("%s\n", failures ? "FAILED" : "ok");
	return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
