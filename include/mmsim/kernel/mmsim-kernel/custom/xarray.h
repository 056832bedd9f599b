/* SPDX-License-Identifier: MIT */
/*
 * CUSTOMISED: the XArray (include/linux/xarray.h), an implementation of
 * mmsim's own with the kernel's API and semantics: a radix tree of
 * 64-slot nodes indexed by unsigned long, storing pointers (aligned to 4)
 * and value entries (xa_mk_value()), with three marks per entry that are
 * kept summarised up the tree so that marked searches skip whole
 * subtrees.  Storing NULL erases; xa_insert(), xa_cmpxchg(), xa_alloc()
 * and the reserved (zero) entry behave as the kernel's;
 * xa_for_each_range() visits [start, last], @last included.
 *
 * Locking as in the kernel: writers are serialised by xa_lock (taken by
 * xa_store() and friends, held by the caller of the __xa_*() forms), and
 * readers need no lock.  MODEL: xarray-reader-mutex: readers are kept
 * safe here by a second, private mutex around every walk and change of
 * the tree, where the kernel uses RCU; it is never held across anything a
 * scheduler could preempt.
 * Nodes are allocated with kmalloc() before the tree is touched, so they
 * are charged to the machine and a failed allocation (msim_fail_nth())
 * leaves the array as it was and returns xa_err() -ENOMEM.
 * Pointer tags: xa_tag_pointer() with tags 0, 1 or 3, as in the kernel.
 */
#ifndef MMSIM_KERNEL_CUSTOM_XARRAY_H
#define MMSIM_KERNEL_CUSTOM_XARRAY_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <mmsim/err.h>
#include <mmsim/export.h>
#include <mmsim-kernel/custom/locks.h>
#include <mmsim-kernel/dup/types.h>

/**
 * struct xarray - an XArray
 * @xa_lock: serialises the writers
 * @xa_flags: XA_FLAGS_*
 * @xa_head: the root node, or NULL when empty
 * @msim_lock: the model's reader/writer exclusion (see the DOC above)
 */
struct xarray {
	spinlock_t xa_lock;
	gfp_t xa_flags;
	void *xa_head;
	pthread_mutex_t msim_lock;
};

typedef unsigned int xa_mark_t;
#define XA_MARK_0 ((xa_mark_t)0U)
#define XA_MARK_1 ((xa_mark_t)1U)
#define XA_MARK_2 ((xa_mark_t)2U)
#define XA_PRESENT ((xa_mark_t)8U)
#define XA_MARK_MAX XA_MARK_2
#define XA_FREE_MARK XA_MARK_0

#define XA_FLAGS_LOCK_IRQ ((gfp_t)1U)
#define XA_FLAGS_LOCK_BH ((gfp_t)2U)
#define XA_FLAGS_TRACK_FREE ((gfp_t)4U)
#define XA_FLAGS_ZERO_BUSY ((gfp_t)8U)
#define XA_FLAGS_ALLOC_WRAPPED ((gfp_t)16U)
#define XA_FLAGS_ALLOC (XA_FLAGS_TRACK_FREE)
#define XA_FLAGS_ALLOC1 (XA_FLAGS_TRACK_FREE | XA_FLAGS_ZERO_BUSY)

#define XARRAY_INIT(name, flags)                                               \
	{                                                                      \
		.xa_lock = __SPIN_LOCK_UNLOCKED(name.xa_lock),                 \
		.xa_flags = (flags), .xa_head = NULL,                          \
		.msim_lock = PTHREAD_MUTEX_INITIALIZER,                        \
	}
#define DEFINE_XARRAY_FLAGS(name, flags)                                       \
	struct xarray name = XARRAY_INIT(name, flags)
#define DEFINE_XARRAY(name) DEFINE_XARRAY_FLAGS(name, 0)
#define DEFINE_XARRAY_ALLOC(name) DEFINE_XARRAY_FLAGS(name, XA_FLAGS_ALLOC)
#define DEFINE_XARRAY_ALLOC1(name) DEFINE_XARRAY_FLAGS(name, XA_FLAGS_ALLOC1)

/* Entries: value entries have bit 0 set, internal ones bit 1 alone. */
static inline void *xa_mk_value(unsigned long v)
{
	return (void *)((v << 1) | 1);
}

static inline unsigned long xa_to_value(const void *entry)
{
	return (unsigned long)entry >> 1;
}

static inline bool xa_is_value(const void *entry)
{
	return (unsigned long)entry & 1;
}

static inline void *xa_tag_pointer(void *p, unsigned long tag)
{
	return (void *)((unsigned long)p | tag);
}

static inline void *xa_untag_pointer(void *entry)
{
	return (void *)((unsigned long)entry & ~3UL);
}

static inline unsigned int xa_pointer_tag(void *entry)
{
	return (unsigned int)((unsigned long)entry & 3UL);
}

static inline void *xa_mk_internal(unsigned long v)
{
	return (void *)((v << 2) | 2);
}

static inline unsigned long xa_to_internal(const void *entry)
{
	return (unsigned long)entry >> 2;
}

