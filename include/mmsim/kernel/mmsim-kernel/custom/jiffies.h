/* SPDX-License-Identifier: MIT */
/*
 * CUSTOMISED: jiffies, HZ and time.
 *
 * MODEL: kernel-jiffies-host-clock: jiffies counts the host's monotonic
 * clock, not simulated ticks, at HZ = 100 (a valid
 * CONFIG_HZ, and the value the UAPI <asm/param.h> gives), starting five
 * minutes before wrapping as the kernel's does (INITIAL_JIFFIES), so
 * that a comparison without time_after() shows up.  It is a function call
 * behind the name: &jiffies does not compile.  The delays sleep on the
 * host; schedule() and cond_resched() yield the host CPU.  A
 * deterministic scheduler does not control this clock.
 */
#ifndef MMSIM_KERNEL_CUSTOM_JIFFIES_H
#define MMSIM_KERNEL_CUSTOM_JIFFIES_H

#include <stdbool.h>
#include <mmsim/export.h>
#include <mmsim-kernel/dup/types.h>

#ifndef HZ
#define HZ 100
#endif
#define MAX_JIFFY_OFFSET ((long)(~0UL >> 1) - 1)
#define INITIAL_JIFFIES ((unsigned long)(unsigned int)(-300 * HZ))

/** msim_jiffies - the jiffies counter now. */
MSIM_API unsigned long msim_jiffies(void);
/** msim_ktime_get_ns - CLOCK_MONOTONIC in nanoseconds. */
MSIM_API u64 msim_ktime_get_ns(void);
/** msim_sleep_ns - sleep @ns nanoseconds on the host. */
MSIM_API void msim_sleep_ns(u64 ns);

#define jiffies msim_jiffies()
#define get_jiffies_64() ((u64)msim_jiffies())

#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)
#define time_in_range(a, b, c) (time_after_eq(a, b) && time_before_eq(a, c))
#define time_is_before_jiffies(a) time_after(jiffies, a)
#define time_is_after_jiffies(a) time_before(jiffies, a)

static inline unsigned long msecs_to_jiffies(unsigned int m)
{
	return ((unsigned long)m * HZ + 999) / 1000;
}

static inline unsigned long usecs_to_jiffies(unsigned int u)
{
	return ((unsigned long)u * HZ + 999999) / 1000000;
}

static inline unsigned int jiffies_to_msecs(unsigned long j)
{
	return (unsigned int)(j * (1000 / HZ));
}

static inline unsigned int jiffies_to_usecs(unsigned long j)
{
	return (unsigned int)(j * (1000000 / HZ));
}

#define NSEC_PER_USEC 1000L
#define NSEC_PER_MSEC 1000000L
#define NSEC_PER_SEC 1000000000L
#define USEC_PER_SEC 1000000L
#define MSEC_PER_SEC 1000L

typedef s64 ktime_t;

static inline ktime_t ktime_get(void)
{
	return (ktime_t)msim_ktime_get_ns();
}

static inline u64 ktime_get_ns(void)
{
	return msim_ktime_get_ns();
}

static inline s64 ktime_to_ns(ktime_t kt)
{
	return kt;
}

static inline s64 ktime_to_us(ktime_t kt)
{
	return kt / NSEC_PER_USEC;
}

static inline s64 ktime_to_ms(ktime_t kt)
{
	return kt / NSEC_PER_MSEC;
}

#define ktime_sub(a, b) ((a) - (b))
#define ktime_add_ns(kt, ns) ((kt) + (ns))

static inline void msleep(unsigned int msecs)
{
	msim_sleep_ns((u64)msecs * NSEC_PER_MSEC);
}

static inline unsigned long msleep_interruptible(unsigned int msecs)
{
	msleep(msecs);
	return 0;
}

static inline void usleep_range(unsigned long min, unsigned long max)
{
	(void)max;
	msim_sleep_ns((u64)min * NSEC_PER_USEC);
}

static inline void fsleep(unsigned long usecs)
{
	msim_sleep_ns((u64)usecs * NSEC_PER_USEC);
}

static inline void udelay(unsigned long usecs)
{
	msim_sleep_ns((u64)usecs * NSEC_PER_USEC);
}

static inline void ndelay(unsigned long nsecs)
{
	msim_sleep_ns(nsecs);
}

static inline void mdelay(unsigned long msecs)
{
	msim_sleep_ns((u64)msecs * NSEC_PER_MSEC);
}

#endif /* MMSIM_KERNEL_CUSTOM_JIFFIES_H */
