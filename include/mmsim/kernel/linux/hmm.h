/* SPDX-License-Identifier: MIT */
/*
 * <linux/hmm.h>: hmm_range_fault(), the HMM_PFN_* flags, hmm_pfn_to_page()
 * (the model's, as Linux 6.18's).  CUSTOMISED.
 */
#ifndef MMSIM_KERNEL_LINUX_HMM_H
#define MMSIM_KERNEL_LINUX_HMM_H

#include <mmsim/hmm.h>
#include <mmsim-kernel/custom/mm.h>

#endif /* MMSIM_KERNEL_LINUX_HMM_H */
