// SPDX-License-Identifier: MIT
/*
 * MMU notifiers: the classic subscription life cycle (register, unregister,
 * get/put and the deferred free), ->release called while still listed and
 * perhaps twice when unregister races exit (as Linux 6.x), the secondary
 * TLB hook of 6.6 at the model's TLB flushes, interval subscriptions and their
 * sequence protocol, the deferred inserts and removes of an open invalidation
 * window, the non-blocking start's -EAGAIN paths and the aging hooks.  Also the
 * two building blocks underneath: the interval tree and SRCU.
 *
 * Invalidations are made here directly with mmu_notifier_range_init() and
 * the start/end calls, under the mmap lock as the kernel's callers hold
 * it, so that these tests do not depend on which mm operations notify.
 *
 * Callbacks may run in other threads, where a cmocka assertion cannot
 * jump: they only record, and the test thread asserts.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>

#include "mmsim_test.h"

/* A step-by-step handshake between a test and its threads. */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int step;
};

static void gate_init(struct gate *g)
{
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	g->step = 0;
}

static void gate_destroy(struct gate *g)
{
	pthread_cond_destroy(&g->cond);
	pthread_mutex_destroy(&g->lock);
}

static void gate_set(struct gate *g, int step)
{
	pthread_mutex_lock(&g->lock);
	g->step = step;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

static void gate_wait(struct gate *g, int step)
{
	pthread_mutex_lock(&g->lock);
	while (g->step < step)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

/*
 * Every wait of the library parks in these hooks, which count the parkings
 * by the wait's name and nap, so that a test knows for certain that a
 * thread it started is waiting where it should, instead of guessing with a
 * sleep.  A parked thread looks at its condition again after each nap, so
 * the count keeps growing while it waits.
 */
static atomic_int parks_srcu, parks_seq;

static atomic_int *parks(const char *name)
{
	if (!strcmp(name, "srcu"))
		return &parks_srcu;
	if (!strcmp(name, "invalidate_seq"))
		return &parks_seq;
	return NULL;
}

static void park_block(void *lock, const char *name)
{
	struct timespec nap = { 0, 100 * 1000 };
	atomic_int *count = parks(name);

	(void)lock;
	if (count)
		atomic_fetch_add(count, 1);
	nanosleep(&nap, NULL);
}

static const struct msim_sync_ops park_hooks = { .block = park_block };

/* How many times threads have parked in waits called @name so far. */
static int parked(const char *name)
{
	return atomic_load(parks(name));
}

/* Wait until a thread parks in a wait called @name after @mark. */
static void settle(const char *name, int mark)
{
	struct timespec ms = { 0, 1000 * 1000 };
	int i;

	for (i = 0; i < 60 * 1000 && parked(name) <= mark; i++)
		nanosleep(&ms, NULL);
	assert_true(parked(name) > mark);
}

static int install_park_hooks(void **state)
{
	(void)state;
	msim_set_sync_ops(&park_hooks);
	return 0;
}

static int remove_park_hooks(void **state)
{
	(void)state;
	msim_set_sync_ops(NULL);
	return 0;
}

static int mm_count(struct mm_struct *mm)
{
	return atomic_load(&mm->mm_count);
}

/* One invalidation of [@start, @end), as a caller holding the mmap lock. */
static void invalidate(struct mm_struct *mm, unsigned long start,
		       unsigned long end)
{
	struct mmu_notifier_range range;

	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, NULL, mm, start,
				end);
	mmap_read_lock(mm);
	mmu_notifier_invalidate_range_start(&range);
	mmu_notifier_invalidate_range_end(&range);
	mmap_read_unlock(mm);
}

/* Classic subscribers that count their calls. */

struct counter {
	struct mmu_notifier mn;
	atomic_int release, start, end, inv_range, change_pte;
	atomic_int clear_flush_young, clear_young, test_young;
	int start_ret; /* what ->invalidate_range_start says */
	int young;     /* what the aging callbacks return */
	unsigned long start_addr, end_addr; /* of the last call */
	enum mmu_notifier_event event;
	unsigned flags;
	pte_t pte;
	/* For the races: ->release marks when it has returned. */
	atomic_int release_done;
	/* get/put */
	atomic_int *freed;
	/* A put to make from inside ->clear_young. */
	struct mmu_notifier *put_in_callback;
	atomic_int freed_seen_in_callback;
};

/* Guards the fields callbacks record, which racing callbacks share. */
static pthread_mutex_t record_lock = PTHREAD_MUTEX_INITIALIZER;

static struct counter *to_counter(struct mmu_notifier *mn)
{
	return container_of(mn, struct counter, mn);
}

static void c_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct counter *c = to_counter(mn);

	(void)mm;
	atomic_fetch_add(&c->release, 1);
	/* Give a racing exit the chance to get ahead if it could. */
	sched_yield();
	usleep(1000);
	atomic_fetch_add(&c->release_done, 1);
}

static int c_start(struct mmu_notifier *mn,
		   const struct mmu_notifier_range *range)
{
	struct counter *c = to_counter(mn);

	atomic_fetch_add(&c->start, 1);
	pthread_mutex_lock(&record_lock);
	c->start_addr = range->start;
	c->end_addr = range->end;
	c->event = range->event;
	c->flags = range->flags;
	pthread_mutex_unlock(&record_lock);
	return c->start_ret;
}

static void c_end(struct mmu_notifier *mn,
		  const struct mmu_notifier_range *range)
{
	struct counter *c = to_counter(mn);

	(void)range;
	atomic_fetch_add(&c->end, 1);
}

static void c_inv_range(struct mmu_notifier *mn, struct mm_struct *mm,
			unsigned long start, unsigned long end)
{
	struct counter *c = to_counter(mn);

	(void)mm;
	atomic_fetch_add(&c->inv_range, 1);
	pthread_mutex_lock(&record_lock);
	c->start_addr = start;
	c->end_addr = end;
	pthread_mutex_unlock(&record_lock);
}

static void c_change_pte(struct mmu_notifier *mn, struct mm_struct *mm,
			 unsigned long address, pte_t pte)
{
	struct counter *c = to_counter(mn);

	(void)mm;
	atomic_fetch_add(&c->change_pte, 1);
	pthread_mutex_lock(&record_lock);
	c->start_addr = address;
	c->pte = pte;
	pthread_mutex_unlock(&record_lock);
}

static int c_clear_flush_young(struct mmu_notifier *mn, struct mm_struct *mm,
			       unsigned long start, unsigned long end)
{
	struct counter *c = to_counter(mn);

	(void)mm;
	atomic_fetch_add(&c->clear_flush_young, 1);
	pthread_mutex_lock(&record_lock);
	c->start_addr = start;
	c->end_addr = end;
	pthread_mutex_unlock(&record_lock);
	return c->young;
}

static int c_clear_young(struct mmu_notifier *mn, struct mm_struct *mm,
			 unsigned long start, unsigned long end)
{
	struct counter *c = to_counter(mn);

	(void)mm;
	atomic_fetch_add(&c->clear_young, 1);
	pthread_mutex_lock(&record_lock);
	c->start_addr = start;
	c->end_addr = end;
	pthread_mutex_unlock(&record_lock);
	if (c->put_in_callback) {
		struct counter *other = to_counter(c->put_in_callback);

		mmu_notifier_put(c->put_in_callback);
		c->put_in_callback = NULL;
		/* Still inside the read section: the free must wait. */
		atomic_store(&c->freed_seen_in_callback,
			     atomic_load(other->freed));
	}
	return c->young;
}

static int c_test_young(struct mmu_notifier *mn, struct mm_struct *mm,
			unsigned long address)
{
	struct counter *c = to_counter(mn);

	(void)mm;
	atomic_fetch_add(&c->test_young, 1);
	pthread_mutex_lock(&record_lock);
	c->start_addr = address;
	pthread_mutex_unlock(&record_lock);
	return c->young;
}

static const struct mmu_notifier_ops counter_ops = {
	.release = c_release,
	.clear_flush_young = c_clear_flush_young,
	.clear_young = c_clear_young,
	.test_young = c_test_young,
	.change_pte = c_change_pte,
	.invalidate_range_start = c_start,
	.invalidate_range_end = c_end,
	.invalidate_range = c_inv_range,
};

/* A subscriber whose start can fail has no end (the kernel's rule). */
static const struct mmu_notifier_ops failing_ops = {
	.release = c_release,
	.invalidate_range_start = c_start,
};

