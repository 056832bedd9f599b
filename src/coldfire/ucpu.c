// SPDX-License-Identifier: MIT
/*
 * The Unicorn ColdFire CPU's core: create and destroy it, and run a call
 * to its return, handing each stop to the file that handles it (see
 * ucpu_internal.h).  See include/mmsim/coldfire/ucpu.h for the model; the
 * notes here are about Unicorn 2.0.1 as Debian ships it, measured (those
 * on its lazy condition codes are in ucpu_exact.c):
 *
 *  - uc_emu_start() with count 0 after one with count > 0 (or the other
 *    way round) flushes the translation cache, some 15 ms a time, so
 *    every run passes a count.
 *  - uc_emu_stop() from a UC_HOOK_CODE callback stops before the hooked
 *    instruction runs; a memory hook that returns false stops with the PC
 *    at the faulting instruction and no register written back (not even a
 *    post-increment), so both are precise restart points.  Nothing calls
 *    into the mm from inside a hook: the hooks record and stop, and faults
 *    and interrupts are handled between runs.
 *  - Writing SR sets the condition codes, but also switches stack
 *    pointers, so %a7 is always written after SR, and both engines run in
 *    user mode from the start.
 *  - uc_mem_protect() costs 15-35 us, growing with use: the kernel area
 *    lives in a second engine (kuc) rather than being hidden from user
 *    code between kernel runs.  Both engines map the user pages.
 *  - Without a UC_HOOK_CODE hook the PC is not stored per instruction and
 *    a fault reports the start of the block: the code hook is always on.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmsim/coldfire/vdso.h>

#include <mmsim/coldfire/m68k_rel.h>

#include "ucpu_internal.h"

static _Thread_local char create_err[192];

/*
 * Records why the call fails: @kind and a one-line message; the callers
 * that know more (an address, the kernel entry) add it to cpu->error.
 */
int ucpu_fail(struct msim_ucpu *cpu, int err, enum msim_ucpu_error_kind kind,
	      const char *fmt, ...)
{
	struct msim_ucpu_error *e = &cpu->error;
	va_list ap;

	memset(e, 0, sizeof(*e));
	e->err = err;
	e->kind = kind;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return err;
}

/* Registers, with @lock held. */

static const int reg_ids[17] = {
	UC_M68K_REG_D0, UC_M68K_REG_D1, UC_M68K_REG_D2, UC_M68K_REG_D3,
	UC_M68K_REG_D4, UC_M68K_REG_D5, UC_M68K_REG_D6, UC_M68K_REG_D7,
	UC_M68K_REG_A0, UC_M68K_REG_A1, UC_M68K_REG_A2, UC_M68K_REG_A3,
	UC_M68K_REG_A4, UC_M68K_REG_A5, UC_M68K_REG_A6, UC_M68K_REG_A7,
	UC_M68K_REG_PC,
};

void ucpu_read_regs(uc_engine *uc, struct msim_m68k_regs *r)
{
	uint32_t v[17];
	void *p[17];
	int i;

	for (i = 0; i < 17; i++)
		p[i] = &v[i];
	uc_reg_read_batch(uc, (int *)reg_ids, p, 17);
	memcpy(r->d, v, sizeof(r->d));
	memcpy(r->a, v + 8, sizeof(r->a));
	r->pc = v[16];
	r->sr = 0; /* the condition codes are not readable this way */
}

/* User mode: only the condition codes of @r->sr reach the CPU. */
void ucpu_write_regs(uc_engine *uc, const struct msim_m68k_regs *r)
{
	uint32_t v[17], sr = r->sr & SR_CCR;
	void *p[17];
	int i;

	memcpy(v, r->d, sizeof(r->d));
	memcpy(v + 8, r->a, sizeof(r->a));
	v[16] = r->pc;
	for (i = 0; i < 17; i++)
		p[i] = &v[i];
	uc_reg_write(uc, UC_M68K_REG_SR, &sr);
	uc_reg_write_batch(uc, (int *)reg_ids, p, 17);
}

void ucpu_write_reg(uc_engine *uc, int reg, uint32_t v)
{
	uc_reg_write(uc, reg, &v);
}

uint32_t ucpu_read_reg(uc_engine *uc, int reg)
{
	uint32_t v = 0;

	uc_reg_read(uc, reg, &v);
	return v;
}

/* Hooks: they record what happened and stop the run; nothing more. */

