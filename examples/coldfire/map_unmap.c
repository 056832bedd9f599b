/* SPDX-License-Identifier: MIT */
/*
 * Thread 1 maps a page, writes to it, publishes it, lets others run once
 * (sched_yield), then unpublishes and unmaps it; thread 0 waits for the
 * page and reads it.  Without interrupts thread 0 reads it while it is
 * mapped.  But nothing keeps thread 1 from unmapping it between thread
 * 0's load of the pointer and its read: one preemption there, and thread
 * 0 reads an address no longer mapped and gets SIGSEGV.  The mm is the
 * kernel's: mmap2, munmap and the faults are the scenario commands' own
 * code.
 *
 *	mmsim cf-explore examples/coldfire/map_unmap.c --threads 2
 */
#include <cfrt.h>

volatile int *volatile shared;
volatile int seen, gone;

static int reader(void)
{
	volatile int *p;

	while (!(p = shared)) {
		if (gone)
			return 0; /* missed it: nothing to read */
		cf_sched_yield();
	}
	seen = p[0];
	return 0;
}

static int writer(void)
{
	volatile int *p;

	p = cf_mmap(0, CF_PAGE_SIZE, CF_PROT_READ | CF_PROT_WRITE,
		    CF_MAP_PRIVATE | CF_MAP_ANONYMOUS);
	if (p == CF_MAP_FAILED)
		return 1;
	p[0] = 42;
	shared = p;
	cf_sched_yield();
	shared = 0;
	cf_munmap((void *)p, CF_PAGE_SIZE);
	gone = 1;
	return 0;
}

int thread_main(int id)
{
	return id == 0 ? reader() : id == 1 ? writer() : 0;
}

/* Thread 0 read 42, or missed the page: a crash is what is looked for. */
int check(void)
{
	return seen == 42 || (seen == 0 && gone) ? 0 : 1;
}
