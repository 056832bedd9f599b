// SPDX-License-Identifier: MIT
/*
 * Augmented AVL tree.  Every structural change ends in one walk from the
 * lowest changed node to the root: each node on the way gets its height and
 * augmentation recomputed and, if its children's heights differ by two, a
 * single or double rotation.  Augmentation must reach the root in any case,
 * so there is no early exit.
 */
#include <mmsim/avl.h>

static inline int height(const struct msim_avl_node *n)
{
	return n ? n->height : 0;
}

static void update(struct msim_avl_node *n, msim_avl_augment_fn augment)
{
	int hl = height(n->left), hr = height(n->right);

	n->height = 1 + (hl > hr ? hl : hr);
	if (augment)
		augment(n);
}

static void replace_child(struct msim_avl_root *root,
			  struct msim_avl_node *parent,
			  struct msim_avl_node *old, struct msim_avl_node *new)
{
	if (!parent)
		root->node = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
}

/* Returns the new subtree root; both moved nodes are re-augmented. */
static struct msim_avl_node *rotate_left(struct msim_avl_root *root,
					 struct msim_avl_node *x,
					 msim_avl_augment_fn augment)
{
	struct msim_avl_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->parent = x->parent;
	replace_child(root, x->parent, x, y);
	y->left = x;
	x->parent = y;
	update(x, augment);
	update(y, augment);
	return y;
}

static struct msim_avl_node *rotate_right(struct msim_avl_root *root,
					  struct msim_avl_node *x,
					  msim_avl_augment_fn augment)
{
	struct msim_avl_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->parent = x->parent;
	replace_child(root, x->parent, x, y);
	y->right = x;
	x->parent = y;
	update(x, augment);
	update(y, augment);
	return y;
}

static struct msim_avl_node *rebalance(struct msim_avl_root *root,
				       struct msim_avl_node *n,
				       msim_avl_augment_fn augment)
{
	int bf = height(n->left) - height(n->right);

	if (bf > 1) {
		if (height(n->left->left) < height(n->left->right))
			rotate_left(root, n->left, augment);
		return rotate_right(root, n, augment);
	}
	if (bf < -1) {
		if (height(n->right->right) < height(n->right->left))
			rotate_right(root, n->right, augment);
		return rotate_left(root, n, augment);
	}
	return n;
}

static void fix_upward(struct msim_avl_root *root, struct msim_avl_node *n,
		       msim_avl_augment_fn augment)
{
	while (n) {
		update(n, augment);
		n = rebalance(root, n, augment);
		n = n->parent;
	}
}

void msim_avl_insert_fixup(struct msim_avl_root *root,
			   struct msim_avl_node *node,
			   msim_avl_augment_fn augment)
{
	fix_upward(root, node, augment);
}

void msim_avl_propagate(struct msim_avl_node *node, msim_avl_augment_fn augment)
{
	for (; node; node = node->parent)
		update(node, augment);
}

void msim_avl_erase(struct msim_avl_root *root, struct msim_avl_node *node,
		    msim_avl_augment_fn augment)
{
	struct msim_avl_node *child, *succ, *start;

	if (!node->left || !node->right) {
		child = node->left ? node->left : node->right;
		replace_child(root, node->parent, node, child);
		if (child)
			child->parent = node->parent;
		start = node->parent;
	} else {
		/* The in-order successor takes @node's place in the tree. */
		succ = node->right;
		while (succ->left)
			succ = succ->left;
		if (succ->parent == node) {
			start = succ;
		} else {
			start = succ->parent;
			start->left = succ->right;
			if (succ->right)
				succ->right->parent = start;
			succ->right = node->right;
			succ->right->parent = succ;
		}
		succ->left = node->left;
		succ->left->parent = succ;
		succ->parent = node->parent;
		succ->height = node->height;
		replace_child(root, node->parent, node, succ);
	}
	node->parent = node->left = node->right = NULL;
	fix_upward(root, start, augment);
}

struct msim_avl_node *msim_avl_first(const struct msim_avl_root *root)
{
	struct msim_avl_node *n = root->node;

	while (n && n->left)
		n = n->left;
	return n;
}

struct msim_avl_node *msim_avl_last(const struct msim_avl_root *root)
{
	struct msim_avl_node *n = root->node;

	while (n && n->right)
		n = n->right;
	return n;
}

struct msim_avl_node *msim_avl_next(const struct msim_avl_node *node)
{
	const struct msim_avl_node *p;

	if (node->right) {
		node = node->right;
		while (node->left)
			node = node->left;
		return (struct msim_avl_node *)node;
	}
	while ((p = node->parent) && node == p->right)
		node = p;
	return (struct msim_avl_node *)p;
}

struct msim_avl_node *msim_avl_prev(const struct msim_avl_node *node)
{
	const struct msim_avl_node *p;

	if (node->left) {
		node = node->left;
		while (node->right)
			node = node->right;
		return (struct msim_avl_node *)node;
	}
	while ((p = node->parent) && node == p->left)
		node = p;
	return (struct msim_avl_node *)p;
}

static int check_subtree(const struct msim_avl_node *n,
			 const struct msim_avl_node *parent)
{
	int hl, hr;

	if (!n)
		return 0;
	if (n->parent != parent)
		return -1;
	hl = check_subtree(n->left, n);
	hr = check_subtree(n->right, n);
	if (hl < 0 || hr < 0 || hl - hr > 1 || hr - hl > 1)
		return -1;
	if (n->height != 1 + (hl > hr ? hl : hr))
		return -1;
	return n->height;
}

int msim_avl_check(const struct msim_avl_root *root)
{
	return check_subtree(root->node, NULL) < 0 ? -1 : 0;
}
