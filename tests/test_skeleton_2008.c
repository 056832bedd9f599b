// SPDX-License-Identifier: MIT
/*
 * The seed's 2008 skeleton rmap notifier driver, run as written.
 *
 * The driver below follows the sample posted with the mmu_notifier core
 * (Documentation/mmu_notifier/skeleton_rmap.c, 2008) step by step, in
 * mmsim's own words, against today's kernel API where the 2008 one is
 * gone (range callbacks taking a struct mmu_notifier_range, a p4d level
 * in the walk, get_user_pages_remote()).  Two of its mistakes show:
 *
 *  - A read populate of a page never touched does not end: the fault
 *    handler maps the shared zero page, vm_normal_page() says there is no
 *    page behind it, the sample takes that for "not mapped yet" and runs
 *    the fault handler again, which finds the zero page mapped and does
 *    nothing, for ever.  The one line not as written is a bound on the
 *    retries, so that the endless loop is seen, not hung on.
 *  - ->release frees the driver without unregistering: the
 *    registration's reference on the mm (mmgrab()) is never dropped, so
 *    the mm_struct outlives everything; and Linux 6.x calls ->release
 *    with the subscription still on the mm's list and unlinks it
 *    afterwards, so the free is a use-after-free.  AddressSanitizer
 *    reports it, in a child process, in a build with it.
 */
#include <signal.h>
#include <sys/wait.h>

#include "mmsim_kernel_test.h"

#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

/* The bound that turns the endless retry into an error a test can see. */
#define MY_MMU_RETRY_BOUND 1000

static bool free_in_release = true;
static int nr_inserted, nr_zapped, nr_gup, nr_released;
static bool listed_at_release;
static LIST_HEAD(my_mmu_list);
/* What ->release would have freed, when the test keeps it for later. */
static LIST_HEAD(release_graveyard);

struct my_mmu {
	struct mmu_notifier notifier;
	spinlock_t lock; /* protects the counter and the zaps */
	int invalidates; /* range invalidations running */
	struct list_head list;
	unsigned long base;
};

/* Called with m->lock held: the secondary MMU's own page table. */
static void my_mmu_insert_page(struct my_mmu *m, unsigned long address,
			       unsigned long pfn)
{
	(void)m;
	pr_info("insert page address=%lx pfn=%lu\n", address, pfn);
	nr_inserted++;
}

static void my_mmu_zap_range(struct my_mmu *m, unsigned long start,
			     unsigned long end, int atomic)
{
	(void)m;
	pr_info("zap range %lx-%lx atomic=%d\n", start, end, atomic);
	nr_zapped++;
}

static int my_mmu_invalidate_range_begin(struct mmu_notifier *mn,
					 const struct mmu_notifier_range *range)
{
	struct my_mmu *m = container_of(mn, struct my_mmu, notifier);

	spin_lock(&m->lock);
	m->invalidates++; /* holds off new references */
	spin_unlock(&m->lock);
	my_mmu_zap_range(m, range->start, range->end, 0);
	return 0;
}

static void my_mmu_invalidate_range_end(struct mmu_notifier *mn,
					const struct mmu_notifier_range *range)
{
	struct my_mmu *m = container_of(mn, struct my_mmu, notifier);

	(void)range;
	spin_lock(&m->lock);
	m->invalidates--; /* enables new references */
	spin_unlock(&m->lock);
}

/*
 * Populate a page in the secondary MMU; ERR_PTR(-EAGAIN) means retry.
 * (With the test's bound, ERR_PTR(-ELOOP) when the retries do not end.)
 */
