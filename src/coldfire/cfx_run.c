// SPDX-License-Identifier: MIT
/*
 * cf-explore's engine: a ColdFire program exec'd once into a template
 * process, and each case run in a fork of it, its threads scheduled on
 * one CPU as a uniprocessor kernel schedules them, its system calls
 * answered, its interrupts delivered where the plan says and given their
 * effect.  See <mmsim/coldfire/cfx.h>.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <mmsim/mmsim.h>
#include <mmsim/coldfire/cfx.h>
#include <mmsim/coldfire/exec.h>
#include <mmsim/coldfire/vdso.h>
#include <mmsim/trace.h>

#include "cfx_internal.h"
#include "disasm.h"

/* The machine: a little RAM, and swap for reclaim to write to. */
#define CFX_RAM (64UL << 20)
#define CFX_SWAP (16UL << 20)
#define CFX_STACK (64UL << 10)
#define CFX_STEP_LIMIT 100000UL
/* m68k's TLS ABI: the thread pointer is 0x7000 past the TLS block. */
#define TLS_TP_OFFSET 0x7000U
#define CFX_PID_BASE 100

static int why_set(char *why, size_t whylen, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int why_set(char *why, size_t whylen, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

int msim_cfx_env_threads(const struct msim_cfx_env *env)
{
	return env->nthreads;
}

/*
 * brk(2), as mm/mmap.c does it on the mm's own calls: below start_brk
 * nothing; shrinking unmaps; growing needs a free page above the new
 * break; the answer is the break as it is after the call.
 */
long msim_cfx_brk(struct mm_struct *mm, unsigned long brk)
{
	unsigned long psize = mm_page_size(mm), newbrk, oldbrk;
	struct vm_area_struct *next;
	long addr;

	if (brk < mm->start_brk)
		return (long)mm->brk;
	newbrk = (brk + psize - 1) & ~(psize - 1);
	oldbrk = (mm->brk + psize - 1) & ~(psize - 1);
	if (newbrk == oldbrk) {
		mm->brk = brk;
		return (long)brk;
	}
	if (brk <= mm->brk) {
		if (msim_munmap(mm, newbrk, oldbrk - newbrk))
			return (long)mm->brk;
		mm->brk = brk;
		return (long)brk;
	}
	if (newbrk > mm->task_size)
		return (long)mm->brk;
	mmap_read_lock(mm);
	next = find_vma(mm, oldbrk);
	mmap_read_unlock(mm);
	if (next && newbrk + psize > next->vm_start)
		return (long)mm->brk;
	addr = msim_mmap(mm, oldbrk, newbrk - oldbrk, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
	if (addr < 0)
		return (long)mm->brk;
	mm->brk = brk;
	return (long)brk;
}

/*
 * The record (<mmsim/trace.h>), when one is recording: each thread of the
 * case is a thread of the record, "T0", "T1", ... and "check" for
 * check(), whose events (the CPU's kernel entries, interrupts and fixup
 * rewinds, the mm's faults and invalidations) are made while it runs; a
 * thread's run from its start to its return, exit or failure is a
 * cf_call span; switches are cf_switch events; system calls, kernel
 * actions, access errors and exits are marks worded as in the report;
 * a violation is a failure event.
 */
static void trace_thread(struct cfx_run *run, int slot)
{
	char name[16];

	if (!msim_trace_on())
		return;
	if (slot >= run->env->nthreads)
		snprintf(name, sizeof(name), "check");
	else
		snprintf(name, sizeof(name), "T%d", slot);
	msim_trace_set_thread(msim_trace_thread(name));
}

static void trace_event(struct cfx_run *run, const struct msim_cfx_event *e)
{
	int id = e->thread >= run->env->nthreads ? 0 : e->thread;
	char text[256];

	switch (e->kind) {
	case MSIM_CFX_EV_START:
		msim_trace(MSIM_TRACE_CF_CALL, .a = { e->a, 0, (uint64_t)id });
		return;
	case MSIM_CFX_EV_RETURN:
		msim_trace(MSIM_TRACE_CF_RETURN,
			   .a = { 0, e->a, (uint64_t)id });
		return;
	case MSIM_CFX_EV_SWITCH:
		msim_trace(
			MSIM_TRACE_CF_SWITCH,
			.a = { e->thread < 0 ? UINT64_MAX : (uint64_t)e->thread,
			       e->a });
		return;
	case MSIM_CFX_EV_IRQ:
	case MSIM_CFX_EV_REWIND:
		/* The CPU records these itself. */
		return;
	default:
		break;
	}
	cfx_event_text(run->env, e, text, sizeof(text));
	msim_trace_mark(0, "%s", text);
	if (e->kind == MSIM_CFX_EV_EXIT)
		msim_trace(MSIM_TRACE_CF_RETURN,
			   .a = { 0, e->a, (uint64_t)id });
	else if (e->kind == MSIM_CFX_EV_ERROR)
		msim_trace(MSIM_TRACE_CF_RETURN,
			   .a = { (uint64_t)(int64_t)(int32_t)-e->a, 0,
				  (uint64_t)id });
}

/* Interrupts and mm events of a running case, through the CPU's hooks. */

static void event(struct cfx_run *run, enum msim_cfx_ev_kind kind, int thread,
		  uint32_t a, uint32_t b, uint32_t c)
{
	struct msim_cfx_result *r = run->r;
	struct msim_cfx_event e = { kind, thread, a, b, c };

	if (msim_trace_on())
		trace_event(run, &e);
	if (r->nr_events == MSIM_CFX_MAX_EVENTS) {
		r->events_lost++;
		return;
	}
	r->ev[r->nr_events++] = e;
}

/* Is the plan's next interrupt at this boundary? */
static bool planned_here(struct cfx_run *run, int thread, unsigned long n)
{
	const struct msim_cfx_irq *q;

	if (run->ord) {
		if (run->next >= run->ord->nr ||
		    run->ord->at[run->next] != run->ordinal)
			return false;
		run->pending_effect = run->ord->pick[run->next];
		run->next++;
		return true;
	}
	if (!run->plan || run->next >= run->plan->nr_irqs)
		return false;
	q = &run->plan->irq[run->next];
	if (q->thread != thread || q->at != n)
		return false;
	run->pending_effect = -1;
	run->pending_plan = q;
	run->next++;
	return true;
}

static bool want_irq(void *arg, struct msim_ucpu *cpu,
		     struct msim_ucpu_thread *t, uint32_t pc, unsigned int n,
		     unsigned int depth)
{
	struct cfx_run *run = arg;
	bool yes;

	(void)cpu;
	(void)depth;
	if (run->in_check)
		return false;
	/* @n is the thread's count: t->insns is its count at the run's start.
	 */
	yes = planned_here(run, t->id, n);
	run->ordinal++;
	if (!yes)
		return false;
	run->irq_pc = pc;
	run->irq_at = n;
	run->irq_pending = true;
	return true;
}

static void access_error(void *arg, struct msim_ucpu *cpu,
			 struct msim_ucpu_thread *t,
			 const struct msim_ucpu_access *a)
{
	struct cfx_run *run = arg;
	int thread = run->in_check ? run->env->nthreads : t->id;

	(void)cpu;
	event(run, MSIM_CFX_EV_ACCESS, thread, a->pc, a->addr,
	      (uint32_t)a->access | (uint32_t)a->fault << 4);
	if (a->resume_pc != a->pc)
		event(run, MSIM_CFX_EV_ACCESS_REWIND, thread, a->pc,
		      a->resume_pc, 0);
}

static const struct msim_ucpu_irq_ops cfx_ops = {
	.want_irq = want_irq,
	.access_error = access_error,
};

/* Violations. */

static void violation(struct cfx_run *run, enum msim_cfx_kind kind, int thread,
		      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void violation(struct cfx_run *run, enum msim_cfx_kind kind, int thread,
		      const char *fmt, ...)
{
	struct msim_cfx_result *r = run->r;
	va_list ap;

	if (r->violated)
		return;
	r->violated = true;
	r->kind = kind;
	r->thread = thread;
	r->has_pc = run->last_irq_valid;
	r->pc = run->last_irq_pc;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
	msim_trace(MSIM_TRACE_FAILURE,
		   .s = { msim_cfx_kind_name(kind), r->detail });
}

/* A thread's run failed: what kind of violation that is. */
static void thread_failed(struct cfx_run *run, int thread, int err)
{
	const struct msim_ucpu_error *e = msim_ucpu_error(run->env->cpu);
	enum msim_cfx_kind kind;
	char why[256];

	run->r->error = *e;
	event(run, MSIM_CFX_EV_ERROR, thread, (uint32_t)-err, (uint32_t)e->kind,
	      0);
	msim_ucpu_error_describe(e, why, sizeof(why));
	switch (e->kind) {
	case MSIM_UCPU_ERR_SEGV:
		kind = MSIM_CFX_FAULT;
		break;
	case MSIM_UCPU_ERR_SIGNAL:
		kind = MSIM_CFX_SIGNAL;
		break;
	case MSIM_UCPU_ERR_LIMIT:
		kind = MSIM_CFX_NO_PROGRESS;
		snprintf(why, sizeof(why),
			 "ran more than %lu instructions without finishing "
			 "(pc 0x%08x)",
			 run->env->step_limit, e->pc);
		break;
	default:
		kind = msim_ucpu_fixup_failed(e) ? MSIM_CFX_FIXUP_FAILED
						 : MSIM_CFX_FAULT;
	}
	if (thread == run->env->nthreads)
		violation(run, kind, thread, "check() %s", why);
	else
		violation(run, kind, thread, "T%d %s", thread, why);
}

/* System calls. */

static void capture(struct cfx_run *run, int slot, uint32_t buf, uint32_t len)
{
	struct msim_cfx_result *r = run->r;
	size_t have = r->output_len[slot], n;

	if (have < MSIM_CFX_OUTPUT) {
		n = len < MSIM_CFX_OUTPUT - have ? len : MSIM_CFX_OUTPUT - have;
		if (msim_user_read(run->mm, buf, r->output[slot] + have, n))
			memset(r->output[slot] + have, '?', n);
	}
	r->output_len[slot] += len;
}

/*
 * MODEL: cfx-no-files: a thread has no file but standard output and
 * error, which write() captures (and nothing reads); write() to any
 * other descriptor, and mmap2() of a file, fail with -EBADF.
 */
static long sys_write(struct cfx_run *run, int slot, uint32_t fd, uint32_t buf,
		      uint32_t len)
{
	char probe;

	if (fd != 1 && fd != 2)
		return -EBADF;
	if (len > 0x100000)
		len = 0x100000;
	if (len && (msim_user_read(run->mm, buf, &probe, 1) ||
		    msim_user_read(run->mm, buf + len - 1, &probe, 1)))
		return -EFAULT;
	capture(run, slot, buf, len);
	return (long)len;
}

/* The next runnable thread after @cur, in id order; -1 if none. */
static int next_runnable(struct cfx_run *run, int cur)
{
	int i, n = run->env->nthreads;

	for (i = 1; i <= n; i++)
		if (run->runnable[(cur + i) % n])
			return (cur + i) % n;
	return -1;
}

/*
 * The system call thread @id made (its number in %d0, arguments in
 * %d1-%d5 and %a0): the result into %d0.  Returns whether the thread
 * goes on running (not after exit, exit_group or sched_yield).
 */
static bool syscall(struct cfx_run *run, int id, struct msim_ucpu_thread *t)
{
	struct msim_cfx_result *r = run->r;
	struct mm_struct *mm = run->mm;
	uint32_t nr = t->regs.d[0], *d = t->regs.d;
	int slot = run->in_check ? run->env->nthreads : id;
	bool goes_on = true;
	long ret;

	switch (nr) {
	case MSIM_CF_NR_EXIT:
		event(run, MSIM_CFX_EV_EXIT, slot, d[1], 0, 0);
		run->runnable[id] = false;
		return false;
	case MSIM_CF_NR_EXIT_GROUP:
		event(run, MSIM_CFX_EV_EXIT, slot, d[1], 1, 0);
		run->exited = true;
		run->exit_thread = slot;
		r->exit_status = (int)d[1];
		return false;
	case MSIM_CF_NR_WRITE:
		ret = sys_write(run, slot, d[1], d[2], d[3]);
		break;
	case MSIM_CF_NR_BRK:
		ret = msim_cfx_brk(mm, d[1]);
		break;
	case MSIM_CF_NR_MMAP2:
		/* Anonymous memory only (cfx-no-files). */
		if (d[4] & MAP_ANONYMOUS)
			ret = msim_mmap(mm, d[1], d[2], d[3], d[4]);
		else
			ret = -EBADF;
		break;
	case MSIM_CF_NR_MUNMAP:
		ret = msim_munmap(mm, d[1], d[2]);
		break;
	case MSIM_CF_NR_MPROTECT:
		ret = msim_mprotect(mm, d[1], d[2], d[3]);
		break;
	case MSIM_CF_NR_MADVISE:
		ret = msim_madvise(mm, d[1], d[2], (int)d[3]);
		break;
	case MSIM_CF_NR_SCHED_YIELD:
		ret = 0;
		goes_on = run->in_check;
		break;
	case MSIM_CF_NR_GETTID:
		ret = CFX_PID_BASE + id;
		break;
	case MSIM_CF_NR_SET_THREAD_AREA:
		t->tp = d[1];
		msim_vdso_set_tp(run->env->m, t->tp);
		ret = 0;
		break;
	case MSIM_CF_NR_GET_THREAD_AREA:
		ret = (long)t->tp;
		break;
	default:
		ret = -ENOSYS;
		if (nr < MSIM_CFX_NR_SYSCALLS && r->enosys[nr] < 0xffff)
			r->enosys[nr]++;
		r->nr_enosys++;
	}
	d[0] = (uint32_t)ret;
	event(run, MSIM_CFX_EV_SYSCALL, slot, nr, (uint32_t)ret, d[1]);
	return goes_on;
}

/* Kernel actions on the page the next instruction touches. */

static uint32_t next_page(struct cfx_run *run, const struct msim_ucpu_thread *t)
{
	uint32_t psize = (uint32_t)mm_page_size(run->mm), ea = t->regs.pc;
	uint8_t code[10];
	size_t len;

	for (len = sizeof(code); len >= 2; len -= 2)
		if (!msim_user_read(run->mm, t->regs.pc, code, len))
			break;
	if (len < 2 ||
	    msim_cf_insn_access(code, len, t->regs.pc, &t->regs, &ea) != 0)
		ea = t->regs.pc;
	return ea & ~(psize - 1);
}

static long mprotect_round_trip(struct mm_struct *mm, uint32_t page,
				unsigned long psize)
{
	struct vm_area_struct *vma;
	unsigned long prot = 0;
	int ret;

	mmap_read_lock(mm);
	vma = find_vma(mm, page);
	if (vma && vma->vm_start <= page)
		prot = (vma->vm_flags & VM_READ ? PROT_READ : 0) |
		       (vma->vm_flags & VM_WRITE ? PROT_WRITE : 0) |
		       (vma->vm_flags & VM_EXEC ? PROT_EXEC : 0);
	mmap_read_unlock(mm);
	if (!vma || vma->vm_start > page)
		return -ENOMEM;
	ret = msim_mprotect(mm, page, psize, PROT_NONE);
	if (!ret)
		ret = msim_mprotect(mm, page, psize, prot);
	return ret;
}

/*
 * MODEL: cfx-actions-at-interrupt: reclaim, migration and the mprotect
 * round trip run inside the interrupt, on one page, to their end: they
 * stand for kswapd, compaction or another process's mprotect running on
 * another CPU at that instant, which no uniprocessor kernel would do
 * from an interrupt.
 */
static void act(struct cfx_run *run, int id, struct msim_ucpu_thread *t,
		enum msim_cfx_effect eff)
{
	unsigned long psize = mm_page_size(run->mm);
	uint32_t page = next_page(run, t);
	long ret;

	switch (eff) {
	case MSIM_CFX_EFF_RECLAIM:
		ret = msim_reclaim_range(run->mm, page, psize);
		break;
	case MSIM_CFX_EFF_MIGRATE:
		ret = msim_migrate_range(run->mm, page, psize);
		break;
	default:
		ret = mprotect_round_trip(run->mm, page, psize);
	}
	event(run, MSIM_CFX_EV_ACTION, id, eff, page, (uint32_t)ret);
}

/*
 * The options at an interrupt of thread @id, in the explorer's order:
 * nothing, a switch to each other runnable thread, the three actions.
 */
static int nr_options(struct cfx_run *run, int id)
{
	int i, n = 4;

	for (i = 0; i < run->env->nthreads; i++)
		n += i != id && run->runnable[i];
	return n;
}

static void pick_effect(struct cfx_run *run, int id, int pick,
			struct msim_cfx_irq *q)
{
	int i;

	q->effect = MSIM_CFX_EFF_NONE;
	q->to = 0;
	if (pick <= 0)
		return;
	for (i = 0; i < run->env->nthreads; i++) {
		if (i == id || !run->runnable[i])
			continue;
		if (!--pick) {
			q->effect = MSIM_CFX_EFF_SWITCH;
			q->to = i;
			return;
		}
	}
	q->effect = pick == 1	? MSIM_CFX_EFF_RECLAIM
		    : pick == 2 ? MSIM_CFX_EFF_MIGRATE
				: MSIM_CFX_EFF_MPROTECT;
}

/*
 * The interrupt want_irq() asked for, recorded as delivered to thread
 * @id, with the effect the plan gives it: as soon as the kernel entry is
 * made, so that a fixup that fails on it (faults, loops, leaves a bad
 * frame) is reported with its interrupt, and the case replays.  Returns
 * it, or NULL when the case has no room for more.
 */
static struct msim_cfx_irq *record_irq(struct cfx_run *run, int id)
{
	struct msim_cfx_result *r = run->r;
	struct msim_cfx_irq *q = &r->ran.irq[r->ran.nr_irqs];
	int pick, n;

	run->irq_pending = false;
	if (r->ran.nr_irqs == MSIM_CFX_MAX_IRQS)
		return NULL;
	r->ran.nr_irqs++;
	q->thread = id;
	q->at = run->irq_at;
	run->last_irq_valid = true;
	run->last_irq_pc = run->irq_pc;
	event(run, MSIM_CFX_EV_IRQ, id, run->irq_pc, (uint32_t)run->irq_at, 0);
	n = nr_options(run, id);
	run->nopts[r->ran.nr_irqs - 1] = n;
	if (run->pending_effect >= 0) {
		/* The explorer's: an index into the options here. */
		pick = run->pending_effect;
		if (run->rng)
			pick = (int)(msim_cfx_rand(run->rng) % (uint64_t)n);
		pick_effect(run, id, pick % n, q);
	} else {
		*q = *run->pending_plan;
		if (q->effect == MSIM_CFX_EFF_SWITCH &&
		    (q->to == id || q->to < 0 || q->to >= run->env->nthreads ||
		     !run->runnable[q->to]))
			q->effect = MSIM_CFX_EFF_NONE;
	}
	return q;
}

/*
 * An interrupt stopped thread @id: recorded as it ran, then its effect.
 * Returns the thread that runs next.
 */
static int interrupted(struct cfx_run *run, int id, struct msim_ucpu_thread *t)
{
	struct msim_cfx_irq *q = record_irq(run, id);

	if (!q)
		return id;
	if (t->regs.pc != run->irq_pc)
		event(run, MSIM_CFX_EV_REWIND, id, run->irq_pc, t->regs.pc, 0);
	switch (q->effect) {
	case MSIM_CFX_EFF_NONE:
		return id;
	case MSIM_CFX_EFF_SWITCH:
		event(run, MSIM_CFX_EV_SWITCH, id, (uint32_t)q->to,
		      run->th[q->to].tp, 0);
		return q->to;
	default:
		act(run, id, t, q->effect);
		return id;
	}
}

/* A thread set up to call @entry with @nargs arguments on its stack. */
static int thread_setup(struct cfx_run *run, struct msim_ucpu_thread *t, int id,
			uint32_t entry, int nargs, uint32_t arg)
{
	struct msim_cfx_env *env = run->env;

	msim_ucpu_thread_release(env->cpu, t);
	memset(t, 0, sizeof(*t));
	t->id = id < env->nthreads ? id : 0;
	t->tp = env->tp[t->id];
	t->regs.a[7] = env->stack_top[t->id];
	return msim_ucpu_thread_start(env->cpu, t, entry, nargs, &arg);
}

/*
 * The threads to their end, scheduled as a uniprocessor kernel would.
 * MODEL: cfx-one-cpu: the threads share one CPU and switch only where
 * the case's interrupts say, at sched_yield (round robin in id order),
 * and when one returns or exits; there is no timer tick but those
 * interrupts, and no other CPU running another thread at the same time.
 */
static int run_threads(struct cfx_run *run)
{
	struct msim_cfx_env *env = run->env;
	struct msim_cfx_result *r = run->r;
	int cur = 0, i, ret, next;
	bool started[MSIM_CFX_MAX_THREADS] = { false };

	for (i = 0; i < env->nthreads; i++) {
		ret = thread_setup(run, &run->th[i], i, env->entry, 1,
				   (uint32_t)i);
		if (ret)
			return ret;
		run->runnable[i] = true;
	}
	while (!run->exited && !r->violated) {
		if (!run->runnable[cur]) {
			cur = next_runnable(run, cur);
			if (cur < 0)
				break;
			event(run, MSIM_CFX_EV_SWITCH, -1, (uint32_t)cur,
			      run->th[cur].tp, 0);
		}
		trace_thread(run, cur);
		if (!started[cur]) {
			started[cur] = true;
			event(run, MSIM_CFX_EV_START, cur, env->entry,
			      (uint32_t)cur, 0);
		}
		ret = msim_ucpu_run(env->cpu, &run->th[cur], &cfx_ops, run);
		r->insns[cur] = run->th[cur].insns;
		if (ret < 0) {
			if (ret == -ENOMEM && msim_ucpu_error(env->cpu)->kind ==
						      MSIM_UCPU_ERR_NOMEM)
				return ret;
			/* Its kernel entry failed: it was delivered. */
			if (run->irq_pending)
				record_irq(run, cur);
			thread_failed(run, cur, ret);
			break;
		}
		switch (ret) {
		case MSIM_UCPU_STOP_RETURN:
			event(run, MSIM_CFX_EV_RETURN, cur,
			      run->th[cur].regs.d[0], 0, 0);
			run->runnable[cur] = false;
			break;
		case MSIM_UCPU_STOP_SYSCALL:
			if (!syscall(run, cur, &run->th[cur]) &&
			    run->runnable[cur] && !run->exited) {
				/* sched_yield: the next one runs. */
				next = next_runnable(run, cur);
				if (next >= 0 && next != cur) {
					event(run, MSIM_CFX_EV_SWITCH, cur,
					      (uint32_t)next, run->th[next].tp,
					      0);
					cur = next;
				}
			}
			break;
		case MSIM_UCPU_STOP_IRQ:
			cur = interrupted(run, cur, &run->th[cur]);
			break;
		}
	}
	return 0;
}

/* check(), once every thread has returned, on thread 0's stack. */
static int run_check(struct cfx_run *run)
{
	struct msim_cfx_env *env = run->env;
	struct msim_ucpu_thread *t = &run->th[0];
	int n = env->nthreads, ret;

	run->in_check = true;
	ret = thread_setup(run, t, n, env->check, 0, 0);
	if (ret)
		return ret;
	trace_thread(run, n);
	event(run, MSIM_CFX_EV_START, n, env->check, 0, 0);
	for (;;) {
		ret = msim_ucpu_run(env->cpu, t, NULL, run);
		if (ret < 0) {
			thread_failed(run, n, ret);
			return 0;
		}
		if (ret == MSIM_UCPU_STOP_RETURN)
			break;
		if (ret == MSIM_UCPU_STOP_SYSCALL && !syscall(run, 0, t) &&
		    run->exited)
			return 0;
	}
	run->r->check_ran = true;
	run->r->check_value = (int)t->regs.d[0];
	event(run, MSIM_CFX_EV_RETURN, n, t->regs.d[0], 0, 0);
	if (run->r->check_value)
		violation(run, MSIM_CFX_CHECK_FAILED, n, "check() returned %d",
			  run->r->check_value);
	return 0;
}

/*
 * The case's process gets a copy of each anonymous page it shares with
 * the template: what the program wrote before the case (its setup, its
 * TLS) is its own, as in a process that was not forked.  Without it a
 * case's reclaim or migration would act on the template's page too (they
 * act on every mapping of a page), and the next case would not start
 * where this one did.
 */
static void unshare_pages(struct mm_struct *mm)
{
	unsigned long psize = mm_page_size(mm), start[64], end[64], addr;
	const struct msim_arch *a = mm->arch;
	struct vm_area_struct *vma;
	pte_t *ptep, pte;
	bool shared;
	int n = 0, i;

	mmap_read_lock(mm);
	for_each_vma(mm, vma)
		if ((vma->vm_flags & VM_WRITE) && vma->anon_vma && n < 64) {
			start[n] = vma->vm_start;
			end[n++] = vma->vm_end;
		}
	mmap_read_unlock(mm);
	for (i = 0; i < n; i++)
		for (addr = start[i]; addr < end[i]; addr += psize) {
			spin_lock(&mm->page_table_lock);
			ptep = msim_pte_offset(mm, addr);
			pte = ptep ? *ptep : __pte(0);
			shared = pte_present(a, pte) &&
				 PageAnon(pfn_to_page(mm->machine,
						      pte_pfn(a, pte))) &&
				 !pte_write(a, pte);
			spin_unlock(&mm->page_table_lock);
			if (shared)
				msim_user_access(mm, addr, NULL, 1,
						 MSIM_ACCESS_WRITE, NULL);
		}
}

/* A fork of the template for the case; the last case's process goes. */
static int case_process(struct msim_cfx_env *env)
{
	struct task_struct *child = msim_fork(env->tmpl, 0, "case");
	int ret;

	if (IS_ERR(child))
		return (int)PTR_ERR(child);
	unshare_pages(child->mm);
	ret = msim_ucpu_set_mm(env->cpu, child->mm);
	if (env->child) {
		msim_exit(env->child);
		msim_task_put(env->child);
	}
	env->child = child;
	if (ret)
		return ret;
	msim_ucpu_kernel_reset(env->cpu);
	return 0;
}

int cfx_run(struct msim_cfx_env *env, struct cfx_run *run)
{
	struct msim_cfx_result *r = run->r;
	int ret, i;

	r->ran.nr_irqs = 0;
	r->nr_undelivered = 0;
	r->violated = false;
	r->has_pc = false;
	r->detail[0] = '\0';
	r->check_ran = false;
	r->check_value = 0;
	r->exit_status = 0;
	memset(&r->error, 0, sizeof(r->error));
	memset(r->output_len, 0, sizeof(r->output_len));
	memset(r->insns, 0, sizeof(r->insns));
	memset(r->enosys, 0, sizeof(r->enosys));
	r->nr_enosys = 0;
	r->nr_events = 0;
	r->events_lost = 0;
	run->env = env;
	ret = case_process(env);
	if (ret)
		return ret;
	if (msim_trace_on())
		run->trace_host = msim_trace_set_thread(0);
	run->mm = env->child->mm;
	ret = run_threads(run);
	if (!ret && !r->violated && !run->exited)
		ret = run_check(run);
	for (i = 0; i < MSIM_CFX_MAX_THREADS; i++)
		msim_ucpu_thread_release(env->cpu, &run->th[i]);
	if (msim_trace_on())
		msim_trace_set_thread(run->trace_host);
	if (ret)
		return ret;
	if (run->exited && r->exit_status && !r->violated) {
		if (run->exit_thread == run->env->nthreads)
			violation(run, MSIM_CFX_EXIT_STATUS, run->exit_thread,
				  "check() called exit_group(%d)",
				  r->exit_status);
		else
			violation(run, MSIM_CFX_EXIT_STATUS, run->exit_thread,
				  "T%d called exit_group(%d)", run->exit_thread,
				  r->exit_status);
	}
	if (run->plan)
		r->nr_undelivered = run->plan->nr_irqs - run->next;
	else if (run->ord)
		r->nr_undelivered = run->ord->nr - run->next;
	return 0;
}

int msim_cfx_run(struct msim_cfx_env *env, const struct msim_cfx_case *plan,
		 struct msim_cfx_result *r)
{
	static const struct msim_cfx_case none;
	struct cfx_run *run = calloc(1, sizeof(*run));
	int ret;

	if (!run)
		return -ENOMEM;
	run->plan = plan ? plan : &none;
	run->r = r;
	ret = cfx_run(env, run);
	free(run);
	return ret;
}

/* The environment. */

void msim_cfx_env_destroy(struct msim_cfx_env *env)
{
	if (!env)
		return;
	if (env->cpu)
		msim_ucpu_destroy(env->cpu);
	if (env->child) {
		msim_exit(env->child);
		msim_task_put(env->child);
	}
	if (env->tmpl) {
		msim_exit(env->tmpl);
		msim_task_put(env->tmpl);
	}
	msim_cf_image_free(env->img);
	if (env->m)
		msim_machine_destroy(env->m);
	free(env->elf);
	free(env->fixup);
	free(env);
}

/*
 * The threads' stacks and TLS: thread 0 on exec's stack, the others on
 * stacks mapped as pthread_create() maps them; each TLS block (the
 * PT_TLS template, its .tbss zeroed) on the heap, from brk, as a static
 * C library sets its threads' up.
 */
static int threads_setup(struct msim_cfx_env *env, char *why, size_t whylen)
{
	const struct msim_cf_elf *elf = msim_cf_image_elf(env->img);
	struct mm_struct *mm = env->tmpl->mm;
	uint32_t tls_size = 0, base, align;
	unsigned char *tdata = NULL;
	long addr;
	int i;

	env->stack_top[0] = (msim_cf_image_sp(env->img) - 256) & ~15U;
	for (i = 1; i < env->nthreads; i++) {
		addr = msim_mmap(mm, 0, CFX_STACK, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS);
		if (addr < 0)
			return why_set(why, whylen, (int)addr,
				       "cannot map thread %d's stack", i);
		env->stack_top[i] = (uint32_t)addr + CFX_STACK - 16;
	}
	if (!elf->has_tls) {
		/* No TLS: still a pointer of its own for each thread. */
		for (i = 0; i < env->nthreads; i++)
			env->tp[i] = env->stack_top[i] + 16;
		return 0;
	}
	align = elf->tls_align > 8 ? elf->tls_align : 8;
	if (align > 0x1000)
		align = 0x1000;
	tls_size = (elf->tls.memsz + align - 1) & ~(align - 1);
	base = (uint32_t)((mm->brk + align - 1) & ~(unsigned long)(align - 1));
	if ((unsigned long)msim_cfx_brk(mm, base + tls_size * env->nthreads) !=
	    base + tls_size * env->nthreads)
		return why_set(why, whylen, -ENOMEM,
			       "cannot grow the heap for the TLS blocks");
	tdata = calloc(1, tls_size ? tls_size : 1);
	if (!tdata ||
	    (elf->tls.filesz &&
	     msim_user_read(mm, elf->tls.vaddr, tdata, elf->tls.filesz))) {
		free(tdata);
		return why_set(why, whylen, -ENOMEM,
			       "cannot read the TLS template");
	}
	for (i = 0; i < env->nthreads; i++) {
		uint32_t block = base + (uint32_t)i * tls_size;

		if (tls_size && msim_user_write(mm, block, tdata, tls_size)) {
			free(tdata);
			return why_set(why, whylen, -EFAULT,
				       "cannot write thread %d's TLS", i);
		}
		env->tp[i] = block + TLS_TP_OFFSET;
	}
	free(tdata);
	return 0;
}

/* __cfrt_init(sp), as _start would run it, on the template. */
static int run_init(struct msim_cfx_env *env, uint32_t init, char *why,
		    size_t whylen)
{
	struct msim_ucpu_thread t;
	uint32_t sp = msim_cf_image_sp(env->img);
	int ret;

	memset(&t, 0, sizeof(t));
	t.tp = env->tp[0];
	t.regs.a[7] = env->stack_top[0];
	ret = msim_ucpu_thread_start(env->cpu, &t, init, 1, &sp);
	while (!ret) {
		ret = msim_ucpu_run(env->cpu, &t, NULL, NULL);
		if (ret == MSIM_UCPU_STOP_RETURN) {
			ret = 0;
			break;
		}
		if (ret == MSIM_UCPU_STOP_SYSCALL) {
			/* Setup code may not do much: write, or nothing. */
			t.regs.d[0] = (uint32_t)-ENOSYS;
			ret = 0;
			continue;
		}
		if (ret > 0)
			ret = -EPROTO;
	}
	msim_ucpu_thread_release(env->cpu, &t);
	if (ret) {
		char e[256];

		msim_ucpu_error_describe(msim_ucpu_error(env->cpu), e,
					 sizeof(e));
		return why_set(why, whylen, -EPROTO, "__cfrt_init() failed: %s",
			       e);
	}
	return 0;
}

static int symbol(struct msim_cfx_env *env, const char *name, uint32_t *addr,
		  char *why, size_t whylen)
{
	const struct msim_cf_symbol *s =
		msim_cf_elf_symbol(msim_cf_image_elf(env->img), name);

	if (!s)
		return why_set(why, whylen, -ENOENT,
			       "the program has no symbol %s", name);
	*addr = s->value;
	return 0;
}

struct msim_cfx_env *msim_cfx_env_create(const void *elf, size_t len,
					 const struct msim_cfx_opts *o,
					 char *why, size_t whylen)
{
	struct msim_machine_config cfg = { .arch = &msim_arch_coldfire,
					   .ram_bytes = CFX_RAM,
					   .swap_bytes = CFX_SWAP };
	struct msim_cf_exec_args a;
	const char *argv[1];
	struct msim_cfx_env *env;
	uint32_t init = 0;
	int ret;

	if (!o || o->threads < 1 || o->threads > MSIM_CFX_MAX_THREADS)
		return ERR_PTR(why_set(why, whylen, -EINVAL, "threads: 1 to %d",
				       MSIM_CFX_MAX_THREADS));
	env = calloc(1, sizeof(*env));
	if (!env)
		return ERR_PTR(-ENOMEM);
	env->nthreads = o->threads;
	env->step_limit = o->step_limit ? o->step_limit : CFX_STEP_LIMIT;
	env->opts = *o;
	snprintf(env->name, sizeof(env->name), "%s",
		 o->name ? o->name : "prog");
	snprintf(env->entry_name, sizeof(env->entry_name), "%s",
		 o->entry ? o->entry : "thread_main");
	snprintf(env->check_name, sizeof(env->check_name), "%s",
		 o->check ? o->check : "check");
	env->opts.name = env->name;
	env->opts.entry = env->entry_name;
	env->opts.check = env->check_name;
	env->elf = malloc(len ? len : 1);
	env->fixup = o->fixup ? malloc(o->fixup_len ? o->fixup_len : 1) : NULL;
	if (!env->elf || (o->fixup && !env->fixup)) {
		ret = why_set(why, whylen, -ENOMEM, "out of memory");
		goto fail;
	}
	memcpy(env->elf, elf, len);
	env->elf_len = len;
	if (o->fixup)
		memcpy(env->fixup, o->fixup, o->fixup_len);
	env->opts.fixup = env->fixup;
	env->m = msim_machine_create(&cfg);
	if (IS_ERR(env->m)) {
		ret = (int)PTR_ERR(env->m);
		env->m = NULL;
		goto fail;
	}
	env->tmpl = msim_task_create(env->m, "prog");
	if (IS_ERR(env->tmpl)) {
		ret = (int)PTR_ERR(env->tmpl);
		env->tmpl = NULL;
		goto fail;
	}
	argv[0] = env->name;
	a = (struct msim_cf_exec_args){ env->name, 1, argv, 0, NULL };
	env->img = msim_cf_exec(env->tmpl->mm, elf, len, &a, why, whylen);
	if (IS_ERR(env->img)) {
		ret = (int)PTR_ERR(env->img);
		env->img = NULL;
		goto fail;
	}
	ret = symbol(env, env->entry_name, &env->entry, why, whylen);
	if (!ret)
		ret = symbol(env, env->check_name, &env->check, why, whylen);
	if (!ret)
		ret = threads_setup(env, why, whylen);
	if (ret)
		goto fail;
	env->cpu = msim_ucpu_create(env->tmpl->mm, o->fixup, o->fixup_len);
	if (IS_ERR(env->cpu)) {
		ret = why_set(why, whylen, (int)PTR_ERR(env->cpu),
			      "the CPU cannot load the fixup: %s",
			      msim_ucpu_last_error(NULL));
		env->cpu = NULL;
		goto fail;
	}
	msim_ucpu_set_insn_limit(env->cpu, env->step_limit);
	if (!symbol(env, "__cfrt_init", &init, NULL, 0)) {
		ret = run_init(env, init, why, whylen);
		if (ret)
			goto fail;
	}
	return env;
fail:
	msim_cfx_env_destroy(env);
	return ERR_PTR(ret);
}

struct msim_cfx_env *cfx_env_clone(struct msim_cfx_env *env, char *why,
				   size_t whylen)
{
	return msim_cfx_env_create(env->elf, env->elf_len, &env->opts, why,
				   whylen);
}
