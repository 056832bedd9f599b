// SPDX-License-Identifier: MIT
/*
 * mmsim vdso-fuzz: interrupt-injection fuzzing of the ColdFire vDSO's
 * __kernel_atomic_cmpxchg_32 and __kernel_read_tp against an entry fixup,
 * exhaustively over small cases or at random over larger ones.  The
 * campaigns, the shrinking and the reports' pieces are the library's
 * (<mmsim/coldfire/campaign.h>, <mmsim/coldfire/vdso_report.h>); this
 * file parses the options and prints.
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

#include <mmsim/coldfire/campaign.h>
#include <mmsim/coldfire/fixup.h>
#include "subcmd.h"
#include <mmsim/coldfire/vdso_report.h>
#include <mmsim/coldfire/vdso_run.h>
#include "trace_out.h"

#define usage_error(...) subcmd_usage("vdso-fuzz", __VA_ARGS__)

#define MSIM_VF_DEFAULT_CASES 10000
#define MSIM_VF_DEFAULT_K 2

/* clang-format off */
static const char help_text[] =
	"usage: mmsim vdso-fuzz [--fixup FILE] [--mode exhaustive|random]\n"
	"                       [--seed N] [--cases N] [--interrupts K]\n"
	"                       [--no-shrink] [--json] [--progress]\n"
	"                       [--fail-on-violation] [--jobs N] [--shard I/N]\n"
	"       mmsim vdso-fuzz [--fixup FILE] [--json] --replay CASE\n"
	"                       [--trace FILE] [--html FILE] [--timeline]\n"
	"\n"
	"Run the ColdFire vDSO's __kernel_atomic_cmpxchg_32 and\n"
	"__kernel_read_tp on an emulated ColdFire CPU, interrupting them at\n"
	"instruction boundaries.  Each interrupt goes through the entry fixup\n"
	"check_vdso_atomic_cmpxchg_32, which may rewind the PC, and then does\n"
	"nothing, stores to the word, or runs another thread's call (itself\n"
	"interruptible).  Every cmpxchg must be linearizable with the stores and\n"
	"calls that ran meanwhile (final word included) and preserve every\n"
	"register but d0 and the condition codes; read_tp must return the\n"
	"caller's own thread pointer in a0 and d0.\n"
	"\n"
	"Options:\n"
	"  --fixup FILE        the entry fixup: m68k assembly (.S or .s, run\n"
	"                      through cpp with PT_OFF_* defined, then\n"
	"                      m68k-linux-gnu-as -mcpu=5475) or an object (.o);\n"
	"                      it must define a global\n"
	"                      check_vdso_atomic_cmpxchg_32 (default: the seed's);\n"
	"                      a regular file; cpp and the assembler get 10 s,\n"
	"                      1 GiB of memory and 16 MiB of output each, and\n"
	"                      work in a directory under $TMPDIR (or /tmp) that\n"
	"                      goes on every way out, SIGINT and SIGTERM included\n"
	"  --mode MODE         exhaustive (the default): every case of at most\n"
	"                      K interrupts in all, at every boundary, with every\n"
	"                      effect and every pattern of equal values;\n"
	"                      random: up to K interrupts per call, calls nested\n"
	"                      up to 3 deep, random values, each violating case\n"
	"                      shrunk to the smallest that still fails\n"
	"  --seed N            seed of random mode (default: from the clock;\n"
	"                      printed)\n"
	"  --cases N           cases to run in random mode (default 10000);\n"
	"                      in exhaustive mode, stop after N\n"
	"  --interrupts K      K as above (default 2, at most 8)\n"
	"  --no-shrink         random mode: record violating cases as found\n"
	"  --jobs N            run on N cores (the results do not depend on it,\n"
	"                      but for --cases in exhaustive mode, which each\n"
	"                      job counts on its own)\n"
	"  --shard I/N         run part I of N of the cases, split\n"
	"                      deterministically: the N parts' counts and groups\n"
	"                      add up to the whole run's\n"
	"  --replay CASE       run one case and report it in full, with the\n"
	"                      number of interrupts it delivered; with the\n"
	"                      options below, record it and show the record\n"
	"  --trace FILE        --replay: the record as Chrome Trace Event JSON\n"
	"                      (ui.perfetto.dev, chrome://tracing)\n"
	"  --html FILE         --replay: ... as a self-contained web page\n"
	"  --timeline          --replay: ... as a timeline after the report, a\n"
	"                      column a thread\n"
	"  --all-events        the timeline and the page show every event\n"
	"  --trace-events N    the record keeps the last N events (default\n"
	"                      262144)\n"
	"  --json              print one JSON object instead of the report (its\n"
	"                      fields: README.md, The vDSO fuzzer)\n"
	"  --progress          show progress on standard error (the default\n"
	"                      when it is a terminal)\n"
	"  --fail-on-violation exit 1 when a violation is found\n"
	"  -h, --help          show this help\n"
	"\n"
	"The report opens with what was checked and a verdict: how many windows\n"
	"are open (interrupted PCs after which a cmpxchg is not atomic), and\n"
	"where.  Then each group of violating cases, by kind and interrupted PC,\n"
	"with its simplest case in full; a non-linearizable one shows what it\n"
	"returned and left beside the outcomes that would have been\n"
	"linearizable.\n"
	"\n"
	"CASE is what reports print, e.g. w1:x1,2[1=s3/2=x3,1]: the word starts at\n"
	"1; cmpxchg(expected 1, new 2) is interrupted before its instruction 1\n"
	"by a store of 3 and before its instruction 2 by another thread's\n"
	"cmpxchg(3, 1).  An effect is '-' (nothing), sHEX (store) or a call:\n"
	"xHEX,HEX (cmpxchg) or t (read_tp), each with an optional [plan].\n"
	"\n"
	"Exit status: 0 when the run completed (violations are findings, and\n"
	"are reported), 1 with --fail-on-violation when there was one, 2 for a\n"
	"usage error or a bad fixup or case.\n";