static void test_register_pins_mm_and_unregister_releases_once(void **state)
{
	struct mt *t = *state;
	struct counter c = { 0 };
	long other = msim_live(t->m, MSIM_ALLOC_OTHER);
	int count = mm_count(t->mm);

	c.mn.ops = &counter_ops;
	assert_false(mm_has_notifiers(t->mm));
	assert_int_equal(mmu_notifier_register(&c.mn, t->mm), 0);
	assert_true(mm_has_notifiers(t->mm));
	assert_ptr_equal(c.mn.mm, t->mm);
	assert_int_equal(c.mn.users, 1);
	assert_int_equal(mm_count(t->mm), count + 1);
	/* The mm's subscription structure, made on the first registration. */
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_OTHER), other + 1);

	invalidate(t->mm, BASE, BASE + t->page);
	assert_int_equal(atomic_load(&c.start), 1);
	assert_int_equal(atomic_load(&c.end), 1);
	assert_int_equal(c.start_addr, BASE);
	assert_int_equal(c.end_addr, BASE + t->page);
	assert_int_equal(c.event, MMU_NOTIFY_CLEAR);
	assert_true(c.flags & MMU_NOTIFIER_RANGE_BLOCKABLE);

	mmu_notifier_unregister(&c.mn, t->mm);
	assert_int_equal(atomic_load(&c.release), 1);
	assert_int_equal(mm_count(t->mm), count);
	/* Unregistered: no more calls, and none at exit. */
	invalidate(t->mm, BASE, BASE + t->page);
	assert_int_equal(atomic_load(&c.start), 1);
	/* The structure stays until the mm is freed. */
	assert_true(mm_has_notifiers(t->mm));
	mmput(t->mm);
	t->mm = NULL;
	assert_int_equal(atomic_load(&c.release), 1);
}

static void test_exit_releases_then_unregister_does_not(void **state)
{
	struct mt *t = *state;
	struct mm_struct *mm = t->mm;
	struct counter a = { 0 }, b = { 0 };

	a.mn.ops = &counter_ops;
	b.mn.ops = &counter_ops;
	assert_int_equal(mmu_notifier_register(&a.mn, mm), 0);
	assert_int_equal(mmu_notifier_register(&b.mn, mm), 0);
	mt_map_fixed(mm, BASE, 4 * t->page, PROT_RW);
	mt_touch(mm, BASE, 4 * t->page, MSIM_ACCESS_WRITE);

	mmgrab(mm);
	mmput(mm);
	t->mm = NULL;
	assert_int_equal(atomic_load(&a.release), 1);
	assert_int_equal(atomic_load(&b.release), 1);
	/* Each registration still pins the struct. */
	assert_int_equal(mm_count(mm), 3);

	mmu_notifier_unregister(&a.mn, mm);
	mmu_notifier_unregister(&b.mn, mm);
	assert_int_equal(atomic_load(&a.release), 1);
	assert_int_equal(atomic_load(&b.release), 1);
	assert_int_equal(mm_count(mm), 1);
	mmdrop(mm);
}

struct race {
	struct mm_struct *mm;
	struct counter *c;
	struct gate *go;
	int released_when_exit_returned;
};

static void *race_exit(void *arg)
{
	struct race *r = arg;

	gate_wait(r->go, 1);
	mmput(r->mm);
	/* exit_mmap() may not go on to free pages before ->release returned. */
	r->released_when_exit_returned = atomic_load(&r->c->release_done);
	return NULL;
}

static void *race_unregister(void *arg)
{
	struct race *r = arg;

	gate_wait(r->go, 1);
	mmu_notifier_unregister(&r->c->mn, r->mm);
	return NULL;
}

/*
 * Linux 6.x: the exit calls ->release of every listed subscription and an
 * unregister that finds its subscription listed calls it too, so in this
 * race it runs once or twice; whichever runs, exit_mmap() does not go on
 * to free pages before a ->release has returned.
 */
static void test_release_when_exit_races_unregister(void **state)
{
	struct mt *t = *state;
	int i, calls;

	for (i = 0; i < 200; i++) {
		struct mm_struct *mm = mm_alloc(t->m);
		struct counter c = { 0 };
		struct gate go;
		struct race r = { .mm = mm, .c = &c, .go = &go };
		pthread_t exiter, unregisterer;

		assert_non_null(mm);
		gate_init(&go);
		c.mn.ops = &counter_ops;
		assert_int_equal(mmu_notifier_register(&c.mn, mm), 0);
		mmgrab(mm);
		assert_int_equal(pthread_create(&exiter, NULL, race_exit, &r),
				 0);
		assert_int_equal(pthread_create(&unregisterer, NULL,
						race_unregister, &r),
				 0);
		gate_set(&go, 1);
		assert_int_equal(pthread_join(exiter, NULL), 0);
		assert_int_equal(pthread_join(unregisterer, NULL), 0);
		gate_destroy(&go);

		calls = atomic_load(&c.release);
		assert_true(calls == 1 || calls == 2);
		assert_true(r.released_when_exit_returned >= 1);
		assert_int_equal(mm_count(mm), 1);
		mmdrop(mm);
	}
}

/*
 * Linux 6.x's mmu_notifier_release() calls ->release while the
 * subscription is still on the mm's list and unlinks it afterwards
 * (which is why a driver that frees itself in ->release is a
 * use-after-free: tests/test_skeleton_2008.c).
 */
static atomic_int listed_in_release;

static void listed_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	(void)mm;
	if (!hlist_unhashed(&mn->hlist))
		atomic_fetch_add(&listed_in_release, 1);
}

static const struct mmu_notifier_ops listed_ops = {
	.release = listed_release,
};

static void test_release_runs_while_still_listed(void **state)
{
	struct mt *t = *state;
	struct mm_struct *mm = t->mm;
	struct mmu_notifier a = { .ops = &listed_ops };
	struct mmu_notifier b = { .ops = &listed_ops };

	atomic_store(&listed_in_release, 0);
	assert_true(hlist_unhashed(&a.hlist));
	assert_int_equal(mmu_notifier_register(&a, mm), 0);
	assert_int_equal(mmu_notifier_register(&b, mm), 0);
	assert_false(hlist_unhashed(&a.hlist));
	mmgrab(mm);
	mmput(mm);
	t->mm = NULL;
	/* Both were called listed, and both are unlinked now. */
	assert_int_equal(atomic_load(&listed_in_release), 2);
	assert_true(hlist_unhashed(&a.hlist));
	assert_true(hlist_unhashed(&b.hlist));
	/* An unregister after the exit calls no ->release. */
	mmu_notifier_unregister(&a, mm);
	mmu_notifier_unregister(&b, mm);
	assert_int_equal(atomic_load(&listed_in_release), 2);
	mmdrop(mm);
}

/* unregister, too, calls ->release first and unlinks after. */
static void test_unregister_releases_while_still_listed(void **state)
{
	struct mt *t = *state;
	struct mmu_notifier a = { .ops = &listed_ops };

	atomic_store(&listed_in_release, 0);
	assert_int_equal(mmu_notifier_register(&a, t->mm), 0);
	mmu_notifier_unregister(&a, t->mm);
	assert_int_equal(atomic_load(&listed_in_release), 1);
	assert_true(hlist_unhashed(&a.hlist));
}

/*
 * The 6.6 secondary-TLB hook: a subscriber with only
 * ->arch_invalidate_secondary_tlbs hears of every TLB flush the model
 * makes, covering the range, before the pages are freed; never from
 * invalidate_range_end().
 */
struct tlb_sub {
	struct mmu_notifier mn;
	atomic_int calls;
	unsigned long start, end; /* the union of the ranges flushed */
	/* Frames still allocated at the first flush of each test step. */
	long frames_at_flush;
	struct msim_machine *m;
};

static void tlb_flush(struct mmu_notifier *mn, struct mm_struct *mm,
		      unsigned long start, unsigned long end)
{
	struct tlb_sub *s = container_of(mn, struct tlb_sub, mn);

	(void)mm;
	pthread_mutex_lock(&record_lock);
	if (!atomic_fetch_add(&s->calls, 1))
		s->frames_at_flush = msim_live(s->m, MSIM_ALLOC_FRAME);
	if (start < s->start)
		s->start = start;
	if (end > s->end)
		s->end = end;
	pthread_mutex_unlock(&record_lock);
}

static const struct mmu_notifier_ops tlb_ops = {
	.arch_invalidate_secondary_tlbs = tlb_flush,
};

static void tlb_reset(struct tlb_sub *s)
{
	atomic_store(&s->calls, 0);
	s->start = ULONG_MAX;
	s->end = 0;
}

