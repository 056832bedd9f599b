/* SPDX-License-Identifier: MIT */
/**
 * DOC: Augmented AVL tree
 *
 * One intrusive balanced tree serves every ordered index in mmsim: the VMA
 * tree (augmented with the largest free gap in each subtree, so that
 * get_unmapped_area() is O(log n)) and, for the notifier code, interval
 * trees (augmented with the largest interval end in each subtree).
 *
 * Why AVL and not a red-black tree or a maple tree: the height bound is
 * tighter (1.44 log n against 2 log n), so lookups touch fewer nodes, and
 * the rebalancing is a single walk from the changed node to the root that
 * recomputes height and augmentation together.  Augmented values always
 * have to be propagated to the root anyway, so the red-black tree's cheaper
 * fix-up buys nothing here.  The maple tree would be Linux's answer for
 * VMAs, but it is a B-tree of ranges with no room for the notifier's
 * overlapping intervals; one structure for both keeps the code small.
 *
 * Like Linux's rbtree, the tree does not compare keys itself: the caller
 * walks down to the link where a node belongs, links it, and asks for the
 * fix-up.  The caller also owns the augmentation: @augment recomputes one
 * node's augmented value from the node and its (already correct) children.
 */
#ifndef MMSIM_AVL_H
#define MMSIM_AVL_H

#include <mmsim/export.h>
#include <stddef.h>

struct msim_avl_node {
	struct msim_avl_node *parent;
	struct msim_avl_node *left;
	struct msim_avl_node *right;
	int height;
};

struct msim_avl_root {
	struct msim_avl_node *node;
};

#define MSIM_AVL_ROOT ((struct msim_avl_root){ NULL })

/** typedef msim_avl_augment_fn - recompute @node's augmented value. */
typedef void (*msim_avl_augment_fn)(struct msim_avl_node *node);

/**
 * msim_avl_link_node - place @node at @link, a child pointer of @parent
 * found by the caller's descent (or &root->node for an empty tree).
 * Must be followed by msim_avl_insert_fixup().
 */
static inline void msim_avl_link_node(struct msim_avl_node *node,
				      struct msim_avl_node *parent,
				      struct msim_avl_node **link)
{
	node->parent = parent;
	node->left = node->right = NULL;
	node->height = 1;
	*link = node;
}

/** msim_avl_insert_fixup - rebalance and re-augment after a link. */
MSIM_API void msim_avl_insert_fixup(struct msim_avl_root *root,
				    struct msim_avl_node *node,
				    msim_avl_augment_fn augment);

/** msim_avl_erase - remove @node, rebalancing and re-augmenting. */
MSIM_API void msim_avl_erase(struct msim_avl_root *root,
			     struct msim_avl_node *node,
			     msim_avl_augment_fn augment);

/**
 * msim_avl_propagate - recompute augmentation from @node to the root, after
 * the caller changed a value the augmentation depends on without changing
 * the order of the tree.
 */
MSIM_API void msim_avl_propagate(struct msim_avl_node *node,
				 msim_avl_augment_fn augment);

MSIM_API struct msim_avl_node *msim_avl_first(const struct msim_avl_root *root);
MSIM_API struct msim_avl_node *msim_avl_last(const struct msim_avl_root *root);
MSIM_API struct msim_avl_node *msim_avl_next(const struct msim_avl_node *node);
MSIM_API struct msim_avl_node *msim_avl_prev(const struct msim_avl_node *node);

/** msim_avl_check - verify heights, balance and parent links; 0 if sound. */
MSIM_API int msim_avl_check(const struct msim_avl_root *root);

#endif /* MMSIM_AVL_H */