/* clang-format on */

void vdso_fuzz_help(FILE *out)
{
	fputs(help_text, out);
}

/* The command line. */
struct opts {
	struct scn_trace_opts trace;
	const char *fixup_path, *mode, *replay;
	unsigned long seed, cases, k, jobs, shard, shards;
	bool have_seed, have_cases, json, progress, fail_on, no_shrink;
};

struct fuzz {
	struct opts o;
	struct msim_vf_env env;
	struct msim_vf_result r;
	struct msim_vf_campaign c;
	char replay_prefix[4200];
	/* --replay's record: the files written, the timeline */
	char json_name[4096], html_name[4096];
	char *timeline;
};

/*
 * The views of the replay's record @t (which this frees): the files now,
 * the timeline kept for after the report, so that the reports' reruns
 * are not recorded.
 */
static int trace_views(struct fuzz *fz, struct msim_trace *t)
{
	size_t size = 0;
	FILE *tl = NULL;
	int ret;

	msim_trace_stop(t);
	if (fz->o.trace.timeline)
		tl = open_memstream(&fz->timeline, &size);
	ret = scn_trace_finish(t, &fz->o.trace, 0, tl ? tl : stdout,
			       fz->json_name, fz->html_name,
			       sizeof(fz->json_name));
	if (tl)
		fclose(tl);
	return ret ? -EIO : 0;
}

/*
 * Progress on standard error, four times a second at most; the campaign
 * passes its @arg, and the last call, with NULL, ends the line.
 */
static void progress(void *arg, unsigned long cases, unsigned long violating)
{
	static uint64_t next;
	struct timespec ts;
	uint64_t now;
	bool last = !arg;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	if (!last && now < next)
		return;
	next = now + 250;
	fprintf(stderr, "\rmmsim vdso-fuzz: %lu cases, %lu violating%s", cases,
		violating, last ? "\n" : "");
}