static void test_arch_invalidate_secondary_tlbs_at_tlb_flushes(void **state)
{
	struct mt *t = *state;
	struct mm_struct *mm = t->mm;
	struct tlb_sub s = { .mn.ops = &tlb_ops, .m = t->m };
	struct task_struct *parent, *child;
	long frames;

	assert_int_equal(mmu_notifier_register(&s.mn, mm), 0);
	mt_map_fixed(mm, BASE, 4 * t->page, PROT_RW);
	mt_touch(mm, BASE, 4 * t->page, MSIM_ACCESS_WRITE);

	/* An invalidation by itself flushes nothing. */
	tlb_reset(&s);
	invalidate(mm, BASE, BASE + t->page);
	assert_int_equal(atomic_load(&s.calls), 0);

	/* mprotect() to read-only: flushed over the range. */
	tlb_reset(&s);
	mt_mprotect(mm, BASE, 4 * t->page, PROT_READ);
	assert_true(atomic_load(&s.calls) >= 1);
	assert_true(s.start <= BASE && s.end >= BASE + 4 * t->page);
	mt_mprotect(mm, BASE, 4 * t->page, PROT_RW);

	/* munmap(): the mmu_gather's flush, before the frames are freed. */
	tlb_reset(&s);
	frames = msim_live(t->m, MSIM_ALLOC_FRAME);
	mt_munmap(mm, BASE + 2 * t->page, 2 * t->page);
	assert_true(atomic_load(&s.calls) >= 1);
	assert_true(s.start <= BASE + 2 * t->page &&
		    s.end >= BASE + 4 * t->page);
	assert_int_equal(s.frames_at_flush, frames);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), frames - 2);

	/* fork: the parent's PTEs lose their write bit (flush_tlb_mm()). */
	parent = msim_task_create(t->m, "p");
	assert_false(IS_ERR(parent));
	mmput(parent->mm);
	mmget(mm);
	parent->mm = parent->active_mm = mm;
	tlb_reset(&s);
	child = msim_fork(parent, 0, "c");
	assert_false(IS_ERR(child));
	assert_true(atomic_load(&s.calls) >= 1);
	assert_int_equal(s.start, 0);
	assert_int_equal(s.end, ULONG_MAX);

	/* A COW fault replaces the PTE with ptep_clear_flush(). */
	tlb_reset(&s);
	mt_touch(mm, BASE, t->page, MSIM_ACCESS_WRITE);
	assert_int_equal(atomic_load(&s.calls), 1);
	assert_int_equal(s.start, BASE);
	assert_int_equal(s.end, BASE + t->page);

	msim_task_put(child);
	msim_task_put(parent);
	mmu_notifier_unregister(&s.mn, mm);
}

/* get/put */

static atomic_int nr_alloc_notifier;

static struct mmu_notifier *gp_alloc(struct mm_struct *mm)
{
	struct counter *c = calloc(1, sizeof(*c));

	(void)mm;
	if (!c)
		return ERR_PTR(-ENOMEM);
	atomic_fetch_add(&nr_alloc_notifier, 1);
	return &c->mn;
}

static atomic_int nr_free_notifier;

static void gp_free(struct mmu_notifier *mn)
{
	atomic_fetch_add(&nr_free_notifier, 1);
	free(to_counter(mn));
}

static const struct mmu_notifier_ops gp_ops = {
	.release = c_release,
	.clear_young = c_clear_young,
	.alloc_notifier = gp_alloc,
	.free_notifier = gp_free,
};

static struct mmu_notifier *gp_alloc_fails(struct mm_struct *mm)
{
	(void)mm;
	return ERR_PTR(-ENOSPC);
}

static const struct mmu_notifier_ops gp_fail_ops = {
	.alloc_notifier = gp_alloc_fails,
	.free_notifier = gp_free,
};

static void test_get_shares_one_subscription_and_put_frees_it(void **state)
{
	struct mt *t = *state;
	struct mmu_notifier *a, *b;
	int count = mm_count(t->mm);

	atomic_store(&nr_alloc_notifier, 0);
	atomic_store(&nr_free_notifier, 0);
	a = mmu_notifier_get(&gp_ops, t->mm);
	assert_false(IS_ERR(a));
	b = mmu_notifier_get(&gp_ops, t->mm);
	assert_ptr_equal(a, b);
	assert_int_equal(a->users, 2);
	assert_ptr_equal(a->ops, &gp_ops);
	assert_int_equal(atomic_load(&nr_alloc_notifier), 1);
	assert_int_equal(mm_count(t->mm), count + 1);

	mmu_notifier_put(b);
	mmu_notifier_synchronize();
	assert_int_equal(atomic_load(&nr_free_notifier), 0);
	assert_int_equal(a->users, 1);

	mmu_notifier_put(a);
	mmu_notifier_synchronize();
	assert_int_equal(atomic_load(&nr_free_notifier), 1);
	assert_int_equal(mm_count(t->mm), count);

	/* Gone from the list: a new get allocates again. */
	a = mmu_notifier_get(&gp_ops, t->mm);
	assert_false(IS_ERR(a));
	assert_int_equal(atomic_load(&nr_alloc_notifier), 2);
	mmu_notifier_put(a);
	mmu_notifier_synchronize();
	assert_int_equal(atomic_load(&nr_free_notifier), 2);
	/* put does not call ->release. */
	assert_int_equal(mm_count(t->mm), count);
}

static void test_put_frees_only_after_the_readers_left(void **state)
{
	struct mt *t = *state;
	struct counter reader = { 0 };
	struct mmu_notifier *victim;

	atomic_store(&nr_free_notifier, 0);
	reader.mn.ops = &counter_ops;
	assert_int_equal(mmu_notifier_register(&reader.mn, t->mm), 0);
	victim = mmu_notifier_get(&gp_ops, t->mm);
	assert_false(IS_ERR(victim));
	to_counter(victim)->freed = &nr_free_notifier;

	/* The last put happens inside a callback, so inside SRCU. */
	reader.put_in_callback = victim;
	reader.mn.users = 1;
	reader.freed = &nr_free_notifier;
	mmu_notifier_clear_young(t->mm, BASE, BASE + t->page);
	assert_int_equal(atomic_load(&reader.freed_seen_in_callback), 0);
	mmu_notifier_synchronize();
	assert_int_equal(atomic_load(&nr_free_notifier), 1);

	mmu_notifier_unregister(&reader.mn, t->mm);
}

static void test_get_errors(void **state)
{
	struct mt *t = *state;
	struct mmu_notifier *mn;
	int count = mm_count(t->mm);

	mn = mmu_notifier_get(&gp_fail_ops, t->mm);
	assert_true(IS_ERR(mn));
	assert_int_equal(PTR_ERR(mn), -ENOSPC);

	/* The subscription structure cannot be made: the notifier is freed. */
	atomic_store(&nr_free_notifier, 0);
	atomic_store(&nr_alloc_notifier, 0);
	msim_fail_nth(t->m, 1 << MSIM_ALLOC_OTHER, 1);
	mn = mmu_notifier_get(&gp_ops, t->mm);
	msim_fail_nth(t->m, 0, 0);
	assert_true(IS_ERR(mn));
	assert_int_equal(PTR_ERR(mn), -ENOMEM);
	assert_int_equal(atomic_load(&nr_alloc_notifier), 1);
	assert_int_equal(atomic_load(&nr_free_notifier), 1);
	assert_false(mm_has_notifiers(t->mm));
	assert_int_equal(mm_count(t->mm), count);
}

static void test_put_after_exit_frees_without_release(void **state)
{
	struct mt *t = *state;
	struct mm_struct *mm = t->mm;
	struct mmu_notifier *mn;
	struct counter *c;

	atomic_store(&nr_free_notifier, 0);
	mn = mmu_notifier_get(&gp_ops, mm);
	assert_false(IS_ERR(mn));
	c = to_counter(mn);
	mmput(mm); /* the get pins the struct */
	t->mm = NULL;
	assert_int_equal(atomic_load(&c->release), 1);
	mmu_notifier_put(mn);
	/* The free drops the last reference and frees the mm too. */
	mmu_notifier_synchronize();
	assert_int_equal(atomic_load(&nr_free_notifier), 1);
}

/* Invalidation of classic subscribers. */

static void test_end_calls_invalidate_range_unless_only_end(void **state)
{
	struct mt *t = *state;
	struct counter c = { 0 };
	struct mmu_notifier_range range;

	c.mn.ops = &counter_ops;
	assert_int_equal(mmu_notifier_register(&c.mn, t->mm), 0);

	mmu_notifier_range_init(&range, MMU_NOTIFY_UNMAP, 0, NULL, t->mm, BASE,
				BASE + 8 * t->page);
	mmap_read_lock(t->mm);
	mmu_notifier_invalidate_range_start(&range);
	assert_int_equal(atomic_load(&c.start), 1);
	assert_int_equal(c.event, MMU_NOTIFY_UNMAP);
	mmu_notifier_invalidate_range(t->mm, BASE, BASE + t->page);
	assert_int_equal(atomic_load(&c.inv_range), 1);
	mmu_notifier_invalidate_range_end(&range);
	mmap_read_unlock(t->mm);
	assert_int_equal(atomic_load(&c.end), 1);
	/* The end flushes the whole range once more. */
	assert_int_equal(atomic_load(&c.inv_range), 2);
	assert_int_equal(c.start_addr, BASE);
	assert_int_equal(c.end_addr, BASE + 8 * t->page);

	mmap_read_lock(t->mm);
	mmu_notifier_invalidate_range_start(&range);
	mmu_notifier_invalidate_range_only_end(&range);
	mmap_read_unlock(t->mm);
	assert_int_equal(atomic_load(&c.start), 2);
	assert_int_equal(atomic_load(&c.end), 2);
	assert_int_equal(atomic_load(&c.inv_range), 2);

	mmu_notifier_unregister(&c.mn, t->mm);
}

