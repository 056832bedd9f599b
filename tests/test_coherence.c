// SPDX-License-Identifier: MIT
/*
 * The coherence checker catches broken drivers, in scripted
 * interleavings: a driver's fault path is split between the lookup of the
 * primary translation and the install of its own, and a hook runs an mm
 * operation (munmap, a COW write, MADV_DONTNEED) in between, once.  The
 * correct driver retries and stays coherent; the broken one installs a
 * stale translation and the report names it and the invalidation it
 * missed.  Then the report's format, exactly.
 */
#include "mmsim_driver_test.h"

enum hook_op { HOOK_MUNMAP, HOOK_COW_WRITE, HOOK_DONTNEED };

/* What the hook does, once. */
struct hook {
	struct mm_struct *mm;
	enum hook_op op;
	unsigned long addr, len;
	int runs;
};

static void run_hook(struct hook *h)
{
	unsigned char b = 0xc0;

	if (h->runs++)
		return;
	switch (h->op) {
	case HOOK_MUNMAP:
		assert_int_equal(msim_munmap(h->mm, h->addr, h->len), 0);
		break;
	case HOOK_COW_WRITE:
		assert_int_equal(msim_user_write(h->mm, h->addr, &b, 1), 0);
		break;
	case HOOK_DONTNEED:
		assert_int_equal(
			msim_madvise(h->mm, h->addr, h->len, MADV_DONTNEED), 0);
		break;
	}
}

static void kvm_hook(struct msim_kvm *kvm, unsigned long hva, void *arg)
{
	(void)kvm;
	(void)hva;
	run_hook(arg);
}

static void my_mmu_hook(struct msim_my_mmu *m, unsigned long address, void *arg)
{
	(void)m;
	(void)address;
	run_hook(arg);
}

static void dmirror_hook(struct msim_dmirror *d, unsigned long address,
			 void *arg)
{
	(void)d;
	(void)address;
	run_hook(arg);
}

static void assert_contains(const char *report, const char *want)
{
	if (!strstr(report, want))
		fail_msg("report lacks \"%s\":\n%s", want, report);
}

/*
 * A guest fault looks the page up, the page is unmapped, the fault
 * installs: the correct shadow MMU sees the sequence move and retries
 * (and finds nothing); the broken one maps a freed frame.
 */
static void kvm_fault_across_munmap(struct tt *t, bool broken)
{
	struct mm_struct *mm = t->task[0]->mm;
	struct msim_coherence *c = msim_coherence_create(mm);
	struct hook h = { mm, HOOK_MUNMAP, BASE, t->page, 0 };
	char report[1024], want[512];
	unsigned long pfn;
	struct msim_kvm *kvm;
	int ret;

	assert_false(IS_ERR(c));
	kvm = msim_kvm_create(mm, "kvm0", c);
	assert_false(IS_ERR(kvm));
	tt_map(mm, BASE, 4 * t->page, PROT_RW);
	tt_touch(mm, BASE, 4 * t->page, MSIM_ACCESS_WRITE);
	pfn = tt_pfn(mm, BASE);
	kvm->msim_fault_hook = kvm_hook;
	kvm->msim_fault_hook_arg = &h;
	if (broken)
		kvm->msim_bugs = MSIM_KVM_BUG_NO_RETRY;

	ret = msim_kvm_page_fault(kvm, BASE, false);
	assert_int_equal(h.runs, 1);
	if (!broken) {
		assert_int_equal(ret, -EFAULT);
		assert_int_equal(kvm->nr_retries, 1);
		assert_int_equal(kvm->sptes.nr_entries, 0);
		dt_coherent(c);
	} else {
		assert_int_equal(ret, 0);
		assert_int_equal(kvm->sptes.nr_entries, 1);
		dt_incoherent(c, 1);
		/*
		 * t1 the lookup, t2-t3 the munmap in the hook, t4 the
		 * install: the whole report, to the byte.
		 */
		assert_int_equal(
			msim_coherence_check(c, report, sizeof(report)), 1);
		snprintf(want, sizeof(want),
			 "kvm0: 0x%lx -> pfn 0x%lx ro (seen t1, established "
			 "t4): frame freed; the primary maps nothing there; "
			 "missed MMU_NOTIFY_UNMAP [0x%lx, 0x%lx) t2-t3\n",
			 BASE, pfn, BASE, BASE + t->page);
		assert_string_equal(report, want);

		/* Its frame goes to the next page faulted in, anywhere. */
		tt_map(mm, BASE + 64 * t->page, 4 * t->page, PROT_RW);
		tt_touch(mm, BASE + 64 * t->page, 4 * t->page,
			 MSIM_ACCESS_WRITE);
		dt_incoherent(c, 1);
		msim_coherence_check(c, report, sizeof(report));
		assert_contains(report, "frame freed and reused; the primary "
					"maps nothing there");
	}
	msim_kvm_destroy(kvm);
	msim_coherence_destroy(c);
}

