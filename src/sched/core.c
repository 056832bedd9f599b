// SPDX-License-Identifier: MIT
/*
 * A run in controlled mode: simulated threads as fibers on the host
 * thread, the library's hooks (locking.h) turned into scheduling
 * decisions, and the checks a run makes on the way.
 *
 * Exactly one simulated thread runs.  At each scheduling point it calls
 * decide(), which asks the plan (plan.c) for the thread to run next and
 * switches to it directly: there is no scheduler thread in between, so a
 * decision costs one switch.  Each decision is a step, recorded in the
 * trail: which threads could run, which ran before, which runs now, and
 * (filled at the next step) the footprint of what it did, which the
 * reduction and the schedule strings are made from.
 *
 * A thread that must wait (a lock taken, an SRCU grace period, the
 * notifiers' odd window) is blocked until a wake on what it waits for;
 * one that polls (msim_sync_yield()) is not a candidate while another
 * thread can run.  When no thread can run and some are blocked, that is a
 * deadlock: the report names each blocked thread, what it waits for,
 * where, and who holds it.  The run is then stopped: its threads stay
 * where they are, forever, and the caller must leave the world alone.
 *
 * The checks, from the hooks: sleeping (might_sleep()) with a spinlock
 * held or inside a callback of a range that may not block; taking a lock
 * the thread already holds (for the mmap lock, "mmap_lock recursion");
 * lock order (lockdep.c); a thread that ends with a lock held; BUG()s,
 * which stop the run, and WARN()s (the kernel tree's), which do not; and
 * a run that takes more steps than its bound (a livelock).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <mmsim/srcu.h>
#include <mmsim/trace.h>
#include "run.h"

static struct msim_fiber pool[MSIM_MAX_THREADS];
static bool pool_ready[MSIM_MAX_THREADS];
/* The run whose section is running: wakes may come from the host. */
static struct msim_run *active_run;

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		abort();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		abort();
	return p;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		abort();
	return d;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

void site_format(char *buf, size_t size, const char *func, const char *file,
		 int line)
{
	const char *base;

	if (!func) {
		snprintf(buf, size, "?");
		return;
	}
	base = file ? strrchr(file, '/') : NULL;
	base = base ? base + 1 : file;
	snprintf(buf, size, "%s (%s:%d)", func, base ? base : "?", line);
}

/* Footprints. */

void fp_add(struct fp *fp, uint64_t key, bool write)
{
	unsigned int i;

	if (fp->global)
		return;
	for (i = 0; i < fp->n; i++) {
		if ((fp->e[i] & ~FP_WRITE) == key) {
			if (write)
				fp->e[i] |= FP_WRITE;
			return;
		}
	}
	if (fp->n == FP_MAX) {
		fp->global = true;
		return;
	}
	fp->e[fp->n++] = key | (write ? FP_WRITE : 0);
}

bool fp_independent(const struct fp *a, const struct fp *b)
{
	unsigned int i, j;

	if (a->global || b->global)
		return false;
	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++)
			if ((a->e[i] & ~FP_WRITE) == (b->e[j] & ~FP_WRITE) &&
			    ((a->e[i] | b->e[j]) & FP_WRITE))
				return false;
	return true;
}

/* Events. */

static bool is_lock_event(enum msim_sync_event ev)
{
	return ev <= MSIM_SYNC_SYNCHRONIZE_SRCU;
}

const char *thread_event(const struct sthread *t, char *buf, size_t size)
{
	if (t->at_start)
		snprintf(buf, size, "start");
	else if (t->state == ST_DONE)
		snprintf(buf, size, "end");
	else if (is_lock_event(t->ev))
		snprintf(buf, size, "%s(%s)", msim_sync_event_name(t->ev),
			 t->ev_name ? t->ev_name : "?");
	else if (t->ev == MSIM_SYNC_PREEMPT)
		snprintf(buf, size, "%s", t->ev_name ? t->ev_name : "?");
	else
		snprintf(buf, size, "%s:%s", msim_sync_event_name(t->ev),
			 t->ev_name ? t->ev_name : "?");
	return buf;
}

