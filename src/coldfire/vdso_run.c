// SPDX-License-Identifier: MIT
/*
 * One vDSO fuzz case on the Unicorn CPU: set up a thread per call, deliver
 * the interrupts of the plan (or of the explorer) through the CPU's
 * want_irq/handler callbacks, record what happened, then judge it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <mmsim/err.h>
#include <mmsim/fault.h>
#include <mmsim/machine.h>
#include <mmsim/mm.h>
#include <mmsim/coldfire/vdso.h>

#include <mmsim/coldfire/lincheck.h>
#include <mmsim/coldfire/vdso_report.h>
#include <mmsim/coldfire/vdso_run.h>

/* Each thread's stack is a slot of the stack page(s). */
#define MSIM_VF_STACK_SLOT 256U
#define MSIM_VF_RAM (8UL << 20)

/*
 * The explorer's decisions at a boundary: first whether to interrupt
 * (no, yes), asked before the instruction; then, once the fixup has run,
 * the effect.  Two decisions rather than one, so that a fixup that fails
 * on the entry ends the case with the interrupt recorded and no effect.
 */
enum {
	MSIM_VF_PICK_NO,
	MSIM_VF_PICK_YES,
};
enum {
	MSIM_VF_PICK_NONE,
	MSIM_VF_PICK_STORE,
	MSIM_VF_PICK_CMPXCHG,
	MSIM_VF_PICK_READ_TP,
};

struct frame {
	int plan_call; /* in the plan, or -1 */
	int call;      /* in r->ran */
	int next_irq;  /* next plan interrupt */
	int pending;   /* plan interrupt being delivered, or -1 */
	int irq;       /* its entry in r->ran's call, or -1 */
	unsigned int n;
	/* boundary last asked about: a restarted instruction asks again */
	int asked;
	struct msim_ucpu_thread t;
};

struct run {
	struct msim_vf_env *env;
	const struct msim_vf_case *plan;
	struct msim_vf_explore *ex;
	const struct msim_vf_limits *lim;
	struct msim_vf_result *r;
	struct frame frame[MSIM_VF_MAX_DEPTH + 2];
	unsigned int tick;
	int irqs;
	int nr_stores;
	struct msim_vf_lin_op stores[MSIM_VF_LIN_MAX_OPS];
	int env_err;
};

const char *msim_vf_errname(int err)
{
	switch (-err) {
	case EFAULT:
		return "EFAULT";
	case ELOOP:
		return "ELOOP";
	case EILSEQ:
		return "EILSEQ";
	case ENOMEM:
		return "ENOMEM";
	case EINVAL:
		return "EINVAL";
	}
	return msim_errno_name(err);
}

static _Thread_local char env_error[320];

const char *msim_vf_env_error(void)
{
	return env_error;
}

const char *msim_vf_kind_name(enum msim_vf_kind kind)
{
	switch (kind) {
	case MSIM_VF_FIXUP_FAILED:
		return "fixup-failed";
	case MSIM_VF_NOT_LINEARIZABLE:
		return "not-linearizable";
	case MSIM_VF_CLOBBER:
		return "clobbered-register";
	case MSIM_VF_WRONG_TP:
		return "wrong-thread-pointer";
	case MSIM_VF_NO_RETURN:
		return "no-return";
	}
	return "?";
}

static int word_read(struct msim_vf_env *env, uint32_t *v)
{
	uint8_t b[4];
	int ret = msim_user_read(env->mm, env->word_addr, b, sizeof(b));

	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
	     b[3];
	return ret;
}

static int word_write(struct msim_vf_env *env, uint32_t v)
{
	uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

	return msim_user_write(env->mm, env->word_addr, b, sizeof(b));
}

