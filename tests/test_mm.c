// SPDX-License-Identifier: MIT
/*
 * The address space as an object: its two reference counts (mm_users,
 * whose last mmput() tears the mappings down, and mm_count, whose last
 * mmdrop() frees the struct), the size counters and high-water marks, and
 * the mmap lock under real threads, with and without a scheduler's hooks.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "mmsim_test.h"

static void test_mm_alloc_gives_empty_mm_with_one_reference_each(void **state)
{
	struct mt *t = *state;
	struct mm_struct *mm = t->mm;

	assert_int_equal(atomic_load(&mm->mm_users), 1);
	assert_int_equal(atomic_load(&mm->mm_count), 1);
	assert_int_equal(mm->map_count, 0);
	assert_null(mm->mmap);
	assert_int_equal(mm->total_vm, 0);
	assert_int_equal(get_mm_rss(mm), 0);
	assert_ptr_equal(mm->machine, t->m);
	assert_ptr_equal(mm->arch, &msim_arch_x86_64);
	assert_int_equal(mm->task_size, 0x7ffffffff000UL);
	assert_int_equal(mm->mmap_base, X86_MMAP_BASE);
	assert_true(mm->topdown);
	/* The pgd is the one table an empty mm has. */
	assert_non_null(mm->pgd);
	assert_int_equal(mt_pgtables(mm), 1);
	assert_int_equal(atomic_load(&mm->pgtables_bytes), 0);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_MM), 1);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_PGTABLE), 1);
	assert_ptr_equal(t->m->mmlist.next, &mm->mmlist);
}

static void populate(struct mt *t)
{
	mt_map_fixed(t->mm, BASE, 8 * t->page, PROT_RW);
	mt_touch(t->mm, BASE, 8 * t->page, MSIM_ACCESS_WRITE);
	mt_map_fixed(t->mm, BASE + 16 * t->page, 2 * t->page, PROT_READ);
	mt_touch(t->mm, BASE + 16 * t->page, 2 * t->page, MSIM_ACCESS_READ);
	assert_int_equal(mt_rss(t->mm), 8);
	assert_int_equal(mt_committed(t->m), 8);
}

/*
 * The last mmput() with an mmgrab() outstanding: exit_mmap() has run (no
 * VMA, no frame, no charge, only the pgd) but the struct lives on until
 * the last mmdrop().  In between it is an exiting mm: mmget_not_zero()
 * refuses it.
 */
static void test_last_mmput_exits_mmap_and_last_mmdrop_frees(void **state)
{
	struct mt *t = *state;
	struct mm_struct *mm = t->mm;

	populate(t);
	mmgrab(mm);
	assert_int_equal(atomic_load(&mm->mm_count), 2);
	mmput(mm);

	assert_int_equal(atomic_load(&mm->mm_users), 0);
	assert_int_equal(atomic_load(&mm->mm_count), 1);
	assert_int_equal(mm->map_count, 0);
	assert_null(mm->mmap);
	assert_int_equal(mm->total_vm, 0);
	assert_int_equal(get_mm_rss(mm), 0);
	assert_int_equal(mt_pgtables(mm), 1);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_MM), 1);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_PGTABLE), 1);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), 0);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_VMA), 0);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_ANON_VMA), 0);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_AVC), 0);
	assert_int_equal(msim_nr_free_frames(t->m), t->m->nr_frames - 2);
	assert_int_equal(mt_committed(t->m), 0);
	check_all(mm);

	assert_false(mmget_not_zero(mm));
	assert_int_equal(atomic_load(&mm->mm_users), 0);
	/* The struct is still the machine's: it cannot go yet. */
	assert_int_equal(msim_machine_nr_mms(t->m), 1);
	assert_int_equal(msim_machine_destroy(t->m), -EBUSY);

	mmdrop(mm);
	t->mm = NULL;
	assert_int_equal(msim_machine_nr_mms(t->m), 0);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_MM), 0);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_PGTABLE), 0);
	assert_true(list_empty(&t->m->mmlist));
}

