/* SPDX-License-Identifier: MIT */
/*
 * <linux/migrate.h>: migrate_vma_setup(), migrate_vma_pages(),
 * migrate_vma_finalize(), migrate_pfn(), migrate_pfn_to_page(),
 * migrate_device_range() (the model's).  CUSTOMISED.
 */
#ifndef MMSIM_KERNEL_LINUX_MIGRATE_H
#define MMSIM_KERNEL_LINUX_MIGRATE_H

#include <mmsim/migrate.h>
#include <mmsim-kernel/custom/mm.h>

#endif /* MMSIM_KERNEL_LINUX_MIGRATE_H */