static uint32_t fnv_str(uint32_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* What identifies the event @t is at, cheaply (no formatting). */
static uint32_t thread_event_hash(const struct sthread *t)
{
	uint32_t h = 2166136261u;

	h = (h ^ (uint32_t)t->idx) * 16777619u;
	if (t->at_start)
		return (h ^ 0xff) * 16777619u;
	h = (h ^ (uint32_t)t->ev) * 16777619u;
	return fnv_str(h, t->ev_name);
}

uint32_t event_hash(int thread, const char *event)
{
	return fnv_str((2166136261u ^ (uint32_t)thread) * 16777619u, event);
}

/* Failures. */

void run_add_fail(struct msim_run *run, const char *kind, char *msg)
{
	unsigned int i;

	for (i = 0; i < run->nfails; i++) {
		if (!strcmp(run->fails[i].kind, kind) &&
		    !strcmp(run->fails[i].msg, msg)) {
			free(msg);
			return;
		}
	}
	if (msim_trace_on()) {
		size_t n = strcspn(msg, "\n");
		char first[MSIM_TRACE_STR];

		snprintf(first, sizeof(first), "%.*s", (int)n, msg);
		msim_trace(MSIM_TRACE_FAILURE, .s = { kind, first });
	}
	/* A run that fails in a loop says so a few times, not forever. */
	if (run->nfails >= 32) {
		free(msg);
		return;
	}
	run->fails =
		xrealloc(run->fails, (run->nfails + 1) * sizeof(*run->fails));
	snprintf(run->fails[run->nfails].kind, sizeof(run->fails[0].kind), "%s",
		 kind);
	run->fails[run->nfails].msg = msg;
	run->nfails++;
}

void run_failf(struct msim_run *run, const char *kind, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	run_add_fail(run, kind, msg);
}

void msim_run_fail(struct msim_run *run, const char *kind, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!run)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	run_add_fail(run, kind, msg);
}

void msim_run_observe(struct msim_run *run, const char *text)
{
	if (!run)
		return;
	run->obs = xrealloc(run->obs, (run->nobs + 1) * sizeof(*run->obs));
	run->obs[run->nobs++] = xstrdup(text);
}

void msim_run_set_step_check(struct msim_run *run,
			     void (*check)(struct msim_run *run, void *arg),
			     void *arg)
{
	run->step_check = check;
	run->step_check_arg = arg;
}

static struct sthread *self(void)
{
	return msim_current_thread_info()->sched;
}

struct msim_run *msim_current_run(void)
{
	struct sthread *t = self();

	return t ? t->run : NULL;
}

/* Switching. */

static void switch_to(struct msim_run *run, int to)
{
	int from = run->cur;
	struct sthread *ft = from >= 0 ? &run->thr[from] : NULL;
	struct sthread *tt = to >= 0 ? &run->thr[to] : NULL;
	struct msim_fiber *ff = ft ? ft->fib : &run->host;
	struct msim_fiber *tf = tt ? tt->fib : &run->host;

	if (from == to)
		return;
	if (ft && ft->spec.swap)
		ft->spec.swap(ft->spec.arg, false);
	run->cur = to;
	msim_set_thread_info(tt ? &tt->ti : run->host_ti);
	if (tt && tt->spec.swap)
		tt->spec.swap(tt->spec.arg, true);
	if (ft && ft->state == ST_DONE)
		msim_fiber_exit(ff, tf);
	else
		msim_fiber_switch(ff, tf);
}

/*
 * Stop the run: back to the host, never to return to the thread that
 * called this (or to any other).
 */
void run_stop(struct msim_run *run)
{
	run->stopped = true;
	switch_to(run, -1);
	abort();
}

