// SPDX-License-Identifier: MIT
/*
 * The controlled scheduler on bodies that need no mm: the default
 * schedule, exhaustive search counts against a brute-force enumeration,
 * schedule strings and their replay (and what a replay says when it no
 * longer fits), scripts, the checks (deadlock, lock order within a run
 * and across runs, sleeping with a spinlock held, recursion, a thread
 * ending with a lock, BUG(), livelock, a crash in a worker), random and
 * PCT's determinism, and free-running threads.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <mmsim/mmsim.h>
#include <mmsim/scheduler.h>

static struct msim_explore_opts opts(bool in_process)
{
	struct msim_explore_opts o;

	msim_explore_opts_init(&o);
	o.in_process = in_process;
	return o;
}

static const struct msim_failure *
find_failure(const struct msim_explore_result *res, const char *kind)
{
	unsigned int i;

	for (i = 0; i < res->nfailures; i++)
		if (!strcmp(res->failures[i].kind, kind))
			return &res->failures[i];
	return NULL;
}

static void assert_contains(const char *s, const char *want)
{
	if (!strstr(s, want))
		fail_msg("\"%s\" lacks \"%s\"", s, want);
}

static void abba_body(struct msim_run *run, void *arg);

/* A synthetic body: threads appending their letter to a log. */

static struct {
	unsigned int nthreads, steps;
	char log[64];
	unsigned int len;
	bool declare;
} syn;

static void syn_thread(void *arg)
{
	char c = (char)(uintptr_t)arg;
	unsigned int i;

	for (i = 0; i < syn.steps; i++) {
		/* One shared log: every append conflicts with every other. */
		if (syn.declare)
			msim_sync_access(msim_sync_key(1000000), true);
		syn.log[syn.len++] = c;
		if (i + 1 < syn.steps)
			msim_preempt_point("step");
	}
}

static void syn_body(struct msim_run *run, void *arg)
{
	struct msim_thread_spec specs[MSIM_MAX_THREADS];
	unsigned int i;

	(void)arg;
	syn.len = 0;
	for (i = 0; i < syn.nthreads; i++) {
		static const char *const names[] = { "a", "b", "c", "d" };

		specs[i] = (struct msim_thread_spec){
			names[i], syn_thread, (void *)(uintptr_t)('a' + i), NULL
		};
	}
	if (msim_run_threads(run, syn.nthreads, specs))
		return;
	syn.log[syn.len] = '\0';
	msim_run_observe(run, syn.log);
}

/*
 * Interleavings of @n threads of @k steps each with at most @bound
 * preemptions (-1: any): a switch away from a thread that has steps left
 * is one.  Brute force, for small n and k.
 */
static unsigned long count_interleavings(unsigned int n, unsigned int k,
					 int bound, unsigned int *left,
					 int last, int used)
{
	unsigned long total = 0;
	unsigned int t, i;
	bool done = true;

	for (t = 0; t < n; t++) {
		int cost;

		if (!left[t])
			continue;
		done = false;
		cost = last >= 0 && (unsigned int)last != t && left[last];
		if (bound >= 0 && used + cost > bound)
			continue;
		left[t]--;
		total += count_interleavings(n, k, bound, left, (int)t,
					     used + cost);
		left[t]++;
	}
	(void)i;
	return done ? 1 : total;
}

static unsigned long interleavings(unsigned int n, unsigned int k, int bound)
{
	unsigned int left[MSIM_MAX_THREADS], t;

	for (t = 0; t < n; t++)
		left[t] = k;
	return count_interleavings(n, k, bound, left, -1, 0);
}

static void test_default_runs_each_thread_to_its_end(void **state)
{
	struct msim_explore_opts o = opts(true);
	struct msim_explore_result res;

	(void)state;
	syn.nthreads = 2;
	syn.steps = 3;
	syn.declare = false;
	assert_int_equal(msim_replay(syn_body, NULL, NULL, &o, &res, NULL, 0),
			 0);
	assert_int_equal(res.nobserved, 1);
	assert_string_equal(res.observed[0], "aaabbb");
	/* 3 + 3 steps, no switch but the forced one. */
	assert_string_equal(res.schedule_list[0], "6e");
	msim_explore_result_free(&res);
}