static struct page *my_mmu_populate_page(struct my_mmu *m,
					 struct vm_area_struct *vma,
					 unsigned long address, int write)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *page;
	long err;
	int done = 0, tries = 0;
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;
	pte_t *ptep, pte;
	spinlock_t *ptl;

	/* No need to do anything if a range invalidate is running. */
	if (READ_ONCE(m->invalidates))
		return ERR_PTR(-EAGAIN);

	mmap_read_lock(mm);
	do {
		page = ERR_PTR(-EAGAIN);
		if (++tries > MY_MMU_RETRY_BOUND) {
			page = ERR_PTR(-ELOOP);
			break;
		}
		if (READ_ONCE(m->invalidates))
			break;

		pgd = pgd_offset(mm, address);
		if (pgd_none(*pgd) || unlikely(pgd_bad(*pgd)))
			goto check;
		p4d = p4d_offset(pgd, address);
		if (p4d_none(*p4d) || unlikely(p4d_bad(*p4d)))
			goto check;
		pud = pud_offset(p4d, address);
		if (pud_none(*pud) || unlikely(pud_bad(*pud)))
			goto check;
		pmd = pmd_offset(pud, address);
		if (pmd_none(*pmd) || unlikely(pmd_bad(*pmd)))
			goto check;

		ptep = pte_offset_map_lock(mm, pmd, address, &ptl);
		if (!ptep)
			goto check;
		pte = *ptep;
		if (!pte_present(pte))
			goto pte_unlock;
		if (write && !pte_write(pte))
			goto pte_unlock;

		page = vm_normal_page(vma, address, pte);
		if (page) {
			done = 1;
			/* The lock keeps the count of invalidates constant. */
			spin_lock(&m->lock);
			if (!m->invalidates)
				my_mmu_insert_page(m, address,
						   page_to_pfn(page));
			else
				page = ERR_PTR(-EAGAIN);
			spin_unlock(&m->lock);
		}
	pte_unlock:
		pte_unmap_unlock(ptep, ptl);
	check:
		if (done)
			break;

		/* Run the fault handler to set the pte up right. */
		nr_gup++;
		err = get_user_pages_remote(mm, address, 1,
					    write ? FOLL_WRITE | FOLL_FORCE
						  : FOLL_FORCE,
					    NULL, NULL);
		if (err < 0) {
			page = ERR_PTR(err);
			break;
		}
	} while (!done);
	mmap_read_unlock(mm);
	return page;
}

/* All other threads using this mm_struct have terminated by now. */
static void my_mmu_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct my_mmu *m = container_of(mn, struct my_mmu, notifier);

	(void)mm;
	nr_released++;
	listed_at_release = !hlist_unhashed(&mn->hlist);
	my_mmu_zap_range(m, 0, TASK_SIZE, 0);
	/* No concurrent processes, thus no worries about RCU. */
	list_del(&m->list);
	if (free_in_release)
		kfree(m);
	else
		list_add(&m->list, &release_graveyard);
	pr_info("MMU Notifier terminating\n");
}

static const struct mmu_notifier_ops my_mmu_ops = {
	.release = my_mmu_release,
	.invalidate_range_start = my_mmu_invalidate_range_begin,
	.invalidate_range_end = my_mmu_invalidate_range_end,
};

static struct my_mmu *my_mmu_attach_to_process(struct mm_struct *mm)
{
	struct my_mmu *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return NULL;
	m->notifier.ops = &my_mmu_ops;
	spin_lock_init(&m->lock);
	list_add(&m->list, &my_mmu_list);
	if (mmu_notifier_register(&m->notifier, mm)) {
		list_del(&m->list);
		kfree(m);
		return NULL;
	}
	return m;
}

static void reset(void)
{
	nr_inserted = nr_zapped = nr_gup = nr_released = 0;
	listed_at_release = false;
	free_in_release = true;
}

/* The populate of an untouched page, for reading, never ends. */
static void test_read_populate_of_untouched_page_never_ends(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct my_mmu *m;
	struct page *page;
	pte_t pte;

	reset();
	tt_map(mm, BASE, 2 * t->page, PROT_RW);
	m = my_mmu_attach_to_process(mm);
	assert_non_null(m);
	vma = mt_vma(mm, BASE);

	page = my_mmu_populate_page(m, vma, BASE, 0);
	assert_ptr_equal(page, ERR_PTR(-ELOOP));
	/* The fault handler ran at every try, and mapped the zero page. */
	assert_int_equal(nr_gup, MY_MMU_RETRY_BOUND);
	assert_int_equal(nr_inserted, 0);
	pte = mt_pte(mm, BASE);
	assert_true(pte_present(pte));
	assert_true(is_zero_pfn(pte_pfn(pte)));

	/* A write populate maps a page of its own, and ends. */
	page = my_mmu_populate_page(m, vma, BASE + t->page, 1);
	assert_false(IS_ERR_OR_NULL(page));
	assert_int_equal(nr_inserted, 1);
	/* As does a read once something was written there. */
	tt_touch(mm, BASE, 1, MSIM_ACCESS_WRITE);
	page = my_mmu_populate_page(m, vma, BASE, 0);
	assert_false(IS_ERR_OR_NULL(page));
	tt_check(t->m);

	/*
	 * Unregistered here, so that the fixture's exit runs clean: the
	 * unregister calls ->release, which frees the driver (before
	 * returning, and before unlinking it: use after free again, on
	 * the unregister side, which KASAN would report).  Keep it.
	 */
	free_in_release = false;
	mmu_notifier_unregister(&m->notifier, mm);
	list_del(&m->list);
	kfree(m);
}

