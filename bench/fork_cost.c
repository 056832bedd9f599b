// SPDX-License-Identifier: MIT
/*
 * fork_cost - what fork costs per page of touched private anonymous
 * memory, and what the copy-on-write faults and the child's teardown that
 * follow it cost, in the simulator and in the host kernel.
 *
 * A parent maps N pages (default 65536, 256 MiB) read-write, private and
 * anonymous, and writes to every page once.  Each round then has two
 * children:
 *   fork         the parent forks child A (copy the page tables, share
 *                every page copy-on-write)
 *   exit shared  child A goes away at once, dropping its share of every page
 *   cow          the parent forks child B, which writes to every page: one
 *                COW fault per page, each copying a 4 KiB page
 *   exit private child B goes away, freeing its N private copies
 * The sim's side is msim_fork() of an init task, msim_exit() of the child
 * and msim_user_access() on every page of the child's mm.
 *
 * The host's side runs in a helper process forked at start-up, before the
 * simulated machine exists: forking this process would also copy the page
 * tables of the simulated RAM.  The helper times fork() until it returns
 * in the parent.  The children time their own work and report it through
 * a pipe: child B its write pass; both children munmap() of the range,
 * which is the bulk of what their exit would do (exit_mmap() of that VMA).
 * The time from a child's _exit() to waitpid() would add the scheduling of
 * both processes, which is noisy on a shared machine.
 * The host range is MADV_NOHUGEPAGE: the sim has no THP, and the
 * comparison is per 4 KiB page.
 *
 * Each round runs the sim then the host, so slow drift of the machine hits
 * both; the first round is a warm-up and is not counted.  The median of
 * the remaining rounds is reported.
 *
 * usage: fork_cost [-n pages] [-r rounds]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <mmsim/mmsim.h>

#include "bench.h"

enum phase { PH_FORK, PH_EXIT_SHARED, PH_COW, PH_EXIT_PRIVATE, NR_PHASES };

static const char *const phase_name[NR_PHASES] = {
	[PH_FORK] = "fork (per page)",
	[PH_EXIT_SHARED] = "child exit, all shared",
	[PH_COW] = "COW write fault in child",
	[PH_EXIT_PRIVATE] = "child exit, all COWed",
};

/* What the host helper sends back for a round: nanoseconds, in total. */
struct host_result {
	uint64_t ns[NR_PHASES];
};

static void write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			bench_die("write to pipe", 0);
		p += n;
		len -= (size_t)n;
	}
}

/* Return: 0, or -1 at end of file before @len bytes. */
static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			bench_die("read from pipe", 0);
		if (!n)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- the simulator ---- */

static void sim_expect(const char *what, unsigned long got, unsigned long want)
{
	if (got != want)
		fprintf(stderr,
			"fork_cost: warning: sim %s is %lu, expected %lu\n",
			what, got, want);
}

static unsigned long sim_pfn(struct mm_struct *mm, unsigned long addr)
{
	pte_t *ptep = msim_pte_offset(mm, addr);

	return ptep ? pte_pfn(mm->arch, *ptep) : 0;
}

static void sim_round(struct msim_machine *m, struct task_struct *init,
		      unsigned long addr, unsigned long npages,
		      double ns[NR_PHASES])
{
	unsigned long ps = mm_page_size(init->mm), i, free0, free1;
	struct task_struct *child;
	uint64_t t0;

	/* Child A: fork, then exit at once. */
	free0 = msim_nr_free_frames(m);
	t0 = bench_now_ns();
	child = msim_fork(init, 0, "child");
	ns[PH_FORK] = bench_now_ns() - t0;
	if (IS_ERR(child))
		bench_die("msim_fork", PTR_ERR(child));
	sim_expect("child's anon rss after fork",
		   get_mm_counter(child->mm, MM_ANONPAGES), npages);
	t0 = bench_now_ns();
	msim_exit(child);
	ns[PH_EXIT_SHARED] = bench_now_ns() - t0;
	msim_task_put(child);
	sim_expect("free frames after the child's exit", msim_nr_free_frames(m),
		   free0);

	/* Child B: fork, write every page, exit. */
	child = msim_fork(init, 0, "child");
	if (IS_ERR(child))
		bench_die("msim_fork", PTR_ERR(child));
	free1 = msim_nr_free_frames(m);
	t0 = bench_now_ns();
	for (i = 0; i < npages; i++) {
		int err = msim_user_access(child->mm, addr + i * ps, NULL, 1,
					   MSIM_ACCESS_WRITE, NULL);

		if (err)
			bench_die("msim_user_access", err);
	}
	ns[PH_COW] = bench_now_ns() - t0;
	/* Every write must have copied: none may have reused the page. */
	sim_expect("frames taken by the COW pass",
		   free1 - msim_nr_free_frames(m), npages);
	/* Mostly ascending: the frames of the fork's tables shift a few. */
	if (npages > 1 && sim_pfn(child->mm, addr + npages / 2 * ps) <
				  sim_pfn(child->mm, addr))
		fprintf(stderr, "fork_cost: warning: sim COW copies were in "
				"descending pfn order\n");
	t0 = bench_now_ns();
	msim_exit(child);
	ns[PH_EXIT_PRIVATE] = bench_now_ns() - t0;
	msim_task_put(child);
	sim_expect("free frames after the child's exit", msim_nr_free_frames(m),
		   free0);
	sim_expect("parent's anon rss", get_mm_counter(init->mm, MM_ANONPAGES),
		   npages);

	bench_flip_free_list(init->mm, npages * ps);
}

