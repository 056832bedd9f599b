// SPDX-License-Identifier: MIT
/*
 * The event record (<mmsim/trace.h>): one test per kind of event, each
 * making the library emit it and checking its thread and arguments; the
 * ring's bound and its message when events are dropped; recording from a
 * worker process into the caller's ring; and the three views of one
 * record (<mmsim/trace_view.h>): nesting repaired, flows linking an
 * invalidation to its unmaps and its end, the timeline's layout.  The
 * ColdFire CPU's events are in test_trace_coldfire.c; the JSON is checked
 * whole by tests/trace/trace_json_check.c, the page in a browser by
 * tests/trace/browser.sh.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <mmsim/drivers.h>
#include <mmsim/mmsim.h>
#include <mmsim/scheduler.h>

#define BASE 0x10000000UL
#define PAGE 0x1000UL
#define NONE UINT64_MAX

static struct msim_trace *rec;

static int rec_setup(void **state)
{
	(void)state;
	rec = msim_trace_create(NULL);
	assert_non_null(rec);
	msim_trace_start(rec);
	return 0;
}

static int rec_teardown(void **state)
{
	(void)state;
	msim_trace_destroy(rec);
	rec = NULL;
	return 0;
}

/* The @n-th event (from 0) of @kind, or NULL. */
static const struct msim_trace_event *nth(enum msim_trace_kind kind,
					  unsigned int n)
{
	unsigned long i, count = msim_trace_count(rec);

	for (i = 0; i < count; i++) {
		const struct msim_trace_event *e = msim_trace_get(rec, i);

		if (e && e->kind == kind && !n--)
			return e;
	}
	return NULL;
}

/* The first event of @kind whose string @s is @str, or NULL. */
static const struct msim_trace_event *find_str(enum msim_trace_kind kind,
					       unsigned int s, const char *str)
{
	unsigned long i, count = msim_trace_count(rec);

	for (i = 0; i < count; i++) {
		const struct msim_trace_event *e = msim_trace_get(rec, i);

		if (e && e->kind == kind && !strcmp(msim_trace_str(e, s), str))
			return e;
	}
	return NULL;
}

/* The first lock event of @kind on the lock called @name, in @mode. */
static const struct msim_trace_event *find_lock(enum msim_trace_kind kind,
						const char *name,
						enum msim_trace_lock_mode mode)
{
	unsigned long i, count = msim_trace_count(rec);

	for (i = 0; i < count; i++) {
		const struct msim_trace_event *e = msim_trace_get(rec, i);

		if (e && e->kind == kind && e->a[1] == mode &&
		    !strcmp(msim_trace_str(e, 0), name))
			return e;
	}
	return NULL;
}

static unsigned long count_kind(enum msim_trace_kind kind)
{
	unsigned long i, count = msim_trace_count(rec), n = 0;

	for (i = 0; i < count; i++) {
		const struct msim_trace_event *e = msim_trace_get(rec, i);

		n += e && e->kind == kind;
	}
	return n;
}

static const char *thread_of(const struct msim_trace_event *e)
{
	return msim_trace_thread_name(rec, e->tid);
}

/* A view of the record as a string (freed by the caller). */
static char *view(int which, bool all)
{
	struct msim_trace_view_opts vo = { .all = all };
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int ret;

	assert_non_null(f);
	ret = which == 0   ? msim_trace_write_timeline(rec, f, &vo)
	      : which == 1 ? msim_trace_write_json(rec, f)
			   : msim_trace_write_html(rec, f, &vo);
	fclose(f);
	assert_int_equal(ret, 0);
	return buf;
}

static void assert_contains(const char *s, const char *want)
{
	if (!strstr(s, want))
		fail_msg("lacks \"%s\" in:\n%s", want, s);
}

/* A machine and a task with a page mapped at BASE. */
struct world {
	struct msim_machine *m;
	struct task_struct *tsk;
	struct mm_struct *mm;
};

static void world_up(struct world *w, unsigned long pages)
{
	struct msim_machine_config cfg = { .ram_bytes = 16UL << 20 };

	w->m = msim_machine_create(&cfg);
	assert_non_null(w->m);
	w->tsk = msim_task_create(w->m, "app");
	assert_non_null(w->tsk);
	w->mm = w->tsk->mm;
	assert_int_equal(msim_mmap(w->mm, BASE, pages * PAGE,
				   PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED),
			 (long)BASE);
}

static void world_down(struct world *w)
{
	msim_task_put(w->tsk);
	assert_int_equal(msim_machine_destroy(w->m), 0);
}

static void touch(struct world *w, unsigned long addr, bool write)
{
	unsigned char b = 1;

	assert_int_equal(
		msim_user_access(w->mm, addr, &b, 1,
				 write ? MSIM_ACCESS_WRITE : MSIM_ACCESS_READ,
				 NULL),
		0);
}

/* The record itself. */

static void test_off_records_nothing(void **state)
{
	struct msim_trace *t = msim_trace_create(NULL);

	(void)state;
	assert_non_null(t);
	assert_false(msim_trace_recording());
	msim_trace_mark(1, "not recorded");
	msim_trace(MSIM_TRACE_PAGE_FREE, .a = { 1 });
	assert_int_equal(msim_trace_count(t), 0);
	msim_trace_start(t);
	assert_true(msim_trace_recording());
	msim_trace_mark(2, "recorded");
	msim_trace_stop(t);
	assert_false(msim_trace_recording());
	msim_trace_mark(3, "not recorded either");
	assert_int_equal(msim_trace_count(t), 1);
	assert_string_equal(msim_trace_str(msim_trace_get(t, 0), 0),
			    "recorded");
	msim_trace_destroy(t);
}

