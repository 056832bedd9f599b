/* SPDX-License-Identifier: MIT */
/*
 * A plain, non-atomic increment: load, add, store.  No entry fixup can
 * make it atomic, since it does not go through the vDSO: a preemption
 * between the load and the store loses the other thread's update under
 * every fixup, the correct one included.  What a fixup does not give you.
 *
 *	mmsim cf-explore examples/coldfire/plain_increment.c --threads 2
 */
#include <cfrt.h>

#define INCREMENTS 2

volatile int counter;
int done[8];

int thread_main(int id)
{
	int i;

	for (i = 0; i < INCREMENTS; i++)
		counter = counter + 1;
	done[id] = INCREMENTS;
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
