// SPDX-License-Identifier: MIT
/*
 * notifier_driver.c - unit-test a classic mmu_notifier driver
 *
 * A device that caches translations of user pages (an IOMMU TLB, a shadow
 * page table) must forget them whenever the CPU page tables change, or it
 * will go on reading a page that was freed, or writing one that was
 * write-protected for copy-on-write.  The kernel tells it through a
 * struct mmu_notifier: ->invalidate_range_start() before a change,
 * ->invalidate_range() to flush the device TLB, ->invalidate_range_end()
 * after, ->change_pte() for a COW break, ->release() at exit.
 *
 * This program is a unit test of such a driver, "mydev": it runs munmap,
 * mprotect, fork, a COW fault and exit on a simulated process and checks,
 * after each, the callbacks the driver got (events and ranges) and that
 * the device cache holds no stale translation.  The driver code is what
 * you would write in the kernel; only the includes differ.
 *
 * Build and run: ctest --test-dir build -R examples/notifier_driver, or
 * build/examples/notifier_driver.  It exits non-zero when a check fails.
 */
/* MAP_ANONYMOUS: glibc's <sys/mman.h> hides it from strict -std=c11. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmsim/mmsim.h>

#define BASE 0x10000000UL /* where the test maps its memory */
#define NPAGES 8	  /* pages in the mapping */
#define MAX_LOG 32

/* ---- The driver under test ------------------------------------------ */

/* What a callback reported: which one, the event (-1 if none), the range. */
struct call {
	const char *what;
	int event;
	unsigned long start, end;
};

struct mydev {
	struct mmu_notifier mn;
	struct mm_struct *mm;
	unsigned long page;	  /* the mm's page size */
	long cache[NPAGES];	  /* pfn of each page, 0: not cached */
	int active;		  /* invalidations in progress */
	struct call log[MAX_LOG]; /* what the test checks */
	int n;
};

static struct mydev *to_mydev(struct mmu_notifier *mn)
{
	return container_of(mn, struct mydev, mn);
}

static void record(struct mydev *dev, const char *what, int event,
		   unsigned long start, unsigned long end)
{
	if (dev->n < MAX_LOG)
		dev->log[dev->n] = (struct call){ what, event, start, end };
	dev->n++;
}

/* Forget the cached translations of [start, end). */
static void mydev_zap(struct mydev *dev, unsigned long start, unsigned long end)
{
	int i;

	for (i = 0; i < NPAGES; i++)
		if (BASE + i * dev->page < end &&
		    BASE + (i + 1) * dev->page > start)
			dev->cache[i] = 0;
}

/*
 * The rule of a start/end pair: zap in start, and establish nothing in
 * the range until the matching end (mydev_map() checks dev->active).
 */
static int mydev_start(struct mmu_notifier *mn,
		       const struct mmu_notifier_range *range)
{
	struct mydev *dev = to_mydev(mn);

	record(dev, "start", range->event, range->start, range->end);
	dev->active++;
	mydev_zap(dev, range->start, range->end);
	return 0;
}

static void mydev_end(struct mmu_notifier *mn,
		      const struct mmu_notifier_range *range)
{
	struct mydev *dev = to_mydev(mn);

	record(dev, "end", range->event, range->start, range->end);
	dev->active--;
}

/* The device TLB flush: after the PTEs are cleared, before pages are freed. */
static void mydev_invalidate_range(struct mmu_notifier *mn,
				   struct mm_struct *mm, unsigned long start,
				   unsigned long end)
{
	(void)mm;
	record(to_mydev(mn), "invalidate_range", -1, start, end);
	mydev_zap(to_mydev(mn), start, end);
}

/* A COW break offers the new PTE; a lazy driver just drops the old one. */
static void mydev_change_pte(struct mmu_notifier *mn, struct mm_struct *mm,
			     unsigned long address, pte_t pte)
{
	(void)mm;
	(void)pte;
	record(to_mydev(mn), "change_pte", -1, address, address);
	mydev_zap(to_mydev(mn), address, address + 1);
}

/* The mm is going away: drop everything, never touch it again. */
static void mydev_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	(void)mm;
	record(to_mydev(mn), "release", -1, 0, 0);
	mydev_zap(to_mydev(mn), 0, ~0UL);
}

static const struct mmu_notifier_ops mydev_ops = {
	.invalidate_range_start = mydev_start,
	.invalidate_range_end = mydev_end,
	.invalidate_range = mydev_invalidate_range,
	.change_pte = mydev_change_pte,
	.release = mydev_release,
};

/*
 * The device translates a page: what a driver would get from
 * get_user_pages(); here /proc/PID/pagemap's view of the page tables.
 * Nothing may be cached while an invalidation runs.
 */