static void test_nonblock_start_fails_and_ends_the_started(void **state)
{
	struct mt *t = *state;
	struct counter ok1 = { 0 }, bad = { 0 }, ok2 = { 0 };
	struct mmu_notifier_range range;
	int ret;

	ok1.mn.ops = &counter_ops;
	bad.mn.ops = &failing_ops;
	bad.start_ret = -EAGAIN;
	ok2.mn.ops = &counter_ops;
	assert_int_equal(mmu_notifier_register(&ok1.mn, t->mm), 0);
	assert_int_equal(mmu_notifier_register(&bad.mn, t->mm), 0);
	assert_int_equal(mmu_notifier_register(&ok2.mn, t->mm), 0);

	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, NULL, t->mm, BASE,
				BASE + t->page);
	mmap_read_lock(t->mm);
	ret = mmu_notifier_invalidate_range_start_nonblock(&range);
	mmap_read_unlock(t->mm);
	assert_int_equal(ret, -EAGAIN);
	/* Every start is called, before and after the failing one... */
	assert_int_equal(atomic_load(&ok1.start), 1);
	assert_int_equal(atomic_load(&bad.start), 1);
	assert_int_equal(atomic_load(&ok2.start), 1);
	assert_false(ok1.flags & MMU_NOTIFIER_RANGE_BLOCKABLE);
	/* ...then every end, since the caller will call none. */
	assert_int_equal(atomic_load(&ok1.end), 1);
	assert_int_equal(atomic_load(&ok2.end), 1);
	/* The range_end path's flush is not part of the failure. */
	assert_int_equal(atomic_load(&ok1.inv_range), 0);

	/* When nobody fails, the non-blocking start is just a start. */
	bad.start_ret = 0;
	mmap_read_lock(t->mm);
	ret = mmu_notifier_invalidate_range_start_nonblock(&range);
	assert_int_equal(ret, 0);
	assert_int_equal(atomic_load(&ok1.end), 1);
	mmu_notifier_invalidate_range_end(&range);
	mmap_read_unlock(t->mm);
	assert_int_equal(atomic_load(&ok1.end), 2);
	assert_int_equal(atomic_load(&ok2.end), 2);

	mmu_notifier_unregister(&ok1.mn, t->mm);
	mmu_notifier_unregister(&bad.mn, t->mm);
	mmu_notifier_unregister(&ok2.mn, t->mm);
}

static void test_young_hooks_aggregate(void **state)
{
	struct mt *t = *state;
	struct counter a = { 0 }, b = { 0 };

	a.mn.ops = &counter_ops;
	b.mn.ops = &counter_ops;
	assert_int_equal(mmu_notifier_clear_flush_young(t->mm, BASE, BASE + 1),
			 0);
	assert_int_equal(mmu_notifier_register(&a.mn, t->mm), 0);
	assert_int_equal(mmu_notifier_register(&b.mn, t->mm), 0);

	assert_int_equal(
		mmu_notifier_clear_flush_young(t->mm, BASE, BASE + t->page), 0);
	a.young = 1;
	assert_int_equal(
		mmu_notifier_clear_flush_young(t->mm, BASE, BASE + t->page), 1);
	/* Every subscriber is aged, whatever the others answered. */
	assert_int_equal(atomic_load(&a.clear_flush_young), 2);
	assert_int_equal(atomic_load(&b.clear_flush_young), 2);

	assert_int_equal(mmu_notifier_clear_young(t->mm, BASE, BASE + t->page),
			 1);
	a.young = 0;
	assert_int_equal(mmu_notifier_clear_young(t->mm, BASE, BASE + t->page),
			 0);
	assert_int_equal(atomic_load(&a.clear_young), 2);
	assert_int_equal(atomic_load(&b.clear_young), 2);

	assert_int_equal(mmu_notifier_test_young(t->mm, BASE), 0);
	b.young = 1;
	assert_int_equal(mmu_notifier_test_young(t->mm, BASE), 1);
	a.young = 1;
	assert_int_equal(mmu_notifier_test_young(t->mm, BASE), 1);
	assert_int_equal(b.start_addr, BASE);

	mmu_notifier_unregister(&a.mn, t->mm);
	mmu_notifier_unregister(&b.mn, t->mm);
}

/* The PTE helpers on a real mapping. */
static void test_pte_notify_helpers(void **state)
{
	struct mt *t = *state;
	struct counter a = { 0 }, b = { 0 };
	struct vm_area_struct *vma;
	pte_t *ptep, old, now;
	const struct msim_arch *arch = t->mm->arch;
	int young, cleared_again, flush_young;

	a.mn.ops = &counter_ops;
	b.mn.ops = &counter_ops;
	assert_int_equal(mmu_notifier_register(&a.mn, t->mm), 0);
	assert_int_equal(mmu_notifier_register(&b.mn, t->mm), 0);
	mt_map_fixed(t->mm, BASE, 2 * t->page, PROT_RW);
	mt_touch(t->mm, BASE, t->page, MSIM_ACCESS_WRITE);
	vma = mt_vma(t->mm, BASE);
	assert_non_null(vma);

	mmap_read_lock(t->mm);
	spin_lock(&t->mm->page_table_lock);
	ptep = msim_pte_offset(t->mm, BASE);
	young = ptep_clear_young_notify(vma, BASE, ptep);
	cleared_again = ptep_clear_young_notify(vma, BASE, ptep);
	b.young = 1;
	flush_young = ptep_clear_flush_young_notify(vma, BASE, ptep);
	b.young = 0;

	old = ptep_clear_flush_notify(vma, BASE + 5, ptep);
	now = *ptep;
	set_pte_at_notify(t->mm, BASE, ptep, old);
	spin_unlock(&t->mm->page_table_lock);
	mmap_read_unlock(t->mm);

	/* The primary entry was young; then neither MMU had it young. */
	assert_int_equal(young, 1);
	assert_int_equal(cleared_again, 0);
	assert_int_equal(flush_young, 1);
	assert_int_equal(atomic_load(&a.clear_young), 2);
	assert_int_equal(atomic_load(&a.clear_flush_young), 1);
	assert_false(pte_young(arch, old));

	/* The clear flushed the secondary TLBs for the whole page. */
	assert_true(pte_present(arch, old));
	assert_true(pte_none(now));
	assert_int_equal(atomic_load(&a.inv_range), 1);
	assert_int_equal(atomic_load(&b.inv_range), 1);
	assert_int_equal(a.start_addr, BASE);

	/* change_pte saw the new entry before it was set. */
	assert_int_equal(atomic_load(&a.change_pte), 1);
	assert_int_equal(atomic_load(&b.change_pte), 1);
	assert_int_equal(pte_val(a.pte), pte_val(old));
	assert_int_equal(pte_val(mt_pte(t->mm, BASE)), pte_val(old));
	check_all(t->mm);

	mmu_notifier_unregister(&a.mn, t->mm);
	mmu_notifier_unregister(&b.mn, t->mm);
}

static void test_update_to_read_only(void **state)
{
	struct mt *t = *state;
	struct mmu_notifier_range range;
	struct vm_area_struct *vma;

	mt_map_fixed(t->mm, BASE, t->page, PROT_READ);
	vma = mt_vma(t->mm, BASE);
	mmu_notifier_range_init(&range, MMU_NOTIFY_PROTECTION_VMA, 0, vma,
				t->mm, BASE, BASE + t->page);
	assert_true(mmu_notifier_range_update_to_read_only(&range));
	range.event = MMU_NOTIFY_PROTECTION_PAGE;
	assert_false(mmu_notifier_range_update_to_read_only(&range));
	range.event = MMU_NOTIFY_PROTECTION_VMA;
	range.vma = NULL;
	assert_false(mmu_notifier_range_update_to_read_only(&range));
	mt_mprotect(t->mm, BASE, t->page, PROT_NONE);
	range.vma = vma = mt_vma(t->mm, BASE);
	assert_false(mmu_notifier_range_update_to_read_only(&range));

	mmu_notifier_range_init_owner(&range, MMU_NOTIFY_MIGRATE, 0, NULL,
				      t->mm, BASE, BASE + t->page, t);
	assert_ptr_equal(range.owner, t);
	assert_int_equal(range.event, MMU_NOTIFY_MIGRATE);
}

/* Interval subscriptions. */

struct mirror {
	struct mmu_interval_notifier sub;
	pthread_mutex_t lock; /* the driver lock around set_seq/retry */
	atomic_int calls;
	unsigned long cur_seq;
	enum mmu_notifier_event event;
	unsigned long start, end;
	bool fail_nonblock;
	/* The MMU_NOTIFY_RELEASE invalidations and the last one's range. */
	atomic_int releases;
	unsigned long release_start, release_end;
	/* Hold the callback until the gate reaches hold_until. */
	struct gate *gate;
	int entered_step, hold_until;
};

static bool mirror_invalidate(struct mmu_interval_notifier *sub,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq)
{
	struct mirror *mr = container_of(sub, struct mirror, sub);

	if (mr->fail_nonblock && !mmu_notifier_range_blockable(range))
		return false;
	pthread_mutex_lock(&mr->lock);
	mmu_interval_set_seq(sub, cur_seq);
	mr->cur_seq = cur_seq;
	mr->event = range->event;
	mr->start = range->start;
	mr->end = range->end;
	pthread_mutex_unlock(&mr->lock);
	atomic_fetch_add(&mr->calls, 1);
	if (range->event == MMU_NOTIFY_RELEASE) {
		atomic_fetch_add(&mr->releases, 1);
		mr->release_start = range->start;
		mr->release_end = range->end;
	}
	if (mr->gate) {
		gate_set(mr->gate, mr->entered_step);
		gate_wait(mr->gate, mr->hold_until);
	}
	return true;
}

