/* SPDX-License-Identifier: MIT */
/**
 * DOC: mmsim
 *
 * A user-space simulator of the Linux memory manager.  This header brings
 * in the memory manager and the support code beneath it (locks, lists,
 * trees, SRCU); each concept also has a header of its own.  The secondary
 * MMUs have their umbrella in <mmsim/drivers.h>, the ColdFire CPU, its
 * vDSO and the interrupt-injection engine theirs in <mmsim/coldfire.h>.
 */
#ifndef MMSIM_MMSIM_H
#define MMSIM_MMSIM_H

#include <mmsim/arch.h>
#include <mmsim/avl.h>
#include <mmsim/check.h>
#include <mmsim/config.h>
#include <mmsim/err.h>
#include <mmsim/fault.h>
#include <mmsim/gup.h>
#include <mmsim/hmm.h>
#include <mmsim/interval_tree.h>
#include <mmsim/list.h>
#include <mmsim/locking.h>
#include <mmsim/machine.h>
#include <mmsim/memremap.h>
#include <mmsim/migrate.h>
#include <mmsim/mm.h>
#include <mmsim/mm_types.h>
#include <mmsim/mmu_notifier.h>
#include <mmsim/page.h>
#include <mmsim/page_idle.h>
#include <mmsim/pgtable.h>
#include <mmsim/proc.h>
#include <mmsim/rmap.h>
#include <mmsim/sched.h>
#include <mmsim/srcu.h>
#include <mmsim/swap.h>
#include <mmsim/swapops.h>
#include <mmsim/thread_info.h>
#include <mmsim/trace.h>
#include <mmsim/trace_view.h>
#include <mmsim/vmscan.h>

#endif /* MMSIM_MMSIM_H */
