/* SPDX-License-Identifier: MIT */
/**
 * DOC: Interval tree
 *
 * Linux's generic interval tree of closed intervals [start, last], built on
 * the augmented AVL tree: each node also keeps the largest @last of its
 * subtree, so that a stabbing query skips every subtree that ends before
 * the query starts.  The kernel's version takes a struct rb_root_cached;
 * here the root is a struct msim_avl_root (there is no cached leftmost,
 * nothing here needs it).  The caller serializes every operation.
 */
#ifndef MMSIM_INTERVAL_TREE_H
#define MMSIM_INTERVAL_TREE_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <mmsim/avl.h>

/**
 * struct interval_tree_node - one interval
 * @rb: the link in the tree
 * @start: the first address in the interval
 * @last: the last address in the interval (inclusive)
 * @__subtree_last: the largest @last in the subtree rooted here
 */
struct interval_tree_node {
	struct msim_avl_node rb;
	unsigned long start;
	unsigned long last;
	unsigned long __subtree_last;
};

/** interval_tree_insert - add @node; equal intervals may coexist. */
MSIM_API void msim_interval_tree_insert(struct interval_tree_node *node,
					struct msim_avl_root *root);
static inline void interval_tree_insert(struct interval_tree_node *node,
					struct msim_avl_root *root)
{
	msim_interval_tree_insert(node, root);
}

/**
 * interval_tree_remove - take @node out of the tree; afterwards
 * msim_interval_tree_node_empty(@node) is true.
 */
MSIM_API void msim_interval_tree_remove(struct interval_tree_node *node,
					struct msim_avl_root *root);
static inline void interval_tree_remove(struct interval_tree_node *node,
					struct msim_avl_root *root)
{
	msim_interval_tree_remove(node, root);
}

/**
 * interval_tree_iter_first - the lowest-starting node overlapping
 * [@start, @last], or NULL.
 */
MSIM_API struct interval_tree_node *
msim_interval_tree_iter_first(const struct msim_avl_root *root,
			      unsigned long start, unsigned long last);
static inline struct interval_tree_node *
interval_tree_iter_first(const struct msim_avl_root *root, unsigned long start,
			 unsigned long last)
{
	return msim_interval_tree_iter_first(root, start, last);
}

/**
 * interval_tree_iter_next - the node after @node (in start order) that
 * overlaps [@start, @last], or NULL.  The tree must not change between
 * the calls of one iteration.
 */
MSIM_API struct interval_tree_node *
msim_interval_tree_iter_next(struct interval_tree_node *node,
			     unsigned long start, unsigned long last);
static inline struct interval_tree_node *
interval_tree_iter_next(struct interval_tree_node *node, unsigned long start,
			unsigned long last)
{
	return msim_interval_tree_iter_next(node, start, last);
}

/*
 * Linux marks a node that is in no tree with RB_CLEAR_NODE() and tests it
 * with RB_EMPTY_NODE(); these are the same marks for our tree nodes.
 */
static inline void msim_interval_tree_clear_node(struct interval_tree_node *n)
{
	n->rb.parent = &n->rb;
}

static inline bool
msim_interval_tree_node_empty(const struct interval_tree_node *n)
{
	return n->rb.parent == &n->rb;
}

/** msim_interval_tree_check - verify order and augmentation; 0 if sound. */
MSIM_API int msim_interval_tree_check(const struct msim_avl_root *root);

#endif /* MMSIM_INTERVAL_TREE_H */