/* Without an extra mm_count the last mmput() frees everything at once. */
static void test_last_mmput_without_mmgrab_frees_struct(void **state)
{
	struct mt *t = *state;

	populate(t);
	mmput(t->mm);
	t->mm = NULL;
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_MM), 0);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_PGTABLE), 0);
	assert_int_equal(msim_nr_free_frames(t->m), t->m->nr_frames - 1);
}

/* Only the last user tears down; mmdrop() of a grab leaves users alone. */
static void test_mappings_live_until_last_user_goes(void **state)
{
	struct mt *t = *state;
	struct mm_struct *mm = t->mm;

	populate(t);
	mmget(mm);
	assert_true(mmget_not_zero(mm));
	assert_int_equal(atomic_load(&mm->mm_users), 3);
	mmput(mm);
	mmput(mm);
	assert_int_equal(atomic_load(&mm->mm_users), 1);
	assert_int_equal(mm->map_count, 2);
	assert_int_equal(mt_rss(mm), 8);
	check_all(mm);

	mmgrab(mm);
	mmdrop(mm);
	assert_int_equal(atomic_load(&mm->mm_count), 1);
	assert_int_equal(mm->map_count, 2);
	check_all(mm);
}

static void test_machine_destroy_is_ebusy_while_an_mm_lives(void **state)
{
	struct mt *t = *state;

	populate(t);
	assert_int_equal(msim_machine_nr_mms(t->m), 1);
	assert_int_equal(msim_machine_destroy(t->m), -EBUSY);
	assert_int_equal(msim_machine_nr_mms(t->m), 1);
	/* Nothing was freed: the mm still works. */
	check_all(t->mm);
	mt_touch(t->mm, BASE, 8 * t->page, MSIM_ACCESS_READ);
	assert_int_equal(mt_munmap(t->mm, BASE, t->page), 0);
}

/* Several mms on one machine share frames and the commit charge. */
static void test_two_mms_on_one_machine_are_accounted_together(void **state)
{
	struct mt *t = *state;
	struct mm_struct *other = mm_alloc(t->m);

	assert_non_null(other);
	populate(t);
	mt_map_fixed(other, BASE, 4 * t->page, PROT_RW);
	assert_int_equal(mt_touch(other, BASE, 4 * t->page, MSIM_ACCESS_WRITE),
			 0);
	assert_int_equal(mt_committed(t->m), 12);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), 12);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_MM), 2);
	assert_int_equal(msim_machine_nr_mms(t->m), 2);
	mmput(other);
	assert_int_equal(msim_machine_nr_mms(t->m), 1);
	check_all(t->mm);
	assert_int_equal(mt_committed(t->m), 8);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), 8);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_MM), 1);
}

/* total_vm and its data and exec parts, through mmap, mprotect, munmap. */
/*
 * An allocation kind none of enum msim_alloc_kind's is the caller's bug:
 * the allocation fails and the count is -EINVAL, rather than an index
 * past the machine's counters.  A free with one still frees, uncounted.
 */
static void test_unknown_alloc_kind_is_refused(void **state)
{
	static const int kinds[] = { MSIM_NR_ALLOC_KINDS, 64, -1 };
	struct mt *t = *state;
	long live[MSIM_NR_ALLOC_KINDS];
	unsigned long nr_free = msim_nr_free_frames(t->m);
	void *p;
	size_t i;
	int k;

	for (k = 0; k < MSIM_NR_ALLOC_KINDS; k++)
		live[k] = msim_live(t->m, k);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		enum msim_alloc_kind kind = (enum msim_alloc_kind)kinds[i];

		assert_int_equal(msim_live(t->m, kind), -EINVAL);
		assert_null(msim_kzalloc(t->m, kind, 16));
		assert_null(msim_alloc_page(t->m, kind));
		p = msim_kzalloc(t->m, MSIM_ALLOC_OTHER, 16);
		assert_non_null(p);
		msim_kfree(t->m, kind, p);
		msim_kfree(t->m, MSIM_ALLOC_OTHER,
			   msim_kzalloc(t->m, MSIM_ALLOC_OTHER, 16));
	}
	/* The objects freed with a bad kind still count as live. */
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_OTHER),
			 live[MSIM_ALLOC_OTHER] + 3);
	for (k = 0; k < MSIM_NR_ALLOC_KINDS; k++)
		if (k != MSIM_ALLOC_OTHER)
			assert_int_equal(msim_live(t->m, k), live[k]);
	assert_int_equal(msim_nr_free_frames(t->m), nr_free);
	/* Give the fixture's leak check back what it would miss. */
	atomic_fetch_sub(&t->m->live[MSIM_ALLOC_OTHER], 3);
}

