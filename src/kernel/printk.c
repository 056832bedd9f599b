// SPDX-License-Identifier: MIT
/*
 * printk() (see mmsim-kernel/custom/printk.h): a message is formatted,
 * its KERN_* level taken off the front, and handed to the sink; a
 * KERN_CONT message continues the last line at its level.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/printk.h>

static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static void (*sink_fn)(int level, const char *msg, void *arg);
static void *sink_arg;
static int last_level = LOGLEVEL_WARNING;

void msim_printk_set_sink(void (*sink)(int level, const char *msg, void *arg),
			  void *arg)
{
	pthread_mutex_lock(&sink_lock);
	sink_fn = sink;
	sink_arg = arg;
	pthread_mutex_unlock(&sink_lock);
}

int msim_vprintk(const char *fmt, va_list args)
{
	char buf[1024];
	const char *msg = buf;
	int level = LOGLEVEL_WARNING, n;

	n = vsnprintf(buf, sizeof(buf), fmt, args);
	if (n < 0)
		return n;
	pthread_mutex_lock(&sink_lock);
	while (msg[0] == KERN_SOH[0] && msg[1]) {
		if (msg[1] >= '0' && msg[1] <= '7')
			level = msg[1] - '0';
		else if (msg[1] == 'c')
			level = last_level;
		msg += 2;
	}
	last_level = level;
	if (sink_fn)
		sink_fn(level, msg, sink_arg);
	else
		fprintf(stderr, "<%d>%s", level, msg);
	pthread_mutex_unlock(&sink_lock);
	return n - (int)(msg - buf);
}

int msim_printk(const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = msim_vprintk(fmt, args);
	va_end(args);
	return n;
}