static inline bool xa_is_internal(const void *entry)
{
	return ((unsigned long)entry & 3) == 2;
}

/* The reserved entry: present for xa_insert(), NULL to xa_load(). */
#define XA_ZERO_ENTRY xa_mk_internal(257)

static inline bool xa_is_zero(const void *entry)
{
	return entry == XA_ZERO_ENTRY;
}

static inline bool xa_is_err(const void *entry)
{
	return xa_is_internal(entry) &&
	       (unsigned long)entry >=
		       (unsigned long)xa_mk_internal(-MAX_ERRNO);
}

/** xa_err - the -errno of an error entry, or 0. */
static inline int xa_err(void *entry)
{
	return xa_is_err(entry) ? (int)((long)entry >> 2) : 0;
}

/** struct xa_limit - the ids xa_alloc() may hand out, [@min, @max] */
struct xa_limit {
	u32 max;
	u32 min;
};

#define XA_LIMIT(_min, _max)                                                   \
	(struct xa_limit)                                                      \
	{                                                                      \
		.min = (_min), .max = (_max)                                   \
	}
#define xa_limit_32b XA_LIMIT(0, UINT_MAX)
#define xa_limit_31b XA_LIMIT(0, INT_MAX)
#define xa_limit_16b XA_LIMIT(0, USHRT_MAX)

MSIM_API void msim_xa_init_flags(struct xarray *xa, gfp_t flags);
MSIM_API void *msim_xa_load(struct xarray *xa, unsigned long index);
MSIM_API void *msim___xa_store(struct xarray *xa, unsigned long index,
			       void *entry, gfp_t gfp);
MSIM_API void *msim___xa_erase(struct xarray *xa, unsigned long index);
MSIM_API void *msim___xa_cmpxchg(struct xarray *xa, unsigned long index,
				 void *old, void *entry, gfp_t gfp);
MSIM_API int msim___xa_insert(struct xarray *xa, unsigned long index,
			      void *entry, gfp_t gfp);
MSIM_API int msim___xa_alloc(struct xarray *xa, u32 *id, void *entry,
			     struct xa_limit limit, gfp_t gfp);
MSIM_API void msim___xa_set_mark(struct xarray *xa, unsigned long index,
				 xa_mark_t mark);
MSIM_API void msim___xa_clear_mark(struct xarray *xa, unsigned long index,
				   xa_mark_t mark);
MSIM_API bool msim_xa_get_mark(struct xarray *xa, unsigned long index,
			       xa_mark_t mark);
MSIM_API bool msim_xa_marked(struct xarray *xa, xa_mark_t mark);
MSIM_API void *msim_xa_find(struct xarray *xa, unsigned long *indexp,
			    unsigned long max, xa_mark_t filter);
MSIM_API void *msim_xa_find_after(struct xarray *xa, unsigned long *indexp,
				  unsigned long max, xa_mark_t filter);
MSIM_API void msim_xa_destroy(struct xarray *xa);

static inline void xa_init_flags(struct xarray *xa, gfp_t flags)
{
	msim_xa_init_flags(xa, flags);
}

static inline void xa_init(struct xarray *xa)
{
	msim_xa_init_flags(xa, 0);
}

static inline bool xa_empty(const struct xarray *xa)
{
	return !__atomic_load_n(&xa->xa_head, __ATOMIC_RELAXED);
}

static inline bool xa_marked(struct xarray *xa, xa_mark_t mark)
{
	return msim_xa_marked(xa, mark);
}

#define xa_lock(xa) spin_lock(&(xa)->xa_lock)
#define xa_unlock(xa) spin_unlock(&(xa)->xa_lock)
#define xa_lock_bh(xa) spin_lock_bh(&(xa)->xa_lock)
#define xa_unlock_bh(xa) spin_unlock_bh(&(xa)->xa_lock)
#define xa_lock_irq(xa) spin_lock_irq(&(xa)->xa_lock)
#define xa_unlock_irq(xa) spin_unlock_irq(&(xa)->xa_lock)
#define xa_lock_irqsave(xa, flags) spin_lock_irqsave(&(xa)->xa_lock, flags)
#define xa_unlock_irqrestore(xa, flags)                                        \
	spin_unlock_irqrestore(&(xa)->xa_lock, flags)

/** xa_load - the entry at @index, or NULL.  No lock needed. */
static inline void *xa_load(struct xarray *xa, unsigned long index)
{
	return msim_xa_load(xa, index);
}

/* The __xa_*() forms: the caller holds xa_lock. */
static inline void *__xa_store(struct xarray *xa, unsigned long index,
			       void *entry, gfp_t gfp)
{
	return msim___xa_store(xa, index, entry, gfp);
}

static inline void *__xa_erase(struct xarray *xa, unsigned long index)
{
	return msim___xa_erase(xa, index);
}

static inline void *__xa_cmpxchg(struct xarray *xa, unsigned long index,
				 void *old, void *entry, gfp_t gfp)
{
	return msim___xa_cmpxchg(xa, index, old, entry, gfp);
}

static inline int __xa_insert(struct xarray *xa, unsigned long index,
			      void *entry, gfp_t gfp)
{
	return msim___xa_insert(xa, index, entry, gfp);
}