static int mydev_map(struct mydev *dev, unsigned long addr)
{
	long pfn;

	if (dev->active)
		return -EAGAIN;
	pfn = msim_pagemap_pfn(dev->mm, addr);
	if (pfn < 0)
		return (int)pfn;
	dev->cache[(addr - BASE) / dev->page] = pfn;
	return 0;
}

/* ---- The test ------------------------------------------------------- */

static int failures;

static const char *event_name(int event)
{
	static const char *const names[] = {
		[MMU_NOTIFY_UNMAP] = "UNMAP",
		[MMU_NOTIFY_CLEAR] = "CLEAR",
		[MMU_NOTIFY_PROTECTION_VMA] = "PROTECTION_VMA",
		[MMU_NOTIFY_PROTECTION_PAGE] = "PROTECTION_PAGE",
		[MMU_NOTIFY_SOFT_DIRTY] = "SOFT_DIRTY",
		[MMU_NOTIFY_RELEASE] = "RELEASE",
		[MMU_NOTIFY_MIGRATE] = "MIGRATE",
		[MMU_NOTIFY_EXCLUSIVE] = "EXCLUSIVE",
	};

	return event < 0 ? "" : names[event];
}

/* "start UNMAP 0x10002000-0x10005000", "change_pte 0x10001000", "release" */
static void print_call(const struct call *c)
{
	printf("  %s", c->what);
	if (c->event >= 0)
		printf(" %s", event_name(c->event));
	if (c->end > c->start)
		printf(" %#lx-%#lx", c->start, c->end);
	else if (c->start)
		printf(" %#lx", c->start);
	printf("\n");
}

/* Print what the driver saw during @step, compare it with @want, reset. */
static void expect(struct mydev *dev, const char *step, const struct call *want,
		   int n)
{
	int i, ok = dev->n == n;

	for (i = 0; ok && i < n; i++)
		ok = !strcmp(dev->log[i].what, want[i].what) &&
		     dev->log[i].event == want[i].event &&
		     dev->log[i].start == want[i].start &&
		     dev->log[i].end == want[i].end;
	printf("%s:%s\n", step, dev->n ? "" : " no callback");
	for (i = 0; i < dev->n && i < MAX_LOG; i++)
		print_call(&dev->log[i]);
	if (!ok) {
		printf("  FAILED, expected:%s\n", n ? "" : " no callback");
		for (i = 0; i < n; i++)
			print_call(&want[i]);
		failures++;
	}
	dev->n = 0;
}

/* Every cached pfn must be the one the CPU page tables map now. */
static void expect_coherent(struct mydev *dev, const char *step)
{
	unsigned long addr;
	int i;

	for (i = 0; i < NPAGES; i++) {
		addr = BASE + i * dev->page;
		if (dev->cache[i] &&
		    dev->cache[i] != msim_pagemap_pfn(dev->mm, addr)) {
			printf("  FAILED after %s: stale pfn %#lx at %#lx\n",
			       step, dev->cache[i], addr);
			failures++;
		}
	}
}

/* Let the device translate every page it can of [first, last]. */
static void map_pages(struct mydev *dev, int first, int last)
{
	for (; first <= last; first++)
		mydev_map(dev, BASE + first * dev->page);
}

/* The calls a step should make, in pages from BASE (p is the page size). */
/* clang-format off */
#define S(ev, a, b) { "start", MMU_NOTIFY_##ev, BASE + (a) * p, BASE + (b) * p }
#define E(ev, a, b) { "end", MMU_NOTIFY_##ev, BASE + (a) * p, BASE + (b) * p }
#define INV(a, b) { "invalidate_range", -1, BASE + (a) * p, BASE + (b) * p }
/* clang-format on */

/* A call the test needs failed: say which, and stop. */
static int die(const char *what, long err)
{
	printf("notifier_driver: %s: %s\n", what, msim_errno_name(err));
	return EXIT_FAILURE;
}

