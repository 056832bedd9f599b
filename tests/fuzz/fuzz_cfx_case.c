// SPDX-License-Identifier: MIT
/*
 * libFuzzer (and AFL++) target: cf-explore cases on a ColdFire program,
 * from a byte form in which any input is a case: every 3 bytes are an
 * interrupt (at most MSIM_CFX_MAX_IRQS),
 *
 *	byte 0: the thread (modulo N)
 *	byte 1, low nibble of byte 2: its instruction index (0 to 4095)
 *	high nibble of byte 2: the effect, modulo 5: nothing, a switch to
 *	    the next thread, reclaim, migration, an mprotect round trip
 *
 * run with the program and fixup of
 *
 *	MMSIM_CFX_FUZZ_PROG     (default examples/coldfire/prebuilt/counter.elf)
 *	MMSIM_CFX_FUZZ_FIXUP    (default tests/vdso-fuzz/fixups/correct.o;
 *				 "seed" for the seed's)
 *	MMSIM_CFX_FUZZ_THREADS  (default 2)
 *
 * relative to $MMSIM_SOURCE_DIR (or the current directory).  It aborts,
 * with the report and the replay command, on a violation (with a correct
 * fixup the counter has none), unless MMSIM_CFX_FUZZ_EXPECT=violations;
 * and always when the case as it ran, printed as text and parsed again,
 * does not run the same way: the replay strings reports print must be
 * exact.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmsim/err.h>
#include <mmsim/coldfire/cfx.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct msim_cfx_env *env;
static struct msim_cfx_result r, again;
static int threads = 2;
static int expect_violations;

static void *slurp(const char *rel, size_t *len)
{
	const char *dir = getenv("MMSIM_SOURCE_DIR");
	char path[4096];
	void *buf = NULL;
	FILE *f;
	long n;

	if (rel[0] == '/' || !dir)
		snprintf(path, sizeof(path), "%s", rel);
	else
		snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "rb");
	if (f && !fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc((size_t)n)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		fprintf(stderr, "fuzz_cfx_case: cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	return buf;
}

static void setup(void)
{
	const char *prog = getenv("MMSIM_CFX_FUZZ_PROG");
	const char *fixup = getenv("MMSIM_CFX_FUZZ_FIXUP");
	const char *n = getenv("MMSIM_CFX_FUZZ_THREADS");
	const char *expect = getenv("MMSIM_CFX_FUZZ_EXPECT");
	struct msim_cfx_opts o = { 0 };
	char why[256];
	void *elf, *fix = NULL;
	size_t len, fixlen = 0;

	if (n)
		threads = atoi(n);
	expect_violations = expect && !strcmp(expect, "violations");
	elf = slurp(prog ? prog : "examples/coldfire/prebuilt/counter.elf",
		    &len);
	if (!fixup || strcmp(fixup, "seed"))
		fix = slurp(fixup ? fixup : "tests/vdso-fuzz/fixups/correct.o",
			    &fixlen);
	o.threads = threads;
	o.fixup = fix;
	o.fixup_len = fixlen;
	env = msim_cfx_env_create(elf, len, &o, why, sizeof(why));
	free(elf);
	free(fix);
	if (IS_ERR(env)) {
		fprintf(stderr, "fuzz_cfx_case: %s\n", why);
		exit(2);
	}
}

static void die(const char *what, const struct msim_cfx_result *res)
{
	char text[MSIM_CFX_CASE_TEXT_MAX];

	msim_cfx_case_format(&res->ran, text, sizeof(text));
	fprintf(stderr, "fuzz_cfx_case: %s: '%s'\n", what, text);
	msim_cfx_report_result(stderr, env, res,
			       "mmsim cf-explore PROG --fixup FIXUP --replay");
	abort();
}

static bool same_run(const struct msim_cfx_result *a,
		     const struct msim_cfx_result *b)
{
	int i;

	if (a->violated != b->violated || a->check_value != b->check_value ||
	    a->ran.nr_irqs != b->ran.nr_irqs || b->nr_undelivered ||
	    a->nr_events != b->nr_events || a->exit_status != b->exit_status)
		return false;
	if (a->violated && (a->kind != b->kind || a->thread != b->thread ||
			    a->has_pc != b->has_pc || a->pc != b->pc))
		return false;
	for (i = 0; i < threads; i++)
		if (a->insns[i] != b->insns[i])
			return false;
	for (i = 0; i <= threads; i++)
		if (a->output_len[i] != b->output_len[i])
			return false;
	return !memcmp(a->ev, b->ev, (size_t)a->nr_events * sizeof(a->ev[0]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[MSIM_CFX_CASE_TEXT_MAX], why[200];
	struct msim_cfx_case c = { 0 }, back;
	size_t i;

	if (!env)
		setup();
	for (i = 0; i + 3 <= size && c.nr_irqs < MSIM_CFX_MAX_IRQS; i += 3) {
		struct msim_cfx_irq *q = &c.irq[c.nr_irqs++];
		int eff = (data[i + 2] >> 4) % 5;

		q->thread = data[i] % threads;
		q->at = data[i + 1] | (unsigned long)(data[i + 2] & 15) << 8;
		q->effect = (enum msim_cfx_effect)eff;
		q->to = (q->thread + 1) % threads;
		if (eff == MSIM_CFX_EFF_SWITCH && threads < 2)
			q->effect = MSIM_CFX_EFF_NONE;
	}
	if (msim_cfx_run(env, &c, &r)) {
		fprintf(stderr, "fuzz_cfx_case: the environment failed\n");
		abort();
	}
	if (r.violated && !expect_violations)
		die("a violation", &r);
	/* The case as it ran, as text, replays the same run. */
	msim_cfx_case_format(&r.ran, text, sizeof(text));
	if (msim_cfx_case_parse(text, &back, why, sizeof(why))) {
		fprintf(stderr, "fuzz_cfx_case: '%s' does not parse: %s\n",
			text, why);
		abort();
	}
	if (msim_cfx_run(env, &back, &again)) {
		fprintf(stderr, "fuzz_cfx_case: the environment failed\n");
		abort();
	}
	if (!same_run(&r, &again))
		die("the case as it ran does not replay alike", &r);
	return 0;
}
