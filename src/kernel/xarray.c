// SPDX-License-Identifier: MIT
/*
 * The XArray (see mmsim-kernel/custom/xarray.h), mmsim's own.
 *
 * A tree of nodes of 64 slots.  A node with shift s decodes bits
 * [s, s + 6) of the index; the leaves (shift 0) hold the entries, the
 * others their children.  xa_head is NULL or the root, which is always a
 * node, as tall as the highest index needs; an index beyond the root's
 * reach is empty.  Every node counts its non-NULL slots and is freed when
 * the count drops to zero; a root left with only slot 0 gives way to
 * that child.
 *
 * Marks: a leaf's bit for a slot says the entry has the mark; an inner
 * node's bit says something below that slot has it.  Setting a mark sets
 * the bits on the way up until one is set already; clearing clears them
 * while the node below has no bit left.
 *
 * Writers hold xa_lock; readers and writers alike hold msim_lock while
 * they look at or change the tree.  A store first counts, under
 * msim_lock, the nodes it will need, allocates them with neither lock of
 * the tree's bare (xa_lock is held, and no other writer can change what
 * was counted), then makes the change under msim_lock: a failed
 * allocation changes nothing, and msim_lock is never held across a lock
 * a scheduler might preempt on.
 */
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#define XA_CHUNK_SHIFT 6
#define XA_CHUNK_SIZE (1U << XA_CHUNK_SHIFT)
#define XA_CHUNK_MASK (XA_CHUNK_SIZE - 1)
#define XA_MAX_MARKS 3
#define XA_MAX_DEPTH ((64 + XA_CHUNK_SHIFT - 1) / XA_CHUNK_SHIFT)

struct xa_node {
	unsigned char shift;
	unsigned char offset; /* in the parent */
	unsigned char count;  /* non-NULL slots */
	struct xa_node *parent;
	void *slots[XA_CHUNK_SIZE];
	unsigned long marks[XA_MAX_MARKS];
};

static void *xa_err_entry(int err)
{
	return xa_mk_internal((unsigned long)(long)err);
}

static struct xa_node *xa_root(struct xarray *xa)
{
	return xa->xa_head;
}

static void xa_set_root(struct xarray *xa, struct xa_node *node)
{
	__atomic_store_n(&xa->xa_head, (void *)node, __ATOMIC_RELAXED);
}

/* Does a tree whose root has @shift reach @index? */
static bool xa_reaches(unsigned int shift, unsigned long index)
{
	return shift + XA_CHUNK_SHIFT >= 64 ||
	       !(index >> (shift + XA_CHUNK_SHIFT));
}

static unsigned int xa_offset(const struct xa_node *node, unsigned long index)
{
	return (index >> node->shift) & XA_CHUNK_MASK;
}

/* The leaf slot of @index, or NULL if its leaf does not exist. */
static void **xa_slot(struct xarray *xa, unsigned long index,
		      struct xa_node **leafp)
{
	struct xa_node *node = xa_root(xa);

	if (!node || !xa_reaches(node->shift, index))
		return NULL;
	while (node->shift) {
		node = node->slots[xa_offset(node, index)];
		if (!node)
			return NULL;
	}
	*leafp = node;
	return &node->slots[xa_offset(node, index)];
}

static void *xa_load_raw(struct xarray *xa, unsigned long index)
{
	struct xa_node *leaf;
	void **slot = xa_slot(xa, index, &leaf);

	return slot ? *slot : NULL;
}

/* How many nodes a store at @index has to add. */
static unsigned int xa_nodes_needed(struct xarray *xa, unsigned long index)
{
	struct xa_node *node = xa_root(xa), *child;
	unsigned int shift = 0, n = 0, s;

	if (!node) {
		while (!xa_reaches(shift, index))
			shift += XA_CHUNK_SHIFT;
		return shift / XA_CHUNK_SHIFT + 1;
	}
	/* New roots above the old one, the old one in their slot 0. */
	shift = node->shift;
	while (!xa_reaches(shift, index)) {
		shift += XA_CHUNK_SHIFT;
		n++;
	}
	for (s = shift; s > node->shift; s -= XA_CHUNK_SHIFT)
		if ((index >> s) & XA_CHUNK_MASK)
			return n + s / XA_CHUNK_SHIFT;
	while (node->shift) {
		child = node->slots[xa_offset(node, index)];
		if (!child)
			return n + node->shift / XA_CHUNK_SHIFT;
		node = child;
	}
	return n;
}

/* New roots above the old one, and a path below the new root. */
struct xa_pool {
	struct xa_node *nodes[2 * XA_MAX_DEPTH];
	unsigned int nr;
};

