// SPDX-License-Identifier: MIT
/*
 * diff_maps - differential test of mmsim against the host kernel.
 *
 *	diff_maps [--seed N] [--count N] [--ops N] [--verbose]
 *		  [--fork PERCENT | --no-fork] [--timeout SECONDS]
 *	diff_maps --scenario FILE	run one scenario (as printed on a
 *					difference) instead of random ones
 *	diff_maps --print ...		print both sides' view of each step
 *	diff_maps --self-test		check that differences are caught
 *
 * Without --seed it runs the fixed set of seeds 1..300, 40 ops each; about
 * half of the sequences fork (--fork sets the share; with --no-fork every
 * seed gives the sequence it gave before forks were tested).  Every
 * difference is reported with its seed, the ops as an `mmsim run` scenario,
 * the step and both sides' windows, then shrunk to a smaller scenario that
 * still shows it.  The host kernel is the reference only if it is the
 * release mmsim models (6.18): on another, differences are printed but do
 * not fail the test.  The simulated machine gets the host's
 * vm.overcommit_memory and vm.max_map_count, which decide MAP_NORESERVE
 * and the map count limit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

#include "diff.h"

#define DEFAULT_FIRST_SEED 1
#define DEFAULT_COUNT 300
#define DEFAULT_OPS 40
#define MODELLED_RELEASE "6.18"

/*
 * Candidate windows, the first free one is used: clear of the executable
 * and heap and far below mmap_base and the libraries.  The first ones are
 * also outside ASan's shadow (up to 0x10007fff7fff) and allocator
 * (0x600000000000); the last is for TSan and MSan, which reserve all of
 * those but keep the low 1 TiB for the application.
 */
static const unsigned long window_bases[] = {
	0x200000000000UL, 0x300000000000UL, 0x400000000000UL,
	0x500000000000UL, 0x005000000000UL,
};

struct opts {
	unsigned long seed;
	unsigned long count;
	int ops;
	bool seed_given, count_given;
	bool verbose;
	bool print;
	bool self_test;
	bool shrink;
	int max_reports;
	const char *scenario;
};

/* An integer sysctl of the host, or @def if it cannot be read. */
static int read_sysctl(const char *path, int def)
{
	FILE *f = fopen(path, "r");
	int v;

	if (!f)
		return def;
	if (fscanf(f, "%d", &v) != 1)
		v = def;
	fclose(f);
	return v;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: diff_maps [--seed N] [--count N] [--ops N] [--verbose]\n"
		"                 [--no-shrink] [--max-reports N] [--print]\n"
		"                 [--no-grows] [--focus PAGES]\n"
		"                 [--fork PERCENT | --no-fork] "
		"[--timeout SECONDS]\n"
		"       diff_maps --scenario FILE [--print] [--verbose]\n"
		"       diff_maps --self-test\n");
}

static bool parse_ulong(const char *s, unsigned long *v)
{
	char *end;

	if (!s)
		return false;
	errno = 0;
	*v = strtoul(s, &end, 0);
	return !errno && end != s && !*end;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	unsigned long v;

	*o = (struct opts){
		.seed = DEFAULT_FIRST_SEED,
		.count = DEFAULT_COUNT,
		.ops = DEFAULT_OPS,
		.shrink = true,
		.max_reports = 3,
	};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i],
			   *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--seed") && parse_ulong(arg, &o->seed)) {
			o->seed_given = true;
			i++;
		} else if (!strcmp(a, "--count") &&
			   parse_ulong(arg, &o->count)) {
			o->count_given = true;
			i++;
		} else if (!strcmp(a, "--ops") && parse_ulong(arg, &v) &&
			   v >= 1 && v <= DIFF_MAX_OPS) {
			o->ops = (int)v;
			i++;
		} else if (!strcmp(a, "--max-reports") &&
			   parse_ulong(arg, &v)) {
			o->max_reports = (int)v;
			i++;
		} else if (!strcmp(a, "--scenario") && arg) {
			o->scenario = arg;
			i++;
		} else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			o->verbose = true;
		} else if (!strcmp(a, "--print")) {
			o->print = true;
		} else if (!strcmp(a, "--focus") && parse_ulong(arg, &v) && v) {
			diff_gen_focus = v;
			i++;
		} else if (!strcmp(a, "--fork") && parse_ulong(arg, &v) &&
			   v <= 100) {
			diff_gen_fork_pct = (unsigned int)v;
			i++;
		} else if (!strcmp(a, "--no-fork")) {
			diff_gen_fork_pct = 0;
		} else if (!strcmp(a, "--timeout") && parse_ulong(arg, &v) &&
			   v >= 1 && v <= 86400) {
			diff_native_timeout = (unsigned int)v;
			i++;
		} else if (!strcmp(a, "--no-grows")) {
			diff_gen_no_grows = true;
		} else if (!strcmp(a, "--no-shrink")) {
			o->shrink = false;
		} else if (!strcmp(a, "--self-test")) {
			o->self_test = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else {
			usage(stderr);
			return -1;
		}
	}
	/* One seed unless a count was asked for too. */
	if (o->seed_given && !o->count_given)
		o->count = 1;
	return 0;
}