/* What was checked, against which fixup, in one sentence. */
static void print_checked(const struct fuzz *fz)
{
	const struct msim_vf_campaign *c = &fz->c;
	char fixup[4200], text[6000];
	int k = c->interrupts;

	if (fz->o.fixup_path)
		snprintf(fixup, sizeof(fixup), "the entry fixup %s",
			 fz->o.fixup_path);
	else
		snprintf(fixup, sizeof(fixup), "the seed's entry fixup");
	if (c->mode == MSIM_VF_MODE_RANDOM)
		snprintf(text, sizeof(text),
			 "mmsim vdso-fuzz checked __kernel_atomic_cmpxchg_32 "
			 "and __kernel_read_tp of the seed's vDSO against %s, "
			 "in %lu random cases from seed %llu: up to %d "
			 "interrupt%s per call within its first %d "
			 "instructions, calls nested up to %d deep, random "
			 "values%s.",
			 fixup, c->cases, (unsigned long long)c->seed, k,
			 k == 1 ? "" : "s", MSIM_VF_RANDOM_MAX_AT,
			 MSIM_VF_RANDOM_DEPTH,
			 c->shrunk ? "; each violating case shrunk to the "
				     "smallest that still fails"
				   : "");
	else
		snprintf(text, sizeof(text),
			 "mmsim vdso-fuzz checked __kernel_atomic_cmpxchg_32 "
			 "and __kernel_read_tp of the seed's vDSO against %s, "
			 "in every case of at most %d interrupt%s in all, at "
			 "every instruction boundary, each doing nothing, "
			 "storing to the word or running another thread's "
			 "call, with every pattern of equal values: %lu "
			 "cases%s.",
			 fixup, k, k == 1 ? "" : "s", c->cases,
			 fz->o.have_cases && c->cases >= fz->o.cases
				 ? " (stopped there by --cases)"
				 : "");
	if (c->shards > 1) {
		size_t n = strlen(text) - 1;

		snprintf(text + n, sizeof(text) - n,
			 " (part %u of %u of them: --shard %u/%u).", c->shard,
			 c->shards, c->shard, c->shards);
	}
	subcmd_fill(stdout, text, "");
}

static void print_verdict(const struct msim_vf_campaign *c)
{
	char text[8192];

	snprintf(text, sizeof(text), "Verdict: ");
	msim_vf_campaign_verdict(c, text + strlen(text),
				 sizeof(text) - strlen(text));
	strcat(text, ".");
	subcmd_fill(stdout, text, "  ");
}

/* Runs the text form @text again, for the details: runs are repeatable. */
static int rerun(struct fuzz *fz, const char *text)
{
	struct msim_vf_case c;

	if (msim_vf_case_parse(text, &c, NULL, 0) ||
	    msim_vf_run(&fz->env, &c, NULL, NULL, &fz->r) ||
	    !fz->r.nr_violations)
		return -EIO;
	return 0;
}

/*
 * The JSON object into @out; -EIO, with @out incomplete, when a recorded
 * case does not fail again when run alone.
 */
