// SPDX-License-Identifier: MIT
/*
 * mmsim vdso-fuzz: interrupt-injection fuzzing of the ColdFire vDSO's
 * __kernel_atomic_cmpxchg_32 and __kernel_read_tp against an entry fixup,
 * exhaustively over small cases or at random over larger ones.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uthash.h>

#include <mmsim/coldfire/fixup.h>
#include "subcmd.h"
#include <mmsim/coldfire/vdso_report.h>
#include <mmsim/coldfire/vdso_run.h>

#define MSIM_VF_DEFAULT_CASES 10000
#define MSIM_VF_DEFAULT_K 2
#define MSIM_VF_RANDOM_DEPTH 3
#define MSIM_VF_RANDOM_MAX_AT 12

void vdso_fuzz_help(FILE *out)
{
	fputs("usage: mmsim vdso-fuzz [--fixup FILE] [--mode "
	      "exhaustive|random]\n"
	      "                       [--seed N] [--cases N] [--interrupts K]\n"
	      "                       [--json] [--progress] "
	      "[--fail-on-violation]\n"
	      "       mmsim vdso-fuzz [--fixup FILE] [--json] --replay CASE\n"
	      "\n"
	      "Run the ColdFire vDSO's __kernel_atomic_cmpxchg_32 and\n"
	      "__kernel_read_tp on an emulated ColdFire CPU, interrupting "
	      "them at\n"
	      "instruction boundaries.  Each interrupt goes through the entry "
	      "fixup\n"
	      "check_vdso_atomic_cmpxchg_32, which may rewind the PC, and "
	      "then does\n"
	      "nothing, stores to the word, or runs another thread's call "
	      "(itself\n"
	      "interruptible).  Every cmpxchg must be linearizable with the "
	      "stores and\n"
	      "calls that ran meanwhile (final word included) and preserve "
	      "every\n"
	      "register but d0 and the condition codes; read_tp must return "
	      "the\n"
	      "caller's own thread pointer in a0 and d0.\n"
	      "\n"
	      "Options:\n"
	      "  --fixup FILE        the entry fixup: m68k assembly (.S or "
	      ".s, run\n"
	      "                      through cpp with PT_OFF_* defined, then\n"
	      "                      m68k-linux-gnu-as -mcpu=5475) or an "
	      "object (.o);\n"
	      "                      it must define a global\n"
	      "                      check_vdso_atomic_cmpxchg_32 (default: "
	      "the seed's)\n"
	      "  --mode MODE         exhaustive (the default): every case of "
	      "at most\n"
	      "                      K interrupts in all, at every boundary, "
	      "with every\n"
	      "                      effect and every pattern of equal "
	      "values;\n"
	      "                      random: up to K interrupts per call, "
	      "calls nested\n"
	      "                      up to 3 deep, random values\n"
	      "  --seed N            seed of random mode (default: from the "
	      "clock;\n"
	      "                      printed)\n"
	      "  --cases N           cases to run in random mode (default "
	      "10000);\n"
	      "                      in exhaustive mode, stop after N\n"
	      "  --interrupts K      K as above (default 2, at most 8)\n"
	      "  --replay CASE       run one case and report it in full\n"
	      "  --json              print one JSON object instead of the "
	      "report\n"
	      "  --progress          show progress on standard error (the "
	      "default\n"
	      "                      when it is a terminal)\n"
	      "  --fail-on-violation exit 1 when a violation is found\n"
	      "  -h, --help          show this help\n"
	      "\n"
	      "CASE is what reports print, e.g. w1:x1,2[1=s3/2=x3,1]: the "
	      "word starts at\n"
	      "1; cmpxchg(expected 1, new 2) is interrupted before its "
	      "instruction 1\n"
	      "by a store of 3 and before its instruction 2 by another "
	      "thread's\n"
	      "cmpxchg(3, 1).  An effect is '-' (nothing), sHEX (store) or a "
	      "call:\n"
	      "xHEX,HEX (cmpxchg) or t (read_tp), each with an optional "
	      "[plan].\n"
	      "\n"
	      "Exit status: 0 when the run completed (violations are "
	      "findings, and\n"
	      "are reported), 1 with --fail-on-violation when there was one, "
	      "2 for a\n"
	      "usage error or a bad fixup or case.\n",
	      out);
}

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mmsim vdso-fuzz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'mmsim help vdso-fuzz'.\n", stderr);
	return SUBCMD_EXIT_USAGE;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	*v = strtoul(s, &end, 0);
	if (errno || *end || *v > max)
		return -EINVAL;
	return 0;
}

/* One distinct violating case, in the order found. */
struct found {
	char *text;
	struct msim_vf_violation v;
	enum msim_vf_fn fn;
	UT_hash_handle hh;
};