static bool holds_locks(const struct sthread *t)
{
	int i;

	for (i = 0; i < t->nheld; i++)
		if (t->held[i].ev != MSIM_SYNC_SRCU_READ_LOCK &&
		    t->held[i].ev != MSIM_SYNC_MAP_ACQUIRE)
			return true;
	return false;
}

/*
 * No thread holds a lock or is in the middle of taking one (a writer
 * waiting holds back readers): the state is as every lock taker would
 * see it, and the host can take any lock without waiting.
 */
static bool quiescent(const struct msim_run *run)
{
	unsigned int i;

	for (i = 0; i < run->nthr; i++)
		if (holds_locks(&run->thr[i]) || run->thr[i].waiting)
			return false;
	return true;
}

static void step_check(struct msim_run *run)
{
	struct msim_thread_info *ti = msim_set_thread_info(run->host_ti);

	run->checking = true;
	run->step_check(run, run->step_check_arg);
	run->checking = false;
	msim_set_thread_info(ti);
}

static void format_holders(struct msim_run *run, void *obj, char *buf,
			   size_t size)
{
	char site[160];
	size_t len = 0;
	unsigned int i;
	int j;

	buf[0] = '\0';
	for (i = 0; i < run->nthr; i++) {
		struct sthread *h = &run->thr[i];

		for (j = 0; j < h->nheld; j++) {
			if (h->held[j].lock != obj)
				continue;
			site_format(site, sizeof(site), h->held[j].func,
				    h->held[j].file, h->held[j].line);
			len += snprintf(buf + len, len < size ? size - len : 0,
					"%s%s (taken at %s)", len ? ", " : "",
					h->name, site);
			break;
		}
	}
	if (!len)
		snprintf(buf, size, "no running thread");
}

static void report_deadlock(struct msim_run *run)
{
	char *msg = xstrdup("no thread can run");
	char ev[96], site[160], holders[512];
	unsigned int i;

	for (i = 0; i < run->nthr; i++) {
		struct sthread *t = &run->thr[i];
		char *next;

		if (t->state != ST_BLOCKED)
			continue;
		site_format(site, sizeof(site), t->wait_func, t->wait_file,
			    t->wait_line);
		format_holders(run, t->wait_obj, holders, sizeof(holders));
		next = xasprintf("%s\n%s waits in %s at %s, held by %s", msg,
				 t->name, thread_event(t, ev, sizeof(ev)), site,
				 holders);
		free(msg);
		msg = next;
	}
	run_add_fail(run, "deadlock", msg);
}

static void record(struct msim_run *run, uint64_t enabled, int cur, int chosen,
		   uint64_t sleep)
{
	struct tnode *n;

	if (run->trail_len == run->trail_cap) {
		if (!run->trail_owned) {
			run_failf(run, "livelock",
				  "the run takes more than %lu steps",
				  run->trail_cap);
			run_stop(run);
		}
		run->trail_cap = run->trail_cap ? 2 * run->trail_cap : 256;
		run->trail = xrealloc(run->trail,
				      run->trail_cap * sizeof(*run->trail));
	}
	n = &run->trail[run->trail_len++];
	n->enabled = enabled;
	n->sleep = sleep;
	n->cur = (int8_t)cur;
	n->chosen = (int8_t)chosen;
	n->section = (uint8_t)run->section;
	n->flags = cur >= 0 && (enabled & (1ULL << cur)) ? TN_CUR_ENABLED : 0;
	n->ev_hash = thread_event_hash(&run->thr[chosen]);
	fp_clear(&n->fp);
	if (run->trail_published)
		*run->trail_published = run->trail_len;
}

/*
 * The record's view of decision number run->step: the events that follow
 * are of that step, and a switch away from a thread that could have gone
 * on, or that waits or polls, is an event of the thread left.
 */