static void ucpu_code_hook(uc_engine *uc, uint64_t addr, uint32_t size,
			   void *data)
{
	struct msim_ucpu *cpu = data;
	struct ucpu_run *run = cpu->cur;

	(void)size;
	if (cpu->in_kernel || !run)
		return;
	if (cpu->replaying) {
		run->n++;
		return;
	}
	/* Each boundary once: not again after an interrupt or a restart. */
	if (run->n >= run->next_ask) {
		run->next_ask = run->n + 1;
		if (run->ops && run->ops->want_irq &&
		    run->ops->want_irq(run->arg, cpu, run->t, (uint32_t)addr,
				       run->n, run->depth)) {
			cpu->ev = EV_IRQ;
			uc_emu_stop(uc);
			return;
		}
	}
	/*
	 * MODEL: cf-insn-bounds: a call is stopped after insn_limit
	 * instructions (1 << 20 by default), and a fixup after
	 * KERNEL_INSN_LIMIT, where the hardware would run on for ever: a
	 * tool must end.
	 */
	if (run->n >= cpu->insn_limit) {
		cpu->ev = EV_LIMIT;
		uc_emu_stop(uc);
		return;
	}
	run->n++;
}

static bool ucpu_mem_hook(uc_engine *uc, uc_mem_type type, uint64_t addr,
			  int size, int64_t value, void *data)
{
	struct msim_ucpu *cpu = data;

	(void)uc;
	(void)size;
	(void)value;
	cpu->ev = EV_MEM;
	cpu->ev_type = type;
	cpu->ev_addr = (uint32_t)addr;
	return false;
}

/*
 * The kernel engine's data misses: a page of the TLB, mapped on first
 * use, and the access done again.  (A fetch miss stops the run, which
 * maps the page and goes on from there: a miss in the middle of a
 * translation does not resume where it should.)
 */
static bool ucpu_kuc_mem_hook(uc_engine *uc, uc_mem_type type, uint64_t addr,
			      int size, int64_t value, void *data)
{
	struct msim_ucpu *cpu = data;

	if ((type == UC_MEM_READ_UNMAPPED || type == UC_MEM_WRITE_UNMAPPED) &&
	    ucpu_kuc_map_on_use(cpu, (uint32_t)addr))
		return true;
	return ucpu_mem_hook(uc, type, addr, size, value, data);
}

static bool is_fetch(uc_mem_type type)
{
	return type == UC_MEM_FETCH_UNMAPPED || type == UC_MEM_FETCH_PROT;
}

/*
 * An exception the instruction itself raises (trap #n, an illegal
 * instruction, a division by zero): Unicorn calls this instead of taking
 * it, with the PC already where the exception frame would point.  The
 * state is exact: the translator syncs the condition codes before it
 * raises an exception.
 */
static void ucpu_intr_hook(uc_engine *uc, uint32_t intno, void *data)
{
	struct msim_ucpu *cpu = data;

	if (!cpu->in_kernel && !cpu->cur)
		return;
	cpu->ev = EV_TRAP;
	cpu->ev_vector = intno;
	uc_emu_stop(uc);
}

/* One bounded run, with @lock held around the engine. */
uc_err ucpu_emu(struct msim_ucpu *cpu, uc_engine *uc, uint32_t pc,
		uint32_t until, uint64_t count)
{
	uc_err e;

	pthread_mutex_lock(&cpu->lock);
	cpu->ev = EV_NONE;
	e = uc_emu_start(uc, pc, until, 0, count);
	pthread_mutex_unlock(&cpu->lock);
	return e;
}

void ucpu_get_context(struct msim_ucpu *cpu, struct msim_m68k_regs *r)
{
	pthread_mutex_lock(&cpu->lock);
	ucpu_read_regs(cpu->uc, r);
	pthread_mutex_unlock(&cpu->lock);
}