static void print_run(FILE *out, const struct diff_seq *seq,
		      const struct diff_run *run, const char *who)
{
	struct strbuf sb;

	sb_init(&sb);
	for (int i = 0; i < run->nr_steps; i++) {
		sb_reset(&sb);
		diff_fmt_step(&sb, seq, i);
		fprintf(out, "[%s] step %d: %s\n  -> %s\n%s", who, i, sb.buf,
			run->steps[i].result, run->steps[i].layout);
	}
	if (run->error)
		fprintf(out, "[%s] error: %s\n", who, run->error);
	sb_free(&sb);
}

/* Run one sequence; report and shrink it if it fails.  True if it passed. */
static bool run_one(struct diff_seq *seq, const struct opts *o, int *reports)
{
	struct diff_run native, sim;
	struct diff_mismatch mm;
	struct strbuf sb;
	bool ok;

	ok = diff_check_seq(seq, &native, &sim, &mm);
	if (o->print) {
		print_run(stdout, seq, &native, "native");
		print_run(stdout, seq, &sim, "mmsim");
	}
	if (ok) {
		if (o->verbose)
			printf("seed %lu: ok (%d ops)\n", seq->seed,
			       seq->nr_ops);
		goto out;
	}
	sb_init(&sb);
	if (mm.step >= 0 && mm.step < seq->nr_ops)
		diff_fmt_step(&sb, seq, mm.step);
	printf("FAIL seed %lu step %d (%s): %s\n", seq->seed, mm.step, mm.what,
	       sb.buf ? sb.buf : "");
	sb_free(&sb);
	if (*reports >= o->max_reports && !o->verbose)
		goto out;
	(*reports)++;
	diff_report(stdout, seq, &native, &sim, &mm);
	if (o->verbose) {
		print_run(stdout, seq, &native, "native");
		print_run(stdout, seq, &sim, "mmsim");
	}
	if (o->shrink) {
		struct diff_seq small = *seq;
		struct diff_run a, b;
		struct diff_mismatch m2;

		small.ops = malloc(sizeof(*small.ops) * seq->nr_ops);
		if (!small.ops)
			abort();
		memcpy(small.ops, seq->ops, sizeof(*small.ops) * seq->nr_ops);
		diff_shrink(&small);
		if (!diff_check_seq(&small, &a, &b, &m2)) {
			printf("--- shrunk to %d ops ---\n", small.nr_ops);
			diff_report(stdout, &small, &a, &b, &m2);
		}
		diff_run_free(&a);
		diff_run_free(&b);
		free(small.ops);
	}
	fflush(stdout);
out:
	diff_run_free(&native);
	diff_run_free(&sim);
	return ok;
}

/* --- self-test ---------------------------------------------------------- */

static int st_pass, st_fail;

static void expect(bool cond, const char *what)
{
	if (cond) {
		st_pass++;
	} else {
		st_fail++;
		printf("self-test FAILED: %s\n", what);
	}
}

static void copy_run(struct diff_run *dst, const struct diff_run *src,
		     int nr_ops)
{
	diff_run_init(dst, nr_ops);
	dst->nr_steps = src->nr_steps;
	for (int i = 0; i < src->nr_steps; i++) {
		dst->steps[i].result = strdup(src->steps[i].result);
		dst->steps[i].layout = strdup(src->steps[i].layout);
	}
	if (src->error)
		dst->error = strdup(src->error);
}

