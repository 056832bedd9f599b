// SPDX-License-Identifier: MIT
/*
 * The invariant checker must be able to fail: every other test trusts it
 * after every operation.  Each test corrupts one thing the checker is
 * meant to cross-check, expects -EUCLEAN with a message that names the
 * problem, restores it, and expects a clean bill again.
 */
#include <pthread.h>

#include "mmsim_test.h"

/* -EUCLEAN from msim_mm_check_msg() (unless @mm_level is false: only the
 * machine-wide view can see it) and from msim_machine_check(), each with
 * a message that contains @what. */
static void assert_caught(struct mt *t, const char *what, bool mm_level)
{
	char msg[512];

	if (mm_level) {
		assert_int_equal(msim_mm_check_msg(t->mm, msg, sizeof(msg)),
				 -EUCLEAN);
		if (!strstr(msg, what))
			fail_msg("mm check said \"%s\", want \"%s\"", msg,
				 what);
	} else {
		assert_int_equal(msim_mm_check_msg(t->mm, msg, sizeof(msg)), 0);
	}
	assert_int_equal(msim_machine_check(t->m, msg, sizeof(msg)), -EUCLEAN);
	if (!strstr(msg, what))
		fail_msg("machine check said \"%s\", want \"%s\"", msg, what);
}

static void assert_clean(struct mt *t)
{
	char msg[512] = "";

	if (msim_mm_check_msg(t->mm, msg, sizeof(msg)))
		fail_msg("mm check after restoring: %s", msg);
	if (msim_machine_check(t->m, msg, sizeof(msg)))
		fail_msg("machine check after restoring: %s", msg);
	assert_string_equal(msg, "");
}

/* The leaf entry of @addr, for corrupting; NULL if it has no table. */
static pte_t *ptep_of(struct mt *t, unsigned long addr)
{
	pte_t *ptep;

	spin_lock(&t->mm->page_table_lock);
	ptep = msim_pte_offset(t->mm, addr);
	spin_unlock(&t->mm->page_table_lock);
	assert_non_null(ptep);
	return ptep;
}

static struct page *page_at(struct mt *t, unsigned long addr)
{
	return pfn_to_page(t->m, pte_pfn(t->mm->arch, *ptep_of(t, addr)));
}

/* A written page and a zero-page mapping, both read-only now. */
static void setup_pages(struct mt *t)
{
	mt_map_fixed(t->mm, BASE, 4 * t->page, PROT_RW);
	mt_touch(t->mm, BASE, 2 * t->page, MSIM_ACCESS_WRITE);
	mt_touch(t->mm, BASE + 2 * t->page, t->page, MSIM_ACCESS_READ);
	assert_int_equal(mt_mprotect(t->mm, BASE, 4 * t->page, PROT_READ), 0);
	assert_clean(t);
}

static void test_writable_pte_in_read_only_vma_is_caught(void **state)
{
	struct mt *t = *state;
	const struct msim_arch *a = t->mm->arch;
	pte_t *ptep, saved;

	setup_pages(t);
	ptep = ptep_of(t, BASE);
	saved = *ptep;
	spin_lock(&t->mm->page_table_lock);
	*ptep = pte_mkwrite(a, saved);
	spin_unlock(&t->mm->page_table_lock);
	assert_caught(t, "writable", true);
	spin_lock(&t->mm->page_table_lock);
	*ptep = saved;
	spin_unlock(&t->mm->page_table_lock);
	assert_clean(t);

	/* The zero page made writable. */
	ptep = ptep_of(t, BASE + 2 * t->page);
	saved = *ptep;
	spin_lock(&t->mm->page_table_lock);
	*ptep = pte_mkwrite(a, saved);
	spin_unlock(&t->mm->page_table_lock);
	assert_caught(t, "writable", true);
	spin_lock(&t->mm->page_table_lock);
	*ptep = saved;
	spin_unlock(&t->mm->page_table_lock);
	assert_clean(t);
}