int msim_vf_env_create(struct msim_vf_env *env, const void *fixup,
		       size_t fixup_len)
{
	struct msim_machine_config cfg = { .arch = &msim_arch_coldfire,
					   .ram_bytes = MSIM_VF_RAM };
	struct linux_binprm bprm;
	unsigned long page;
	long addr;
	int ret;

	memset(env, 0, sizeof(*env));
	env_error[0] = '\0';
	env->img = msim_vdso_seed();
	if (!env->img)
		return -ENOEXEC;
	env->m = msim_machine_create(&cfg);
	if (IS_ERR(env->m)) {
		ret = (int)PTR_ERR(env->m);
		env->m = NULL;
		return ret;
	}
	env->mm = mm_alloc(env->m);
	if (!env->mm) {
		ret = -ENOMEM;
		goto fail;
	}
	bprm.mm = env->mm;
	ret = arch_setup_additional_pages(&bprm, 0);
	if (ret)
		goto fail;
	page = msim_page_size(env->m->arch);
	addr = msim_mmap(env->mm, 0, 2 * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS);
	if (addr < 0) {
		ret = (int)addr;
		goto fail;
	}
	env->word_addr = (uint32_t)addr + 0x100;
	env->stack_addr = (uint32_t)(addr + page);
	/* Faulted in now, so that no case pays for it. */
	ret = word_write(env, 0);
	if (!ret)
		ret = msim_user_write(env->mm, env->stack_addr, "", 1);
	if (ret)
		goto fail;
	if (fixup && fixup_len) {
		env->fixup = malloc(fixup_len);
		if (!env->fixup) {
			ret = -ENOMEM;
			goto fail;
		}
		memcpy(env->fixup, fixup, fixup_len);
		env->fixup_len = fixup_len;
	}
	env->cpu = msim_ucpu_create(env->mm, fixup, fixup_len);
	if (IS_ERR(env->cpu)) {
		ret = (int)PTR_ERR(env->cpu);
		env->cpu = NULL;
		snprintf(env_error, sizeof(env_error), "%s",
			 msim_ucpu_last_error(NULL));
		goto fail;
	}
	ret = msim_vf_env_warm(env);
	if (ret)
		goto fail;
	return 0;
fail:
	msim_vf_env_destroy(env);
	return ret;
}

int msim_vf_env_warm(struct msim_vf_env *env)
{
	static struct msim_vf_result r;
	struct msim_vf_case c;
	int ret;

	/*
	 * A store through the word, a read of kuser_vdso_tp, the code and
	 * the stack: every page a case touches is then in the CPU's TLB.
	 */
	env_error[0] = '\0';
	msim_vf_case_init(&c, MSIM_VF_FN_CMPXCHG, 0, 0, 1);
	ret = msim_vf_run(env, &c, NULL, NULL, &r);
	if (!ret && !r.nr_violations) {
		msim_vf_case_init(&c, MSIM_VF_FN_READ_TP, 0, 0, 0);
		ret = msim_vf_run(env, &c, NULL, NULL, &r);
	}
	if (ret) {
		snprintf(env_error, sizeof(env_error), "%s", strerror(-ret));
		return -EPROTO;
	}
	if (!r.nr_violations)
		return 0;
	/* The first violation of the call that broke, in words. */
	snprintf(env_error, sizeof(env_error), "%s %s",
		 msim_vf_fn_name(c.call[0].fn), r.v[0].detail);
	return -EPROTO;
}

void msim_vf_env_destroy(struct msim_vf_env *env)
{
	if (env->cpu)
		msim_ucpu_destroy(env->cpu);
	if (env->mm)
		mmput(env->mm);
	if (env->m)
		msim_machine_destroy(env->m);
	free(env->fixup);
	memset(env, 0, sizeof(*env));
}

static void event(struct run *run, enum msim_vf_ev_kind kind, int call,
		  uint32_t a, uint32_t b, uint32_t c)
{
	struct msim_vf_result *r = run->r;

	if (r->nr_events < MSIM_VF_MAX_EVENTS)
		r->ev[r->nr_events++] =
			(struct msim_vf_event){ kind, call, a, b, c };
}