static void test_ring_drops_oldest(void **state)
{
	struct msim_trace_opts o = { .events = 8 };
	struct msim_trace *t = msim_trace_create(&o);
	const struct msim_trace_event *e;
	unsigned int i;
	char *tl;

	(void)state;
	assert_non_null(t);
	msim_trace_start(t);
	for (i = 1; i <= 20; i++)
		msim_trace_mark(i, "mark %u", i);
	msim_trace_stop(t);
	assert_int_equal(msim_trace_capacity(t), 8);
	assert_int_equal(msim_trace_count(t), 8);
	assert_int_equal(msim_trace_dropped(t), 12);
	for (i = 0; i < 8; i++) {
		e = msim_trace_get(t, i);
		assert_non_null(e);
		assert_int_equal(e->seq, 13 + i);
		assert_int_equal(e->a[0], 13 + i);
	}
	assert_null(msim_trace_get(t, 8));
	/* Every view says so first. */
	msim_trace_destroy(rec);
	rec = t;
	tl = view(0, false);
	assert_contains(tl, "12 events dropped: the ring keeps the last 8 of "
			    "20");
	free(tl);
	tl = view(1, false);
	assert_contains(tl, "\"dropped\": 12");
	free(tl);
	tl = view(2, false);
	assert_contains(tl, "<p class=\"warning\">12 events dropped");
	free(tl);
	msim_trace_clear(t);
	assert_int_equal(msim_trace_count(t), 0);
	assert_int_equal(msim_trace_dropped(t), 0);
	/* rec_teardown destroys it */
	rec = t;
}

static void test_too_large_ring_refused(void **state)
{
	struct msim_trace_opts o = { .events = (1UL << 26) + 1 };

	(void)state;
	errno = 0;
	assert_null(msim_trace_create(&o));
	assert_int_equal(errno, EINVAL);
}

static void test_strings(void **state)
{
	char long_text[400];
	const struct msim_trace_event *e;

	(void)state;
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	msim_trace(MSIM_TRACE_LOCK_ACQUIRED,
		   .s = { "name", "function", "file.c" },
		   .a = { 7, MSIM_TRACE_LOCK_WRITE, 42 });
	msim_trace_mark(0, "%s", long_text);
	e = nth(MSIM_TRACE_LOCK_ACQUIRED, 0);
	assert_non_null(e);
	assert_string_equal(msim_trace_str(e, 0), "name");
	assert_string_equal(msim_trace_str(e, 1), "function");
	assert_string_equal(msim_trace_str(e, 2), "file.c");
	assert_int_equal(e->a[2], 42);
	e = nth(MSIM_TRACE_MARK, 0);
	assert_int_equal(strlen(msim_trace_str(e, 0)), MSIM_TRACE_STR - 1);
	/* A string cut says so. */
	assert_string_equal(msim_trace_str(e, 0) + MSIM_TRACE_STR - 4, "...");
	assert_string_equal(msim_trace_str(e, 1), "");
}

static void test_mark_and_thread_names(void **state)
{
	const struct msim_trace_event *e;
	unsigned int a, old;

	(void)state;
	msim_trace_mark(12, "munmap 0x%lx", BASE);
	a = msim_trace_thread("writer");
	assert_int_equal(msim_trace_thread("writer"), a);
	assert_int_not_equal(a, 0);
	old = msim_trace_set_thread(a);
	assert_int_equal(old, 0);
	msim_trace_mark(0, "from the writer");
	msim_trace_set_thread(old);
	e = nth(MSIM_TRACE_MARK, 0);
	assert_string_equal(msim_trace_str(e, 0), "munmap 0x10000000");
	assert_int_equal(e->a[0], 12);
	assert_string_equal(thread_of(e), "main");
	assert_int_equal(e->step, MSIM_TRACE_NO_STEP);
	e = nth(MSIM_TRACE_MARK, 1);
	assert_string_equal(thread_of(e), "writer");
	assert_int_equal(msim_trace_nr_threads(rec), 2);
}

/* Locks. */

static void test_lock_events(void **state)
{
	const struct msim_trace_event *e;
	struct rw_semaphore sem;
	spinlock_t lock;
	int line;

	(void)state;
	spin_lock_init(&lock);
	lock.name = "test_lock";
	init_rwsem(&sem);
	sem.name = "test_sem";
	line = __LINE__ + 1;
	spin_lock(&lock);
	spin_unlock(&lock);
	down_read(&sem);
	up_read(&sem);
	assert_true(down_write_trylock(&sem));
	downgrade_write(&sem);
	up_read(&sem);

	e = find_str(MSIM_TRACE_LOCK_ASK, 0, "test_lock");
	assert_non_null(e);
	assert_int_equal(e->a[0], msim_lock_id(&lock));
	assert_int_equal(e->a[1], MSIM_TRACE_LOCK_SPIN);
	assert_int_equal(e->a[3], 0);
	e = find_str(MSIM_TRACE_LOCK_ACQUIRED, 0, "test_lock");
	assert_non_null(e);
	assert_string_equal(msim_trace_str(e, 1), "test_lock_events");
	assert_string_equal(msim_trace_str(e, 2), "test_trace.c");
	assert_int_equal(e->a[2], line);
	e = find_str(MSIM_TRACE_LOCK_RELEASED, 0, "test_lock");
	assert_non_null(e);
	assert_int_equal(e->a[0], msim_lock_id(&lock));
	assert_int_equal(e->a[1], MSIM_TRACE_LOCK_SPIN);

	e = find_str(MSIM_TRACE_LOCK_ACQUIRED, 0, "test_sem");
	assert_int_equal(e->a[0], sem.msim_id);
	assert_int_equal(e->a[1], MSIM_TRACE_LOCK_READ);
	/* The trylock, then the downgrade: released for writing, held for
	 * reading. */
	e = nth(MSIM_TRACE_LOCK_ACQUIRED, 2);
	assert_string_equal(msim_trace_str(e, 0), "test_sem");
	assert_int_equal(e->a[1], MSIM_TRACE_LOCK_WRITE);
	assert_int_equal(e->a[3], 1);
	e = nth(MSIM_TRACE_LOCK_RELEASED, 2);
	assert_int_equal(e->a[1], MSIM_TRACE_LOCK_WRITE);
	e = nth(MSIM_TRACE_LOCK_ACQUIRED, 3);
	assert_int_equal(e->a[1], MSIM_TRACE_LOCK_READ);
	assert_int_equal(count_kind(MSIM_TRACE_LOCK_RELEASED), 4);
	msim_rwsem_destroy(&sem);
	msim_spin_lock_destroy(&lock);
}

