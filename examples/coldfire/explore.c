/* SPDX-License-Identifier: MIT */
/*
 * cf-explore from C: an interrupt-injection experiment on one of the
 * example programs, under the seed's entry fixup and under a correct one,
 * with the known answers checked.  needs: coldfire
 *
 *	coldfire_explore NAME PROGRAM.elf CORRECT-FIXUP.o
 *
 * What mmsim cf-explore does, in a few calls of <mmsim/coldfire/cfx.h>:
 * msim_cfx_env_create() execs the program in a template process (its
 * threads' stacks and TLS, the start file's setup) with a CPU and a
 * fixup; msim_cfx_campaign_run() runs every case of at most K
 * interrupts, each in a fork of the template; msim_cfx_run() runs one
 * case again for its report.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmsim/mmsim.h>
#include <mmsim/coldfire/cfx.h>

/*
 * The known answers, exhaustive with two threads: how many of the cases
 * violate, and how, under each fixup.  The seed's fixup never rewinds,
 * so the vDSO's cmpxchg is not atomic: the counter loses updates and the
 * spinlock lets two threads in.  A plain increment does not go through
 * the vDSO, and no fixup helps it.  The unmap race is the program's own.
 */
static const struct known {
	const char *name;
	int k;
	enum msim_cfx_kind kind;
	unsigned long cases_seed, violating_seed;
	unsigned long cases_correct, violating_correct;
} known[] = {
	{ "counter", 1, MSIM_CFX_CHECK_FAILED, 352, 4, 352, 0 },
	{ "spinlock", 2, MSIM_CFX_CHECK_FAILED, 45988, 12, 46180, 0 },
	{ "plain_increment", 1, MSIM_CFX_CHECK_FAILED, 100, 5, 100, 5 },
	{ "map_unmap", 1, MSIM_CFX_FAULT, 325, 3, 325, 3 },
};

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET)) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

/* One campaign: returns 0 when it gives the known answer. */
static int explore(const struct known *kn, const void *elf, size_t len,
		   const void *fixup, size_t fixup_len, const char *which,
		   unsigned long want_cases, unsigned long want_violating)
{
	struct msim_cfx_opts o = {
		.threads = 2,
		.fixup = fixup,
		.fixup_len = fixup_len,
		.name = kn->name,
	};
	struct msim_cfx_campaign_opts co = {
		.mode = MSIM_CFX_MODE_EXHAUSTIVE,
		.interrupts = kn->k,
	};
	static struct msim_cfx_result r;
	struct msim_cfx_campaign c;
	struct msim_cfx_env *env;
	char why[300], verdict[4096], text[MSIM_CFX_CASE_TEXT_MAX];
	int bad = 0, ret;
	size_t i;

	env = msim_cfx_env_create(elf, len, &o, why, sizeof(why));
	if (IS_ERR(env)) {
		fprintf(stderr, "%s: %s\n", kn->name, why);
		return 1;
	}
	ret = msim_cfx_campaign_run(env, &co, &c);
	if (ret) {
		fprintf(stderr, "%s: campaign: %s\n", kn->name,
			msim_errno_name(ret));
		msim_cfx_env_destroy(env);
		return 1;
	}
	msim_cfx_campaign_verdict(env, &c, verdict, sizeof(verdict));
	printf("%s, K=%d, %s fixup: %s\n", kn->name, kn->k, which, verdict);
	if (c.cases != want_cases || c.violating != want_violating) {
		fprintf(stderr,
			"%s, %s fixup: %lu of %lu cases violate, expected "
			"%lu of %lu\n",
			kn->name, which, c.violating, c.cases, want_violating,
			want_cases);
		bad = 1;
	}
	for (i = 0; i < c.nr_groups; i++) {
		if (c.group[i].kind != kn->kind) {
			fprintf(stderr, "%s: a %s group\n", kn->name,
				msim_cfx_kind_name(c.group[i].kind));
			bad = 1;
		}
		/* Each group's example fails again when run alone. */
		ret = msim_cfx_run(env, &c.group[i].kept[0], &r);
		msim_cfx_case_format(&c.group[i].kept[0], text, sizeof(text));
		if (ret || !r.violated || r.kind != c.group[i].kind) {
			fprintf(stderr, "%s: %s does not fail again\n",
				kn->name, text);
			bad = 1;
		}
	}
	if (c.nr_groups) {
		/* The simplest case of the first group, in full. */
		msim_cfx_run(env, &c.group[0].kept[0], &r);
		msim_cfx_report_result(stdout, env, &r,
				       "mmsim cf-explore PROGRAM --replay");
	}
	msim_cfx_campaign_free(&c);
	msim_cfx_env_destroy(env);
	return bad;
}

int main(int argc, char **argv)
{
	const struct known *kn = NULL;
	void *elf, *fixup;
	size_t len = 0, flen = 0, i;
	int bad;

	if (argc != 4) {
		fprintf(stderr, "usage: %s NAME PROGRAM.elf FIXUP.o\n",
			argv[0]);
		return 2;
	}
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(known[i].name, argv[1]))
			kn = &known[i];
	elf = slurp(argv[2], &len);
	fixup = slurp(argv[3], &flen);
	if (!kn || !elf || !fixup) {
		fprintf(stderr, "%s: unknown example, or unreadable files\n",
			argv[0]);
		return 2;
	}
	bad = explore(kn, elf, len, NULL, 0, "the seed's", kn->cases_seed,
		      kn->violating_seed);
	bad |= explore(kn, elf, len, fixup, flen, "a correct",
		       kn->cases_correct, kn->violating_correct);
	free(elf);
	free(fixup);
	return bad;
}