/* Violations of the same kind at the same PC of the same function. */
struct group {
	enum msim_vf_kind kind;
	enum msim_vf_fn fn;
	bool has_pc;
	uint32_t pc;
	unsigned long count;
	const struct found *first;
};

struct fuzz {
	struct msim_vf_env env;
	struct msim_vf_result r;
	const char *fixup_path;
	bool json, progress;
	unsigned long cases;
	struct found *found; /* hash by text, iterated in insertion order */
	unsigned long nr_found;
	struct group *groups;
	size_t nr_groups;
	char replay_prefix[4200];
};

static int record(struct fuzz *fz)
{
	const struct msim_vf_violation *v = &fz->r.v[0];
	char text[MSIM_VF_CASE_TEXT_MAX];
	struct found *f;
	size_t i;

	msim_vf_case_format(&fz->r.ran, text, sizeof(text));
	HASH_FIND_STR(fz->found, text, f);
	if (f)
		return 0;
	f = calloc(1, sizeof(*f));
	if (!f || !(f->text = strdup(text))) {
		free(f);
		return -ENOMEM;
	}
	f->v = *v;
	f->fn = fz->r.ran.call[v->call].fn;
	HASH_ADD_KEYPTR(hh, fz->found, f->text, strlen(f->text), f);
	fz->nr_found++;
	for (i = 0; i < fz->nr_groups; i++) {
		struct group *g = &fz->groups[i];

		if (g->kind == v->kind && g->fn == f->fn &&
		    g->has_pc == v->has_pc && (!v->has_pc || g->pc == v->pc)) {
			g->count++;
			return 0;
		}
	}
	if (!(fz->nr_groups & (fz->nr_groups - 1)) || !fz->nr_groups) {
		struct group *g = realloc(
			fz->groups,
			(fz->nr_groups ? 2 * fz->nr_groups : 1) * sizeof(*g));

		if (!g)
			return -ENOMEM;
		fz->groups = g;
	}
	fz->groups[fz->nr_groups++] =
		(struct group){ v->kind, f->fn, v->has_pc, v->pc, 1, f };
	return 0;
}

