/* SPDX-License-Identifier: MIT */
/**
 * DOC: mmsim secondary MMUs
 *
 * The secondary MMUs that ship with mmsim, each kept coherent with the
 * page tables through the mmu_notifier API as a real driver would be: a
 * KVM-like shadow MMU, an HMM mirror, a device TLB and the 2008 skeleton
 * rmap driver, with the translation table three of them share and the
 * coherence checker that watches any of them.
 */
#ifndef MMSIM_DRIVERS_H
#define MMSIM_DRIVERS_H

#include <mmsim/mmsim.h>
#include <mmsim/drivers/coherence.h>
#include <mmsim/drivers/dev_tlb.h>
#include <mmsim/drivers/dmirror.h>
#include <mmsim/drivers/kvm.h>
#include <mmsim/drivers/skeleton_rmap.h>
#include <mmsim/drivers/xlate_table.h>

#endif /* MMSIM_DRIVERS_H */
