// SPDX-License-Identifier: MIT
/*
 * The kernel tree's XArray: load, store, erase; indices up to ULONG_MAX;
 * marks, their summaries up the tree and marked searches;
 * xa_for_each_range() with its inclusive end; xa_insert(), xa_cmpxchg(),
 * xa_alloc(), reserved entries, value entries and pointer tags; a failed
 * node allocation that changes nothing; and a random sequence of
 * operations checked against a plain array (its seed printed).  Nodes
 * are kmalloc()ed: the fixture's leak check sees any left.
 */
#include "mmsim_kernel_test.h"

#include <linux/slab.h>
#include <linux/xarray.h>

static long nodes(struct tt *t)
{
	return msim_live(t->m, MSIM_ALLOC_KMALLOC);
}

static void *ptr(unsigned long i)
{
	return xa_mk_value(i);
}

static void test_store_load_erase(void **state)
{
	struct tt *t = *state;
	DEFINE_XARRAY(xa);
	unsigned long idx[] = { 0,	  1,	     63,	64,
				4095,	  1UL << 20, 1UL << 40, ULONG_MAX - 1,
				ULONG_MAX };
	unsigned int i;

	assert_true(xa_empty(&xa));
	for (i = 0; i < ARRAY_SIZE(idx); i++) {
		assert_null(xa_store(&xa, idx[i], ptr(i), GFP_KERNEL));
		assert_ptr_equal(xa_load(&xa, idx[i]), ptr(i));
	}
	for (i = 0; i < ARRAY_SIZE(idx); i++)
		assert_ptr_equal(xa_load(&xa, idx[i]), ptr(i));
	assert_null(xa_load(&xa, 2));
	assert_null(xa_load(&xa, ULONG_MAX - 2));
	/* Replacing returns the old entry. */
	assert_ptr_equal(xa_store(&xa, 64, ptr(100), GFP_KERNEL), ptr(3));
	assert_true(nodes(t) > 0);
	for (i = 0; i < ARRAY_SIZE(idx); i++)
		assert_non_null(xa_erase(&xa, idx[i]));
	/* Empty again: every node freed. */
	assert_true(xa_empty(&xa));
	assert_int_equal(nodes(t), 0);
	assert_null(xa_erase(&xa, 5));
	/* Storing NULL erases; an internal entry is refused. */
	xa_store(&xa, 7, ptr(7), GFP_KERNEL);
	assert_ptr_equal(xa_store(&xa, 7, NULL, GFP_KERNEL), ptr(7));
	assert_int_equal(
		xa_err(xa_store(&xa, 7, xa_mk_internal(3), GFP_KERNEL)),
		-EINVAL);
	assert_true(xa_empty(&xa));
	xa_destroy(&xa);
}

static void test_range_is_inclusive(void **state)
{
	DEFINE_XARRAY(xa);
	unsigned long index, seen[8];
	void *entry;
	int n = 0;

	(void)state;
	for (index = 10; index <= 20; index += 2)
		xa_store(&xa, index, ptr(index), GFP_KERNEL);
	xa_for_each_range(&xa, index, entry, 12, 18) seen[n++] = index;
	assert_int_equal(n, 4);
	assert_int_equal(seen[0], 12);
	assert_int_equal(seen[3], 18);
	/* [13, 13]: nothing; [14, 14]: one. */
	n = 0;
	xa_for_each_range(&xa, index, entry, 13, 13) n++;
	assert_int_equal(n, 0);
	xa_for_each_range(&xa, index, entry, 14, 14) n++;
	assert_int_equal(n, 1);
	/* Up to ULONG_MAX without wrapping. */
	xa_store(&xa, ULONG_MAX, ptr(1), GFP_KERNEL);
	n = 0;
	xa_for_each_range(&xa, index, entry, 19, ULONG_MAX) n++;
	assert_int_equal(n, 2);
	n = 0;
	xa_for_each(&xa, index, entry)
	{
		assert_ptr_equal(entry, xa_load(&xa, index));
		n++;
	}
	assert_int_equal(n, 7);
	xa_destroy(&xa);
	assert_true(xa_empty(&xa));
}