static const struct mmu_interval_notifier_ops mirror_ops = {
	.invalidate = mirror_invalidate,
};

static void mirror_init(struct mirror *mr)
{
	memset(mr, 0, sizeof(*mr));
	pthread_mutex_init(&mr->lock, NULL);
}

static void mirror_destroy(struct mirror *mr)
{
	pthread_mutex_destroy(&mr->lock);
}

static bool mirror_retry(struct mirror *mr, unsigned long seq)
{
	bool retry;

	pthread_mutex_lock(&mr->lock);
	retry = mmu_interval_read_retry(&mr->sub, seq);
	pthread_mutex_unlock(&mr->lock);
	return retry;
}

static void test_interval_insert_rejects_bad_ranges(void **state)
{
	struct mt *t = *state;
	struct mirror mr;
	int count = mm_count(t->mm);

	mirror_init(&mr);
	assert_int_equal(mmu_interval_notifier_insert(&mr.sub, t->mm, BASE, 0,
						      &mirror_ops),
			 -EOVERFLOW);
	assert_int_equal(mmu_interval_notifier_insert(&mr.sub, t->mm,
						      ULONG_MAX - 10, 12,
						      &mirror_ops),
			 -EOVERFLOW);
	/* Up to the very last address is fine. */
	assert_int_equal(mmu_interval_notifier_insert(&mr.sub, t->mm,
						      ULONG_MAX - 10, 11,
						      &mirror_ops),
			 0);
	assert_int_equal(mm_count(t->mm), count + 1);
	invalidate(t->mm, ULONG_MAX - 1, ULONG_MAX);
	assert_int_equal(atomic_load(&mr.calls), 1);
	mmu_interval_notifier_remove(&mr.sub);
	assert_int_equal(mm_count(t->mm), count);
	mirror_destroy(&mr);
}

static void test_interval_only_overlapping_ranges_are_called(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct mirror a, b, c;
	int count = mm_count(t->mm);

	mirror_init(&a);
	mirror_init(&b);
	mirror_init(&c);
	assert_int_equal(mmu_interval_notifier_insert(&a.sub, t->mm, BASE,
						      4 * p, &mirror_ops),
			 0);
	mmap_write_lock(t->mm);
	assert_int_equal(
		mmu_interval_notifier_insert_locked(&b.sub, t->mm, BASE + 2 * p,
						    4 * p, &mirror_ops),
		0);
	mmap_write_unlock(t->mm);
	assert_int_equal(mmu_interval_notifier_insert(
				 &c.sub, t->mm, BASE + 10 * p, p, &mirror_ops),
			 0);
	assert_int_equal(mm_count(t->mm), count + 3);

	/* [BASE + 4p, BASE + 5p): only b. */
	invalidate(t->mm, BASE + 4 * p, BASE + 5 * p);
	assert_int_equal(atomic_load(&a.calls), 0);
	assert_int_equal(atomic_load(&b.calls), 1);
	assert_int_equal(atomic_load(&c.calls), 0);
	assert_int_equal(b.start, BASE + 4 * p);
	assert_int_equal(b.event, MMU_NOTIFY_CLEAR);
	/* The window number handed to the callback is odd. */
	assert_true(b.cur_seq & 1);

	/* Ends are exclusive: [BASE + 6p, BASE + 10p) touches nothing. */
	invalidate(t->mm, BASE + 6 * p, BASE + 10 * p);
	assert_int_equal(atomic_load(&b.calls), 1);
	assert_int_equal(atomic_load(&c.calls), 0);

	/* Both a and b, once each. */
	invalidate(t->mm, BASE + 3 * p, BASE + 3 * p + 1);
	assert_int_equal(atomic_load(&a.calls), 1);
	assert_int_equal(atomic_load(&b.calls), 2);
	/* One window, one number for both. */
	assert_int_equal(a.cur_seq, b.cur_seq);

	mmu_interval_notifier_remove(&b.sub);
	invalidate(t->mm, 0, ULONG_MAX);
	assert_int_equal(atomic_load(&a.calls), 2);
	assert_int_equal(atomic_load(&b.calls), 2);
	assert_int_equal(atomic_load(&c.calls), 1);

	mmu_interval_notifier_remove(&a.sub);
	mmu_interval_notifier_remove(&c.sub);
	assert_int_equal(mm_count(t->mm), count);
	mirror_destroy(&a);
	mirror_destroy(&b);
	mirror_destroy(&c);
}

static void test_read_begin_and_retry_protocol(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page, seq, seq2;
	struct mirror a;

	mirror_init(&a);
	assert_int_equal(mmu_interval_notifier_insert(&a.sub, t->mm, BASE,
						      2 * p, &mirror_ops),
			 0);
	/* Nothing is running: the read side starts at once, odd. */
	seq = mmu_interval_read_begin(&a.sub);
	assert_true(seq & 1);
	assert_false(mirror_retry(&a, seq));
	assert_false(mmu_interval_check_retry(&a.sub, seq));

	/* A miss leaves the read side valid. */
	invalidate(t->mm, BASE + 2 * p, BASE + 3 * p);
	assert_false(mmu_interval_check_retry(&a.sub, seq));
	assert_false(mirror_retry(&a, seq));

	/* A hit makes it retry, for good. */
	invalidate(t->mm, BASE + p, BASE + 2 * p);
	assert_true(mmu_interval_check_retry(&a.sub, seq));
	assert_true(mirror_retry(&a, seq));
	assert_true(mirror_retry(&a, seq));

	/* The retry starts from the new number. */
	seq2 = mmu_interval_read_begin(&a.sub);
	assert_int_equal(seq2, a.cur_seq);
	assert_int_not_equal(seq2, seq);
	assert_false(mirror_retry(&a, seq2));

	mmu_interval_notifier_remove(&a.sub);
	mirror_destroy(&a);
}

struct reader {
	struct mirror *mr;
	pthread_t thread;
	unsigned long seq;
	atomic_bool done;
};

static void *reader_fn(void *arg)
{
	struct reader *r = arg;

	r->seq = mmu_interval_read_begin(&r->mr->sub);
	atomic_store(&r->done, true);
	return NULL;
}

static void reader_start(struct reader *r, struct mirror *mr)
{
	r->mr = mr;
	r->seq = 0;
	atomic_store(&r->done, false);
	assert_int_equal(pthread_create(&r->thread, NULL, reader_fn, r), 0);
}

static void reader_join(struct reader *r)
{
	assert_int_equal(pthread_join(r->thread, NULL), 0);
	assert_true(atomic_load(&r->done));
}

/* An open invalidation of [@start, @end), as range_start leaves it. */
static void start_open_range(struct mm_struct *mm,
			     struct mmu_notifier_range *range,
			     unsigned long start, unsigned long end)
{
	mmu_notifier_range_init(range, MMU_NOTIFY_UNMAP, 0, NULL, mm, start,
				end);
	mmap_read_lock(mm);
	mmu_notifier_invalidate_range_start(range);
}

static void end_open_range(struct mmu_notifier_range *range)
{
	mmu_notifier_invalidate_range_end(range);
	mmap_read_unlock(range->mm);
}

static void test_read_begin_waits_while_a_hit_is_running(void **state)
{
	int mark;
	struct mt *t = *state;
	unsigned long p = t->page;
	struct mmu_notifier_range range;
	struct reader r;
	struct mirror a, b;

	mirror_init(&a);
	mirror_init(&b);
	assert_int_equal(mmu_interval_notifier_insert(&a.sub, t->mm, BASE, p,
						      &mirror_ops),
			 0);
	assert_int_equal(mmu_interval_notifier_insert(
				 &b.sub, t->mm, BASE + 4 * p, p, &mirror_ops),
			 0);

	start_open_range(t->mm, &range, BASE, BASE + p);
	assert_int_equal(atomic_load(&a.calls), 1);
	assert_true(a.cur_seq & 1);
	assert_int_equal(a.event, MMU_NOTIFY_UNMAP);

	/* b was not hit; its read side may run during the window. */
	assert_false(mirror_retry(&b, mmu_interval_read_begin(&b.sub)));

	mark = parked("invalidate_seq");
	reader_start(&r, &a);
	settle("invalidate_seq", mark);
	assert_false(atomic_load(&r.done));
	end_open_range(&range);
	reader_join(&r);
	/* It waited for the window that hit it, and is valid after it. */
	assert_int_equal(r.seq, a.cur_seq);
	assert_false(mirror_retry(&a, r.seq));

	mmu_interval_notifier_remove(&a.sub);
	mmu_interval_notifier_remove(&b.sub);
	mirror_destroy(&a);
	mirror_destroy(&b);
}

