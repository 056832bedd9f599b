/* SPDX-License-Identifier: MIT */
/*
 * CUSTOMISED: user-space access.  A __user pointer holds an address in
 * the current task's simulated mm; copy_to_user() and the rest move the
 * bytes with the simulated CPU (msim_user_access()), through the page
 * tables, faulting as the kernel's uaccess does: a page not yet present
 * is faulted in (mmap lock taken for reading, as a page fault does),
 * copy-on-write is broken for a write, and an address with no VMA, or a
 * VMA that forbids the access, stops the copy there.  As in the kernel,
 * the caller should not hold the mmap lock (a fault takes it again, which
 * can deadlock behind a waiting writer).  Without a current task every
 * access fails.
 */
#ifndef MMSIM_KERNEL_CUSTOM_UACCESS_H
#define MMSIM_KERNEL_CUSTOM_UACCESS_H

#include <errno.h>
#include <stdint.h>
#include <mmsim/err.h>
#include <mmsim/export.h>
#include <mmsim-kernel/custom/slab.h>
#include <mmsim-kernel/dup/compiler.h>

/** msim_copy_to_user - Return: the bytes not copied (0 on success). */
MSIM_API unsigned long msim_copy_to_user(void __user *to, const void *from,
					 unsigned long n);
/** msim_copy_from_user - the same; the bytes not copied are zeroed. */
MSIM_API unsigned long msim_copy_from_user(void *to, const void __user *from,
					   unsigned long n);
MSIM_API unsigned long msim_clear_user(void __user *to, unsigned long n);
/** msim_strncpy_from_user - Return: the length copied, or -EFAULT. */
MSIM_API long msim_strncpy_from_user(char *dst, const char __user *src,
				     long count);
/** msim_user_addr_ok - [@addr, @addr + @size) lies below TASK_SIZE. */
MSIM_API bool msim_user_addr_ok(unsigned long addr, unsigned long size);

static inline unsigned long copy_to_user(void __user *to, const void *from,
					 unsigned long n)
{
	return msim_copy_to_user(to, from, n);
}

static inline unsigned long copy_from_user(void *to, const void __user *from,
					   unsigned long n)
{
	return msim_copy_from_user(to, from, n);
}

static inline unsigned long clear_user(void __user *to, unsigned long n)
{
	return msim_clear_user(to, n);
}

static inline long strncpy_from_user(char *dst, const char __user *src,
				     long count)
{
	return msim_strncpy_from_user(dst, src, count);
}

#define __copy_to_user copy_to_user
#define __copy_from_user copy_from_user
#define access_ok(addr, size)                                                  \
	msim_user_addr_ok((unsigned long)(addr), (unsigned long)(size))

#define u64_to_user_ptr(x) ((void __user *)(uintptr_t)(x))

#define get_user(x, ptr)                                                       \
	({                                                                     \
		msim_unqual_typeof(*(ptr)) msim_gu_val_;                       \
		int msim_gu_err_ = msim_copy_from_user(&msim_gu_val_, (ptr),   \
						       sizeof(*(ptr)))         \
					   ? -EFAULT                           \
					   : 0;                                \
		(x) = msim_gu_val_;                                            \
		msim_gu_err_;                                                  \
	})
#define put_user(x, ptr)                                                       \
	({                                                                     \
		msim_unqual_typeof(*(ptr)) msim_pu_val_ = (x);                 \
		msim_copy_to_user((ptr), &msim_pu_val_, sizeof(*(ptr)))        \
			? -EFAULT                                              \
			: 0;                                                   \
	})
#define __get_user get_user
#define __put_user put_user

/** memdup_user - a kmalloc()ed copy of @len user bytes, or an ERR_PTR(). */
static inline void *memdup_user(const void __user *src, size_t len)
{
	void *p = kmalloc(len, GFP_KERNEL);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, src, len)) {
		kfree(p);
		return ERR_PTR(-EFAULT);
	}
	return p;
}

static inline void *memdup_user_nul(const void __user *src, size_t len)
{
	char *p = kmalloc(len + 1, GFP_KERNEL);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, src, len)) {
		kfree(p);
		return ERR_PTR(-EFAULT);
	}
	p[len] = '\0';
	return p;
}

#define vmemdup_user memdup_user

#endif /* MMSIM_KERNEL_CUSTOM_UACCESS_H */