static void progress(struct fuzz *fz, bool last)
{
	static uint64_t next;
	struct timespec ts;
	uint64_t now;

	if (!fz->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	if (!last && now < next)
		return;
	next = now + 250;
	fprintf(stderr, "\rmmsim vdso-fuzz: %lu cases, %lu violating%s",
		fz->cases, fz->nr_found, last ? "\n" : "");
}

/* Runs one case (or explorer path) and records a violation. */
static int one(struct fuzz *fz, const struct msim_vf_case *plan,
	       struct msim_vf_explore *ex, const struct msim_vf_limits *lim)
{
	int ret = msim_vf_run(&fz->env, plan, ex, lim, &fz->r);

	if (ret)
		return ret;
	fz->cases++;
	progress(fz, false);
	return fz->r.nr_violations ? record(fz) : 0;
}

static void free_found(struct fuzz *fz)
{
	struct found *f, *tmp;

	HASH_ITER(hh, fz->found, f, tmp) {
		HASH_DEL(fz->found, f);
		free(f->text);
		free(f);
	}
	free(fz->groups);
}

static int report(struct fuzz *fz, const char *mode, unsigned long seed, int k)
{
	const struct found *f;
	char replay[MSIM_VF_CASE_TEXT_MAX + 4300];
	size_t i;

	if (fz->json) {
		printf("{\"cases\": %lu, \"mode\": \"%s\", ", fz->cases, mode);
		if (!strcmp(mode, "random"))
			printf("\"seed\": %lu, ", seed);
		printf("\"interrupts\": %d, \"fixup\": ", k);
		if (fz->fixup_path)
			msim_vf_json_string(stdout, fz->fixup_path);
		else
			printf("null");
		printf(", \"violations\": [");
		for (f = fz->found; f; f = f->hh.next) {
			struct msim_vf_case c;

			/* Run again for the details: runs are deterministic. */
			if (msim_vf_case_parse(f->text, &c, NULL, 0) ||
			    msim_vf_run(&fz->env, &c, NULL, NULL, &fz->r) ||
			    !fz->r.nr_violations)
				return -EIO;
			snprintf(replay, sizeof(replay), "%s '%s'",
				 fz->replay_prefix, f->text);
			printf("%s\n  ", f == fz->found ? "" : ",");
			msim_vf_json_violation(stdout, &fz->r, &fz->r.v[0],
					       replay);
		}
		printf("%s]}\n", fz->found ? "\n" : "");
		return 0;
	}
	printf("mmsim vdso-fuzz: %s mode, K=%d, fixup %s\n", mode, k,
	       fz->fixup_path ? fz->fixup_path : "(the seed's)");
	if (!strcmp(mode, "random"))
		printf("seed: %lu\n", seed);
	printf("cases run: %lu\n", fz->cases);
	printf("violating cases: %lu\n", fz->nr_found);
	if (!fz->nr_found)
		return 0;
	printf("\nBy kind and interrupted PC:\n");
	for (i = 0; i < fz->nr_groups; i++) {
		const struct group *g = &fz->groups[i];

		printf("  %-22s %-27s ", msim_vf_kind_name(g->kind),
		       msim_vf_fn_name(g->fn));
		if (g->has_pc)
			printf("pc 0x%08x", g->pc);
		else
			printf("pc -         ");
		printf(" %7lu case%s, e.g. %s\n", g->count,
		       g->count == 1 ? " " : "s", g->first->text);
	}
	for (i = 0; i < fz->nr_groups; i++) {
		struct msim_vf_case c;

		printf("\n[%zu/%zu] ", i + 1, fz->nr_groups);
		if (msim_vf_case_parse(fz->groups[i].first->text, &c, NULL,
				       0) ||
		    msim_vf_run(&fz->env, &c, NULL, NULL, &fz->r) ||
		    !fz->r.nr_violations)
			return -EIO;
		msim_vf_report_violation(stdout, &fz->env, &fz->r, &fz->r.v[0],
					 fz->replay_prefix);
	}
	return 0;
}

static int replay_one(struct fuzz *fz, const char *text)
{
	struct msim_vf_case c;
	char why[200];
	int i, ret;

	if (msim_vf_case_parse(text, &c, why, sizeof(why)))
		return usage_error("bad case '%s': %s", text, why);
	ret = one(fz, &c, NULL, NULL);
	if (ret)
		return ret;
	if (fz->json)
		return report(fz, "replay", 0, 0);
	printf("case %s: %d violation%s\n", text, fz->r.nr_violations,
	       fz->r.nr_violations == 1 ? "" : "s");
	if (!fz->r.nr_violations) {
		printf("  events:\n");
		msim_vf_report_events(stdout, &fz->env, &fz->r, "    ");
	}
	for (i = 0; i < fz->r.nr_violations; i++) {
		printf("\n");
		msim_vf_report_violation(stdout, &fz->env, &fz->r, &fz->r.v[i],
					 fz->replay_prefix);
	}
	return 0;
}

/* Appends @s to @buf quoted for a POSIX shell if it needs it. */
static void shell_word(char *buf, size_t size, const char *s)
{
	size_t len = strlen(buf);

	if (s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789_-./=:,+@")]) {
		snprintf(buf + len, size - len, " '");
		for (; *s && strlen(buf) + 5 < size; s++) {
			len = strlen(buf);
			if (*s == '\'')
				snprintf(buf + len, size - len, "'\\''");
			else
				snprintf(buf + len, size - len, "%c", *s);
		}
		len = strlen(buf);
		snprintf(buf + len, size - len, "'");
	} else {
		snprintf(buf + len, size - len, " %s", s);
	}
}

int vdso_fuzz_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "fixup", required_argument, NULL, 'f' },
		{ "mode", required_argument, NULL, 'm' },
		{ "seed", required_argument, NULL, 's' },
		{ "cases", required_argument, NULL, 'c' },
		{ "interrupts", required_argument, NULL, 'k' },
		{ "replay", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "progress", no_argument, NULL, 'p' },
		{ "fail-on-violation", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct fuzz *fz;
	const char *mode = "exhaustive", *replay = NULL;
	unsigned long seed = 0, cases = 0, k = MSIM_VF_DEFAULT_K;
	bool have_seed = false, have_cases = false, fail_on = false;
	void *obj = NULL;
	size_t obj_len = 0;
	char why[300];
	int c, ret;

	fz = calloc(1, sizeof(*fz));
	if (!fz) {
		fprintf(stderr, "mmsim vdso-fuzz: out of memory\n");
		return 1;
	}
	fz->progress = isatty(2);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fz->fixup_path = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "exhaustive") &&
			    strcmp(optarg, "random")) {
				ret = usage_error("unknown mode '%s' "
						  "(exhaustive or random)",
						  optarg);
				goto out;
			}
			mode = optarg;
			break;
		case 's':
			if (parse_ulong(optarg, UINT64_MAX, &seed)) {
				ret = usage_error("bad seed '%s'", optarg);
				goto out;
			}
			have_seed = true;
			break;
		case 'c':
			if (parse_ulong(optarg, ULONG_MAX, &cases) || !cases) {
				ret = usage_error("bad number of cases '%s'",
						  optarg);
				goto out;
			}
			have_cases = true;
			break;
		case 'k':
			if (parse_ulong(optarg, MSIM_VF_MAX_PLAN, &k)) {
				ret = usage_error("bad number of interrupts "
						  "'%s' (0 to %d)",
						  optarg, MSIM_VF_MAX_PLAN);
				goto out;
			}
			break;
		case 'r':
			replay = optarg;
			break;
		case 'j':
			fz->json = true;
			break;
		case 'p':
			fz->progress = true;
			break;
		case 'F':
			fail_on = true;
			break;
		case 'h':
			vdso_fuzz_help(stdout);
			ret = 0;
			goto out;
		case ':':
			ret = usage_error("option '%s' needs an argument",
					  argv[optind - 1]);
			goto out;
		default:
			if (optopt)
				ret = usage_error("unknown option '-%c'",
						  optopt);
			else
				ret = usage_error("unknown option '%s'",
						  argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc) {
		ret = usage_error("unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (have_seed && strcmp(mode, "random")) {
		ret = usage_error("--seed is for random mode");
		goto out;
	}
	if (fz->fixup_path) {
		ret = msim_vf_fixup_load(fz->fixup_path, &obj, &obj_len, why,
					 sizeof(why));
		if (ret) {
			fprintf(stderr, "%s: %s\n", fz->fixup_path, why);
			ret = SUBCMD_EXIT_USAGE;
			goto out;
		}
	}
	ret = msim_vf_env_create(&fz->env, obj, obj_len);
	if (ret) {
		if (fz->fixup_path && ret == -ENOEXEC)
			fprintf(stderr, "%s: the CPU cannot load it: %s\n",
				fz->fixup_path, msim_ucpu_last_error(NULL));
		else if (fz->fixup_path && ret == -EPROTO)
			fprintf(stderr,
				"%s: calls fail with it even without "
				"interrupts\n",
				fz->fixup_path);
		else
			fprintf(stderr,
				"mmsim vdso-fuzz: cannot set up the "
				"CPU: %s\n",
				strerror(-ret));
		ret = SUBCMD_EXIT_USAGE;
		goto out;
	}
	snprintf(fz->replay_prefix, sizeof(fz->replay_prefix),
		 "mmsim vdso-fuzz");
	if (fz->fixup_path) {
		strcat(fz->replay_prefix, " --fixup");
		shell_word(fz->replay_prefix, sizeof(fz->replay_prefix),
			   fz->fixup_path);
	}
	strcat(fz->replay_prefix, " --replay");

	if (replay) {
		fz->progress = false;
		ret = replay_one(fz, replay);
	} else if (!strcmp(mode, "random")) {
		uint64_t rng;
		unsigned long i;

		if (!have_seed)
			seed = (unsigned long)time(NULL) ^
			       (unsigned long)getpid() << 16;
		if (!have_cases)
			cases = MSIM_VF_DEFAULT_CASES;
		fprintf(stderr, "mmsim vdso-fuzz: seed %lu\n", seed);
		rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
		for (ret = 0, i = 0; !ret && i < cases; i++) {
			struct msim_vf_case plan;

			msim_vf_case_random(&rng, (int)k, MSIM_VF_RANDOM_DEPTH,
					    MSIM_VF_RANDOM_MAX_AT, &plan);
			ret = one(fz, &plan, NULL, NULL);
		}
		progress(fz, true);
		if (!ret)
			ret = report(fz, mode, seed, (int)k);
	} else {
		struct msim_vf_limits lim = { (int)k, (int)k, (int)k };
		struct msim_vf_explore *ex = malloc(sizeof(*ex));

		ret = ex ? 0 : -ENOMEM;
		if (ex)
			msim_vf_explore_init(ex);
		while (!ret) {
			ret = one(fz, NULL, ex, &lim);
			if (ret || ex->overflow)
				break;
			if ((have_cases && fz->cases >= cases) ||
			    !msim_vf_explore_next(ex))
				break;
		}
		if (!ret && ex->overflow)
			ret = -E2BIG;
		free(ex);
		progress(fz, true);
		if (!ret)
			ret = report(fz, mode, 0, (int)k);
	}
	if (ret < 0) {
		fprintf(stderr, "mmsim vdso-fuzz: run failed: %s\n",
			strerror(-ret));
		ret = 1;
	} else if (ret == 0 && fail_on && fz->nr_found) {
		ret = 1;
	}
out:
	if (fz->env.cpu)
		msim_vf_env_destroy(&fz->env);
	free_found(fz);
	free(obj);
	free(fz);
	return ret;
}