/* Is the difference caught, at @step, as @what? */
static void expect_mismatch(const struct diff_seq *seq,
			    const struct diff_run *a, const struct diff_run *b,
			    int step, const char *what, const char *desc)
{
	struct diff_mismatch mm;
	bool same = diff_compare(seq, a, b, &mm);

	expect(!same, desc);
	if (!same) {
		expect(mm.step == step && !strcmp(mm.what, what), desc);
		if (st_fail == 0 && step == 1 && !strcmp(what, "layout")) {
			printf("self-test: a native run against a copy of "
			       "itself with one line changed is reported "
			       "like this:\n");
			diff_report(stdout, seq, a, b, &mm);
		}
	}
}

static bool ops_equal(const struct diff_op *a, const struct diff_op *b, int n)
{
	for (int i = 0; i < n; i++) {
		if (a[i].kind != b[i].kind || a[i].addr != b[i].addr ||
		    a[i].len != b[i].len || a[i].prot != b[i].prot ||
		    a[i].flags != b[i].flags || a[i].advice != b[i].advice ||
		    a[i].write != b[i].write || a[i].byte != b[i].byte ||
		    a[i].task != b[i].task)
			return false;
	}
	return true;
}

/* Does the scenario text of @seq read back as the same ops? */
static void expect_round_trip(const struct diff_seq *seq, const char *desc)
{
	struct strbuf sb;
	FILE *f;

	sb_init(&sb);
	diff_fmt_scenario(&sb, seq, -1);
	f = fmemopen(sb.buf, sb.len, "r");
	if (f) {
		struct diff_seq back;
		char err[256];

		expect(!diff_parse_scenario(f, &back, seq->base, err,
					    sizeof(err)) &&
			       back.nr_ops == seq->nr_ops &&
			       ops_equal(back.ops, seq->ops, seq->nr_ops),
		       desc);
		fclose(f);
		diff_seq_free(&back);
	} else {
		expect(false, desc);
	}
	sb_free(&sb);
}

/* No native child or forked child of one is left: all were waited for. */
static void expect_no_children(const char *desc)
{
	expect(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, desc);
}

/*
 * A sequence with a fork: pages written, then madvised each its own way,
 * then read and written by both tasks.  The host must show what fork is
 * documented to do, and a difference in the child must be caught.
 */
