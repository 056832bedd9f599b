/* SPDX-License-Identifier: MIT */
/*
 * DUPLICATED: error pointers.  <mmsim/err.h> has ERR_PTR(), PTR_ERR(),
 * IS_ERR() and IS_ERR_OR_NULL(), which the model uses too; this adds the
 * rest of <linux/err.h>.
 */
#ifndef MMSIM_KERNEL_DUP_ERR_H
#define MMSIM_KERNEL_DUP_ERR_H

#include <mmsim/err.h>

static inline void *ERR_CAST(const void *ptr)
{
	return (void *)ptr;
}

static inline int PTR_ERR_OR_ZERO(const void *ptr)
{
	return IS_ERR(ptr) ? (int)PTR_ERR(ptr) : 0;
}

#define IS_ERR_VALUE_ULONG(x) IS_ERR_VALUE((unsigned long)(x))

#endif /* MMSIM_KERNEL_DUP_ERR_H */