static int run_user(struct msim_ucpu *cpu, struct ucpu_run *run, uint32_t pc)
{
	unsigned long n0;
	uc_err e;
	int ret;

	for (;;) {
		n0 = run->n;
		/* The hook enforces the limit; the count only has to be > 0. */
		e = ucpu_emu(cpu, cpu->uc, pc, MSIM_UCPU_RETURN_ADDR,
			     cpu->insn_limit - run->n + 2);
		pc = ucpu_read_reg(cpu->uc, UC_M68K_REG_PC);
		if (e == UC_ERR_OK && cpu->ev == EV_NONE &&
		    pc == MSIM_UCPU_RETURN_ADDR) {
			cpu->stats.insns += run->n - n0;
			return MSIM_UCPU_STOP_RETURN;
		}
		if (e == UC_ERR_OK && cpu->ev == EV_TRAP) {
			cpu->stats.insns += run->n - n0;
			ret = ucpu_trap_entry(cpu, run, pc, cpu->ev_vector);
			if (ret) /* an error, or a stop of msim_ucpu_run() */
				return ret;
			pc = ucpu_read_reg(cpu->uc, UC_M68K_REG_PC);
			continue;
		}
		if (e == UC_ERR_OK && cpu->ev != EV_IRQ) {
			cpu->stats.insns += run->n - n0;
			ret = ucpu_fail(
				cpu, -ELOOP, MSIM_UCPU_ERR_LIMIT,
				"ran more than %lu instructions (pc %#x)",
				cpu->insn_limit, pc);
			cpu->error.pc = pc;
			return ret;
		}
		if (e != UC_ERR_OK && cpu->ev != EV_MEM) {
			cpu->stats.insns += run->n - n0;
			ret = ucpu_fail(cpu, -EILSEQ, MSIM_UCPU_ERR_SIGNAL,
					"exception at pc %#x: %s", pc,
					uc_strerror(e));
			cpu->error.pc = pc;
			return ret;
		}
		/*
		 * An instruction fetch faults where a block would start,
		 * so the stop is exact and the hook has not counted it.
		 */
		if (cpu->ev == EV_IRQ || !is_fetch(cpu->ev_type)) {
			ret = ucpu_replay_to(cpu, run, pc);
			if (ret)
				return ret;
		}
		cpu->stats.insns += run->n - n0;
		if (cpu->ev == EV_IRQ)
			ret = ucpu_deliver_irq(cpu, run, pc);
		else
			ret = ucpu_access_error(cpu, run, pc, cpu->ev_type,
						cpu->ev_addr);
		if (ret) /* an error, or a stop of msim_ucpu_run() */
			return ret;
		pc = ucpu_read_reg(cpu->uc, UC_M68K_REG_PC);
	}
}

/*
 * The kernel engine: the kernel area, the user pages the user engine maps,
 * and the hooks.  In user mode from the start, so that SR writes never
 * switch stacks.
 *
 * MODEL: cf-fixup-user-mode: the fixup runs with SR's S bit clear, as all
 * code on this engine does (Unicorn switches stack pointers on an SR
 * write), so a privileged instruction in it raises a privilege violation
 * (an oops) where the kernel would execute it.
 */
int ucpu_kernel_engine_open(struct msim_ucpu *cpu, uc_engine **out)
{
	struct ucpu_page *pg, *tmp;
	uint32_t sr = 0;
	uc_engine *kuc;
	uc_hook hook;

	if (uc_open(UC_ARCH_M68K, UC_MODE_BIG_ENDIAN, &kuc))
		return -ENOMEM;
	if (uc_ctl_set_cpu_model(kuc, UC_CPU_M68K_CFV4E) ||
	    uc_mem_map_ptr(kuc, KBASE, KAREA_SIZE, UC_PROT_ALL, cpu->kmem) ||
	    uc_hook_add(kuc, &hook, UC_HOOK_CODE, ucpu_code_hook, cpu, 1, 0) ||
	    uc_hook_add(kuc, &hook, UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT,
			ucpu_kuc_mem_hook, cpu, 1, 0) ||
	    uc_hook_add(kuc, &hook, UC_HOOK_INTR, ucpu_intr_hook, cpu, 1, 0) ||
	    uc_hook_add(kuc, &hook, UC_HOOK_MEM_WRITE, ucpu_kernel_write_hook,
			cpu, KBASE, KBASE + KAREA_SIZE - 1) ||
	    uc_reg_write(kuc, UC_M68K_REG_SR, &sr))
		goto fail;
	/* The pages of the TLB come in on first use. */
	HASH_ITER(hh, cpu->pages, pg, tmp)
		pg->in_kuc = false;
	*out = kuc;
	return 0;
fail:
	uc_close(kuc);
	return -ENOMEM;
}

/*
 * Refuses what the model cannot run: a nested call outside a handler, a
 * depth that is not one more than the caller's, a thread already on the
 * CPU, an odd or kernel entry point.
 */
static int call_check(struct msim_ucpu *cpu, const struct ucpu_run *run,
		      uint32_t entry)
{
	const struct ucpu_run *p;
	unsigned int depth = run->depth;

	if (run->prev && !run->prev->in_handler)
		return ucpu_fail(cpu, -EINVAL, MSIM_UCPU_ERR_INVAL,
				 "nested call outside a handler");
	if (depth != (run->prev ? run->prev->depth + 1 : 0) ||
	    depth >= MSIM_UCPU_MAX_DEPTH)
		return ucpu_fail(cpu, -EINVAL, MSIM_UCPU_ERR_INVAL,
				 "depth %u, expected %u", depth,
				 run->prev ? run->prev->depth + 1 : 0);
	for (p = run->prev; p; p = p->prev)
		if (p->t == run->t)
			return ucpu_fail(cpu, -EINVAL, MSIM_UCPU_ERR_INVAL,
					 "thread %d is already on the "
					 "CPU",
					 run->t->id);
	if ((entry & 1) || entry >= cpu->mm->task_size)
		return ucpu_fail(cpu, -EINVAL, MSIM_UCPU_ERR_INVAL,
				 "entry point %#x", entry);
	return 0;
}

