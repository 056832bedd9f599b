/* SPDX-License-Identifier: MIT */
/*
 * CUSTOMISED: the kernel's allocators (kmalloc() and its family,
 * vmalloc(), kvmalloc(), kmem_cache) with the GFP flags.
 *
 * Every allocation is charged to a machine, as every object of the model
 * is: the machine msim_current_machine() names (the current task's; see
 * <mmsim/sched.h>), under the kind MSIM_ALLOC_KMALLOC.  So the leak check
 * of a test sees what a driver did not free, and msim_fail_nth() can
 * make any single allocation fail (the caller sees NULL, as under memory
 * pressure).  An allocation with no machine to charge is a BUG.  kfree()
 * gives the memory back to the machine it came from, whatever is current.
 *
 * The memory comes from the host's allocator, so AddressSanitizer
 * reports overflows and uses after free; a kmalloc() is not zeroed
 * (kzalloc() and __GFP_ZERO are).  MODEL: kmalloc-host-heap: the GFP
 * flags say nothing else here: the model neither sleeps for memory nor
 * reclaims, and GFP_ATOMIC allocations fail only by injection.  kfree_rcu()
 * frees after a grace period (<linux/rcupdate.h>).
 */
#ifndef MMSIM_KERNEL_CUSTOM_SLAB_H
#define MMSIM_KERNEL_CUSTOM_SLAB_H

#include <stddef.h>
#include <string.h>
#include <mmsim/export.h>
#include <mmsim-kernel/dup/compiler.h>
#include <mmsim-kernel/dup/math.h>
#include <mmsim-kernel/dup/types.h>

/* GFP flags: distinct bits; only __GFP_ZERO changes anything here. */
#define __GFP_DMA 0x01u
#define __GFP_HIGHMEM 0x02u
#define __GFP_DMA32 0x04u
#define __GFP_MOVABLE 0x08u
#define __GFP_RECLAIMABLE 0x10u
#define __GFP_HIGH 0x20u
#define __GFP_IO 0x40u
#define __GFP_FS 0x80u
#define __GFP_ZERO 0x100u
#define __GFP_DIRECT_RECLAIM 0x400u
#define __GFP_KSWAPD_RECLAIM 0x800u
#define __GFP_NOWARN 0x2000u
#define __GFP_RETRY_MAYFAIL 0x4000u
#define __GFP_NOFAIL 0x8000u
#define __GFP_NORETRY 0x10000u
#define __GFP_COMP 0x40000u
#define __GFP_ACCOUNT 0x400000u
#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)

#define GFP_ATOMIC (__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT (GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM | __GFP_NOWARN)
#define GFP_NOIO (__GFP_RECLAIM)
#define GFP_NOFS (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_DMA __GFP_DMA
#define GFP_DMA32 __GFP_DMA32
#define GFP_HIGHUSER (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE)

/* What kmalloc(0) returns: not NULL, and faulting if used. */
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

/** msim_kmalloc - kmalloc() (see the DOC above); NULL on failure. */
MSIM_API void *msim_kmalloc(size_t size, gfp_t flags);
/** msim_krealloc - krealloc(): @p may be NULL; NULL keeps @p. */
MSIM_API void *msim_krealloc(const void *p, size_t new_size, gfp_t flags);
/** msim_kfree_kernel - kfree(): NULL and ZERO_SIZE_PTR are ignored. */
MSIM_API void msim_kfree_kernel(const void *p);
/** msim_ksize - the usable size of a kmalloc() allocation. */
MSIM_API size_t msim_ksize(const void *p);

static inline void *kmalloc(size_t size, gfp_t flags)
{
	return msim_kmalloc(size, flags);
}

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return msim_kmalloc(size, flags | __GFP_ZERO);
}

static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	return msim_kmalloc(array_size(n, size), flags);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}

static inline void *krealloc(const void *p, size_t new_size, gfp_t flags)
{
	return msim_krealloc(p, new_size, flags);
}

static inline void *krealloc_array(void *p, size_t n, size_t size, gfp_t flags)
{
	return msim_krealloc(p, array_size(n, size), flags);
}

static inline void kfree(const void *p)
{
	msim_kfree_kernel(p);
}

static inline void kfree_sensitive(const void *p)
{
	msim_kfree_kernel(p);
}