/* Without reduction the search runs every interleaving once. */
static void exhaustive(unsigned int n, unsigned int k, int bound,
		       bool in_process)
{
	struct msim_explore_opts o = opts(in_process);
	struct msim_explore_result res, r;
	unsigned long i, j, expected = interleavings(n, k, bound);
	char err[256];

	syn.nthreads = n;
	syn.steps = k;
	syn.declare = false;
	o.preemptions = bound;
	o.no_reduction = true;
	o.collect = true;
	assert_int_equal(msim_explore(syn_body, NULL, &o, &res), 0);
	assert_true(res.complete);
	assert_int_equal(res.nfailures, 0);
	assert_int_equal(res.schedules, expected);
	/* Distinct logs, one per interleaving. */
	assert_int_equal(res.nobserved, expected);
	/* Every schedule is distinct and replays to a log of the search. */
	for (i = 0; i < res.nschedule_list; i++) {
		for (j = 0; j < i; j++)
			if (!strcmp(res.schedule_list[i],
				    res.schedule_list[j]) &&
			    bound <= 0)
				fail_msg("%s twice", res.schedule_list[i]);
		assert_int_equal(msim_replay(syn_body, NULL,
					     res.schedule_list[i], &o, &r, err,
					     sizeof(err)),
				 0);
		assert_int_equal(r.nobserved, 1);
		for (j = 0; j < res.nobserved; j++)
			if (!strcmp(res.observed[j], r.observed[0]))
				break;
		assert_true(j < res.nobserved);
		assert_string_equal(r.schedule_list[0], res.schedule_list[i]);
		msim_explore_result_free(&r);
	}
	msim_explore_result_free(&res);
}

static void test_exhaustive_counts(void **state)
{
	(void)state;
	exhaustive(2, 3, -1, true); /* C(6,3) = 20 */
	exhaustive(3, 2, -1, true); /* 6!/(2!2!2!) = 90 */
	exhaustive(2, 4, 0, true);
	exhaustive(2, 4, 1, true);
	exhaustive(3, 2, 2, false);
}

/* Declared conflicts: the reduction prunes nothing that matters. */
static void test_reduction_keeps_dependent_orders(void **state)
{
	struct msim_explore_opts o = opts(true);
	struct msim_explore_result res;

	(void)state;
	syn.nthreads = 3;
	syn.steps = 2;
	syn.declare = true;
	o.preemptions = -1;
	assert_int_equal(msim_explore(syn_body, NULL, &o, &res), 0);
	assert_int_equal(res.nobserved, interleavings(3, 2, -1));
	msim_explore_result_free(&res);
	/* Undeclared, every step commutes: one run per first switch. */
	syn.nthreads = 2;
	syn.steps = 10;
	syn.declare = false;
	assert_int_equal(msim_explore(syn_body, NULL, &o, &res), 0);
	assert_int_equal(res.runs, 11);
	msim_explore_result_free(&res);
}

/*
 * Small lock-based bodies, whose every order can be searched: the final
 * values of a few variables, each written under its lock (or read
 * without it, declared), are the state.
 */
static spinlock_t lk_a, lk_b;
static struct rw_semaphore lk_s;
static long vx, vy, vz, vr;

static void declare_read(spinlock_t *l)
{
	msim_sync_access(msim_sync_key(msim_lock_id(l)), false);
}

static void l1_t1(void *arg)
{
	(void)arg;
	spin_lock(&lk_a);
	vx = vx * 2 + 1;
	spin_unlock(&lk_a);
}

static void l1_t2(void *arg)
{
	(void)arg;
	spin_lock(&lk_b);
	declare_read(&lk_a);
	vy = vy * 3 + __atomic_load_n(&vx, __ATOMIC_RELAXED);
	spin_unlock(&lk_b);
}

static void l1_t3(void *arg)
{
	(void)arg;
	spin_lock(&lk_a);
	vx += 3;
	spin_unlock(&lk_a);
}

static void l2_t1(void *arg)
{
	(void)arg;
	spin_lock(&lk_a);
	vx++;
	spin_unlock(&lk_a);
	down_read(&lk_s);
	vr = vz;
	up_read(&lk_s);
	spin_lock(&lk_b);
	vy = vy * 2;
	spin_unlock(&lk_b);
}