static void violation(struct msim_vf_result *r, enum msim_vf_kind kind,
		      int call, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void violation(struct msim_vf_result *r, enum msim_vf_kind kind,
		      int call, const char *fmt, ...)
{
	struct msim_vf_violation *v;
	va_list ap;

	if (r->nr_violations >= MSIM_VF_MAX_VIOLATIONS)
		return;
	v = &r->v[r->nr_violations++];
	v->kind = kind;
	v->call = call;
	v->has_pc = r->call[call].has_irq;
	v->pc = r->call[call].last_irq_pc;
	va_start(ap, fmt);
	vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
	va_end(ap);
}

/* A register pattern that names the thread and the register. */
static void thread_init(struct msim_vf_env *env, struct msim_ucpu_thread *t,
			int call, const struct msim_vf_call *k)
{
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < 8; i++) {
		t->regs.d[i] = 0xd0000000u | (uint32_t)call << 8 | (uint32_t)i;
		t->regs.a[i] = 0xa0000000u | (uint32_t)call << 8 | (uint32_t)i;
	}
	if (k->fn == MSIM_VF_FN_CMPXCHG) {
		t->regs.a[0] = env->word_addr;
		t->regs.d[0] = k->expected;
		t->regs.d[1] = k->new;
	}
	t->regs.a[7] = env->stack_addr +
		       (uint32_t)(call + 1) * MSIM_VF_STACK_SLOT - 16;
	t->regs.sr = 0;
	t->tp = 0x7ff00000u | (uint32_t)(call + 1) << 12 | 0x10;
	t->id = call;
}

static bool want_irq(void *arg, struct msim_ucpu *cpu,
		     struct msim_ucpu_thread *t, uint32_t pc, unsigned int n,
		     unsigned int depth);
static void handler(void *arg, struct msim_ucpu *cpu,
		    struct msim_ucpu_thread *t, uint32_t irq_pc,
		    uint32_t resume_pc, unsigned int depth);

static void handle_effect(struct run *run, unsigned int depth,
			  struct msim_vf_irq *q, enum msim_vf_fn fn, uint32_t e,
			  uint32_t nv, int plan_sub);

static const struct msim_ucpu_irq_ops msim_vf_irq_ops = {
	.want_irq = want_irq,
	.handler = handler,
};

static void check_regs(struct msim_vf_result *r, int call, enum msim_vf_fn fn,
		       const struct msim_m68k_regs *before,
		       const struct msim_m68k_regs *after)
{
	int i;

	for (i = 1; i < 8; i++)
		if (before->d[i] != after->d[i]) {
			violation(r, MSIM_VF_CLOBBER, call,
				  "d%d changed from 0x%08x to 0x%08x", i,
				  before->d[i], after->d[i]);
			return;
		}
	for (i = fn == MSIM_VF_FN_READ_TP ? 1 : 0; i < 8; i++)
		if (before->a[i] != after->a[i]) {
			violation(r, MSIM_VF_CLOBBER, call,
				  "a%d changed from 0x%08x to 0x%08x", i,
				  before->a[i], after->a[i]);
			return;
		}
	/* Only the condition codes (the low byte) may change. */
	if ((before->sr ^ after->sr) & 0xff00)
		violation(r, MSIM_VF_CLOBBER, call,
			  "sr changed from 0x%04x to 0x%04x", before->sr,
			  after->sr);
}

