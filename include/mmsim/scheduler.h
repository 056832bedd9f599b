/* SPDX-License-Identifier: MIT */
/**
 * DOC: The deterministic scheduler
 *
 * Simulated threads, controlled or free-running (<mmsim/sched/thread.h>),
 * and the explorer that runs a body under many schedules, replays one,
 * and checks each run for deadlocks, lock-order inversions, sleeping in
 * atomic context, mmap_lock recursion and BUG()s
 * (<mmsim/sched/explore.h>).  (<mmsim/sched.h> is the mm's task_struct.)
 */
#ifndef MMSIM_SCHEDULER_H
#define MMSIM_SCHEDULER_H

#include <mmsim/sched/explore.h>
#include <mmsim/sched/thread.h>

#endif /* MMSIM_SCHEDULER_H */
