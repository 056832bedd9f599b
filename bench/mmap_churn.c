// SPDX-License-Identifier: MIT
/*
 * mmap_churn - random mmap / munmap / mprotect of small ranges inside a
 * fixed window, so that VMAs are split and merged all the time, in the
 * simulator and with the same calls on the host kernel.
 *
 * The operations are drawn once from a seeded RNG and replayed on both
 * sides, so both do the same work: mmap with MAP_FIXED, mmap with the
 * address only as a hint (which lands elsewhere when the range is taken:
 * that mapping is unmapped again at once, as part of the operation),
 * munmap, and mprotect between PROT_READ and PROT_READ|PROT_WRITE.
 *
 * Since the sequence is the same, so should the outcome be: every call's
 * result and the final layout of the window are compared between the sim
 * and the host, and a difference is reported.  That is a check on the
 * model, not part of the timing.
 *
 * usage: mmap_churn [-n ops] [-r rounds] [-w window_pages] [-l max_len]
 *	[-s seed] [-t]
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <mmsim/mmsim.h>

#include "bench.h"

/*
 * 32 TiB: far below the host's top-down mmap area, above its heap and
 * binary, and above ASan's shadow (which ends at 0x10007fff7fff), so that
 * the program also runs in a sanitizer build.
 */
#define WINDOW_BASE 0x200000000000UL

enum op_kind { OP_MMAP_FIXED, OP_MMAP_HINT, OP_MUNMAP, OP_MPROTECT, NR_OPS };

static const char *const op_name[NR_OPS] = {
	[OP_MMAP_FIXED] = "mmap MAP_FIXED",
	[OP_MMAP_HINT] = "mmap hint",
	[OP_MUNMAP] = "munmap",
	[OP_MPROTECT] = "mprotect",
};

struct op {
	unsigned char kind;
	unsigned char prot;
	unsigned int len; /* pages */
	unsigned long addr;
};

/*
 * A call's result in a form both sides can produce: 0, 1 for a hint that
 * was not honoured, or -errno.
 */
typedef int result_t;

struct run {
	double ns[NR_OPS]; /* total time spent in each kind */
	unsigned long count[NR_OPS];
	unsigned long failed, hint_missed;
};

struct layout_entry {
	unsigned long start, end;
	char perms[3];
};

static struct {
	unsigned long nops, rounds, window_pages, max_len;
	uint64_t seed;
	bool touch;
	unsigned long ps;
} cfg = {
	.nops = 100000,
	.rounds = 7,
	.window_pages = 1024,
	.max_len = 16,
	.seed = 1,
};

static struct op *make_ops(void)
{
	struct op *ops = calloc(cfg.nops, sizeof(*ops));
	struct bench_rng rng;
	unsigned long i;

	if (!ops)
		bench_die("calloc", 0);
	bench_rng_seed(&rng, cfg.seed);
	for (i = 0; i < cfg.nops; i++) {
		unsigned int pick = bench_rng_below(&rng, 100);
		unsigned long len = 1 + bench_rng_below(&rng, cfg.max_len);
		unsigned long off =
			bench_rng_below(&rng, cfg.window_pages - len + 1);

		/* 30% fixed, 15% hint, 30% munmap, 25% mprotect */
		if (pick < 30)
			ops[i].kind = OP_MMAP_FIXED;
		else if (pick < 45)
			ops[i].kind = OP_MMAP_HINT;
		else if (pick < 75)
			ops[i].kind = OP_MUNMAP;
		else
			ops[i].kind = OP_MPROTECT;
		ops[i].prot = bench_rng_below(&rng, 2) ? PROT_READ | PROT_WRITE
						       : PROT_READ;
		ops[i].len = len;
		ops[i].addr = WINDOW_BASE + off * cfg.ps;
	}
	return ops;
}