static void test_pte_outside_every_vma_is_caught(void **state)
{
	struct mt *t = *state;
	const struct msim_arch *a = t->mm->arch;
	unsigned long addr = BASE + 8 * t->page;
	pte_t *ptep;

	setup_pages(t);
	spin_lock(&t->mm->page_table_lock);
	ptep = msim_pte_alloc(t->mm, addr);
	if (ptep)
		set_pte_at(t->mm, addr, ptep,
			   pte_mkspecial(
				   a, pfn_pte(a, 0,
					      vm_get_page_prot(a, VM_READ))));
	spin_unlock(&t->mm->page_table_lock);
	assert_non_null(ptep);
	assert_caught(t, "outside every VMA", true);

	spin_lock(&t->mm->page_table_lock);
	ptep_get_and_clear(t->mm, addr, ptep);
	msim_free_empty_tables(t->mm, addr, addr + t->page);
	spin_unlock(&t->mm->page_table_lock);
	assert_clean(t);
}

static void test_wrong_map_count_is_caught(void **state)
{
	struct mt *t = *state;

	setup_pages(t);
	mmap_write_lock(t->mm);
	t->mm->map_count++;
	mmap_write_unlock(t->mm);
	assert_caught(t, "map_count", true);
	mmap_write_lock(t->mm);
	t->mm->map_count--;
	mmap_write_unlock(t->mm);
	assert_clean(t);
}

static void test_wrong_total_vm_is_caught(void **state)
{
	struct mt *t = *state;

	setup_pages(t);
	mmap_write_lock(t->mm);
	t->mm->total_vm--;
	mmap_write_unlock(t->mm);
	assert_caught(t, "vm counters", true);
	mmap_write_lock(t->mm);
	t->mm->total_vm++;
	mmap_write_unlock(t->mm);
	assert_clean(t);
}

static void test_stale_gap_augmentation_is_caught(void **state)
{
	struct mt *t = *state;
	struct vm_area_struct *vma;

	setup_pages(t);
	vma = mt_vma(t->mm, BASE);
	mmap_write_lock(t->mm);
	vma->rb_subtree_gap += t->page;
	mmap_write_unlock(t->mm);
	assert_caught(t, "rb_subtree_gap", true);
	mmap_write_lock(t->mm);
	vma->rb_subtree_gap -= t->page;
	mmap_write_unlock(t->mm);
	assert_clean(t);
}

/*
 * One mapping too many in _mapcount still looks mapped to the mm alone:
 * only the machine-wide count of PTEs per frame sees it.  A mapcount of
 * zero under a PTE is wrong even to the mm.
 */
static void test_wrong_page_mapcount_is_caught(void **state)
{
	struct mt *t = *state;
	struct page *page;

	setup_pages(t);
	page = page_at(t, BASE + t->page);
	atomic_fetch_add(&page->_mapcount, 1);
	assert_caught(t, "mapcount", false);
	atomic_fetch_sub(&page->_mapcount, 2);
	assert_caught(t, "mapcount", true);
	atomic_fetch_add(&page->_mapcount, 1);
	assert_clean(t);
}

static void test_wrong_page_refcount_is_caught(void **state)
{
	struct mt *t = *state;
	struct page *page;

	setup_pages(t);
	page = page_at(t, BASE);
	/*
	 * Fewer references than mappings is a free waiting to happen.  An
	 * extra reference may be a GUP FOLL_GET one, which nothing counts:
	 * that shows up as a leaked frame at teardown instead.
	 */
	atomic_fetch_sub(&page->_refcount, 1);
	assert_caught(t, "refcount", false);
	get_page(page);
	assert_clean(t);
}

static void test_wrong_rss_counter_is_caught(void **state)
{
	struct mt *t = *state;

	setup_pages(t);
	add_mm_counter(t->mm, MM_ANONPAGES, 1);
	assert_caught(t, "rss", true);
	add_mm_counter(t->mm, MM_ANONPAGES, -2);
	assert_caught(t, "rss", true);
	add_mm_counter(t->mm, MM_ANONPAGES, 1);
	assert_clean(t);
}

/* A table claiming one entry more than it holds would never be freed. */
static void test_extra_pt_used_entry_is_caught(void **state)
{
	struct mt *t = *state;
	struct page *table;
	pte_t *ptep;

	setup_pages(t);
	ptep = ptep_of(t, BASE);
	table = &t->m->mem_map[((unsigned char *)ptep - t->m->ram) >>
			       t->mm->arch->page_shift];
	assert_true(PageTable(table));
	assert_int_equal(table->pt_used, 3);
	spin_lock(&t->mm->page_table_lock);
	table->pt_used++;
	spin_unlock(&t->mm->page_table_lock);
	assert_caught(t, "pt_used", true);
	spin_lock(&t->mm->page_table_lock);
	table->pt_used--;
	spin_unlock(&t->mm->page_table_lock);
	assert_clean(t);
}