static void trace_decision(struct msim_run *run, int choice)
{
	struct sthread *from = run->cur >= 0 ? &run->thr[run->cur] : NULL;
	unsigned int to = run->thr[choice].ti.trace_tid;
	char ev[96];

	msim_trace_set_step(run->step);
	if (!from || run->cur == choice || from->state == ST_DONE)
		return;
	if (from->state == ST_BLOCKED)
		msim_trace(MSIM_TRACE_SCHED_BLOCK, .s = { from->wait_name },
			   .a = { to });
	else if (from->yielding)
		msim_trace(MSIM_TRACE_SCHED_YIELD, .s = { from->ev_name },
			   .a = { to });
	else
		msim_trace(MSIM_TRACE_SCHED_PREEMPT,
			   .s = { thread_event(from, ev, sizeof(ev)) },
			   .a = { to });
}

/*
 * The running thread (or the host, at the start of a section) is at a
 * scheduling point: choose who runs next and switch to it.  Returns when
 * the calling thread is chosen again.
 */
static void decide(struct msim_run *run)
{
	uint64_t runnable = 0, yielders = 0, enabled;
	bool blocked = false;
	struct sthread *next;
	unsigned int i;
	int choice;

	/* The step the running thread just made is over: its footprint. */
	if (run->cur >= 0 && run->trail_len)
		run->trail[run->trail_len - 1].fp = run->fp;
	for (i = 0; i < run->nthr; i++) {
		if (run->thr[i].state == ST_RUNNABLE) {
			runnable |= 1ULL << i;
			if (run->thr[i].yielding)
				yielders |= 1ULL << i;
		} else if (run->thr[i].state == ST_BLOCKED) {
			blocked = true;
		}
	}
	if (!runnable) {
		if (blocked) {
			report_deadlock(run);
			run_stop(run);
		}
		/* Every thread has ended: back to the host. */
		switch_to(run, -1);
		return;
	}
	enabled = runnable & ~yielders;
	if (!enabled)
		enabled = runnable;
	if (run->step >= run->max_steps) {
		run_failf(run, "livelock", "the run takes more than %lu steps",
			  run->max_steps);
		run_stop(run);
	}
	if (run->check_every_step && run->step_check && run->cur >= 0 &&
	    quiescent(run))
		step_check(run);

	run->plan->node_sleep = 0;
	choice = plan_choose(run, enabled, run->cur);
	if (choice < 0 || !(enabled & (1ULL << choice)))
		choice = default_choice(enabled, run->cur);
	record(run, enabled, run->cur, choice, run->plan->node_sleep);
	if (msim_trace_on())
		trace_decision(run, choice);
	/* Schedule strings hash the events between two switches. */
	if (choice != default_choice(enabled, run->cur))
		run->seg_hash = SEG_HASH_INIT;
	run->seg_hash = seg_hash_add(run->seg_hash,
				     run->trail[run->trail_len - 1].ev_hash);
	run->step++;
	next = &run->thr[choice];
	fp_clear(&run->fp);
	if (next->pending_key != UINT64_MAX)
		fp_add(&run->fp, next->pending_key & ~FP_WRITE,
		       next->pending_key & FP_WRITE);
	next->at_start = false;
	switch_to(run, choice);
}

/* The hooks. */

/* The footprint key of @lock for event @ev; false for no lock. */
static bool lock_key(void *lock, enum msim_sync_event ev, uint64_t *key,
		     bool *write)
{
	switch (ev) {
	case MSIM_SYNC_SPIN_LOCK:
	case MSIM_SYNC_SPIN_UNLOCK:
		*key = ((spinlock_t *)lock)->msim_id;
		*write = true;
		return true;
	case MSIM_SYNC_DOWN_READ:
	case MSIM_SYNC_UP_READ:
		*key = ((struct rw_semaphore *)lock)->msim_id;
		*write = false;
		return true;
	case MSIM_SYNC_DOWN_WRITE:
	case MSIM_SYNC_UP_WRITE:
	case MSIM_SYNC_DOWNGRADE:
		*key = ((struct rw_semaphore *)lock)->msim_id;
		*write = true;
		return true;
	case MSIM_SYNC_SRCU_READ_LOCK:
	case MSIM_SYNC_SRCU_READ_UNLOCK:
		*key = ((struct srcu_struct *)lock)->msim_id;
		*write = false;
		return true;
	case MSIM_SYNC_SYNCHRONIZE_SRCU:
		*key = ((struct srcu_struct *)lock)->msim_id;
		*write = true;
		return true;
	default:
		return false;
	}
}

