// SPDX-License-Identifier: MIT
/*
 * Random sequences of writes, reads, reclaim, MADV_PAGEOUT, migration,
 * MADV_DONTNEED, mprotect, aging, fork, exit, and pins written through
 * as a device would, over a small window in up to three processes, on a machine
 * with a small swap device (so that it fills).  A shadow copy of every
 * process's bytes says what each read must return; the checkers run over every
 * mm and the machine after every step, and the teardown insists that no frame
 * or slot is left. The seed is printed; MMSIM_TEST_SEED replays a sequence.
 */
#include <pthread.h>
#include "mmsim_task_test.h"

#define NPAGES 16
#define NPROCS 3
#define NSEQ 12
#define NOPS 250
#define SWAP_SLOTS 20

struct proc {
	struct task_struct *tsk;      /* NULL: no such process */
	unsigned char shadow[NPAGES]; /* byte 0 of each page */
	bool ro[NPAGES];	      /* mprotected PROT_READ */
};

/*
 * A long-term write pin: the device writes byte 0 of the page, which
 * the process that pinned it sees for as long as it maps the page there.
 */
struct pin {
	struct page *page;  /* NULL: none */
	struct proc *owner; /* NULL once the mapping is gone */
	unsigned long index;
};

#define NPINS 2

struct world {
	struct tt *t;
	struct mt_rng rng;
	struct proc proc[NPROCS];
	struct pin pin[NPINS];
	unsigned long p;
};

static unsigned long rnd(struct world *w, unsigned long n)
{
	return mt_rand_below(&w->rng, n);
}

static unsigned long addr_of(struct world *w, unsigned long page)
{
	return BASE + page * w->p;
}

static struct proc *pick_proc(struct world *w)
{
	struct proc *pr;

	do
		pr = &w->proc[rnd(w, NPROCS)];
	while (!pr->tsk);
	return pr;
}

static void pick_range(struct world *w, unsigned long *first, unsigned long *n)
{
	*first = rnd(w, NPAGES);
	*n = 1 + rnd(w, NPAGES - *first);
}

/* The mapping a pin writes through went away (zap or exit). */
static void detach_pins(struct world *w, struct proc *pr, unsigned long first,
			unsigned long n)
{
	int k;

	for (k = 0; k < NPINS; k++)
		if (w->pin[k].page && w->pin[k].owner == pr &&
		    w->pin[k].index >= first && w->pin[k].index < first + n)
			w->pin[k].owner = NULL;
}

static void pin_step(struct world *w, struct proc *pr)
{
	struct pin *pin = &w->pin[rnd(w, NPINS)];
	unsigned long i = rnd(w, NPAGES);
	unsigned char byte;
	long ret;

	if (pin->page) {
		if (rnd(w, 2)) {
			/* The device writes. */
			byte = (unsigned char)(1 + rnd(w, 255));
			*(unsigned char *)page_address(pin->page) = byte;
			if (pin->owner)
				pin->owner->shadow[pin->index] = byte;
		} else {
			unpin_user_page(pin->page);
			pin->page = NULL;
			tt_check(w->t->m);
		}
		return;
	}
	if (pr->ro[i])
		return;
	ret = mt_pin_user_pages_remote(pr->tsk->mm, addr_of(w, i), 1,
				       FOLL_WRITE | FOLL_LONGTERM, &pin->page,
				       NULL);
	tt_check(w->t->m);
	assert_int_equal(ret, 1);
	pin->owner = pr;
	pin->index = i;
}

static void check_page(struct world *w, struct proc *pr, unsigned long i)
{
	unsigned char byte = 0xff;

	assert_int_equal(tt_read(pr->tsk->mm, addr_of(w, i), &byte, 1), 0);
	if (byte != pr->shadow[i])
		fail_msg("pid %d page %lu: %#x, want %#x", pr->tsk->pid, i,
			 byte, pr->shadow[i]);
}

static void check_all_pages(struct world *w)
{
	unsigned long i;
	int k;

	for (k = 0; k < NPROCS; k++)
		if (w->proc[k].tsk)
			for (i = 0; i < NPAGES; i++)
				check_page(w, &w->proc[k], i);
}

