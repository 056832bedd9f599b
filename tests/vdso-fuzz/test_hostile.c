// SPDX-License-Identifier: MIT
/*
 * The vDSO fuzz engine against hostile fixups (tests/ucpu/fixup-*.o):
 * one that faults only when entered for an interrupt, one that writes
 * over its own code, ones that break even calls without interrupts.  A
 * failing fixup is a finding like any other, every recorded case replays
 * alone, and a fixup that cannot run at all is refused with the reason;
 * and the loader never opens what is not a regular file.
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
#include <sys/stat.h>
#include <unistd.h>

#include "../mmsim_test.h"

#include <mmsim/coldfire/campaign.h>
#include <mmsim/coldfire/fixup.h>
#include <mmsim/coldfire/vdso_run.h>

static struct msim_vf_result r;

/* tests/ucpu/@name, whole; the caller frees it. */
static void *fixup_file(const char *name, size_t *len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "tests/ucpu/%s", name);
	return mt_source_file(rel, len);
}

static int env_with(struct msim_vf_env *env, const char *name)
{
	size_t len;
	void *obj = fixup_file(name, &len);
	int ret = msim_vf_env_create(env, obj, len);

	free(obj);
	return ret;
}

static void run_text(struct msim_vf_env *env, const char *text)
{
	struct msim_vf_case c;

	assert_int_equal(msim_vf_case_parse(text, &c, NULL, 0), 0);
	assert_int_equal(msim_vf_run(env, &c, NULL, NULL, &r), 0);
}

/*
 * A fixup that faults only on interrupts: every case that interrupts a
 * call fails as fixup-failed, last interrupted where the fixup was
 * entered, the interrupt is in the case as it ran, and the case replays
 * to the same failure.
 */
static void test_fails_on_irq(void **state)
{
	struct msim_vf_campaign_opts o = { .interrupts = 1 };
	struct msim_vf_campaign c;
	struct msim_vf_env env;
	size_t i;

	(void)state;
	assert_int_equal(env_with(&env, "fixup-irqfault.o"), 0);
	assert_int_equal(msim_vf_campaign_exhaustive(&env, &o, &c), 0);
	/* Two decisions for an interrupt: a failing entry is one case. */
	assert_int_equal(c.cases, 32);
	assert_int_equal(c.violating, 26);
	assert_true(c.nr_groups > 0);
	for (i = 0; i < c.nr_groups; i++) {
		assert_int_equal(c.group[i].kind, MSIM_VF_FIXUP_FAILED);
		assert_true(c.group[i].has_pc);
		assert_int_equal(msim_vf_case_nr_irqs(&c.group[i].example), 1);
	}
	for (i = 0; i < c.nr_found; i++) {
		const struct msim_vf_group *g = &c.group[c.found[i].group];
		const struct msim_ucpu_error *e;

		run_text(&env, c.found[i].text);
		assert_int_equal(r.nr_violations, 1);
		assert_int_equal(r.v[0].kind, MSIM_VF_FIXUP_FAILED);
		assert_true(r.v[0].has_pc);
		assert_int_equal(r.v[0].pc, g->pc);
		e = &r.call[r.v[0].call].error;
		assert_int_equal(e->kind, MSIM_UCPU_ERR_FIXUP_FAULT);
		assert_int_equal(e->addr, 0);
		assert_int_equal(e->vector, MSIM_UCPU_IRQ_VECTOR);
		assert_int_equal(e->entry_pc, g->pc);
		assert_non_null(strstr(r.v[0].detail, "the fixup faulted"));
	}
	msim_vf_campaign_free(&c);

	/* A planned effect never happens: the case shows none. */
	run_text(&env, "w1:x1,2[2=s3]");
	assert_int_equal(r.v[0].kind, MSIM_VF_FIXUP_FAILED);
	assert_int_equal(r.ran.call[0].nr_irqs, 1);
	assert_int_equal(r.ran.call[0].irq[0].at, 2);
	assert_int_equal(r.ran.call[0].irq[0].effect, MSIM_VF_EFF_NONE);
	msim_vf_env_destroy(&env);
}

/*
 * A fixup that writes an rts over its own first instruction on every
 * interrupt: each case starts from the fixup as loaded, so with one
 * interrupt a case is as under the correct fixup, whatever ran before.
 */
static void test_writes_itself(void **state)
{
	struct msim_vf_campaign_opts o = { .interrupts = 1 };
	struct msim_vf_campaign c;
	struct msim_vf_env env;
	int i;

	(void)state;
	assert_int_equal(env_with(&env, "fixup-selfpatch.o"), 0);
	for (i = 0; i < 3; i++) {
		run_text(&env, "w1:x1,2[2=s3]");
		assert_int_equal(r.nr_violations, 0);
		/* The case left the fixup patched; the next starts clean. */
		assert_true(msim_ucpu_kernel_reset(env.cpu));
		assert_false(msim_ucpu_kernel_reset(env.cpu));
	}
	/* Within one case the patch holds: the second interrupt loses. */
	run_text(&env, "w1:x1,2[0=-/2=s3]");
	assert_int_equal(r.nr_violations, 1);
	assert_int_equal(r.v[0].kind, MSIM_VF_NOT_LINEARIZABLE);
	assert_int_equal(msim_vf_campaign_exhaustive(&env, &o, &c), 0);
	assert_int_equal(c.cases, 374);
	assert_int_equal(c.violating, 0);
	msim_vf_campaign_free(&c);
	msim_vf_env_destroy(&env);
}

/* Fixups that break calls without interrupts, each with its reason. */
static void test_refused(void **state)
{
	static const struct {
		const char *name, *why;
	} bad[] = {
		{ "fixup-oops.o",
		  "__kernel_atomic_cmpxchg_32 did not return: the fixup "
		  "faulted: read of 0x00000010 at pc 0xc0000100, on the "
		  "access-error entry (TLB miss) at pc 0x5fffe4" },
		{ "fixup-loop.o", "the fixup ran past its instruction bound" },
		{ "fixup-ipl.o", "the fixup corrupted the frame: rte: SR" },
		{ "fixup-illegal.o",
		  "the fixup raised an exception at pc 0xc0000100: an illegal "
		  "instruction" },
	};
	struct msim_vf_env env;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(env_with(&env, bad[i].name), -EPROTO);
		if (!strstr(msim_vf_env_error(), bad[i].why))
			fail_msg("%s: \"%s\", expected \"%s\"", bad[i].name,
				 msim_vf_env_error(), bad[i].why);
	}
	assert_int_equal(env_with(&env, "fixup-rts.o"), 0);
	assert_string_equal(msim_vf_env_error(), "");
	msim_vf_env_destroy(&env);
}

/*
 * msim_vf_fixup_load() opens nothing but a regular file: a FIFO would
 * block the open for as long as nobody writes to it (the alarm fails the
 * test rather than letting it hang).
 */
static void test_load_fifo(void **state)
{
	char dir[] = "/tmp/test_hostile-XXXXXX", path[64], why[200];
	static const char *const names[] = { "fifo.o", "fifo.S", "fifo.s" };
	size_t i, len;
	void *obj;

	(void)state;
	assert_non_null(mkdtemp(dir));
	alarm(20);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		assert_int_equal(mkfifo(path, 0600), 0);
		assert_int_equal(
			msim_vf_fixup_load(path, &obj, &len, why, sizeof(why)),
			-EINVAL);
		assert_null(obj);
		assert_string_equal(why, "not a regular file");
		unlink(path);
	}
	alarm(0);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fails_on_irq),
		cmocka_unit_test(test_writes_itself),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_load_fifo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
