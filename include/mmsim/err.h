/* SPDX-License-Identifier: MIT */
/**
 * DOC: Error pointers
 *
 * Functions that return a pointer report failure as a negative errno folded
 * into the pointer, as in the kernel: test with IS_ERR(), read with
 * PTR_ERR().  Errno values are the host's, which are Linux's.
 */
#ifndef MMSIM_ERR_H
#define MMSIM_ERR_H

#include <mmsim/export.h>
#include <errno.h>
#include <stdbool.h>

#define MAX_ERRNO 4095

static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR_VALUE(unsigned long x)
{
	return x >= (unsigned long)-MAX_ERRNO;
}

static inline bool IS_ERR(const void *ptr)
{
	return IS_ERR_VALUE((unsigned long)ptr);
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR(ptr);
}

/** msim_errno_name - "ENOMEM" for -ENOMEM or ENOMEM; "E?" if unknown. */
MSIM_API const char *msim_errno_name(long err);

#endif /* MMSIM_ERR_H */