static bool is_release(enum msim_sync_event ev)
{
	return ev == MSIM_SYNC_SPIN_UNLOCK || ev == MSIM_SYNC_UP_READ ||
	       ev == MSIM_SYNC_UP_WRITE || ev == MSIM_SYNC_DOWNGRADE ||
	       ev == MSIM_SYNC_SRCU_READ_UNLOCK;
}

static void hook_point(void *lock, enum msim_sync_event ev, const char *name)
{
	struct sthread *t = self();
	struct msim_run *run;
	uint64_t key;
	bool write;

	if (!t)
		return;
	run = t->run;
	t->pending_key = UINT64_MAX;
	if (lock && lock_key(lock, ev, &key, &write)) {
		if (is_release(ev))
			fp_add(&run->fp, key, write);
		else
			t->pending_key = key | (write ? FP_WRITE : 0);
	}
	t->ev = ev;
	t->ev_obj = lock;
	t->ev_name = name;
	if (ev == MSIM_SYNC_CALL && t->ncalls < MAX_CALLS)
		t->calls[t->ncalls++] = name;
	else if (ev == MSIM_SYNC_RETURN && t->ncalls > 0)
		t->ncalls--;
	if (ev == MSIM_SYNC_SYNCHRONIZE_SRCU) {
		const struct msim_site *s = t->ti.site;

		/* Waiting for the readers: taking the domain, for order. */
		lockdep_acquire(run, t, name, s ? s->func : NULL,
				s ? s->file : NULL, s ? s->line : 0);
	}
	t->yielding = ev == MSIM_SYNC_YIELD;
	t->waiting = false;
	decide(run);
	t->yielding = false;
}

static void hook_block(void *lock, const char *name)
{
	struct sthread *t = self();
	const struct msim_site *s;

	if (!t) {
		/* The host cannot wait for a thread it is not running. */
		abort();
	}
	s = t->ti.site;
	t->state = ST_BLOCKED;
	t->waiting = true;
	t->wait_obj = lock;
	t->wait_name = name;
	t->wait_func = s ? s->func : NULL;
	t->wait_file = s ? s->file : NULL;
	t->wait_line = s ? s->line : 0;
	decide(t->run);
}

static void hook_wake(void *lock, const char *name)
{
	struct msim_run *run = active_run;
	unsigned int i;

	if (!run)
		return;
	for (i = 0; i < run->nthr; i++) {
		if (run->thr[i].state == ST_BLOCKED &&
		    run->thr[i].wait_obj == lock) {
			run->thr[i].state = ST_RUNNABLE;
			msim_trace(MSIM_TRACE_SCHED_WAKE, .s = { name },
				   .a = { run->thr[i].ti.trace_tid });
		}
	}
}