static int json_object(FILE *out, struct fuzz *fz, const char *mode)
{
	const struct msim_vf_campaign *c = &fz->c;
	char replay[MSIM_VF_CASE_TEXT_MAX + 4300], verdict[8192];
	size_t i;

	fprintf(out, "{\"cases\": %lu, \"mode\": \"%s\", ", c->cases, mode);
	if (c->mode == MSIM_VF_MODE_RANDOM)
		fprintf(out, "\"seed\": %llu, ", (unsigned long long)c->seed);
	fprintf(out, "\"interrupts\": %d, \"fixup\": ", c->interrupts);
	if (fz->o.fixup_path)
		msim_vf_json_string(out, fz->o.fixup_path);
	else
		fprintf(out, "null");
	if (!strcmp(mode, "replay")) {
		fprintf(out,
			", \"interrupts_delivered\": %d, \"undelivered\": [",
			msim_vf_case_nr_irqs(&fz->r.ran));
		for (i = 0; i < (size_t)fz->r.nr_undelivered; i++) {
			const struct msim_vf_undelivered *u =
				&fz->r.undelivered[i];

			fprintf(out,
				"%s{\"thread\": %d, \"at\": %u, "
				"\"instructions\": %u}",
				i ? ", " : "", u->call, u->at,
				fz->r.call[u->call].insns);
		}
		fprintf(out, "]");
	}
	if (c->mode == MSIM_VF_MODE_RANDOM)
		fprintf(out, ", \"shrunk\": %s", c->shrunk ? "true" : "false");
	if (c->shards > 1)
		fprintf(out, ", \"shard\": \"%u/%u\"", c->shard, c->shards);
	msim_vf_campaign_verdict(c, verdict, sizeof(verdict));
	fprintf(out, ", \"violating\": %lu, \"windows\": %zu, \"verdict\": ",
		c->violating, msim_vf_campaign_windows(c));
	msim_vf_json_string(out, verdict);
	fprintf(out, ", \"groups\": [");
	for (i = 0; i < c->nr_groups; i++) {
		fprintf(out, "%s", i ? ", " : "");
		msim_vf_json_group(out, &c->group[i]);
	}
	fprintf(out, "], \"violations\": [");
	for (i = 0; i < c->nr_found; i++) {
		if (rerun(fz, c->found[i].text))
			return -EIO;
		snprintf(replay, sizeof(replay), "%s '%s'", fz->replay_prefix,
			 c->found[i].text);
		fprintf(out, "%s\n  ", i ? "," : "");
		msim_vf_json_found(out, &fz->r, &c->found[i], replay);
	}
	fprintf(out, "%s]", c->nr_found ? "\n" : "");
	if (fz->json_name[0]) {
		fprintf(out, ", \"trace\": ");
		msim_vf_json_string(out, fz->json_name);
	}
	if (fz->html_name[0]) {
		fprintf(out, ", \"html\": ");
		msim_vf_json_string(out, fz->html_name);
	}
	if (fz->timeline) {
		fprintf(out, ", \"timeline\": ");
		msim_vf_json_string(out, fz->timeline);
	}
	fprintf(out, "}\n");
	return 0;
}

/* The JSON object on standard output, whole or not at all. */
static int report_json(struct fuzz *fz, const char *mode)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int ret;

	if (!mem)
		return -ENOMEM;
	ret = json_object(mem, fz, mode);
	if (fclose(mem) && !ret)
		ret = -ENOMEM;
	if (!ret)
		fwrite(text, 1, len, stdout);
	free(text);
	return ret;
}

static int report_text(struct fuzz *fz)
{
	const struct msim_vf_campaign *c = &fz->c;
	char text[MSIM_VF_CASE_TEXT_MAX];
	size_t i;

	print_checked(fz);
	print_verdict(c);
	printf("cases run: %lu\n", c->cases);
	printf("violating cases: %lu\n", c->violating);
	if (!c->nr_groups)
		return 0;
	printf("\nBy kind and interrupted PC, each with its simplest case:\n");
	for (i = 0; i < c->nr_groups; i++) {
		const struct msim_vf_group *g = &c->group[i];

		printf("  %-22s %-27s ", msim_vf_kind_name(g->kind),
		       msim_vf_fn_name(g->fn));
		if (g->has_pc)
			printf("pc 0x%08x", g->pc);
		else
			printf("pc -         ");
		msim_vf_case_format(&g->example, text, sizeof(text));
		printf(" %7lu case%s, e.g. %s\n", g->count,
		       g->count == 1 ? " " : "s", text);
	}
	for (i = 0; i < c->nr_groups; i++) {
		printf("\n[%zu/%zu] ", i + 1, c->nr_groups);
		if (msim_vf_run(&fz->env, &c->group[i].example, NULL, NULL,
				&fz->r) ||
		    !fz->r.nr_violations)
			return -EIO;
		msim_vf_report_violation(stdout, &fz->env, &fz->r, &fz->r.v[0],
					 fz->replay_prefix);
	}
	return 0;
}