static void test_srcu_events(void **state)
{
	const struct msim_trace_event *e;
	struct srcu_struct ss;
	int idx;

	(void)state;
	init_srcu_struct(&ss);
	idx = srcu_read_lock(&ss);
	srcu_read_unlock(&ss, idx);
	synchronize_srcu(&ss);
	e = nth(MSIM_TRACE_SRCU_READ_LOCK, 0);
	assert_non_null(e);
	assert_int_equal(e->a[0], ss.msim_id);
	assert_int_equal(e->a[1], (uint64_t)idx);
	e = nth(MSIM_TRACE_SRCU_READ_UNLOCK, 0);
	assert_int_equal(e->a[0], ss.msim_id);
	assert_int_equal(e->a[1], (uint64_t)idx);
	e = nth(MSIM_TRACE_SRCU_SYNC_BEGIN, 0);
	assert_int_equal(e->a[0], ss.msim_id);
	e = nth(MSIM_TRACE_SRCU_SYNC_END, 0);
	assert_non_null(e);
	assert_true(e->seq > nth(MSIM_TRACE_SRCU_SYNC_BEGIN, 0)->seq);
	cleanup_srcu_struct(&ss);
}

/* Controlled threads: waits, wakes and the scheduler's decisions. */

static struct {
	spinlock_t lock;
	int polls;
} ct;

static void *ct_setup(void *arg)
{
	(void)arg;
	spin_lock_init(&ct.lock);
	ct.lock.name = "ct_lock";
	ct.polls = 0;
	return &ct;
}

static void ct_holder(void *arg)
{
	(void)arg;
	spin_lock(&ct.lock);
	msim_preempt_point("held");
	spin_unlock(&ct.lock);
}

static void ct_waiter(void *arg)
{
	(void)arg;
	spin_lock(&ct.lock);
	spin_unlock(&ct.lock);
}

static void ct_check(struct msim_run *run, void *arg)
{
	(void)arg;
	msim_run_fail(run, "check", "the check ran\nsecond line");
}

static void ct_teardown(void *arg)
{
	(void)arg;
	msim_spin_lock_destroy(&ct.lock);
}

static const struct msim_sched_test ct_test = {
	.setup = ct_setup,
	.nthreads = 2,
	.names = { "holder", "waiter" },
	.threads = { ct_holder, ct_waiter },
	.check = ct_check,
	.teardown = ct_teardown,
};

static void run_ct(const struct msim_sched_test *t, const char *schedule,
		   bool in_process)
{
	struct msim_explore_opts o;
	struct msim_explore_result res;
	char err[256];

	msim_explore_opts_init(&o);
	o.in_process = in_process;
	assert_int_equal(
		msim_sched_test_replay(t, schedule, &o, &res, err, sizeof(err)),
		0);
	msim_explore_result_free(&res);
}

static void check_ct_events(void)
{
	const struct msim_trace_event *e, *start;

	/* The holder stops at "held" with the lock; the waiter blocks. */
	e = nth(MSIM_TRACE_SCHED_PREEMPT, 0);
	assert_non_null(e);
	assert_string_equal(thread_of(e), "holder");
	assert_string_equal(msim_trace_str(e, 0), "held");
	assert_string_equal(msim_trace_thread_name(rec, (unsigned int)e->a[0]),
			    "waiter");
	start = nth(MSIM_TRACE_THREAD_START, 1);
	assert_string_equal(thread_of(start), "waiter");
	/* The waiter starts at the step the preemption decided. */
	assert_int_equal(start->step, e->step);
	assert_true(e->step != MSIM_TRACE_NO_STEP && e->step > 0);

	e = find_str(MSIM_TRACE_WAIT, 0, "ct_lock");
	assert_non_null(e);
	assert_string_equal(thread_of(e), "waiter");
	assert_int_equal(e->a[0], (uintptr_t)&ct.lock);
	e = nth(MSIM_TRACE_SCHED_BLOCK, 0);
	assert_non_null(e);
	assert_string_equal(thread_of(e), "waiter");
	assert_string_equal(msim_trace_str(e, 0), "ct_lock");
	assert_string_equal(msim_trace_thread_name(rec, (unsigned int)e->a[0]),
			    "holder");
	e = nth(MSIM_TRACE_SCHED_WAKE, 0);
	assert_non_null(e);
	assert_string_equal(thread_of(e), "holder");
	assert_string_equal(msim_trace_str(e, 0), "ct_lock");
	assert_string_equal(msim_trace_thread_name(rec, (unsigned int)e->a[0]),
			    "waiter");
	e = find_str(MSIM_TRACE_WAITED, 0, "ct_lock");
	assert_non_null(e);
	assert_string_equal(thread_of(e), "waiter");
	assert_true(e->seq > nth(MSIM_TRACE_SCHED_WAKE, 0)->seq);
	assert_int_equal(count_kind(MSIM_TRACE_THREAD_END), 2);
	assert_string_not_equal(thread_of(nth(MSIM_TRACE_THREAD_END, 0)),
				thread_of(nth(MSIM_TRACE_THREAD_END, 1)));
	/* The check's failure, first line. */
	e = nth(MSIM_TRACE_FAILURE, 0);
	assert_non_null(e);
	assert_string_equal(msim_trace_str(e, 0), "check");
	assert_string_equal(msim_trace_str(e, 1), "the check ran");
	assert_int_equal(e->step, MSIM_TRACE_NO_STEP);
}