static void hook_acquired(void *lock, enum msim_sync_event ev, const char *name,
			  const struct msim_site *site)
{
	struct sthread *t = self();
	const char *func = site ? site->func : NULL;
	const char *file = site ? site->file : NULL;
	int line = site ? site->line : 0;
	struct held *h;
	int i;

	if (!t)
		return;
	if (ev != MSIM_SYNC_MAP_ACQUIRE)
		t->waiting = false;
	if (ev != MSIM_SYNC_SRCU_READ_LOCK && ev != MSIM_SYNC_MAP_ACQUIRE) {
		for (i = 0; i < t->nheld; i++) {
			char s1[160], s2[160];

			if (t->held[i].lock != lock)
				continue;
			site_format(s1, sizeof(s1), func, file, line);
			site_format(s2, sizeof(s2), t->held[i].func,
				    t->held[i].file, t->held[i].line);
			run_failf(
				t->run, "recursion",
				"%s recursion: %s takes %s again in %s at %s, "
				"holding it since %s",
				name, t->name, name, msim_sync_event_name(ev),
				s1, s2);
			break;
		}
	}
	if (ev != MSIM_SYNC_SRCU_READ_LOCK && ev != MSIM_SYNC_DOWNGRADE)
		lockdep_acquire(t->run, t, name, func, file, line);
	if (t->nheld == MAX_HELD)
		return;
	h = &t->held[t->nheld++];
	h->lock = lock;
	h->name = name;
	h->ev = ev;
	h->func = func;
	h->file = file;
	h->line = line;
}

static void hook_released(void *lock, enum msim_sync_event ev, const char *name)
{
	struct sthread *t = self();
	int i;

	(void)ev;
	(void)name;
	if (!t)
		return;
	for (i = t->nheld - 1; i >= 0; i--) {
		if (t->held[i].lock != lock)
			continue;
		memmove(&t->held[i], &t->held[i + 1],
			(t->nheld - i - 1) * sizeof(t->held[0]));
		t->nheld--;
		return;
	}
}

static void hook_may_sleep(const char *what, const struct msim_site *site)
{
	struct sthread *t = self();
	char s1[160], s2[160];
	int i;

	if (!t)
		return;
	site_format(s1, sizeof(s1), site ? site->func : NULL,
		    site ? site->file : NULL, site ? site->line : 0);
	if (t->ti.preempt_count > 0) {
		for (i = t->nheld - 1; i >= 0; i--)
			if (t->held[i].ev == MSIM_SYNC_SPIN_LOCK)
				break;
		if (i >= 0)
			site_format(s2, sizeof(s2), t->held[i].func,
				    t->held[i].file, t->held[i].line);
		run_failf(t->run, "atomic-sleep",
			  "%s sleeps in %s at %s while holding spinlock %s "
			  "(taken at %s)",
			  t->name, what, s1, i >= 0 ? t->held[i].name : "?",
			  i >= 0 ? s2 : "?");
	} else if (t->ti.nonblock_count > 0) {
		run_failf(t->run, "nonblock-sleep",
			  "%s sleeps in %s at %s inside ->%s of a range that "
			  "may not block",
			  t->name, what, s1,
			  t->ncalls ? t->calls[t->ncalls - 1] : "?");
	}
}

static void hook_access(unsigned long key, bool write)
{
	struct sthread *t = self();

	if (t)
		fp_add(&t->run->fp, key, write);
}

static void hook_bug(const char *msg, const struct msim_site *site)
{
	struct sthread *t = self();
	char s[160];

	if (!t)
		abort();
	site_format(s, sizeof(s), site ? site->func : NULL,
		    site ? site->file : NULL, site ? site->line : 0);
	run_failf(t->run, "bug", "%s: %s at %s", t->name, msg, s);
	run_stop(t->run);
}

/* A WARN(): a failure of the run, which goes on. */
static void hook_warn(const char *msg, const struct msim_site *site)
{
	struct sthread *t = self();
	char s[160];

	if (!t)
		return;
	site_format(s, sizeof(s), site ? site->func : NULL,
		    site ? site->file : NULL, site ? site->line : 0);
	run_failf(t->run, "warning", "%s: %s at %s", t->name, msg, s);
}

static const struct msim_sync_ops controlled_ops = {
	.point = hook_point,
	.block = hook_block,
	.wake = hook_wake,
	.acquired = hook_acquired,
	.released = hook_released,
	.may_sleep = hook_may_sleep,
	.access = hook_access,
	.bug = hook_bug,
	.warn = hook_warn,
};

