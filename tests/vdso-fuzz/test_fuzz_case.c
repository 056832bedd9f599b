// SPDX-License-Identifier: MIT
/*
 * The vDSO fuzz case encodings and the exhaustive explorer, without any
 * CPU behind them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <mmsim/coldfire/explore.h>
#include <mmsim/coldfire/fuzz_case.h>

static void roundtrip(const char *text)
{
	char buf[MSIM_VF_CASE_TEXT_MAX], why[200] = "";
	struct msim_vf_case c;

	if (msim_vf_case_parse(text, &c, why, sizeof(why)))
		fail_msg("'%s' rejected: %s", text, why);
	msim_vf_case_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, text);
}

static void test_text_roundtrip(void **state)
{
	(void)state;
	roundtrip("w1:x1,2");
	roundtrip("w0:t");
	roundtrip("w1:x1,2[1=s3/2=x3,1]");
	roundtrip("w5fffe40c:x1,ffffffff[0=-/1=t/3=x1,2[0=x2,3[1=-]]/4=s2]");
	roundtrip("w1:t[0=x1,2[1=s3]/2=t[0=-]]");
}

static void test_text_structure(void **state)
{
	char why[200];
	struct msim_vf_case c;

	(void)state;
	assert_int_equal(msim_vf_case_parse("w1:x1,2[1=s3/2=x3,1[0=-]]/", &c,
					    why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(msim_vf_case_parse("w1:x1,2[1=s3/2=x3,1[0=-]]", &c,
					    why, sizeof(why)),
			 0);
	assert_int_equal(c.word, 1);
	assert_int_equal(c.nr_calls, 2);
	assert_int_equal(c.call[0].fn, MSIM_VF_FN_CMPXCHG);
	assert_int_equal(c.call[0].nr_irqs, 2);
	assert_int_equal(c.call[0].irq[0].at, 1);
	assert_int_equal(c.call[0].irq[0].effect, MSIM_VF_EFF_STORE);
	assert_int_equal(c.call[0].irq[0].value, 3);
	assert_int_equal(c.call[0].irq[1].effect, MSIM_VF_EFF_CALL);
	assert_int_equal(c.call[0].irq[1].call, 1);
	assert_int_equal(c.call[1].depth, 1);
	assert_int_equal(c.call[1].expected, 3);
	assert_int_equal(c.call[1].new, 1);
	assert_int_equal(c.call[1].nr_irqs, 1);
	assert_int_equal(msim_vf_case_nr_irqs(&c), 3);
}

static void bad(const char *text, const char *why_want)
{
	char why[200] = "";
	struct msim_vf_case c;

	assert_int_equal(msim_vf_case_parse(text, &c, why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, why_want);
}

static void test_text_errors(void **state)
{
	(void)state;
	bad("", "at offset 0: expected 'w'");
	bad("w:x1,2", "at offset 1: expected a hex value");
	bad("w1x1,2", "at offset 2: expected ':'");
	bad("w1:y", "at offset 3: expected a call: 'x' or 't'");
	bad("w1:x1", "at offset 5: expected ','");
	bad("w123456789:t", "at offset 9: value longer than 8 hex digits");
	bad("w1:t[2=-/2=-]", "at offset 10: instruction indexes must increase");
	bad("w1:t[64=-]", "at offset 7: instruction index above 63");
	bad("w1:t[1=q]", "at offset 7: expected an effect: '-', 's' or a call");
	bad("w1:t[1=-", "at offset 8: expected '/'");
	bad("w1:t[1=-]x", "at offset 9: unexpected 'x' after the case");
	bad("w1:t[0=t[0=t[0=t[0=t[0=t[0=t[0=t]]]]]]]",
	    "at offset 32: calls nested deeper than 6");
	bad("w1:t[0=-/1=-/2=-/3=-/4=-/5=-/6=-/7=-/8=-]",
	    "at offset 37: more than 8 interrupts in one call");
}

/* Every byte string is a case inside the bounds, and prints and reparses. */
static void test_decode_any_bytes(void **state)
{
	unsigned int seed = (unsigned int)time(NULL);
	uint8_t bytes[512];
	int round, i;

	(void)state;
	printf("seed %u\n", seed);
	srand(seed);
	for (round = 0; round < 20000; round++) {
		char text[MSIM_VF_CASE_TEXT_MAX], again[MSIM_VF_CASE_TEXT_MAX];
		char why[200];
		struct msim_vf_case c, d;
		size_t len = (size_t)rand() % sizeof(bytes);

		for (i = 0; i < (int)len; i++)
			bytes[i] = (uint8_t)rand();
		msim_vf_case_decode(bytes, len, &c);
		assert_in_range(c.nr_calls, 1, MSIM_VF_MAX_CALLS);
		for (i = 0; i < c.nr_calls; i++) {
			assert_in_range(c.call[i].nr_irqs, 0, MSIM_VF_MAX_PLAN);
			assert_in_range(c.call[i].depth, 0, MSIM_VF_MAX_DEPTH);
		}
		assert_true(msim_vf_case_format(&c, text, sizeof(text)) <
			    sizeof(text));
		if (msim_vf_case_parse(text, &d, why, sizeof(why)))
			fail_msg("seed %u: '%s' rejected: %s", seed, text, why);
		msim_vf_case_format(&d, again, sizeof(again));
		assert_string_equal(text, again);
	}
	/* The empty string is the simplest case. */
	{
		char text[MSIM_VF_CASE_TEXT_MAX];
		struct msim_vf_case c;

		msim_vf_case_decode(NULL, 0, &c);
		msim_vf_case_format(&c, text, sizeof(text));
		assert_string_equal(text, "w1:x1,1");
	}
}