static void test_sched_events(void **state)
{
	(void)state;
	run_ct(&ct_test, "holder@held,waiter,holder", true);
	check_ct_events();
}

/* The same run in a worker process records into this process's ring. */
static void test_worker_records_here(void **state)
{
	(void)state;
	run_ct(&ct_test, "holder@held,waiter,holder", false);
	check_ct_events();
}

static void yielder(void *arg)
{
	(void)arg;
	msim_sync_yield("poll");
}

static void other(void *arg)
{
	(void)arg;
	msim_preempt_point("other");
}

static void test_yield_and_wake_events(void **state)
{
	const struct msim_sched_test t = {
		.nthreads = 2,
		.names = { "poller", "other" },
		.threads = { yielder, other },
	};
	const struct msim_trace_event *e;
	pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
	int obj;

	(void)state;
	run_ct(&t, NULL, true);
	e = nth(MSIM_TRACE_SCHED_YIELD, 0);
	assert_non_null(e);
	assert_string_equal(thread_of(e), "poller");
	assert_string_equal(msim_trace_str(e, 0), "poll");
	assert_string_equal(msim_trace_thread_name(rec, (unsigned int)e->a[0]),
			    "other");
	/* A wake outside any lock's release. */
	msim_sync_wake(&obj, &cond, "something");
	e = find_str(MSIM_TRACE_WAKE, 0, "something");
	assert_non_null(e);
	assert_int_equal(e->a[0], (uintptr_t)&obj);
	pthread_cond_destroy(&cond);
}

static void free_mark(void *arg)
{
	msim_trace_mark(0, "%s", (const char *)arg);
}

static void test_free_threads_named(void **state)
{
	const struct msim_thread_spec specs[2] = {
		{ .name = "f1", .fn = free_mark, .arg = "one" },
		{ .name = "f2", .fn = free_mark, .arg = "two" },
	};
	const struct msim_trace_event *e;

	(void)state;
	assert_int_equal(msim_run_threads_free(2, specs), 0);
	e = find_str(MSIM_TRACE_MARK, 0, "one");
	assert_non_null(e);
	assert_string_equal(thread_of(e), "f1");
	e = find_str(MSIM_TRACE_MARK, 0, "two");
	assert_string_equal(thread_of(e), "f2");
}

/* Faults, PTEs, frames, TLBs. */

static void test_fault_pte_page_events(void **state)
{
	const struct msim_trace_event *e, *alloc, *free_ev;
	unsigned long i, tables = 0;
	struct world w;
	uint64_t pfn;

	(void)state;
	world_up(&w, 1);
	msim_trace_clear(rec); /* the mmap's events */
	touch(&w, BASE + 8, true);
	e = nth(MSIM_TRACE_FAULT_BEGIN, 0);
	assert_non_null(e);
	assert_int_equal(e->a[0], BASE + 8);
	assert_true(e->a[1] & FAULT_FLAG_WRITE);
	assert_int_equal(e->a[2], 1);
	assert_int_equal(e->a[3], (uintptr_t)w.mm);
	e = nth(MSIM_TRACE_FAULT_END, 0);
	assert_int_equal(e->a[0], BASE + 8);
	assert_int_equal(e->a[1], 0);
	assert_int_equal(e->a[3], (uintptr_t)w.mm);
	/* The page tables' frames, then the page's. */
	e = nth(MSIM_TRACE_PTE_SET, 0);
	assert_non_null(e);
	alloc = NULL;
	for (i = 0; i < count_kind(MSIM_TRACE_PAGE_ALLOC); i++) {
		const struct msim_trace_event *a =
			nth(MSIM_TRACE_PAGE_ALLOC, (unsigned int)i);

		tables += a->a[1] == 1;
		if (!a->a[1] && a->seq < e->seq)
			alloc = a;
	}
	assert_true(tables >= 3); /* the levels below the pgd */
	assert_non_null(alloc);
	pfn = alloc->a[0];
	assert_int_equal(e->a[0], BASE);
	assert_int_equal(e->a[1], 0);
	assert_int_not_equal(e->a[2], 0);
	assert_int_equal(e->a[3], (uintptr_t)w.mm);
	assert_int_equal(e->a[4], NONE);
	assert_int_equal(e->a[5], pfn);
	assert_true(e->seq > alloc->seq);
	/* The fault ran under the mmap lock taken for reading. */
	e = find_str(MSIM_TRACE_LOCK_ACQUIRED, 0, "mmap_lock");
	assert_non_null(e);
	assert_int_equal(e->a[0], w.mm->mmap_lock.msim_id);
	assert_int_equal(e->a[1], MSIM_TRACE_LOCK_READ);
	assert_string_equal(msim_trace_str(e, 1), "msim_handle_user_fault");
	assert_true(e->seq < nth(MSIM_TRACE_FAULT_BEGIN, 0)->seq);
	assert_null(find_lock(MSIM_TRACE_LOCK_ACQUIRED, "mmap_lock",
			      MSIM_TRACE_LOCK_WRITE));
	assert_int_equal(msim_munmap(w.mm, BASE, PAGE), 0);
	/* munmap takes it for writing, and releases it so. */
	e = find_lock(MSIM_TRACE_LOCK_ACQUIRED, "mmap_lock",
		      MSIM_TRACE_LOCK_WRITE);
	assert_non_null(e);
	assert_int_equal(e->a[0], w.mm->mmap_lock.msim_id);
	assert_true(e->seq > nth(MSIM_TRACE_FAULT_END, 0)->seq);
	assert_non_null(find_lock(MSIM_TRACE_LOCK_RELEASED, "mmap_lock",
				  MSIM_TRACE_LOCK_WRITE));
	e = nth(MSIM_TRACE_PTE_CLEAR, 0);
	assert_non_null(e);
	assert_int_equal(e->a[0], BASE);
	assert_int_equal(e->a[1], nth(MSIM_TRACE_PTE_SET, 0)->a[2]);
	assert_int_equal(e->a[2], 0);
	assert_int_equal(e->a[4], pfn);
	assert_int_equal(e->a[5], NONE);
	/* The frame freed (the page tables' frames go too, a1 1). */
	free_ev = NULL;
	for (i = 0; i < count_kind(MSIM_TRACE_PAGE_FREE); i++) {
		e = nth(MSIM_TRACE_PAGE_FREE, (unsigned int)i);
		if (!e->a[1]) {
			assert_null(free_ev);
			free_ev = e;
		}
	}
	assert_non_null(free_ev);
	assert_int_equal(free_ev->a[0], pfn);
	/* The gather's flush, before the page goes, then the CPU's. */
	e = nth(MSIM_TRACE_SECONDARY_TLB_FLUSH, 0);
	assert_non_null(e);
	assert_int_equal(e->a[0], BASE);
	assert_int_equal(e->a[1], BASE + PAGE);
	assert_int_equal(e->a[2], 1);
	assert_int_equal(e->a[3], (uintptr_t)w.mm);
	assert_true(e->seq < free_ev->seq);
	e = nth(MSIM_TRACE_TLB_FLUSH, 0);
	assert_non_null(e);
	assert_int_equal(e->a[0], BASE);
	assert_int_equal(e->a[1], BASE + PAGE);
	assert_int_equal(e->a[3], (uintptr_t)w.mm);
	world_down(&w);
}