static void l2_t2(void *arg)
{
	(void)arg;
	spin_lock(&lk_b);
	vy += 5;
	spin_unlock(&lk_b);
	down_read(&lk_s);
	vz += 0; /* a reader: reads only */
	up_read(&lk_s);
	spin_lock(&lk_a);
	vx *= 3;
	spin_unlock(&lk_a);
}

static void l2_t3(void *arg)
{
	(void)arg;
	down_write(&lk_s);
	vz = 7;
	up_write(&lk_s);
}

static void lock_body(struct msim_run *run, void *arg)
{
	unsigned int which = (unsigned int)(uintptr_t)arg;
	struct msim_thread_spec l1[3] = { { "t1", l1_t1, NULL, NULL },
					  { "t2", l1_t2, NULL, NULL },
					  { "t3", l1_t3, NULL, NULL } };
	struct msim_thread_spec l2[3] = { { "t1", l2_t1, NULL, NULL },
					  { "t2", l2_t2, NULL, NULL },
					  { "t3", l2_t3, NULL, NULL } };
	char buf[128];

	spin_lock_init(&lk_a);
	lk_a.name = "A";
	spin_lock_init(&lk_b);
	lk_b.name = "B";
	init_rwsem(&lk_s);
	lk_s.name = "S";
	vx = 1;
	vy = 1;
	vz = 0;
	vr = -1;
	if (which == 1 ? msim_run_threads(run, 3, l1)
		       : msim_run_threads(run, which == 2 ? 2 : 3, l2))
		return;
	snprintf(buf, sizeof(buf), "x=%ld y=%ld z=%ld r=%ld", vx, vy, vz, vr);
	msim_run_observe(run, buf);
}

static void same_sets(char **a, unsigned long na, char **b, unsigned long nb)
{
	unsigned long i;

	assert_int_equal(na, nb);
	for (i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
}

/*
 * The reduction is sound: with sleep sets the search ends in the same
 * final states, and finds the same failures, as every interleaving does.
 */
static void test_reduction_is_sound_small(void **state)
{
	static const struct {
		msim_run_body body;
		uintptr_t arg;
	} cases[] = {
		{ lock_body, 1 }, /* 3 threads, one critical section each */
		{ lock_body, 2 }, /* 2 threads, three sections each */
		{ lock_body, 3 }, /* and a writer of the rwsem */
		{ abba_body, 0 }, /* a deadlock and an inversion */
	};
	static const int bounds[] = { -1, 0, 1, 2 };
	unsigned int i, j, k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (j = 0; j < sizeof(bounds) / sizeof(bounds[0]); j++) {
			struct msim_explore_opts o = opts(true);
			struct msim_explore_result full, reduced;

			/* Every order of that one is 2.3 million runs. */
			if (cases[i].arg == 3 && bounds[j] < 0)
				continue;
			o.preemptions = bounds[j];
			o.no_shrink = true;
			o.no_reduction = true;
			if (cases[i].body == abba_body)
				o.in_process = false;
			assert_int_equal(msim_explore(cases[i].body,
						      (void *)cases[i].arg, &o,
						      &full),
					 0);
			o.no_reduction = false;
			assert_int_equal(msim_explore(cases[i].body,
						      (void *)cases[i].arg, &o,
						      &reduced),
					 0);
			assert_true(full.complete && reduced.complete);
			print_message("case %u, bound %d: %lu runs, %lu with "
				      "sleep sets, %lu states\n",
				      i, bounds[j], full.runs, reduced.runs,
				      full.nobserved);
			assert_true(reduced.runs <= full.runs);
			same_sets(full.observed, full.nobserved,
				  reduced.observed, reduced.nobserved);
			assert_int_equal(full.nfailures, reduced.nfailures);
			for (k = 0; k < full.nfailures; k++)
				assert_non_null(find_failure(
					&reduced, full.failures[k].kind));
			if (bounds[j] < 0 && cases[i].body == lock_body)
				assert_true(full.nobserved > 2);
			msim_explore_result_free(&full);
			msim_explore_result_free(&reduced);
		}
	}
}