/* The sim side: the lock-taking system calls, as a program makes them. */
static result_t sim_op(struct mm_struct *mm, const struct op *op)
{
	unsigned long len = op->len * cfg.ps;
	long ret;

	switch (op->kind) {
	case OP_MMAP_FIXED:
	case OP_MMAP_HINT:
		ret = msim_mmap(
			mm, op->addr, len, op->prot,
			MAP_PRIVATE | MAP_ANONYMOUS |
				(op->kind == OP_MMAP_FIXED ? MAP_FIXED : 0));
		if (IS_ERR_VALUE((unsigned long)ret))
			return (result_t)ret;
		/* As the host does: a store would be SIGSEGV on PROT_READ. */
		if (cfg.touch &&
		    msim_user_access(mm, ret, NULL, len,
				     op->prot & PROT_WRITE ? MSIM_ACCESS_WRITE
							   : MSIM_ACCESS_READ,
				     NULL))
			bench_die("msim_user_access", -EFAULT);
		if ((unsigned long)ret != op->addr) {
			int err = msim_munmap(mm, ret, len);

			if (err)
				bench_die("msim_munmap of a missed hint", err);
			return 1;
		}
		return 0;
	case OP_MUNMAP:
		return msim_munmap(mm, op->addr, len);
	default:
		return msim_mprotect(mm, op->addr, len, op->prot);
	}
}

static result_t host_op(const struct op *op)
{
	unsigned long len = op->len * cfg.ps;
	char *p;

	switch (op->kind) {
	case OP_MMAP_FIXED:
	case OP_MMAP_HINT:
		p = mmap((void *)op->addr, len, op->prot,
			 MAP_PRIVATE | MAP_ANONYMOUS |
				 (op->kind == OP_MMAP_FIXED ? MAP_FIXED : 0),
			 -1, 0);
		if (p == MAP_FAILED)
			return -errno;
		if (cfg.touch) {
			unsigned long i;

			/* Read-only mappings: a store would be SIGSEGV. */
			for (i = 0; i < len; i += cfg.ps) {
				if (op->prot & PROT_WRITE)
					((volatile char *)p)[i] = 1;
				else
					(void)((volatile char *)p)[i];
			}
		}
		if ((unsigned long)p != op->addr) {
			if (munmap(p, len))
				bench_die("munmap of a missed hint", 0);
			return 1;
		}
		return 0;
	case OP_MUNMAP:
		return munmap((void *)op->addr, len) ? -errno : 0;
	default:
		return mprotect((void *)op->addr, len, op->prot) ? -errno : 0;
	}
}

/*
 * One clock read per operation: the time since the previous read is
 * charged to this operation's kind, so the per-kind figures add up to
 * the total and the clock costs every kind the same.
 */
static void run_ops(const struct op *ops, struct mm_struct *mm, result_t *res,
		    struct run *run)
{
	uint64_t prev = bench_now_ns(), now;
	unsigned long i;

	memset(run, 0, sizeof(*run));
	for (i = 0; i < cfg.nops; i++) {
		res[i] = mm ? sim_op(mm, &ops[i]) : host_op(&ops[i]);
		now = bench_now_ns();
		run->ns[ops[i].kind] += now - prev;
		run->count[ops[i].kind]++;
		prev = now;
	}
	for (i = 0; i < cfg.nops; i++) {
		if (res[i] < 0)
			run->failed++;
		else if (res[i] == 1)
			run->hint_missed++;
	}
}

static size_t sim_layout(struct mm_struct *mm, struct layout_entry *out,
			 size_t max)
{
	unsigned long end = WINDOW_BASE + cfg.window_pages * cfg.ps;
	struct vm_area_struct *vma;
	size_t n = 0;

	mmap_read_lock(mm);
	for_each_vma(mm, vma) {
		if (vma->vm_end <= WINDOW_BASE || vma->vm_start >= end)
			continue;
		if (n < max) {
			out[n].start = vma->vm_start;
			out[n].end = vma->vm_end;
			out[n].perms[0] = vma->vm_flags & VM_READ ? 'r' : '-';
			out[n].perms[1] = vma->vm_flags & VM_WRITE ? 'w' : '-';
			out[n].perms[2] = '\0';
		}
		n++;
	}
	mmap_read_unlock(mm);
	return n;
}

static size_t host_layout(struct layout_entry *out, size_t max)
{
	unsigned long end = WINDOW_BASE + cfg.window_pages * cfg.ps;
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	size_t n = 0;

	if (!f)
		bench_die("/proc/self/maps", 0);
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		char perms[5];

		if (sscanf(line, "%lx-%lx %4s", &s, &e, perms) != 3)
			continue;
		if (e <= WINDOW_BASE || s >= end)
			continue;
		if (n < max) {
			out[n].start = s;
			out[n].end = e;
			out[n].perms[0] = perms[0];
			out[n].perms[1] = perms[1];
			out[n].perms[2] = '\0';
		}
		n++;
	}
	fclose(f);
	return n;
}

