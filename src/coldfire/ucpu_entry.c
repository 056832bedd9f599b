// SPDX-License-Identifier: MIT
/*
 * Kernel entry and exit of the Unicorn ColdFire CPU, as the seed's
 * entry.S does them: the exception frame (format word, SR, PC) and
 * SAVE_ALL_INT's part of struct pt_regs on the supervisor stack of the
 * nesting depth, then the stub that stores the condition codes into the
 * frame's SR and calls the fixup by jsr; and the return, done by the host
 * from the frame, since Unicorn's rte is of no use.  Interrupts, access
 * errors (TLB misses and protection faults) and traps all come in this
 * way; what differs is the frame word and what happens before the return.
 * Kept apart because this is the model of the kernel under test, the
 * part a reader checks against entry.S.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "ucpu_internal.h"

/*
 * The ColdFire exception frame's first word: format 4 (the supervisor
 * stack was longword aligned), the fault status split around the vector.
 */
#define FORMATVEC(vec, fs)                                                     \
	((4 << 12) | (((fs) >> 2) & 3) << 10 | ((vec)&0xff) << 2 | ((fs)&3))
/* Fault status values of the V4e MMU. */
#define FS_IFETCH 0x4	 /* error on instruction fetch */
#define FS_ITLB_MISS 0x5 /* TLB miss on opword fetch */
#define FS_WRITE_PROT 0x9
#define FS_WTLB_MISS 0xa
#define FS_READ_PROT 0xd
#define FS_RTLB_MISS 0xe

/* Vectors of the trap instructions (asm/traps.h: VEC_SYS is trap #0). */
#define VEC_ILLEGAL 4
#define VEC_SYS 32
#define VEC_TRAP1 33
#define VEC_TRAP14 46
#define VEC_TRAP15 47

static unsigned int fault_status(uc_mem_type type)
{
	switch (type) {
	case UC_MEM_WRITE_UNMAPPED:
		return FS_WTLB_MISS;
	case UC_MEM_WRITE_PROT:
		return FS_WRITE_PROT;
	case UC_MEM_FETCH_UNMAPPED:
		return FS_ITLB_MISS;
	case UC_MEM_FETCH_PROT:
		return FS_IFETCH;
	case UC_MEM_READ_PROT:
		return FS_READ_PROT;
	default:
		return FS_RTLB_MISS;
	}
}

/* Lines [@addr, @addr + @len) of the kernel area were written. */
void ucpu_kernel_dirty(struct msim_ucpu *cpu, uint32_t addr, uint32_t len)
{
	uint32_t first, last, i;

	if (!len || addr < KBASE || addr - KBASE >= KAREA_SIZE)
		return;
	first = (addr - KBASE) >> KLINE_SHIFT;
	last = (addr - KBASE + len - 1) >> KLINE_SHIFT;
	if (last >= KAREA_LINES)
		last = KAREA_LINES - 1;
	for (i = first; i <= last; i++)
		cpu->kdirty[i / 64] |= 1ULL << (i % 64);
}

/* The kernel engine's stores into the kernel area: the fixup's. */
void ucpu_kernel_write_hook(uc_engine *uc, uc_mem_type type, uint64_t addr,
			    int size, int64_t value, void *data)
{
	(void)uc;
	(void)type;
	(void)value;
	if (size > 0)
		ucpu_kernel_dirty(data, (uint32_t)addr, (uint32_t)size);
}

/*
 * Every case starts from the same kernel area: a fixup that wrote to its
 * own text or data, or left bytes on a kernel stack, would otherwise make
 * a case behave as it does only after the ones before it.  The text is
 * put back as loaded (and its translations dropped), the stacks zeroed.
 */
bool msim_ucpu_kernel_reset(struct msim_ucpu *cpu)
{
	const uint32_t line = 1U << KLINE_SHIFT;
	bool changed = false;
	uint32_t w, off;
	uint64_t bits;

	for (w = 0; w < KAREA_LINES / 64; w++) {
		bits = cpu->kdirty[w];
		cpu->kdirty[w] = 0;
		for (; bits; bits &= bits - 1) {
			off = (w * 64 + (uint32_t)__builtin_ctzll(bits))
			      << KLINE_SHIFT;
			if (off >= KTEXT_SIZE) {
				memset(cpu->kmem + off, 0, line);
				continue;
			}
			if (!memcmp(cpu->kmem + off, cpu->ktext_init + off,
				    line))
				continue;
			memcpy(cpu->kmem + off, cpu->ktext_init + off, line);
			pthread_mutex_lock(&cpu->lock);
			uc_ctl_remove_cache(cpu->kuc, KBASE + off,
					    KBASE + off + line);
			pthread_mutex_unlock(&cpu->lock);
			changed = true;
		}
	}
	return changed;
}