/* Random cases stay in their bounds and are the same for the same seed. */
static void test_random_cases(void **state)
{
	uint64_t seed = (uint64_t)time(NULL) | 1, a = seed, b = seed;
	int round, i;

	(void)state;
	printf("seed %llu\n", (unsigned long long)seed);
	for (round = 0; round < 5000; round++) {
		char ta[MSIM_VF_CASE_TEXT_MAX], tb[MSIM_VF_CASE_TEXT_MAX];
		struct msim_vf_case c, d;

		msim_vf_case_random(&a, 3, 2, 12, &c);
		msim_vf_case_random(&b, 3, 2, 12, &d);
		msim_vf_case_format(&c, ta, sizeof(ta));
		msim_vf_case_format(&d, tb, sizeof(tb));
		assert_string_equal(ta, tb);
		for (i = 0; i < c.nr_calls; i++) {
			const struct msim_vf_call *k = &c.call[i];
			int j;

			assert_in_range(k->depth, 0, 2);
			assert_in_range(k->nr_irqs, 0, 3);
			for (j = 0; j < k->nr_irqs; j++) {
				assert_in_range(k->irq[j].at, 0, 11);
				if (j)
					assert_true(k->irq[j].at >
						    k->irq[j - 1].at);
			}
		}
	}
}

static int simpler(const char *a, const char *b)
{
	struct msim_vf_case ca, cb;

	assert_int_equal(msim_vf_case_parse(a, &ca, NULL, 0), 0);
	assert_int_equal(msim_vf_case_parse(b, &cb, NULL, 0), 0);
	return msim_vf_case_simpler(&ca, &cb);
}

/*
 * The simplicity order: fewer interrupts, shallower, fewer calls and
 * stores, more distinct values, smaller values, then the text.
 */
static void test_simpler(void **state)
{
	(void)state;
	assert_int_equal(simpler("w1:x1,2[2=s3]", "w1:x1,2[2=s3]"), 0);
	assert_true(simpler("w1:x1,2[2=s3]", "w1:x1,2[1=-/2=s3]") < 0);
	assert_true(simpler("w1:x1,2[2=x3,1]", "w1:x1,2[2=x3,1[0=-]]") < 0);
	assert_true(simpler("w1:x1,2[2=s3]", "w1:x1,2[2=x3,1]") < 0);
	assert_true(simpler("w1:x1,2[2=-]", "w1:x1,2[2=s3]") < 0);
	/* Distinct values before small ones. */
	assert_true(simpler("w1:x1,2[2=s3]", "w1:x1,1[2=s2]") < 0);
	assert_true(simpler("w1:x1,2[2=s3]", "w1:x1,2[2=s4]") < 0);
	assert_true(simpler("w5:x5,6[2=s7]", "w1:x1,2[2=s3]") > 0);
	assert_true(simpler("w1:x1,2[1=s3]", "w1:x1,2[2=s3]") < 0);
	assert_true(simpler("w1:x1,2[2=s3]", "w1:x1,2[1=s3]") > 0);
}

/* The explorer visits each partition of n values once: Bell(n) paths. */
static void test_explore_partitions(void **state)
{
	static const unsigned int bell[] = { 1, 1, 2, 5, 15, 52, 203, 877 };
	unsigned int n;

	(void)state;
	for (n = 0; n < 8; n++) {
		struct msim_vf_explore e;
		unsigned int runs = 0, i;
		char seen[1024][8];

		msim_vf_explore_init(&e);
		do {
			uint32_t v[8];
			unsigned int r;

			msim_vf_explore_begin(&e);
			for (i = 0; i < n; i++) {
				v[i] = msim_vf_explore_value(&e);
				assert_in_range(v[i], 1, i + 1);
			}
			/* The equality pattern, which must be new. */
			for (i = 0; i < n; i++)
				seen[runs][i] = (char)v[i];
			for (r = 0; r < runs; r++)
				assert_memory_not_equal(seen[r], seen[runs],
							n ? n : 1);
			runs++;
		} while (msim_vf_explore_next(&e) && runs < 1024);
		assert_false(e.overflow);
		assert_int_equal(runs, bell[n]);
	}
}

/*
 * Decisions whose number depends on earlier ones: a tree with two options
 * at the root, three below the first and none below the second.
 */
static void test_explore_tree(void **state)
{
	struct msim_vf_explore e;
	unsigned int runs = 0, leaves[4] = { 0 };

	(void)state;
	msim_vf_explore_init(&e);
	do {
		msim_vf_explore_begin(&e);
		if (msim_vf_explore_choose(&e, 2) == 0)
			leaves[msim_vf_explore_choose(&e, 3)]++;
		else
			leaves[3]++;
		runs++;
	} while (msim_vf_explore_next(&e));
	assert_int_equal(runs, 4);
	assert_int_equal(leaves[0], 1);
	assert_int_equal(leaves[1], 1);
	assert_int_equal(leaves[2], 1);
	assert_int_equal(leaves[3], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_roundtrip),
		cmocka_unit_test(test_text_structure),
		cmocka_unit_test(test_text_errors),
		cmocka_unit_test(test_decode_any_bytes),
		cmocka_unit_test(test_random_cases),
		cmocka_unit_test(test_simpler),
		cmocka_unit_test(test_explore_partitions),
		cmocka_unit_test(test_explore_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
