// SPDX-License-Identifier: MIT
/*
 * The explorer on the memory manager, through the C API a test uses
 * (struct msim_sched_test: a setup, thread bodies, a check):
 *
 *  - a secondary MMU's fault against munmap: KVM with and without the
 *    mmu_invalidate_seq retry, the stale spte found, shrunk to one
 *    preemption, and its replay reporting it byte for byte;
 *  - the reduction is sound: on small scenarios of the model (two or
 *    three threads, one or two operations each), the search with sleep
 *    sets ends in the same set of final states and finds the same
 *    failures as the search without, with no bound and with a bound;
 *  - shards: the union of --shard 0/3, 1/3 and 2/3 is the unsharded
 *    search, run for run without the reduction, state for state and
 *    failure for failure with it; so are --jobs 2's.
 */
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
#define PAGE 4096UL

/* The world of one run. */
struct world {
	struct msim_machine *m;
	struct task_struct *init, *child;
	struct msim_coherence *coh;
	struct msim_kvm *kvm;
	struct msim_dmirror *dm;
};

/* What a scenario is: which pieces it sets up, and its threads. */
struct scenario {
	const char *name;
	bool fork, kvm, dmirror;
	unsigned int kvm_bugs;
	unsigned int nthreads;
	const char *names[3];
	void (*threads[3])(void *w);
	int bound;  /* the largest bound the soundness test compares at */
	bool prime; /* the device writes BASE before the threads */
};

static const struct scenario *cur_scenario;

static void *world_setup(void *arg)
{
	const struct scenario *s = arg;
	struct msim_machine_config cfg = { .ram_bytes = 4UL << 20,
					   .swap_bytes = 1UL << 20 };
	struct world *w = calloc(1, sizeof(*w));
	struct mm_struct *mm;
	unsigned char b = 0x11;

	cur_scenario = s;
	w->m = msim_machine_create(&cfg);
	w->init = msim_task_create(w->m, "init");
	mm = w->init->mm;
	msim_set_current(w->init);
	msim_mmap(mm, BASE, 2 * PAGE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS);
	msim_user_write(mm, BASE, &b, 1);
	msim_user_write(mm, BASE + PAGE, &b, 1);
	w->coh = msim_coherence_create(mm);
	if (s->kvm) {
		w->kvm = msim_kvm_create(mm, "guest", w->coh);
		w->kvm->msim_bugs = s->kvm_bugs;
		if (s->prime)
			msim_kvm_access(w->kvm, BASE, &b, 1, true);
	}
	if (s->dmirror)
		w->dm = msim_dmirror_create(mm, 0, ~(PAGE - 1), NULL, "dev",
					    w->coh);
	if (s->fork)
		w->child = msim_fork(w->init, 0, "child");
	return w;
}

/* The final state, as a string: PTEs, bytes, the secondary's entries. */
static void digest(struct world *w, char *buf, size_t size)
{
	struct task_struct *tasks[2] = { w->init, w->child };
	size_t len = 0;
	unsigned long a;
	int i;

	for (i = 0; i < 2; i++) {
		struct mm_struct *mm = tasks[i] ? tasks[i]->mm : NULL;

		if (!mm) {
			len += snprintf(buf + len, size - len, "[-]");
			continue;
		}
		for (a = BASE; a < BASE + 2 * PAGE; a += PAGE) {
			long pfn = msim_pagemap_pfn(mm, a);
			unsigned char b = 0;
			int r = -1;

			if (pfn >= 0)
				r = msim_user_read(mm, a, &b, 1);
			len += snprintf(buf + len, size - len, "[%ld:%d:%02x]",
					pfn, r, b);
		}
	}
	for (a = BASE; a < BASE + 2 * PAGE; a += PAGE) {
		bool wr = false;
		struct page *p = NULL;

		if (w->kvm)
			p = msim_kvm_spte_page(w->kvm, a, &wr, NULL);
		else if (w->dm)
			p = msim_dmirror_entry_page(w->dm, a, &wr);
		len += snprintf(buf + len, size - len, "{%ld%s}",
				p ? (long)page_to_pfn(p) : -1L, wr ? "w" : "");
	}
}

static void world_check(struct msim_run *run, void *state)
{
	struct world *w = state;
	char report[2048], msg[512];

	if (msim_coherence_check(w->coh, report, sizeof(report)))
		msim_run_fail(run, "coherence", "%s", report);
	if (msim_machine_check(w->m, msg, sizeof(msg)))
		msim_run_fail(run, "invariant", "%s", msg);
	digest(w, report, sizeof(report));
	msim_run_observe(run, report);
}