/* The user engine's context, stopped exactly, into the kernel engine. */
void ucpu_enter_kernel_engine(struct msim_ucpu *cpu)
{
	pthread_mutex_lock(&cpu->lock);
	uc_context_save(cpu->uc, cpu->xfer);
	uc_context_restore(cpu->kuc, cpu->xfer);
	pthread_mutex_unlock(&cpu->lock);
}

/*
 * Kernel code (stub, fixup) on the kernel engine from @start until it
 * reaches the illegal instruction at @stop.  It may touch user memory; a miss
 * there is filled without a nested entry, and anything the mm cannot resolve is
 * an oops.
 *
 * MODEL: cf-kernel-miss-no-entry: a fixup's access to a user page that
 * is not in the TLB is filled here, without the access-error exception
 * (and the nested entry) the hardware would take in supervisor mode.
 *
 * MODEL: cf-kernel-not-replayed: kernel code is not replayed (see
 * ucpu_exact.c), so after such a fill in the middle of a translation
 * block the fixup goes on with Unicorn's condition codes, which can be
 * stale.
 */
int ucpu_kernel_run(struct msim_ucpu *cpu, uint32_t start, uint32_t stop)
{
	uint32_t pc = start;
	int ret = 0, faults = 0;
	uc_err e;

	cpu->in_kernel = true;
	for (;;) {
		/* No until address (0): the illegal at @stop ends the run. */
		e = ucpu_emu(cpu, cpu->kuc, pc, 0, KERNEL_INSN_LIMIT);
		pc = ucpu_read_reg(cpu->kuc, UC_M68K_REG_PC);
		if (e == UC_ERR_OK && cpu->ev == EV_TRAP && pc == stop &&
		    cpu->ev_vector == VEC_ILLEGAL)
			break;
		if (e == UC_ERR_OK && cpu->ev == EV_NONE && pc == 0) {
			/* It jumped to 0: what fetching there would do. */
			cpu->ev = EV_MEM;
			cpu->ev_type = UC_MEM_FETCH_UNMAPPED;
			cpu->ev_addr = 0;
		}
		if (e == UC_ERR_OK && cpu->ev == EV_NONE) {
			ret = ucpu_fail(cpu, -ELOOP, MSIM_UCPU_ERR_FIXUP_LIMIT,
					"fixup ran more than %d "
					"instructions (pc %#x)",
					KERNEL_INSN_LIMIT, pc);
			cpu->error.pc = pc;
			break;
		}
		if (cpu->ev == EV_MEM &&
		    cpu->ev_type == UC_MEM_FETCH_UNMAPPED &&
		    cpu->ev_addr == pc && faults < 64) {
			/* Code of a page of the TLB, not yet in this engine. */
			bool mapped;

			pthread_mutex_lock(&cpu->lock);
			mapped = ucpu_kuc_map_on_use(cpu, pc);
			pthread_mutex_unlock(&cpu->lock);
			if (mapped) {
				faults++;
				continue;
			}
		}
		if (cpu->ev == EV_MEM && faults++ < 64) {
			if (cpu->ev_addr ||
			    cpu->ev_type != UC_MEM_FETCH_UNMAPPED)
				ret = ucpu_resolve_fault(
					cpu, cpu->ev_addr,
					ucpu_access_of(cpu->ev_type));
			else
				ret = -EFAULT;
			if (!ret)
				continue;
			ret = ucpu_fail(
				cpu, -EFAULT, MSIM_UCPU_ERR_FIXUP_FAULT,
				"oops: kernel %s of %#x at pc %#x",
				ucpu_access_name(ucpu_access_of(cpu->ev_type)),
				cpu->ev_addr, pc);
			cpu->error.pc = pc;
			cpu->error.addr = cpu->ev_addr;
			cpu->error.access = ucpu_access_of(cpu->ev_type);
			break;
		}
		if (cpu->ev == EV_TRAP) {
			ret = ucpu_fail(cpu, -EILSEQ, MSIM_UCPU_ERR_FIXUP_INSN,
					"oops: kernel exception vector %u at "
					"pc %#x",
					cpu->ev_vector, pc);
			cpu->error.pc = pc;
			cpu->error.exception = cpu->ev_vector;
			break;
		}
		ret = ucpu_fail(cpu, -EILSEQ, MSIM_UCPU_ERR_FIXUP_INSN,
				"oops: kernel exception at pc %#x: %s", pc,
				uc_strerror(e));
		cpu->error.pc = pc;
		break;
	}
	cpu->in_kernel = false;
	return ret;
}

