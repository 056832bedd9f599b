// SPDX-License-Identifier: MIT
/*
 * mmsim explore: run a scenario's thread sections under many schedules
 * (<mmsim/sched/explore.h>) and report each distinct failure with its
 * shrunk schedule and the command that replays it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "subcmd.h"

#define usage_error(...) subcmd_usage("explore", __VA_ARGS__)

void explore_help(FILE *out)
{
	fputs("usage: mmsim explore FILE [--strategy dfs|random|pct|"
	      "round-robin]\n"
	      "         [--preemptions N] [--depth D] [--schedules N] "
	      "[--seed N]\n"
	      "         [--jobs N] [--shard I/N] [--json] "
	      "[--check-every-step]\n"
	      "         [--no-reduction] [--arch NAME] [--ram BYTES] [--swap "
	      "BYTES] [--check]\n"
	      "         [--trace FILE] [--html FILE] [--timeline]\n"
	      "\n"
	      "Run the scenario in FILE again and again, its thread sections "
	      "under a\n"
	      "different schedule each time, and report every distinct "
	      "failure: a\n"
	      "deadlock, a lock-order inversion (learnt across all runs), "
	      "sleeping with\n"
	      "a spinlock held or in a notifier range that may not block, "
	      "mmap_lock\n"
	      "recursion, a BUG(), a broken invariant or coherence after a "
	      "section,\n"
	      "each with the fewest preemptions that show it and the "
	      "command that\n"
	      "replays it.\n"
	      "\n"
	      "Options:\n"
	      "  --strategy S      dfs (the default): every schedule with at "
	      "most N\n"
	      "                    preemptions, N = 0, 1, ... up to "
	      "--preemptions, with\n"
	      "                    sleep sets; random; pct (random "
	      "priorities with\n"
	      "                    depth-1 change points); round-robin (one "
	      "schedule)\n"
	      "  --preemptions N   dfs's bound (default 2; -1: none)\n"
	      "  --depth D         pct's bug depth (default 3)\n"
	      "  --schedules N     stop after N runs (default: none for dfs, "
	      "1000 else)\n"
	      "  --seed N          random and pct: run i is seeded from (N, "
	      "i)\n"
	      "  --jobs N          search with N processes\n"
	      "  --shard I/N       search only share I (0 to N-1) of N of "
	      "the same\n"
	      "                    search; the N shares together are the "
	      "whole\n"
	      "  --json            print one JSON object\n"
	      "  --check-every-step\n"
	      "                    check after every step at which no thread "
	      "holds a lock\n"
	      "  --no-reduction    dfs without sleep sets\n"
	      "  --arch, --ram, --swap, --check\n"
	      "                    as for 'mmsim run' (--ram defaults to "
	      "16M here)\n",
	      out);
	scn_trace_help(out, 20);
	fputs("  -h, --help        show this help\n"
	      "\n"
	      "With --trace, --html or --timeline, each failure's shrunk "
	      "schedule is run\n"
	      "once more, recorded, and shown: the timeline after its report, "
	      "the files\n"
	      "named under it (FILE itself for one failure, FILE with -1, "
	      "-2, ... before\n"
	      "its extension for several); with --json, in the failure's "
	      "\"trace\", \"html\"\n"
	      "and \"timeline\".\n"
	      "\n"
	      "Runs longer than two seconds show their progress on standard "
	      "error.\n"
	      "Exit status: 0 if nothing failed, 1 if something did, 2 for a "
	      "file that\n"
	      "cannot be understood or a usage error.\n",
	      out);
}

#define EXPLORE_RAM (16UL << 20)

static bool parse_ulong(const char *s, unsigned long *v)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoul(s, &end, 0);
	return !errno && !*end;
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void replay_command(char *buf, size_t size, const char *args,
			   const char *schedule, const char *file)
{
	snprintf(buf, size, "mmsim run%s --schedule '%s' %s", args, schedule,
		 file);
}

static void progress(const struct msim_explore_status *s, void *arg)
{
	(void)arg;
	fprintf(stderr, "mmsim explore: %lu runs, %lu schedules, %.0f/s",
		s->runs, s->schedules,
		s->seconds > 0 ? s->runs / s->seconds : 0);
	if (s->bound >= 0)
		fprintf(stderr, ", bound %d", s->bound);
	if (s->remaining >= 0)
		fprintf(stderr, ", about %.0f runs left", s->remaining);
	fprintf(stderr, ", %lu failure%s\n", s->failures,
		s->failures == 1 ? "" : "s");
}

/* What recording a failure's replay gave: its files and timeline. */
struct traced {
	char json[4096], html[4096];
	char *timeline;
};

