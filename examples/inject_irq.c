// SPDX-License-Identifier: MIT
/*
 * inject_irq: an interrupt injected at a chosen instruction of the vDSO's
 * __kernel_atomic_cmpxchg_32, through the vDSO fuzz engine's library API.
 * needs: coldfire
 *
 * The case: the word holds 1, and thread T0 calls cmpxchg(expected 1,
 * new 2).  Before its instruction 2 - the store, after the compare has
 * succeeded - an interrupt stores 3 to the word, as another thread would.
 * In the text form mmsim vdso-fuzz --replay takes: w1:x1,2[2=s3].
 *
 * Under the seed's entry fixup the call resumes at its store and writes
 * 2 over the 3: a lost update, which the checker finds not linearizable.
 * Under a correct fixup (tests/vdso-fuzz/fixups/correct.S, committed
 * assembled as correct.o) the interrupt rewinds the call to its compare,
 * which now sees 3 and fails: linearizable.  Exits 1 when either run
 * does not go so.
 *
 * usage: inject_irq [FIXUP]  (a .o, or a .S with the cross assembler;
 * by default correct.o of the source tree this file is in)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmsim/coldfire.h>

static struct msim_vf_result r;

/* The case, built call by call rather than parsed. */
static void build_case(struct msim_vf_case *c)
{
	struct msim_vf_call *t0;

	msim_vf_case_init(c, MSIM_VF_FN_CMPXCHG, 1, 1, 2);
	t0 = &c->call[0];
	t0->irq[t0->nr_irqs++] = (struct msim_vf_irq){
		.at = 2, /* before the call's instruction 2 */
		.effect = MSIM_VF_EFF_STORE,
		.value = 3,
	};
}

/*
 * Runs @c on a CPU with @fixup (an object, or NULL for the seed's), prints
 * what happened, and returns the number of violations, or -1.
 */
static int run(const char *name, const void *fixup, size_t len,
	       const struct msim_vf_case *c)
{
	struct msim_vf_env env;
	int ret, i;

	ret = msim_vf_env_create(&env, fixup, len);
	if (ret) {
		fprintf(stderr, "inject_irq: %s: %s\n", name,
			msim_ucpu_last_error(NULL));
		return -1;
	}
	if (msim_vf_run(&env, c, NULL, NULL, &r)) {
		msim_vf_env_destroy(&env);
		return -1;
	}
	printf("\nwith %s: %d violation%s\n", name, r.nr_violations,
	       r.nr_violations == 1 ? "" : "s");
	if (!r.nr_violations)
		msim_vf_report_events(stdout, &env, &r, "    ");
	for (i = 0; i < r.nr_violations; i++)
		msim_vf_report_violation(stdout, &env, &r, &r.v[i],
					 "mmsim vdso-fuzz --replay");
	msim_vf_env_destroy(&env);
	return r.nr_violations;
}

/* correct.o, found from this file's path: examples/ is beside tests/. */
static void default_fixup(char *buf, size_t size)
{
	const char *slash = strrchr(__FILE__, '/');
	int dir = slash ? (int)(slash - __FILE__) : 1;

	snprintf(buf, size, "%.*s/../tests/vdso-fuzz/fixups/correct.o", dir,
		 slash ? __FILE__ : ".");
}

int main(int argc, char **argv)
{
	struct msim_vf_outcome o[MSIM_VF_MAX_OUTCOMES];
	char path[4096], text[MSIM_VF_CASE_TEXT_MAX], why[300];
	struct msim_vf_case c;
	void *obj;
	size_t len;
	int n;

	build_case(&c);
	msim_vf_case_format(&c, text, sizeof(text));
	printf("case %s\n", text);
	if (strcmp(text, "w1:x1,2[2=s3]"))
		return EXIT_FAILURE;

	/* The seed's fixup: one violation, the lost update at the store. */
	n = run("the seed's fixup", NULL, 0, &c);
	if (n != 1 || r.v[0].kind != MSIM_VF_NOT_LINEARIZABLE ||
	    r.v[0].pc != 0x5fffe412 || r.call[0].d0 != 1 || r.final_word != 2) {
		fprintf(stderr, "inject_irq: no lost update with the seed's\n");
		return EXIT_FAILURE;
	}
	/* Linearizable would have been: 1 then 3 (T0 first), or 3 and 3. */
	if (msim_vf_outcomes(&r, &r.v[0], o, MSIM_VF_MAX_OUTCOMES) != 2 ||
	    o[0].returned != 1 || o[0].word_after != 3 || o[1].returned != 3 ||
	    o[1].word_after != 3) {
		fprintf(stderr, "inject_irq: unexpected outcomes\n");
		return EXIT_FAILURE;
	}

	/* A correct fixup: the call restarts, fails, and returns the 3. */
	if (argc > 1)
		snprintf(path, sizeof(path), "%s", argv[1]);
	else
		default_fixup(path, sizeof(path));
	if (msim_vf_fixup_load(path, &obj, &len, why, sizeof(why))) {
		fprintf(stderr, "inject_irq: %s: %s\n", path, why);
		return EXIT_FAILURE;
	}
	n = run(path, obj, len, &c);
	free(obj);
	if (n != 0 || r.call[0].d0 != 3 || r.final_word != 3) {
		fprintf(stderr, "inject_irq: the correct fixup did not hold\n");
		return EXIT_FAILURE;
	}
	printf("\ninject_irq: ok\n");
	return EXIT_SUCCESS;
}