/* Runs call @call of r->ran at @depth in frame @depth. */
static void do_call(struct run *run, int depth)
{
	struct msim_vf_env *env = run->env;
	struct msim_vf_result *r = run->r;
	struct frame *f = &run->frame[depth];
	const struct msim_vf_call *k = &r->ran.call[f->call];
	struct msim_vf_call_result *cr = &r->call[f->call];
	struct msim_m68k_regs before;
	uint32_t entry;
	int ret;

	thread_init(env, &f->t, f->call, k);
	before = f->t.regs;
	cr->tp = f->t.tp;
	f->next_irq = 0;
	f->pending = -1;
	f->irq = -1;
	f->asked = -1;
	if (word_read(env, &cr->word_before))
		run->env_err = -EFAULT;
	event(run, MSIM_VF_EV_CALL, f->call, cr->word_before, 0, 0);
	cr->inv = run->tick++;
	entry = k->fn == MSIM_VF_FN_CMPXCHG ? env->img->sym_atomic_cmpxchg_32
					    : env->img->sym_read_tp;
	ret = msim_ucpu_call(env->cpu, &f->t, entry, &msim_vf_irq_ops, run,
			     (unsigned int)depth);
	cr->res = run->tick++;
	if (word_read(env, &cr->word_after))
		run->env_err = -EFAULT;
	/* Its frame may have been reused by its nested calls' children. */
	f = &run->frame[depth];
	cr->err = ret;
	cr->d0 = f->t.regs.d[0];
	cr->a0 = f->t.regs.a[0];
	cr->insns = f->asked + 1;
	if (run->plan && f->plan_call >= 0) {
		const struct msim_vf_call *p = &run->plan->call[f->plan_call];
		int j;

		/* Past where the call stopped: never delivered. */
		for (j = f->next_irq; j < p->nr_irqs; j++)
			r->undelivered[r->nr_undelivered++] =
				(struct msim_vf_undelivered){ f->call,
							      p->irq[j].at };
	}
	if (ret) {
		const struct msim_ucpu_error *e = msim_ucpu_error(env->cpu);
		char why[256];

		cr->error = *e;
		msim_ucpu_error_describe(e, why, sizeof(why));
		event(run, MSIM_VF_EV_ERROR, f->call, (uint32_t)-ret,
		      (uint32_t)e->kind, 0);
		violation(r,
			  msim_ucpu_fixup_failed(e) ? MSIM_VF_FIXUP_FAILED
						    : MSIM_VF_NO_RETURN,
			  f->call, "did not return: %s", why);
		return;
	}
	event(run, MSIM_VF_EV_RETURN, f->call, cr->d0, cr->a0, cr->word_after);
	check_regs(r, f->call, k->fn, &before, &f->t.regs);
	if (k->fn == MSIM_VF_FN_READ_TP &&
	    (cr->d0 != cr->tp || cr->a0 != cr->tp))
		violation(r, MSIM_VF_WRONG_TP, f->call,
			  "returned d0=0x%08x a0=0x%08x, its pointer is "
			  "0x%08x",
			  cr->d0, cr->a0, cr->tp);
}

/*
 * The interrupt is taken at boundary @n of frame @f's call: recorded now,
 * before the kernel entry runs the fixup, so that a case whose fixup fails
 * on it holds it (with no effect: the effect comes after the fixup).
 */
static void record_irq(struct run *run, struct frame *f, uint32_t pc,
		       unsigned int n)
{
	struct msim_vf_result *r = run->r;
	struct msim_vf_call *k = &r->ran.call[f->call];
	struct msim_vf_irq *q = &k->irq[k->nr_irqs];

	memset(q, 0, sizeof(*q));
	q->at = n;
	q->effect = MSIM_VF_EFF_NONE;
	f->irq = k->nr_irqs++;
	run->irqs++;
	r->call[f->call].has_irq = true;
	r->call[f->call].last_irq_pc = pc;
	event(run, MSIM_VF_EV_IRQ, f->call, pc, n, 0);
}

static bool want_irq(void *arg, struct msim_ucpu *cpu,
		     struct msim_ucpu_thread *t, uint32_t pc, unsigned int n,
		     unsigned int depth)
{
	struct run *run = arg;
	struct frame *f = &run->frame[depth];
	const struct msim_vf_limits *lim = run->lim;
	struct msim_vf_call *k = &run->r->ran.call[f->call];

	(void)cpu;
	(void)t;
	/* One decision per boundary, however often the CPU asks. */
	if ((int)n == f->asked)
		return false;
	f->asked = (int)n;
	f->n = n;
	if (k->nr_irqs >= MSIM_VF_MAX_PLAN)
		return false;
	if (!run->plan) {
		if (n >= MSIM_VF_MAX_AT || run->irqs >= lim->irqs_total ||
		    k->nr_irqs >= lim->irqs_per_call)
			return false;
		if (msim_vf_explore_choose(run->ex, 2) == MSIM_VF_PICK_NO)
			return false;
	} else {
		const struct msim_vf_call *p = &run->plan->call[f->plan_call];

		while (f->next_irq < p->nr_irqs && p->irq[f->next_irq].at < n)
			f->next_irq++;
		if (f->next_irq >= p->nr_irqs || p->irq[f->next_irq].at != n)
			return false;
		f->pending = f->next_irq++;
	}
	record_irq(run, f, pc, n);
	return true;
}