static void test_kvm_retries_across_munmap(void **state)
{
	kvm_fault_across_munmap(*state, false);
}

static void test_kvm_without_retry_maps_a_freed_frame(void **state)
{
	kvm_fault_across_munmap(*state, true);
}

/*
 * After fork the page is shared; a guest fault looks it up, the parent's
 * CPU writes it (COW: the parent gets a copy), the fault installs.  The
 * broken shadow MMU keeps the child's frame for the parent's address.
 */
static void kvm_fault_across_cow(struct tt *t, bool broken)
{
	struct task_struct *init = t->task[0], *child;
	struct mm_struct *mm = init->mm;
	struct msim_coherence *c;
	struct hook h = { mm, HOOK_COW_WRITE, BASE, 1, 0 };
	char report[1024], want[256];
	unsigned long old_pfn;
	unsigned char b;
	struct msim_kvm *kvm;

	tt_map(mm, BASE, 4 * t->page, PROT_RW);
	b = 0x5a;
	assert_int_equal(tt_write(mm, BASE, &b, 1), 0);
	child = tt_fork(t, init, 0);
	old_pfn = tt_pfn(mm, BASE);
	c = msim_coherence_create(mm);
	assert_false(IS_ERR(c));
	kvm = msim_kvm_create(mm, "kvm0", c);
	assert_false(IS_ERR(kvm));
	kvm->msim_fault_hook = kvm_hook;
	kvm->msim_fault_hook_arg = &h;
	if (broken)
		kvm->msim_bugs = MSIM_KVM_BUG_NO_RETRY;

	assert_int_equal(msim_kvm_page_fault(kvm, BASE, false), 0);
	/* The retry passes the hook again, which does nothing then. */
	assert_int_equal(h.runs, broken ? 1 : 2);
	assert_int_not_equal(tt_pfn(mm, BASE), old_pfn);
	assert_int_equal(tt_pfn(child->mm, BASE), old_pfn);
	assert_int_equal(msim_kvm_access(kvm, BASE, &b, 1, false), 0);
	if (!broken) {
		assert_int_equal(kvm->nr_retries, 1);
		assert_int_equal(
			page_to_pfn(msim_kvm_spte_page(kvm, BASE, NULL, NULL)),
			tt_pfn(mm, BASE));
		assert_int_equal(b, 0xc0);
		dt_coherent(c);
	} else {
		/* The guest reads the child's byte, not its own. */
		assert_int_equal(b, 0x5a);
		dt_incoherent(c, 1);
		msim_coherence_check(c, report, sizeof(report));
		snprintf(want, sizeof(want),
			 "the primary maps pfn 0x%lx there; missed "
			 "MMU_NOTIFY_CLEAR [0x%lx, 0x%lx)",
			 tt_pfn(mm, BASE), BASE, BASE + t->page);
		assert_contains(report, want);
		assert_contains(report, "kvm0: 0x10000000 -> pfn");
	}
	msim_kvm_destroy(kvm);
	msim_coherence_destroy(c);
}

static void test_kvm_retries_across_cow(void **state)
{
	kvm_fault_across_cow(*state, false);
}

static void test_kvm_without_retry_misses_cow(void **state)
{
	kvm_fault_across_cow(*state, true);
}

/*
 * The skeleton driver reads the PTE, MADV_DONTNEED zaps it, the driver
 * inserts: the correct one answers -EAGAIN, the one that ignores
 * @invalidates maps a freed frame.
 */