/* Compare the window on both sides; print and return the VMA counts. */
static bool compare_layouts(struct mm_struct *mm, size_t *nsim, size_t *nhost)
{
	size_t max = cfg.window_pages + 1, i;
	struct layout_entry *a = calloc(max, sizeof(*a));
	struct layout_entry *b = calloc(max, sizeof(*b));
	bool same;

	if (!a || !b)
		bench_die("calloc", 0);
	*nsim = sim_layout(mm, a, max);
	*nhost = host_layout(b, max);
	same = *nsim == *nhost;
	for (i = 0; same && i < *nsim; i++) {
		if (a[i].start != b[i].start || a[i].end != b[i].end ||
		    strcmp(a[i].perms, b[i].perms)) {
			fprintf(stderr,
				"mmap_churn: layout differs at VMA %zu: sim %lx-%lx %s, host %lx-%lx %s\n",
				i, a[i].start, a[i].end, a[i].perms, b[i].start,
				b[i].end, b[i].perms);
			same = false;
		}
	}
	free(a);
	free(b);
	return same;
}

static unsigned long compare_results(const struct op *ops, const result_t *s,
				     const result_t *h)
{
	unsigned long i, diff = 0;

	for (i = 0; i < cfg.nops; i++) {
		if (s[i] == h[i])
			continue;
		if (diff++ < 5)
			fprintf(stderr,
				"mmap_churn: op %lu (%s %#lx +%u pages, prot %d): sim %d (%s), host %d (%s)\n",
				i, op_name[ops[i].kind], ops[i].addr,
				ops[i].len, ops[i].prot, s[i],
				s[i] < 0 ? msim_errno_name(s[i]) : "ok", h[i],
				h[i] < 0 ? msim_errno_name(h[i]) : "ok");
	}
	return diff;
}

static void window_reset(struct mm_struct *mm)
{
	unsigned long len = cfg.window_pages * cfg.ps;
	int err = msim_munmap(mm, WINDOW_BASE, len);

	if (err)
		bench_die("msim_munmap of the window", err);
	if (munmap((void *)WINDOW_BASE, len))
		bench_die("munmap of the window", 0);
}

/*
 * MAP_FIXED would silently replace whatever the host had there; make sure
 * the window is free before using it.
 */
