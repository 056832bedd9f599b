/* SPDX-License-Identifier: MIT */
/*
 * DUPLICATED: refcount_t and struct kref, with the kernel's checks:
 * incrementing from zero, or decrementing below it, is a WARN (counted,
 * see <linux/bug.h>) and leaves the count saturated instead of wrapping.
 */
#ifndef MMSIM_KERNEL_DUP_REFCOUNT_H
#define MMSIM_KERNEL_DUP_REFCOUNT_H

#include <limits.h>
#include <mmsim-kernel/custom/bug.h>
#include <mmsim-kernel/dup/atomic.h>

typedef struct refcount_struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n)                                                       \
	{                                                                      \
		.refs = ATOMIC_INIT(n)                                         \
	}
#define REFCOUNT_SATURATED (INT_MIN / 2)

static inline void refcount_set(refcount_t *r, int n)
{
	atomic_set(&r->refs, n);
}

static inline unsigned int refcount_read(const refcount_t *r)
{
	return (unsigned int)atomic_read(&r->refs);
}

static inline bool refcount_add_not_zero(int i, refcount_t *r)
{
	int old = atomic_read(&r->refs);

	do {
		if (!old)
			return false;
	} while (!atomic_try_cmpxchg(&r->refs, &old, old + i));
	if (WARN_ONCE(old < 0 || old + i < 0, "refcount_t: saturated"))
		refcount_set(r, REFCOUNT_SATURATED);
	return true;
}

static inline bool refcount_inc_not_zero(refcount_t *r)
{
	return refcount_add_not_zero(1, r);
}

static inline void refcount_add(int i, refcount_t *r)
{
	int old = atomic_fetch_add(i, &r->refs);

	if (WARN_ONCE(!old, "refcount_t: addition on 0; use-after-free") ||
	    WARN_ONCE(old < 0 || old + i < 0, "refcount_t: saturated"))
		refcount_set(r, REFCOUNT_SATURATED);
}

static inline void refcount_inc(refcount_t *r)
{
	refcount_add(1, r);
}

static inline bool refcount_sub_and_test(int i, refcount_t *r)
{
	int old = atomic_fetch_sub(i, &r->refs);

	if (old == i)
		return true;
	if (WARN_ONCE(old < 0 || old - i < 0,
		      "refcount_t: underflow; use-after-free"))
		refcount_set(r, REFCOUNT_SATURATED);
	return false;
}

static inline bool refcount_dec_and_test(refcount_t *r)
{
	return refcount_sub_and_test(1, r);
}

static inline void refcount_dec(refcount_t *r)
{
	WARN_ONCE(refcount_dec_and_test(r),
		  "refcount_t: decrement hit 0; leaking memory");
}

/* struct kref: a refcount with a release function called at zero. */
struct kref {
	refcount_t refcount;
};

#define KREF_INIT(n)                                                           \
	{                                                                      \
		.refcount = REFCOUNT_INIT(n)                                   \
	}

static inline void kref_init(struct kref *kref)
{
	refcount_set(&kref->refcount, 1);
}

static inline unsigned int kref_read(const struct kref *kref)
{
	return refcount_read(&kref->refcount);
}

static inline void kref_get(struct kref *kref)
{
	refcount_inc(&kref->refcount);
}

static inline int kref_put(struct kref *kref,
			   void (*release)(struct kref *kref))
{
	if (refcount_dec_and_test(&kref->refcount)) {
		release(kref);
		return 1;
	}
	return 0;
}

static inline int kref_get_unless_zero(struct kref *kref)
{
	return refcount_inc_not_zero(&kref->refcount);
}

#endif /* MMSIM_KERNEL_DUP_REFCOUNT_H */