static void test_insert_during_a_hit_is_deferred(void **state)
{
	int mark;
	struct mt *t = *state;
	unsigned long p = t->page;
	struct mmu_notifier_range range, inner;
	struct reader r;
	struct mirror a, b;

	mirror_init(&a);
	mirror_init(&b);
	assert_int_equal(mmu_interval_notifier_insert(&a.sub, t->mm, BASE,
						      4 * p, &mirror_ops),
			 0);

	start_open_range(t->mm, &range, BASE, BASE + 4 * p);
	assert_int_equal(mmu_interval_notifier_insert(&b.sub, t->mm, BASE,
						      4 * p, &mirror_ops),
			 0);
	/* It counts as invalidated by the open window... */
	assert_int_equal(b.sub.invalidate_seq, a.cur_seq);
	/* ...but is not in the frozen tree: a nested hit misses it. */
	mmu_notifier_range_init(&inner, MMU_NOTIFY_CLEAR, 0, NULL, t->mm, BASE,
				BASE + p);
	mmu_notifier_invalidate_range_start(&inner);
	mmu_notifier_invalidate_range_end(&inner);
	assert_int_equal(atomic_load(&a.calls), 2);
	assert_int_equal(atomic_load(&b.calls), 0);

	mark = parked("invalidate_seq");
	reader_start(&r, &b);
	settle("invalidate_seq", mark);
	assert_false(atomic_load(&r.done));
	end_open_range(&range);
	reader_join(&r);
	assert_false(mirror_retry(&b, r.seq));

	/* Now it is in the tree. */
	invalidate(t->mm, BASE, BASE + p);
	assert_int_equal(atomic_load(&b.calls), 1);
	assert_true(mirror_retry(&b, r.seq));

	mmu_interval_notifier_remove(&a.sub);
	mmu_interval_notifier_remove(&b.sub);
	mirror_destroy(&a);
	mirror_destroy(&b);
}

static void test_insert_during_a_miss_waits_for_it(void **state)
{
	int mark;
	struct mt *t = *state;
	unsigned long p = t->page;
	struct mmu_notifier_range range;
	struct reader r;
	struct mirror b;

	mirror_init(&b);
	/* An mm with interval subscriptions but nothing in the range. */
	assert_int_equal(mmu_interval_notifier_insert(
				 &b.sub, t->mm, BASE + 8 * p, p, &mirror_ops),
			 0);
	mmu_interval_notifier_remove(&b.sub);

	start_open_range(t->mm, &range, BASE, BASE + p);
	/*
	 * The running invalidation might cover the new range: it goes in
	 * at once but its read side waits for the invalidation to end.
	 */
	assert_int_equal(mmu_interval_notifier_insert(&b.sub, t->mm, BASE, p,
						      &mirror_ops),
			 0);
	mark = parked("invalidate_seq");
	reader_start(&r, &b);
	settle("invalidate_seq", mark);
	assert_false(atomic_load(&r.done));
	end_open_range(&range);
	reader_join(&r);
	assert_false(mirror_retry(&b, r.seq));
	assert_int_equal(atomic_load(&b.calls), 0);

	invalidate(t->mm, BASE, BASE + p);
	assert_int_equal(atomic_load(&b.calls), 1);
	mmu_interval_notifier_remove(&b.sub);
	mirror_destroy(&b);
}

struct remover {
	struct mirror *mr;
	pthread_t thread;
	atomic_bool done;
};

static void *remover_fn(void *arg)
{
	struct remover *rm = arg;

	mmu_interval_notifier_remove(&rm->mr->sub);
	atomic_store(&rm->done, true);
	return NULL;
}

static void remover_start(struct remover *rm, struct mirror *mr)
{
	rm->mr = mr;
	atomic_store(&rm->done, false);
	assert_int_equal(pthread_create(&rm->thread, NULL, remover_fn, rm), 0);
}

static void remover_join(struct remover *rm)
{
	assert_int_equal(pthread_join(rm->thread, NULL), 0);
	assert_true(atomic_load(&rm->done));
}

static void test_remove_during_a_hit_waits_for_it(void **state)
{
	int mark;
	struct mt *t = *state;
	unsigned long p = t->page;
	struct mmu_notifier_range range;
	struct remover rm;
	struct mirror a, b;
	int count = mm_count(t->mm);

	mirror_init(&a);
	mirror_init(&b);
	assert_int_equal(mmu_interval_notifier_insert(&a.sub, t->mm, BASE, p,
						      &mirror_ops),
			 0);
	assert_int_equal(mmu_interval_notifier_insert(
				 &b.sub, t->mm, BASE + 2 * p, p, &mirror_ops),
			 0);

	start_open_range(t->mm, &range, BASE, BASE + p);
	mark = parked("invalidate_seq");
	remover_start(&rm, &b);
	settle("invalidate_seq", mark);
	assert_false(atomic_load(&rm.done));
	end_open_range(&range);
	remover_join(&rm);
	assert_int_equal(mm_count(t->mm), count + 1);

	invalidate(t->mm, BASE, BASE + 4 * p);
	assert_int_equal(atomic_load(&a.calls), 2);
	assert_int_equal(atomic_load(&b.calls), 0);

	mmu_interval_notifier_remove(&a.sub);
	assert_int_equal(mm_count(t->mm), count);
	mirror_destroy(&a);
	mirror_destroy(&b);
}

static void test_remove_cancels_a_deferred_insert(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct mmu_notifier_range range;
	struct mirror a, b;
	int count = mm_count(t->mm);

	mirror_init(&a);
	mirror_init(&b);
	assert_int_equal(mmu_interval_notifier_insert(&a.sub, t->mm, BASE, p,
						      &mirror_ops),
			 0);
	start_open_range(t->mm, &range, BASE, BASE + p);
	assert_int_equal(mmu_interval_notifier_insert(&b.sub, t->mm, BASE, p,
						      &mirror_ops),
			 0);
	/* Never made it into the tree: gone at once. */
	mmu_interval_notifier_remove(&b.sub);
	assert_int_equal(mm_count(t->mm), count + 1);
	end_open_range(&range);

	invalidate(t->mm, BASE, BASE + p);
	assert_int_equal(atomic_load(&a.calls), 2);
	assert_int_equal(atomic_load(&b.calls), 0);
	mmu_interval_notifier_remove(&a.sub);
	mirror_destroy(&a);
	mirror_destroy(&b);
}

struct invalidator {
	struct mm_struct *mm;
	unsigned long start, end;
	pthread_t thread;
	atomic_bool done;
};

static void *invalidator_fn(void *arg)
{
	struct invalidator *iv = arg;

	invalidate(iv->mm, iv->start, iv->end);
	atomic_store(&iv->done, true);
	return NULL;
}

/* The 2022 race: remove must not return while a callback still runs. */
static void test_remove_waits_for_a_running_callback(void **state)
{
	int mark;
	struct mt *t = *state;
	unsigned long p = t->page;
	struct invalidator iv = { .mm = t->mm, .start = BASE, .end = BASE + p };
	struct remover rm;
	struct gate gate;
	struct mirror a;

	gate_init(&gate);
	mirror_init(&a);
	a.gate = &gate;
	a.entered_step = 1;
	a.hold_until = 2;
	assert_int_equal(mmu_interval_notifier_insert(&a.sub, t->mm, BASE, p,
						      &mirror_ops),
			 0);

	assert_int_equal(pthread_create(&iv.thread, NULL, invalidator_fn, &iv),
			 0);
	gate_wait(&gate, 1); /* a's ->invalidate is running */
	mark = parked("invalidate_seq");
	remover_start(&rm, &a);
	settle("invalidate_seq", mark);
	assert_false(atomic_load(&rm.done));
	assert_false(atomic_load(&iv.done));

	gate_set(&gate, 2);
	assert_int_equal(pthread_join(iv.thread, NULL), 0);
	remover_join(&rm);
	assert_int_equal(atomic_load(&a.calls), 1);
	mirror_destroy(&a);
	gate_destroy(&gate);
}

static void test_interval_nonblock_failure(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct mmu_notifier_range range;
	struct counter c = { 0 };
	struct mirror a, b;
	int ret;

	mirror_init(&a);
	mirror_init(&b);
	c.mn.ops = &counter_ops;
	assert_int_equal(mmu_notifier_register(&c.mn, t->mm), 0);
	/* b sorts first, succeeds; a cannot proceed without sleeping. */
	assert_int_equal(mmu_interval_notifier_insert(&b.sub, t->mm, BASE, p,
						      &mirror_ops),
			 0);
	assert_int_equal(mmu_interval_notifier_insert(&a.sub, t->mm, BASE + p,
						      p, &mirror_ops),
			 0);
	a.fail_nonblock = true;

	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, NULL, t->mm, BASE,
				BASE + 2 * p);
	mmap_read_lock(t->mm);
	ret = mmu_notifier_invalidate_range_start_nonblock(&range);
	mmap_read_unlock(t->mm);
	assert_int_equal(ret, -EAGAIN);
	assert_int_equal(atomic_load(&b.calls), 1);
	assert_int_equal(atomic_load(&a.calls), 0);
	/* The classic subscribers were not even started. */
	assert_int_equal(atomic_load(&c.start), 0);
	assert_int_equal(atomic_load(&c.end), 0);
	/* The window was closed: b's read side does not wait. */
	assert_false(mirror_retry(&b, mmu_interval_read_begin(&b.sub)));

	/* Blocking, a proceeds. */
	invalidate(t->mm, BASE, BASE + 2 * p);
	assert_int_equal(atomic_load(&a.calls), 1);
	assert_int_equal(atomic_load(&c.start), 1);
	assert_int_equal(atomic_load(&c.end), 1);

	mmu_interval_notifier_remove(&a.sub);
	mmu_interval_notifier_remove(&b.sub);
	mmu_notifier_unregister(&c.mn, t->mm);
	mirror_destroy(&a);
	mirror_destroy(&b);
}