/* The host memory this process holds, from /proc/self/statm. */
static unsigned long host_rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%lu %lu", &size, &resident), 2);
	fclose(f);
	return resident * (unsigned long)sysconf(_SC_PAGESIZE);
}

/*
 * A machine's RAM and memory map cost the host nothing until frames are
 * used: 64 GiB of RAM is 16 Mi struct pages (over a GiB), of which only
 * the sections the allocator has reached exist.  A frame of a section not
 * yet reached has no struct page (pfn_to_page() is NULL, as pfn_valid()
 * would be false); one allocation populates a whole section.
 */
static void test_memory_map_is_populated_by_section(void **state)
{
	struct msim_machine_config cfg = { .ram_bytes = 64 * GiB };
	unsigned long before = host_rss_bytes(), section, page, n, i;
	struct msim_machine *m;
	struct mm_struct *mm;
	long addr;

	(void)state;
	m = msim_machine_create(&cfg);
	assert_false(IS_ERR(m));
	page = msim_page_size(m->arch);
	section = (1UL << MSIM_SECTION_SHIFT) / page;
	assert_int_equal(m->nr_frames, 64 * GiB / page);
	assert_int_equal(m->memmap_pfns, section);
	assert_non_null(pfn_to_page(m, 0));
	assert_non_null(pfn_to_page(m, section - 1));
	assert_null(pfn_to_page(m, section));
	assert_null(pfn_to_page(m, m->nr_frames - 1));
	assert_null(pfn_to_page(m, m->nr_frames));

	/* 3000 frames of data and their tables: the first six sections. */
	mm = mm_alloc(m);
	assert_non_null(mm);
	n = 3000;
	addr = msim_mmap(mm, 0, n * page, PROT_RW, ANON_PRIVATE | MAP_POPULATE);
	assert_false(IS_ERR_VALUE((unsigned long)addr));
	assert_int_equal(get_mm_counter(mm, MM_ANONPAGES), n);
	assert_int_equal(m->memmap_pfns % section, 0);
	assert_true(m->memmap_pfns >= m->next_fresh);
	assert_true(m->memmap_pfns < m->next_fresh + section);
	for (i = 1; i < m->next_fresh; i++)
		assert_ptr_equal(pfn_to_page(m, i)->machine, m);
	assert_null(pfn_to_page(m, m->memmap_pfns));
	check_mm(mm);
	check_machine(m);
	/* Far below a GiB: the frames used, their struct pages, tables. */
	assert_true(host_rss_bytes() - before < 64 * MiB);
	mmput(mm);
	check_machine(m);
	assert_int_equal(msim_machine_destroy(m), 0);
}

/*
 * ThreadSanitizer keeps applications to a few windows of the address
 * space, the largest about a terabyte and shared with the heap and the
 * libraries: a contiguous terabyte reservation there fails now and then,
 * depending on where ASLR put the rest.  64 GiB is still 22 times more
 * memory map than the 64 MiB this test allows, eagerly.
 */
#if defined(__SANITIZE_THREAD__)
#define HUGE_RAM (64UL << 30)
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define HUGE_RAM (64UL << 30)
#endif
#endif
#ifndef HUGE_RAM
#define HUGE_RAM (1UL << 40)
#endif