/* A write-protect keeps the frame: old and new values, one pfn. */
static void test_pte_wrprotect(void **state)
{
	const struct msim_trace_event *e;
	struct world w;

	(void)state;
	world_up(&w, 1);
	touch(&w, BASE, true);
	msim_trace_clear(rec);
	assert_int_equal(msim_mprotect(w.mm, BASE, PAGE, PROT_READ), 0);
	e = nth(MSIM_TRACE_PTE_SET, 0);
	assert_non_null(e);
	assert_int_equal(e->a[0], BASE);
	assert_int_not_equal(e->a[1], e->a[2]);
	assert_int_equal(e->a[4], e->a[5]);
	assert_int_not_equal(e->a[5], NONE);
	world_down(&w);
}

/* Notifiers: a subscriber of our own. */

struct sub {
	struct mmu_notifier mn;
	int starts;
};

static int sub_start(struct mmu_notifier *mn,
		     const struct mmu_notifier_range *range)
{
	(void)range;
	container_of(mn, struct sub, mn)->starts++;
	return 0;
}

static void sub_end(struct mmu_notifier *mn,
		    const struct mmu_notifier_range *range)
{
	(void)mn;
	(void)range;
}

static const struct mmu_notifier_ops sub_ops = {
	.invalidate_range_start = sub_start,
	.invalidate_range_end = sub_end,
};

static void test_notifier_events(void **state)
{
	const struct msim_trace_event *b, *end, *e;
	struct mmu_notifier_range range;
	struct sub sub = { .mn.ops = &sub_ops };
	struct world w;
	int owner;

	(void)state;
	world_up(&w, 2);
	msim_trace_name_object(&sub.mn, "mine");
	assert_int_equal(mmu_notifier_register(&sub.mn, w.mm), 0);
	assert_int_equal(msim_munmap(w.mm, BASE, PAGE), 0);
	b = find_str(MSIM_TRACE_NOTIFIER_BEGIN, 0, "invalidate_range_start");
	assert_non_null(b);
	assert_string_equal(msim_trace_str(b, 1), "MMU_NOTIFY_UNMAP");
	assert_int_equal(b->a[0], BASE);
	assert_int_equal(b->a[1], BASE + PAGE);
	assert_int_equal(b->a[2], 1);
	assert_int_equal(b->a[3], 0);
	end = find_str(MSIM_TRACE_NOTIFIER_END, 0, "invalidate_range_start");
	assert_non_null(end);
	assert_int_equal(end->a[0], 0);
	assert_int_equal(end->a[4], b->a[4]);
	e = find_str(MSIM_TRACE_NOTIFIER_BEGIN, 0, "invalidate_range_end");
	assert_non_null(e);
	assert_int_equal(e->a[4], b->a[4]); /* the same range */
	e = find_str(MSIM_TRACE_CALLBACK_ENTER, 0, "invalidate_range_start");
	assert_non_null(e);
	assert_string_equal(msim_trace_str(e, 1), "mine");
	assert_int_equal(e->a[0], (uintptr_t)&sub.mn);
	assert_int_equal(e->a[2], 0);
	assert_true(e->seq > b->seq && e->seq < end->seq);
	e = find_str(MSIM_TRACE_CALLBACK_EXIT, 0, "invalidate_range_start");
	assert_non_null(e);
	assert_int_equal(e->a[0], (uintptr_t)&sub.mn);
	assert_int_equal(e->a[1], 0);
	assert_non_null(
		find_str(MSIM_TRACE_CALLBACK_ENTER, 0, "invalidate_range_end"));

	/* A range of a device owner that may not block. */
	msim_trace_clear(rec);
	mmu_notifier_range_init_owner(&range, MMU_NOTIFY_MIGRATE, 0, NULL, w.mm,
				      BASE + PAGE, BASE + 2 * PAGE, &owner);
	assert_int_equal(mmu_notifier_invalidate_range_start_nonblock(&range),
			 0);
	mmu_notifier_invalidate_range_end(&range);
	b = find_str(MSIM_TRACE_NOTIFIER_BEGIN, 0, "invalidate_range_start");
	assert_non_null(b);
	assert_string_equal(msim_trace_str(b, 1), "MMU_NOTIFY_MIGRATE");
	assert_int_equal(b->a[2], 0);
	assert_int_equal(b->a[3], (uintptr_t)&owner);
	assert_int_equal(b->a[4], (uintptr_t)&range);
	assert_int_equal(sub.starts, 2);

	mmu_notifier_unregister(&sub.mn, w.mm);
	msim_trace_forget_object(&sub.mn);
	assert_string_equal(msim_trace_object_name(&sub.mn), "");
	world_down(&w);
}