static void step(struct world *w)
{
	struct proc *pr = pick_proc(w), *child;
	struct mm_struct *mm = pr->tsk->mm;
	unsigned long first, n, i, fault;
	unsigned char byte;
	long ret;
	int k;

	switch (rnd(w, 13)) {
	case 0:
	case 1:
	case 2:
		i = rnd(w, NPAGES);
		byte = (unsigned char)(1 + rnd(w, 255));
		ret = msim_user_access(mm, addr_of(w, i), &byte, 1,
				       MSIM_ACCESS_WRITE, &fault);
		tt_check(w->t->m);
		assert_int_equal(ret, pr->ro[i] ? -EFAULT : 0);
		if (!pr->ro[i])
			pr->shadow[i] = byte;
		break;
	case 3:
		check_page(w, pr, rnd(w, NPAGES));
		break;
	case 4:
		pick_range(w, &first, &n);
		ret = msim_reclaim_range(mm, addr_of(w, first), n * w->p);
		tt_check(w->t->m);
		assert_true(ret >= 0 && ret <= (long)n);
		break;
	case 5:
		pick_range(w, &first, &n);
		assert_int_equal(tt_madvise(mm, addr_of(w, first), n * w->p,
					    MADV_PAGEOUT),
				 0);
		break;
	case 6:
		pick_range(w, &first, &n);
		ret = msim_migrate_range(mm, addr_of(w, first), n * w->p);
		tt_check(w->t->m);
		assert_true(ret >= 0 && ret <= (long)n);
		break;
	case 7:
		pick_range(w, &first, &n);
		assert_int_equal(tt_madvise(mm, addr_of(w, first), n * w->p,
					    MADV_DONTNEED),
				 0);
		for (i = first; i < first + n; i++)
			pr->shadow[i] = 0;
		detach_pins(w, pr, first, n);
		break;
	case 8:
		pick_range(w, &first, &n);
		k = (int)rnd(w, 2);
		assert_int_equal(tt_mprotect(mm, addr_of(w, first), n * w->p,
					     k ? PROT_READ : PROT_RW),
				 0);
		for (i = first; i < first + n; i++)
			pr->ro[i] = k;
		break;
	case 9:
		i = rnd(w, NPAGES);
		ret = msim_page_referenced(mm, addr_of(w, i));
		assert_true(ret >= -ENOENT && ret <= NPROCS);
		ret = msim_test_young(mm, addr_of(w, i));
		assert_true(ret == -ENOENT || ret == 0 || ret == 1);
		ret = msim_pagemap_pfn(mm, addr_of(w, i));
		if (ret > 0)
			assert_true(msim_page_idle_set(w->t->m, ret) == 0);
		tt_check(w->t->m);
		break;
	case 10:
		for (k = 0; k < NPROCS && w->proc[k].tsk; k++)
			;
		if (k == NPROCS)
			break;
		child = &w->proc[k];
		child->tsk = tt_fork(w->t, pr->tsk, 0);
		memcpy(child->shadow, pr->shadow, sizeof(child->shadow));
		memcpy(child->ro, pr->ro, sizeof(child->ro));
		break;
	case 11:
		if (pr == &w->proc[0])
			break; /* init stays, so that some process does */
		detach_pins(w, pr, 0, NPAGES);
		tt_exit(w->t, pr->tsk);
		tt_put(w->t, pr->tsk);
		pr->tsk = NULL;
		break;
	case 12:
		pin_step(w, pr);
		break;
	}
}

static void run_sequence(const struct msim_arch *arch, uint64_t seed)
{
	struct world w = { 0 };
	int op;

	w.rng.s = seed;
	w.t = tt_create(arch, 16 * MiB);
	w.p = w.t->page;
	assert_int_equal(msim_swapon(w.t->m, SWAP_SLOTS), 0);
	w.proc[0].tsk = w.t->task[0];
	tt_map(w.proc[0].tsk->mm, BASE, NPAGES * w.p, PROT_RW);
	for (op = 0; op < NOPS; op++) {
		step(&w);
		if (op % 50 == 49)
			check_all_pages(&w);
	}
	check_all_pages(&w);
	for (op = 0; op < NPINS; op++)
		if (w.pin[op].page)
			unpin_user_page(w.pin[op].page);
	tt_destroy(w.t);
}

static void test_random_x86(void **state)
{
	uint64_t seed = mt_seed("test_random_x86");
	int i;

	(void)state;
	for (i = 0; i < NSEQ; i++)
		run_sequence(&msim_arch_x86_64, seed + (uint64_t)i);
}

static void test_random_coldfire(void **state)
{
	uint64_t seed = mt_seed("test_random_coldfire");
	int i;

	(void)state;
	for (i = 0; i < NSEQ; i++)
		run_sequence(&msim_arch_coldfire, seed + (uint64_t)i);
}

/*
 * Two threads, two processes sharing pages after fork: one thread
 * reclaims, migrates and ages the parent's pages, walking the rmap into
 * the child, while the other splits and merges the child's VMAs with
 * mprotect, writes (COW) and zaps there.  Each checks the bytes it
 * expects; the checkers run at the end.  Under ThreadSanitizer this is
 * the test of the rmap lock.
 */
