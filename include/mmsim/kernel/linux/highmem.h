/* SPDX-License-Identifier: MIT */
/*
 * <linux/highmem.h>: kmap(), kmap_local_page(), memcpy_{from,to}_page(),
 * copy_highpage(), clear_highpage().  CUSTOMISED: no highmem, the frame's
 * bytes.
 */
#ifndef MMSIM_KERNEL_LINUX_HIGHMEM_H
#define MMSIM_KERNEL_LINUX_HIGHMEM_H

#include <mmsim-kernel/custom/mm.h>

#endif /* MMSIM_KERNEL_LINUX_HIGHMEM_H */
