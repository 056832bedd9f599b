// SPDX-License-Identifier: MIT
/*
 * The linearizability checker on hand-made histories whose answers are
 * known, without any CPU behind them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <mmsim/coldfire/lincheck.h>

static struct msim_vf_lin_op cas(uint32_t e, uint32_t n, uint32_t ret,
				 unsigned int inv, unsigned int res)
{
	struct msim_vf_lin_op op = { MSIM_VF_LIN_CMPXCHG, e, n, ret, inv, res };

	return op;
}

static struct msim_vf_lin_op store(uint32_t v, unsigned int t)
{
	struct msim_vf_lin_op op = { MSIM_VF_LIN_STORE, v, 0, 0, t, t };

	return op;
}

static void test_single(void **state)
{
	struct msim_vf_lin_op ok = cas(1, 2, 1, 0, 1);
	struct msim_vf_lin_op fail = cas(3, 2, 1, 0, 1);

	(void)state;
	assert_true(msim_vf_linearizable(&ok, 1, 1, 2, NULL));
	/* Succeeded but did not store. */
	assert_false(msim_vf_linearizable(&ok, 1, 1, 1, NULL));
	/* Returned something the word never held. */
	ok.ret = 5;
	assert_false(msim_vf_linearizable(&ok, 1, 1, 2, NULL));
	assert_true(msim_vf_linearizable(&fail, 1, 1, 1, NULL));
	/* Failed but stored. */
	assert_false(msim_vf_linearizable(&fail, 1, 1, 2, NULL));
	assert_true(msim_vf_linearizable(NULL, 0, 7, 7, NULL));
	assert_false(msim_vf_linearizable(NULL, 0, 7, 8, NULL));
}

/*
 * The lost update of an unprotected compare-and-exchange: the call saw the
 * expected 1, was interrupted, a store of 3 happened, and the call then
 * stored 2 over it.  Returning 1 with a final 2 fits no order: before the
 * store the 2 would be overwritten, after it the call would see 3.
 */
static void test_lost_update(void **state)
{
	struct msim_vf_lin_op h[2] = { cas(1, 2, 1, 0, 3), store(3, 1) };
	unsigned int order[2];

	(void)state;
	assert_false(msim_vf_linearizable(h, 2, 1, 2, NULL));
	/* The store landing after the call is fine. */
	assert_true(msim_vf_linearizable(h, 2, 1, 3, order));
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], 1);
	/* A rewound call sees the store and fails. */
	h[0].ret = 3;
	assert_true(msim_vf_linearizable(h, 2, 1, 3, order));
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 0);
}

/*
 * The stale success of the failure path: the compare failed against 5,
 * another thread then stored the expected 1, and the call reloaded the
 * word and returned 1 without storing.  1 returned means success, which
 * must have stored 2.
 */
static void test_stale_success(void **state)
{
	struct msim_vf_lin_op h[2] = { cas(1, 2, 1, 0, 3), cas(5, 1, 5, 1, 2) };

	(void)state;
	assert_false(msim_vf_linearizable(h, 2, 5, 1, NULL));
	/* Had it stored 2, the order nested-then-outer explains it. */
	assert_true(msim_vf_linearizable(h, 2, 5, 2, NULL));
	/* When new == expected, succeeding without a visible store is fine. */
	h[0].new = 1;
	assert_true(msim_vf_linearizable(h, 2, 5, 1, NULL));
}

/* Real-time order is respected: sequential calls cannot swap. */
static void test_real_time(void **state)
{
	/* cas(1,2) then cas(2,3), one after the other. */
	struct msim_vf_lin_op h[2] = { cas(1, 2, 1, 0, 1), cas(2, 3, 2, 2, 3) };

	(void)state;
	assert_true(msim_vf_linearizable(h, 2, 1, 3, NULL));
	/* The second one claiming to have seen 1 needs it to go first. */
	h[1].ret = 1;
	h[1].expected = 1;
	h[1].new = 2;
	h[0].ret = 2;
	h[0].expected = 2;
	h[0].new = 3;
	/* Order 1,0 would fit, but 0 returned before 1 was invoked. */
	assert_false(msim_vf_linearizable(h, 2, 1, 3, NULL));
	/* Overlapping, the same results are linearizable. */
	h[0].res = 5;
	assert_true(msim_vf_linearizable(h, 2, 1, 3, NULL));
}

/* Two nested levels: a call inside a call inside a call. */
static void test_nested(void **state)
{
	struct msim_vf_lin_op h[4] = {
		cas(1, 2, 1, 0, 9), /* outer */
		cas(1, 4, 1, 1, 6), /* nested, interrupted by: */
		store(7, 2),	    /* a store inside the nested call */
		cas(7, 8, 7, 7, 8), /* after the nested call returned */
	};

	(void)state;
	/*
	 * nested(1->4), store 7, cas(7->8) sees 7, outer sees 8 and fails
	 * but returned 1: outer must go first: 1->2, then nested sees 2,
	 * not 1.  No order.
	 */
	assert_false(msim_vf_linearizable(h, 4, 1, 8, NULL));
	/* Outer returning 8 and failing is the witness order. */
	h[0].ret = 8;
	assert_true(msim_vf_linearizable(h, 4, 1, 8, NULL));
	/* Too many operations are refused (before reading any). */
	assert_false(
		msim_vf_linearizable(h, MSIM_VF_LIN_MAX_OPS + 1, 1, 8, NULL));
}

/*
 * A large history: six calls nested in each other, each interrupted by
 * twenty stores, the innermost first.  Every call is correct (it saw the
 * last store before it and succeeded or failed accordingly), so the whole
 * is linearizable; one call claiming a value no store left is not.  With
 * some 130 operations a search without memory would not end.
 */
static void test_large(void **state)
{
	struct msim_vf_lin_op h[MSIM_VF_LIN_MAX_OPS];
	unsigned int n = 0, t = 0, depth, i, calls[6];
	uint32_t word = 1;

	(void)state;
	/* Invocations outermost first; each call's stores come before its
	 * nested call, which returns first. */
	for (depth = 0; depth < 6; depth++) {
		calls[depth] = n;
		h[n++] = cas(0, 0, 0, t++, 0);
		for (i = 0; i < 20; i++) {
			word = 100 * depth + i + 2;
			h[n++] = store(word, t++);
		}
	}
	/* Returns, innermost first: each sees the word and swaps in +1000. */
	for (depth = 6; depth-- > 0;) {
		struct msim_vf_lin_op *c = &h[calls[depth]];

		c->expected = word;
		c->new = word + 1000;
		c->ret = word;
		c->res = t++;
		word += 1000;
	}
	assert_true(n > 120);
	assert_true(msim_vf_linearizable(h, n, 1, word, NULL));
	/* The outermost one claims a value the word never held. */
	h[calls[0]].ret = 77;
	assert_false(msim_vf_linearizable(h, n, 1, word, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_lost_update),
		cmocka_unit_test(test_stale_success),
		cmocka_unit_test(test_real_time),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