/* A terabyte of RAM: built, used a little, checked and destroyed. */
static void test_terabyte_machine(void **state)
{
	const struct msim_arch *arches[] = { &msim_arch_x86_64,
					     &msim_arch_coldfire };
	unsigned long before = host_rss_bytes();
	struct msim_machine *m;
	struct mm_struct *mm;
	size_t a;

	(void)state;
	for (a = 0; a < 2; a++) {
		struct msim_machine_config cfg = { .arch = arches[a],
						   .ram_bytes = HUGE_RAM };

		m = msim_machine_create(&cfg);
		assert_false(IS_ERR(m));
		mm = mm_alloc(m);
		assert_non_null(mm);
		mt_map_fixed(mm, BASE, 64 * msim_page_size(m->arch), PROT_RW);
		mt_touch(mm, BASE, 64 * msim_page_size(m->arch),
			 MSIM_ACCESS_WRITE);
		check_all(mm);
		mmput(mm);
		check_machine(m);
		assert_int_equal(msim_machine_destroy(m), 0);
	}
	assert_true(host_rss_bytes() - before < 64 * MiB);
}

static void test_vm_counters_follow_mappings(void **state)
{
	struct mt *t = *state;
	struct mm_struct *mm = t->mm;
	unsigned long p = t->page;

	mt_map_fixed(mm, BASE, 4 * p, PROT_RW);
	mt_map_fixed(mm, BASE + 8 * p, 2 * p, PROT_READ | PROT_EXEC);
	mt_map_fixed(mm, BASE + 16 * p, 3 * p, PROT_READ);
	/* Writable and executable is data, not exec. */
	mt_map_fixed(mm, BASE + 24 * p, p, PROT_RW | PROT_EXEC);
	assert_int_equal(mm->total_vm, 10);
	assert_int_equal(mm->data_vm, 5);
	assert_int_equal(mm->exec_vm, 2);
	assert_int_equal(mm->stack_vm, 0);

	assert_int_equal(mt_mprotect(mm, BASE, 2 * p, PROT_READ | PROT_EXEC),
			 0);
	assert_int_equal(mm->data_vm, 3);
	assert_int_equal(mm->exec_vm, 4);
	assert_int_equal(mm->total_vm, 10);

	/* Removes one RX page, two RW pages and one more RX page. */
	assert_int_equal(mt_munmap(mm, BASE + p, 8 * p), 0);
	assert_int_equal(mm->total_vm, 6);
	assert_int_equal(mm->data_vm, 1);
	assert_int_equal(mm->exec_vm, 2);

	/* MAP_FIXED replacing counts the replaced pages out. */
	mt_map_fixed(mm, BASE + 16 * p, 3 * p, PROT_RW);
	assert_int_equal(mm->total_vm, 6);
	assert_int_equal(mm->data_vm, 4);
}

/*
 * hiwater_rss and hiwater_vm are brought up to date only where the
 * counters are about to drop (munmap, MADV_DONTNEED), and read as the
 * maximum with the current value.
 */
static void test_hiwater_marks_remember_peak_after_munmap(void **state)
{
	struct mt *t = *state;
	struct mm_struct *mm = t->mm;
	unsigned long p = t->page;

	mt_map_fixed(mm, BASE, 10 * p, PROT_RW);
	mt_touch(mm, BASE, 10 * p, MSIM_ACCESS_WRITE);
	assert_int_equal(get_mm_hiwater_rss(mm), 10);
	assert_int_equal(get_mm_hiwater_vm(mm), 10);

	assert_int_equal(mt_munmap(mm, BASE, 5 * p), 0);
	assert_int_equal(get_mm_rss(mm), 5);
	assert_int_equal(mm->total_vm, 5);
	assert_int_equal(mm->hiwater_rss, 10);
	assert_int_equal(mm->hiwater_vm, 10);
	assert_int_equal(get_mm_hiwater_rss(mm), 10);
	assert_int_equal(get_mm_hiwater_vm(mm), 10);

	/* Growing past the old peak shows through the getters at once. */
	mt_map_fixed(mm, BASE + 16 * p, 20 * p, PROT_RW);
	mt_touch(mm, BASE + 16 * p, 20 * p, MSIM_ACCESS_WRITE);
	assert_int_equal(get_mm_hiwater_vm(mm), 25);
	assert_int_equal(get_mm_hiwater_rss(mm), 25);
	assert_int_equal(mm->hiwater_rss, 10);

	assert_int_equal(mt_madvise(mm, BASE + 16 * p, 20 * p, MADV_DONTNEED),
			 0);
	assert_int_equal(get_mm_rss(mm), 5);
	assert_int_equal(mm->hiwater_rss, 25);
	assert_int_equal(get_mm_hiwater_rss(mm), 25);
}