static void test_replay_says_where_it_left(void **state)
{
	struct msim_explore_opts o = opts(true);
	struct msim_explore_result res;
	char err[256];

	(void)state;
	syn.nthreads = 2;
	syn.steps = 3;
	syn.declare = false;
	/* b first, then a at step 2: both hashes right. */
	assert_int_equal(msim_replay(syn_body, NULL, "0.2b,2.1q,6h", &o, &res,
				     err, sizeof(err)),
			 0);
	assert_string_equal(res.observed[0], "bbaaab");
	msim_explore_result_free(&res);

	assert_int_equal(msim_replay(syn_body, NULL, "0.2b,2.1a,6h", &o, &res,
				     err, sizeof(err)),
			 -ESRCH);
	assert_string_equal(err, "the run left the schedule between steps 0 "
				 "and 2");
	msim_explore_result_free(&res);

	assert_int_equal(msim_replay(syn_body, NULL, "0.3b,6h", &o, &res, err,
				     sizeof(err)),
			 -ESRCH);
	assert_string_equal(err, "at step 0 the schedule switches to thread "
				 "3, but the section has 2");
	msim_explore_result_free(&res);

	/*
	 * a ended at step 3: a switch to it at step 4 cannot be.  Of the 26
	 * letters for the events of steps 0-3, one is right and says so;
	 * the others say the run left the schedule before.
	 */
	{
		char sched[16], c;
		int right = 0;

		for (c = 'a'; c <= 'z'; c++) {
			snprintf(sched, sizeof(sched), "4.1%c,6h", c);
			assert_int_equal(msim_replay(syn_body, NULL, sched, &o,
						     &res, err, sizeof(err)),
					 -ESRCH);
			if (!strcmp(err, "at step 4 the schedule switches to "
					 "a, but it has ended"))
				right++;
			else
				assert_string_equal(err,
						    "the run left the schedule "
						    "between steps 0 and 4");
			msim_explore_result_free(&res);
		}
		assert_int_equal(right, 1);
	}

	assert_int_equal(
		msim_replay(syn_body, NULL, "9e", &o, &res, err, sizeof(err)),
		-ESRCH);
	assert_string_equal(err, "the run ended after 6 steps, the schedule "
				 "after 9");
	msim_explore_result_free(&res);

	assert_int_equal(msim_replay(syn_body, NULL, "0.2b,2.1q", &o, &res, err,
				     sizeof(err)),
			 -EINVAL);
	assert_contains(err, "bad schedule");
	msim_explore_result_free(&res);
}

static void test_script(void **state)
{
	struct msim_explore_opts o = opts(true);
	struct msim_explore_result res;
	char err[256];

	(void)state;
	syn.nthreads = 2;
	syn.steps = 3;
	syn.declare = false;
	/* b until its second point, a to its end, then b. */
	assert_int_equal(msim_replay(syn_body, NULL, "b@step#2,a,b", &o, &res,
				     err, sizeof(err)),
			 0);
	assert_string_equal(res.observed[0], "bbaaab");
	/* The same run as a schedule string. */
	assert_string_equal(res.schedule_list[0], "0.2b,2.1q,6h");
	msim_explore_result_free(&res);

	assert_int_equal(
		msim_replay(syn_body, NULL, "b,zz", &o, &res, err, sizeof(err)),
		-ESRCH);
	assert_contains(err, "the script names zz");
	msim_explore_result_free(&res);
	assert_int_equal(
		msim_replay(syn_body, NULL, "b@", &o, &res, err, sizeof(err)),
		-EINVAL);
	msim_explore_result_free(&res);
}

/* Two spinlocks taken in both orders: a deadlock and an inversion. */
static spinlock_t lock_a, lock_b;

static void take_ab(void *arg)
{
	(void)arg;
	spin_lock(&lock_a);
	spin_lock(&lock_b);
	spin_unlock(&lock_b);
	spin_unlock(&lock_a);
}

static void take_ba(void *arg)
{
	(void)arg;
	spin_lock(&lock_b);
	spin_lock(&lock_a);
	spin_unlock(&lock_a);
	spin_unlock(&lock_b);
}

