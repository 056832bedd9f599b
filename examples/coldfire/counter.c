/* SPDX-License-Identifier: MIT */
/*
 * A counter incremented through a compare-and-exchange loop on the
 * vDSO's __kernel_atomic_cmpxchg_32: each thread adds INCREMENTS, and
 * check() wants the counter to hold every thread's increments.  The
 * cmpxchg is atomic only if the kernel's entry fixup rewinds it when an
 * interrupt (a preemption by another thread) lands between its compare
 * and its store: with the seed's fixup updates are lost, with a correct
 * one none is.
 *
 *	mmsim cf-explore examples/coldfire/counter.c --threads 2
 */
#include <cfrt.h>

#define INCREMENTS 2

volatile int counter;
int done[8];

int thread_main(int id)
{
	int i, old;

	for (i = 0; i < INCREMENTS; i++) {
		do
			old = counter;
		while (cf_cmpxchg(&counter, old, old + 1) != old);
	}
	done[id] = INCREMENTS; /* its own slot: no race */
	return 0;
}

int check(void)
{
	int i, want = 0;

	for (i = 0; i < 8; i++)
		want += done[i];
	if (counter == want)
		return 0;
	cf_puts("counter ");
	cf_put_int(counter);
	cf_puts(", expected ");
	cf_put_int(want);
	cf_puts("\n");
	return 1;
}