/* Threads for the lock tests.  Every wait is bounded, so that a broken
 * lock fails the test instead of hanging it. */

static bool wait_for(atomic_bool *flag)
{
	struct timespec ms = { 0, 1000000 };
	int i;

	for (i = 0; i < 10000; i++) {
		if (atomic_load(flag))
			return true;
		nanosleep(&ms, NULL);
	}
	return false;
}

struct locker {
	struct mm_struct *mm;
	pthread_t thread;
	atomic_bool got;     /* the lock is held (or trylock answered) */
	atomic_bool release; /* main: let go now */
	atomic_bool answer;  /* what a trylock said */
};

static void *read_lock_and_hold(void *arg)
{
	struct locker *l = arg;

	mmap_read_lock(l->mm);
	atomic_store(&l->got, true);
	wait_for(&l->release);
	mmap_read_unlock(l->mm);
	return NULL;
}

static void *write_lock_and_hold(void *arg)
{
	struct locker *l = arg;

	mmap_write_lock(l->mm);
	atomic_store(&l->got, true);
	wait_for(&l->release);
	mmap_write_unlock(l->mm);
	return NULL;
}

static void *try_read(void *arg)
{
	struct locker *l = arg;
	bool ok = mmap_read_trylock(l->mm);

	atomic_store(&l->answer, ok);
	if (ok)
		mmap_read_unlock(l->mm);
	atomic_store(&l->got, true);
	return NULL;
}

static void *try_write(void *arg)
{
	struct locker *l = arg;
	bool ok = mmap_write_trylock(l->mm);

	atomic_store(&l->answer, ok);
	if (ok)
		mmap_write_unlock(l->mm);
	atomic_store(&l->got, true);
	return NULL;
}

static void run(struct locker *l, struct mm_struct *mm, void *(*fn)(void *))
{
	memset(l, 0, sizeof(*l));
	l->mm = mm;
	assert_int_equal(pthread_create(&l->thread, NULL, fn, l), 0);
}

/* A trylock from another thread: what did it say? */
static bool trylock_in_thread(struct mm_struct *mm, void *(*fn)(void *))
{
	struct locker l;

	run(&l, mm, fn);
	assert_int_equal(pthread_join(l.thread, NULL), 0);
	assert_true(atomic_load(&l.got));
	return atomic_load(&l.answer);
}

static void test_two_readers_hold_mmap_lock_at_once(void **state)
{
	struct mt *t = *state;
	struct locker l;

	mmap_read_lock(t->mm);
	assert_true(trylock_in_thread(t->mm, try_read));
	/* A blocking reader gets in too while we hold it. */
	run(&l, t->mm, read_lock_and_hold);
	assert_true(wait_for(&l.got));
	assert_true(rwsem_is_locked(&t->mm->mmap_lock));
	assert_false(msim_rwsem_is_write_locked(&t->mm->mmap_lock));
	assert_false(trylock_in_thread(t->mm, try_write));
	atomic_store(&l.release, true);
	assert_int_equal(pthread_join(l.thread, NULL), 0);
	mmap_read_unlock(t->mm);
	assert_false(rwsem_is_locked(&t->mm->mmap_lock));
}

static void test_writer_excludes_readers_and_writers(void **state)
{
	struct mt *t = *state;
	struct locker l;

	run(&l, t->mm, write_lock_and_hold);
	assert_true(wait_for(&l.got));
	assert_true(msim_rwsem_is_write_locked(&t->mm->mmap_lock));
	assert_false(trylock_in_thread(t->mm, try_read));
	assert_false(trylock_in_thread(t->mm, try_write));
	atomic_store(&l.release, true);
	assert_int_equal(pthread_join(l.thread, NULL), 0);

	assert_true(trylock_in_thread(t->mm, try_read));
	assert_true(trylock_in_thread(t->mm, try_write));
}