/* The intervals pass, a classic subscriber fails: nothing stays open. */
static void test_classic_failure_after_intervals_closes_window(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct mmu_notifier_range range;
	struct counter bad = { 0 };
	struct mirror b;
	int ret;

	mirror_init(&b);
	bad.mn.ops = &failing_ops;
	bad.start_ret = -EAGAIN;
	assert_int_equal(mmu_notifier_register(&bad.mn, t->mm), 0);
	assert_int_equal(mmu_interval_notifier_insert(&b.sub, t->mm, BASE, p,
						      &mirror_ops),
			 0);

	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, NULL, t->mm, BASE,
				BASE + p);
	mmap_read_lock(t->mm);
	ret = mmu_notifier_invalidate_range_start_nonblock(&range);
	mmap_read_unlock(t->mm);
	assert_int_equal(ret, -EAGAIN);
	assert_int_equal(atomic_load(&b.calls), 1);
	assert_int_equal(atomic_load(&bad.start), 1);
	assert_false(mirror_retry(&b, mmu_interval_read_begin(&b.sub)));
	/* And remove does not wait for a window nobody will close. */
	mmu_interval_notifier_remove(&b.sub);
	mmu_notifier_unregister(&bad.mn, t->mm);
	mirror_destroy(&b);
}

static void test_exit_invalidates_every_interval(void **state)
{
	struct mt *t = *state;
	struct mm_struct *mm = t->mm;
	unsigned long p = t->page;
	struct counter c = { 0 };
	struct mirror a, b;

	mirror_init(&a);
	mirror_init(&b);
	c.mn.ops = &counter_ops;
	assert_int_equal(mmu_notifier_register(&c.mn, mm), 0);
	assert_int_equal(
		mmu_interval_notifier_insert(&a.sub, mm, BASE, p, &mirror_ops),
		0);
	assert_int_equal(mmu_interval_notifier_insert(
				 &b.sub, mm, 0x7f0000000000UL, p, &mirror_ops),
			 0);
	mt_map_fixed(mm, BASE, 4 * p, PROT_RW);
	mt_touch(mm, BASE, 4 * p, MSIM_ACCESS_WRITE);

	mmput(mm);
	t->mm = NULL;
	/* Every subscription, mapped or not, loses the whole space once. */
	assert_int_equal(atomic_load(&a.releases), 1);
	assert_int_equal(a.release_start, 0);
	assert_int_equal(a.release_end, ULONG_MAX);
	assert_int_equal(atomic_load(&b.releases), 1);
	assert_int_equal(atomic_load(&c.release), 1);

	/* The subscriptions pin the struct; the last one frees it. */
	mmu_notifier_unregister(&c.mn, mm);
	mmu_interval_notifier_remove(&a.sub);
	mmu_interval_notifier_remove(&b.sub);
	mirror_destroy(&a);
	mirror_destroy(&b);
}

/* The interval tree against a brute-force list. */

#define NR_ITN 300

static void test_interval_tree_matches_brute_force(void **state)
{
	struct interval_tree_node *nodes = calloc(NR_ITN, sizeof(*nodes));
	bool *in = calloc(NR_ITN, sizeof(*in));
	struct msim_avl_root root = MSIM_AVL_ROOT;
	struct mt_rng rng = { mt_seed(__func__) };
	int i, round;

	(void)state;
	assert_non_null(nodes);
	assert_non_null(in);
	for (round = 0; round < 3000; round++) {
		struct interval_tree_node *n;
		unsigned long qs, ql, prev_start = 0;
		int found = 0, want = 0;

		i = (int)mt_rand_below(&rng, NR_ITN);
		if (in[i]) {
			interval_tree_remove(&nodes[i], &root);
			assert_true(msim_interval_tree_node_empty(&nodes[i]));
			in[i] = false;
		} else {
			nodes[i].start = mt_rand_below(&rng, 1000);
			nodes[i].last = nodes[i].start +
					mt_rand_below(&rng, 1 + (i % 7) * 30);
			interval_tree_insert(&nodes[i], &root);
			in[i] = true;
		}
		assert_int_equal(msim_interval_tree_check(&root), 0);

		qs = mt_rand_below(&rng, 1100);
		ql = qs + mt_rand_below(&rng, 100);
		for (i = 0; i < NR_ITN; i++)
			if (in[i] && nodes[i].start <= ql &&
			    nodes[i].last >= qs)
				want++;
		for (n = interval_tree_iter_first(&root, qs, ql); n;
		     n = interval_tree_iter_next(n, qs, ql)) {
			assert_true(n->start <= ql && n->last >= qs);
			assert_true(n->start >= prev_start);
			assert_true(in[n - nodes]);
			prev_start = n->start;
			found++;
		}
		assert_int_equal(found, want);
	}
	free(nodes);
	free(in);
}

/* SRCU */

struct srcu_reader {
	struct srcu_struct *ssp;
	struct gate *gate;
	pthread_t thread;
};

static void *srcu_reader_fn(void *arg)
{
	struct srcu_reader *r = arg;
	int idx = srcu_read_lock(r->ssp);

	gate_set(r->gate, 1);
	gate_wait(r->gate, 2);
	srcu_read_unlock(r->ssp, idx);
	return NULL;
}

struct srcu_syncer {
	struct srcu_struct *ssp;
	pthread_t thread;
	atomic_bool done;
};

static void *srcu_syncer_fn(void *arg)
{
	struct srcu_syncer *s = arg;

	synchronize_srcu(s->ssp);
	atomic_store(&s->done, true);
	return NULL;
}

struct tagged_cb {
	struct rcu_head head;
	int tag;
};

static int cb_order[8];
static atomic_int cb_count;

static void srcu_cb(struct rcu_head *head)
{
	struct tagged_cb *cb = container_of(head, struct tagged_cb, head);

	cb_order[atomic_fetch_add(&cb_count, 1)] = cb->tag;
}

static void test_srcu_waits_for_earlier_readers_only(void **state)
{
	int mark;
	struct srcu_struct ss;
	struct gate gate;
	struct srcu_reader r = { .ssp = &ss, .gate = &gate };
	struct srcu_syncer s = { .ssp = &ss };
	int idx;

	(void)state;
	init_srcu_struct(&ss);
	gate_init(&gate);
	assert_int_equal(pthread_create(&r.thread, NULL, srcu_reader_fn, &r),
			 0);
	gate_wait(&gate, 1);
	mark = parked("srcu");
	assert_int_equal(pthread_create(&s.thread, NULL, srcu_syncer_fn, &s),
			 0);
	settle("srcu", mark);
	assert_false(atomic_load(&s.done));
	/* A reader from after the grace period began is not waited for. */
	idx = srcu_read_lock(&ss);
	gate_set(&gate, 2);
	assert_int_equal(pthread_join(r.thread, NULL), 0);
	assert_int_equal(pthread_join(s.thread, NULL), 0);
	assert_true(atomic_load(&s.done));
	srcu_read_unlock(&ss, idx);

	/* No reader: nothing to wait for. */
	synchronize_srcu(&ss);
	gate_destroy(&gate);
	cleanup_srcu_struct(&ss);
}

