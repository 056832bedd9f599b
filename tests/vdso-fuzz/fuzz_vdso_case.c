// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness of the vDSO fuzzer: every input is a case in the byte
 * form (fuzz_case.h), run on one CPU kept for the whole session.
 *
 * The fixup is the seed's, or the one named by MMSIM_VDSO_FUZZ_FIXUP (.S,
 * .s or .o, as mmsim vdso-fuzz --fixup takes).  Whatever the fixup, a run
 * must complete (an environment error aborts), and a case that violates
 * must violate again, the same way, when its text form (what a report
 * prints and --replay takes) is parsed and run alone: a fixup that fails
 * only on interrupts, or writes to its own code, must not make a report
 * whose replay does something else.  Then:
 *
 *  - by default a violation is a finding: the harness prints the report
 *    and the replay command, and aborts;
 *  - with MMSIM_VDSO_FUZZ_EXPECT=violations (for hostile fixups, which
 *    violate all the time) only a case that does not replay aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmsim/coldfire/fixup.h>
#include <mmsim/coldfire/vdso_report.h>
#include <mmsim/coldfire/vdso_run.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct msim_vf_env env;
static struct msim_vf_result result, again;
static const char *fixup_path;
static int expect_violations;

static void setup(void)
{
	const char *expect = getenv("MMSIM_VDSO_FUZZ_EXPECT");
	void *obj = NULL;
	size_t len = 0;
	char why[300];
	int ret;

	expect_violations = expect && !strcmp(expect, "violations");
	fixup_path = getenv("MMSIM_VDSO_FUZZ_FIXUP");
	if (fixup_path && *fixup_path) {
		if (msim_vf_fixup_load(fixup_path, &obj, &len, why,
				       sizeof(why))) {
			fprintf(stderr, "%s: %s\n", fixup_path, why);
			exit(2);
		}
	} else {
		fixup_path = NULL;
	}
	ret = msim_vf_env_create(&env, obj, len);
	free(obj);
	if (ret) {
		fprintf(stderr, "vdso fuzz: cannot set up the CPU: %s: %s\n",
			strerror(-ret), msim_vf_env_error());
		exit(2);
	}
}

static void report(const char *text, const struct msim_vf_result *r)
{
	char prefix[4200];

	snprintf(prefix, sizeof(prefix), "mmsim vdso-fuzz%s%s --replay",
		 fixup_path ? " --fixup " : "", fixup_path ? fixup_path : "");
	fprintf(stderr, "vdso fuzz: case %s: ", text);
	msim_vf_report_violation(stderr, &env, r, &r->v[0], prefix);
}

/* The case as it ran, parsed from its text and run alone, fails alike. */
static void check_replay(const char *text)
{
	const struct msim_vf_violation *v = &result.v[0], *w;
	char ran[MSIM_VF_CASE_TEXT_MAX];
	struct msim_vf_case c;
	int ret;

	msim_vf_case_format(&result.ran, ran, sizeof(ran));
	if (msim_vf_case_parse(ran, &c, NULL, 0)) {
		fprintf(stderr,
			"vdso fuzz: case %s ran as %s, which does "
			"not parse\n",
			text, ran);
		abort();
	}
	ret = msim_vf_run(&env, &c, NULL, NULL, &again);
	w = &again.v[0];
	if (!ret && again.nr_violations && w->kind == v->kind &&
	    again.ran.call[w->call].fn == result.ran.call[v->call].fn &&
	    w->has_pc == v->has_pc && (!v->has_pc || w->pc == v->pc))
		return;
	fprintf(stderr,
		"vdso fuzz: case %s ran as %s and violated (%s), but %s "
		"replayed alone %s\n",
		text, ran, msim_vf_kind_name(v->kind), ran,
		ret		      ? "failed to run"
		: again.nr_violations ? "violates another way"
				      : "does not violate");
	report(text, &result);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[MSIM_VF_CASE_TEXT_MAX];
	struct msim_vf_case c;
	int ret;

	if (!env.cpu)
		setup();
	msim_vf_case_decode(data, size, &c);
	ret = msim_vf_run(&env, &c, NULL, NULL, &result);
	msim_vf_case_format(&c, text, sizeof(text));
	if (ret) {
		fprintf(stderr, "vdso fuzz: case %s: the run failed: %s\n",
			text, strerror(-ret));
		abort();
	}
	if (!result.nr_violations)
		return 0;
	check_replay(text);
	if (expect_violations)
		return 0;
	report(text, &result);
	abort();
}
