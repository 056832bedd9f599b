/* SPDX-License-Identifier: MIT */
/**
 * DOC: mmsim
 *
 * A user-space simulator of the Linux memory manager.  Include this header
 * for the whole library; each concept also has a header of its own.
 */
#ifndef MMSIM_MMSIM_H
#define MMSIM_MMSIM_H

#include <mmsim/arch.h>
#include <mmsim/avl.h>
#include <mmsim/check.h>
#include <mmsim/coherence.h>
#include <mmsim/coldfire_pt_regs.h>
#include <mmsim/dev_tlb.h>
#include <mmsim/dmirror.h>
#include <mmsim/err.h>
#include <mmsim/fault.h>
#include <mmsim/gup.h>
#include <mmsim/hmm.h>
#include <mmsim/interval_tree.h>
#include <mmsim/kvm.h>
#include <mmsim/list.h>
#include <mmsim/locking.h>
#include <mmsim/machine.h>
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
#include <mmsim/skeleton_rmap.h>
#include <mmsim/srcu.h>
#include <mmsim/swap.h>
#include <mmsim/swapops.h>
#include <mmsim/ucpu.h>
#include <mmsim/vdso.h>
#include <mmsim/vmscan.h>
#include <mmsim/xlate_table.h>

#define MMSIM_VERSION "0.1.0"

#endif /* MMSIM_MMSIM_H */