static void test_marks(void **state)
{
	DEFINE_XARRAY(xa);
	unsigned long index;
	void *entry;
	int n = 0;

	(void)state;
	for (index = 0; index < 5000; index += 7)
		xa_store(&xa, index, ptr(index), GFP_KERNEL);
	/* A mark on an absent entry is not set. */
	xa_set_mark(&xa, 1, XA_MARK_0);
	assert_false(xa_get_mark(&xa, 1, XA_MARK_0));
	assert_false(xa_marked(&xa, XA_MARK_0));
	xa_set_mark(&xa, 700, XA_MARK_0);
	xa_set_mark(&xa, 4900, XA_MARK_0);
	xa_set_mark(&xa, 4900, XA_MARK_2);
	assert_true(xa_marked(&xa, XA_MARK_0));
	assert_false(xa_marked(&xa, XA_MARK_1));
	xa_for_each_marked(&xa, index, entry, XA_MARK_0)
		assert_true(index == 700 + 4200 * (unsigned long)n++);
	assert_int_equal(n, 2);
	index = 701;
	assert_ptr_equal(xa_find(&xa, &index, ULONG_MAX, XA_MARK_0), ptr(4900));
	assert_int_equal(index, 4900);
	xa_clear_mark(&xa, 4900, XA_MARK_0);
	index = 701;
	assert_null(xa_find(&xa, &index, ULONG_MAX, XA_MARK_0));
	/* Erasing an entry drops its marks, and the summaries. */
	xa_erase(&xa, 700);
	assert_false(xa_marked(&xa, XA_MARK_0));
	assert_true(xa_marked(&xa, XA_MARK_2));
	xa_store(&xa, 700, ptr(700), GFP_KERNEL);
	assert_false(xa_get_mark(&xa, 700, XA_MARK_0));
	/* Replacing an entry keeps its marks. */
	xa_store(&xa, 4900, ptr(1), GFP_KERNEL);
	assert_true(xa_get_mark(&xa, 4900, XA_MARK_2));
	xa_destroy(&xa);
}

static void test_insert_cmpxchg_alloc_reserve(void **state)
{
	DEFINE_XARRAY_ALLOC1(ids);
	DEFINE_XARRAY(xa);
	unsigned long index;
	void *entry;
	u32 id;
	int n = 0;

	(void)state;
	assert_int_equal(xa_insert(&xa, 3, ptr(3), GFP_KERNEL), 0);
	assert_int_equal(xa_insert(&xa, 3, ptr(4), GFP_KERNEL), -EBUSY);
	assert_ptr_equal(xa_cmpxchg(&xa, 3, ptr(9), ptr(5), GFP_KERNEL),
			 ptr(3));
	assert_ptr_equal(xa_load(&xa, 3), ptr(3));
	assert_ptr_equal(xa_cmpxchg(&xa, 3, ptr(3), ptr(5), GFP_KERNEL),
			 ptr(3));
	assert_ptr_equal(xa_load(&xa, 3), ptr(5));
	/* A reserved entry: present to xa_insert(), NULL to the rest. */
	assert_int_equal(xa_reserve(&xa, 8, GFP_KERNEL), 0);
	assert_null(xa_load(&xa, 8));
	assert_int_equal(xa_insert(&xa, 8, ptr(8), GFP_KERNEL), -EBUSY);
	xa_for_each(&xa, index, entry) n++;
	assert_int_equal(n, 1);
	xa_release(&xa, 8);
	assert_int_equal(xa_insert(&xa, 8, ptr(8), GFP_KERNEL), 0);
	xa_destroy(&xa);

	/* ALLOC1: ids from 1; the lowest free one. */
	assert_int_equal(xa_alloc(&ids, &id, ptr(1), xa_limit_32b, GFP_KERNEL),
			 0);
	assert_int_equal(id, 1);
	assert_int_equal(xa_alloc(&ids, &id, ptr(2), xa_limit_32b, GFP_KERNEL),
			 0);
	assert_int_equal(id, 2);
	xa_erase(&ids, 1);
	assert_int_equal(xa_alloc(&ids, &id, ptr(3), xa_limit_32b, GFP_KERNEL),
			 0);
	assert_int_equal(id, 1);
	assert_int_equal(
		xa_alloc(&ids, &id, ptr(4), XA_LIMIT(1, 2), GFP_KERNEL),
		-EBUSY);
	xa_destroy(&ids);
}

static void test_values_and_tags(void **state)
{
	DEFINE_XARRAY(xa);
	static long object;
	void *entry;

	(void)state;
	entry = xa_mk_value(12345);
	assert_true(xa_is_value(entry));
	assert_int_equal(xa_to_value(entry), 12345);
	entry = xa_tag_pointer(&object, 1);
	assert_int_equal(xa_pointer_tag(entry), 1);
	assert_ptr_equal(xa_untag_pointer(entry), &object);
	xa_store(&xa, 1, xa_tag_pointer(&object, 3), GFP_KERNEL);
	entry = xa_load(&xa, 1);
	assert_int_equal(xa_pointer_tag(entry), 3);
	assert_ptr_equal(xa_untag_pointer(entry), &object);
	assert_false(xa_is_err(entry));
	xa_destroy(&xa);
}

