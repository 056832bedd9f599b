// SPDX-License-Identifier: MIT
/*
 * Executors: one run of the body under a plan, in this process or in a
 * worker process.
 *
 * A worker is forked from the explorer and runs one request after the
 * other.  Requests and results go through a shared mapping, with one byte
 * on a socket each way to hand over.  The run writes its trail straight
 * into the mapping and publishes its length at every step, so that when
 * a run kills its worker (a crash, or an abort() in the model), the
 * explorer still has the decisions up to the last step and can name the
 * schedule that crashed.  A run that stops (deadlock, BUG(), livelock)
 * leaves its threads with locks held in the worker's copy of the world:
 * the worker answers, then exits, and the next request gets a new one.
 *
 * In this process the same code runs without the mapping's round trips;
 * a run that stops then poisons the process (the library's global SRCU
 * domain may have a reader that will never leave), and the executor
 * refuses further runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "exec.h"

#define IN_EXTRA (256UL << 10)
#define OUT_SIZE (8UL << 20)

struct shm {
	volatile unsigned long ntrail;
	size_t in_off, in_size, out_off, out_size, trail_off;
};

static struct tnode *shm_trail(struct executor *ex)
{
	return (struct tnode *)((char *)ex->shm + ex->shm->trail_off);
}

static char *shm_in(struct executor *ex)
{
	return (char *)ex->shm + ex->shm->in_off;
}

static char *shm_out(struct executor *ex)
{
	return (char *)ex->shm + ex->shm->out_off;
}

int exec_init(struct executor *ex, msim_run_body body, void *arg,
	      unsigned long max_steps, bool check_every_step, bool in_process,
	      bool quiet)
{
	size_t trail = (max_steps + 1) * sizeof(struct tnode);
	size_t in = max_steps + IN_EXTRA;
	size_t page = 4096;

	memset(ex, 0, sizeof(*ex));
	ex->body = body;
	ex->arg = arg;
	ex->max_steps = max_steps;
	ex->check_every_step = check_every_step;
	ex->in_process = in_process;
	ex->quiet = quiet;
	ex->pid = -1;
	ex->fd = -1;
	ex->shm_size = page + ((trail + page - 1) & ~(page - 1)) +
		       ((in + page - 1) & ~(page - 1)) + OUT_SIZE;
	ex->shm = mmap(NULL, ex->shm_size, PROT_READ | PROT_WRITE,
		       (in_process ? MAP_PRIVATE : MAP_SHARED) | MAP_ANONYMOUS |
			       MAP_NORESERVE,
		       -1, 0);
	if (ex->shm == MAP_FAILED) {
		ex->shm = NULL;
		return -ENOMEM;
	}
	ex->shm->trail_off = page;
	ex->shm->in_off = page + ((trail + page - 1) & ~(page - 1));
	ex->shm->in_size = in;
	ex->shm->out_off = ex->shm->in_off + ((in + page - 1) & ~(page - 1));
	ex->shm->out_size = OUT_SIZE;
	return 0;
}

/* Serialization into a bounded buffer; a reader of what overflowed sees
 * empty strings, never garbage. */
struct buf {
	char *p;
	size_t len, size;
	bool overflow;
};