/*
 * The interrupts of the case that were never delivered, on standard
 * output and, as a warning, on standard error: an index past the end of
 * its call is accepted (where a call ends depends on the fixup and the
 * values), but never silently.
 */
static void report_undelivered(const struct fuzz *fz)
{
	const struct msim_vf_result *r = &fz->r;
	char ran[MSIM_VF_CASE_TEXT_MAX];
	int i;

	if (!r->nr_undelivered)
		return;
	msim_vf_case_format(&r->ran, ran, sizeof(ran));
	for (i = 0; i < r->nr_undelivered; i++) {
		const struct msim_vf_undelivered *u = &r->undelivered[i];
		unsigned int insns = r->call[u->call].insns;

		printf("  not delivered: T%d's interrupt at instruction %u; "
		       "T%d %s after %u instruction%s\n",
		       u->call, u->at, u->call,
		       r->call[u->call].err ? "stopped" : "returned", insns,
		       insns == 1 ? "" : "s");
	}
	fprintf(stderr,
		"mmsim vdso-fuzz: warning: %d interrupt%s of the case %s never "
		"delivered (past the end of %s call); the case as it ran is "
		"%s\n",
		r->nr_undelivered, r->nr_undelivered == 1 ? "" : "s",
		r->nr_undelivered == 1 ? "was" : "were",
		r->nr_undelivered == 1 ? "its" : "their", ran);
}

static int replay_one(struct fuzz *fz, const char *text)
{
	char why[200], title[MSIM_VF_CASE_TEXT_MAX + 64];
	struct msim_trace *t;
	struct msim_vf_case c;
	int i, n, ret;

	if (msim_vf_case_parse(text, &c, why, sizeof(why)))
		return usage_error("bad case '%s': %s", text, why);
	snprintf(title, sizeof(title), "mmsim vdso-fuzz --replay '%s'", text);
	t = scn_trace_start(&fz->o.trace, title);
	ret = msim_vf_run(&fz->env, &c, NULL, NULL, &fz->r);
	if (t)
		ret = ret ? (msim_trace_destroy(t), ret) : trace_views(fz, t);
	if (!ret)
		ret = msim_vf_campaign_record(&fz->c, &fz->env, &fz->r);
	if (ret)
		return ret;
	if (fz->o.json)
		return report_json(fz, "replay");
	n = msim_vf_case_nr_irqs(&fz->r.ran);
	printf("case %s: %d interrupt%s delivered, %d violation%s\n", text, n,
	       n == 1 ? "" : "s", fz->r.nr_violations,
	       fz->r.nr_violations == 1 ? "" : "s");
	report_undelivered(fz);
	if (!fz->r.nr_violations) {
		printf("  events:\n");
		msim_vf_report_events(stdout, &fz->env, &fz->r, "    ");
	}
	for (i = 0; i < fz->r.nr_violations; i++) {
		printf("\n");
		msim_vf_report_violation(stdout, &fz->env, &fz->r, &fz->r.v[i],
					 fz->replay_prefix);
	}
	if (fz->json_name[0])
		printf("\ntrace: %s\n", fz->json_name);
	if (fz->html_name[0])
		printf("%shtml: %s\n", fz->json_name[0] ? "" : "\n",
		       fz->html_name);
	if (fz->timeline)
		printf("\n%s", fz->timeline);
	return 0;
}