static void self_test_fork(unsigned long base)
{
	const int I = DIFF_TASK_INIT, C = DIFF_TASK_CHILD;
	/* clang-format off */
	struct diff_op ops[] = {
		{ .kind = DIFF_MMAP, .addr = base + 0x10000, .len = 0x8000,
		  .prot = PROT_READ | PROT_WRITE,
		  .flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED },
		{ .kind = DIFF_POKE, .addr = base + 0x10010, .byte = 0x11 },
		{ .kind = DIFF_POKE, .addr = base + 0x11020, .byte = 0x22 },
		{ .kind = DIFF_POKE, .addr = base + 0x12030, .byte = 0x33 },
		{ .kind = DIFF_POKE, .addr = base + 0x13040, .byte = 0x44 },
		{ .kind = DIFF_MADVISE, .addr = base + 0x11000, .len = 0x1000,
		  .advice = 18 /* MADV_WIPEONFORK */ },
		{ .kind = DIFF_MADVISE, .addr = base + 0x12000, .len = 0x1000,
		  .advice = MADV_DONTFORK },
		{ .kind = DIFF_MADVISE, .addr = base + 0x13000, .len = 0x1000,
		  .advice = MADV_DONTNEED },
		/* 8 */
		{ .kind = DIFF_FORK, .task = I },
		{ .kind = DIFF_PEEK, .addr = base + 0x10010, .task = C },
		{ .kind = DIFF_PEEK, .addr = base + 0x11020, .task = C },
		{ .kind = DIFF_PEEK, .addr = base + 0x12030, .task = C },
		{ .kind = DIFF_PEEK, .addr = base + 0x13040, .task = C },
		{ .kind = DIFF_PEEK, .addr = base + 0x11020, .task = I },
		/* 14 */
		{ .kind = DIFF_POKE, .addr = base + 0x10010, .byte = 0x55,
		  .task = C },
		{ .kind = DIFF_PEEK, .addr = base + 0x10010, .task = I },
		{ .kind = DIFF_PEEK, .addr = base + 0x10010, .task = C },
		{ .kind = DIFF_PEEK, .addr = base + 0x12030, .task = I },
		/* 18 */
		{ .kind = DIFF_EXIT, .task = C },
		{ .kind = DIFF_POKE, .addr = base + 0x10010, .byte = 0x66,
		  .task = I },
		{ .kind = DIFF_PEEK, .addr = base + 0x10010, .task = I },
	};
	/* clang-format on */
	/* clang-format off */
	static const char *const want[] = {
		[9] = "byte 0x11", [10] = "byte 0x00", [11] = "segv",
		[12] = "byte 0x00", [13] = "byte 0x22", [14] = "ok",
		[15] = "byte 0x11", [16] = "byte 0x55", [17] = "byte 0x33",
		[18] = "ok", [19] = "ok", [20] = "byte 0x66",
	};
	/* clang-format on */
	struct diff_seq seq = { .seed = 0,
				.base = base,
				.nr_ops = sizeof(ops) / sizeof(ops[0]),
				.ops = ops };
	struct diff_run a, b, c, s;
	struct diff_mismatch mm;
	char line[128], line2[64];
	bool results = true;

	diff_run_init(&a, seq.nr_ops);
	diff_run_init(&b, seq.nr_ops);
	diff_native_run(&seq, &a);
	diff_native_run(&seq, &b);
	expect_no_children("no process is left after a native fork run");
	expect(!a.error && a.nr_steps == seq.nr_ops,
	       "the native fork run completes");
	if (a.error)
		printf("  native error: %s\n", a.error);
	expect(diff_compare(&seq, &a, &b, &mm), "two native fork runs agree");
	if (a.error || a.nr_steps != seq.nr_ops)
		goto out;
	for (int i = 0; i < seq.nr_ops; i++) {
		if (i < (int)(sizeof(want) / sizeof(want[0])) && want[i] &&
		    strcmp(a.steps[i].result, want[i])) {
			printf("  native step %d: %s, expected %s\n", i,
			       a.steps[i].result, want[i]);
			results = false;
		}
	}
	expect(results, "natively, COW, MADV_WIPEONFORK, MADV_DONTFORK and "
			"MADV_DONTNEED do what they should across fork");
	snprintf(line, sizeof(line), "\nchild %lx-%lx rw-p ", base + 0x10000,
		 base + 0x11000);
	snprintf(line2, sizeof(line2), "\nchild %lx-", base + 0x12000);
	expect(strstr(a.steps[8].layout, line) &&
		       !strstr(a.steps[8].layout, line2) &&
		       strstr(a.steps[8].layout, "| rd wr mr mw me dc ac\n"),
	       "after the fork the child's window is shown, without the "
	       "MADV_DONTFORK page");
	expect(strncmp(a.steps[7].layout, "init ", 5) &&
		       !strncmp(a.steps[8].layout, "init  ", 6) &&
		       !strstr(a.steps[18].layout, "child "),
	       "the window lines name their task from the fork to the exit");

	/* A byte read differently in the child is caught where it is. */
	copy_run(&c, &b, seq.nr_ops);
	free(c.steps[16].result);
	c.steps[16].result = strdup("byte 0x11");
	expect_mismatch(&seq, &a, &c, 16, "result",
			"a changed peek in the child is caught");
	diff_run_free(&c);

	copy_run(&c, &b, seq.nr_ops);
	free(c.steps[11].result);
	c.steps[11].result = strdup("byte 0x33");
	expect_mismatch(&seq, &a, &c, 11, "result",
			"a MADV_DONTFORK page present in the child is caught");
	diff_run_free(&c);

	copy_run(&c, &b, seq.nr_ops);
	*strstr(c.steps[9].layout, "\nchild ") = '\0';
	expect_mismatch(&seq, &a, &c, 9, "layout",
			"a missing child window is caught");
	diff_run_free(&c);

	/* And in the simulator's run: perturb its child's peek. */
	diff_run_init(&s, seq.nr_ops);
	diff_sim_run(&seq, &s);
	if (s.nr_steps > 16) {
		bool agreed = diff_compare(&seq, &a, &s, &mm);

		s.steps[16].result[strlen(s.steps[16].result) - 1] ^= 1;
		expect(!diff_compare(&seq, &a, &s, &mm) &&
			       (agreed ? mm.step == 16 : mm.step <= 16),
		       "a perturbed mmsim peek in the child is caught");
	} else {
		expect(false, "the mmsim fork run has steps to perturb");
	}
	diff_run_free(&s);

	expect_round_trip(&seq, "a fork scenario reads back as it was "
				"written");

	/* Taking out the fork takes the child's ops with it. */
	{
		struct diff_op copy[sizeof(ops) / sizeof(ops[0])];
		struct diff_seq t = seq;

		memcpy(copy, ops, sizeof(ops));
		t.ops = copy;
		memmove(&copy[8], &copy[9], sizeof(copy[0]) * (t.nr_ops - 9));
		t.nr_ops--;
		diff_seq_fixup(&t);
		expect(t.nr_ops == 8 + 5 && diff_fork_step(&t) < 0,
		       "a sequence without its fork loses the child's ops");
	}
out:
	diff_run_free(&a);
	diff_run_free(&b);
}

