// SPDX-License-Identifier: MIT
/*
 * The vDSO fuzz engine's campaigns on the CPU with the seed's fixup: the
 * outcomes that would have been linearizable, shrinking, the groups and
 * their simplest cases, and the verdict.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <mmsim/coldfire/campaign.h>
#include <mmsim/coldfire/vdso_run.h>

static struct msim_vf_env env;
static struct msim_vf_result r;

static int setup(void **state)
{
	(void)state;
	return msim_vf_env_create(&env, NULL, 0);
}

static int teardown(void **state)
{
	(void)state;
	msim_vf_env_destroy(&env);
	return 0;
}

static void run_text(const char *text)
{
	struct msim_vf_case c;

	assert_int_equal(msim_vf_case_parse(text, &c, NULL, 0), 0);
	assert_int_equal(msim_vf_run(&env, &c, NULL, NULL, &r), 0);
}

static void format(const struct msim_vf_case *c, char *buf)
{
	msim_vf_case_format(c, buf, MSIM_VF_CASE_TEXT_MAX);
}

/*
 * The lost update: cmpxchg(1, 2) compared, a store of 3, then its own
 * store.  It returned 1 and left 2; in either order of the two, the word
 * ends at 3.
 */
static void test_outcomes(void **state)
{
	struct msim_vf_outcome o[MSIM_VF_MAX_OUTCOMES];
	struct msim_vf_violation v;

	(void)state;
	run_text("w1:x1,2[2=s3]");
	assert_int_equal(r.nr_violations, 1);
	assert_int_equal(r.v[0].kind, MSIM_VF_NOT_LINEARIZABLE);
	assert_int_equal(msim_vf_outcomes(&r, &r.v[0], o, MSIM_VF_MAX_OUTCOMES),
			 2);
	assert_int_equal(o[0].returned, 1);
	assert_int_equal(o[0].word_after, 3);
	assert_int_equal(o[0].nr_steps, 2);
	assert_int_equal(o[0].step[0].call, 0);
	assert_int_equal(o[0].step[1].call, -1);
	assert_int_equal(o[0].step[1].value, 3);
	assert_int_equal(o[1].returned, 3);
	assert_int_equal(o[1].word_after, 3);
	assert_int_equal(o[1].step[0].call, -1);
	assert_int_equal(o[1].step[1].call, 0);
	/* @max bounds what is written, not what is counted. */
	assert_int_equal(msim_vf_outcomes(&r, &r.v[0], o, 1), 2);

	/* The failure path's reload returns the expected value it missed. */
	run_text("w1:x2,3[2=s2]");
	assert_int_equal(msim_vf_outcomes(&r, &r.v[0], o, MSIM_VF_MAX_OUTCOMES),
			 2);
	assert_int_equal(o[0].returned, 1);
	assert_int_equal(o[0].word_after, 2);
	assert_int_equal(o[1].returned, 2);
	assert_int_equal(o[1].word_after, 3);

	v = r.v[0];
	v.kind = MSIM_VF_CLOBBER;
	assert_int_equal(msim_vf_outcomes(&r, &v, o, MSIM_VF_MAX_OUTCOMES),
			 -EINVAL);
}

/*
 * A case with more than it needs shrinks to what shows the same fault at
 * the same PC: interrupts, calls and values go, the last interrupt stays.
 */
static void test_shrink(void **state)
{
	char text[MSIM_VF_CASE_TEXT_MAX];
	struct msim_vf_case c;

	(void)state;
	assert_int_equal(msim_vf_case_parse("w1234:x1234,99[0=-/2=x55,1234["
					    "0=s66]/4=t/9=s1]",
					    &c, NULL, 0),
			 0);
	assert_int_equal(msim_vf_shrink(&env, &c, &r), 0);
	format(&c, text);
	assert_string_equal(text, "w1:x1,2[2=s3/4=-]");
	assert_int_equal(r.nr_violations, 1);
	assert_true(r.v[0].has_pc);
	assert_int_equal(r.v[0].pc, 0x5fffe41a);

	/* Nothing to shrink: a case that does not violate stays. */
	assert_int_equal(msim_vf_case_parse("w7:x7,8[0=s9]", &c, NULL, 0), 0);
	assert_int_equal(msim_vf_shrink(&env, &c, &r), 0);
	format(&c, text);
	assert_string_equal(text, "w7:x7,8[0=s9]");
	assert_int_equal(r.nr_violations, 0);
}

static const struct msim_vf_group *group_at(const struct msim_vf_campaign *c,
					    uint32_t pc)
{
	size_t i;

	for (i = 0; i < c->nr_groups; i++)
		if (c->group[i].has_pc && c->group[i].pc == pc)
			return &c->group[i];
	fail_msg("no group at %#x", pc);
	return NULL;
}