static void abba_body(struct msim_run *run, void *arg)
{
	struct msim_thread_spec t[2] = { { "ab", take_ab, NULL, NULL },
					 { "ba", take_ba, NULL, NULL } };

	(void)arg;
	spin_lock_init(&lock_a);
	lock_a.name = "A";
	spin_lock_init(&lock_b);
	lock_b.name = "B";
	msim_run_threads(run, 2, t);
}

static void replays_identically(msim_run_body body, void *arg,
				const struct msim_failure *f)
{
	struct msim_explore_opts o = opts(false);
	struct msim_explore_result r;
	const struct msim_failure *g;
	char err[256];

	assert_int_equal(
		msim_replay(body, arg, f->schedule, &o, &r, err, sizeof(err)),
		0);
	g = find_failure(&r, f->kind);
	assert_non_null(g);
	assert_string_equal(g->message, f->message);
	assert_string_equal(g->schedule, f->schedule);
	assert_int_equal(g->preemptions, f->preemptions);
	msim_explore_result_free(&r);
}

static void test_deadlock_and_lock_order(void **state)
{
	struct msim_explore_opts o = opts(false);
	struct msim_explore_result res;
	const struct msim_failure *d, *l;

	(void)state;
	assert_int_equal(msim_explore(abba_body, NULL, &o, &res), 0);
	assert_true(res.complete);
	assert_int_equal(res.nfailures, 2);
	d = find_failure(&res, "deadlock");
	l = find_failure(&res, "lock-order");
	assert_non_null(d);
	assert_non_null(l);
	/* Both orders in the run without preemption. */
	assert_int_equal(l->preemptions, 0);
	assert_contains(l->message, "A and B are taken in both orders\n"
				    "ab takes B at take_ab (test_sched.c:");
	assert_contains(l->message, "while holding A (taken at take_ab "
				    "(test_sched.c:");
	assert_contains(l->message, "\nba takes A at take_ba (test_sched.c:");
	/* The deadlock takes one preemption: each thread holds one lock. */
	assert_int_equal(d->preemptions, 1);
	assert_contains(d->message, "no thread can run\n");
	assert_contains(d->message, "ab waits in spin_lock(B) at take_ab "
				    "(test_sched.c:");
	assert_contains(d->message, "held by ba (taken at take_ba "
				    "(test_sched.c:");
	assert_contains(d->message, "ba waits in spin_lock(A) at take_ba "
				    "(test_sched.c:");
	replays_identically(abba_body, NULL, d);
	replays_identically(abba_body, NULL, l);
	msim_explore_result_free(&res);
}

/*
 * Orders that only two runs show together: one thread takes A then B if
 * the other has run first, else B then A, never both in one run.
 */
static int flag;

static void ordered(void *arg)
{
	(void)arg;
	msim_sync_access(msim_sync_key(999999), false);
	if (__atomic_load_n(&flag, __ATOMIC_RELAXED))
		take_ab(NULL);
	else
		take_ba(NULL);
}

static void setter(void *arg)
{
	(void)arg;
	msim_sync_access(msim_sync_key(999999), true);
	__atomic_store_n(&flag, 1, __ATOMIC_RELAXED);
}

static void cross_body(struct msim_run *run, void *arg)
{
	struct msim_thread_spec t[2] = { { "locker", ordered, NULL, NULL },
					 { "setter", setter, NULL, NULL } };

	(void)arg;
	flag = 0;
	spin_lock_init(&lock_a);
	lock_a.name = "A";
	spin_lock_init(&lock_b);
	lock_b.name = "B";
	msim_run_threads(run, 2, t);
}

static void test_lock_order_across_runs(void **state)
{
	struct msim_explore_opts o = opts(false);
	struct msim_explore_result res, r;
	const struct msim_failure *l;
	char err[256];

	(void)state;
	assert_int_equal(msim_explore(cross_body, NULL, &o, &res), 0);
	assert_int_equal(res.nfailures, 1);
	l = find_failure(&res, "lock-order");
	assert_non_null(l);
	/* Two runs: the schedule is S1+S2. */
	assert_non_null(strchr(l->schedule, '+'));
	assert_contains(l->message, "A and B are taken in both orders\n"
				    "locker takes B at take_ab");
	assert_contains(l->message, "\nlocker takes A at take_ba");
	replays_identically(cross_body, NULL, l);
	/* Either run alone shows one order only. */
	{
		char *one = strdup(l->schedule);

		*strchr(one, '+') = '\0';
		assert_int_equal(msim_replay(cross_body, NULL, one, &o, &r, err,
					     sizeof(err)),
				 0);
		assert_int_equal(r.nfailures, 0);
		msim_explore_result_free(&r);
		free(one);
	}
	msim_explore_result_free(&res);
}