/*
 * The call's start: the return address pushed on @t's stack as the
 * caller's jsr would, the switch to @t as resume: does it, and @t's
 * registers with the stack pointer and PC of the call.
 */
static int call_start(struct msim_ucpu *cpu, struct msim_ucpu_thread *t,
		      uint32_t entry)
{
	struct msim_m68k_regs r;
	unsigned char ret_addr[4];
	uint32_t sp = t->regs.a[7] - 4;
	int ret;

	put32(ret_addr, MSIM_UCPU_RETURN_ADDR);
	ret = msim_user_write(cpu->mm, sp, ret_addr, 4);
	if (ret) {
		cpu->fault_addr = sp;
		ret = ucpu_fail(cpu, ret,
				ret == -ENOMEM ? MSIM_UCPU_ERR_NOMEM
					       : MSIM_UCPU_ERR_SEGV,
				"cannot push the return address at %#x", sp);
		cpu->error.addr = sp;
		cpu->error.access = MSIM_ACCESS_WRITE;
		return ret;
	}
	cpu->stats.calls++;
	msim_vdso_set_tp(cpu->m, t->tp);
	r = t->regs;
	r.a[7] = sp;
	r.pc = entry;
	pthread_mutex_lock(&cpu->lock);
	ucpu_write_regs(cpu->uc, &r);
	pthread_mutex_unlock(&cpu->lock);
	return 0;
}

/*
 * The record (trace.h): the switch to @run's thread, which the events of
 * the call are then made by ("T0", "T1", as the fuzzer's reports name
 * them), and the call.  Returns the thread that made events before.
 */
static unsigned int ucpu_trace_call(const struct ucpu_run *run, uint32_t entry)
{
	unsigned int old;
	char name[16];

	snprintf(name, sizeof(name), "T%d", run->t->id);
	msim_trace(MSIM_TRACE_CF_SWITCH,
		   .a = { run->prev ? (uint64_t)run->prev->t->id : UINT64_MAX,
			  (uint64_t)run->t->id });
	old = msim_trace_set_thread(msim_trace_thread(name));
	msim_trace(MSIM_TRACE_CF_CALL,
		   .a = { entry, run->depth, (uint64_t)run->t->id });
	return old;
}

/* ... its return, the switch back, and the thread before it again. */
static void ucpu_trace_return(const struct ucpu_run *run, int ret,
			      unsigned int tid)
{
	msim_trace(MSIM_TRACE_CF_RETURN,
		   .a = { (uint64_t)(int64_t)ret, run->t->regs.d[0],
			  (uint64_t)run->t->id });
	if (run->prev)
		msim_trace(MSIM_TRACE_CF_SWITCH,
			   .a = { (uint64_t)run->t->id,
				  (uint64_t)run->prev->t->id });
	msim_trace_set_thread(tid);
}

int msim_ucpu_call(struct msim_ucpu *cpu, struct msim_ucpu_thread *t,
		   uint32_t entry, const struct msim_ucpu_irq_ops *ops,
		   void *arg, unsigned int depth)
{
	struct ucpu_run run = {
		.t = t,
		.ops = ops,
		.arg = arg,
		.depth = depth,
	};
	unsigned int tid;
	uint16_t ccr;
	int ret;

	if (!cpu || !t)
		return -EINVAL;
	run.prev = cpu->cur;
	ret = call_check(cpu, &run, entry);
	if (ret)
		return ret;
	if (!run.prev)
		ucpu_kernel_engine_renew(cpu);
	ret = call_start(cpu, t, entry);
	if (ret)
		return ret;
	tid = msim_trace_on() ? ucpu_trace_call(&run, entry) : 0;
	cpu->cur = &run;
	ret = run_user(cpu, &run, entry);
	if (!ret)
		ret = ucpu_read_ccr(cpu, &ccr);
	if (!ret) {
		ucpu_get_context(cpu, &t->regs);
		t->regs.pc = MSIM_UCPU_RETURN_ADDR;
		t->regs.sr = ccr;
	} else if (!run.ctx_saved) {
		ucpu_get_context(cpu, &t->regs);
	}
	if (msim_trace_on())
		ucpu_trace_return(&run, ret, tid);
	/* The switch back to the thread this call interrupted. */
	cpu->cur = run.prev;
	if (run.prev)
		msim_vdso_set_tp(cpu->m, run.prev->t->tp);
	return ret;
}