static inline int __xa_alloc(struct xarray *xa, u32 *id, void *entry,
			     struct xa_limit limit, gfp_t gfp)
{
	return msim___xa_alloc(xa, id, entry, limit, gfp);
}

static inline void __xa_set_mark(struct xarray *xa, unsigned long index,
				 xa_mark_t mark)
{
	msim___xa_set_mark(xa, index, mark);
}

static inline void __xa_clear_mark(struct xarray *xa, unsigned long index,
				   xa_mark_t mark)
{
	msim___xa_clear_mark(xa, index, mark);
}

/**
 * xa_store - store @entry at @index (NULL erases)
 * Return: the entry that was there (NULL if none), or an xa_err() entry:
 * -EINVAL for an internal entry, -ENOMEM.
 */
static inline void *xa_store(struct xarray *xa, unsigned long index,
			     void *entry, gfp_t gfp)
{
	void *curr;

	xa_lock(xa);
	curr = __xa_store(xa, index, entry, gfp);
	xa_unlock(xa);
	return curr;
}

static inline void *xa_erase(struct xarray *xa, unsigned long index)
{
	void *entry;

	xa_lock(xa);
	entry = __xa_erase(xa, index);
	xa_unlock(xa);
	return entry;
}

static inline void *xa_cmpxchg(struct xarray *xa, unsigned long index,
			       void *old, void *entry, gfp_t gfp)
{
	void *curr;

	xa_lock(xa);
	curr = __xa_cmpxchg(xa, index, old, entry, gfp);
	xa_unlock(xa);
	return curr;
}

/** xa_insert - store only where nothing is; Return: 0, -EBUSY, -ENOMEM. */
static inline int xa_insert(struct xarray *xa, unsigned long index, void *entry,
			    gfp_t gfp)
{
	int err;

	xa_lock(xa);
	err = __xa_insert(xa, index, entry, gfp);
	xa_unlock(xa);
	return err;
}

/** xa_alloc - store at the lowest free id in @limit; 0, -EBUSY, -ENOMEM. */
static inline int xa_alloc(struct xarray *xa, u32 *id, void *entry,
			   struct xa_limit limit, gfp_t gfp)
{
	int err;

	xa_lock(xa);
	err = __xa_alloc(xa, id, entry, limit, gfp);
	xa_unlock(xa);
	return err;
}

static inline int xa_reserve(struct xarray *xa, unsigned long index, gfp_t gfp)
{
	return xa_err(xa_cmpxchg(xa, index, NULL, XA_ZERO_ENTRY, gfp));
}

static inline void xa_release(struct xarray *xa, unsigned long index)
{
	xa_cmpxchg(xa, index, XA_ZERO_ENTRY, NULL, 0);
}

static inline void xa_set_mark(struct xarray *xa, unsigned long index,
			       xa_mark_t mark)
{
	xa_lock(xa);
	__xa_set_mark(xa, index, mark);
	xa_unlock(xa);
}

static inline void xa_clear_mark(struct xarray *xa, unsigned long index,
				 xa_mark_t mark)
{
	xa_lock(xa);
	__xa_clear_mark(xa, index, mark);
	xa_unlock(xa);
}

static inline bool xa_get_mark(struct xarray *xa, unsigned long index,
			       xa_mark_t mark)
{
	return msim_xa_get_mark(xa, index, mark);
}

/**
 * xa_find - the first entry at or above *@indexp, up to @max included,
 * present (XA_PRESENT) or with the mark @filter; *@indexp is set to its
 * index.  Reserved entries are skipped.
 */
static inline void *xa_find(struct xarray *xa, unsigned long *indexp,
			    unsigned long max, xa_mark_t filter)
{
	return msim_xa_find(xa, indexp, max, filter);
}

/** xa_find_after - the same, strictly above *@indexp. */
static inline void *xa_find_after(struct xarray *xa, unsigned long *indexp,
				  unsigned long max, xa_mark_t filter)
{
	return msim_xa_find_after(xa, indexp, max, filter);
}

/** xa_destroy - free the nodes; the array is then empty. */
static inline void xa_destroy(struct xarray *xa)
{
	msim_xa_destroy(xa);
}

#define xa_for_each_range(xa, index, entry, start, last)                       \
	for (index = (start),                                                  \
	    entry = xa_find((xa), &(index), (last), XA_PRESENT);               \
	     entry; entry = xa_find_after((xa), &(index), (last), XA_PRESENT))
#define xa_for_each_start(xa, index, entry, start)                             \
	xa_for_each_range(xa, index, entry, start, ULONG_MAX)
#define xa_for_each(xa, index, entry) xa_for_each_start(xa, index, entry, 0)
#define xa_for_each_marked(xa, index, entry, filter)                           \
	for (index = 0, entry = xa_find((xa), &(index), ULONG_MAX, (filter));  \
	     entry;                                                            \
	     entry = xa_find_after((xa), &(index), ULONG_MAX, (filter)))

#endif /* MMSIM_KERNEL_CUSTOM_XARRAY_H */