/* Sleeping with a spinlock held; recursion; ending with a lock held. */
static struct rw_semaphore sem;

static void sleeper(void *arg)
{
	(void)arg;
	spin_lock(&lock_a);
	down_read(&sem);
	up_read(&sem);
	spin_unlock(&lock_a);
}

static void recurser(void *arg)
{
	(void)arg;
	down_read(&sem);
	down_read(&sem);
	up_read(&sem);
	up_read(&sem);
}

static void leaker(void *arg)
{
	(void)arg;
	spin_lock(&lock_b);
}

static void checks_body(struct msim_run *run, void *arg)
{
	struct msim_thread_spec t[3] = { { "sleeper", sleeper, NULL, NULL },
					 { "recurser", recurser, NULL, NULL },
					 { "leaker", leaker, NULL, NULL } };

	(void)arg;
	spin_lock_init(&lock_a);
	lock_a.name = "A";
	spin_lock_init(&lock_b);
	lock_b.name = "B";
	init_rwsem(&sem);
	sem.name = "mmap_lock";
	msim_run_threads(run, 3, t);
}

static void test_checks(void **state)
{
	struct msim_explore_opts o = opts(true);
	struct msim_explore_result res;
	const struct msim_failure *f;

	(void)state;
	assert_int_equal(
		msim_replay(checks_body, NULL, NULL, &o, &res, NULL, 0), 0);
	f = find_failure(&res, "atomic-sleep");
	assert_non_null(f);
	assert_contains(f->message, "sleeper sleeps in down_read at sleeper "
				    "(test_sched.c:");
	assert_contains(f->message, "while holding spinlock A (taken at "
				    "sleeper (test_sched.c:");
	f = find_failure(&res, "recursion");
	assert_non_null(f);
	assert_contains(f->message, "mmap_lock recursion: recurser takes "
				    "mmap_lock again in down_read at recurser "
				    "(test_sched.c:");
	f = find_failure(&res, "thread-exit");
	assert_non_null(f);
	assert_contains(f->message, "leaker ends holding B (taken at leaker "
				    "(test_sched.c:");
	assert_int_equal(res.nfailures, 3);
	msim_explore_result_free(&res);
}

/* BUG(): the thread stops, and so does the run; the search goes on. */
static void unlocker(void *arg)
{
	(void)arg;
	msim_preempt_point("before");
	spin_unlock(&lock_a);
}

static void bug_body(struct msim_run *run, void *arg)
{
	struct msim_thread_spec t[2] = { { "unlocker", unlocker, NULL, NULL },
					 { "other", setter, NULL, NULL } };

	(void)arg;
	spin_lock_init(&lock_a);
	lock_a.name = "A";
	msim_run_threads(run, 2, t);
}

static void test_bug_stops_the_run_not_the_search(void **state)
{
	struct msim_explore_opts o = opts(false);
	struct msim_explore_result res;
	const struct msim_failure *f;

	(void)state;
	o.preemptions = -1;
	assert_int_equal(msim_explore(bug_body, NULL, &o, &res), 0);
	assert_true(res.complete);
	assert_true(res.runs > 1);
	f = find_failure(&res, "bug");
	assert_non_null(f);
	assert_contains(
		f->message,
		"unlocker: BUG_ON(!was) at msim_spin_unlock (locking.c:");
	replays_identically(bug_body, NULL, f);
	msim_explore_result_free(&res);

	/* In this process, the first run that stops ends the search. */
	o = opts(true);
	assert_int_equal(msim_explore(bug_body, NULL, &o, &res), 0);
	assert_false(res.complete);
	assert_non_null(res.stopped);
	assert_int_equal(res.runs, 1);
	msim_explore_result_free(&res);
}