int msim_ucpu_thread_start(struct msim_ucpu *cpu, struct msim_ucpu_thread *t,
			   uint32_t entry, int nargs, const uint32_t *args)
{
	unsigned char b[4 * 9];
	uint32_t sp;
	int i;

	if (!cpu || !t || nargs < 0 || nargs > 8 || (entry & 1) ||
	    entry >= cpu->mm->task_size)
		return -EINVAL;
	put32(b, MSIM_UCPU_RETURN_ADDR);
	for (i = 0; i < nargs; i++)
		put32(b + 4 + 4 * i, args[i]);
	sp = t->regs.a[7] - 4 * (uint32_t)(nargs + 1);
	if (msim_user_write(cpu->mm, sp, b, 4 * (size_t)(nargs + 1)))
		return -EFAULT;
	t->regs.a[7] = sp;
	t->regs.pc = entry;
	/* A fresh start: the condition codes come from @t->regs.sr. */
	if (t->ctx) {
		uc_context_free(t->ctx);
		t->ctx = NULL;
	}
	return 0;
}

void msim_ucpu_thread_release(struct msim_ucpu *cpu, struct msim_ucpu_thread *t)
{
	(void)cpu;
	if (t->ctx)
		uc_context_free(t->ctx);
	t->ctx = NULL;
}

/* @t's context into the user engine: its own copy, then @t->regs. */
static void thread_load(struct msim_ucpu *cpu, struct msim_ucpu_thread *t)
{
	uint32_t v[17];
	void *p[17];
	int i;

	pthread_mutex_lock(&cpu->lock);
	if (!t->ctx) {
		ucpu_write_regs(cpu->uc, &t->regs);
		pthread_mutex_unlock(&cpu->lock);
		return;
	}
	uc_context_restore(cpu->uc, t->ctx);
	/* Not SR: the condition codes stay as they were, lazy and exact. */
	memcpy(v, t->regs.d, sizeof(t->regs.d));
	memcpy(v + 8, t->regs.a, sizeof(t->regs.a));
	v[16] = t->regs.pc;
	for (i = 0; i < 17; i++)
		p[i] = &v[i];
	uc_reg_write_batch(cpu->uc, (int *)reg_ids, p, 17);
	pthread_mutex_unlock(&cpu->lock);
}

int msim_ucpu_run(struct msim_ucpu *cpu, struct msim_ucpu_thread *t,
		  const struct msim_ucpu_irq_ops *ops, void *arg)
{
	struct ucpu_run run = {
		.t = t,
		.ops = ops,
		.arg = arg,
		.stop_at_events = true,
	};
	uint16_t ccr;
	int ret, err;

	if (!cpu || !t)
		return -EINVAL;
	if (cpu->cur)
		return ucpu_fail(cpu, -EINVAL, MSIM_UCPU_ERR_INVAL,
				 "a call is running");
	if (cpu->released)
		return ucpu_fail(cpu, -EINVAL, MSIM_UCPU_ERR_INVAL,
				 "no mm to run");
	run.n = t->insns;
	run.next_ask = t->next_ask;
	ucpu_kernel_engine_renew(cpu);
	thread_load(cpu, t);
	if (!t->insns)
		cpu->stats.calls++;
	msim_vdso_set_tp(cpu->m, t->tp);
	cpu->cur = &run;
	ret = run_user(cpu, &run, t->regs.pc);
	t->insns = run.n;
	t->next_ask = run.next_ask;
	if (ret < 0) {
		if (!run.ctx_saved)
			ucpu_get_context(cpu, &t->regs);
		cpu->cur = NULL;
		return ret;
	}
	/* @t->regs: the frame's view after an interrupt, else the CPU's. */
	if (ret != MSIM_UCPU_STOP_IRQ) {
		err = ucpu_read_ccr(cpu, &ccr);
		ucpu_get_context(cpu, &t->regs);
		t->regs.sr = ccr;
		if (err) {
			cpu->cur = NULL;
			return err;
		}
	}
	cpu->cur = NULL;
	/* Its own copy of the context, exact, for the next run. */
	pthread_mutex_lock(&cpu->lock);
	if (!t->ctx && uc_context_alloc(cpu->uc, (uc_context **)&t->ctx))
		t->ctx = NULL;
	if (t->ctx)
		uc_context_save(cpu->uc, t->ctx);
	pthread_mutex_unlock(&cpu->lock);
	return ret;
}

/*
 * The mm the CPU runs moves: every page of the old one leaves the TLB
 * (the notifier's release does it), the notifier follows.
 */
