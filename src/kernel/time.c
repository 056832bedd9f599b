// SPDX-License-Identifier: MIT
/*
 * jiffies and the host clock (see mmsim-kernel/custom/jiffies.h).
 * jiffies starts at INITIAL_JIFFIES when the program starts, as the
 * kernel's does at boot, and so wraps five minutes later.
 */
#include <errno.h>
#include <time.h>
#include <linux/jiffies.h>

u64 msim_ktime_get_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
}

/* The clock at start-up: jiffies is INITIAL_JIFFIES then, as at boot. */
static u64 boot_ns;

__attribute__((constructor)) static void jiffies_boot(void)
{
	boot_ns = msim_ktime_get_ns();
}

unsigned long msim_jiffies(void)
{
	return INITIAL_JIFFIES +
	       (unsigned long)((msim_ktime_get_ns() - boot_ns) /
			       (NSEC_PER_SEC / HZ));
}

void msim_sleep_ns(u64 ns)
{
	struct timespec ts = { (time_t)(ns / NSEC_PER_SEC),
			       (long)(ns % NSEC_PER_SEC) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}