static int xa_pool_fill(struct xa_pool *pool, unsigned int n, gfp_t gfp)
{
	pool->nr = 0;
	BUG_ON(n > ARRAY_SIZE(pool->nodes));
	while (pool->nr < n) {
		pool->nodes[pool->nr] =
			kzalloc(sizeof(struct xa_node), gfp & ~__GFP_ZERO);
		if (!pool->nodes[pool->nr])
			return -ENOMEM;
		pool->nr++;
	}
	return 0;
}

static void xa_pool_drain(struct xa_pool *pool)
{
	while (pool->nr)
		kfree(pool->nodes[--pool->nr]);
}

static struct xa_node *xa_pool_take(struct xa_pool *pool)
{
	return pool->nodes[--pool->nr];
}

/* Set @mark for @offset of @node and on up, as far as it was unset. */
static void xa_mark_up(struct xa_node *node, unsigned int offset,
		       xa_mark_t mark)
{
	while (node && !(node->marks[mark] & (1UL << offset))) {
		node->marks[mark] |= 1UL << offset;
		offset = node->offset;
		node = node->parent;
	}
}

/* Clear @mark for @offset of @node, and above while nothing is left. */
static void xa_unmark_up(struct xa_node *node, unsigned int offset,
			 xa_mark_t mark)
{
	while (node && (node->marks[mark] & (1UL << offset))) {
		node->marks[mark] &= ~(1UL << offset);
		if (node->marks[mark])
			break;
		offset = node->offset;
		node = node->parent;
	}
}

/*
 * Store @entry (not NULL) at @index with the nodes of @pool, which
 * xa_nodes_needed() counted; msim_lock held.  Return: the old entry.
 */
static void *xa_store_locked(struct xarray *xa, unsigned long index,
			     void *entry, struct xa_pool *pool)
{
	struct xa_node *node = xa_root(xa), *root, *child;
	unsigned int shift = 0, off, m;
	void *old;

	if (!node) {
		while (!xa_reaches(shift, index))
			shift += XA_CHUNK_SHIFT;
		node = xa_pool_take(pool);
		node->shift = (unsigned char)shift;
		xa_set_root(xa, node);
	}
	while (!xa_reaches(node->shift, index)) {
		root = xa_pool_take(pool);
		root->shift = (unsigned char)(node->shift + XA_CHUNK_SHIFT);
		root->slots[0] = node;
		root->count = 1;
		for (m = 0; m < XA_MAX_MARKS; m++)
			if (node->marks[m])
				root->marks[m] = 1;
		node->parent = root;
		node->offset = 0;
		xa_set_root(xa, root);
		node = root;
	}
	while (node->shift) {
		off = xa_offset(node, index);
		child = node->slots[off];
		if (!child) {
			child = xa_pool_take(pool);
			child->shift =
				(unsigned char)(node->shift - XA_CHUNK_SHIFT);
			child->parent = node;
			child->offset = (unsigned char)off;
			node->slots[off] = child;
			node->count++;
		}
		node = child;
	}
	off = xa_offset(node, index);
	old = node->slots[off];
	node->slots[off] = entry;
	if (!old)
		node->count++;
	return old;
}

/* Erase the entry of @leaf's slot @off; msim_lock held.  Return: it. */
static void *xa_erase_locked(struct xarray *xa, struct xa_node *leaf,
			     unsigned int off)
{
	struct xa_node *node = leaf, *parent, *root;
	void *old = leaf->slots[off];
	unsigned int m;

	if (!old)
		return NULL;
	leaf->slots[off] = NULL;
	leaf->count--;
	for (m = 0; m < XA_MAX_MARKS; m++)
		xa_unmark_up(leaf, off, m);
	/* Free the nodes left empty, bottom up. */
	while (node && !node->count) {
		parent = node->parent;
		if (parent) {
			parent->slots[node->offset] = NULL;
			parent->count--;
			for (m = 0; m < XA_MAX_MARKS; m++)
				xa_unmark_up(parent, node->offset, m);
		} else {
			xa_set_root(xa, NULL);
		}
		kfree(node);
		node = parent;
	}
	/* A root with only slot 0 used gives way to that child. */
	root = xa_root(xa);
	while (root && root->shift && root->count == 1 && root->slots[0]) {
		node = root->slots[0];
		node->parent = NULL;
		node->offset = 0;
		xa_set_root(xa, node);
		kfree(root);
		root = node;
	}
	return old;
}

