// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness of the vDSO fuzzer: every input is a case in the byte
 * form (fuzz_case.h), run on one CPU kept for the whole session.  A case
 * that breaks the cmpxchg, read_tp or the CPU aborts, after printing the
 * case and the command line that replays it.
 *
 * The fixup is the seed's, or the one named by MMSIM_VDSO_FUZZ_FIXUP (.S,
 * .s or .o, as mmsim vdso-fuzz --fixup takes).
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
static struct msim_vf_result result;
static const char *fixup_path;

static void setup(void)
{
	void *obj = NULL;
	size_t len = 0;
	char why[300];
	int ret;

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
		fprintf(stderr, "vdso fuzz: cannot set up the CPU: %s\n",
			strerror(-ret));
		exit(2);
	}
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
	if (!ret && !result.nr_violations)
		return 0;
	msim_vf_case_format(&c, text, sizeof(text));
	if (ret) {
		fprintf(stderr, "vdso fuzz: case %s: the run failed: %s\n",
			text, strerror(-ret));
	} else {
		char prefix[4200];

		snprintf(prefix, sizeof(prefix), "mmsim vdso-fuzz%s%s --replay",
			 fixup_path ? " --fixup " : "",
			 fixup_path ? fixup_path : "");
		fprintf(stderr, "vdso fuzz: case %s: ", text);
		msim_vf_report_violation(stderr, &env, &result, &result.v[0],
					 prefix);
	}
	abort();
}