/*
 * Run each failure's schedule once more, recorded, in a worker process
 * (as the search did: a run that cannot end leaves this process alone),
 * with the scenario's output thrown away.
 */
static struct traced *trace_failures(const struct scn_explore_job *job,
				     const struct msim_explore_result *res,
				     const struct scn_trace_opts *trace,
				     const char *args)
{
	struct traced *tr = calloc(res->nfailures, sizeof(*tr));
	struct scn_options opt = *job->opt;
	struct scn_explore_job again = *job;
	struct msim_explore_opts eo;
	char title[8192];
	unsigned int i;

	if (!tr)
		return NULL;
	opt.out = fopen("/dev/null", "w");
	if (!opt.out) {
		free(tr);
		return NULL;
	}
	again.opt = &opt;
	msim_explore_opts_init(&eo);
	eo.check_every_step = opt.check_every_step;
	for (i = 0; i < res->nfailures; i++) {
		const struct msim_failure *f = &res->failures[i];
		struct msim_explore_result r;
		struct msim_trace *t;
		size_t size = 0;
		FILE *tl = NULL;

		snprintf(title, sizeof(title),
			 "%s, failure %u of %u (%s), mmsim run%s --schedule "
			 "'%s'",
			 job->path, i + 1, res->nfailures, f->kind, args,
			 f->schedule);
		t = scn_trace_start(trace, title);
		if (!t)
			break;
		again.status = 0;
		msim_replay(scn_explore_body, &again, f->schedule, &eo, &r,
			    NULL, 0);
		msim_explore_result_free(&r);
		if (trace->timeline)
			tl = open_memstream(&tr[i].timeline, &size);
		scn_trace_finish(t, trace, res->nfailures > 1 ? i + 1 : 0,
				 tl ? tl : stdout, tr[i].json, tr[i].html,
				 sizeof(tr[i].json));
		if (tl)
			fclose(tl);
	}
	fclose(opt.out);
	return tr;
}

static void print_traced(const struct traced *tr)
{
	if (tr->json[0])
		printf("trace: %s\n", tr->json);
	if (tr->html[0])
		printf("html: %s\n", tr->html);
	if (tr->timeline)
		printf("\n%s", tr->timeline);
}

static void json_traced(const struct traced *tr)
{
	if (tr->json[0]) {
		printf(", \"trace\": ");
		json_string(stdout, tr->json);
	}
	if (tr->html[0]) {
		printf(", \"html\": ");
		json_string(stdout, tr->html);
	}
	if (tr->timeline) {
		printf(", \"timeline\": ");
		json_string(stdout, tr->timeline);
	}
}

/* What the command line asks for. */
struct explore_cli {
	struct msim_explore_opts eo;
	struct scn_options opt;
	struct scn_trace_opts trace;
	bool json;
	/* The options a replay needs, as 'mmsim run' spells them. */
	char args[256];
};

/* Append to the replay command's options. */
static void add_arg(struct explore_cli *cli, const char *fmt, const char *val)
{
	size_t n = strlen(cli->args);

	snprintf(cli->args + n, sizeof(cli->args) - n, fmt, val);
}

