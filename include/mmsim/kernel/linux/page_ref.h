/* SPDX-License-Identifier: MIT */
/*
 * <linux/page_ref.h>: page_ref_count(), get_page(), put_page() (the
 * model's).  CUSTOMISED.
 */
#ifndef MMSIM_KERNEL_LINUX_PAGE_REF_H
#define MMSIM_KERNEL_LINUX_PAGE_REF_H

#include <mmsim-kernel/custom/mm.h>

#endif /* MMSIM_KERNEL_LINUX_PAGE_REF_H */
