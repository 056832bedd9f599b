/* SPDX-License-Identifier: MIT */
/*
 * <linux/pagemap.h>: lock_page(), unlock_page(), folio_lock() (the model's
 * page lock).  CUSTOMISED.
 */
#ifndef MMSIM_KERNEL_LINUX_PAGEMAP_H
#define MMSIM_KERNEL_LINUX_PAGEMAP_H

#include <mmsim-kernel/custom/mm.h>

#endif /* MMSIM_KERNEL_LINUX_PAGEMAP_H */