static void handler(void *arg, struct msim_ucpu *cpu,
		    struct msim_ucpu_thread *t, uint32_t irq_pc,
		    uint32_t resume_pc, unsigned int depth)
{
	struct run *run = arg;
	struct msim_vf_result *r = run->r;
	struct frame *f = &run->frame[depth];
	struct msim_vf_call *k = &r->ran.call[f->call];
	struct msim_vf_irq *q;
	enum msim_vf_fn fn = MSIM_VF_FN_CMPXCHG;
	uint32_t e = 0, nv = 0;
	int plan_sub = -1;

	(void)cpu;
	(void)t;
	if (f->irq < 0)
		return;
	q = &k->irq[f->irq];
	f->irq = -1;
	if (resume_pc != irq_pc)
		event(run, MSIM_VF_EV_REWIND, f->call, irq_pc, resume_pc, 0);
	if (!run->plan) {
		unsigned int nopts = MSIM_VF_PICK_READ_TP + 1;

		if ((int)depth + 1 > run->lim->depth ||
		    r->ran.nr_calls >= MSIM_VF_MAX_CALLS)
			nopts = MSIM_VF_PICK_STORE + 1;
		switch (msim_vf_explore_choose(run->ex, nopts)) {
		case MSIM_VF_PICK_NONE:
			q->effect = MSIM_VF_EFF_NONE;
			break;
		case MSIM_VF_PICK_STORE:
			q->effect = MSIM_VF_EFF_STORE;
			q->value = msim_vf_explore_value(run->ex);
			break;
		case MSIM_VF_PICK_CMPXCHG:
			q->effect = MSIM_VF_EFF_CALL;
			e = msim_vf_explore_value(run->ex);
			nv = msim_vf_explore_value(run->ex);
			break;
		default:
			q->effect = MSIM_VF_EFF_CALL;
			fn = MSIM_VF_FN_READ_TP;
			break;
		}
	} else if (f->pending >= 0) {
		const struct msim_vf_irq *p =
			&run->plan->call[f->plan_call].irq[f->pending];
		q->effect = p->effect;
		q->value = p->value;
		if (p->effect == MSIM_VF_EFF_CALL) {
			const struct msim_vf_call *pk =
				&run->plan->call[p->call];

			plan_sub = p->call;
			fn = pk->fn;
			e = pk->expected;
			nv = pk->new;
		}
	}
	f->pending = -1;
	handle_effect(run, depth, q, fn, e, nv, plan_sub);
	event(run, MSIM_VF_EV_RESUME, run->frame[depth].call, resume_pc, 0, 0);
}

static void handle_effect(struct run *run, unsigned int depth,
			  struct msim_vf_irq *q, enum msim_vf_fn fn, uint32_t e,
			  uint32_t nv, int plan_sub)
{
	struct msim_vf_result *r = run->r;
	struct frame *f = &run->frame[depth];
	struct msim_vf_call *k = &r->ran.call[f->call];
	uint32_t old = 0;
	int sub;

	if (q->effect == MSIM_VF_EFF_STORE) {
		if (word_read(run->env, &old) || word_write(run->env, q->value))
			run->env_err = -EFAULT;
		event(run, MSIM_VF_EV_STORE, f->call, q->value, old, 0);
		if (run->nr_stores < MSIM_VF_LIN_MAX_OPS)
			run->stores[run->nr_stores++] = (struct msim_vf_lin_op){
				MSIM_VF_LIN_STORE, q->value, 0, 0,
				run->tick,	   run->tick
			};
		run->tick++;
		return;
	}
	if (q->effect != MSIM_VF_EFF_CALL)
		return;
	sub = msim_vf_case_add_call(&r->ran, fn, e, nv, k->depth + 1);
	if (sub < 0 || depth + 1 > MSIM_VF_MAX_DEPTH) {
		/* Bounds are checked before: a plan cannot go past them. */
		q->effect = MSIM_VF_EFF_NONE;
		return;
	}
	q->call = sub;
	run->frame[depth + 1].plan_call = plan_sub;
	run->frame[depth + 1].call = sub;
	do_call(run, (int)depth + 1);
}

/*
 * The operations that took place within [inv, res]: the cmpxchg calls that
 * returned and the stores.
 */
static unsigned int history(struct run *run, unsigned int inv, unsigned int res,
			    struct msim_vf_lin_op *ops)
{
	struct msim_vf_result *r = run->r;
	unsigned int n = 0;
	int i;