static void skeleton_populate_across_dontneed(struct tt *t, bool broken)
{
	struct mm_struct *mm = t->task[0]->mm;
	struct msim_coherence *c = msim_coherence_create(mm);
	struct hook h = { mm, HOOK_DONTNEED, BASE, t->page, 0 };
	char report[1024];
	struct msim_my_mmu *m;
	struct page *page;

	assert_false(IS_ERR(c));
	m = msim_my_mmu_attach_to_process(mm, "my_mmu0", c);
	assert_false(IS_ERR(m));
	tt_map(mm, BASE, 4 * t->page, PROT_RW);
	tt_touch(mm, BASE, t->page, MSIM_ACCESS_WRITE);
	m->msim_populate_hook = my_mmu_hook;
	m->msim_populate_hook_arg = &h;
	if (broken)
		m->msim_bugs = MSIM_MY_MMU_BUG_IGNORE_INVALIDATES;

	page = msim_my_mmu_populate_page(m, BASE, 1);
	assert_int_equal(h.runs, 1);
	if (!broken) {
		assert_true(IS_ERR(page) && PTR_ERR(page) == -EAGAIN);
		assert_int_equal(m->nr_eagain, 1);
		dt_coherent(c);
		/* The retry faults a new zeroed page in. */
		page = msim_my_mmu_populate_page(m, BASE, 1);
		assert_false(IS_ERR(page));
		assert_int_equal(page_to_pfn(page), tt_pfn(mm, BASE));
		dt_coherent(c);
	} else {
		assert_false(IS_ERR(page));
		dt_incoherent(c, 1);
		msim_coherence_check(c, report, sizeof(report));
		assert_contains(report, "my_mmu0: 0x10000000 -> pfn");
		assert_contains(report, " rw (seen t1, established t4): frame "
					"freed; the primary maps nothing there;"
					" missed MMU_NOTIFY_CLEAR [0x10000000, "
					"0x10001000) t2-t3\n");
	}
	msim_my_mmu_detach(m);
	msim_coherence_destroy(c);
}

static void test_skeleton_eagain_across_dontneed(void **state)
{
	skeleton_populate_across_dontneed(*state, false);
}

static void test_skeleton_ignoring_invalidates_is_caught(void **state)
{
	skeleton_populate_across_dontneed(*state, true);
}

/* The mirror's read_retry catches the same window. */
static void test_dmirror_retries_across_munmap(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct msim_coherence *c = msim_coherence_create(mm);
	struct hook h = { mm, HOOK_MUNMAP, BASE, t->page, 0 };
	struct msim_dmirror *d;

	assert_false(IS_ERR(c));
	d = msim_dmirror_create(mm, BASE, 4 * t->page, NULL, "dmirror0", c);
	assert_false(IS_ERR(d));
	tt_map(mm, BASE, 4 * t->page, PROT_RW);
	tt_touch(mm, BASE, 4 * t->page, MSIM_ACCESS_WRITE);
	d->msim_fault_hook = dmirror_hook;
	d->msim_fault_hook_arg = &h;
	assert_int_equal(msim_dmirror_fault(d, BASE, BASE + t->page, false),
			 -EFAULT);
	assert_int_equal(d->nr_retries, 1);
	assert_int_equal(d->pt.nr_entries, 0);
	dt_coherent(c);
	msim_dmirror_destroy(d);
	msim_coherence_destroy(c);
}

/*
 * The other findings, from hand-made records: write permission over a
 * read-only PTE, a frame the primary maps elsewhere, no invalidation
 * logged; and a report cut to a small buffer.
 */