/*
 * Exception entry from user mode at @ctx->pc: the hardware part (frame
 * word, SR, PC on the supervisor stack), SAVE_ALL_INT's part of pt_regs,
 * and the stub, which stores the condition codes into the frame's SR (the
 * CPU still holds the user's) and calls the fixup.
 */
static int kernel_entry(struct msim_ucpu *cpu, unsigned int depth,
			const struct msim_m68k_regs *ctx, uint16_t formatvec)
{
	uint32_t frame = KSTACK_TOP(depth) - PT_REGS_SIZE;
	unsigned char *f = kaddr(cpu, frame);
	int i, ret;

	for (i = 0; i < 5; i++)
		put32(f + PT_OFF_D1 + 4 * i, ctx->d[1 + i]);
	for (i = 0; i < 3; i++)
		put32(f + PT_OFF_A0 + 4 * i, ctx->a[i]);
	put32(f + PT_OFF_D0, ctx->d[0]);
	put32(f + PT_OFF_ORIG_D0, 0xffffffff);
	put32(f + PT_OFF_STKADJ, 0);
	put16(f + PT_OFF_FORMATVEC, formatvec);
	put16(f + PT_OFF_SR, 0); /* user mode; the stub adds the CCR */
	put32(f + PT_OFF_PC, ctx->pc);
	ucpu_kernel_dirty(cpu, frame, PT_REGS_SIZE);
	cpu->entry_fv[depth] = formatvec;
	ucpu_enter_kernel_engine(cpu);
	pthread_mutex_lock(&cpu->lock);
	ucpu_write_reg(cpu->kuc, UC_M68K_REG_A7, frame);
	pthread_mutex_unlock(&cpu->lock);
	msim_trace(MSIM_TRACE_CF_KERNEL_ENTRY,
		   .a = { ctx->pc, (formatvec >> 2) & 0xff,
			  ((formatvec >> 10) & 3) << 2 | (formatvec & 3) });
	ret = ucpu_kernel_run(cpu, KENTRY, KSTOP);
	if (ret) {
		/* The fixup failed: say on which entry. */
		cpu->error.vector = (formatvec >> 2) & 0xff;
		cpu->error.fault_status =
			((formatvec >> 10) & 3) << 2 | (formatvec & 3);
		cpu->error.entry_pc = ctx->pc;
		return ret;
	}
	if (be32(f + PT_OFF_PC) != ctx->pc) {
		cpu->stats.fixup_rewinds++;
		msim_trace(MSIM_TRACE_CF_FIXUP_REWIND,
			   .a = { ctx->pc, be32(f + PT_OFF_PC) });
	}
	return 0;
}

/*
 * The context the return from the exception will resume: what pt_regs
 * holds comes from the frame (the fixup may have changed it), the rest
 * from @ctx.  Returns the frame word.
 *
 * MODEL: cf-return-keeps-callee-saved: d6, d7 and a3-a6 come from the
 * context saved at the entry, even if a fixup breaks the C calling
 * convention and clobbers them: the kernel would hand them back
 * clobbered.
 */
static uint16_t frame_view(struct msim_ucpu *cpu, unsigned int depth,
			   const struct msim_m68k_regs *ctx,
			   struct msim_m68k_regs *r)
{
	const unsigned char *f = kaddr(cpu, KSTACK_TOP(depth) - PT_REGS_SIZE);
	int i;

	*r = *ctx;
	for (i = 0; i < 5; i++)
		r->d[1 + i] = be32(f + PT_OFF_D1 + 4 * i);
	for (i = 0; i < 3; i++)
		r->a[i] = be32(f + PT_OFF_A0 + 4 * i);
	r->d[0] = be32(f + PT_OFF_D0);
	r->sr = be16(f + PT_OFF_SR);
	r->pc = be32(f + PT_OFF_PC);
	return be16(f + PT_OFF_FORMATVEC);
}

/*
 * Only a frame that returns to user mode can be followed.
 *
 * MODEL: cf-rte-user-only: a frame whose SR sets S, T, M or an
 * interrupt mask is refused (-EFAULT), where rte would go on in that
 * state; the CPU keeps no supervisor or trace state for user code.
 */