/* One option; returns -1 to go on, else the exit status. */
static int parse_one(struct opts *o, int c, char **argv)
{
	char err[128];

	switch (scn_trace_option(&o->trace, c, optarg, err, sizeof(err))) {
	case 1:
		return -1;
	case -1:
		return usage_error("%s", err);
	}
	switch (c) {
	case 'f':
		o->fixup_path = optarg;
		return -1;
	case 'm':
		if (strcmp(optarg, "exhaustive") && strcmp(optarg, "random"))
			return usage_error("unknown mode '%s' "
					   "(exhaustive or random)",
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
	case 'k':
		if (subcmd_parse_ulong(optarg, MSIM_VF_MAX_PLAN, &o->k))
			return usage_error("bad number of interrupts "
					   "'%s' (0 to %d)",
					   optarg, MSIM_VF_MAX_PLAN);
		return -1;
	case 'r':
		o->replay = optarg;
		return -1;
	case 'j':
		o->json = true;
		return -1;
	case 'p':
		o->progress = true;
		return -1;
	case 'F':
		o->fail_on = true;
		return -1;
	case 'n':
		o->no_shrink = true;
		return -1;
	case 'J':
		if (subcmd_parse_ulong(optarg, 64, &o->jobs) || !o->jobs)
			return usage_error("bad number of jobs '%s' (1 to 64)",
					   optarg);
		return -1;
	case 'S': {
		char *slash = strchr(optarg, '/');

		if (!slash || slash == optarg)
			return usage_error("bad shard '%s' (I/N)", optarg);
		*slash = '\0';
		if (subcmd_parse_ulong(optarg, 1UL << 20, &o->shard) ||
		    subcmd_parse_ulong(slash + 1, 1UL << 20, &o->shards) ||
		    o->shard >= o->shards) {
			*slash = '/';
			return usage_error("bad shard '%s' (I/N, I below N)",
					   optarg);
		}
		*slash = '/';
		return -1;
	}
	case 'h':
		vdso_fuzz_help(stdout);
		return 0;
	default:
		return subcmd_bad_option("vdso-fuzz", c, argv);
	}
}

/* The options into @o; returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct opts *o)
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
		{ "no-shrink", no_argument, NULL, 'n' },
		{ "jobs", required_argument, NULL, 'J' },
		{ "shard", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		SCN_TRACE_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	int c, ret;

	memset(o, 0, sizeof(*o));
	o->mode = "exhaustive";
	o->k = MSIM_VF_DEFAULT_K;
	o->progress = isatty(2);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		ret = parse_one(o, c, argv);
		if (ret >= 0)
			return ret;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o->have_seed && strcmp(o->mode, "random"))
		return usage_error("--seed is for random mode");
	if (o->no_shrink && strcmp(o->mode, "random"))
		return usage_error("--no-shrink is for random mode");
	if (o->replay && (o->jobs > 1 || o->shards > 1))
		return usage_error("--replay runs one case: no --jobs or "
				   "--shard");
	if (o->replay)
		o->progress = false;
	if (scn_trace_wanted(&o->trace) && !o->replay)
		return usage_error("--trace, --html and --timeline record one "
				   "case: they need --replay CASE");
	return -1;
}

/*
 * The --fixup file into *@obj; returns -1 to go on, else the exit status.
 * A file that cannot be read at all is the likeliest mistake: it gets
 * what to give instead.
 */
static int load_fixup(const char *path, void **obj, size_t *len)
{
	struct stat st;
	char why[300];
	const char *what = NULL;

	if (access(path, R_OK))
		what = strerror(errno);
	else if (stat(path, &st) || !S_ISREG(st.st_mode))
		what = "not a regular file";
	if (what) {
		fprintf(stderr,
			"mmsim vdso-fuzz: --fixup %s: %s; give an m68k "
			"assembly source (.S/.s) or a relocatable m68k ELF "
			"object (.o)\n",
			path, what);
		return SUBCMD_EXIT_USAGE;
	}
	if (msim_vf_fixup_load(path, obj, len, why, sizeof(why))) {
		fprintf(stderr, "%s: %s\n", path, why);
		return SUBCMD_EXIT_USAGE;
	}
	return -1;
}

/* The CPU with the fixup; returns -1 to go on, else the exit status. */
static int env_setup(struct fuzz *fz, const void *obj, size_t len)
{
	const char *path = fz->o.fixup_path;
	int ret = msim_vf_env_create(&fz->env, obj, len);

	if (!ret) {
		snprintf(fz->replay_prefix, sizeof(fz->replay_prefix),
			 "mmsim vdso-fuzz");
		if (path) {
			strcat(fz->replay_prefix, " --fixup");
			subcmd_shell_word(fz->replay_prefix,
					  sizeof(fz->replay_prefix), path);
		}
		strcat(fz->replay_prefix, " --replay");
		return -1;
	}
	if (path && ret == -ENOEXEC)
		fprintf(stderr, "%s: the CPU cannot load it: %s\n", path,
			msim_ucpu_last_error(NULL));
	else if (path && ret == -EPROTO)
		fprintf(stderr,
			"%s: calls fail with it even without "
			"interrupts: %s\n",
			path, msim_vf_env_error());
	else
		fprintf(stderr,
			"mmsim vdso-fuzz: cannot set up the "
			"CPU: %s\n",
			strerror(-ret));
	return SUBCMD_EXIT_USAGE;
}

/* A campaign as the options ask, then its report. */
static int campaign(struct fuzz *fz)
{
	const struct opts *o = &fz->o;
	bool random = !strcmp(o->mode, "random");
	struct msim_vf_campaign_opts co = {
		.interrupts = (int)o->k,
		.seed = o->seed,
		.no_shrink = o->no_shrink,
		.shard = (unsigned int)o->shard,
		.shards = (unsigned int)o->shards,
		.jobs = (unsigned int)o->jobs,
		.progress = o->progress ? progress : NULL,
		.arg = fz,
	};
	int ret;

	if (random) {
		if (!o->have_seed)
			co.seed = (unsigned long)time(NULL) ^
				  (unsigned long)getpid() << 16;
		co.cases = o->have_cases ? o->cases : MSIM_VF_DEFAULT_CASES;
		fprintf(stderr, "mmsim vdso-fuzz: seed %llu\n",
			(unsigned long long)co.seed);
		ret = msim_vf_campaign_random(&fz->env, &co, &fz->c);
	} else {
		co.cases = o->have_cases ? o->cases : 0;
		ret = msim_vf_campaign_exhaustive(&fz->env, &co, &fz->c);
	}
	if (o->progress)
		progress(NULL, fz->c.cases, fz->c.violating);
	if (ret)
		return ret;
	return o->json ? report_json(fz, o->mode) : report_text(fz);
}

int vdso_fuzz_main(int argc, char **argv)
{
	struct fuzz *fz;
	void *obj = NULL;
	size_t obj_len = 0;
	int ret;

	fz = calloc(1, sizeof(*fz));
	if (!fz) {
		fprintf(stderr, "mmsim vdso-fuzz: out of memory\n");
		return 1;
	}
	ret = parse_options(argc, argv, &fz->o);
	if (ret < 0 && fz->o.fixup_path)
		ret = load_fixup(fz->o.fixup_path, &obj, &obj_len);
	if (ret < 0)
		ret = env_setup(fz, obj, obj_len);
	if (ret < 0)
		ret = fz->o.replay ? replay_one(fz, fz->o.replay)
				   : campaign(fz);
	if (ret < 0) {
		fprintf(stderr, "mmsim vdso-fuzz: run failed: %s\n",
			strerror(-ret));
		ret = 1;
	} else if (ret == 0 && fz->o.fail_on && fz->c.violating) {
		ret = 1;
	}
	if (fz->env.cpu)
		msim_vf_env_destroy(&fz->env);
	msim_vf_campaign_free(&fz->c);
	free(fz->timeline);
	free(obj);
	free(fz);
	return ret;
}