static void put(struct buf *b, const void *data, size_t n)
{
	if (!n)
		return;
	if (b->len + n > b->size) {
		b->overflow = true;
		return;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void put_u64(struct buf *b, uint64_t v)
{
	put(b, &v, sizeof(v));
}

static void put_str(struct buf *b, const char *s)
{
	uint64_t n = s ? strlen(s) : 0;

	if (b->len + sizeof(n) + n > b->size)
		n = 0;
	put_u64(b, n);
	put(b, s, n);
}

static void get(struct buf *b, void *data, size_t n)
{
	if (!n)
		return;
	if (b->len + n > b->size) {
		memset(data, 0, n);
		b->overflow = true;
		return;
	}
	memcpy(data, b->p + b->len, n);
	b->len += n;
}

static uint64_t get_u64(struct buf *b)
{
	uint64_t v;

	get(b, &v, sizeof(v));
	return v;
}

static char *get_str(struct buf *b)
{
	uint64_t n = get_u64(b);
	char *s;

	if (n > b->size - b->len)
		n = 0;
	s = xcalloc(1, n + 1);
	get(b, s, n);
	return s;
}

/* Where a request's arrays live when read back (pointers into @b). */
static const void *get_ptr(struct buf *b, size_t n)
{
	const void *p = b->p + b->len;

	if (b->len + n > b->size) {
		b->overflow = true;
		return NULL;
	}
	b->len += n;
	return p;
}

static void put_req(struct buf *b, const struct exec_req *req)
{
	put_u64(b, req->kind);
	put_u64(b, req->nprefix);
	put(b, req->prefix, req->nprefix);
	put_u64(b, req->nsleep);
	put(b, req->sleep, req->nsleep * sizeof(*req->sleep));
	put_u64(b, (uint64_t)(int64_t)req->budget);
	put_u64(b, req->reduction);
	put_u64(b, req->seed);
	put_u64(b, req->depth);
	put_u64(b, req->pct_k);
	put_u64(b, req->schedule != NULL);
	put_str(b, req->schedule);
	put_u64(b, req->lenient);
	put_u64(b, req->want_schedule);
}

static void get_req(struct buf *b, struct exec_req *req, char **sched)
{
	memset(req, 0, sizeof(*req));
	req->kind = (enum plan_kind)get_u64(b);
	req->nprefix = get_u64(b);
	req->prefix = get_ptr(b, req->nprefix);
	req->nsleep = (unsigned int)get_u64(b);
	req->sleep = get_ptr(b, req->nsleep * sizeof(*req->sleep));
	req->budget = (int)(int64_t)get_u64(b);
	req->reduction = get_u64(b);
	req->seed = get_u64(b);
	req->depth = (unsigned int)get_u64(b);
	req->pct_k = get_u64(b);
	if (get_u64(b)) {
		*sched = get_str(b);
		req->schedule = *sched;
	} else {
		free(get_str(b));
	}
	req->lenient = get_u64(b);
	req->want_schedule = get_u64(b);
}

static void put_res(struct buf *b, const struct exec_res *res)
{
	unsigned int i;

	put_u64(b, res->ntrail);
	put_u64(b, res->redundant_from);
	put_u64(b, res->cut);
	put_u64(b, res->stopped);
	put_u64(b, res->bad_schedule);
	put_str(b, res->schedule);
	put_u64(b, res->preemptions);
	put_u64(b, res->steps);
	put_str(b, res->diverged);
	put_u64(b, res->nfails);
	for (i = 0; i < res->nfails; i++) {
		put_str(b, res->fails[i].kind);
		put_str(b, res->fails[i].msg);
	}
	put_u64(b, res->nedges);
	for (i = 0; i < res->nedges; i++) {
		put_str(b, res->edges[i].from);
		put_str(b, res->edges[i].to);
		put_str(b, res->edges[i].held_site);
		put_str(b, res->edges[i].site);
		put_str(b, res->edges[i].thread);
	}
	put_u64(b, res->nobs);
	for (i = 0; i < res->nobs; i++)
		put_str(b, res->obs[i]);
}

static void get_res(struct buf *b, struct exec_res *res)
{
	unsigned int i;
	char *s;

	res->ntrail = get_u64(b);
	res->redundant_from = get_u64(b);
	res->cut = get_u64(b);
	res->stopped = get_u64(b);
	res->bad_schedule = get_u64(b);
	res->schedule = get_str(b);
	res->preemptions = (unsigned int)get_u64(b);
	res->steps = get_u64(b);
	s = get_str(b);
	snprintf(res->diverged, sizeof(res->diverged), "%s", s);
	free(s);
	res->nfails = (unsigned int)get_u64(b);
	res->fails = xcalloc(res->nfails, sizeof(*res->fails));
	for (i = 0; i < res->nfails; i++) {
		res->fails[i].kind = get_str(b);
		res->fails[i].msg = get_str(b);
	}
	res->nedges = (unsigned int)get_u64(b);
	res->edges = xcalloc(res->nedges, sizeof(*res->edges));
	for (i = 0; i < res->nedges; i++) {
		res->edges[i].from = get_str(b);
		res->edges[i].to = get_str(b);
		res->edges[i].held_site = get_str(b);
		res->edges[i].site = get_str(b);
		res->edges[i].thread = get_str(b);
	}
	res->nobs = (unsigned int)get_u64(b);
	res->obs = xcalloc(res->nobs, sizeof(*res->obs));
	for (i = 0; i < res->nobs; i++)
		res->obs[i] = get_str(b);
}

void exec_res_free(struct exec_res *res)
{
	unsigned int i;

	free(res->schedule);
	for (i = 0; i < res->nfails; i++) {
		free(res->fails[i].kind);
		free(res->fails[i].msg);
	}
	free(res->fails);
	for (i = 0; i < res->nedges; i++)
		ledge_free(&res->edges[i]);
	free(res->edges);
	for (i = 0; i < res->nobs; i++)
		free(res->obs[i]);
	free(res->obs);
	memset(res, 0, sizeof(*res));
}

static void setup_plan(const struct exec_req *req, struct plan *plan)
{
	unsigned int i;

	memset(plan, 0, sizeof(*plan));
	plan->kind = req->kind;
	plan->redundant_from = ULONG_MAX;
	switch (req->kind) {
	case PLAN_DFS:
		plan->prefix = req->prefix;
		plan->nprefix = req->nprefix;
		plan->sleep = xcalloc(req->nsleep + 1, sizeof(*plan->sleep));
		if (req->nsleep)
			memcpy(plan->sleep, req->sleep,
			       req->nsleep * sizeof(*plan->sleep));
		plan->nsleep = req->nsleep;
		plan->budget = req->budget;
		plan->reduction = req->reduction;
		break;
	case PLAN_RANDOM:
		plan->rng = req->seed;
		break;
	case PLAN_PCT:
		plan->rng = req->seed;
		plan->depth = req->depth ? req->depth : 3;
		plan->pct_k = req->pct_k ? req->pct_k : 1;
		plan->nchange = plan->depth - 1;
		if (plan->nchange > 8)
			plan->nchange = 8;
		for (i = 0; i < plan->nchange; i++)
			plan->change[i] = splitmix64(&plan->rng) % plan->pct_k;
		plan->next_low = -1;
		break;
	default:
		break;
	}
}

static void add_res_fail(struct exec_res *res, const char *kind,
			 const char *msg)
{
	unsigned int i;

	for (i = 0; i < res->nfails; i++)
		if (!strcmp(res->fails[i].kind, kind) &&
		    !strcmp(res->fails[i].msg, msg))
			return;
	res->fails =
		xrealloc(res->fails, (res->nfails + 1) * sizeof(*res->fails));
	res->fails[res->nfails].kind = xstrdup(kind);
	res->fails[res->nfails].msg = xstrdup(msg);
	res->nfails++;
}

/*
 * What a run found, moved into @res: its failures (each once), lock
 * orders and observations (the run keeps none of them), and where it
 * left its schedule.
 */
static void take_findings(struct exec_res *res, struct msim_run *run)
{
	unsigned int i;

	for (i = 0; i < run->nfails; i++)
		add_res_fail(res, run->fails[i].kind, run->fails[i].msg);
	res->edges = xrealloc(res->edges, (res->nedges + run->nedges) *
						  sizeof(*res->edges));
	for (i = 0; i < run->nedges; i++) {
		res->edges[res->nedges++] = run->edges[i];
		memset(&run->edges[i], 0, sizeof(run->edges[i]));
	}
	res->obs =
		xrealloc(res->obs, (res->nobs + run->nobs) * sizeof(*res->obs));
	for (i = 0; i < run->nobs; i++) {
		res->obs[res->nobs++] = run->obs[i];
		run->obs[i] = NULL;
	}
	run->nedges = 0;
	run->nobs = 0;
	if (run->diverged[0] && !res->diverged[0])
		snprintf(res->diverged, sizeof(res->diverged), "%s",
			 run->diverged);
}

/*
 * The run's schedule string, after those of the parts before ("S1+S2").
 * Written only when someone reads it (exec.h, @want_schedule).
 */
static void add_schedule(struct exec_res *res, const struct exec_req *req,
			 const struct msim_run *run, const struct tnode *trail)
{
	char *s;

	if (req->want_schedule || req->schedule || run->nfails || run->nedges)
		s = schedule_string(trail, run->trail_len);
	else
		s = xstrdup("");
	if (res->schedule) {
		char *joined = xasprintf("%s+%s", res->schedule, s);

		free(res->schedule);
		free(s);
		s = joined;
	}
	res->schedule = s;
}

/* One part of a request: one run. */
static void run_part(struct executor *ex, const struct exec_req *req,
		     const char *part, struct lockdep *ld, struct tnode *trail,
		     volatile unsigned long *published, struct exec_res *res)
{
	struct msim_run run;
	struct plan plan;
	char err[256];

	if (part) {
		if (schedule_parse(part, &plan, err, sizeof(err))) {
			res->bad_schedule = true;
			snprintf(res->diverged, sizeof(res->diverged), "%s",
				 err);
			return;
		}
		plan.lenient = req->lenient;
		plan.redundant_from = ULONG_MAX;
	} else {
		setup_plan(req, &plan);
	}
	run_init(&run, &plan, ld, ex->max_steps, ex->check_every_step);
	run.trail = trail;
	run.trail_cap = ex->max_steps;
	run.trail_owned = false;
	run.trail_published = published;
	*published = 0;
	msim_sync_reset_ids();
	ex->body(&run, ex->arg);
	plan_end(&run);

	/* The schedule first: whether it is written depends on the findings. */
	add_schedule(res, req, &run, trail);
	take_findings(res, &run);
	res->trail = trail;
	res->ntrail = run.trail_len;
	res->redundant_from = plan.redundant_from < run.trail_len
				      ? plan.redundant_from
				      : run.trail_len;
	res->cut = plan.cut;
	res->stopped = run.stopped;
	res->steps = run.step;
	res->preemptions += trail_preemptions(trail, run.trail_len);
	plan_free(&plan);
	run_fini(&run);
}

static void exec_local(struct executor *ex, const struct exec_req *req,
		       struct exec_res *res)
{
	struct lockdep *ld = lockdep_create();
	struct tnode *trail = shm_trail(ex);

	memset(res, 0, sizeof(*res));
	if (req->schedule) {
		char *copy = xstrdup(req->schedule), *save, *part;

		for (part = strtok_r(copy, "+", &save); part;
		     part = strtok_r(NULL, "+", &save)) {
			run_part(ex, req, part, ld, trail, &ex->shm->ntrail,
				 res);
			if (res->stopped || res->bad_schedule)
				break;
		}
		if (!res->schedule && !res->bad_schedule)
			run_part(ex, req, "", ld, trail, &ex->shm->ntrail, res);
		free(copy);
	} else {
		run_part(ex, req, NULL, ld, trail, &ex->shm->ntrail, res);
	}
	lockdep_destroy(ld);
}

static void worker_main(struct executor *ex, int fd)
{
	struct exec_res res;
	struct exec_req req;
	struct buf b;
	char c, *sched;

	sched_after_fork();
	if (ex->quiet) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			close(null);
		}
	}
	for (;;) {
		if (read(fd, &c, 1) != 1)
			_exit(0);
		b = (struct buf){ shm_in(ex), 0, ex->shm->in_size, false };
		sched = NULL;
		get_req(&b, &req, &sched);
		exec_local(ex, &req, &res);
		free(sched);
		b = (struct buf){ shm_out(ex), 0, ex->shm->out_size, false };
		put_res(&b, &res);
		fflush(stdout);
		fflush(stderr);
		if (send(fd, "d", 1, MSG_NOSIGNAL) != 1 || res.stopped)
			_exit(0);
		exec_res_free(&res);
	}
}