static int frame_check(struct msim_ucpu *cpu, uint16_t fv,
		       const struct msim_m68k_regs *r)
{
	if ((fv >> 12) < 4 || (fv >> 12) > 7)
		return ucpu_fail(cpu, -EFAULT, MSIM_UCPU_ERR_FIXUP_FRAME,
				 "rte: format error (frame word "
				 "%#06x)",
				 fv);
	/*
	 * Only the condition codes can differ from the user SR the entry
	 * saved: S, T, M or an interrupt mask would need a CPU state the
	 * model does not keep, so a fixup that sets them is refused rather
	 * than silently undone.
	 */
	if (r->sr & ~SR_CCR)
		return ucpu_fail(cpu, -EFAULT, MSIM_UCPU_ERR_FIXUP_FRAME,
				 "rte: SR %#06x does not return to user mode "
				 "untraced with interrupts enabled",
				 r->sr);
	return 0;
}

/* rte, done here from the frame the fixup left. */
static int kernel_exit(struct msim_ucpu *cpu, unsigned int depth,
		       const struct msim_m68k_regs *ctx)
{
	struct msim_m68k_regs r;
	uint16_t fv = frame_view(cpu, depth, ctx, &r);
	int ret = frame_check(cpu, fv, &r);

	if (ret) {
		fv = cpu->entry_fv[depth];
		cpu->error.vector = (fv >> 2) & 0xff;
		cpu->error.fault_status = ((fv >> 10) & 3) << 2 | (fv & 3);
		cpu->error.entry_pc = ctx->pc;
		return ret;
	}
	pthread_mutex_lock(&cpu->lock);
	ucpu_write_regs(cpu->uc, &r);
	pthread_mutex_unlock(&cpu->lock);
	return 0;
}

/*
 * MODEL: cf-nested-switch: under msim_ucpu_call(), the handler switches
 * to another thread by running that thread's call nested (at depth + 1,
 * on the next kernel stack) while this one stays interrupted, and back
 * when it returns; the kernel would switch on the way out of the
 * interrupt (schedule() from the return path) and resume the other
 * thread where it had stopped, which is what msim_ucpu_run() lets its
 * caller do.
 */
int ucpu_deliver_irq(struct msim_ucpu *cpu, struct ucpu_run *run, uint32_t pc)
{
	struct msim_m68k_regs ctx;
	uint32_t resume;
	int ret;

	ucpu_get_context(cpu, &ctx);
	ctx.pc = pc;
	run->t->regs = ctx;
	run->ctx_saved = true;
	msim_trace(MSIM_TRACE_CF_IRQ,
		   .a = { pc, MSIM_UCPU_IRQ_VECTOR, run->depth });
	ret = kernel_entry(cpu, run->depth, &ctx,
			   FORMATVEC(MSIM_UCPU_IRQ_VECTOR, 0));
	if (ret)
		return ret;
	cpu->stats.irqs++;
	/* While interrupted, the thread's context is the frame's view. */
	frame_view(cpu, run->depth, &ctx, &run->t->regs);
	resume = run->t->regs.pc;
	if (run->stop_at_events) {
		/* The caller schedules: the return from the interrupt now. */
		ret = kernel_exit(cpu, run->depth, &ctx);
		run->ctx_saved = ret != 0;
		return ret ? ret : MSIM_UCPU_STOP_IRQ;
	}
	if (run->ops->handler) {
		run->in_handler = true;
		run->ops->handler(run->arg, cpu, run->t, pc, resume,
				  run->depth);
		run->in_handler = false;
	}
	ret = kernel_exit(cpu, run->depth, &ctx);
	run->ctx_saved = ret != 0;
	return ret;
}

/*
 * A TLB miss or protection fault of user code: the access-error entry
 * (frame, fixup), then the miss handler or the fault handler, then the
 * return from the exception, which restarts the instruction unless the
 * fixup moved the PC.
 */
int ucpu_access_error(struct msim_ucpu *cpu, struct ucpu_run *run, uint32_t pc,
		      uc_mem_type type, uint32_t addr)
{
	enum msim_access access = ucpu_access_of(type);
	struct msim_m68k_regs ctx;
	int ret;

	ucpu_get_context(cpu, &ctx);
	ctx.pc = pc;
	run->t->regs = ctx;
	run->ctx_saved = true;
	cpu->stats.access_errors++;
	ret = kernel_entry(
		cpu, run->depth, &ctx,
		FORMATVEC(MSIM_UCPU_ACCESS_VECTOR, fault_status(type)));
	if (ret)
		return ret;
	frame_view(cpu, run->depth, &ctx, &run->t->regs);
	ret = ucpu_resolve_fault(cpu, addr, access);
	if (ret) {
		cpu->error.pc = pc;
		return ret;
	}
	if (run->ops && run->ops->access_error) {
		struct msim_ucpu_access a = { pc, addr, (int)access,
					      cpu->fault_kind,
					      run->t->regs.pc };

		run->ops->access_error(run->arg, cpu, run->t, &a);
	}
	ret = kernel_exit(cpu, run->depth, &ctx);
	run->ctx_saved = ret != 0;
	return ret;
}