int msim_ucpu_set_mm(struct msim_ucpu *cpu, struct mm_struct *mm)
{
	struct mm_struct *old = cpu->mm;
	int ret;

	if (!mm || mm->arch != old->arch || cpu->cur)
		return -EINVAL;
	if (cpu->registered)
		mmu_notifier_unregister(&cpu->mn, old);
	cpu->registered = false;
	pthread_mutex_lock(&cpu->lock);
	ucpu_tlb_flush_all(cpu);
	pthread_mutex_unlock(&cpu->lock);
	mmdrop(old);
	mmgrab(mm);
	cpu->mm = mm;
	cpu->released = true;
	ret = mmu_notifier_register(&cpu->mn, mm);
	if (!ret) {
		cpu->released = false;
		cpu->registered = true;
	}
	return ret;
}

static struct msim_ucpu *create_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(create_err, sizeof(create_err), fmt, ap);
	va_end(ap);
	return ERR_PTR(err);
}

static void ucpu_free(struct msim_ucpu *cpu)
{
	struct ucpu_page *pg, *tmp;
	struct ucpu_vpage *v, *vtmp;

	HASH_ITER(hh, cpu->pages, pg, tmp) {
		HASH_DEL(cpu->pages, pg);
		free(pg);
	}
	HASH_ITER(hh, cpu->vpages, v, vtmp) {
		HASH_DEL(cpu->vpages, v);
		free(v);
	}
	if (cpu->tb_ctx)
		uc_context_free(cpu->tb_ctx);
	if (cpu->xfer)
		uc_context_free(cpu->xfer);
	if (cpu->uc)
		uc_close(cpu->uc);
	if (cpu->kuc)
		uc_close(cpu->kuc);
	ucpu_replay_engines_free(cpu);
	free(cpu->undo);
	free(cpu->kmem);
	free(cpu->ktext_init);
	pthread_mutex_destroy(&cpu->lock);
	msim_kfree(cpu->m, MSIM_ALLOC_OTHER, cpu);
}

/*
 * The kernel area: the stubs, and the fixup linked at KFIXUP.  Returns 0
 * or -errno with create_err set.
 */
static int kernel_area_init(struct msim_ucpu *cpu, const void *fixup,
			    size_t fixup_len)
{
	char why[160];
	int ret;

	cpu->kmem = aligned_alloc(cpu->psize, KAREA_SIZE);
	if (!cpu->kmem) {
		create_fail(-ENOMEM, "out of memory");
		return -ENOMEM;
	}
	memset(cpu->kmem, 0, KAREA_SIZE);
	ret = msim_m68k_rel_load(fixup, fixup_len,
				 "check_vdso_atomic_cmpxchg_32",
				 kaddr(cpu, KFIXUP), KFIXUP, KTEXT_SIZE - 0x100,
				 &cpu->fixup_entry, why, sizeof(why));
	if (ret) {
		create_fail(ret, "fixup: %s",
			    ret == -ENOMEM ? "out of memory" : why);
		return ret;
	}
	ucpu_entry_stub_install(cpu);
	ucpu_ccr_stub_install(cpu);
	cpu->ktext_init = malloc(KTEXT_SIZE);
	if (!cpu->ktext_init) {
		create_fail(-ENOMEM, "out of memory");
		return -ENOMEM;
	}
	memcpy(cpu->ktext_init, cpu->kmem, KTEXT_SIZE);
	return 0;
}

/*
 * The two engines, with their hooks: the user engine gets them all, the
 * exactness workarounds' block and write hooks and the trap hook included.
 */
static int engines_open(struct msim_ucpu *cpu)
{
	uint32_t sr = 0;
	uc_hook hook;

	if (uc_open(UC_ARCH_M68K, UC_MODE_BIG_ENDIAN, &cpu->uc) ||
	    ucpu_kernel_engine_open(cpu, &cpu->kuc) ||
	    uc_ctl_set_cpu_model(cpu->uc, UC_CPU_M68K_CFV4E) ||
	    uc_context_alloc(cpu->uc, &cpu->tb_ctx) ||
	    uc_context_alloc(cpu->uc, &cpu->xfer) ||
	    uc_hook_add(cpu->uc, &hook, UC_HOOK_CODE, ucpu_code_hook, cpu, 1,
			0) ||
	    uc_hook_add(cpu->uc, &hook, UC_HOOK_BLOCK, ucpu_block_hook, cpu, 1,
			0) ||
	    uc_hook_add(cpu->uc, &hook, UC_HOOK_MEM_WRITE, ucpu_write_hook, cpu,
			1, 0) ||
	    uc_hook_add(cpu->uc, &hook, UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT,
			ucpu_mem_hook, cpu, 1, 0) ||
	    uc_hook_add(cpu->uc, &hook, UC_HOOK_INTR, ucpu_intr_hook, cpu, 1,
			0)) {
		create_fail(-ENOMEM, "cannot set up Unicorn");
		return -ENOMEM;
	}
	/* User mode from the start, so that SR writes never switch stacks. */
	uc_reg_write(cpu->uc, UC_M68K_REG_SR, &sr);
	return 0;
}