static void test_report_format(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct msim_coherence *c = msim_coherence_create(mm);
	struct msim_secondary_mapping a, b;
	char report[512], small[40], want[512];
	struct page *p0, *p1;
	unsigned long seen;

	assert_false(IS_ERR(c));
	tt_map(mm, BASE, 2 * t->page, PROT_READ | PROT_WRITE);
	tt_touch(mm, BASE, 2 * t->page, MSIM_ACCESS_WRITE);
	assert_int_equal(tt_mprotect(mm, BASE, 2 * t->page, PROT_READ), 0);
	p0 = tt_page(mm, BASE);
	p1 = tt_page(mm, BASE + t->page);
	assert_int_equal(msim_coherence_nr_invalidations(c), 1);

	seen = msim_coherence_now(c);
	msim_secondary_mapping_init(&a, "dev", BASE, p0, true, seen);
	msim_coherence_map(c, &a);
	msim_secondary_mapping_init(&b, "dev", BASE + t->page, p0, false, seen);
	msim_coherence_map(c, &b);
	assert_int_equal(msim_coherence_nr_mappings(c), 2);
	assert_int_equal(msim_coherence_check(c, NULL, 0), 2);
	assert_int_equal(msim_coherence_check(c, report, sizeof(report)), 2);
	snprintf(want, sizeof(want),
		 "dev: 0x%lx -> pfn 0x%lx rw (seen t%lu, established t%lu): "
		 "writable, the primary PTE is read-only; no invalidation of "
		 "it logged since t%lu\n"
		 "dev: 0x%lx -> pfn 0x%lx ro (seen t%lu, established t%lu): "
		 "the primary maps pfn 0x%lx there; no invalidation of it "
		 "logged since t%lu\n",
		 BASE, page_to_pfn(p0), seen, seen + 1, seen, BASE + t->page,
		 page_to_pfn(p0), seen, seen + 2, page_to_pfn(p1), seen);
	assert_string_equal(report, want);

	/* Cut, terminated, and still counting. */
	memset(small, 'x', sizeof(small));
	assert_int_equal(msim_coherence_check(c, small, sizeof(small)), 2);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, want, sizeof(small) - 1);

	msim_coherence_unmap(c, &a);
	msim_coherence_unmap(c, &b);
	msim_coherence_unmap(c, &b);
	assert_int_equal(msim_coherence_check(c, report, sizeof(report)), 0);
	assert_string_equal(report, "");
	msim_coherence_destroy(c);
}

/* An exit the driver does not act on: every mapping misses the release. */
static void test_missed_release(void **state)
{
	struct tt *t = *state;
	struct task_struct *init = t->task[0];
	struct mm_struct *mm = init->mm;
	struct msim_coherence *c = msim_coherence_create(mm);
	struct msim_secondary_mapping a;
	char report[512];

	assert_false(IS_ERR(c));
	tt_map(mm, BASE, t->page, PROT_RW);
	tt_touch(mm, BASE, t->page, MSIM_ACCESS_WRITE);
	msim_secondary_mapping_init(&a, "dev", BASE, tt_page(mm, BASE), true,
				    msim_coherence_now(c));
	msim_coherence_map(c, &a);
	dt_coherent(c);
	tt_exit(t, init);
	assert_int_equal(msim_coherence_check(c, report, sizeof(report)), 1);
	assert_contains(report, "frame freed; the primary maps nothing there;"
				" missed MMU_NOTIFY_RELEASE [0x0, "
				"0xffffffffffffffff) t3-t3\n");
	msim_coherence_destroy(c);
}

static void test_event_names(void **state)
{
	(void)state;
	assert_string_equal(msim_notify_event_name(MMU_NOTIFY_UNMAP),
			    "MMU_NOTIFY_UNMAP");
	assert_string_equal(msim_notify_event_name(MMU_NOTIFY_EXCLUSIVE),
			    "MMU_NOTIFY_EXCLUSIVE");
	assert_string_equal(msim_notify_event_name(-1), "MMU_NOTIFY_?");
	assert_string_equal(msim_notify_event_name(99), "MMU_NOTIFY_?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		tt_test(test_kvm_retries_across_munmap),
		tt_test(test_kvm_without_retry_maps_a_freed_frame),
		tt_test(test_kvm_retries_across_cow),
		tt_test(test_kvm_without_retry_misses_cow),
		tt_test(test_skeleton_eagain_across_dontneed),
		tt_test(test_skeleton_ignoring_invalidates_is_caught),
		tt_test(test_dmirror_retries_across_munmap),
		tt_test(test_report_format),
		tt_test(test_missed_release),
		tt_test_coldfire(test_kvm_without_retry_misses_cow),
		cmocka_unit_test(test_event_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
