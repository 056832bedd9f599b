// SPDX-License-Identifier: MIT
/*
 * WARN and BUG reports (see mmsim-kernel/custom/bug.h).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/bug.h>
#include <linux/printk.h>
#include <mmsim/locking.h>

static unsigned long nr_warnings;
static pthread_mutex_t hook_lock = PTHREAD_MUTEX_INITIALIZER;
static void (*warn_hook)(const char *file, int line, void *arg);
static void *warn_hook_arg;
static void (*bug_hook)(const char *file, int line, void *arg);
static void *bug_hook_arg;

void msim_warn(const char *file, int line, const char *cond, const char *fmt,
	       ...)
{
	void (*hook)(const char *file, int line, void *arg);
	char msg[512] = "";
	va_list ap;
	void *arg;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	__atomic_fetch_add(&nr_warnings, 1, __ATOMIC_RELAXED);
	printk(KERN_WARNING "WARNING: at %s:%d%s%s%s%s\n", file, line,
	       cond ? ": " : "", cond ? cond : "", msg[0] ? ": " : "", msg);
	{
		/* A scheduler exploring interleavings reports it too. */
		const struct msim_site site = { "WARN", file, line };
		char what[600];

		snprintf(what, sizeof(what), "WARNING%s%s%s%s",
			 cond ? ": " : "", cond ? cond : "", msg[0] ? ": " : "",
			 msg);
		msim_sync_warn(what, &site);
	}
	pthread_mutex_lock(&hook_lock);
	hook = warn_hook;
	arg = warn_hook_arg;
	pthread_mutex_unlock(&hook_lock);
	if (hook)
		hook(file, line, arg);
}

void msim_bug(const char *file, int line, const char *cond)
{
	void (*hook)(const char *file, int line, void *arg);
	void *arg;

	printk(KERN_EMERG "kernel BUG at %s:%d!%s%s\n", file, line,
	       cond ? " " : "", cond ? cond : "");
	{
		/* A scheduler stops the run here and reports its schedule. */
		const struct msim_site site = { "BUG", file, line };
		char what[300];

		snprintf(what, sizeof(what), "kernel BUG%s%s", cond ? ": " : "",
			 cond ? cond : "");
		msim_sync_report_bug(what, &site);
	}
	pthread_mutex_lock(&hook_lock);
	hook = bug_hook;
	arg = bug_hook_arg;
	pthread_mutex_unlock(&hook_lock);
	if (hook)
		hook(file, line, arg);
	abort();
}

unsigned long msim_kernel_warnings(void)
{
	return __atomic_load_n(&nr_warnings, __ATOMIC_RELAXED);
}

void msim_kernel_set_warn_hook(void (*hook)(const char *file, int line,
					    void *arg),
			       void *arg)
{
	pthread_mutex_lock(&hook_lock);
	warn_hook = hook;
	warn_hook_arg = arg;
	pthread_mutex_unlock(&hook_lock);
}

void msim_kernel_set_bug_hook(void (*hook)(const char *file, int line,
					   void *arg),
			      void *arg)
{
	pthread_mutex_lock(&hook_lock);
	bug_hook = hook;
	bug_hook_arg = arg;
	pthread_mutex_unlock(&hook_lock);
}
