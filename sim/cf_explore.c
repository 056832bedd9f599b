// SPDX-License-Identifier: MIT
/*
 * mmsim cf-explore: interrupt-injection experiments on a ColdFire program
 * of one's own: its threads sharing one mm, interrupts at every
 * instruction boundary (or at random), each doing nothing, preempting, or
 * acting on the mm under the next instruction.  The engine, campaigns and
 * reports are the library's (<mmsim/coldfire/cfx.h>); this file parses
 * the options and prints.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mmsim/err.h>
#include <mmsim/coldfire/cfx.h>
#include <mmsim/coldfire/exec.h>
#include <mmsim/coldfire/fixup.h>
#include <mmsim/coldfire/vdso_report.h>

#include "subcmd.h"
#include "trace_out.h"

#define usage_error(...) subcmd_usage("cf-explore", __VA_ARGS__)

#define CFX_DEFAULT_THREADS 2
#define CFX_DEFAULT_K 1
#define CFX_DEFAULT_RANDOM_CASES 1000

/* clang-format off */
static const char help_text[] =
	"usage: mmsim cf-explore PROG [--threads N] [--entry SYM] [--check SYM]\n"
	"                        [--fixup F] [--interrupts K]\n"
	"                        [--mode exhaustive|random] [--seed N] [--cases N]\n"
	"                        [--jobs N] [--shard I/N] [--json]\n"
	"                        [--replay STRING] [--trace FILE] [--html FILE]\n"
	"                        [--timeline]\n"
	"\n"
	"Run a ColdFire program as N threads sharing one simulated mm, each\n"
	"calling SYM(id) (default thread_main), then check() (default symbol\n"
	"check) on one thread: a non-zero return is a violation, and so is a\n"
	"fault, an illegal instruction, a thread that never finishes, a failing\n"
	"entry fixup, or an exit_group() with a status other than 0.  Interrupts\n"
	"arrive at instruction boundaries of the threads; each goes through the\n"
	"kernel entry and the fixup, then does nothing, switches to another\n"
	"runnable thread, or reclaims, migrates or mprotects (to PROT_NONE and\n"
	"back) the page the next instruction touches, so that it takes a TLB miss\n"
	"and the access-error entry runs the fixup too.  System calls (trap #0):\n"
	"exit, exit_group, write (captured per thread), brk, mmap2, munmap,\n"
	"mprotect, madvise, sched_yield (the next runnable thread runs), gettid,\n"
	"set_thread_area, get_thread_area; any other returns -ENOSYS and is\n"
	"counted.\n"
	"\n"
	"PROG is a static ColdFire ELF executable, or a C source (.c) compiled\n"
	"with m68k-linux-gnu-gcc, mmsim's start file and <cfrt.h> (README.md,\n"
	"Your own ColdFire programs).\n"
	"\n"
	"Options:\n"
	"  --threads N         threads (default 2, at most 8)\n"
	"  --entry SYM         the threads' function (default thread_main)\n"
	"  --check SYM         the check (default check)\n"
	"  --fixup F           the entry fixup, as mmsim vdso-fuzz --fixup takes\n"
	"                      it (default: the seed's)\n"
	"  --interrupts K      exhaustive: at most K interrupts in all (default 1);\n"
	"                      random: K per case\n"
	"  --mode MODE         exhaustive (the default): every case, every\n"
	"                      boundary, every effect; random: --cases random\n"
	"                      cases\n"
	"  --seed N            random mode's seed (default: from the clock;\n"
	"                      printed)\n"
	"  --cases N           random: cases to run (default 1000); exhaustive:\n"
	"                      stop after N (each job and shard on its own)\n"
	"  --jobs N            run on N cores (the results do not depend on it)\n"
	"  --shard I/N         run part I of N of the case space, split\n"
	"                      deterministically: the parts add up to the whole\n"
	"  --json              print one JSON object instead of the report (its\n"
	"                      fields: README.md, cf-explore JSON)\n"
	"  --replay STRING     run one case and report it in full\n";

