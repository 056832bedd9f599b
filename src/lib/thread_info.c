// SPDX-License-Identifier: MIT
/*
 * The per-thread block (thread_info.h): one for each host thread, unless
 * a scheduler has installed the block of the simulated thread it runs.
 */
#include <stddef.h>
#include <mmsim/thread_info.h>

static _Thread_local struct msim_thread_info host_info;
static _Thread_local struct msim_thread_info *installed;

struct msim_thread_info *msim_current_thread_info(void)
{
	return installed ? installed : &host_info;
}

struct msim_thread_info *msim_set_thread_info(struct msim_thread_info *ti)
{
	struct msim_thread_info *old = msim_current_thread_info();

	installed = ti;
	return old;
}