static inline size_t ksize(const void *p)
{
	return msim_ksize(p);
}

#define kmalloc_node(size, flags, node) kmalloc(size, flags)
#define kzalloc_node(size, flags, node) kzalloc(size, flags)
#define kcalloc_node(n, size, flags, node) kcalloc(n, size, flags)

static inline void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p)
		memcpy(p, src, len);
	return p;
}

static inline char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	size_t len;
	char *p;

	if (!s)
		return NULL;
	len = strnlen(s, max);
	p = kmalloc(len + 1, gfp);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

static inline char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kstrndup(s, strlen(s), gfp) : NULL;
}

static inline const char *kstrdup_const(const char *s, gfp_t gfp)
{
	return kstrdup(s, gfp);
}

static inline void kfree_const(const void *p)
{
	kfree(p);
}

/*
 * vmalloc() and kvmalloc(): the same allocator (the model has no
 * separate virtual area; the memory is as good).
 */
static inline void *vmalloc(unsigned long size)
{
	return msim_kmalloc(size, GFP_KERNEL);
}

static inline void *vzalloc(unsigned long size)
{
	return msim_kmalloc(size, GFP_KERNEL | __GFP_ZERO);
}

static inline void vfree(const void *p)
{
	msim_kfree_kernel(p);
}

static inline void *kvmalloc(size_t size, gfp_t flags)
{
	return msim_kmalloc(size, flags);
}

static inline void *kvzalloc(size_t size, gfp_t flags)
{
	return msim_kmalloc(size, flags | __GFP_ZERO);
}

static inline void *kvmalloc_array(size_t n, size_t size, gfp_t flags)
{
	return msim_kmalloc(array_size(n, size), flags);
}

static inline void *kvcalloc(size_t n, size_t size, gfp_t flags)
{
	return msim_kmalloc(array_size(n, size), flags | __GFP_ZERO);
}

static inline void *kvrealloc(const void *p, size_t size, gfp_t flags)
{
	return msim_krealloc(p, size, flags);
}

static inline void kvfree(const void *p)
{
	msim_kfree_kernel(p);
}

static inline void kvfree_sensitive(const void *p, size_t len)
{
	(void)len;
	msim_kfree_kernel(p);
}

static inline void *vmalloc_array(size_t n, size_t size)
{
	return msim_kmalloc(array_size(n, size), GFP_KERNEL);
}

static inline void *vcalloc(size_t n, size_t size)
{
	return msim_kmalloc(array_size(n, size), GFP_KERNEL | __GFP_ZERO);
}

/*
 * struct kmem_cache: objects of one size, from kmalloc(), with the
 * constructor run on each allocation (SLAB_TYPESAFE_BY_RCU and the other
 * flags have no effect).
 */
struct kmem_cache {
	const char *name;
	unsigned int size;
	unsigned int align;
	void (*ctor)(void *object);
};

#define SLAB_HWCACHE_ALIGN 0x00002000u
#define SLAB_PANIC 0x00040000u
#define SLAB_TYPESAFE_BY_RCU 0x00080000u
#define SLAB_ACCOUNT 0x04000000u
#define SLAB_RECLAIM_ACCOUNT 0x00020000u

static inline struct kmem_cache *
kmem_cache_create(const char *name, unsigned int size, unsigned int align,
		  unsigned long flags, void (*ctor)(void *))
{
	struct kmem_cache *s = kzalloc(sizeof(*s), GFP_KERNEL);

	(void)flags;
	if (s) {
		s->name = name;
		s->size = size;
		s->align = align;
		s->ctor = ctor;
	}
	return s;
}

#define KMEM_CACHE(type, flags)                                                \
	kmem_cache_create(#type, sizeof(struct type),                          \
			  __alignof__(struct type), (flags), NULL)

static inline void kmem_cache_destroy(struct kmem_cache *s)
{
	kfree(s);
}

static inline void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags)
{
	void *p = kmalloc(s->size, flags);

	if (p && s->ctor)
		s->ctor(p);
	return p;
}

static inline void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t flags)
{
	return kmem_cache_alloc(s, flags | __GFP_ZERO);
}

static inline void kmem_cache_free(struct kmem_cache *s, void *p)
{
	(void)s;
	kfree(p);
}

#endif /* MMSIM_KERNEL_CUSTOM_SLAB_H */