static void test_wrong_commit_charge_is_caught(void **state)
{
	struct mt *t = *state;

	setup_pages(t);
	assert_int_equal(mt_committed(t->m), 4);
	atomic_fetch_add(&t->m->vm_committed_as, 1);
	assert_caught(t, "commit charge", false);
	atomic_fetch_sub(&t->m->vm_committed_as, 2);
	assert_caught(t, "commit charge", false);
	atomic_fetch_add(&t->m->vm_committed_as, 1);
	assert_clean(t);
}

static void test_wrong_free_frame_count_is_caught(void **state)
{
	struct mt *t = *state;

	setup_pages(t);
	spin_lock(&t->m->zone_lock);
	t->m->nr_free--;
	spin_unlock(&t->m->zone_lock);
	assert_caught(t, "free", false);
	spin_lock(&t->m->zone_lock);
	t->m->nr_free++;
	spin_unlock(&t->m->zone_lock);
	assert_clean(t);
}

/* With a NULL message buffer the result is the same. */
static void test_check_without_message_buffer(void **state)
{
	struct mt *t = *state;

	setup_pages(t);
	t->mm->map_count++;
	assert_int_equal(msim_mm_check_msg(t->mm, NULL, 0), -EUCLEAN);
	assert_int_equal(msim_machine_check(t->m, NULL, 0), -EUCLEAN);
	t->mm->map_count--;
	assert_int_equal(msim_mm_check(t->mm), 0);
	assert_int_equal(msim_machine_check(t->m, NULL, 0), 0);
}

/*
 * msim_mm_check() may be called with no lock held, while other threads
 * fault, reclaim, migrate and fork the same mm: it takes what it needs,
 * so its view is consistent and it reports no violation that is not
 * there.  Four threads: one faults pages in and zaps them, one reclaims
 * and migrates ranges, one forks (the child writes, breaking COW, and
 * exits), and one checks the mm over and over.  Clean under TSan too.
 */
#define RACE_PAGES 64

struct race {
	struct msim_machine *m;
	struct task_struct *tsk;
	struct mm_struct *mm;
	unsigned long page;
	uint64_t seed;
	bool stop;		/* the checker has made its checks */
	unsigned long checks;	/* checks made */
	unsigned long failures; /* checks that failed */
	char first[256];	/* the first failure's message */
	long errors;		/* workers' unexpected results */
	char first_error[128];	/* the first of them, said */
};

#define RACE_CHECKS 20000

static bool race_over(struct race *r)
{
	return __atomic_load_n(&r->stop, __ATOMIC_ACQUIRE);
}

static void race_error(struct race *r, const char *what, long ret)
{
	/* Only the first error's words are kept: written by one thread. */
	if (!__atomic_fetch_add(&r->errors, 1, __ATOMIC_ACQ_REL))
		snprintf(r->first_error, sizeof(r->first_error), "%s: %s", what,
			 msim_errno_name((int)ret));
}

static void *race_faults(void *arg)
{
	struct race *r = arg;
	struct mt_rng rng = { r->seed ^ 1 };
	unsigned long addr;
	unsigned char b;
	int i, ret;

	for (i = 0; !race_over(r); i++) {
		addr = BASE + mt_rand_below(&rng, RACE_PAGES) * r->page +
		       mt_rand_below(&rng, r->page);
		b = (unsigned char)i;
		switch (mt_rand_below(&rng, 8)) {
		case 0:
			ret = msim_madvise(r->mm, addr & ~(r->page - 1),
					   r->page, MADV_DONTNEED);
			break;
		case 1:
		case 2:
		case 3:
			ret = msim_user_access(r->mm, addr, &b, 1,
					       MSIM_ACCESS_READ, NULL);
			break;
		default:
			ret = msim_user_access(r->mm, addr, &b, 1,
					       MSIM_ACCESS_WRITE, NULL);
			break;
		}
		if (ret)
			race_error(r, "fault or madvise", ret);
	}
	return NULL;
}