void msim_xa_init_flags(struct xarray *xa, gfp_t flags)
{
	spin_lock_init(&xa->xa_lock);
	xa->xa_lock.name = "xa_lock";
	xa->xa_flags = flags;
	xa->xa_head = NULL;
	pthread_mutex_init(&xa->msim_lock, NULL);
}

void *msim_xa_load(struct xarray *xa, unsigned long index)
{
	void *entry;

	pthread_mutex_lock(&xa->msim_lock);
	entry = xa_load_raw(xa, index);
	pthread_mutex_unlock(&xa->msim_lock);
	return xa_is_zero(entry) ? NULL : entry;
}

/*
 * The store every writer ends in: @entry may be XA_ZERO_ENTRY, NULL
 * erases.  Caller holds xa_lock.  Return: the raw old entry, or an error
 * entry.
 */
static void *xa_store_raw(struct xarray *xa, unsigned long index, void *entry,
			  gfp_t gfp)
{
	struct xa_pool pool;
	struct xa_node *leaf;
	unsigned int n;
	void **slot;
	void *old;

	if (!entry) {
		pthread_mutex_lock(&xa->msim_lock);
		slot = xa_slot(xa, index, &leaf);
		old = slot ? xa_erase_locked(xa, leaf, xa_offset(leaf, index))
			   : NULL;
		pthread_mutex_unlock(&xa->msim_lock);
		return old;
	}
	pthread_mutex_lock(&xa->msim_lock);
	n = xa_nodes_needed(xa, index);
	pthread_mutex_unlock(&xa->msim_lock);
	if (xa_pool_fill(&pool, n, gfp)) {
		xa_pool_drain(&pool);
		return xa_err_entry(-ENOMEM);
	}
	pthread_mutex_lock(&xa->msim_lock);
	old = xa_store_locked(xa, index, entry, &pool);
	pthread_mutex_unlock(&xa->msim_lock);
	xa_pool_drain(&pool);
	return old;
}

static void *xa_result(void *entry)
{
	return xa_is_zero(entry) ? NULL : entry;
}

void *msim___xa_store(struct xarray *xa, unsigned long index, void *entry,
		      gfp_t gfp)
{
	if (xa_is_internal(entry))
		return xa_err_entry(-EINVAL);
	return xa_result(xa_store_raw(xa, index, entry, gfp));
}

void *msim___xa_erase(struct xarray *xa, unsigned long index)
{
	return xa_result(xa_store_raw(xa, index, NULL, 0));
}

void *msim___xa_cmpxchg(struct xarray *xa, unsigned long index, void *old,
			void *entry, gfp_t gfp)
{
	void *curr, *ret;

	if (xa_is_internal(entry) && !xa_is_zero(entry))
		return xa_err_entry(-EINVAL);
	pthread_mutex_lock(&xa->msim_lock);
	curr = xa_load_raw(xa, index);
	pthread_mutex_unlock(&xa->msim_lock);
	if (curr == old) {
		ret = xa_store_raw(xa, index, entry, gfp);
		if (xa_is_err(ret))
			return ret;
	}
	return xa_result(curr);
}

int msim___xa_insert(struct xarray *xa, unsigned long index, void *entry,
		     gfp_t gfp)
{
	void *curr;

	if (!entry)
		entry = XA_ZERO_ENTRY;
	else if (xa_is_internal(entry))
		return -EINVAL;
	pthread_mutex_lock(&xa->msim_lock);
	curr = xa_load_raw(xa, index);
	pthread_mutex_unlock(&xa->msim_lock);
	if (curr)
		return -EBUSY;
	return xa_err(xa_store_raw(xa, index, entry, gfp));
}

/*
 * The first entry at or above @start, up to @max, in @node (which covers
 * indices from @base); NULL if none.  msim_lock held.
 */
static void *xa_find_in(struct xa_node *node, unsigned long base,
			unsigned long start, unsigned long max,
			xa_mark_t filter, bool zero, unsigned long *found)
{
	unsigned long off, first;
	void *entry;

	off = start > base ? (start - base) >> node->shift : 0;
	for (; off < XA_CHUNK_SIZE; off++) {
		/* Beyond the index space (a root of 64 bits and more). */
		if (off > (ULONG_MAX - base) >> node->shift)
			break;
		first = base + (off << node->shift);
		if (first > max)
			break;
		entry = node->slots[off];
		if (!entry)
			continue;
		if (filter < XA_MAX_MARKS &&
		    !(node->marks[filter] & (1UL << off)))
			continue;
		if (!node->shift) {
			if (xa_is_zero(entry) && !zero)
				continue;
			*found = first;
			return entry;
		}
		entry = xa_find_in(entry, first, start > first ? start : first,
				   max, filter, zero, found);
		if (entry)
			return entry;
	}
	return NULL;
}