static void host_claim_window(void)
{
	unsigned long len = cfg.window_pages * cfg.ps;
	void *p =
		mmap((void *)WINDOW_BASE, len, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p != (void *)WINDOW_BASE) {
		fprintf(stderr, "mmap_churn: host window %#lx is not free\n",
			WINDOW_BASE);
		exit(1);
	}
	munmap(p, len);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mmap_churn [-n ops] [-r rounds] [-w window_pages] [-l max_len] [-s seed] [-t]\n"
		"  -n  operations a round (default 100000)\n"
		"  -r  rounds, median reported (default 7)\n"
		"  -w  window size in pages (default 1024)\n"
		"  -l  longest range in pages (default 16)\n"
		"  -s  RNG seed (default 1)\n"
		"  -t  touch every page of each new mapping\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct run *sim_runs, *host_runs;
	result_t *sres, *hres;
	struct msim_machine *m;
	struct mm_struct *mm;
	struct op *ops;
	double v[64], sim_ns[NR_OPS + 1], host_ns[NR_OPS + 1];
	unsigned long r, mismatches = 0;
	size_t nsim = 0, nhost = 0;
	bool layouts_same = true;
	char params[256];
	int opt, k;

	while ((opt = getopt(argc, argv, "n:r:w:l:s:th")) != -1) {
		switch (opt) {
		case 'n':
			cfg.nops = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			cfg.rounds = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			cfg.window_pages = strtoul(optarg, NULL, 0);
			break;
		case 'l':
			cfg.max_len = strtoul(optarg, NULL, 0);
			break;
		case 's':
			cfg.seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			cfg.touch = true;
			break;
		default:
			usage();
		}
	}
	if (!cfg.nops || !cfg.rounds || cfg.rounds > 64 || !cfg.max_len ||
	    cfg.window_pages < cfg.max_len)
		usage();

	cfg.ps = (unsigned long)sysconf(_SC_PAGESIZE);
	m = msim_machine_create(&(struct msim_machine_config){
		/* The whole window populated, its tables, and slack. */
		.ram_bytes = (cfg.window_pages + 4096) * cfg.ps,
	});
	if (IS_ERR(m))
		bench_die("msim_machine_create", PTR_ERR(m));
	if (msim_page_size(m->arch) != cfg.ps) {
		fprintf(stderr, "mmap_churn: host page size %lu, sim %lu\n",
			cfg.ps, msim_page_size(m->arch));
		return 1;
	}
	mm = mm_alloc(m);
	if (!mm)
		bench_die("mm_alloc", -ENOMEM);
	host_claim_window();

	ops = make_ops();
	sres = calloc(cfg.nops, sizeof(*sres));
	hres = calloc(cfg.nops, sizeof(*hres));
	sim_runs = calloc(cfg.rounds, sizeof(*sim_runs));
	host_runs = calloc(cfg.rounds, sizeof(*host_runs));
	if (!sres || !hres || !sim_runs || !host_runs)
		bench_die("calloc", 0);

	snprintf(
		params, sizeof(params),
		"%lu ops a round, window %lu pages at %#lx, ranges 1-%lu pages, seed %" PRIu64
		", %s, %lu rounds, median",
		cfg.nops, cfg.window_pages, WINDOW_BASE, cfg.max_len, cfg.seed,
		cfg.touch ? "pages touched" : "pages not touched", cfg.rounds);
	bench_print_header("mmap_churn", params);

	for (r = 0; r < cfg.rounds; r++) {
		run_ops(ops, mm, sres, &sim_runs[r]);
		run_ops(ops, NULL, hres, &host_runs[r]);
		/* Every round replays the same sequence: check only once. */
		if (!r) {
			mismatches = compare_results(ops, sres, hres);
			layouts_same = compare_layouts(mm, &nsim, &nhost);
		}
		window_reset(mm);
	}

	printf("%-20s %9s %13s %13s %10s\n", "operation", "count", "sim ns/op",
	       "host ns/op", "sim/host");
	for (k = 0; k <= NR_OPS; k++) {
		unsigned long count = 0;
		int j;

		for (j = 0; j < NR_OPS; j++)
			if (k == NR_OPS || j == k)
				count += sim_runs[0].count[j];
		for (r = 0; r < cfg.rounds; r++) {
			double t = 0;

			for (j = 0; j < NR_OPS; j++)
				if (k == NR_OPS || j == k)
					t += sim_runs[r].ns[j];
			v[r] = count ? t / count : 0;
		}
		sim_ns[k] = bench_median(v, cfg.rounds);
		for (r = 0; r < cfg.rounds; r++) {
			double t = 0;

			for (j = 0; j < NR_OPS; j++)
				if (k == NR_OPS || j == k)
					t += host_runs[r].ns[j];
			v[r] = count ? t / count : 0;
		}
		host_ns[k] = bench_median(v, cfg.rounds);
		printf("%-20s %9lu %13.1f %13.1f %10.2f\n",
		       k == NR_OPS ? "all" : op_name[k], count, sim_ns[k],
		       host_ns[k], host_ns[k] > 0 ? sim_ns[k] / host_ns[k] : 0);
	}
	printf("\nthroughput: sim %.0f ops/s, host %.0f ops/s, sim/host %.2f\n",
	       1e9 / sim_ns[NR_OPS], 1e9 / host_ns[NR_OPS],
	       host_ns[NR_OPS] / sim_ns[NR_OPS]);
	printf("failed calls: sim %lu, host %lu; hints not honoured: sim %lu, host %lu\n",
	       sim_runs[0].failed, host_runs[0].failed, sim_runs[0].hint_missed,
	       host_runs[0].hint_missed);
	printf("cross-check: %lu of %lu results differ; final window %s (sim %zu VMAs, host %zu)\n",
	       mismatches, cfg.nops, layouts_same ? "identical" : "DIFFERS",
	       nsim, nhost);

	free(ops);
	free(sres);
	free(hres);
	free(sim_runs);
	free(host_runs);
	mmput(mm);
	if (msim_machine_destroy(m))
		fprintf(stderr, "mmap_churn: warning: machine still busy\n");
	/*
	 * A difference is a finding about the model, not a failure of the
	 * benchmark: it is printed above, and the `bench` target goes on.
	 */
	if (mismatches || !layouts_same)
		fprintf(stderr,
			"mmap_churn: WARNING: the sim and the host disagree\n");
	return 0;
}