static void *race_reclaim_migrate(void *arg)
{
	struct race *r = arg;
	struct mt_rng rng = { r->seed ^ 2 };
	unsigned long first, n;
	long ret;
	int i;

	for (i = 0; !race_over(r); i++) {
		first = mt_rand_below(&rng, RACE_PAGES);
		n = 1 + mt_rand_below(&rng, RACE_PAGES - first);
		if (i & 1)
			ret = msim_reclaim_range(r->mm, BASE + first * r->page,
						 n * r->page);
		else
			ret = msim_migrate_range(r->mm, BASE + first * r->page,
						 n * r->page);
		/* Out of swap or frames is fine; a wrong range is not. */
		if (ret < 0 && ret != -ENOMEM && ret != -EBUSY &&
		    ret != -EAGAIN)
			race_error(r, i & 1 ? "reclaim" : "migrate", ret);
	}
	return NULL;
}

static void *race_forks(void *arg)
{
	struct race *r = arg;
	struct mt_rng rng = { r->seed ^ 3 };
	struct task_struct *child;
	unsigned char b = 0x77;
	int j;

	while (!race_over(r)) {
		child = msim_fork(r->tsk, 0, "child");
		if (IS_ERR(child)) {
			if (PTR_ERR(child) != -ENOMEM)
				race_error(r, "fork", PTR_ERR(child));
			continue;
		}
		for (j = 0; j < 8; j++) {
			int ret = msim_user_access(
				child->mm,
				BASE + mt_rand_below(&rng, RACE_PAGES) *
						r->page,
				&b, 1, MSIM_ACCESS_WRITE, NULL);

			if (ret)
				race_error(r, "the child's write", ret);
		}
		msim_exit(child);
		msim_task_put(child);
	}
	return NULL;
}

static void *race_checks(void *arg)
{
	struct race *r = arg;
	char msg[256];

	while (r->checks < RACE_CHECKS) {
		r->checks++;
		if (msim_mm_check_msg(r->mm, msg, sizeof(msg)) &&
		    !r->failures++)
			snprintf(r->first, sizeof(r->first), "%s", msg);
	}
	__atomic_store_n(&r->stop, true, __ATOMIC_RELEASE);
	return NULL;
}

static void test_check_races_faults_reclaim_migration_fork(void **state)
{
	struct msim_machine_config cfg = { .ram_bytes = 64 * MiB,
					   .swap_bytes = 16 * MiB };
	void *(*fns[])(void *) = { race_faults, race_reclaim_migrate,
				   race_forks, race_checks };
	pthread_t thr[4];
	struct race r = { 0 };
	size_t i;

	(void)state;
	r.seed = mt_seed("test_check_races_faults_reclaim_migration_fork");
	r.m = msim_machine_create(&cfg);
	assert_false(IS_ERR(r.m));
	r.page = msim_page_size(r.m->arch);
	r.tsk = msim_task_create(r.m, "init");
	assert_false(IS_ERR(r.tsk));
	r.mm = r.tsk->mm;
	mt_map_fixed(r.mm, BASE, RACE_PAGES * r.page, PROT_RW);
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&thr[i], NULL, fns[i], &r), 0);
	for (i = 0; i < 4; i++)
		pthread_join(thr[i], NULL);
	printf("%lu checks, %lu failed\n", r.checks, r.failures);
	if (r.failures)
		fail_msg("%lu of %lu checks failed, the first with: %s",
			 r.failures, r.checks, r.first);
	if (r.errors)
		fail_msg("%ld unexpected results, the first: %s", r.errors,
			 r.first_error);
	check_all(r.mm);
	msim_task_put(r.tsk);
	assert_int_equal(msim_machine_destroy(r.m), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		mt_test(test_writable_pte_in_read_only_vma_is_caught),
		mt_test(test_pte_outside_every_vma_is_caught),
		mt_test(test_wrong_map_count_is_caught),
		mt_test(test_wrong_total_vm_is_caught),
		mt_test(test_stale_gap_augmentation_is_caught),
		mt_test(test_wrong_page_mapcount_is_caught),
		mt_test(test_wrong_page_refcount_is_caught),
		mt_test(test_wrong_rss_counter_is_caught),
		mt_test(test_extra_pt_used_entry_is_caught),
		mt_test(test_wrong_commit_charge_is_caught),
		mt_test(test_wrong_free_frame_count_is_caught),
		mt_test(test_check_without_message_buffer),
		cmocka_unit_test(
			test_check_races_faults_reclaim_migration_fork),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