/* After the record's options. */
static const char help_tail[] =
	"  -h, --help          show this help\n"
	"\n"
	"With --trace, --html or --timeline, the case replayed, or in a campaign\n"
	"each group's simplest case, is run once more and recorded (its threads\n"
	"T0, T1, ... and check, the CPU's kernel entries, interrupts and fixup\n"
	"rewinds, the mm underneath, the system calls and actions as marks): the\n"
	"timeline after its report, the files named under it (FILE itself for\n"
	"one, FILE with -1, -2, ... before its extension for several groups);\n"
	"with --json, in the object's \"trace\", \"html\" and \"timeline\"\n"
	"(--replay) or each group's.\n"
	"\n"
	"A case is what reports print, e.g. T0@14=s1/T1@3=r: thread 0 is\n"
	"interrupted before its instruction 14 (counted from 0 at its entry) and\n"
	"thread 1 runs; thread 1 is interrupted before its instruction 3 and the\n"
	"page its next instruction touches is reclaimed.  An effect is '-'\n"
	"(nothing), sN (switch to thread N), r (reclaim), m (migrate) or p\n"
	"(mprotect round trip); '-' alone is the case without interrupts.\n"
	"\n"
	"Exit status: 0 when the run completed (violations are findings, and are\n"
	"reported), 1 when an environment failed, 2 for a usage error or a\n"
	"program or fixup that cannot be loaded.\n";
/* clang-format on */

void cf_explore_help(FILE *out)
{
	fputs(help_text, out);
	scn_trace_help(out, 22);
	fputs(help_tail, out);
}

struct opts {
	struct scn_trace_opts trace;
	const char *prog, *entry, *check, *fixup, *mode, *replay;
	unsigned long threads, k, seed, cases, jobs, shard, shards;
	bool have_seed, have_cases, json;
};

/* A run recorded: the files written ("" if not), the timeline. */
struct rec {
	char json[4096], html[4096];
	char *timeline;
};

struct explore {
	struct opts o;
	struct msim_cfx_env *env;
	struct msim_cfx_campaign c;
	struct msim_cfx_result r;
	char prefix[8192];
	uint64_t seed;
	struct rec *recs; /* --replay's, or one per group */
};

/* The command line that replays a case, up to the case. */
static void replay_prefix(struct explore *x)
{
	const struct opts *o = &x->o;
	char n[32];

	snprintf(x->prefix, sizeof(x->prefix), "mmsim cf-explore");
	subcmd_shell_word(x->prefix, sizeof(x->prefix), o->prog);
	snprintf(n, sizeof(n), " --threads %lu", o->threads);
	strncat(x->prefix, n, sizeof(x->prefix) - strlen(x->prefix) - 1);
	if (o->entry) {
		strncat(x->prefix, " --entry",
			sizeof(x->prefix) - strlen(x->prefix) - 1);
		subcmd_shell_word(x->prefix, sizeof(x->prefix), o->entry);
	}
	if (o->check) {
		strncat(x->prefix, " --check",
			sizeof(x->prefix) - strlen(x->prefix) - 1);
		subcmd_shell_word(x->prefix, sizeof(x->prefix), o->check);
	}
	if (o->fixup) {
		strncat(x->prefix, " --fixup",
			sizeof(x->prefix) - strlen(x->prefix) - 1);
		subcmd_shell_word(x->prefix, sizeof(x->prefix), o->fixup);
	}
	strncat(x->prefix, " --replay",
		sizeof(x->prefix) - strlen(x->prefix) - 1);
}

