// SPDX-License-Identifier: MIT
/*
 * The interval tree: nodes ordered by start (equal starts in insertion
 * order), each augmented with the largest last of its subtree.
 *
 * MODEL: interval-tree-avl: Linux's interval tree is an augmented rbtree
 * with a cached leftmost node (struct rb_root_cached); this one is built
 * on the augmented AVL tree that also holds the VMAs (avl.h), with no
 * cached leftmost, which nothing here needs.
 *
 * A query for [start, last] finds the overlapping nodes in start order.
 * The first is the leftmost node whose interval ends at or after @start,
 * provided that node also begins at or before @last: every node left of it
 * ends too early, and every node right of it begins no earlier, so if it
 * begins too late so do they.  The subtree maxima let the descent skip any
 * subtree that ends before @start, which keeps a query O(log n) per hit.
 */
#include <mmsim/interval_tree.h>
#include <mmsim/list.h>

static inline struct interval_tree_node *itn(const struct msim_avl_node *n)
{
	return n ? container_of(n, struct interval_tree_node, rb) : NULL;
}

static void subtree_last_augment(struct msim_avl_node *n)
{
	struct interval_tree_node *node = itn(n);
	unsigned long max = node->last;

	if (n->left && itn(n->left)->__subtree_last > max)
		max = itn(n->left)->__subtree_last;
	if (n->right && itn(n->right)->__subtree_last > max)
		max = itn(n->right)->__subtree_last;
	node->__subtree_last = max;
}

void msim_interval_tree_insert(struct interval_tree_node *node,
			       struct msim_avl_root *root)
{
	struct msim_avl_node **link = &root->node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (node->start < itn(parent)->start)
			link = &parent->left;
		else
			link = &parent->right;
	}
	node->__subtree_last = node->last;
	msim_avl_link_node(&node->rb, parent, link);
	msim_avl_insert_fixup(root, &node->rb, subtree_last_augment);
}

void msim_interval_tree_remove(struct interval_tree_node *node,
			       struct msim_avl_root *root)
{
	msim_avl_erase(root, &node->rb, subtree_last_augment);
	msim_interval_tree_clear_node(node);
}

/* The leftmost node of @n's subtree overlapping [@start, @last], or NULL. */
static struct interval_tree_node *
subtree_first(struct msim_avl_node *n, unsigned long start, unsigned long last)
{
	for (;;) {
		if (n->left && itn(n->left)->__subtree_last >= start) {
			n = n->left;
			continue;
		}
		if (itn(n)->start > last)
			return NULL;
		if (itn(n)->last >= start)
			return itn(n);
		if (n->right && itn(n->right)->__subtree_last >= start) {
			n = n->right;
			continue;
		}
		return NULL;
	}
}

struct interval_tree_node *
msim_interval_tree_iter_first(const struct msim_avl_root *root,
			      unsigned long start, unsigned long last)
{
	if (!root->node || itn(root->node)->__subtree_last < start)
		return NULL;
	return subtree_first(root->node, start, last);
}

struct interval_tree_node *
msim_interval_tree_iter_next(struct interval_tree_node *node,
			     unsigned long start, unsigned long last)
{
	struct msim_avl_node *n = &node->rb, *from;

	for (;;) {
		/* Everything after @n in its own subtree is on its right. */
		if (n->right && itn(n->right)->__subtree_last >= start)
			return subtree_first(n->right, start, last);

		/* Up to the first ancestor we reach from its left side. */
		do {
			from = n;
			n = n->parent;
			if (!n)
				return NULL;
		} while (n->right == from);

		if (itn(n)->start > last)
			return NULL;
		if (itn(n)->last >= start)
			return itn(n);
	}
}

/* The augmentation of @n's subtree is right; its largest last in *@max. */
static int check_augment(const struct msim_avl_node *n, unsigned long *max)
{
	unsigned long sub, m = itn(n)->last;

	if (itn(n)->start > itn(n)->last)
		return -1;
	if (n->left) {
		if (check_augment(n->left, &sub))
			return -1;
		if (sub > m)
			m = sub;
	}
	if (n->right) {
		if (check_augment(n->right, &sub))
			return -1;
		if (sub > m)
			m = sub;
	}
	if (itn(n)->__subtree_last != m)
		return -1;
	*max = m;
	return 0;
}

int msim_interval_tree_check(const struct msim_avl_root *root)
{
	const struct msim_avl_node *n, *prev = NULL;
	unsigned long max;

	if (msim_avl_check(root))
		return -1;
	for (n = msim_avl_first(root); n; prev = n, n = msim_avl_next(n))
		if (prev && itn(prev)->start > itn(n)->start)
			return -1;
	return root->node ? check_augment(root->node, &max) : 0;
}
