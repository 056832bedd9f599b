/* SPDX-License-Identifier: MIT */
/*
 * What the tests of the kernel tree (tests/test_kernel_*.c) share: the
 * task fixture of mmsim_task_test.h with its first task made current, as
 * kernel code runs on behalf of current, and the kernel tree's headers
 * after the model's, which a file may include together.  The printk()
 * messages are captured, so that a test can assert what was reported.
 */
#ifndef MMSIM_KERNEL_TEST_H
#define MMSIM_KERNEL_TEST_H

#include "mmsim_task_test.h"

#include <linux/kernel.h>
#include <linux/mm.h>

/* The last printk() messages, one after the other. */
static char kt_log[8192];
static pthread_mutex_t kt_log_lock = PTHREAD_MUTEX_INITIALIZER;

static inline void kt_sink(int level, const char *msg, void *arg)
{
	size_t len;

	(void)level;
	(void)arg;
	pthread_mutex_lock(&kt_log_lock);
	len = strlen(kt_log);
	if (len + strlen(msg) + 1 >= sizeof(kt_log))
		len = 0;
	snprintf(kt_log + len, sizeof(kt_log) - len, "%s", msg);
	pthread_mutex_unlock(&kt_log_lock);
}

static inline bool kt_logged(const char *what)
{
	bool found;

	pthread_mutex_lock(&kt_log_lock);
	found = strstr(kt_log, what) != NULL;
	pthread_mutex_unlock(&kt_log_lock);
	return found;
}

static inline void kt_log_clear(void)
{
	pthread_mutex_lock(&kt_log_lock);
	kt_log[0] = '\0';
	pthread_mutex_unlock(&kt_log_lock);
}

static inline int kt_setup(struct tt *t)
{
	msim_set_current(t->task[0]);
	kt_log_clear();
	msim_printk_set_sink(kt_sink, NULL);
	return 0;
}

static inline int kt_setup_x86(void **state)
{
	tt_setup_x86(state);
	return kt_setup(*state);
}

static inline int kt_setup_coldfire(void **state)
{
	tt_setup_coldfire(state);
	return kt_setup(*state);
}

static inline int kt_teardown(void **state)
{
	msim_printk_set_sink(NULL, NULL);
	msim_set_current(NULL);
	return tt_teardown(state);
}

#define kt_test(f) cmocka_unit_test_setup_teardown(f, kt_setup_x86, kt_teardown)
#define kt_test_coldfire(f)                                                    \
	cmocka_unit_test_setup_teardown(f, kt_setup_coldfire, kt_teardown)

#endif /* MMSIM_KERNEL_TEST_H */