/* A node allocation that fails leaves the array as it was. */
static void test_enomem_changes_nothing(void **state)
{
	struct tt *t = *state;
	DEFINE_XARRAY(xa);
	long before;
	void *ret;

	xa_store(&xa, 5, ptr(5), GFP_KERNEL);
	before = nodes(t);
	msim_fail_nth(t->m, 1U << MSIM_ALLOC_KMALLOC, 2);
	ret = xa_store(&xa, 1UL << 30, ptr(6), GFP_KERNEL);
	assert_int_equal(xa_err(ret), -ENOMEM);
	assert_int_equal(nodes(t), before);
	assert_null(xa_load(&xa, 1UL << 30));
	assert_ptr_equal(xa_load(&xa, 5), ptr(5));
	msim_fail_nth(t->m, 0, 0);
	assert_null(xa_store(&xa, 1UL << 30, ptr(6), GFP_KERNEL));
	xa_destroy(&xa);
	assert_int_equal(nodes(t), 0);
}

/* Random operations against a plain array over a few ranges of index. */
#define NR_SHADOW 512

static unsigned long shadow_index(struct mt_rng *r)
{
	static const unsigned long bases[] = { 0, 4000, 1UL << 33,
					       ULONG_MAX - 200 };

	return bases[mt_rand_below(r, 4)] + mt_rand_below(r, NR_SHADOW / 4);
}

static void test_random_against_an_array(void **state)
{
	struct tt *t = *state;
	struct mt_rng rng = { mt_seed("xarray random") };
	struct {
		unsigned long index;
		unsigned long value; /* 0: absent */
		bool mark;
	} shadow[NR_SHADOW];
	DEFINE_XARRAY(xa);
	unsigned long index, found;
	int i, j, n, step;
	void *entry;

	memset(shadow, 0, sizeof(shadow));
	for (step = 0; step < 4000; step++) {
		index = shadow_index(&rng);
		for (i = 0; i < NR_SHADOW; i++)
			if (shadow[i].value && shadow[i].index == index)
				break;
		switch (mt_rand_below(&rng, 4)) {
		case 0:
		case 1:
			if (i == NR_SHADOW)
				for (i = 0; i < NR_SHADOW; i++)
					if (!shadow[i].value)
						break;
			if (i == NR_SHADOW)
				break;
			xa_store(&xa, index, ptr(step + 1), GFP_KERNEL);
			if (!shadow[i].value)
				shadow[i].mark = false;
			shadow[i].index = index;
			shadow[i].value = (unsigned long)step + 1;
			break;
		case 2:
			xa_erase(&xa, index);
			if (i < NR_SHADOW)
				shadow[i].value = 0;
			break;
		default:
			xa_set_mark(&xa, index, XA_MARK_1);
			if (i < NR_SHADOW)
				shadow[i].mark = true;
			break;
		}
		if (step % 97)
			continue;
		/* Every shadow entry is there, and nothing else is. */
		n = 0;
		for (i = 0; i < NR_SHADOW; i++) {
			if (!shadow[i].value)
				continue;
			n++;
			assert_ptr_equal(xa_load(&xa, shadow[i].index),
					 ptr(shadow[i].value));
			assert_int_equal(
				xa_get_mark(&xa, shadow[i].index, XA_MARK_1),
				shadow[i].mark);
		}
		j = 0;
		xa_for_each(&xa, found, entry) j++;
		assert_int_equal(j, n);
		j = 0;
		xa_for_each_marked(&xa, found, entry, XA_MARK_1)
		{
			for (i = 0; i < NR_SHADOW; i++)
				if (shadow[i].value && shadow[i].index == found)
					break;
			assert_true(i < NR_SHADOW && shadow[i].mark);
			j++;
		}
	}
	xa_destroy(&xa);
	assert_int_equal(nodes(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		kt_test(test_store_load_erase),
		kt_test(test_range_is_inclusive),
		kt_test(test_marks),
		kt_test(test_insert_cmpxchg_alloc_reserve),
		kt_test(test_values_and_tags),
		kt_test(test_enomem_changes_nothing),
		kt_test(test_random_against_an_array),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