/*
 * ->release frees the driver, never unregistering it: the mm_struct the
 * registration pinned stays behind when everything else is gone.  The
 * free itself is kept for later here (in every build, since it is a use
 * after free, see below); that ->release ran with the subscription still
 * listed shows why.
 */
static void test_release_without_unregister_leaks_the_mm(void **state)
{
	struct tt *t = *state;
	struct task_struct *tsk = tt_new_task(t, "user");
	struct mm_struct *mm = tsk->mm;
	struct my_mmu *m, *next;

	reset();
	free_in_release = false;
	tt_map(mm, BASE, t->page, PROT_RW);
	tt_touch(mm, BASE, 1, MSIM_ACCESS_WRITE);
	assert_non_null(my_mmu_attach_to_process(mm));
	tt_put(t, tsk);
	assert_int_equal(nr_released, 1);
	assert_true(listed_at_release);
	assert_true(list_empty(&my_mmu_list));

	/* Nothing mapped and no task, but the mm_struct is still there. */
	assert_int_equal(atomic_load(&mm->mm_users), 0);
	assert_int_equal(atomic_load(&mm->mm_count), 1);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_MM), 2);

	/* What mmu_notifier_unregister() would have done. */
	mmdrop(mm);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_MM), 1);
	list_for_each_entry_safe(m, next, &release_graveyard, list) {
		list_del(&m->list);
		kfree(m);
	}
}

/*
 * The free in ->release, as written: Linux 6.x's mmu_notifier_release()
 * goes on to read the freed subscription's list link and to unlink it.
 * Run in a child, whose stderr is kept: AddressSanitizer must report a
 * heap use after free there.  Without AddressSanitizer the child would
 * only follow freed memory, and the test is skipped.
 */
static void test_release_that_frees_is_a_use_after_free(void **state)
{
	struct tt *t = *state;
	char out[16384];
	int pipefd[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

#if !defined(__SANITIZE_ADDRESS__)
	(void)t;
	(void)out;
	(void)pipefd;
	(void)status;
	(void)len;
	(void)n;
	(void)pid;
	skip();
#else
	assert_int_equal(pipe(pipefd), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct task_struct *tsk;

		dup2(pipefd[1], 2);
		close(pipefd[0]);
		reset();
		tsk = msim_task_create(t->m, "2008");
		msim_set_current(tsk);
		tt_map(tsk->mm, BASE, t->page, PROT_RW);
		my_mmu_attach_to_process(tsk->mm);
		/* The exit: mmu_notifier_release() calls ->release. */
		msim_exit(tsk);
		_exit(0);
	}
	close(pipefd[1]);
	while (len < sizeof(out) - 1 &&
	       (n = read(pipefd[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!strstr(out, "heap-use-after-free"))
		print_error("child's stderr:\n%s\n", out);
	/* ASAN_OPTIONS=abort_on_error=1 (as CI runs) dies of SIGABRT. */
	assert_true((WIFEXITED(status) && WEXITSTATUS(status) != 0) ||
		    (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT));
	assert_non_null(strstr(out, "heap-use-after-free"));
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		kt_test(test_read_populate_of_untouched_page_never_ends),
		kt_test_coldfire(
			test_read_populate_of_untouched_page_never_ends),
		kt_test(test_release_without_unregister_leaks_the_mm),
		kt_test(test_release_that_frees_is_a_use_after_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
