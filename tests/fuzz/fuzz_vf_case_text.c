// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: vDSO fuzz cases in their text form, as a person types
 * them after --replay (fuzz_case.h: w1:x1,2[2=s3], ...), parsed and run on
 * the seed's vDSO and fixup.  Any input: a string that does not parse is
 * refused with a reason that says where; one that parses
 *
 *  - prints back as text that parses to the same case (the round trip
 *    reports and replays rely on);
 *  - runs without an environment error;
 *  - delivers every interrupt of the case, or lists it as undelivered:
 *    the case as it ran is the case as given when none is, and never has
 *    more interrupts than it;
 *  - when it violates, violates again the same way when the case as it
 *    ran is replayed alone.
 *
 * Inputs longer than MSIM_VF_CASE_TEXT_MAX are cut there, as no report
 * prints a longer case.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmsim/coldfire/fuzz_case.h>
#include <mmsim/coldfire/vdso_run.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct msim_vf_env env;
static struct msim_vf_result r, again;
static struct msim_vf_case c, c2;

static void die(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_vf_case_text: %s: '%s'\n", what, text);
	abort();
}

static bool same_violation(const struct msim_vf_result *a,
			   const struct msim_vf_result *b)
{
	const struct msim_vf_violation *v = &a->v[0], *w = &b->v[0];

	return b->nr_violations && v->kind == w->kind &&
	       a->ran.call[v->call].fn == b->ran.call[w->call].fn &&
	       v->has_pc == w->has_pc && (!v->has_pc || v->pc == w->pc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[MSIM_VF_CASE_TEXT_MAX], back[MSIM_VF_CASE_TEXT_MAX],
		ran[MSIM_VF_CASE_TEXT_MAX], why[200];
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;

	if (!env.cpu && msim_vf_env_create(&env, NULL, 0)) {
		fprintf(stderr, "fuzz_vf_case_text: no CPU: %s\n",
			msim_vf_env_error());
		exit(2);
	}
	memcpy(text, data, n);
	text[n] = '\0';
	why[0] = '\0';
	if (msim_vf_case_parse(text, &c, why, sizeof(why))) {
		if (strncmp(why, "at offset ", 10))
			die("refused without saying where", text);
		return 0;
	}
	msim_vf_case_format(&c, back, sizeof(back));
	if (msim_vf_case_parse(back, &c2, NULL, 0))
		die("its text form does not parse", back);
	msim_vf_case_format(&c2, ran, sizeof(ran));
	if (strcmp(back, ran))
		die("its text form parses to another case", back);

	if (msim_vf_run(&env, &c, NULL, NULL, &r))
		die("the run failed", text);
	msim_vf_case_format(&r.ran, ran, sizeof(ran));
	if (msim_vf_case_nr_irqs(&r.ran) + r.nr_undelivered >
	    msim_vf_case_nr_irqs(&c))
		die("more interrupts ran than it has", text);
	if (!r.nr_undelivered && !r.nr_violations && strcmp(ran, back))
		die("every interrupt delivered, yet it ran as another case",
		    text);
	if (msim_vf_case_nr_irqs(&r.ran) < msim_vf_case_nr_irqs(&c) &&
	    !r.nr_undelivered) {
		int i, failed = 0;

		/* Only a call that stopped may drop the rest of its plan. */
		for (i = 0; i < r.ran.nr_calls; i++)
			failed |= r.call[i].err != 0;
		if (!failed)
			die("an interrupt was dropped silently", text);
	}
	if (!r.nr_violations)
		return 0;
	if (msim_vf_case_parse(ran, &c2, NULL, 0))
		die("the case as it ran does not parse", ran);
	if (msim_vf_run(&env, &c2, NULL, NULL, &again) ||
	    !same_violation(&r, &again))
		die("the case as it ran does not violate alike when replayed",
		    ran);
	return 0;
}