/* --shard I/N into @eo; false when malformed. */
static bool parse_shard(char *arg, struct msim_explore_opts *eo)
{
	char *slash = strchr(arg, '/');
	unsigned long v, w;
	bool ok;

	if (!slash)
		return false;
	*slash = '\0';
	ok = parse_ulong(arg, &v) && parse_ulong(slash + 1, &w) && w &&
	     w <= 65536 && v < w;
	*slash = '/';
	if (ok) {
		eo->shard = (unsigned int)v;
		eo->nshards = (unsigned int)w;
	}
	return ok;
}

/*
 * The options of the search itself; 0 when @c was one, -1 when @c is
 * not one of them, else the usage status (the reason printed).
 */
static int search_option(struct explore_cli *cli, int c, const char *arg)
{
	struct msim_explore_opts *eo = &cli->eo;
	unsigned long v;

	switch (c) {
	case 's':
		if (msim_strategy_lookup(arg, &eo->strategy))
			return usage_error(
				"unknown strategy '%s' (dfs, random, "
				"pct or round-robin)",
				arg);
		return 0;
	case 'p':
		if (!strcmp(arg, "-1")) {
			eo->preemptions = -1;
			return 0;
		}
		if (!parse_ulong(arg, &v) || v > 64)
			return usage_error(
				"bad preemption bound '%s' (0 to 64, "
				"or -1)",
				arg);
		eo->preemptions = (int)v;
		return 0;
	case 'd':
		if (!parse_ulong(arg, &v) || v < 1 || v > 9)
			return usage_error("bad depth '%s' (1 to 9)", arg);
		eo->depth = (unsigned int)v;
		return 0;
	case 'n':
		if (!parse_ulong(arg, &v) || !v)
			return usage_error("bad number of schedules '%s'", arg);
		eo->schedules = v;
		return 0;
	case 'e':
		if (!parse_ulong(arg, &v))
			return usage_error("bad seed '%s'", arg);
		eo->seed = v;
		return 0;
	case 'j':
		if (!parse_ulong(arg, &v) || !v || v > 64)
			return usage_error("bad number of jobs '%s' (1 to 64)",
					   arg);
		eo->jobs = (unsigned int)v;
		return 0;
	case 'S':
		if (!parse_shard((char *)arg, eo))
			return usage_error(
				strchr(arg, '/') ? "bad shard '%s' (I/N, 0 <= "
						   "I < N)"
						 : "bad shard '%s' (I/N)",
				arg);
		return 0;
	case 'J':
		cli->json = true;
		return 0;
	case 'R':
		eo->no_reduction = true;
		return 0;
	}
	return -1;
}

/*
 * The options of the machine each run builds, which the replay command
 * repeats; 0 when @c was one, -1 when it is not, else the usage status.
 */
static int machine_option(struct explore_cli *cli, int c, const char *arg)
{
	struct scn_options *opt = &cli->opt;

	switch (c) {
	case 'E':
		opt->check_every_step = true;
		cli->eo.check_every_step = true;
		add_arg(cli, " --check-every-step%s", "");
		return 0;
	case 'a':
		opt->arch = msim_arch_lookup(arg);
		if (!opt->arch)
			return usage_error("unknown arch '%s' (x86_64 or "
					   "coldfire)",
					   arg);
		add_arg(cli, " --arch %s", arg);
		return 0;
	case 'r':
		if (scn_parse_size(arg, &opt->ram_bytes))
			return usage_error("bad RAM size '%s'", arg);
		add_arg(cli, " --ram %s", arg);
		return 0;
	case 'w':
		if (scn_parse_size(arg, &opt->swap_bytes))
			return usage_error("bad swap size '%s'", arg);
		add_arg(cli, " --swap %s", arg);
		return 0;
	case 'c':
		opt->check_each = true;
		add_arg(cli, " --check%s", "");
		return 0;
	}
	return -1;
}