static int writers_waiting(struct rw_semaphore *sem)
{
	int n;

	pthread_mutex_lock(&sem->mutex);
	n = sem->writers_waiting;
	pthread_mutex_unlock(&sem->mutex);
	return n;
}

/* A writer waiting behind a reader holds back new readers (no starving
 * munmap with a stream of faults); it gets the lock when the reader goes. */
static void test_waiting_writer_holds_back_new_readers(void **state)
{
	struct mt *t = *state;
	struct timespec ms = { 0, 1000000 };
	struct locker w;
	int i;

	mmap_read_lock(t->mm);
	run(&w, t->mm, write_lock_and_hold);
	for (i = 0; i < 10000 && !writers_waiting(&t->mm->mmap_lock); i++)
		nanosleep(&ms, NULL);
	assert_int_equal(writers_waiting(&t->mm->mmap_lock), 1);
	assert_false(atomic_load(&w.got));
	assert_false(trylock_in_thread(t->mm, try_read));

	mmap_read_unlock(t->mm);
	assert_true(wait_for(&w.got));
	assert_int_equal(writers_waiting(&t->mm->mmap_lock), 0);
	assert_false(trylock_in_thread(t->mm, try_read));
	atomic_store(&w.release, true);
	assert_int_equal(pthread_join(w.thread, NULL), 0);
	assert_false(rwsem_is_locked(&t->mm->mmap_lock));
}

/* downgrade_write(): the writer becomes a reader and lets readers in. */
static void test_downgrade_lets_readers_in(void **state)
{
	struct mt *t = *state;

	mmap_write_lock(t->mm);
	assert_false(trylock_in_thread(t->mm, try_read));
	mmap_write_downgrade(t->mm);
	assert_true(trylock_in_thread(t->mm, try_read));
	assert_false(trylock_in_thread(t->mm, try_write));
	mmap_read_unlock(t->mm);
	assert_false(rwsem_is_locked(&t->mm->mmap_lock));
}

/* What the scheduler hooks saw of one lock. */
static struct {
	void *lock;
	atomic_int points[MSIM_SYNC_DOWNGRADE + 1];
	atomic_int blocks, wakes, wrong_name;
} seen;

static void hook_point(void *lock, enum msim_sync_event ev, const char *name)
{
	(void)name;
	if (lock == seen.lock)
		atomic_fetch_add(&seen.points[ev], 1);
}

/* Called instead of sleeping; returning means "look at the lock again",
 * so a short nap is a correct, if lazy, scheduler. */
static void hook_block(void *lock, const char *name)
{
	struct timespec nap = { 0, 100000 };

	if (lock == seen.lock) {
		atomic_fetch_add(&seen.blocks, 1);
		if (strcmp(name, "mmap_lock"))
			atomic_fetch_add(&seen.wrong_name, 1);
	}
	nanosleep(&nap, NULL);
}

static void hook_wake(void *lock, const char *name)
{
	(void)name;
	if (lock == seen.lock)
		atomic_fetch_add(&seen.wakes, 1);
}

static const struct msim_sync_ops hooks = {
	.point = hook_point,
	.block = hook_block,
	.wake = hook_wake,
};

/*
 * With hooks installed, every lock operation is a point, a contended
 * acquisition parks in block() instead of sleeping, and a release calls
 * wake().  One thread holds the mmap lock for writing, another wants to
 * read it.
 */