/* K=1 with the seed's fixup: the README's three windows. */
static void test_exhaustive(void **state)
{
	struct msim_vf_campaign_opts o = { .interrupts = 1 };
	struct msim_vf_campaign c;
	char text[MSIM_VF_CASE_TEXT_MAX], verdict[1024];
	unsigned long sum = 0;
	size_t i;

	(void)state;
	assert_int_equal(msim_vf_campaign_exhaustive(&env, &o, &c), 0);
	assert_int_equal(c.cases, 374);
	assert_int_equal(c.violating, 18);
	assert_int_equal(c.nr_found, 18);
	assert_int_equal(c.nr_groups, 3);
	assert_int_equal(msim_vf_campaign_windows(&c), 3);
	for (i = 0; i < c.nr_groups; i++)
		sum += c.group[i].count;
	assert_int_equal(sum, 18);
	format(&group_at(&c, 0x5fffe40e)->example, text);
	assert_string_equal(text, "w1:x1,2[1=s3]");
	format(&group_at(&c, 0x5fffe412)->example, text);
	assert_string_equal(text, "w1:x1,2[2=s3]");
	assert_string_equal(group_at(&c, 0x5fffe412)->insn, "move.l d1, (a0)");
	format(&group_at(&c, 0x5fffe418)->example, text);
	assert_string_equal(text, "w1:x2,3[2=s2]");
	msim_vf_campaign_verdict(&c, verdict, sizeof(verdict));
	assert_string_equal(verdict,
			    "3 windows are open in __kernel_atomic_cmpxchg_32: "
			    "not atomic when last interrupted at 0x5fffe40e "
			    "(bne.w $5fffe418), 0x5fffe412 (move.l d1, (a0)) "
			    "and 0x5fffe418 (move.l (a0), d0); 18 of 374 "
			    "cases violate");
	msim_vf_campaign_free(&c);

	/* No interrupt, no window. */
	o.interrupts = 0;
	assert_int_equal(msim_vf_campaign_exhaustive(&env, &o, &c), 0);
	assert_int_equal(c.violating, 0);
	msim_vf_campaign_verdict(&c, verdict, sizeof(verdict));
	assert_non_null(strstr(verdict, "no window is open"));
	msim_vf_campaign_free(&c);
}

/*
 * K=2: 3553 of 36567 cases violate, more than the groups keep: each
 * group counts them all and keeps its MSIM_VF_GROUP_KEEP simplest, the
 * first of them its example, so that memory does not grow with the
 * violating cases.
 */
static void test_bounded(void **state)
{
	struct msim_vf_campaign_opts o = { .interrupts = 2 };
	struct msim_vf_campaign c;
	unsigned long sum = 0;
	size_t i, j, kept = 0;

	(void)state;
	assert_int_equal(msim_vf_campaign_exhaustive(&env, &o, &c), 0);
	assert_int_equal(c.cases, 36567);
	assert_int_equal(c.violating, 3553);
	for (i = 0; i < c.nr_groups; i++) {
		const struct msim_vf_group *g = &c.group[i];

		sum += g->count;
		kept += g->nr_kept;
		assert_true(g->nr_kept <= MSIM_VF_GROUP_KEEP);
		assert_int_equal(g->nr_kept, g->count < MSIM_VF_GROUP_KEEP
						     ? g->count
						     : MSIM_VF_GROUP_KEEP);
	}
	assert_int_equal(sum, 3553);
	assert_int_equal(c.nr_found, kept);
	assert_true(c.nr_found <= MSIM_VF_GROUP_KEEP * c.nr_groups);
	/* Group by group, each simplest first, its example first. */
	for (i = 0; i < c.nr_found; i++) {
		struct msim_vf_case a, b;

		assert_int_equal(
			msim_vf_case_parse(c.found[i].text, &a, NULL, 0), 0);
		if (!i || c.found[i - 1].group != c.found[i].group) {
			assert_true(!i ||
				    c.found[i - 1].group < c.found[i].group);
			assert_int_equal(
				msim_vf_case_simpler(
					&a, &c.group[c.found[i].group].example),
				0);
			continue;
		}
		assert_int_equal(
			msim_vf_case_parse(c.found[i - 1].text, &b, NULL, 0),
			0);
		assert_true(msim_vf_case_simpler(&b, &a) < 0);
	}
	for (i = 0; i < c.nr_found; i++)
		for (j = i + 1; j < c.nr_found; j++)
			assert_string_not_equal(c.found[i].text,
						c.found[j].text);
	msim_vf_campaign_free(&c);
}

/*
 * Random mode records shrunk cases, each still failing as its group
 * says, and the same seed finds the same ones.
 */