static void world_teardown(void *state)
{
	struct world *w = state;

	if (w->kvm)
		msim_kvm_destroy(w->kvm);
	if (w->dm)
		msim_dmirror_destroy(w->dm);
	if (w->child) {
		msim_exit(w->child);
		msim_task_put(w->child);
	}
	msim_exit(w->init);
	msim_coherence_destroy(w->coh);
	msim_task_put(w->init);
	msim_set_current(NULL);
	msim_machine_destroy(w->m);
	free(w);
}

/* Thread bodies. */

static void kvm_read(void *s)
{
	struct world *w = s;
	unsigned char b;

	msim_kvm_access(w->kvm, BASE, &b, 1, false);
}

static void kvm_write(void *s)
{
	struct world *w = s;
	unsigned char b = 0x44;

	msim_kvm_access(w->kvm, BASE, &b, 1, true);
}

static void dm_write(void *s)
{
	struct world *w = s;
	unsigned char b = 0x55;

	msim_dmirror_access(w->dm, BASE, &b, 1, true);
}

static void unmap_first(void *s)
{
	struct world *w = s;

	msim_munmap(w->init->mm, BASE, PAGE);
}

static void protect_ro(void *s)
{
	struct world *w = s;

	msim_mprotect(w->init->mm, BASE, 2 * PAGE, PROT_READ);
}

static void dontneed(void *s)
{
	struct world *w = s;

	msim_madvise(w->init->mm, BASE, 2 * PAGE, MADV_DONTNEED);
}

static void parent_write(void *s)
{
	struct world *w = s;
	unsigned char b = 0x22;

	msim_user_write(w->init->mm, BASE, &b, 1);
}

static void child_write(void *s)
{
	struct world *w = s;
	unsigned char b = 0x33;

	msim_user_write(w->child->mm, BASE, &b, 1);
}

static void forker(void *s)
{
	struct world *w = s;
	struct task_struct *child = msim_fork(w->init, 0, "child");

	if (!IS_ERR(child))
		w->child = child;
}

static void parent_read_second(void *s)
{
	struct world *w = s;
	unsigned char b;

	msim_user_read(w->init->mm, BASE + PAGE, &b, 1);
}

static void reclaim_first(void *s)
{
	struct world *w = s;

	msim_reclaim_range(w->init->mm, BASE, PAGE);
}

static const struct scenario scenarios[] = {
	{ "kvm fault, munmap",
	  false,
	  true,
	  false,
	  0,
	  2,
	  { "fault", "unmap" },
	  { kvm_read, unmap_first },
	  2,
	  false },
	{ "kvm no-retry fault, munmap",
	  false,
	  true,
	  false,
	  MSIM_KVM_BUG_NO_RETRY,
	  2,
	  { "fault", "unmap" },
	  { kvm_read, unmap_first },
	  2,
	  false },
	{ "kvm write, mprotect, dontneed",
	  false,
	  true,
	  false,
	  0,
	  3,
	  { "device", "protect", "dontneed" },
	  { kvm_write, protect_ro, dontneed },
	  1,
	  false },
	{ "fork, no-zap device write, parent read",
	  false,
	  true,
	  false,
	  MSIM_KVM_BUG_NO_ZAP,
	  3,
	  { "forker", "device", "parent" },
	  { forker, kvm_write, parent_read_second },
	  1,
	  true },
	{ "dmirror write, munmap, reclaim",
	  false,
	  false,
	  true,
	  0,
	  3,
	  { "device", "unmap", "reclaim" },
	  { dm_write, unmap_first, reclaim_first },
	  1,
	  false },
	{ "parent and child write, reclaim",
	  true,
	  false,
	  false,
	  0,
	  3,
	  { "parent", "child", "reclaim" },
	  { parent_write, child_write, reclaim_first },
	  1,
	  false },
};

static struct msim_sched_test make_test(const struct scenario *s)
{
	struct msim_sched_test t = {
		.setup = world_setup,
		.nthreads = s->nthreads,
		.check = world_check,
		.teardown = world_teardown,
		.arg = (void *)s,
	};
	unsigned int i;