struct msim_ucpu *msim_ucpu_create(struct mm_struct *mm, const void *fixup,
				   size_t fixup_len)
{
	struct msim_ucpu *cpu;
	int ret;

	create_err[0] = 0;
	if (!mm || strcmp(mm->arch->name, "coldfire"))
		return create_fail(-EINVAL, "not a coldfire mm");
	if (!mm->context.vdso)
		return create_fail(-EINVAL, "the mm has no vDSO");
	if (!fixup)
		fixup = msim_vdso_seed_fixup(&fixup_len);
	cpu = msim_kzalloc(mm->machine, MSIM_ALLOC_OTHER, sizeof(*cpu));
	if (!cpu)
		return create_fail(-ENOMEM, "out of memory");
	cpu->mm = mm;
	cpu->m = mm->machine;
	cpu->psize = mm_page_size(mm);
	cpu->insn_limit = DEFAULT_INSN_LIMIT;
	pthread_mutex_init(&cpu->lock, NULL);
	ret = kernel_area_init(cpu, fixup, fixup_len);
	if (!ret)
		ret = engines_open(cpu);
	if (ret) {
		ucpu_free(cpu);
		return ERR_PTR(ret);
	}

	mmgrab(mm);
	cpu->mn.ops = &ucpu_mn_ops;
	ret = mmu_notifier_register(&cpu->mn, mm);
	if (ret) {
		mmdrop(mm);
		ucpu_free(cpu);
		return create_fail(ret, "mmu_notifier_register: %d", ret);
	}
	cpu->registered = true;
	return cpu;
}

void msim_ucpu_destroy(struct msim_ucpu *cpu)
{
	struct mm_struct *mm;

	if (!cpu)
		return;
	mm = cpu->mm;
	if (cpu->registered)
		mmu_notifier_unregister(&cpu->mn, mm);
	ucpu_free(cpu);
	mmdrop(mm);
}

const char *msim_ucpu_last_error(const struct msim_ucpu *cpu)
{
	return cpu ? cpu->error.msg : create_err;
}

const struct msim_ucpu_error *msim_ucpu_error(const struct msim_ucpu *cpu)
{
	return &cpu->error;
}

const char *msim_ucpu_error_kind_name(enum msim_ucpu_error_kind kind)
{
	switch (kind) {
	case MSIM_UCPU_ERR_NONE:
		return "no error";
	case MSIM_UCPU_ERR_INVAL:
		return "a bad argument";
	case MSIM_UCPU_ERR_SEGV:
		return "a segmentation fault";
	case MSIM_UCPU_ERR_SIGNAL:
		return "an exception that ends in a signal";
	case MSIM_UCPU_ERR_LIMIT:
		return "more instructions than the call's limit";
	case MSIM_UCPU_ERR_FIXUP_FAULT:
		return "the fixup faulted";
	case MSIM_UCPU_ERR_FIXUP_LIMIT:
		return "the fixup ran past its instruction bound";
	case MSIM_UCPU_ERR_FIXUP_INSN:
		return "the fixup raised an exception";
	case MSIM_UCPU_ERR_FIXUP_FRAME:
		return "the fixup corrupted the frame";
	case MSIM_UCPU_ERR_NOMEM:
		return "out of memory";
	case MSIM_UCPU_ERR_INTERNAL:
		return "the model could not go on";
	}
	return "?";
}

/* A CPU failure's kind as the JSON "failure" field names it. */
const char *ucpu_error_token(enum msim_ucpu_error_kind kind)
{
	static const char *const names[] = {
		[MSIM_UCPU_ERR_NONE] = "none",
		[MSIM_UCPU_ERR_INVAL] = "invalid",
		[MSIM_UCPU_ERR_SEGV] = "segv",
		[MSIM_UCPU_ERR_SIGNAL] = "signal",
		[MSIM_UCPU_ERR_LIMIT] = "limit",
		[MSIM_UCPU_ERR_FIXUP_FAULT] = "fixup-fault",
		[MSIM_UCPU_ERR_FIXUP_LIMIT] = "fixup-limit",
		[MSIM_UCPU_ERR_FIXUP_INSN] = "fixup-exception",
		[MSIM_UCPU_ERR_FIXUP_FRAME] = "fixup-frame",
		[MSIM_UCPU_ERR_NOMEM] = "nomem",
		[MSIM_UCPU_ERR_INTERNAL] = "internal",
	};

	return (unsigned int)kind < sizeof(names) / sizeof(names[0])
		       ? names[kind]
		       : "?";
}