static void test_sync_hooks_see_points_block_and_wake(void **state)
{
	struct mt *t = *state;
	struct locker w, r;
	struct timespec ms = { 0, 1000000 };
	int i;

	memset(&seen, 0, sizeof(seen));
	seen.lock = &t->mm->mmap_lock;
	msim_set_sync_ops(&hooks);

	run(&w, t->mm, write_lock_and_hold);
	assert_true(wait_for(&w.got));
	run(&r, t->mm, read_lock_and_hold);
	for (i = 0; i < 10000 && !atomic_load(&seen.blocks); i++)
		nanosleep(&ms, NULL);
	assert_true(atomic_load(&seen.blocks) > 0);
	assert_false(atomic_load(&r.got));

	atomic_store(&w.release, true);
	assert_true(wait_for(&r.got));
	atomic_store(&r.release, true);
	assert_int_equal(pthread_join(w.thread, NULL), 0);
	assert_int_equal(pthread_join(r.thread, NULL), 0);
	msim_set_sync_ops(NULL);

	assert_int_equal(atomic_load(&seen.points[MSIM_SYNC_DOWN_WRITE]), 1);
	assert_int_equal(atomic_load(&seen.points[MSIM_SYNC_UP_WRITE]), 1);
	assert_int_equal(atomic_load(&seen.points[MSIM_SYNC_DOWN_READ]), 1);
	assert_int_equal(atomic_load(&seen.points[MSIM_SYNC_UP_READ]), 1);
	assert_true(atomic_load(&seen.wakes) >= 1);
	assert_int_equal(atomic_load(&seen.wrong_name), 0);

	/* Removed: nothing more is seen. */
	i = atomic_load(&seen.points[MSIM_SYNC_DOWN_READ]);
	mmap_read_lock(t->mm);
	mmap_read_unlock(t->mm);
	assert_int_equal(atomic_load(&seen.points[MSIM_SYNC_DOWN_READ]), i);
}

/* The mm operations pass through the hooks too: a scheduler sees them. */
static void test_sync_hooks_see_mm_operations(void **state)
{
	struct mt *t = *state;

	long addr;

	memset(&seen, 0, sizeof(seen));
	seen.lock = &t->mm->mmap_lock;
	msim_set_sync_ops(&hooks);
	addr = msim_mmap(t->mm, BASE, t->page, PROT_RW, ANON_PRIVATE);
	msim_set_sync_ops(NULL);
	check_all(t->mm);
	assert_int_equal(addr, BASE);
	/* mmap takes the lock for writing, once. */
	assert_int_equal(atomic_load(&seen.points[MSIM_SYNC_DOWN_WRITE]), 1);
	assert_int_equal(atomic_load(&seen.points[MSIM_SYNC_UP_WRITE]), 1);
	assert_int_equal(atomic_load(&seen.points[MSIM_SYNC_DOWN_READ]), 0);
	assert_int_equal(atomic_load(&seen.blocks), 0);

	/* A fault takes it for reading. */
	msim_set_sync_ops(&hooks);
	assert_int_equal(msim_handle_user_fault(t->mm, BASE, MSIM_ACCESS_READ),
			 0);
	msim_set_sync_ops(NULL);
	check_all(t->mm);
	assert_int_equal(atomic_load(&seen.points[MSIM_SYNC_DOWN_READ]), 1);
	assert_int_equal(atomic_load(&seen.points[MSIM_SYNC_UP_READ]), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		mt_test(test_mm_alloc_gives_empty_mm_with_one_reference_each),
		mt_test(test_last_mmput_exits_mmap_and_last_mmdrop_frees),
		mt_test(test_last_mmput_without_mmgrab_frees_struct),
		mt_test(test_mappings_live_until_last_user_goes),
		mt_test(test_machine_destroy_is_ebusy_while_an_mm_lives),
		mt_test(test_two_mms_on_one_machine_are_accounted_together),
		mt_test(test_unknown_alloc_kind_is_refused),
		cmocka_unit_test(test_memory_map_is_populated_by_section),
		cmocka_unit_test(test_terabyte_machine),
		mt_test(test_vm_counters_follow_mappings),
		mt_test(test_hiwater_marks_remember_peak_after_munmap),
		mt_test(test_two_readers_hold_mmap_lock_at_once),
		mt_test(test_writer_excludes_readers_and_writers),
		mt_test(test_waiting_writer_holds_back_new_readers),
		mt_test(test_downgrade_lets_readers_in),
		mt_test(test_sync_hooks_see_points_block_and_wake),
		mt_test(test_sync_hooks_see_mm_operations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
