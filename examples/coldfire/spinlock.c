/* SPDX-License-Identifier: MIT */
/*
 * A spinlock built on the vDSO's compare-and-exchange, guarding a
 * two-word invariant: inside the lock a thread moves one unit from
 * `left` to `right` in two steps, so that left + right is TOTAL whenever
 * nobody holds the lock.  A thread that finds the lock taken yields
 * (sched_yield) rather than spin on a uniprocessor.  If the cmpxchg is
 * not atomic two threads can both take the lock, and the invariant
 * breaks: check() sees it, or a thread sees it inside the lock.
 *
 *	mmsim cf-explore examples/coldfire/spinlock.c --threads 2
 */
#include <cfrt.h>

#define TOTAL 1000
#define ROUNDS 1

volatile int lock;
volatile int left = TOTAL, right;
volatile int broken;

static void spin_lock(volatile int *l)
{
	while (cf_cmpxchg(l, 0, 1) != 0)
		cf_sched_yield();
}

static void spin_unlock(volatile int *l)
{
	cf_barrier();
	*l = 0;
}

int thread_main(int id)
{
	int i, l;

	(void)id;
	for (i = 0; i < ROUNDS; i++) {
		spin_lock(&lock);
		if (left + right != TOTAL)
			broken = 1;
		l = left;
		left = l - 1;
		right = right + 1;
		spin_unlock(&lock);
	}
	return 0;
}

int check(void)
{
	if (!broken && left + right == TOTAL && !lock)
		return 0;
	cf_puts("left + right = ");
	cf_put_int(left + right);
	cf_puts(broken ? ", seen broken inside the lock\n" : "\n");
	return 1;
}