static int spawn(struct executor *ex)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -ECHILD;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -ECHILD;
	}
	if (!pid) {
		close(sv[0]);
		worker_main(ex, sv[1]);
		_exit(0);
	}
	close(sv[1]);
	ex->pid = pid;
	ex->fd = sv[0];
	ex->spawned++;
	return 0;
}

static void reap(struct executor *ex, int *status)
{
	int st = 0;

	if (ex->fd >= 0)
		close(ex->fd);
	if (ex->pid > 0)
		while (waitpid(ex->pid, &st, 0) < 0 && errno == EINTR)
			;
	if (status)
		*status = st;
	ex->pid = -1;
	ex->fd = -1;
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "SIGSEGV";
	case SIGABRT:
		return "SIGABRT";
	case SIGBUS:
		return "SIGBUS";
	case SIGFPE:
		return "SIGFPE";
	case SIGILL:
		return "SIGILL";
	case SIGKILL:
		return "SIGKILL";
	case SIGTRAP:
		return "SIGTRAP";
	default:
		return NULL;
	}
}

int exec_run(struct executor *ex, const struct exec_req *req,
	     struct exec_res *res)
{
	struct buf b;
	char c = 'r';
	int status;

	if (ex->in_process) {
		if (ex->poisoned)
			return -EDEADLK;
		exec_local(ex, req, res);
		if (res->stopped)
			ex->poisoned = true;
		return 0;
	}
	if (ex->pid < 0 && spawn(ex))
		return -ECHILD;
	b = (struct buf){ shm_in(ex), 0, ex->shm->in_size, false };
	put_req(&b, req);
	ex->shm->ntrail = 0;
	memset(res, 0, sizeof(*res));
	if (send(ex->fd, &c, 1, MSG_NOSIGNAL) == 1 &&
	    read(ex->fd, &c, 1) == 1) {
		b = (struct buf){ shm_out(ex), 0, ex->shm->out_size, false };
		get_res(&b, res);
		res->trail = shm_trail(ex);
		if (res->stopped)
			reap(ex, NULL);
		return 0;
	}
	/* The worker died with the run. */
	reap(ex, &status);
	res->crashed = true;
	res->trail = shm_trail(ex);
	res->ntrail = ex->shm->ntrail;
	res->redundant_from = res->ntrail;
	res->steps = res->ntrail;
	res->schedule = schedule_string(res->trail, res->ntrail);
	res->preemptions = trail_preemptions(res->trail, res->ntrail);
	res->fails = xcalloc(1, sizeof(*res->fails));
	res->fails[0].kind = xstrdup("crash");
	if (WIFSIGNALED(status) && signal_name(WTERMSIG(status)))
		res->fails[0].msg =
			xasprintf("the run killed its process "
				  "with %s after %lu steps",
				  signal_name(WTERMSIG(status)), res->ntrail);
	else if (WIFSIGNALED(status))
		res->fails[0].msg = xasprintf("the run killed its process "
					      "with signal %d after %lu steps",
					      WTERMSIG(status), res->ntrail);
	else
		res->fails[0].msg = xasprintf("the run ended its process "
					      "(status %d) after %lu steps",
					      WEXITSTATUS(status), res->ntrail);
	res->nfails = 1;
	return 0;
}

void exec_fini(struct executor *ex)
{
	if (ex->pid > 0)
		reap(ex, NULL);
	if (ex->shm)
		munmap(ex->shm, ex->shm_size);
	memset(ex, 0, sizeof(*ex));
	ex->pid = -1;
	ex->fd = -1;
}