	for (i = 0; i < r->ran.nr_calls; i++) {
		const struct msim_vf_call *k = &r->ran.call[i];
		const struct msim_vf_call_result *cr = &r->call[i];

		if (k->fn != MSIM_VF_FN_CMPXCHG || cr->err || cr->inv < inv ||
		    cr->res > res || n >= MSIM_VF_LIN_MAX_OPS)
			continue;
		ops[n++] = (struct msim_vf_lin_op){ MSIM_VF_LIN_CMPXCHG,
						    k->expected,
						    k->new,
						    cr->d0,
						    cr->inv,
						    cr->res };
	}
	for (i = 0; i < run->nr_stores; i++)
		if (run->stores[i].inv >= inv && run->stores[i].res <= res &&
		    n < MSIM_VF_LIN_MAX_OPS)
			ops[n++] = run->stores[i];
	return n;
}

static void judge(struct run *run)
{
	struct msim_vf_result *r = run->r;
	struct msim_vf_lin_op ops[MSIM_VF_LIN_MAX_OPS];
	unsigned int n;
	int i, culprit = -1, depth = -1;

	for (i = 0; i < r->ran.nr_calls; i++)
		if (r->call[i].err)
			return;
	n = history(run, 0, run->tick, ops);
	if (msim_vf_linearizable(ops, n, r->ran.word, r->final_word, NULL))
		return;
	/*
	 * Blame the innermost call whose own sub-history, from the word it
	 * found to the word it left, has no linearization; the outermost
	 * call's sub-history is the whole one.
	 */
	for (i = 0; i < r->ran.nr_calls; i++) {
		const struct msim_vf_call_result *cr = &r->call[i];

		if (r->ran.call[i].fn != MSIM_VF_FN_CMPXCHG ||
		    r->ran.call[i].depth <= depth)
			continue;
		n = history(run, cr->inv, cr->res, ops);
		if (!msim_vf_linearizable(ops, n, cr->word_before,
					  cr->word_after, NULL)) {
			culprit = i;
			depth = r->ran.call[i].depth;
		}
	}
	if (culprit < 0)
		culprit = 0;
	violation(r, MSIM_VF_NOT_LINEARIZABLE, culprit,
		  "cmpxchg(0x%x, 0x%x) returned 0x%x and left 0x%x (found "
		  "0x%x); final word 0x%x",
		  r->ran.call[culprit].expected, r->ran.call[culprit].new,
		  r->call[culprit].d0, r->call[culprit].word_after,
		  r->call[culprit].word_before, r->final_word);
}

int msim_vf_run(struct msim_vf_env *env, const struct msim_vf_case *plan,
		struct msim_vf_explore *ex, const struct msim_vf_limits *lim,
		struct msim_vf_result *r)
{
	static const struct msim_vf_limits none = { 0, 0, 0 };
	struct run run;
	enum msim_vf_fn fn;
	uint32_t w, e = 0, n = 0;

	memset(&run, 0, sizeof(run));
	run.env = env;
	run.plan = plan;
	run.ex = ex;
	run.lim = lim ? lim : &none;
	run.r = r;
	r->nr_events = 0;
	r->nr_violations = 0;
	r->nr_undelivered = 0;
	memset(r->call, 0, sizeof(r->call));
	if (plan) {
		fn = plan->call[0].fn;
		w = plan->word;
		e = plan->call[0].expected;
		n = plan->call[0].new;
	} else {
		msim_vf_explore_begin(ex);
		fn = msim_vf_explore_choose(ex, 2) ? MSIM_VF_FN_READ_TP
						   : MSIM_VF_FN_CMPXCHG;
		w = msim_vf_explore_value(ex);
		if (fn == MSIM_VF_FN_CMPXCHG) {
			e = msim_vf_explore_value(ex);
			n = msim_vf_explore_value(ex);
		}
	}
	msim_vf_case_init(&r->ran, fn, w, e, n);
	/* Each case from the same kernel area, so that it replays alone. */
	msim_ucpu_kernel_reset(env->cpu);
	if (word_write(env, w))
		return -EFAULT;
	run.frame[0].plan_call = plan ? 0 : -1;
	run.frame[0].call = 0;
	do_call(&run, 0);
	if (word_read(env, &r->final_word))
		run.env_err = -EFAULT;
	if (run.env_err)
		return run.env_err;
	judge(&run);
	return 0;
}