/* exit_mmap()'s release, and the callbacks of an instrument. */

static int releases;

static void sub_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	(void)mn;
	(void)mm;
	releases++;
}

static const struct mmu_notifier_ops release_ops = {
	.release = sub_release,
	.invalidate_range_start = sub_start,
};

static void test_release_and_instrument(void **state)
{
	const struct msim_trace_event *b, *e;
	struct sub sub = { .mn.ops = &release_ops };
	struct msim_coherence *checker;
	struct world w;

	(void)state;
	world_up(&w, 2);
	touch(&w, BASE, true);
	touch(&w, BASE + PAGE, true);
	checker = msim_coherence_create(w.mm);
	assert_false(IS_ERR(checker));
	msim_trace_name_object(&sub.mn, "mine");
	assert_false(msim_trace_object_is_instrument(&sub.mn));
	assert_int_equal(mmu_notifier_register(&sub.mn, w.mm), 0);
	assert_int_equal(msim_munmap(w.mm, BASE, PAGE), 0);
	/* The checker's callback is an instrument's, the driver's is not. */
	e = find_str(MSIM_TRACE_CALLBACK_ENTER, 1, "checker");
	assert_non_null(e);
	assert_string_equal(msim_trace_str(e, 0), "invalidate_range_start");
	assert_int_equal(e->a[2], 1);
	e = find_str(MSIM_TRACE_CALLBACK_EXIT, 1, "checker");
	assert_non_null(e);
	assert_int_equal(e->a[2], 1);
	e = find_str(MSIM_TRACE_CALLBACK_ENTER, 1, "mine");
	assert_non_null(e);
	assert_int_equal(e->a[2], 0);

	/* The task exits: its mm calls release, without a range. */
	msim_trace_clear(rec);
	msim_exit(w.tsk);
	assert_int_equal(releases, 1);
	b = find_str(MSIM_TRACE_NOTIFIER_BEGIN, 0, "release");
	assert_non_null(b);
	assert_string_equal(msim_trace_str(b, 1), "");
	assert_int_equal(b->a[2], 1);
	assert_int_equal(b->a[4], 0);
	e = find_str(MSIM_TRACE_CALLBACK_ENTER, 1, "mine");
	assert_non_null(e);
	assert_string_equal(msim_trace_str(e, 0), "release");
	assert_true(e->seq > b->seq);
	e = find_str(MSIM_TRACE_NOTIFIER_END, 0, "release");
	assert_non_null(e);
	assert_true(e->seq > b->seq);
	/* ... before the pages go. */
	assert_non_null(nth(MSIM_TRACE_PAGE_FREE, 0));
	assert_true(e->seq < nth(MSIM_TRACE_PAGE_FREE, 0)->seq);

	mmu_notifier_unregister(&sub.mn, w.mm);
	msim_trace_forget_object(&sub.mn);
	msim_coherence_destroy(checker);
	world_down(&w);
}

/* Interval notifiers and their sequences. */

struct isub {
	struct mmu_interval_notifier n;
	spinlock_t lock;
};

static bool isub_invalidate(struct mmu_interval_notifier *n,
			    const struct mmu_notifier_range *range,
			    unsigned long cur_seq)
{
	struct isub *s = container_of(n, struct isub, n);

	(void)range;
	spin_lock(&s->lock);
	mmu_interval_set_seq(n, cur_seq);
	spin_unlock(&s->lock);
	return true;
}

static const struct mmu_interval_notifier_ops isub_ops = {
	.invalidate = isub_invalidate,
};

static void test_seq_events(void **state)
{
	const struct msim_trace_event *e, *set;
	struct isub s;
	struct world w;
	unsigned long seq;
	bool retry;

	(void)state;
	world_up(&w, 2);
	memset(&s, 0, sizeof(s));
	spin_lock_init(&s.lock);
	msim_trace_name_object(&s.n, "mirror");
	assert_int_equal(mmu_interval_notifier_insert(&s.n, w.mm, BASE,
						      2 * PAGE, &isub_ops),
			 0);
	seq = mmu_interval_read_begin(&s.n);
	e = nth(MSIM_TRACE_SEQ_READ_BEGIN, 0);
	assert_non_null(e);
	assert_string_equal(msim_trace_str(e, 0), "mmu_interval_read_begin");
	assert_string_equal(msim_trace_str(e, 1), "mirror");
	assert_int_equal(e->a[0], (uintptr_t)&s.n);
	assert_int_equal(e->a[1], seq);

	assert_int_equal(msim_munmap(w.mm, BASE, PAGE), 0);
	/* The mm's sequence goes odd, then even again. */
	e = find_str(MSIM_TRACE_SEQ_SET, 0, "invalidate_seq");
	assert_non_null(e);
	assert_int_equal(e->a[0], 0);
	assert_true(e->a[1] & 1);
	assert_int_equal(e->a[1], e->a[2] | 1);
	set = find_str(MSIM_TRACE_SEQ_SET, 0, "mmu_interval_set_seq");
	assert_non_null(set);
	assert_string_equal(msim_trace_str(set, 1), "mirror");
	assert_int_equal(set->a[0], (uintptr_t)&s.n);
	assert_int_equal(set->a[1], e->a[1]);
	assert_int_equal(set->a[2], seq);
	assert_int_equal(count_kind(MSIM_TRACE_SEQ_SET), 3);
	e = nth(MSIM_TRACE_SEQ_SET, 2);
	assert_string_equal(msim_trace_str(e, 0), "invalidate_seq");
	assert_int_equal(e->a[1], set->a[1] + 1);

	spin_lock(&s.lock);
	retry = mmu_interval_read_retry(&s.n, seq);
	spin_unlock(&s.lock);
	assert_true(retry);
	e = nth(MSIM_TRACE_SEQ_READ_RETRY, 0);
	assert_non_null(e);
	assert_string_equal(msim_trace_str(e, 0), "mmu_interval_read_retry");
	assert_string_equal(msim_trace_str(e, 1), "mirror");
	assert_int_equal(e->a[0], (uintptr_t)&s.n);
	assert_int_equal(e->a[1], seq);
	assert_int_equal(e->a[2], set->a[1]);
	assert_int_equal(e->a[3], 1);

	mmu_interval_notifier_remove(&s.n);
	msim_trace_forget_object(&s.n);
	msim_spin_lock_destroy(&s.lock);
	world_down(&w);
}