static int parse_one(struct opts *o, int c, char **argv)
{
	char *slash, err[128];

	switch (scn_trace_option(&o->trace, c, optarg, err, sizeof(err))) {
	case 1:
		return -1;
	case -1:
		return usage_error("%s", err);
	}
	switch (c) {
	case 't':
		if (subcmd_parse_ulong(optarg, MSIM_CFX_MAX_THREADS,
				       &o->threads) ||
		    !o->threads)
			return usage_error("bad number of threads '%s' (1 to "
					   "%d)",
					   optarg, MSIM_CFX_MAX_THREADS);
		return -1;
	case 'e':
		o->entry = optarg;
		return -1;
	case 'C':
		o->check = optarg;
		return -1;
	case 'f':
		o->fixup = optarg;
		return -1;
	case 'k':
		if (subcmd_parse_ulong(optarg, MSIM_CFX_MAX_IRQS, &o->k))
			return usage_error("bad number of interrupts '%s' (0 "
					   "to %d)",
					   optarg, MSIM_CFX_MAX_IRQS);
		return -1;
	case 'm':
		if (strcmp(optarg, "exhaustive") && strcmp(optarg, "random"))
			return usage_error("unknown mode '%s' (exhaustive or "
					   "random)",
					   optarg);
		o->mode = optarg;
		return -1;
	case 's':
		if (subcmd_parse_ulong(optarg, UINT64_MAX, &o->seed))
			return usage_error("bad seed '%s'", optarg);
		o->have_seed = true;
		return -1;
	case 'c':
		if (subcmd_parse_ulong(optarg, ULONG_MAX, &o->cases) ||
		    !o->cases)
			return usage_error("bad number of cases '%s'", optarg);
		o->have_cases = true;
		return -1;
	case 'j':
		if (subcmd_parse_ulong(optarg, 64, &o->jobs) || !o->jobs)
			return usage_error("bad number of jobs '%s' (1 to 64)",
					   optarg);
		return -1;
	case 'S':
		slash = strchr(optarg, '/');
		if (!slash)
			return usage_error("bad shard '%s' (I/N)", optarg);
		*slash = '\0';
		if (subcmd_parse_ulong(optarg, 1UL << 20, &o->shard) ||
		    subcmd_parse_ulong(slash + 1, 1UL << 20, &o->shards) ||
		    !o->shards || o->shard >= o->shards) {
			*slash = '/';
			return usage_error("bad shard '%s' (I/N, I below N)",
					   optarg);
		}
		*slash = '/';
		return -1;
	case 'J':
		o->json = true;
		return -1;
	case 'r':
		o->replay = optarg;
		return -1;
	case 'h':
		cf_explore_help(stdout);
		return 0;
	default:
		return subcmd_bad_option("cf-explore", c, argv);
	}
}

static int parse_options(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "threads", required_argument, NULL, 't' },
		{ "entry", required_argument, NULL, 'e' },
		{ "check", required_argument, NULL, 'C' },
		{ "fixup", required_argument, NULL, 'f' },
		{ "interrupts", required_argument, NULL, 'k' },
		{ "mode", required_argument, NULL, 'm' },
		{ "seed", required_argument, NULL, 's' },
		{ "cases", required_argument, NULL, 'c' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "shard", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'J' },
		{ "replay", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		SCN_TRACE_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	int c, ret;

	memset(o, 0, sizeof(*o));
	o->mode = "exhaustive";
	o->threads = CFX_DEFAULT_THREADS;
	o->k = CFX_DEFAULT_K;
	o->jobs = 1;
	o->shards = 1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		ret = parse_one(o, c, argv);
		if (ret >= 0)
			return ret;
	}
	if (optind == argc)
		return usage_error(
			"no program: give a ColdFire executable or a "
			"C source");
	o->prog = argv[optind++];
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o->have_seed && strcmp(o->mode, "random"))
		return usage_error("--seed is for random mode");
	if (o->replay && (o->shards > 1 || o->jobs > 1))
		return usage_error("--replay runs one case: no --jobs or "
				   "--shard");
	return -1;
}

/* Where cfrt/ is: $MMSIM_CFRT_DIR, next to an installed mmsim, or here. */
static const char *cfrt_dir(char *buf, size_t size)
{
	const char *env = getenv("MMSIM_CFRT_DIR");
	char exe[2048], path[4400];
	struct stat st;
	ssize_t n;
	char *slash;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
#ifdef MMSIM_CFRT_INSTALL_DIR
			snprintf(buf, size, "%s/../%s", exe,
				 MMSIM_CFRT_INSTALL_DIR);
			snprintf(path, sizeof(path), "%s/cfrt.h", buf);
			if (!stat(path, &st))
				return buf;
#endif
		}
	}
#ifdef MMSIM_CFRT_SOURCE_DIR
	return MMSIM_CFRT_SOURCE_DIR;
#else
	return NULL;
#endif
}