/* ---- the host ---- */

static void host_reap(pid_t pid, int fd, uint64_t *ns, size_t n)
{
	int status;

	if (read_full(fd, ns, n * sizeof(*ns)))
		bench_die("host child died before reporting", -EIO);
	close(fd);
	if (waitpid(pid, &status, 0) != pid)
		bench_die("waitpid", 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		bench_die("host child failed", -EIO);
}

static void host_round(volatile char *p, unsigned long npages, unsigned long ps,
		       struct host_result *res)
{
	unsigned long len = npages * ps, i;
	uint64_t t0, t1, ns[2];
	int fds[2];
	pid_t pid;

	/* Child A: fork, then munmap at once. */
	if (pipe(fds))
		bench_die("pipe", 0);
	t0 = bench_now_ns();
	pid = fork();
	if (!pid) {
		close(fds[0]);
		t1 = bench_now_ns();
		if (munmap((void *)p, len))
			_exit(1);
		ns[0] = bench_now_ns() - t1;
		write_full(fds[1], ns, sizeof(ns[0]));
		_exit(0);
	}
	t1 = bench_now_ns();
	if (pid < 0)
		bench_die("fork", 0);
	close(fds[1]);
	res->ns[PH_FORK] = t1 - t0;
	host_reap(pid, fds[0], ns, 1);
	res->ns[PH_EXIT_SHARED] = ns[0];

	/* Child B: fork, write every page, munmap. */
	if (pipe(fds))
		bench_die("pipe", 0);
	pid = fork();
	if (pid < 0)
		bench_die("fork", 0);
	if (!pid) {
		close(fds[0]);
		t1 = bench_now_ns();
		for (i = 0; i < npages; i++)
			p[i * ps] = 2;
		ns[0] = bench_now_ns() - t1;
		t1 = bench_now_ns();
		if (munmap((void *)p, len))
			_exit(1);
		ns[1] = bench_now_ns() - t1;
		write_full(fds[1], ns, sizeof(ns));
		_exit(0);
	}
	close(fds[1]);
	host_reap(pid, fds[0], ns, 2);
	res->ns[PH_COW] = ns[0];
	res->ns[PH_EXIT_PRIVATE] = ns[1];
}

/*
 * The host helper: maps and touches its range, then runs a round for each
 * byte read from @cmd and answers each on @out, until end of file.
 */
static void host_helper(int cmd, int out, unsigned long npages)
{
	unsigned long ps = (unsigned long)sysconf(_SC_PAGESIZE);
	unsigned long len = npages * ps, i;
	struct host_result res;
	volatile char *p;
	char c;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		bench_die("mmap", 0);
	/* Per 4 KiB page, like the sim: no THP, on either side of the fork. */
	if (madvise((void *)p, len, MADV_NOHUGEPAGE))
		bench_die("madvise(MADV_NOHUGEPAGE)", 0);
	for (i = 0; i < npages; i++)
		p[i * ps] = 1;
	while (read_full(cmd, &c, 1) == 0) {
		memset(&res, 0, sizeof(res));
		host_round(p, npages, ps, &res);
		write_full(out, &res, sizeof(res));
	}
	_exit(0);
}

struct host {
	pid_t pid;
	int cmd, out;
};

static void host_start(struct host *h, unsigned long npages)
{
	int cmd[2], out[2];

	if (pipe(cmd) || pipe(out))
		bench_die("pipe", 0);
	fflush(NULL);
	h->pid = fork();
	if (h->pid < 0)
		bench_die("fork", 0);
	if (!h->pid) {
		close(cmd[1]);
		close(out[0]);
		host_helper(cmd[0], out[1], npages);
	}
	close(cmd[0]);
	close(out[1]);
	h->cmd = cmd[1];
	h->out = out[0];
}

static void host_run_round(struct host *h, struct host_result *res)
{
	write_full(h->cmd, "r", 1);
	if (read_full(h->out, res, sizeof(*res)))
		bench_die("host helper died", -EIO);
}

static void host_stop(struct host *h)
{
	int status;

	close(h->cmd);
	close(h->out);
	if (waitpid(h->pid, &status, 0) != h->pid)
		bench_die("waitpid", 0);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: fork_cost [-n pages] [-r rounds]\n"
		"  -n  pages of the parent's mapping (default 65536, 256 MiB)\n"
		"  -r  counted rounds, after one warm-up (default 7)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long ps = msim_page_size(&msim_arch_x86_64);
	unsigned long npages = 65536, rounds = 7, r, ram, addr, i;
	double *sim[NR_PHASES], *host[NR_PHASES], med[2][NR_PHASES];
	struct msim_machine *m;
	struct task_struct *init;
	struct host h;
	char params[160];
	long ret;
	int p;

	bench_parse_n_r(argc, argv, &npages, &rounds, usage);

	for (p = 0; p < NR_PHASES; p++) {
		sim[p] = calloc(rounds, sizeof(double));
		host[p] = calloc(rounds, sizeof(double));
		if (!sim[p] || !host[p])
			bench_die("calloc", 0);
	}

	snprintf(params, sizeof(params),
		 "%lu pages (%lu MiB) touched before fork, %lu rounds + 1 "
		 "warm-up, median",
		 npages, npages * ps >> 20, rounds);
	bench_print_header("fork_cost", params);

	/* Before the simulated RAM exists, so that it is not the host's
	 * to copy at fork. */
	host_start(&h, npages);

	/*
	 * 1 GiB, or more if the parent's pages, a child's copies of them,
	 * two sets of page tables (one per 512 pages) and slack for the
	 * upper levels need it.
	 */
	ram = (2 * npages + npages / 128 + 4096) * ps;
	if (ram < 1UL << 30)
		ram = 1UL << 30;
	m = msim_machine_create(&(struct msim_machine_config){
		.arch = &msim_arch_x86_64,
		.ram_bytes = ram,
	});
	if (IS_ERR(m))
		bench_die("msim_machine_create", PTR_ERR(m));
	init = msim_task_create(m, "init");
	if (IS_ERR(init))
		bench_die("msim_task_create", PTR_ERR(init));
	msim_set_current(init);
	ret = msim_mmap(init->mm, 0, npages * ps, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS);
	if (IS_ERR_VALUE((unsigned long)ret))
		bench_die("msim_mmap", ret);
	addr = (unsigned long)ret;
	for (i = 0; i < npages; i++) {
		int err = msim_user_access(init->mm, addr + i * ps, NULL, 1,
					   MSIM_ACCESS_WRITE, NULL);

		if (err)
			bench_die("msim_user_access", err);
	}
	sim_expect("parent's anon rss", get_mm_counter(init->mm, MM_ANONPAGES),
		   npages);

	for (r = 0; r <= rounds; r++) {
		struct host_result hr;
		double s[NR_PHASES];

		sim_round(m, init, addr, npages, s);
		host_run_round(&h, &hr);
		if (!r)
			continue;
		for (p = 0; p < NR_PHASES; p++) {
			sim[p][r - 1] = s[p] / npages;
			host[p][r - 1] = (double)hr.ns[p] / npages;
		}
	}
	host_stop(&h);

	printf("%-32s %14s %14s %10s\n", "operation", "sim ns/page",
	       "host ns/page", "sim/host");
	for (p = 0; p < NR_PHASES; p++) {
		med[0][p] = bench_median(sim[p], rounds);
		med[1][p] = bench_median(host[p], rounds);
		printf("%-32s %14.1f %14.1f %10.2f\n", phase_name[p], med[0][p],
		       med[1][p], med[1][p] > 0 ? med[0][p] / med[1][p] : 0.0);
		free(sim[p]);
		free(host[p]);
	}
	printf("\nfork of %lu MiB: sim %.2f ms, host %.2f ms\n",
	       npages * ps >> 20, med[0][PH_FORK] * npages / 1e6,
	       med[1][PH_FORK] * npages / 1e6);

	msim_set_current(NULL);
	msim_exit(init);
	msim_task_put(init);
	if (msim_machine_destroy(m))
		fprintf(stderr, "fork_cost: warning: machine still busy\n");
	return 0;
}