/* A polling waiter whose waker is blocked for good: a livelock. */
static void poller(void *arg)
{
	(void)arg;
	spin_lock(&lock_a);
	while (!__atomic_load_n(&flag, __ATOMIC_RELAXED))
		msim_sync_yield("flag");
	spin_unlock(&lock_a);
}

static void waker(void *arg)
{
	(void)arg;
	spin_lock(&lock_a);
	__atomic_store_n(&flag, 1, __ATOMIC_RELAXED);
	spin_unlock(&lock_a);
}

static void live_body(struct msim_run *run, void *arg)
{
	struct msim_thread_spec t[2] = { { "poller", poller, NULL, NULL },
					 { "waker", waker, NULL, NULL } };

	(void)arg;
	flag = 0;
	spin_lock_init(&lock_a);
	lock_a.name = "A";
	msim_run_threads(run, 2, t);
}

static void test_livelock(void **state)
{
	struct msim_explore_opts o = opts(false);
	struct msim_explore_result res;
	const struct msim_failure *f;

	(void)state;
	o.max_steps = 200;
	assert_int_equal(msim_explore(live_body, NULL, &o, &res), 0);
	f = find_failure(&res, "livelock");
	assert_non_null(f);
	assert_string_equal(f->message, "the run takes more than 200 steps");
	msim_explore_result_free(&res);
}

/* A crash kills the worker; it is a failure with its schedule. */
static void crasher(void *arg)
{
	(void)arg;
	msim_preempt_point("before");
	if (__atomic_load_n(&flag, __ATOMIC_RELAXED))
		abort();
}

static void crash_body(struct msim_run *run, void *arg)
{
	struct msim_thread_spec t[2] = { { "crasher", crasher, NULL, NULL },
					 { "setter", setter, NULL, NULL } };

	(void)arg;
	flag = 0;
	msim_run_threads(run, 2, t);
}

static void test_crash(void **state)
{
	struct msim_explore_opts o = opts(false);
	struct msim_explore_result res;
	const struct msim_failure *f;

	(void)state;
	assert_int_equal(msim_explore(crash_body, NULL, &o, &res), 0);
	assert_true(res.complete);
	f = find_failure(&res, "crash");
	assert_non_null(f);
	assert_contains(f->message, "the run killed its process with SIGABRT");
	/* The setter first: a choice at the start, no preemption. */
	assert_int_equal(f->preemptions, 0);
	msim_explore_result_free(&res);
}

/* random and pct: the same seed, the same runs. */
static void test_seeded_strategies(void **state)
{
	enum msim_strategy s[] = { MSIM_STRATEGY_RANDOM, MSIM_STRATEGY_PCT };
	struct msim_explore_result r1, r2;
	unsigned long i;
	unsigned int k;

	(void)state;
	syn.nthreads = 3;
	syn.steps = 4;
	syn.declare = false;
	for (k = 0; k < 2; k++) {
		struct msim_explore_opts o = opts(true);

		o.strategy = s[k];
		o.schedules = 50;
		o.seed = 7;
		o.collect = true;
		assert_int_equal(msim_explore(syn_body, NULL, &o, &r1), 0);
		assert_int_equal(msim_explore(syn_body, NULL, &o, &r2), 0);
		assert_int_equal(r1.nschedule_list, 50);
		assert_false(r1.complete);
		for (i = 0; i < r1.nschedule_list; i++)
			assert_string_equal(r1.schedule_list[i],
					    r2.schedule_list[i]);
		/* Not all the same schedule. */
		assert_true(r1.nobserved > 5);
		msim_explore_result_free(&r2);
		o.seed = 8;
		assert_int_equal(msim_explore(syn_body, NULL, &o, &r2), 0);
		for (i = 0; i < r1.nschedule_list; i++)
			if (strcmp(r1.schedule_list[i], r2.schedule_list[i]))
				break;
		assert_true(i < r1.nschedule_list);
		msim_explore_result_free(&r1);
		msim_explore_result_free(&r2);
	}
}