/* The program and the fixup into an environment; else the exit status. */
static int env_setup(struct explore *x)
{
	const struct opts *o = &x->o;
	struct msim_cfx_opts eo = {
		.threads = (int)o->threads,
		.entry = o->entry,
		.check = o->check,
		.name = o->prog,
	};
	char why[600], dir[4200];
	void *elf = NULL, *fixup = NULL;
	size_t len = 0, flen = 0;
	int ret;

	if (o->fixup) {
		if (msim_vf_fixup_load(o->fixup, &fixup, &flen, why,
				       sizeof(why))) {
			fprintf(stderr, "%s: %s\n", o->fixup, why);
			return SUBCMD_EXIT_USAGE;
		}
		eo.fixup = fixup;
		eo.fixup_len = flen;
	}
	ret = msim_cf_program_load(o->prog, cfrt_dir(dir, sizeof(dir)), &elf,
				   &len, why, sizeof(why));
	if (ret) {
		fprintf(stderr, "%s: %s\n", o->prog, why);
		free(fixup);
		return SUBCMD_EXIT_USAGE;
	}
	x->env = msim_cfx_env_create(elf, len, &eo, why, sizeof(why));
	free(elf);
	free(fixup);
	if (IS_ERR(x->env)) {
		ret = (int)PTR_ERR(x->env);
		x->env = NULL;
		fprintf(stderr, "%s: %s\n", o->prog, why);
		return ret == -ENOMEM ? 1 : SUBCMD_EXIT_USAGE;
	}
	replay_prefix(x);
	return -1;
}

static void progress(void *arg, unsigned long cases, unsigned long violating)
{
	static uint64_t next;
	struct timespec ts;
	uint64_t now;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	if (cases && now < next)
		return;
	next = now + 250;
	fprintf(stderr, "\rmmsim cf-explore: %lu cases, %lu violating", cases,
		violating);
}

static void print_checked(struct explore *x)
{
	const struct opts *o = &x->o;
	const struct msim_cfx_campaign *c = &x->c;
	char fixup[4200], shard[64] = "", text[9000];

	if (o->fixup)
		snprintf(fixup, sizeof(fixup), "the entry fixup %s", o->fixup);
	else
		snprintf(fixup, sizeof(fixup), "the seed's entry fixup");
	if (o->shards > 1)
		snprintf(shard, sizeof(shard), " (part %lu of %lu)", o->shard,
			 o->shards);
	if (!strcmp(o->mode, "random"))
		snprintf(text, sizeof(text),
			 "mmsim cf-explore checked %s: %lu threads calling "
			 "%s(id), then %s(), on the seed's vDSO against %s, in "
			 "%lu random cases from seed %llu of %lu interrupt%s "
			 "each at random instruction boundaries, each doing "
			 "nothing, switching to another runnable thread, or "
			 "reclaiming, migrating or mprotecting the page the "
			 "next instruction touches%s.",
			 o->prog, o->threads,
			 o->entry ? o->entry : "thread_main",
			 o->check ? o->check : "check", fixup, c->cases,
			 (unsigned long long)x->seed, o->k,
			 o->k == 1 ? "" : "s", shard);
	else
		snprintf(text, sizeof(text),
			 "mmsim cf-explore checked %s: %lu threads calling "
			 "%s(id), then %s(), on the seed's vDSO against %s, in "
			 "every case of at most %lu interrupt%s in all, at "
			 "every instruction boundary of every thread, each "
			 "doing nothing, switching to another runnable thread, "
			 "or reclaiming, migrating or mprotecting the page the "
			 "next instruction touches: %lu cases%s.",
			 o->prog, o->threads,
			 o->entry ? o->entry : "thread_main",
			 o->check ? o->check : "check", fixup, o->k,
			 o->k == 1 ? "" : "s", c->cases, shard);
	subcmd_fill(stdout, text, "");
}

static void print_enosys(FILE *out, const struct msim_cfx_campaign *c)
{
	unsigned long counted = 0;
	int i;

	if (!c->nr_enosys)
		return;
	fprintf(out, "system calls answered ENOSYS: %lu;", c->nr_enosys);
	for (i = 0; i < MSIM_CFX_NR_SYSCALLS; i++)
		if (c->enosys[i]) {
			fprintf(out, "%s number %d (x%lu)", counted ? "," : "",
				i, c->enosys[i]);
			counted += c->enosys[i];
		}
	if (c->nr_enosys > counted)
		fprintf(out, "%s %lu of numbers beyond %d",
			counted ? ", and" : "", c->nr_enosys - counted,
			MSIM_CFX_NR_SYSCALLS - 1);
	fputc('\n', out);
}

/*
 * Case @c run into x->r; recorded into @rec when the options ask for it,
 * as record @index (0: the files as named, n: the n-th of several).  The
 * timeline is kept in @rec for after the report.
 */
