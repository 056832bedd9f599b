/* SPDX-License-Identifier: MIT */
/*
 * <linux/xarray.h>: The XArray.  CUSTOMISED: mmsim's own implementation of
 * its API, nodes charged to the machine; see mmsim-kernel/custom/xarray.h.
 */
#ifndef MMSIM_KERNEL_LINUX_XARRAY_H
#define MMSIM_KERNEL_LINUX_XARRAY_H

#include <mmsim-kernel/custom/xarray.h>

#endif /* MMSIM_KERNEL_LINUX_XARRAY_H */