int main(void)
{
	struct msim_machine_config cfg = { .ram_bytes = 64UL << 20 };
	struct msim_machine *m = msim_machine_create(&cfg);
	struct task_struct *init, *child;
	struct mydev dev = { .mn.ops = &mydev_ops };
	unsigned long p;
	long ret;

	if (IS_ERR(m))
		return die("msim_machine_create", PTR_ERR(m));
	/* A process, and eight pages of anonymous memory, four written. */
	init = msim_task_create(m, "init");
	if (IS_ERR(init))
		return die("msim_task_create", PTR_ERR(init));
	p = mm_page_size(init->mm);
	ret = msim_mmap(init->mm, BASE, NPAGES * p, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
	if (IS_ERR_VALUE((unsigned long)ret))
		return die("msim_mmap", ret);
	ret = msim_user_access(init->mm, BASE, NULL, 4 * p, MSIM_ACCESS_WRITE,
			       NULL);
	if (ret)
		return die("write pages 0-3", ret);

	/*
	 * The driver subscribes.  Like a kernel driver, it keeps the mm
	 * struct pinned (mmgrab) for as long as it may call into it.
	 */
	dev.mm = init->mm;
	dev.page = p;
	mmgrab(dev.mm);
	ret = mmu_notifier_register(&dev.mn, dev.mm);
	if (ret)
		return die("mmu_notifier_register", ret);
	map_pages(&dev, 0, 3);

	/*
	 * fork write-protects the parent's private writable pages, so that
	 * the first write of either process copies: PROTECTION_PAGE over the
	 * VMA.  The child's mm is a new one, to which mydev is not subscribed.
	 */
	child = msim_fork(init, 0, "child");
	if (IS_ERR(child))
		return die("msim_fork", PTR_ERR(child));
	{
		const struct call want[] = {
			S(PROTECTION_PAGE, 0, 8),
			INV(0, 8),
			E(PROTECTION_PAGE, 0, 8),
		};
		expect(&dev, "fork", want, 3);
	}
	expect_coherent(&dev, "fork");
	map_pages(&dev, 0, 3);

	/*
	 * The parent writes page 1, still shared with the child: a COW
	 * fault.  The old PTE is cleared and flushed, the new one offered
	 * to ->change_pte, and the range ends.  The device had page 1's old
	 * frame; keeping it would show the child's copy from now on.
	 */
	ret = msim_user_access(init->mm, BASE + p, NULL, 1, MSIM_ACCESS_WRITE,
			       NULL);
	if (ret)
		return die("write page 1", ret);
	{
		const struct call want[] = {
			S(CLEAR, 1, 2),
			INV(1, 2),
			{ "change_pte", -1, BASE + p, BASE + p },
			E(CLEAR, 1, 2),
		};
		expect(&dev, "COW fault", want, 4);
	}
	expect_coherent(&dev, "COW fault");

	/* The child exits: its mm goes, and nothing of it reaches mydev. */
	msim_exit(child);
	msim_task_put(child);
	expect(&dev, "child exit", NULL, 0);
	map_pages(&dev, 0, 3);

	/* mprotect: one PROTECTION_VMA range, the whole request. */
	ret = msim_mprotect(init->mm, BASE, 2 * p, PROT_READ);
	if (ret)
		return die("msim_mprotect", ret);
	{
		const struct call want[] = {
			S(PROTECTION_VMA, 0, 2),
			INV(0, 2),
			E(PROTECTION_VMA, 0, 2),
		};
		expect(&dev, "mprotect", want, 3);
	}
	expect_coherent(&dev, "mprotect");
	map_pages(&dev, 0, 3);

	/*
	 * munmap of pages 2-4: one UNMAP range over the request; then the
	 * flush of the PTEs actually cleared (pages 2 and 3; 4 was never
	 * touched) before their frames are freed.
	 */
	ret = msim_munmap(init->mm, BASE + 2 * p, 3 * p);
	if (ret)
		return die("msim_munmap", ret);
	{
		const struct call want[] = {
			S(UNMAP, 2, 5),
			INV(2, 5),
			E(UNMAP, 2, 5),
			INV(2, 4),
		};
		expect(&dev, "munmap", want, 4);
	}
	expect_coherent(&dev, "munmap");
	if (dev.cache[2] || dev.cache[3]) {
		printf("  FAILED: unmapped pages still cached\n");
		failures++;
	}

	/*
	 * exit: ->release first, before the pages go; the subscription is
	 * then off the mm's list, so the teardown's unmapping is not seen.
	 */
	msim_exit(init);
	{
		const struct call want[] = { { "release", -1, 0, 0 } };
		expect(&dev, "exit", want, 1);
	}

	/*
	 * Teardown, in this order: the notifier (no second ->release), the
	 * driver's pin, the task; then the machine, which refuses with
	 * -EBUSY while any mm is alive.
	 */
	mmu_notifier_unregister(&dev.mn, dev.mm);
	expect(&dev, "unregister", NULL, 0);
	mmdrop(dev.mm);
	msim_task_put(init);
	ret = msim_machine_destroy(m);
	if (ret) {
		printf("msim_machine_destroy: %s: %lu mm(s) still alive\n",
		       msim_errno_name(ret), msim_machine_nr_mms(m));
		return EXIT_FAILURE;
	}
	printf("%s\n", failures ? "FAILED" : "ok");
	return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