static int self_test(unsigned long base)
{
	/* clang-format off */
	struct diff_op ops[] = {
		{ .kind = DIFF_MMAP, .addr = base + 0x10000, .len = 0x8000,
		  .prot = PROT_READ | PROT_WRITE,
		  .flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED },
		{ .kind = DIFF_TOUCH, .addr = base + 0x10000, .len = 0x2000,
		  .write = true },
		{ .kind = DIFF_MPROTECT, .addr = base + 0x12000, .len = 0x2000,
		  .prot = PROT_READ },
		{ .kind = DIFF_MADVISE, .addr = base + 0x13000, .len = 0x1000,
		  .advice = DIFF_MADV_BOGUS },
		{ .kind = DIFF_TOUCH, .addr = base + 0x17000, .len = 0x2000,
		  .write = true },
	};
	/* clang-format on */
	struct diff_seq seq = { .seed = 0,
				.base = base,
				.nr_ops = sizeof(ops) / sizeof(ops[0]),
				.ops = ops };
	struct diff_run a, b, c, s;
	struct diff_mismatch mm;
	char line[128];

	/* The host side is deterministic and sees what was done. */
	diff_run_init(&a, seq.nr_ops);
	diff_run_init(&b, seq.nr_ops);
	diff_native_run(&seq, &a);
	diff_native_run(&seq, &b);
	expect(!a.error && a.nr_steps == seq.nr_ops,
	       "the native run completes");
	if (a.error)
		printf("  native error: %s\n", a.error);
	expect(diff_compare(&seq, &a, &b, &mm), "two native runs agree");
	snprintf(line, sizeof(line), "%lx-%lx rw-p 00000000 00:00 0 ",
		 base + 0x10000, base + 0x18000);
	expect(a.nr_steps > 0 && strstr(a.steps[0].layout, line),
	       "the native window shows the mapping");
	expect(a.nr_steps > 1 && strstr(a.steps[1].layout,
					"| Rss 8 kB | Anonymous 8 kB |"),
	       "the native window shows the written pages");
	expect(a.nr_steps > 3 && !strcmp(a.steps[3].result, "-EINVAL"),
	       "unknown advice is -EINVAL natively");
	snprintf(line, sizeof(line), "segv %#lx x1", base + 0x18000);
	expect(a.nr_steps > 4 && !strcmp(a.steps[4].result, line),
	       "a touch past the mapping faults natively");
	if (a.error || a.nr_steps != seq.nr_ops)
		goto out_ab;

	/* Each kind of injected difference is caught where it was made. */
	copy_run(&c, &b, seq.nr_ops);
	c.steps[1].layout[strcspn(c.steps[1].layout, "|") + 6] ^= 1;
	expect_mismatch(&seq, &a, &c, 1, "layout", "a changed line is caught");
	diff_run_free(&c);

	copy_run(&c, &b, seq.nr_ops);
	c.steps[2].layout[strcspn(c.steps[2].layout, "\n") + 1] = '\0';
	expect_mismatch(&seq, &a, &c, 2, "layout", "a missing line is caught");
	diff_run_free(&c);

	copy_run(&c, &b, seq.nr_ops);
	free(c.steps[3].result);
	c.steps[3].result = strdup("0");
	expect_mismatch(&seq, &a, &c, 3, "result",
			"a changed result is caught");
	diff_run_free(&c);

	copy_run(&c, &b, seq.nr_ops);
	free(c.steps[4].result);
	c.steps[4].result = strdup("ok");
	expect_mismatch(&seq, &a, &c, 4, "result", "a missed fault is caught");
	diff_run_free(&c);

	copy_run(&c, &b, seq.nr_ops);
	free(c.steps[4].result);
	free(c.steps[4].layout);
	c.nr_steps = 4;
	diff_run_set_error(&c, "injected");
	expect_mismatch(&seq, &a, &c, 4, "error", "a stopped run is caught");
	diff_run_free(&c);

	/* And against the simulator: perturb one of its lines. */
	diff_run_init(&s, seq.nr_ops);
	diff_sim_run(&seq, &s);
	if (s.nr_steps > 1) {
		bool agreed = diff_compare(&seq, &a, &s, &mm);

		s.steps[1].layout[0] = s.steps[1].layout[0] == 'x' ? 'y' : 'x';
		expect(!diff_compare(&seq, &a, &s, &mm) &&
			       (agreed ? mm.step == 1 : mm.step <= 1),
		       "a perturbed mmsim line is caught");
	} else {
		expect(false, "the mmsim run has steps to perturb");
	}
	diff_run_free(&s);

	/* The printed scenario reads back as the same ops. */
	expect_round_trip(&seq, "a scenario reads back as it was written");
out_ab:
	diff_run_free(&a);
	diff_run_free(&b);
	self_test_fork(base);
	printf("diff_maps_selftest: %d passed, %d failed\n", st_pass, st_fail);
	return st_fail ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct utsname uts;
	struct timespec t0, t1;
	unsigned long base, passed = 0, failed = 0;
	bool modelled;
	int reports = 0;

	/* Started by diff_native_run(): nothing else may go to stdout. */
	if (argc == 3 && !strcmp(argv[1], "--native-child") &&
	    parse_ulong(argv[2], &base))
		diff_native_child(base);

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_args(argc, argv, &o))
		return 2;
	if (uname(&uts)) {
		perror("uname");
		return 2;
	}
	modelled = !strncmp(uts.release, MODELLED_RELEASE,
			    strlen(MODELLED_RELEASE)) &&
		   (uts.release[strlen(MODELLED_RELEASE)] == '.' ||
		    uts.release[strlen(MODELLED_RELEASE)] == '-' ||
		    !uts.release[strlen(MODELLED_RELEASE)]);
	if (diff_native_probe(window_bases,
			      sizeof(window_bases) / sizeof(window_bases[0]),
			      &base)) {
		fprintf(stderr, "diff_maps: no free window in this process\n");
		return 2;
	}
	diff_sim_overcommit = read_sysctl("/proc/sys/vm/overcommit_memory",
					  diff_sim_overcommit);
	diff_sim_max_map_count = read_sysctl("/proc/sys/vm/max_map_count",
					     diff_sim_max_map_count);
	printf("diff_maps: host kernel %s %s, window %#lx-%#lx, "
	       "overcommit_memory %d, max_map_count %d\n",
	       uts.sysname, uts.release, base, base + DIFF_WINDOW_SIZE,
	       diff_sim_overcommit, diff_sim_max_map_count);
	if (!modelled)
		printf("diff_maps: the host is not Linux %s: differences are "
		       "reported but do not fail\n",
		       MODELLED_RELEASE);
	if (o.self_test)
		return self_test(base);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (o.scenario) {
		struct diff_seq seq;
		char err[256];
		FILE *f = strcmp(o.scenario, "-") ? fopen(o.scenario, "r")
						  : stdin;

		if (!f) {
			perror(o.scenario);
			return 2;
		}
		if (diff_parse_scenario(f, &seq, base, err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", o.scenario, err);
			return 2;
		}
		if (f != stdin)
			fclose(f);
		printf("diff_maps: scenario %s, %d ops\n", o.scenario,
		       seq.nr_ops);
		if (run_one(&seq, &o, &reports))
			passed++;
		else
			failed++;
		diff_seq_free(&seq);
	} else {
		printf("diff_maps: seeds %lu..%lu, %d ops each\n", o.seed,
		       o.seed + o.count - 1, o.ops);
		for (unsigned long i = 0; i < o.count; i++) {
			struct diff_seq seq;

			diff_gen(&seq, o.seed + i, base, o.ops);
			if (run_one(&seq, &o, &reports))
				passed++;
			else
				failed++;
			diff_seq_free(&seq);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("diff_maps: %.1f s\n",
	       (double)(t1.tv_sec - t0.tv_sec) +
		       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	printf("diff_maps: %lu passed, %lu failed\n", passed, failed);
	if (failed && !modelled)
		return 0;
	return failed ? 1 : 0;
}
