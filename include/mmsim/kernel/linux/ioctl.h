/* SPDX-License-Identifier: MIT */
/*
 * <linux/ioctl.h>: the host's UAPI _IO(), _IOR(), _IOW(), _IOWR(),
 * _IOC_NR() ..., which are the kernel's (system headers include it under
 * this name).  Nothing to add.
 */
#ifndef MMSIM_KERNEL_LINUX_IOCTL_H
#define MMSIM_KERNEL_LINUX_IOCTL_H

#include_next <linux/ioctl.h>

#endif /* MMSIM_KERNEL_LINUX_IOCTL_H */
