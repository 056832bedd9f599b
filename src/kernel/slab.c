// SPDX-License-Identifier: MIT
/*
 * kmalloc() and friends (see mmsim-kernel/custom/slab.h).  Each block
 * starts with a header naming the machine it is charged to and its size,
 * so that kfree() and krealloc() need no machine of their own; the
 * header is checked on the way back, so that freeing something kmalloc()
 * did not hand out is a BUG rather than a corrupted heap.
 */
#include <stdlib.h>
#include <linux/bug.h>
#include <linux/mm.h>
#include <linux/slab.h>

#define KMALLOC_MAGIC 0x6b6d616c6c6f63UL /* "kmalloc" */

struct kmalloc_header {
	struct msim_machine *machine;
	size_t size;
	unsigned long magic;
	unsigned long pad; /* keeps the payload 16-byte aligned */
};

static struct kmalloc_header *header_of(const void *p)
{
	struct kmalloc_header *h = (struct kmalloc_header *)p - 1;

	if (h->magic != KMALLOC_MAGIC)
		msim_bug(__FILE__, __LINE__,
			 "kfree() of memory kmalloc() did not hand out");
	return h;
}

void *msim_kmalloc(size_t size, gfp_t flags)
{
	struct msim_machine *m;
	struct kmalloc_header *h;

	if (!size)
		return ZERO_SIZE_PTR;
	m = msim_kmachine();
	if (size > SIZE_MAX - sizeof(*h))
		return NULL;
	if (msim_should_fail(m, MSIM_ALLOC_KMALLOC))
		return NULL;
	h = (flags & __GFP_ZERO) ? calloc(1, sizeof(*h) + size)
				 : malloc(sizeof(*h) + size);
	if (!h)
		return NULL;
	h->machine = m;
	h->size = size;
	h->magic = KMALLOC_MAGIC;
	atomic_fetch_add_explicit(&m->live[MSIM_ALLOC_KMALLOC], 1,
				  memory_order_relaxed);
	return h + 1;
}

void msim_kfree_kernel(const void *p)
{
	struct kmalloc_header *h;

	if (ZERO_OR_NULL_PTR(p))
		return;
	h = header_of(p);
	h->magic = 0;
	atomic_fetch_sub_explicit(&h->machine->live[MSIM_ALLOC_KMALLOC], 1,
				  memory_order_relaxed);
	free(h);
}

size_t msim_ksize(const void *p)
{
	if (ZERO_OR_NULL_PTR(p))
		return 0;
	return header_of(p)->size;
}

void *msim_krealloc(const void *p, size_t new_size, gfp_t flags)
{
	void *q;
	size_t old;

	if (ZERO_OR_NULL_PTR(p))
		return msim_kmalloc(new_size, flags);
	if (!new_size) {
		msim_kfree_kernel(p);
		return ZERO_SIZE_PTR;
	}
	old = header_of(p)->size;
	if (new_size <= old)
		return (void *)p;
	q = msim_kmalloc(new_size, flags & ~__GFP_ZERO);
	if (!q)
		return NULL;
	memcpy(q, p, old);
	if (flags & __GFP_ZERO)
		memset((char *)q + old, 0, new_size - old);
	msim_kfree_kernel(p);
	return q;
}