/* round-robin: one schedule, a switch at every point. */
static void test_round_robin(void **state)
{
	struct msim_explore_opts o = opts(true);
	struct msim_explore_result res;

	(void)state;
	syn.nthreads = 2;
	syn.steps = 3;
	syn.declare = false;
	o.strategy = MSIM_STRATEGY_ROUND_ROBIN;
	assert_int_equal(msim_explore(syn_body, NULL, &o, &res), 0);
	assert_true(res.complete);
	assert_int_equal(res.runs, 1);
	assert_string_equal(res.observed[0], "ababab");
	msim_explore_result_free(&res);
}

/* Free-running: real threads, each on the caller's current task. */
static struct {
	spinlock_t lock;
	long count;
	struct task_struct *seen[4];
} fr;

static void fr_thread(void *arg)
{
	int i = (int)(uintptr_t)arg;
	long n;

	fr.seen[i] = get_current();
	for (n = 0; n < 1000; n++) {
		spin_lock(&fr.lock);
		fr.count++;
		spin_unlock(&fr.lock);
	}
	msim_set_current(NULL); /* this thread's own */
}

static void test_free_running(void **state)
{
	struct msim_thread_spec t[4];
	struct task_struct fake;
	int i;

	(void)state;
	spin_lock_init(&fr.lock);
	msim_set_current(&fake);
	for (i = 0; i < 4; i++)
		t[i] = (struct msim_thread_spec){ "t", fr_thread,
						  (void *)(uintptr_t)i, NULL };
	assert_int_equal(msim_run_threads_free(4, t), 0);
	assert_int_equal(fr.count, 4000);
	for (i = 0; i < 4; i++)
		assert_ptr_equal(fr.seen[i], &fake);
	assert_ptr_equal(get_current(), &fake);
	msim_set_current(NULL);
	assert_int_equal(msim_run_threads_free(0, t), -EINVAL);
	msim_spin_lock_destroy(&fr.lock);
}

/* msim_run_threads() refuses what it cannot do. */
static void nested_thread(void *arg)
{
	struct msim_run *run = msim_current_run();
	struct msim_thread_spec t = { "x", setter, NULL, NULL };

	assert_non_null(run);
	*(int *)arg = msim_run_threads(run, 1, &t);
}

static int nested_ret;

static void nested_body(struct msim_run *run, void *arg)
{
	struct msim_thread_spec t = { "n", nested_thread, &nested_ret, NULL };

	(void)arg;
	assert_int_equal(msim_run_threads(run, 0, &t), -EINVAL);
	assert_int_equal(msim_run_threads(run, MSIM_MAX_THREADS + 1, &t),
			 -EINVAL);
	assert_int_equal(msim_run_threads(run, 1, &t), 0);
	assert_null(msim_current_run());
}

static void test_bad_sections(void **state)
{
	struct msim_explore_opts o = opts(true);
	struct msim_explore_result res;

	(void)state;
	nested_ret = 1;
	assert_int_equal(
		msim_replay(nested_body, NULL, NULL, &o, &res, NULL, 0), 0);
	assert_int_equal(nested_ret, -EINVAL);
	msim_explore_result_free(&res);
}

static void test_strategy_names(void **state)
{
	enum msim_strategy s;

	(void)state;
	assert_int_equal(msim_strategy_lookup("pct", &s), 0);
	assert_int_equal(s, MSIM_STRATEGY_PCT);
	assert_string_equal(msim_strategy_name(MSIM_STRATEGY_ROUND_ROBIN),
			    "round-robin");
	assert_int_equal(msim_strategy_lookup("bfs", &s), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_runs_each_thread_to_its_end),
		cmocka_unit_test(test_exhaustive_counts),
		cmocka_unit_test(test_reduction_keeps_dependent_orders),
		cmocka_unit_test(test_reduction_is_sound_small),
		cmocka_unit_test(test_replay_says_where_it_left),
		cmocka_unit_test(test_script),
		cmocka_unit_test(test_deadlock_and_lock_order),
		cmocka_unit_test(test_lock_order_across_runs),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_bug_stops_the_run_not_the_search),
		cmocka_unit_test(test_livelock),
		cmocka_unit_test(test_crash),
		cmocka_unit_test(test_seeded_strategies),
		cmocka_unit_test(test_round_robin),
		cmocka_unit_test(test_free_running),
		cmocka_unit_test(test_bad_sections),
		cmocka_unit_test(test_strategy_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