/*
 * An exception raised by the instruction before @pc.  trap #0 is the
 * system call, whose entry (SAVE_ALL_SYS) the seed leaves alone: the call
 * is not modelled and returns -ENOSYS in %d0.  Every other vector goes
 * through the kernel's trap entry, which in the seed calls the fixup
 * after SAVE_ALL_INT, and then trap_c(), which signals the thread: the
 * call ends there, the thread's context being the frame's (with the PC
 * the fixup left).
 *
 * MODEL: cf-signal-ends-call: no signal is delivered (there are no
 * handlers to run): the exception that would send one ends the call with
 * -EILSEQ.
 */
int ucpu_trap_entry(struct msim_ucpu *cpu, struct ucpu_run *run, uint32_t pc,
		    uint32_t vector)
{
	struct msim_m68k_regs ctx;
	int ret;

	ucpu_get_context(cpu, &ctx);
	/*
	 * Unicorn stops at the trap instruction itself; the frame of a trap
	 * holds the address of the next one, trap being a one-word
	 * instruction.
	 */
	ctx.pc = vector >= VEC_SYS && vector <= VEC_TRAP15 ? pc + 2 : pc;
	run->t->regs = ctx;
	run->ctx_saved = true;
	/*
	 * MODEL: cf-no-syscalls: under msim_ucpu_call() the system call is
	 * answered -ENOSYS and the code goes on after the trap;
	 * msim_ucpu_run() stops there for its caller to answer it.
	 */
	if (vector == VEC_SYS && run->stop_at_events) {
		/* The caller answers it; it resumes after the trap. */
		cpu->stats.syscalls++;
		pthread_mutex_lock(&cpu->lock);
		ucpu_write_reg(cpu->uc, UC_M68K_REG_PC, ctx.pc);
		pthread_mutex_unlock(&cpu->lock);
		run->ctx_saved = false;
		return MSIM_UCPU_STOP_SYSCALL;
	}
	if (vector == VEC_SYS) {
		cpu->stats.syscalls++;
		ctx.d[0] = (uint32_t)-ENOSYS;
		pthread_mutex_lock(&cpu->lock);
		ucpu_write_reg(cpu->uc, UC_M68K_REG_D0, ctx.d[0]);
		ucpu_write_reg(cpu->uc, UC_M68K_REG_PC, ctx.pc);
		pthread_mutex_unlock(&cpu->lock);
		run->ctx_saved = false;
		return 0;
	}
	cpu->stats.traps++;
	ret = kernel_entry(cpu, run->depth, &ctx, FORMATVEC(vector, 0));
	if (ret)
		return ret;
	frame_view(cpu, run->depth, &ctx, &run->t->regs);
	ret = ucpu_fail(cpu, -EILSEQ, MSIM_UCPU_ERR_SIGNAL,
			"%s: vector %u at pc %#x, resumes at %#x",
			vector >= VEC_TRAP1 && vector <= VEC_TRAP14 ? "SIGILL"
			: vector == VEC_TRAP15			    ? "SIGTRAP"
								    : "signal",
			vector, pc, run->t->regs.pc);
	cpu->error.pc = pc;
	cpu->error.exception = vector;
	return ret;
}

static const uint8_t kstub[] = {
	/* KENTRY: move.w %ccr,%d0; move.b %d0,PT_OFF_SR+1(%sp) */
	0x42,
	0xc0,
	0x1f,
	0x40,
	0x00,
	PT_OFF_SR + 1,
	/* KENTRY_JSR: jsr check_vdso_atomic_cmpxchg_32 (absolute long) */
	0x4e,
	0xb9,
	0,
	0,
	0,
	0,
	/* KHALT: where the fixup returns: jmp KSTOP (absolute long); KSTOP
	 * holds an illegal instruction, which ends the kernel run */
	0x4e,
	0xf9,
	0,
	0,
	0,
	0,
};

/* KSTOP: illegal, preceded by one never run. */
static const uint8_t kstop_pad[] = { 0x4a, 0xfc, 0x4a, 0xfc };

/* The stub at KENTRY, calling the fixup loaded at cpu->fixup_entry. */
void ucpu_entry_stub_install(struct msim_ucpu *cpu)
{
	memcpy(kaddr(cpu, KENTRY), kstub, sizeof(kstub));
	put32(kaddr(cpu, KENTRY_JSR + 2), cpu->fixup_entry);
	put32(kaddr(cpu, KHALT + 2), KSTOP);
	memcpy(kaddr(cpu, KSTOP - 2), kstop_pad, sizeof(kstop_pad));
}