/* A secondary MMU: maps, accesses, unmaps, and KVM's own sequence. */
static void test_secondary_events(void **state)
{
	const struct msim_trace_event *map, *e;
	struct msim_kvm *kvm;
	struct world w;
	unsigned char b;

	(void)state;
	world_up(&w, 1);
	touch(&w, BASE, true);
	kvm = msim_kvm_create(w.mm, "guest", NULL);
	assert_false(IS_ERR(kvm));
	assert_int_equal(msim_kvm_access(kvm, BASE + 4, &b, 1, false), 0);
	map = nth(MSIM_TRACE_SEC_MAP, 0);
	assert_non_null(map);
	assert_string_equal(msim_trace_str(map, 0), "guest");
	assert_int_equal(map->a[0], BASE);
	assert_int_equal(map->a[1],
			 nth(MSIM_TRACE_PTE_SET, 0)->a[5]); /* the page */
	assert_int_equal(map->a[2], 0);
	e = nth(MSIM_TRACE_SEC_ACCESS, 0);
	assert_non_null(e);
	assert_string_equal(msim_trace_str(e, 0), "guest");
	assert_int_equal(e->a[0], BASE + 4);
	assert_int_equal(e->a[1], map->a[1]);
	assert_int_equal(e->a[2], 0);
	e = nth(MSIM_TRACE_SEQ_READ_BEGIN, 0);
	assert_string_equal(msim_trace_str(e, 0), "mmu_invalidate_seq");
	assert_string_equal(msim_trace_str(e, 1), "guest");
	e = nth(MSIM_TRACE_SEQ_READ_RETRY, 0);
	assert_string_equal(msim_trace_str(e, 0), "mmu_invalidate_retry_gfn");
	assert_int_equal(e->a[3], 0);

	assert_int_equal(msim_munmap(w.mm, BASE, PAGE), 0);
	e = nth(MSIM_TRACE_SEC_UNMAP, 0);
	assert_non_null(e);
	assert_string_equal(msim_trace_str(e, 0), "guest");
	assert_int_equal(e->a[0], BASE);
	assert_int_equal(e->a[1], map->a[1]);
	e = find_str(MSIM_TRACE_SEQ_SET, 0, "mmu_invalidate_seq");
	assert_non_null(e);
	assert_int_equal(e->a[1], e->a[2] + 1);
	e = find_str(MSIM_TRACE_CALLBACK_ENTER, 0, "invalidate_range_start");
	assert_string_equal(msim_trace_str(e, 1), "guest");
	msim_kvm_destroy(kvm);
	world_down(&w);
}

/* The views. */

/* The unmap of a KVM's spte: one flow, start, step, end, with one id. */
static void test_flow_links_unmap(void **state)
{
	struct msim_kvm *kvm;
	struct world w;
	unsigned char b;
	char *json, *html, *tl, *p, id[64];

	(void)state;
	world_up(&w, 1);
	touch(&w, BASE, true);
	kvm = msim_kvm_create(w.mm, "guest", NULL);
	assert_int_equal(msim_kvm_access(kvm, BASE, &b, 1, false), 0);
	msim_trace_clear(rec);
	assert_int_equal(msim_munmap(w.mm, BASE, PAGE), 0);
	msim_kvm_destroy(kvm);
	world_down(&w);

	json = view(1, false);
	p = strstr(json, "\"ph\": \"s\", \"id\": ");
	assert_non_null(p);
	snprintf(id, sizeof(id), "%.*s", (int)strcspn(p + 17, ","), p + 17);
	/* The step on the unmap's slice, the end bound to its slice. */
	{
		char want[128];

		snprintf(want, sizeof(want), "\"ph\": \"t\", \"id\": %s,", id);
		assert_contains(json, want);
		snprintf(want, sizeof(want), "\"ph\": \"f\", \"id\": %s,", id);
		assert_contains(json, want);
	}
	assert_contains(json, "\"name\": \"guest unmaps 0x10000000");
	assert_contains(json, "\"ph\": \"X\"");
	assert_contains(json, "\"bp\": \"e\"");
	free(json);

	html = view(2, false);
	assert_contains(html, "class=\"flow\" data-flow=");
	assert_contains(html, "data-kind=\"secondary_unmap\"");
	assert_contains(html, "class=\"span cat-callback\"");
	assert_contains(html, "<pre id=\"errors\" hidden></pre>");
	free(html);

	tl = view(0, false);
	assert_contains(tl, "| | guest unmaps 0x10000000 (pfn");
	assert_contains(tl, "guest->invalidate_range_start()");
	free(tl);
}

