// SPDX-License-Identifier: MIT
/*
 * The augmented AVL tree on its own: thousands of random inserts, erases
 * and value changes, each followed by a full comparison with a sorted
 * reference array (order both ways through next/prev), the balance check,
 * and the augmentation (largest value in each subtree) recomputed from
 * scratch.  The VMA tree's gap search relies on exactly this augmentation.
 */
#include "mmsim_test.h"

struct item {
	struct msim_avl_node node;
	unsigned long key;
	unsigned long value;
	unsigned long max; /* the largest value in the subtree */
	bool in_tree;
};

static struct item *item_of(const struct msim_avl_node *n)
{
	return n ? container_of(n, struct item, node) : NULL;
}

static void item_augment(struct msim_avl_node *n)
{
	struct item *it = item_of(n);
	unsigned long max = it->value;

	if (n->left && item_of(n->left)->max > max)
		max = item_of(n->left)->max;
	if (n->right && item_of(n->right)->max > max)
		max = item_of(n->right)->max;
	it->max = max;
}

/* The caller's descent, as the VMA tree does it. */
static void insert(struct msim_avl_root *root, struct item *it)
{
	struct msim_avl_node **link = &root->node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (it->key < item_of(parent)->key)
			link = &parent->left;
		else
			link = &parent->right;
	}
	msim_avl_link_node(&it->node, parent, link);
	msim_avl_insert_fixup(root, &it->node, item_augment);
	it->in_tree = true;
}

static void erase(struct msim_avl_root *root, struct item *it)
{
	msim_avl_erase(root, &it->node, item_augment);
	it->in_tree = false;
}

/* The augmentation recomputed from the leaves; fails on a stale node. */
static unsigned long check_augment(const struct msim_avl_node *n)
{
	unsigned long max, sub;

	if (!n)
		return 0;
	max = item_of(n)->value;
	sub = check_augment(n->left);
	if (n->left && sub > max)
		max = sub;
	sub = check_augment(n->right);
	if (n->right && sub > max)
		max = sub;
	if (item_of(n)->max != max)
		fail_msg("key %lu: augmented max %lu, subtree says %lu",
			 item_of(n)->key, item_of(n)->max, max);
	return max;
}

static int height_of(const struct msim_avl_node *n)
{
	return n ? n->height : 0;
}

/* N(h) = N(h-1) + N(h-2) + 1: the fewest nodes of an AVL tree of height h. */
static size_t min_nodes(int h)
{
	size_t a = 0, b = 1, c;

	if (h <= 0)
		return 0;
	while (--h) {
		c = a + b + 1;
		a = b;
		b = c;
	}
	return b;
}

/* Sorted reference: the items in the tree, by key. */
struct ref {
	struct item **v;
	size_t n;
};

static void ref_insert(struct ref *r, struct item *it)
{
	size_t i = r->n;

	while (i && r->v[i - 1]->key > it->key) {
		r->v[i] = r->v[i - 1];
		i--;
	}
	r->v[i] = it;
	r->n++;
}

static void ref_erase(struct ref *r, struct item *it)
{
	size_t i;

	for (i = 0; i < r->n && r->v[i] != it; i++)
		;
	assert_true(i < r->n);
	memmove(&r->v[i], &r->v[i + 1], (r->n - i - 1) * sizeof(*r->v));
	r->n--;
}

/* Everything the tree must agree with the reference on. */
static void verify(const struct msim_avl_root *root, const struct ref *r)
{
	struct msim_avl_node *n;
	size_t i;

	assert_int_equal(msim_avl_check(root), 0);
	if (!r->n) {
		assert_null(root->node);
		assert_null(msim_avl_first(root));
		assert_null(msim_avl_last(root));
		return;
	}
	assert_null(root->node->parent);
	/* An AVL tree of height h holds at least N(h) nodes. */
	assert_true(r->n >= min_nodes(height_of(root->node)));

	n = msim_avl_first(root);
	for (i = 0; i < r->n; i++, n = msim_avl_next(n)) {
		assert_non_null(n);
		if (item_of(n) != r->v[i])
			fail_msg("in-order position %zu: key %lu, want %lu", i,
				 item_of(n)->key, r->v[i]->key);
	}
	assert_null(n);

	n = msim_avl_last(root);
	for (i = r->n; i > 0; i--, n = msim_avl_prev(n)) {
		assert_non_null(n);
		assert_ptr_equal(item_of(n), r->v[i - 1]);
	}
	assert_null(n);

	check_augment(root->node);
}

static void test_empty_tree_has_no_first_or_last(void **state)
{
	struct msim_avl_root root = MSIM_AVL_ROOT;

	(void)state;
	assert_null(msim_avl_first(&root));
	assert_null(msim_avl_last(&root));
	assert_int_equal(msim_avl_check(&root), 0);
}