struct racer {
	struct mm_struct *mm;
	unsigned long p;
	uint64_t seed;
	int iterations;
	unsigned char shadow[NPAGES];
	const char *failed;
};

static void *parent_thread(void *arg)
{
	struct racer *r = arg;
	struct mt_rng rng = { r->seed };
	unsigned char byte;
	unsigned long i, n;
	long ret;
	int it;

	for (it = 0; it < r->iterations && !r->failed; it++) {
		i = mt_rand_below(&rng, NPAGES);
		n = 1 + mt_rand_below(&rng, NPAGES - i);
		switch (mt_rand_below(&rng, 4)) {
		case 0:
			ret = msim_reclaim_range(r->mm, BASE + i * r->p,
						 n * r->p);
			if (ret < 0)
				r->failed = "reclaim";
			break;
		case 1:
			ret = msim_migrate_range(r->mm, BASE + i * r->p,
						 n * r->p);
			if (ret < 0)
				r->failed = "migrate";
			break;
		case 2:
			if (msim_page_referenced(r->mm, BASE + i * r->p) <
			    -ENOENT)
				r->failed = "page_referenced";
			break;
		default:
			if (msim_user_access(r->mm, BASE + i * r->p, &byte, 1,
					     MSIM_ACCESS_READ, NULL) ||
			    byte != r->shadow[i])
				r->failed = "parent read";
			break;
		}
	}
	return NULL;
}

static void *child_thread(void *arg)
{
	struct racer *r = arg;
	struct mt_rng rng = { r->seed };
	unsigned char byte;
	unsigned long i, n;
	int it;

	for (it = 0; it < r->iterations && !r->failed; it++) {
		i = mt_rand_below(&rng, NPAGES);
		n = 1 + mt_rand_below(&rng, NPAGES - i);
		switch (mt_rand_below(&rng, 5)) {
		case 0:
			/* Split, then merge back. */
			if (msim_mprotect(r->mm, BASE + i * r->p, n * r->p,
					  PROT_READ) ||
			    msim_mprotect(r->mm, BASE + i * r->p, n * r->p,
					  PROT_RW))
				r->failed = "mprotect";
			break;
		case 1:
			byte = (unsigned char)(1 + mt_rand_below(&rng, 255));
			if (msim_user_access(r->mm, BASE + i * r->p, &byte, 1,
					     MSIM_ACCESS_WRITE, NULL))
				r->failed = "child write";
			r->shadow[i] = byte;
			break;
		case 2:
			if (msim_madvise(r->mm, BASE + i * r->p, n * r->p,
					 MADV_DONTNEED))
				r->failed = "dontneed";
			memset(r->shadow + i, 0, n);
			break;
		default:
			if (msim_user_access(r->mm, BASE + i * r->p, &byte, 1,
					     MSIM_ACCESS_READ, NULL) ||
			    byte != r->shadow[i])
				r->failed = "child read";
			break;
		}
	}
	return NULL;
}

static void test_rmap_walks_race_the_other_process(void **state)
{
	uint64_t seed = mt_seed("test_rmap_walks_race_the_other_process");
	struct racer parent = { .iterations = 400 }, child;
	struct task_struct *ctsk;
	pthread_t a, b;
	struct tt *t;
	unsigned long i;

	(void)state;
	t = tt_create(&msim_arch_x86_64, 16 * MiB);
	assert_int_equal(msim_swapon(t->m, 4 * NPAGES), 0);
	parent.mm = t->task[0]->mm;
	parent.p = t->page;
	parent.seed = seed;
	tt_map(parent.mm, BASE, NPAGES * t->page, PROT_RW);
	for (i = 0; i < NPAGES; i++) {
		parent.shadow[i] = (unsigned char)(0x10 + i);
		assert_int_equal(tt_write(parent.mm, BASE + i * t->page,
					  &parent.shadow[i], 1),
				 0);
	}
	ctsk = tt_fork(t, t->task[0], 0);
	child = parent;
	child.mm = ctsk->mm;
	child.seed = seed ^ 0x5555;
	assert_int_equal(pthread_create(&a, NULL, parent_thread, &parent), 0);
	assert_int_equal(pthread_create(&b, NULL, child_thread, &child), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	if (parent.failed || child.failed)
		fail_msg("%s", parent.failed ? parent.failed : child.failed);
	tt_check(t->m);
	tt_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_x86),
		cmocka_unit_test(test_random_coldfire),
		cmocka_unit_test(test_rmap_walks_race_the_other_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