static void *xa_find_raw(struct xarray *xa, unsigned long *indexp,
			 unsigned long max, xa_mark_t filter, bool zero)
{
	struct xa_node *root;
	unsigned long found;
	void *entry = NULL;

	pthread_mutex_lock(&xa->msim_lock);
	root = xa_root(xa);
	if (root && xa_reaches(root->shift, *indexp) && *indexp <= max)
		entry = xa_find_in(root, 0, *indexp, max, filter, zero, &found);
	pthread_mutex_unlock(&xa->msim_lock);
	if (entry)
		*indexp = found;
	return entry;
}

void *msim_xa_find(struct xarray *xa, unsigned long *indexp, unsigned long max,
		   xa_mark_t filter)
{
	return xa_find_raw(xa, indexp, max, filter, false);
}

void *msim_xa_find_after(struct xarray *xa, unsigned long *indexp,
			 unsigned long max, xa_mark_t filter)
{
	unsigned long index = *indexp + 1;
	void *entry;

	if (*indexp >= max)
		return NULL;
	entry = xa_find_raw(xa, &index, max, filter, false);
	if (entry)
		*indexp = index;
	return entry;
}

int msim___xa_alloc(struct xarray *xa, u32 *id, void *entry,
		    struct xa_limit limit, gfp_t gfp)
{
	unsigned long index = limit.min, found;
	int err;

	if (!entry)
		entry = XA_ZERO_ENTRY;
	else if (xa_is_internal(entry))
		return -EINVAL;
	if ((xa->xa_flags & XA_FLAGS_ZERO_BUSY) && !index)
		index = 1;
	for (;;) {
		if (index > limit.max)
			return -EBUSY;
		found = index;
		if (!xa_find_raw(xa, &found, index, XA_PRESENT, true))
			break;
		index++;
	}
	err = xa_err(xa_store_raw(xa, index, entry, gfp));
	if (!err)
		*id = (u32)index;
	return err;
}

void msim___xa_set_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	struct xa_node *leaf;
	void **slot;

	if (mark >= XA_MAX_MARKS)
		return;
	pthread_mutex_lock(&xa->msim_lock);
	slot = xa_slot(xa, index, &leaf);
	if (slot && *slot)
		xa_mark_up(leaf, xa_offset(leaf, index), mark);
	pthread_mutex_unlock(&xa->msim_lock);
}

void msim___xa_clear_mark(struct xarray *xa, unsigned long index,
			  xa_mark_t mark)
{
	struct xa_node *leaf;
	void **slot;

	if (mark >= XA_MAX_MARKS)
		return;
	pthread_mutex_lock(&xa->msim_lock);
	slot = xa_slot(xa, index, &leaf);
	if (slot)
		xa_unmark_up(leaf, xa_offset(leaf, index), mark);
	pthread_mutex_unlock(&xa->msim_lock);
}

bool msim_xa_get_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	struct xa_node *leaf;
	void **slot;
	bool set = false;

	if (mark >= XA_MAX_MARKS)
		return false;
	pthread_mutex_lock(&xa->msim_lock);
	slot = xa_slot(xa, index, &leaf);
	if (slot)
		set = leaf->marks[mark] & (1UL << xa_offset(leaf, index));
	pthread_mutex_unlock(&xa->msim_lock);
	return set;
}

bool msim_xa_marked(struct xarray *xa, xa_mark_t mark)
{
	struct xa_node *root;
	bool set = false;

	if (mark >= XA_MAX_MARKS)
		return false;
	pthread_mutex_lock(&xa->msim_lock);
	root = xa_root(xa);
	if (root)
		set = root->marks[mark] != 0;
	pthread_mutex_unlock(&xa->msim_lock);
	return set;
}

static void xa_free_nodes(struct xa_node *node)
{
	unsigned int off;

	if (node->shift)
		for (off = 0; off < XA_CHUNK_SIZE; off++)
			if (node->slots[off])
				xa_free_nodes(node->slots[off]);
	kfree(node);
}

void msim_xa_destroy(struct xarray *xa)
{
	struct xa_node *root;

	xa_lock(xa);
	pthread_mutex_lock(&xa->msim_lock);
	root = xa_root(xa);
	xa_set_root(xa, NULL);
	if (root)
		xa_free_nodes(root);
	pthread_mutex_unlock(&xa->msim_lock);
	xa_unlock(xa);
}