/* The exception a vector stands for, as the fixup's failure names it. */
static const char *vector_name(unsigned int vector, char *buf, size_t size)
{
	switch (vector) {
	case 2:
		return "an access error";
	case 3:
		return "an address error";
	case 4:
		return "an illegal instruction";
	case 5:
		return "a division by zero";
	case 8:
		return "a privilege violation";
	case 9:
		return "a trace exception";
	case 10:
		return "an unimplemented line-A opcode";
	case 11:
		return "an unimplemented line-F opcode";
	}
	if (vector >= 32 && vector <= 47)
		snprintf(buf, size, "trap #%u", vector - 32);
	else
		snprintf(buf, size, "exception vector %u", vector);
	return buf;
}

/* Which kernel entry a fixup ran for. */
static void put_entry(char *buf, size_t size, size_t *len,
		      const struct msim_ucpu_error *e)
{
	char vec[32];
	int n;

	if (e->vector == MSIM_UCPU_IRQ_VECTOR)
		n = snprintf(buf + *len, *len < size ? size - *len : 0,
			     ", on the interrupt at pc 0x%08x", e->entry_pc);
	else if (e->vector == MSIM_UCPU_ACCESS_VECTOR)
		n = snprintf(buf + *len, *len < size ? size - *len : 0,
			     ", on the access-error entry (%s) at pc 0x%08x",
			     e->fault_status == 0x5 || e->fault_status == 0xa ||
					     e->fault_status == 0xe
				     ? "TLB miss"
				     : "protection fault",
			     e->entry_pc);
	else
		n = snprintf(buf + *len, *len < size ? size - *len : 0,
			     ", on the trap entry for %s at pc 0x%08x",
			     vector_name(e->vector, vec, sizeof(vec)),
			     e->entry_pc);
	if (n > 0)
		*len += (size_t)n;
}

size_t msim_ucpu_error_describe(const struct msim_ucpu_error *e, char *buf,
				size_t size)
{
	static const char *const access[] = { "read", "write", "fetch" };
	const char *acc =
		e->access >= 0 && e->access <= 2 ? access[e->access] : "access";
	char vec[32];
	size_t len = 0;
	int n;

	if (size)
		buf[0] = '\0';
	switch (e->kind) {
	case MSIM_UCPU_ERR_FIXUP_FAULT:
		n = snprintf(buf, size,
			     "the fixup faulted: %s of 0x%08x at pc "
			     "0x%08x",
			     acc, e->addr, e->pc);
		break;
	case MSIM_UCPU_ERR_FIXUP_LIMIT:
		n = snprintf(buf, size,
			     "the fixup ran past its instruction bound (%d) "
			     "at pc 0x%08x",
			     KERNEL_INSN_LIMIT, e->pc);
		break;
	case MSIM_UCPU_ERR_FIXUP_INSN:
		n = snprintf(buf, size,
			     "the fixup raised an exception at pc 0x%08x: %s",
			     e->pc,
			     e->exception ? vector_name(e->exception, vec,
							sizeof(vec))
					  : "not known");
		break;
	case MSIM_UCPU_ERR_FIXUP_FRAME:
		n = snprintf(buf, size, "the fixup corrupted the frame: %s",
			     e->msg);
		break;
	default:
		return (size_t)snprintf(buf, size, "%s", e->msg);
	}
	if (n > 0)
		len = (size_t)n;
	put_entry(buf, size, &len, e);
	return len;
}

int msim_ucpu_kernel_read(const struct msim_ucpu *cpu, uint32_t addr, void *buf,
			  size_t len)
{
	if (addr < KBASE || addr - KBASE > KAREA_SIZE ||
	    len > KAREA_SIZE - (addr - KBASE))
		return -EFAULT;
	memcpy(buf, cpu->kmem + (addr - KBASE), len);
	return 0;
}

uint32_t msim_ucpu_fault_address(const struct msim_ucpu *cpu)
{
	return cpu->fault_addr;
}

void msim_ucpu_set_insn_limit(struct msim_ucpu *cpu, unsigned long limit)
{
	cpu->insn_limit = limit ? limit : DEFAULT_INSN_LIMIT;
}

uint32_t msim_ucpu_fixup_entry(const struct msim_ucpu *cpu)
{
	return cpu->fixup_entry;
}

void msim_ucpu_get_stats(const struct msim_ucpu *cpu,
			 struct msim_ucpu_stats *stats)
{
	/* tlb_flushes moves under the lock, from notifier callbacks. */
	pthread_mutex_lock((pthread_mutex_t *)&cpu->lock);
	*stats = cpu->stats;
	pthread_mutex_unlock((pthread_mutex_t *)&cpu->lock);
}