/* Threads. */

static void thread_entry(void *arg)
{
	struct sthread *t = arg;
	struct msim_run *run = t->run;
	char site[160];
	int i;

	msim_trace(MSIM_TRACE_THREAD_START, .a = { 0 });
	t->spec.fn(t->spec.arg);
	for (i = 0; i < t->nheld; i++) {
		site_format(site, sizeof(site), t->held[i].func,
			    t->held[i].file, t->held[i].line);
		run_failf(run, "thread-exit",
			  "%s ends holding %s (taken at %s)", t->name,
			  t->held[i].name, site);
	}
	msim_trace(MSIM_TRACE_THREAD_END, .a = { 0 });
	t->state = ST_DONE;
	decide(run);
	abort();
}

int msim_run_threads(struct msim_run *run, unsigned int n,
		     const struct msim_thread_spec *threads)
{
	const struct msim_sync_ops *old;
	struct task_struct *task;
	unsigned int i;

	if (!run || run->in_section || !n || n > MSIM_MAX_THREADS || self())
		return -EINVAL;
	if (run->stopped)
		return -EDEADLK;
	for (i = 0; i < n; i++) {
		if (pool_ready[i])
			continue;
		if (msim_fiber_create(&pool[i]))
			return -ENOMEM;
		pool_ready[i] = true;
	}
	run->host_ti = msim_current_thread_info();
	task = run->host_ti->task;
	run->nthr = n;
	for (i = 0; i < n; i++) {
		struct sthread *t = &run->thr[i];

		memset(t, 0, sizeof(*t));
		t->run = run;
		t->idx = (int)i;
		snprintf(t->name, sizeof(t->name), "%s",
			 threads[i].name ? threads[i].name : "?");
		t->spec = threads[i];
		t->state = ST_RUNNABLE;
		t->at_start = true;
		t->pending_key = UINT64_MAX;
		t->fib = &pool[i];
		t->ti.task = task;
		t->ti.sched = t;
		t->ti.trace_tid = msim_trace_thread(t->name);
		msim_fiber_reset(t->fib, thread_entry, t);
	}
	msim_fiber_init_host(&run->host);
	old = msim_get_sync_ops();
	msim_set_sync_ops(&controlled_ops);
	active_run = run;
	run->in_section = true;
	run->section++;
	run->cur = -1;
	decide(run);
	msim_trace_set_step(MSIM_TRACE_NO_STEP);
	run->in_section = false;
	active_run = NULL;
	msim_set_sync_ops(old);
	msim_set_thread_info(run->host_ti);
	return run->stopped ? -EDEADLK : 0;
}

void sched_after_fork(void)
{
	unsigned int i;

	for (i = 0; i < MSIM_MAX_THREADS; i++) {
		if (pool_ready[i])
			msim_fiber_forget(&pool[i]);
		pool_ready[i] = false;
	}
}

void run_init(struct msim_run *run, struct plan *plan, struct lockdep *ld,
	      unsigned long max_steps, bool check_every_step)
{
	memset(run, 0, sizeof(*run));
	run->plan = plan;
	run->ld = ld;
	run->max_steps = max_steps ? max_steps : 100000;
	run->check_every_step = check_every_step;
	run->cur = -1;
	run->trail_owned = true;
	run->seg_hash = SEG_HASH_INIT;
}

void run_fini(struct msim_run *run)
{
	unsigned int i;

	for (i = 0; i < run->nfails; i++)
		free(run->fails[i].msg);
	free(run->fails);
	for (i = 0; i < run->nedges; i++)
		ledge_free(&run->edges[i]);
	free(run->edges);
	for (i = 0; i < run->nobs; i++)
		free(run->obs[i]);
	free(run->obs);
	if (run->trail_owned)
		free(run->trail);
	memset(run, 0, sizeof(*run));
}