static int run_recorded(struct explore *x, const struct msim_cfx_case *c,
			unsigned int index, struct rec *rec)
{
	char text[MSIM_CFX_CASE_TEXT_MAX], title[MSIM_CFX_CASE_TEXT_MAX + 96];
	struct msim_trace *t;
	size_t size = 0;
	FILE *tl = NULL;
	int ret;

	msim_cfx_case_format(c, text, sizeof(text));
	snprintf(title, sizeof(title), "mmsim cf-explore %s --replay '%s'",
		 x->o.prog, text);
	t = rec ? scn_trace_start(&x->o.trace, title) : NULL;
	ret = msim_cfx_run(x->env, c, &x->r);
	if (!t)
		return ret;
	if (ret) {
		msim_trace_destroy(t);
		return ret;
	}
	msim_trace_stop(t);
	if (x->o.trace.timeline)
		tl = open_memstream(&rec->timeline, &size);
	ret = scn_trace_finish(t, &x->o.trace, index, tl ? tl : stdout,
			       rec->json, rec->html, sizeof(rec->json));
	if (tl)
		fclose(tl);
	return ret ? -EIO : 0;
}

/* What a record wrote, under the report of its run. */
static void print_rec(const struct rec *rec)
{
	if (!rec)
		return;
	if (rec->json[0])
		printf("\ntrace: %s\n", rec->json);
	if (rec->html[0])
		printf("%shtml: %s\n", rec->json[0] ? "" : "\n", rec->html);
	if (rec->timeline)
		printf("\n%s", rec->timeline);
}

/* ... and in a JSON object. */
static void json_rec(FILE *out, const struct rec *rec)
{
	if (!rec)
		return;
	if (rec->json[0]) {
		fprintf(out, ", \"trace\": ");
		msim_vf_json_string(out, rec->json);
	}
	if (rec->html[0]) {
		fprintf(out, ", \"html\": ");
		msim_vf_json_string(out, rec->html);
	}
	if (rec->timeline) {
		fprintf(out, ", \"timeline\": ");
		msim_vf_json_string(out, rec->timeline);
	}
}

/*
 * With the record's options, a record for each group's simplest case
 * (x->recs, one per group), made before the reports so that their reruns
 * are not recorded.
 */