static void test_srcu_callbacks_run_after_readers_in_order(void **state)
{
	struct srcu_struct ss;
	struct tagged_cb cbs[4];
	int idx, i;

	(void)state;
	init_srcu_struct(&ss);
	atomic_store(&cb_count, 0);
	idx = srcu_read_lock(&ss);
	for (i = 0; i < 3; i++) {
		cbs[i].tag = i;
		call_srcu(&ss, &cbs[i].head, srcu_cb);
	}
	/* A reader from before the calls is still inside. */
	assert_int_equal(atomic_load(&cb_count), 0);
	srcu_read_unlock(&ss, idx);
	srcu_barrier(&ss);
	assert_int_equal(atomic_load(&cb_count), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(cb_order[i], i);

	/* Even without readers, only a grace period runs them. */
	cbs[3].tag = 3;
	call_srcu(&ss, &cbs[3].head, srcu_cb);
	assert_int_equal(atomic_load(&cb_count), 3);
	synchronize_srcu(&ss);
	assert_int_equal(atomic_load(&cb_count), 4);
	assert_int_equal(cb_order[3], 3);
	cleanup_srcu_struct(&ss);
}

/*
 * Everything at once, for the race detectors: invalidators (blocking and
 * not), mirrors inserting, reading and removing, classic subscribers
 * coming and going, and aging, all on one mm.  A mirror's read side
 * "maps" only when mmu_interval_read_retry() allows it and its
 * ->invalidate unmaps under the same lock; an invalidator checks, between
 * start and end, that no mirror covering its range is mapped.
 */

#define STRESS_MIRRORS 3
#define STRESS_ROUNDS 300

struct stress {
	struct mm_struct *mm;
	unsigned long page;
	atomic_bool stop;
	atomic_int violations;
	atomic_int mirror_calls;
	/* The stress mirrors, with whether each is inserted and mapped. */
	struct smirror {
		struct mmu_interval_notifier sub;
		pthread_mutex_t lock;
		bool inserted, mapped;
		unsigned long start, end;
		struct stress *s;
	} mirrors[STRESS_MIRRORS];
};

static bool smirror_invalidate(struct mmu_interval_notifier *sub,
			       const struct mmu_notifier_range *range,
			       unsigned long cur_seq)
{
	struct smirror *m = container_of(sub, struct smirror, sub);

	(void)range;
	pthread_mutex_lock(&m->lock);
	mmu_interval_set_seq(sub, cur_seq);
	m->mapped = false;
	pthread_mutex_unlock(&m->lock);
	atomic_fetch_add(&m->s->mirror_calls, 1);
	return true;
}

static const struct mmu_interval_notifier_ops smirror_ops = {
	.invalidate = smirror_invalidate,
};

static void *stress_invalidator(void *arg)
{
	struct stress *s = arg;
	struct mt_rng rng = { (uint64_t)pthread_self() };
	struct mmu_notifier_range range;
	unsigned long start;
	int round, i;

	for (round = 0; round < STRESS_ROUNDS || !atomic_load(&s->stop);
	     round++) {
		start = BASE + mt_rand_below(&rng, 16) * s->page;
		mmu_notifier_range_init(
			&range, MMU_NOTIFY_CLEAR, 0, NULL, s->mm, start,
			start + (1 + mt_rand_below(&rng, 4)) * s->page);
		mmap_read_lock(s->mm);
		if (round & 1) {
			if (mmu_notifier_invalidate_range_start_nonblock(
				    &range)) {
				mmap_read_unlock(s->mm);
				continue;
			}
		} else {
			mmu_notifier_invalidate_range_start(&range);
		}
		for (i = 0; i < STRESS_MIRRORS; i++) {
			struct smirror *m = &s->mirrors[i];

			pthread_mutex_lock(&m->lock);
			if (m->inserted && m->mapped && m->start < range.end &&
			    range.start < m->end)
				atomic_fetch_add(&s->violations, 1);
			pthread_mutex_unlock(&m->lock);
		}
		mmu_notifier_invalidate_range_end(&range);
		mmap_read_unlock(s->mm);
		if (!(round % 8))
			sched_yield();
	}
	return NULL;
}

static void *stress_mirror(void *arg)
{
	struct smirror *m = arg;
	struct stress *s = m->s;
	struct mt_rng rng = { (uint64_t)(uintptr_t)m };
	unsigned long seq, start, len;
	int round, reads;

	for (round = 0; round < STRESS_ROUNDS / 10; round++) {
		start = BASE + mt_rand_below(&rng, 16) * s->page;
		len = (1 + mt_rand_below(&rng, 4)) * s->page;
		pthread_mutex_lock(&m->lock);
		m->start = start;
		m->end = start + len;
		m->mapped = false;
		pthread_mutex_unlock(&m->lock);
		if (mmu_interval_notifier_insert(&m->sub, s->mm, start, len,
						 &smirror_ops)) {
			atomic_fetch_add(&s->violations, 1);
			return NULL;
		}
		pthread_mutex_lock(&m->lock);
		m->inserted = true;
		pthread_mutex_unlock(&m->lock);

		for (reads = 0; reads < 10; reads++) {
			/* Now and then collide with ourselves. */
			if (reads == 5 && (round & 1))
				invalidate(s->mm, start, start + s->page);
			seq = mmu_interval_read_begin(&m->sub);
			/* (Here a driver would look at the page tables.) */
			if (mmu_interval_check_retry(&m->sub, seq))
				continue;
			pthread_mutex_lock(&m->lock);
			if (!mmu_interval_read_retry(&m->sub, seq))
				m->mapped = true;
			pthread_mutex_unlock(&m->lock);
		}

		pthread_mutex_lock(&m->lock);
		m->inserted = false;
		m->mapped = false;
		pthread_mutex_unlock(&m->lock);
		mmu_interval_notifier_remove(&m->sub);
	}
	return NULL;
}

static void *stress_classic(void *arg)
{
	struct stress *s = arg;
	struct counter c;
	struct mmu_notifier *mn;
	int round;

	for (round = 0; round < STRESS_ROUNDS / 10; round++) {
		memset(&c, 0, sizeof(c));
		c.mn.ops = &counter_ops;
		if (mmu_notifier_register(&c.mn, s->mm)) {
			atomic_fetch_add(&s->violations, 1);
			return NULL;
		}
		mn = mmu_notifier_get(&gp_ops, s->mm);
		if (IS_ERR(mn)) {
			atomic_fetch_add(&s->violations, 1);
			return NULL;
		}
		mmu_notifier_clear_young(s->mm, BASE, BASE + s->page);
		mmu_notifier_test_young(s->mm, BASE);
		mmu_notifier_change_pte(s->mm, BASE, __pte(0));
		mmu_notifier_put(mn);
		mmu_notifier_unregister(&c.mn, s->mm);
		if (atomic_load(&c.release) != 1)
			atomic_fetch_add(&s->violations, 1);
	}
	return NULL;
}

static void test_stress_everything_at_once(void **state)
{
	struct mt *t = *state;
	struct stress *s = calloc(1, sizeof(*s));
	pthread_t inv[2], mir[STRESS_MIRRORS], cls;
	int i;

	assert_non_null(s);
	s->mm = t->mm;
	s->page = t->page;
	for (i = 0; i < STRESS_MIRRORS; i++) {
		pthread_mutex_init(&s->mirrors[i].lock, NULL);
		s->mirrors[i].s = s;
	}
	for (i = 0; i < 2; i++)
		assert_int_equal(
			pthread_create(&inv[i], NULL, stress_invalidator, s),
			0);
	for (i = 0; i < STRESS_MIRRORS; i++)
		assert_int_equal(pthread_create(&mir[i], NULL, stress_mirror,
						&s->mirrors[i]),
				 0);
	assert_int_equal(pthread_create(&cls, NULL, stress_classic, s), 0);
	for (i = 0; i < STRESS_MIRRORS; i++)
		assert_int_equal(pthread_join(mir[i], NULL), 0);
	assert_int_equal(pthread_join(cls, NULL), 0);
	atomic_store(&s->stop, true);
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_join(inv[i], NULL), 0);
	mmu_notifier_synchronize();

	assert_int_equal(atomic_load(&s->violations), 0);
	assert_true(atomic_load(&s->mirror_calls) > 0);
	for (i = 0; i < STRESS_MIRRORS; i++)
		pthread_mutex_destroy(&s->mirrors[i].lock);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		mt_test(test_register_pins_mm_and_unregister_releases_once),
		mt_test(test_exit_releases_then_unregister_does_not),
		mt_test(test_release_when_exit_races_unregister),
		mt_test(test_release_runs_while_still_listed),
		mt_test(test_unregister_releases_while_still_listed),
		mt_test(test_arch_invalidate_secondary_tlbs_at_tlb_flushes),
		mt_test_coldfire(
			test_arch_invalidate_secondary_tlbs_at_tlb_flushes),
		mt_test(test_get_shares_one_subscription_and_put_frees_it),
		mt_test(test_put_frees_only_after_the_readers_left),
		mt_test(test_get_errors),
		mt_test(test_put_after_exit_frees_without_release),
		mt_test(test_end_calls_invalidate_range_unless_only_end),
		mt_test(test_nonblock_start_fails_and_ends_the_started),
		mt_test(test_young_hooks_aggregate),
		mt_test(test_pte_notify_helpers),
		mt_test(test_update_to_read_only),
		mt_test(test_interval_insert_rejects_bad_ranges),
		mt_test(test_interval_only_overlapping_ranges_are_called),
		mt_test(test_read_begin_and_retry_protocol),
		mt_test(test_read_begin_waits_while_a_hit_is_running),
		mt_test(test_insert_during_a_hit_is_deferred),
		mt_test(test_insert_during_a_miss_waits_for_it),
		mt_test(test_remove_during_a_hit_waits_for_it),
		mt_test(test_remove_cancels_a_deferred_insert),
		mt_test(test_remove_waits_for_a_running_callback),
		mt_test(test_interval_nonblock_failure),
		mt_test(test_classic_failure_after_intervals_closes_window),
		mt_test(test_exit_invalidates_every_interval),
		mt_test_coldfire(
			test_interval_only_overlapping_ranges_are_called),
		mt_test_coldfire(test_pte_notify_helpers),
		mt_test(test_stress_everything_at_once),
		cmocka_unit_test(test_interval_tree_matches_brute_force),
		cmocka_unit_test(test_srcu_waits_for_earlier_readers_only),
		cmocka_unit_test(
			test_srcu_callbacks_run_after_readers_in_order),
	};

	return cmocka_run_group_tests(tests, install_park_hooks,
				      remove_park_hooks);
}