/*
 * The command line into @cli; returns -1 to go on with the FILE at
 * argv[optind], else the status to exit with (--help: 0).
 */
static int parse_options(int argc, char **argv, struct explore_cli *cli)
{
	static const struct option longopts[] = {
		{ "strategy", required_argument, NULL, 's' },
		{ "preemptions", required_argument, NULL, 'p' },
		{ "depth", required_argument, NULL, 'd' },
		{ "schedules", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 'e' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "shard", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'J' },
		{ "check-every-step", no_argument, NULL, 'E' },
		{ "no-reduction", no_argument, NULL, 'R' },
		{ "arch", required_argument, NULL, 'a' },
		{ "ram", required_argument, NULL, 'r' },
		{ "swap", required_argument, NULL, 'w' },
		{ "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		SCN_TRACE_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	char err[128];
	int c, ret;

	msim_explore_opts_init(&cli->eo);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (scn_trace_option(&cli->trace, c, optarg, err,
					 sizeof(err))) {
		case 1:
			continue;
		case -1:
			return usage_error("%s", err);
		}
		ret = search_option(cli, c, optarg);
		if (ret < 0)
			ret = machine_option(cli, c, optarg);
		if (!ret)
			continue;
		if (ret > 0)
			return ret;
		switch (c) {
		case 'h':
			explore_help(stdout);
			return 0;
		default:
			return subcmd_bad_option("explore", c, argv);
		}
	}
	if (optind == argc)
		return usage_error("no scenario FILE");
	if (optind + 1 < argc)
		return usage_error("unexpected argument '%s'",
				   argv[optind + 1]);
	if (!strcmp(argv[optind], "-"))
		return usage_error("FILE must be a file: every run reads it "
				   "again from the start");
	return -1;
}

/* The scenario at @path, read whole and every line checked. */
static int load_scenario(const char *path, struct scn_options *opt, char **text,
			 size_t *len)
{
	FILE *in = fopen(path, "r");
	int ret;

	if (!in) {
		fprintf(stderr, "mmsim: %s: %s\n", path, strerror(errno));
		return SUBCMD_EXIT_USAGE;
	}
	ret = scn_load(in, path, opt, text, len);
	fclose(in);
	if (ret)
		return ret;
	/* Every line and every block, before the first run. */
	ret = scn_validate(path, *text, *len, opt);
	if (ret) {
		free(*text);
		*text = NULL;
	}
	return ret;
}

/* The report as one JSON object (the shape README documents). */
static void print_json(const struct explore_cli *cli, const char *name,
		       const struct msim_explore_result *res,
		       const struct traced *traced)
{
	const struct msim_explore_opts *eo = &cli->eo;
	char cmd[1024];
	unsigned int i;

	printf("{\"schedules\": %lu, \"complete\": %s, \"failures\": [",
	       res->schedules, res->complete ? "true" : "false");
	for (i = 0; i < res->nfailures; i++) {
		const struct msim_failure *f = &res->failures[i];

		replay_command(cmd, sizeof(cmd), cli->args, f->schedule, name);
		printf("%s{\"kind\": ", i ? ", " : "");
		json_string(stdout, f->kind);
		printf(", \"message\": ");
		json_string(stdout, f->message);
		printf(", \"schedule\": ");
		json_string(stdout, f->schedule);
		printf(", \"preemptions\": %u, \"steps\": %lu, \"replay\": ",
		       f->preemptions, f->steps);
		json_string(stdout, cmd);
		if (traced)
			json_traced(&traced[i]);
		printf("}");
	}
	printf("], \"runs\": %lu, \"strategy\": \"%s\"", res->runs,
	       msim_strategy_name(eo->strategy));
	if (eo->strategy == MSIM_STRATEGY_DFS)
		printf(", \"preemptions\": %d, \"reduction\": %s",
		       eo->preemptions, eo->no_reduction ? "false" : "true");
	if (eo->nshards > 1)
		printf(", \"shard\": \"%u/%u\"", eo->shard, eo->nshards);
	printf(", \"seconds\": %.3f, \"shrink_runs\": %lu", res->seconds,
	       res->shrink_runs);
	if (res->stopped) {
		printf(", \"stopped\": ");
		json_string(stdout, res->stopped);
	}
	printf("}\n");
}

/* The report for a reader: the search, then each failure and its replay. */
static void print_text(const struct explore_cli *cli, const char *name,
		       const struct msim_explore_result *res,
		       const struct traced *traced)
{
	const struct msim_explore_opts *eo = &cli->eo;
	char cmd[1024];
	unsigned int i;

	printf("%s: %s", name, msim_strategy_name(eo->strategy));
	if (eo->strategy == MSIM_STRATEGY_DFS) {
		if (eo->preemptions < 0)
			printf(", no preemption bound");
		else
			printf(", up to %d preemption%s", eo->preemptions,
			       eo->preemptions == 1 ? "" : "s");
		if (eo->no_reduction)
			printf(", no reduction");
	}
	if (eo->nshards > 1)
		printf(", shard %u/%u", eo->shard, eo->nshards);
	printf("\n%lu schedule%s (%lu runs), %s, %.2f s\n", res->schedules,
	       res->schedules == 1 ? "" : "s", res->runs,
	       res->complete ? "complete" : "not complete", res->seconds);
	if (res->stopped)
		printf("stopped: %s\n", res->stopped);
	if (!res->nfailures)
		printf("no failure\n");
	for (i = 0; i < res->nfailures; i++) {
		const struct msim_failure *f = &res->failures[i];

		printf("\nfailure %u of %u\n", i + 1, res->nfailures);
		msim_failure_print(stdout, f);
		replay_command(cmd, sizeof(cmd), cli->args, f->schedule, name);
		printf("replay: %s\n", cmd);
		if (traced)
			print_traced(&traced[i]);
	}
}

int explore_main(int argc, char **argv)
{
	struct explore_cli cli = { 0 };
	struct traced *traced = NULL;
	struct msim_explore_result res;
	struct scn_explore_job job;
	char *text = NULL;
	const char *name;
	size_t len = 0;
	unsigned int i;
	int ret;

	ret = parse_options(argc, argv, &cli);
	if (ret >= 0)
		return ret;
	name = argv[optind];
	ret = load_scenario(name, &cli.opt, &text, &len);
	if (ret)
		return ret;
	/*
	 * Every run builds its machine anew, and a gigabyte's struct pages
	 * cost more than a small scenario's run: 16 MiB unless told, which
	 * the replay command then says.
	 */
	if (!cli.opt.ram_bytes) {
		cli.opt.ram_bytes = EXPLORE_RAM;
		add_arg(&cli, " --ram %s", "16M");
	}
	cli.opt.quiet = true;
	job = (struct scn_explore_job){ name, text, len, &cli.opt, 0 };
	cli.eo.progress = progress;
	ret = msim_explore(scn_explore_body, &job, &cli.eo, &res);
	if (ret) {
		fprintf(stderr, "mmsim explore: %s\n", msim_errno_name(ret));
		free(text);
		return SCN_EXIT_FAILED;
	}
	if (scn_trace_wanted(&cli.trace) && res.nfailures) {
		traced = trace_failures(&job, &res, &cli.trace, cli.args);
		if (!traced) {
			msim_explore_result_free(&res);
			free(text);
			return SCN_EXIT_FAILED;
		}
	}
	if (cli.json)
		print_json(&cli, name, &res, traced);
	else
		print_text(&cli, name, &res, traced);
	ret = res.nfailures ? SCN_EXIT_FAILED : SCN_EXIT_OK;
	if (traced) {
		for (i = 0; i < res.nfailures; i++)
			free(traced[i].timeline);
		free(traced);
	}
	msim_explore_result_free(&res);
	free(text);
	return ret;
}