/* A release out of nesting order: the views nest it all the same. */
static void test_nesting_repaired(void **state)
{
	spinlock_t a, b;
	char *json, *tl;

	(void)state;
	spin_lock_init(&a);
	a.name = "A";
	spin_lock_init(&b);
	b.name = "B";
	msim_trace_clear(rec);
	spin_lock(&a);
	spin_lock(&b);
	msim_trace_mark(0, "both held");
	spin_unlock(&a);
	msim_trace_mark(0, "B held");
	spin_unlock(&b);
	json = view(1, false);
	/* B is closed before A, and opened again after it. */
	assert_contains(json, "\"name\": \"spin_lock(B) (cont.)\"");
	free(json);
	tl = view(0, false);
	assert_contains(tl, "spin_lock(A)\n");
	assert_contains(tl, "| | > both held\n");
	assert_contains(tl, "spin_unlock(A)\n");
	assert_contains(tl, "| > B held\n");
	assert_contains(tl, "spin_unlock(B)\n");
	free(tl);
	msim_spin_lock_destroy(&a);
	msim_spin_lock_destroy(&b);
}

/* What is still open when the record ends is closed at the end. */
static void test_open_at_end(void **state)
{
	spinlock_t a;
	char *json;

	(void)state;
	spin_lock_init(&a);
	a.name = "A";
	msim_trace_clear(rec);
	spin_lock(&a);
	msim_trace_stop(rec);
	json = view(1, false);
	assert_contains(json, "\"name\": \"spin_lock(A)\", \"cat\": \"lock\", "
			      "\"ph\": \"E\"");
	free(json);
	spin_unlock(&a);
	msim_spin_lock_destroy(&a);
	msim_trace_start(rec);
}

/* The columns: two threads in 80 columns, the steps where they switch. */
static void test_timeline_layout(void **state)
{
	char *tl, *line, *save;

	(void)state;
	msim_trace_clear(rec);
	run_ct(&ct_test, "holder@held,waiter,holder", true);
	tl = view(0, false);
	assert_contains(tl, " step  holder");
	assert_contains(tl, "waiter");
	assert_contains(tl, "spin_lock(ct_lock)");
	assert_contains(tl, "preempted at held; waiter runs");
	assert_contains(tl, "blocks on ct_lock; holder runs");
	assert_contains(tl, "main: FAILURE check: the check ran");
	for (line = strtok_r(tl, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "timeline of ", 12) && strlen(line) > 80)
			fail_msg("wider than 80 columns: \"%s\"", line);
	free(tl);
	/* Every event: the lock requests too. */
	tl = view(0, true);
	assert_contains(tl, "spin_lock(ct_lock)?");
	free(tl);
}

/*
 * The views of a replay made from C, in a worker process as
 * msim_sched_test_replay() makes it: a lane a thread in each, the lock
 * held across the preemption, the scheduler's decisions, the failure.
 */
static void test_views_of_a_replay(void **state)
{
	char *json, *html, *tl;

	(void)state;
	msim_trace_clear(rec);
	run_ct(&ct_test, "holder@held,waiter,holder", false);
	msim_trace_stop(rec);

	tl = view(0, false);
	assert_contains(tl, " step  holder");
	assert_contains(tl, "blocks on ct_lock; holder runs");
	free(tl);

	json = view(1, false);
	assert_contains(json, "\"name\": \"thread_name\", \"ph\": \"M\", "
			      "\"pid\": 1, \"tid\": 1, \"args\": {\"name\": "
			      "\"holder\"}");
	assert_contains(json, "\"args\": {\"name\": \"waiter\"}");
	assert_contains(json, "\"name\": \"spin_lock(ct_lock)\", \"cat\": "
			      "\"lock\", \"ph\": \"B\"");
	assert_contains(json, "\"name\": \"spin_lock(ct_lock)\", \"cat\": "
			      "\"lock\", \"ph\": \"E\"");
	assert_contains(json, "\"ph\": \"i\"");
	assert_contains(json, "FAILURE check: the check ran");
	free(json);

	html = view(2, false);
	assert_contains(html, "class=\"lane\" data-tid=\"1\" "
			      "data-name=\"holder\"");
	assert_contains(html, "class=\"lane\" data-tid=\"2\" "
			      "data-name=\"waiter\"");
	assert_contains(html, "class=\"span cat-lock\"");
	assert_contains(html, "data-kind=\"failure\"");
	assert_contains(html, "data-kind=\"sched_block\"");
	free(html);
	msim_trace_start(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_records_nothing),
		cmocka_unit_test(test_too_large_ring_refused),
		cmocka_unit_test_setup_teardown(test_ring_drops_oldest,
						rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_strings, rec_setup,
						rec_teardown),
		cmocka_unit_test_setup_teardown(test_mark_and_thread_names,
						rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_lock_events, rec_setup,
						rec_teardown),
		cmocka_unit_test_setup_teardown(test_srcu_events, rec_setup,
						rec_teardown),
		cmocka_unit_test_setup_teardown(test_sched_events, rec_setup,
						rec_teardown),
		cmocka_unit_test_setup_teardown(test_worker_records_here,
						rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_yield_and_wake_events,
						rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_free_threads_named,
						rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_fault_pte_page_events,
						rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_pte_wrprotect, rec_setup,
						rec_teardown),
		cmocka_unit_test_setup_teardown(test_notifier_events, rec_setup,
						rec_teardown),
		cmocka_unit_test_setup_teardown(test_release_and_instrument,
						rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_seq_events, rec_setup,
						rec_teardown),
		cmocka_unit_test_setup_teardown(test_secondary_events,
						rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_flow_links_unmap,
						rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_nesting_repaired,
						rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_open_at_end, rec_setup,
						rec_teardown),
		cmocka_unit_test_setup_teardown(test_timeline_layout, rec_setup,
						rec_teardown),
		cmocka_unit_test_setup_teardown(test_views_of_a_replay,
						rec_setup, rec_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