/* Ascending keys force a rotation at every other insert. */
static void test_ascending_inserts_stay_balanced(void **state)
{
	enum { N = 1023 };
	struct msim_avl_root root = MSIM_AVL_ROOT;
	static struct item items[N];
	static struct item *slots[N];
	struct ref r = { slots, 0 };
	int i;

	(void)state;
	memset(items, 0, sizeof(items));
	for (i = 0; i < N; i++) {
		items[i].key = (unsigned long)i;
		items[i].value = (unsigned long)(N - i);
		insert(&root, &items[i]);
		ref_insert(&r, &items[i]);
		verify(&root, &r);
	}
	/* 2^10 - 1 keys in order make a perfect tree of height 10. */
	assert_int_equal(root.node->height, 10);
	assert_int_equal(item_of(root.node)->max, N);
	for (i = 0; i < N; i++) {
		erase(&root, &items[i]);
		ref_erase(&r, &items[i]);
		verify(&root, &r);
	}
}

/* The check must be able to fail: a wrong height or parent is reported. */
static void test_check_detects_broken_height_and_parent(void **state)
{
	struct msim_avl_root root = MSIM_AVL_ROOT;
	struct item items[3] = { { .key = 1 }, { .key = 2 }, { .key = 3 } };
	struct msim_avl_node *saved;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		insert(&root, &items[i]);
	assert_int_equal(msim_avl_check(&root), 0);

	root.node->height++;
	assert_int_not_equal(msim_avl_check(&root), 0);
	root.node->height--;

	saved = root.node->left->parent;
	root.node->left->parent = root.node->left;
	assert_int_not_equal(msim_avl_check(&root), 0);
	root.node->left->parent = saved;
	assert_int_equal(msim_avl_check(&root), 0);
}

static void test_propagate_updates_augmentation_to_root(void **state)
{
	enum { N = 200 };
	struct msim_avl_root root = MSIM_AVL_ROOT;
	static struct item items[N];
	static struct item *slots[N];
	struct ref r = { slots, 0 };
	int i;

	(void)state;
	memset(items, 0, sizeof(items));
	for (i = 0; i < N; i++) {
		items[i].key = (unsigned long)i * 7 % N;
		items[i].value = 1;
		insert(&root, &items[i]);
		ref_insert(&r, &items[i]);
	}
	verify(&root, &r);
	assert_int_equal(item_of(root.node)->max, 1);

	/* A deep node's value goes up: the root must see it. */
	items[N - 1].value = 1000;
	msim_avl_propagate(&items[N - 1].node, item_augment);
	verify(&root, &r);
	assert_int_equal(item_of(root.node)->max, 1000);

	items[N - 1].value = 0;
	msim_avl_propagate(&items[N - 1].node, item_augment);
	verify(&root, &r);
	assert_int_equal(item_of(root.node)->max, 1);
}

/*
 * The main event: a random mix of inserts, erases and value changes over
 * a pool of items with distinct keys, verified after every single step.
 */
static void test_random_operations_match_sorted_reference(void **state)
{
	enum { POOL = 3000, STEPS = 12000 };
	struct msim_avl_root root = MSIM_AVL_ROOT;
	struct mt_rng rng = { mt_seed("avl random") };
	struct item *items = calloc(POOL, sizeof(*items));
	struct ref r = { calloc(POOL, sizeof(struct item *)), 0 };
	unsigned long inserts = 0, erases = 0, changes = 0;
	int i, step;

	(void)state;
	assert_non_null(items);
	assert_non_null(r.v);
	/* Distinct keys in random order: a random permutation of 0..POOL-1
	 * spread out so that keys are not dense. */
	for (i = 0; i < POOL; i++)
		items[i].key =
			(unsigned long)i * 1000 + mt_rand_below(&rng, 1000);
	for (i = POOL - 1; i > 0; i--) {
		int j = (int)mt_rand_below(&rng, (unsigned long)i + 1);
		unsigned long k = items[i].key;

		items[i].key = items[j].key;
		items[j].key = k;
	}

	for (step = 0; step < STEPS; step++) {
		struct item *it = &items[mt_rand_below(&rng, POOL)];
		unsigned long op = mt_rand_below(&rng, 10);

		if (!it->in_tree && op < 6) {
			it->value = mt_rand_below(&rng, 1UL << 20);
			insert(&root, it);
			ref_insert(&r, it);
			inserts++;
		} else if (it->in_tree && op < 8) {
			erase(&root, it);
			ref_erase(&r, it);
			erases++;
		} else if (it->in_tree) {
			it->value = mt_rand_below(&rng, 1UL << 20);
			msim_avl_propagate(&it->node, item_augment);
			changes++;
		}
		verify(&root, &r);
	}
	print_message("%lu inserts, %lu erases, %lu value changes, %zu left\n",
		      inserts, erases, changes, r.n);
	/* The mix must really have exercised all three. */
	assert_true(inserts > 1000 && erases > 1000 && changes > 100);

	/* Empty the tree from the root down: erase of two-child nodes. */
	while (root.node) {
		struct item *it = item_of(root.node);

		erase(&root, it);
		ref_erase(&r, it);
		verify(&root, &r);
	}
	free(items);
	free(r.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_tree_has_no_first_or_last),
		cmocka_unit_test(test_ascending_inserts_stay_balanced),
		cmocka_unit_test(test_check_detects_broken_height_and_parent),
		cmocka_unit_test(test_propagate_updates_augmentation_to_root),
		cmocka_unit_test(test_random_operations_match_sorted_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