static int record_groups(struct explore *x)
{
	const struct msim_cfx_campaign *c = &x->c;
	size_t i;
	int ret;

	if (!scn_trace_wanted(&x->o.trace) || !c->nr_groups)
		return 0;
	x->recs = calloc(c->nr_groups, sizeof(*x->recs));
	if (!x->recs)
		return -ENOMEM;
	for (i = 0; i < c->nr_groups; i++) {
		ret = run_recorded(x, &c->group[i].kept[0],
				   c->nr_groups > 1 ? (unsigned int)i + 1 : 0,
				   &x->recs[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int report_text(struct explore *x)
{
	const struct msim_cfx_campaign *c = &x->c;
	char text[9000], s[160], ex[MSIM_CFX_CASE_TEXT_MAX];
	size_t i;
	int ret;

	print_checked(x);
	snprintf(text, sizeof(text), "Verdict: ");
	msim_cfx_campaign_verdict(x->env, c, text + strlen(text),
				  sizeof(text) - strlen(text));
	strcat(text, ".");
	subcmd_fill(stdout, text, "  ");
	printf("cases run: %lu\n", c->cases);
	printf("violating cases: %lu\n", c->violating);
	if (c->undelivered)
		printf("interrupts not delivered: %lu (a thread ended "
		       "first)\n",
		       c->undelivered);
	print_enosys(stdout, c);
	if (!c->nr_groups)
		return 0;
	printf("\nBy kind and interrupted PC, each with its simplest case:\n");
	for (i = 0; i < c->nr_groups; i++) {
		const struct msim_cfx_group *g = &c->group[i];

		if (g->has_pc)
			msim_cfx_env_symbolize(x->env, g->pc, s, sizeof(s));
		else
			snprintf(s, sizeof(s), "-");
		msim_cfx_case_format(&g->kept[0], ex, sizeof(ex));
		printf("  %-13s %-44s %6lu case%s e.g. %s\n",
		       msim_cfx_kind_name(g->kind), s, g->count,
		       g->count == 1 ? ", " : "s,", ex);
	}
	ret = record_groups(x);
	if (ret)
		return ret;
	for (i = 0; i < c->nr_groups; i++) {
		printf("\n[%zu/%zu] ", i + 1, c->nr_groups);
		ret = msim_cfx_run(x->env, &c->group[i].kept[0], &x->r);
		if (ret)
			return ret;
		msim_cfx_report_result(stdout, x->env, &x->r, x->prefix);
		print_rec(x->recs ? &x->recs[i] : NULL);
	}
	return 0;
}

/* The JSON object into @out; whole, or an error. */
static int json_object(FILE *out, struct explore *x, const char *mode)
{
	const struct opts *o = &x->o;
	const struct msim_cfx_campaign *c = &x->c;
	char verdict[9000], s[160], ex[MSIM_CFX_CASE_TEXT_MAX];
	size_t i;
	int j, first = 1, ret;

	fprintf(out, "{\"cases\": %lu, \"mode\": \"%s\"", c->cases, mode);
	if (!strcmp(mode, "random"))
		fprintf(out, ", \"seed\": %llu", (unsigned long long)x->seed);
	fprintf(out, ", \"interrupts\": %lu, \"threads\": %lu, \"program\": ",
		!strcmp(mode, "replay") ? (unsigned long)x->r.ran.nr_irqs
					: o->k,
		o->threads);
	msim_vf_json_string(out, o->prog);
	fprintf(out, ", \"entry\": ");
	msim_vf_json_string(out, o->entry ? o->entry : "thread_main");
	fprintf(out, ", \"check\": ");
	msim_vf_json_string(out, o->check ? o->check : "check");
	fprintf(out, ", \"fixup\": ");
	if (o->fixup)
		msim_vf_json_string(out, o->fixup);
	else
		fprintf(out, "null");
	if (o->shards > 1)
		fprintf(out, ", \"shard\": \"%lu/%lu\"", o->shard, o->shards);
	else
		fprintf(out, ", \"shard\": null");
	msim_cfx_campaign_verdict(x->env, c, verdict, sizeof(verdict));
	fprintf(out,
		", \"violating\": %lu, \"undelivered\": %lu, \"verdict\": ",
		c->violating, c->undelivered);
	msim_vf_json_string(out, verdict);
	fprintf(out, ", \"enosys\": [");
	for (j = 0; j < MSIM_CFX_NR_SYSCALLS; j++)
		if (c->enosys[j]) {
			fprintf(out, "%s{\"nr\": %d, \"count\": %lu}",
				first ? "" : ", ", j, c->enosys[j]);
			first = 0;
		}
	fprintf(out, "], \"enosys_calls\": %lu, \"groups\": [", c->nr_enosys);
	for (i = 0; i < c->nr_groups; i++) {
		const struct msim_cfx_group *g = &c->group[i];

		fprintf(out, "%s{", i ? ", " : "");
		if (g->has_pc) {
			msim_cfx_env_symbolize(x->env, g->pc, s, sizeof(s));
			fprintf(out,
				"\"pc\": \"0x%08x\", \"pc_value\": %u, "
				"\"symbol\": ",
				g->pc, g->pc);
			msim_vf_json_string(out, s);
		} else {
			fprintf(out, "\"pc\": null, \"pc_value\": null, "
				     "\"symbol\": null");
		}
		msim_cfx_case_format(&g->kept[0], ex, sizeof(ex));
		fprintf(out,
			", \"kind\": \"%s\", \"cases\": %lu, \"example\": ",
			msim_cfx_kind_name(g->kind), g->count);
		msim_vf_json_string(out, ex);
		fprintf(out, ", \"example_interrupts\": %d, \"kept\": %d",
			g->kept[0].nr_irqs, g->nr_kept);
		if (strcmp(mode, "replay"))
			json_rec(out, x->recs ? &x->recs[i] : NULL);
		fputc('}', out);
	}
	fputc(']', out);
	if (!strcmp(mode, "replay")) {
		/* The case replayed, violating or not, with its events. */
		fprintf(out, ", \"run\": ");
		msim_cfx_json_result(out, x->env, &x->r, x->prefix);
		json_rec(out, x->recs);
	}
	fprintf(out, ", \"violations\": [");
	first = 1;
	for (i = 0; i < c->nr_groups; i++)
		for (j = 0; j < c->group[i].nr_kept; j++) {
			ret = msim_cfx_run(x->env, &c->group[i].kept[j], &x->r);
			if (ret)
				return ret;
			fprintf(out, "%s\n  ", first ? "" : ",");
			msim_cfx_json_result(out, x->env, &x->r, x->prefix);
			first = 0;
		}
	fprintf(out, "%s]}\n", first ? "" : "\n");
	return 0;
}

static int report_json(struct explore *x, const char *mode)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int ret;

	if (!mem)
		return -ENOMEM;
	ret = json_object(mem, x, mode);
	if (fclose(mem) && !ret)
		ret = -ENOMEM;
	if (!ret)
		fwrite(text, 1, len, stdout);
	free(text);
	return ret;
}

static int replay(struct explore *x)
{
	struct msim_cfx_case c;
	char why[200], text[MSIM_CFX_CASE_TEXT_MAX];
	int ret;

	if (msim_cfx_case_parse(x->o.replay, &c, why, sizeof(why)))
		return usage_error("bad case '%s': %s", x->o.replay, why);
	if (scn_trace_wanted(&x->o.trace)) {
		x->recs = calloc(1, sizeof(*x->recs));
		if (!x->recs)
			return -ENOMEM;
	}
	ret = run_recorded(x, &c, 0, x->recs);
	if (ret)
		return ret;
	ret = msim_cfx_campaign_record(&x->c, &x->r);
	if (ret)
		return ret;
	x->c.undelivered = (unsigned long)x->r.nr_undelivered;
	if (x->o.json)
		return report_json(x, "replay");
	msim_cfx_case_format(&x->r.ran, text, sizeof(text));
	printf("case %s: %d interrupt%s delivered", x->o.replay,
	       x->r.ran.nr_irqs, x->r.ran.nr_irqs == 1 ? "" : "s");
	if (x->r.nr_undelivered)
		printf(", %d not (the case as it ran: %s)", x->r.nr_undelivered,
		       text);
	printf(", %s\n\n", x->r.violated ? "1 violation" : "0 violations");
	if (x->r.nr_undelivered)
		fprintf(stderr,
			"mmsim cf-explore: warning: %d interrupt%s of the "
			"case %s never delivered: the case as it ran is %s\n",
			x->r.nr_undelivered,
			x->r.nr_undelivered == 1 ? "" : "s",
			x->r.nr_undelivered == 1 ? "was" : "were", text);
	msim_cfx_report_result(stdout, x->env, &x->r, x->prefix);
	print_rec(x->recs);
	return 0;
}

static int campaign(struct explore *x)
{
	const struct opts *o = &x->o;
	bool random = !strcmp(o->mode, "random");
	struct msim_cfx_campaign_opts co = {
		.mode = random ? MSIM_CFX_MODE_RANDOM
			       : MSIM_CFX_MODE_EXHAUSTIVE,
		.interrupts = (int)o->k,
		.shard = (unsigned int)o->shard,
		.shards = (unsigned int)o->shards,
		.jobs = (unsigned int)o->jobs,
		.progress = isatty(2) ? progress : NULL,
		.arg = x,
	};
	int ret;

	if (random) {
		x->seed = o->have_seed ? o->seed
				       : (uint64_t)time(NULL) ^
						 (uint64_t)getpid() << 16;
		co.seed = x->seed;
		co.cases = o->have_cases ? o->cases : CFX_DEFAULT_RANDOM_CASES;
		fprintf(stderr, "mmsim cf-explore: seed %llu\n",
			(unsigned long long)x->seed);
	} else {
		co.cases = o->have_cases ? o->cases : 0;
	}
	ret = msim_cfx_campaign_run(x->env, &co, &x->c);
	if (co.progress)
		fputc('\n', stderr);
	if (ret)
		return ret;
	if (o->json) {
		ret = record_groups(x);
		return ret ? ret : report_json(x, o->mode);
	}
	return report_text(x);
}

int cf_explore_main(int argc, char **argv)
{
	struct explore *x = calloc(1, sizeof(*x));
	int ret;

	if (!x) {
		fprintf(stderr, "mmsim cf-explore: out of memory\n");
		return 1;
	}
	ret = parse_options(argc, argv, &x->o);
	if (ret < 0)
		ret = env_setup(x);
	if (ret < 0)
		ret = x->o.replay ? replay(x) : campaign(x);
	if (ret < 0) {
		fprintf(stderr, "mmsim cf-explore: run failed: %s\n",
			strerror(-ret));
		ret = 1;
	}
	if (x->recs) {
		size_t i, n = x->o.replay ? 1 : x->c.nr_groups;

		for (i = 0; i < n; i++)
			free(x->recs[i].timeline);
		free(x->recs);
	}
	msim_cfx_campaign_free(&x->c);
	msim_cfx_env_destroy(x->env);
	free(x);
	return ret;
}