	for (i = 0; i < s->nthreads; i++) {
		t.names[i] = s->names[i];
		t.threads[i] = s->threads[i];
	}
	return t;
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

/* The C API as a test uses it: KVM's fault against munmap. */
static void test_kvm_fault_munmap(void **state)
{
	struct msim_sched_test ok = make_test(&scenarios[0]);
	struct msim_sched_test broken = make_test(&scenarios[1]);
	struct msim_explore_result res, r;
	struct msim_explore_opts o;
	const struct msim_failure *f, *g;
	char err[256];

	(void)state;
	msim_explore_opts_init(&o);
	assert_int_equal(msim_sched_test_explore(&ok, &o, &res), 0);
	assert_true(res.complete);
	assert_int_equal(res.nfailures, 0);
	msim_explore_result_free(&res);

	assert_int_equal(msim_sched_test_explore(&broken, &o, &res), 0);
	assert_true(res.complete);
	f = find_failure(&res, "coherence");
	assert_non_null(f);
	assert_int_equal(f->preemptions, 1);
	assert_non_null(strstr(f->message,
			       "guest: 0x10000000 -> pfn 0x2 ro (seen t1, "
			       "established t4): frame freed; the primary "
			       "maps nothing there; missed MMU_NOTIFY_UNMAP "
			       "[0x10000000, 0x10001000) t2-t3"));
	/* Its replay reports it byte for byte. */
	assert_int_equal(msim_sched_test_replay(&broken, f->schedule, &o, &r,
						err, sizeof(err)),
			 0);
	g = find_failure(&r, "coherence");
	assert_non_null(g);
	assert_string_equal(g->message, f->message);
	assert_string_equal(g->schedule, f->schedule);
	msim_explore_result_free(&r);
	/* And the script that says it in words. */
	assert_int_equal(msim_sched_test_replay(&broken,
						"fault@kvm_fault_install,"
						"unmap,fault",
						&o, &r, err, sizeof(err)),
			 0);
	g = find_failure(&r, "coherence");
	assert_non_null(g);
	assert_string_equal(g->message, f->message);
	msim_explore_result_free(&r);
	msim_explore_result_free(&res);
}

/* Messages with their numbers masked, as the explorer tells them apart. */
static char *masked(const char *kind, const char *msg)
{
	char *s = malloc(strlen(kind) + strlen(msg) + 3), *p;

	sprintf(s, "%s: ", kind);
	p = s + strlen(s);
	for (; *msg; msg++) {
		if (*msg >= '0' && *msg <= '9') {
			*p++ = '#';
			while (msg[1] >= '0' && msg[1] <= '9')
				msg++;
		} else {
			*p++ = *msg;
		}
	}
	*p = '\0';
	return s;
}

static bool has_key(const struct msim_explore_result *r, const char *key)
{
	unsigned int i;
	bool found = false;

	for (i = 0; i < r->nfailures && !found; i++) {
		char *k = masked(r->failures[i].kind, r->failures[i].message);

		found = !strcmp(k, key);
		free(k);
	}
	return found;
}

static void same_states_and_failures(const struct msim_explore_result *a,
				     const struct msim_explore_result *b,
				     const char *what)
{
	unsigned long i;

	if (a->nobserved != b->nobserved)
		fail_msg("%s: %lu final states against %lu", what, a->nobserved,
			 b->nobserved);
	for (i = 0; i < a->nobserved; i++)
		if (strcmp(a->observed[i], b->observed[i]))
			fail_msg("%s: state %s against %s", what,
				 a->observed[i], b->observed[i]);
	for (i = 0; i < a->nfailures; i++) {
		char *k = masked(a->failures[i].kind, a->failures[i].message);

		if (!has_key(b, k))
			fail_msg("%s: only one search finds %s", what, k);
		free(k);
	}
	for (i = 0; i < b->nfailures; i++) {
		char *k = masked(b->failures[i].kind, b->failures[i].message);

		if (!has_key(a, k))
			fail_msg("%s: only one search finds %s", what, k);
		free(k);
	}
}

static void test_reduction_is_sound(void **state)
{
	unsigned int i, j;

	(void)state;
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		struct msim_sched_test t = make_test(&scenarios[i]);
		int bounds[] = { 0, scenarios[i].bound };

		for (j = 0; j < 2; j++) {
			struct msim_explore_result full, reduced;
			struct msim_explore_opts o;
			char what[128];

			msim_explore_opts_init(&o);
			o.in_process = true;
			o.no_shrink = true;
			o.preemptions = bounds[j];
			o.no_reduction = true;
			assert_int_equal(msim_sched_test_explore(&t, &o, &full),
					 0);
			assert_true(full.complete);
			o.no_reduction = false;
			assert_int_equal(
				msim_sched_test_explore(&t, &o, &reduced), 0);
			assert_true(reduced.complete);
			snprintf(what, sizeof(what), "%s, bound %d",
				 scenarios[i].name, bounds[j]);
			print_message("%s: %lu runs, %lu with sleep sets, %lu "
				      "final states, %u failures\n",
				      what, full.runs, reduced.runs,
				      full.nobserved, full.nfailures);
			/* The broken drivers' scenarios do fail. */
			if (j && scenarios[i].kvm_bugs)
				assert_true(full.nfailures > 0);
			assert_true(reduced.runs <= full.runs);
			same_states_and_failures(&full, &reduced, what);
			msim_explore_result_free(&full);
			msim_explore_result_free(&reduced);
		}
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* @res' schedules, sorted. */
static char **sorted(const struct msim_explore_result *res)
{
	char **s = malloc((res->nschedule_list + 1) * sizeof(*s));

	memcpy(s, res->schedule_list, res->nschedule_list * sizeof(*s));
	qsort(s, res->nschedule_list, sizeof(*s), cmp_str);
	return s;
}

static void shards(const struct scenario *sc, bool reduction, int bound)
{
	struct msim_sched_test t = make_test(sc);
	struct msim_explore_result whole, part[3], jobs;
	struct msim_explore_opts o;
	unsigned long n = 0, i, k;
	char **all, **mine;
	unsigned int s;

	msim_explore_opts_init(&o);
	o.in_process = true;
	o.no_shrink = true;
	o.collect = true;
	o.no_reduction = !reduction;
	o.preemptions = bound;
	assert_int_equal(msim_sched_test_explore(&t, &o, &whole), 0);
	for (s = 0; s < 3; s++) {
		o.shard = s;
		o.nshards = 3;
		assert_int_equal(msim_sched_test_explore(&t, &o, &part[s]), 0);
		assert_true(part[s].complete);
		n += part[s].nschedule_list;
	}
	/* The union, every run of it once. */
	mine = malloc((n + 1) * sizeof(*mine));
	for (s = 0, k = 0; s < 3; s++)
		for (i = 0; i < part[s].nschedule_list; i++)
			mine[k++] = part[s].schedule_list[i];
	qsort(mine, n, sizeof(*mine), cmp_str);
	all = sorted(&whole);
	if (!reduction) {
		assert_int_equal(n, whole.nschedule_list);
		for (i = 0; i < n; i++)
			assert_string_equal(mine[i], all[i]);
	} else {
		/* At least the unsharded runs: shards sleep less. */
		assert_true(n >= whole.nschedule_list);
	}
	{
		/* Their states and failures, together. */
		struct msim_explore_result u = { 0 };
		unsigned long m = 0;

		for (s = 0; s < 3; s++)
			m += part[s].nobserved;
		u.observed = malloc((m + 1) * sizeof(char *));
		for (s = 0; s < 3; s++)
			for (i = 0; i < part[s].nobserved; i++) {
				for (k = 0; k < u.nobserved; k++)
					if (!strcmp(u.observed[k],
						    part[s].observed[i]))
						break;
				if (k == u.nobserved)
					u.observed[u.nobserved++] =
						part[s].observed[i];
			}
		qsort(u.observed, u.nobserved, sizeof(char *), cmp_str);
		for (s = 0; s < 3; s++)
			u.nfailures += part[s].nfailures;
		u.failures = malloc((u.nfailures + 1) * sizeof(*u.failures));
		for (s = 0, k = 0; s < 3; s++)
			for (i = 0; i < part[s].nfailures; i++)
				u.failures[k++] = part[s].failures[i];
		same_states_and_failures(&whole, &u, sc->name);
		free(u.observed);
		free(u.failures);
	}
	/* --jobs 2: the same, merged. */
	o.shard = 0;
	o.nshards = 0;
	o.jobs = 2;
	assert_int_equal(msim_sched_test_explore(&t, &o, &jobs), 0);
	assert_true(jobs.complete);
	same_states_and_failures(&whole, &jobs, sc->name);
	if (!reduction)
		assert_int_equal(jobs.runs, whole.runs);
	msim_explore_result_free(&jobs);
	free(all);
	free(mine);
	for (s = 0; s < 3; s++)
		msim_explore_result_free(&part[s]);
	msim_explore_result_free(&whole);
}

static void test_shards_make_the_whole(void **state)
{
	(void)state;
	shards(&scenarios[1], false, 2);
	shards(&scenarios[1], true, 2);
	shards(&scenarios[2], false, 1);
	shards(&scenarios[3], true, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kvm_fault_munmap),
		cmocka_unit_test(test_reduction_is_sound),
		cmocka_unit_test(test_shards_make_the_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