static void test_random(void **state)
{
	struct msim_vf_campaign_opts o = { .interrupts = 2,
					   .cases = 300,
					   .seed = 5 };
	struct msim_vf_campaign c, d;
	size_t i;

	(void)state;
	assert_int_equal(msim_vf_campaign_random(&env, &o, &c), 0);
	assert_int_equal(msim_vf_campaign_random(&env, &o, &d), 0);
	assert_true(c.shrunk);
	assert_int_equal(c.cases, 300);
	assert_true(c.violating > 0);
	assert_int_equal(c.nr_found, d.nr_found);
	for (i = 0; i < c.nr_found; i++) {
		const struct msim_vf_group *g = &c.group[c.found[i].group];
		struct msim_vf_case k, f;

		assert_string_equal(c.found[i].text, d.found[i].text);
		assert_non_null(c.found[i].found_as);
		run_text(c.found[i].text);
		assert_true(r.nr_violations > 0);
		assert_int_equal(r.v[0].kind, g->kind);
		assert_int_equal(r.v[0].pc, g->pc);
		/* Shrunk: no larger than found, values renumbered from 1. */
		assert_int_equal(
			msim_vf_case_parse(c.found[i].text, &k, NULL, 0), 0);
		assert_int_equal(
			msim_vf_case_parse(c.found[i].found_as, &f, NULL, 0),
			0);
		assert_true(msim_vf_case_simpler(&k, &f) < 0);
		assert_true(msim_vf_case_nr_irqs(&k) <=
			    msim_vf_case_nr_irqs(&f));
		assert_int_equal(k.word, 1);
		assert_true(msim_vf_case_simpler(&g->example, &k) <= 0);
	}
	msim_vf_campaign_free(&c);
	msim_vf_campaign_free(&d);

	o.no_shrink = true;
	assert_int_equal(msim_vf_campaign_random(&env, &o, &c), 0);
	assert_false(c.shrunk);
	assert_null(c.found[0].found_as);
	msim_vf_campaign_free(&c);
}

/* A program's own cases, recorded as a campaign records them. */
static void test_record(void **state)
{
	struct msim_vf_campaign c;

	(void)state;
	memset(&c, 0, sizeof(c));
	run_text("w1:x1,2[0=s3]");
	assert_int_equal(msim_vf_campaign_record(&c, &env, &r), 0);
	run_text("w1:x1,2[2=s3]");
	assert_int_equal(msim_vf_campaign_record(&c, &env, &r), 0);
	assert_int_equal(c.cases, 2);
	assert_int_equal(c.violating, 1);
	assert_int_equal(c.nr_found, 1);
	assert_string_equal(c.found[0].text, "w1:x1,2[2=s3]");
	assert_int_equal(msim_vf_campaign_windows(&c), 1);
	msim_vf_campaign_free(&c);
}

/* The same groups, in the same order, with the same counts and cases. */
static void assert_same(const struct msim_vf_campaign *a,
			const struct msim_vf_campaign *b)
{
	size_t i;

	assert_int_equal(a->cases, b->cases);
	assert_int_equal(a->violating, b->violating);
	assert_int_equal(a->nr_groups, b->nr_groups);
	assert_int_equal(a->nr_found, b->nr_found);
	for (i = 0; i < a->nr_groups; i++) {
		const struct msim_vf_group *g = &a->group[i], *h = &b->group[i];

		assert_int_equal(g->kind, h->kind);
		assert_int_equal(g->fn, h->fn);
		assert_int_equal(g->has_pc, h->has_pc);
		assert_int_equal(g->pc, h->pc);
		assert_int_equal(g->count, h->count);
		assert_int_equal(msim_vf_case_simpler(&g->example, &h->example),
				 0);
	}
	for (i = 0; i < a->nr_found; i++) {
		assert_string_equal(a->found[i].text, b->found[i].text);
		assert_int_equal(a->found[i].group, b->found[i].group);
		if (a->found[i].found_as || b->found[i].found_as)
			assert_string_equal(a->found[i].found_as,
					    b->found[i].found_as);
	}
}

/*
 * --shard and --jobs: the parts of a campaign, merged, are the whole
 * campaign, groups in the same order; so is a run on two jobs.  Exhaustive
 * K=2 (36567 cases) and random cases with shrinking.
 */
static void test_parts(void **state)
{
	static const struct msim_vf_campaign_opts modes[] = {
		{ .interrupts = 2 },
		{ .interrupts = 3, .cases = 2000, .seed = 9 },
	};
	struct msim_vf_campaign whole, part, sum, jobs;
	struct msim_vf_campaign_opts o;
	unsigned int m, i;

	(void)state;
	for (m = 0; m < 2; m++) {
		int (*run)(struct msim_vf_env *,
			   const struct msim_vf_campaign_opts *,
			   struct msim_vf_campaign *) =
			m ? msim_vf_campaign_random
			  : msim_vf_campaign_exhaustive;

		o = modes[m];
		assert_int_equal(run(&env, &o, &whole), 0);
		if (!m)
			assert_int_equal(whole.violating, 3553);
		memset(&sum, 0, sizeof(sum));
		for (i = 0; i < 3; i++) {
			o.shard = i;
			o.shards = 3;
			assert_int_equal(run(&env, &o, &part), 0);
			assert_int_equal(part.shard, i);
			assert_int_equal(part.shards, 3);
			assert_true(part.cases < whole.cases / 2);
			assert_int_equal(msim_vf_campaign_merge(&sum, &part),
					 0);
			msim_vf_campaign_free(&part);
		}
		assert_same(&sum, &whole);
		o = modes[m];
		o.jobs = 2;
		assert_int_equal(run(&env, &o, &jobs), 0);
		assert_same(&jobs, &whole);
		msim_vf_campaign_free(&jobs);
		msim_vf_campaign_free(&sum);
		msim_vf_campaign_free(&whole);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_shrink),
		cmocka_unit_test(test_exhaustive),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_parts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
