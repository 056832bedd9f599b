// SPDX-License-Identifier: MIT
/*
 * The Unicorn CPU as a secondary MMU of its mm, and its interrupts: what
 * the program sees after munmap, mprotect, fork's COW and MADV_DONTNEED
 * done to the mm between calls and from interrupt handlers; the kernel
 * area out of user reach; the condition codes, registers and thread
 * pointer across interrupts at every boundary; the limits.
 */
#include <pthread.h>

#include "mmsim_ucpu_test.h"

static int call(struct ut *u, struct msim_ucpu_thread *t, unsigned long off,
		const struct msim_ucpu_irq_ops *ops, void *arg)
{
	int ret = msim_ucpu_call(u->cpu, t, UT_CODE + off, ops, arg, 0);

	if (ret)
		printf("call at %#lx: %s\n", UT_CODE + off,
		       msim_ucpu_last_error(u->cpu));
	ut_check(u);
	return ret;
}

static struct msim_ucpu_stats stats(struct ut *u)
{
	struct msim_ucpu_stats s;

	msim_ucpu_get_stats(u->cpu, &s);
	return s;
}

static void test_call(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread t;
	struct msim_ucpu_stats s1, s2;

	ut_cpu(u, "fixup-rts.o");
	ut_thread(&t, 0, 0);
	ut_poke(u->mm, UT_DATA, 0x11223344);
	t.regs.a[0] = UT_DATA;
	assert_int_equal(call(u, &t, P_LOAD, NULL, NULL), 0);
	assert_int_equal(t.regs.d[0], 0x11223344);
	assert_int_equal(t.regs.pc, MSIM_UCPU_RETURN_ADDR);
	assert_int_equal(t.regs.a[7], UT_STACK + UT_STACK_LEN);
	s1 = stats(u);
	/* Code, stack and data pages: each a TLB miss the first time. */
	assert_int_equal(s1.access_errors, 3);
	assert_int_equal(s1.tlb_fills, 3);
	assert_int_equal(s1.insns, 2);

	/* The host's write left the PTE dirty: mapped writable at once. */
	t.regs.d[1] = 0xdeadbeef;
	assert_int_equal(call(u, &t, P_STORE, NULL, NULL), 0);
	assert_int_equal(ut_peek(u->mm, UT_DATA), 0xdeadbeef);
	assert_int_equal(stats(u).access_errors, s1.access_errors);
	assert_int_equal(call(u, &t, P_LOAD, NULL, NULL), 0);
	assert_int_equal(t.regs.d[0], 0xdeadbeef);

	/*
	 * A page first read maps the zero page, read-only; the store traps
	 * and faults in a frame of its own, dirty.
	 */
	t.regs.a[0] = UT_DATA + u->tt->page;
	assert_int_equal(call(u, &t, P_LOAD, NULL, NULL), 0);
	assert_int_equal(t.regs.d[0], 0);
	assert_true(is_zero_pfn(tt_pfn(u->mm, UT_DATA + u->tt->page)));
	s2 = stats(u);
	assert_int_equal(call(u, &t, P_STORE, NULL, NULL), 0);
	assert_int_equal(stats(u).access_errors - s2.access_errors, 1);
	assert_int_equal(stats(u).page_faults - s2.page_faults, 1);
	assert_true(
		pte_dirty(u->mm->arch, mt_pte(u->mm, UT_DATA + u->tt->page)));
	assert_int_equal(ut_peek(u->mm, UT_DATA + u->tt->page), 0xdeadbeef);
	assert_int_equal(call(u, &t, P_LOAD, NULL, NULL), 0);
	assert_int_equal(t.regs.d[0], 0xdeadbeef);
	assert_int_equal(stats(u).access_errors - s2.access_errors, 1);
	assert_int_equal(stats(u).calls, 6);
}

/* The condition codes a function returns with are in regs.sr. */
static void test_call_ccr(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread t;

	ut_cpu(u, "fixup-rts.o");
	ut_thread(&t, 0, 0);
	t.regs.a[0] = UT_DATA;
	ut_poke(u->mm, UT_DATA, 0);
	assert_int_equal(call(u, &t, P_LOAD, NULL, NULL), 0);
	assert_int_equal(t.regs.sr, 0x4); /* Z */
	ut_poke(u->mm, UT_DATA, 0x80000000);
	assert_int_equal(call(u, &t, P_LOAD, NULL, NULL), 0);
	assert_int_equal(t.regs.sr, 0x8); /* N */
}

static void test_munmap(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread t;

	ut_cpu(u, "fixup-rts.o");
	ut_thread(&t, 0, 0);
	t.regs.a[0] = UT_DATA + u->tt->page;
	assert_int_equal(call(u, &t, P_LOAD, NULL, NULL), 0);
	tt_munmap(u->mm, UT_DATA + u->tt->page, u->tt->page);
	ut_check(u);
	assert_true(stats(u).tlb_flushes >= 1);
	assert_int_equal(call(u, &t, P_LOAD, NULL, NULL), -EFAULT);
	assert_int_equal(msim_ucpu_fault_address(u->cpu),
			 UT_DATA + u->tt->page);
	/* The context is where the load faulted. */
	assert_int_equal(t.regs.pc, UT_CODE + P_LOAD);
	assert_non_null(strstr(msim_ucpu_last_error(u->cpu), "SIGSEGV"));
	/* The neighbour is still there. */
	t.regs.a[0] = UT_DATA;
	assert_int_equal(call(u, &t, P_LOAD, NULL, NULL), 0);
}

/* Handlers that change the mm while the thread is interrupted. */
struct mm_plan {
	struct ut *u;
	unsigned int at; /* interrupt before this instruction */
	int action;
	int irqs;
};

enum { DO_MUNMAP, DO_MPROTECT, DO_DONTNEED };

static bool want_at(void *arg, struct msim_ucpu *cpu,
		    struct msim_ucpu_thread *t, uint32_t pc, unsigned int n,
		    unsigned int depth)
{
	struct mm_plan *p = arg;

	(void)cpu;
	(void)t;
	(void)pc;
	return depth == 0 && n == p->at;
}

static void mm_handler(void *arg, struct msim_ucpu *cpu,
		       struct msim_ucpu_thread *t, uint32_t irq_pc,
		       uint32_t resume_pc, unsigned int depth)
{
	struct mm_plan *p = arg;
	struct mm_struct *mm = p->u->mm;

	(void)cpu;
	(void)t;
	(void)irq_pc;
	(void)resume_pc;
	(void)depth;
	p->irqs++;
	switch (p->action) {
	case DO_MUNMAP:
		msim_munmap(mm, UT_DATA, UT_DATA_LEN);
		break;
	case DO_MPROTECT:
		msim_mprotect(mm, UT_DATA, UT_DATA_LEN, PROT_READ);
		break;
	case DO_DONTNEED:
		msim_madvise(mm, UT_DATA, UT_DATA_LEN, MADV_DONTNEED);
		break;
	}
}

static const struct msim_ucpu_irq_ops mm_ops = {
	.want_irq = want_at,
	.handler = mm_handler,
};

/* The handler unmaps what the interrupted code goes on to read. */
static void test_munmap_in_handler(void **state)
{
	struct ut *u = *state;
	struct mm_plan p = { .u = u, .at = 3, .action = DO_MUNMAP };
	struct msim_ucpu_thread t;
	unsigned int i;

	ut_cpu(u, "fixup-rts.o");
	ut_thread(&t, 0, 0);
	for (i = 0; i < 4; i++)
		ut_poke(u->mm, UT_DATA + 4 * i, i + 1);
	/* Once without: the pages are in the CPU. */
	t.regs.a[0] = UT_DATA;
	t.regs.d[1] = 4;
	assert_int_equal(call(u, &t, P_SUM, NULL, NULL), 0);
	assert_int_equal(t.regs.d[0], 10);
	t.regs.a[0] = UT_DATA;
	t.regs.d[1] = 4;
	/* p_sum: moveq, then the first addl is instruction 1... */
	assert_int_equal(call(u, &t, P_SUM, &mm_ops, &p), -EFAULT);
	assert_int_equal(p.irqs, 1);
	/* ...and the second one's read (n = 4) is the first to fault. */
	assert_int_equal(msim_ucpu_fault_address(u->cpu), UT_DATA + 4);
	assert_int_equal(t.regs.pc, UT_CODE + P_SUM + 2);
	assert_int_equal(t.regs.d[0], 1);
}

static void test_mprotect(void **state)
{
	struct ut *u = *state;
	struct mm_plan p = { .u = u, .at = 0, .action = DO_MPROTECT };
	struct msim_ucpu_thread t;

	ut_cpu(u, "fixup-rts.o");
	ut_thread(&t, 0, 0);
	t.regs.a[0] = UT_DATA;
	t.regs.d[1] = 0x1234;
	assert_int_equal(call(u, &t, P_STORE, NULL, NULL), 0);
	tt_mprotect(u->mm, UT_DATA, UT_DATA_LEN, PROT_READ);
	ut_check(u);
	t.regs.d[1] = 0x5678;
	assert_int_equal(call(u, &t, P_STORE, NULL, NULL), -EFAULT);
	assert_int_equal(msim_ucpu_fault_address(u->cpu), UT_DATA);
	assert_int_equal(call(u, &t, P_LOAD, NULL, NULL), 0);
	assert_int_equal(t.regs.d[0], 0x1234);
	tt_mprotect(u->mm, UT_DATA, UT_DATA_LEN, PROT_RW);
	assert_int_equal(call(u, &t, P_STORE, NULL, NULL), 0);
	assert_int_equal(ut_peek(u->mm, UT_DATA), 0x5678);

	/* The same from a handler, between two instructions. */
	t.regs.d[1] = 0x9abc;
	assert_int_equal(call(u, &t, P_STORE, &mm_ops, &p), -EFAULT);
	assert_int_equal(p.irqs, 1);
	assert_int_equal(ut_peek(u->mm, UT_DATA), 0x5678);
}

/*
 * fork() write-protects the parent's pages; the CPU must drop its
 * writable mapping, or its next store would land in the frame the child
 * now shares.
 */
static void test_cow_fork(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread t;
	struct task_struct *child;

	ut_cpu(u, "fixup-rts.o");
	ut_thread(&t, 0, 0);
	t.regs.a[0] = UT_DATA;
	t.regs.d[1] = 0xaaaa;
	assert_int_equal(call(u, &t, P_STORE, NULL, NULL), 0);
	child = tt_fork(u->tt, u->init, 0);
	ut_check(u);
	/* Reading is fine: the shared frame holds the parent's bytes. */
	assert_int_equal(call(u, &t, P_LOAD, NULL, NULL), 0);
	assert_int_equal(t.regs.d[0], 0xaaaa);
	t.regs.d[1] = 0xbbbb;
	assert_int_equal(call(u, &t, P_STORE, NULL, NULL), 0);
	assert_int_equal(ut_peek(child->mm, UT_DATA), 0xaaaa);
	assert_int_equal(ut_peek(u->mm, UT_DATA), 0xbbbb);
	assert_int_not_equal(tt_pfn(child->mm, UT_DATA),
			     tt_pfn(u->mm, UT_DATA));
	/* And the stack, written by every call, was copied too. */
	assert_int_equal(call(u, &t, P_LOAD, NULL, NULL), 0);
	assert_int_equal(t.regs.d[0], 0xbbbb);
	tt_exit(u->tt, child);
	ut_check(u);
}

static void test_dontneed(void **state)
{
	struct ut *u = *state;
	struct mm_plan p = { .u = u, .at = 0, .action = DO_DONTNEED };
	struct msim_ucpu_thread t;

	ut_cpu(u, "fixup-rts.o");
	ut_thread(&t, 0, 0);
	t.regs.a[0] = UT_DATA;
	t.regs.d[1] = 0x7777;
	assert_int_equal(call(u, &t, P_STORE, NULL, NULL), 0);
	tt_madvise(u->mm, UT_DATA, UT_DATA_LEN, MADV_DONTNEED);
	assert_int_equal(call(u, &t, P_LOAD, NULL, NULL), 0);
	assert_int_equal(t.regs.d[0], 0);

	assert_int_equal(call(u, &t, P_STORE, NULL, NULL), 0);
	assert_int_equal(call(u, &t, P_LOAD, &mm_ops, &p), 0);
	assert_int_equal(p.irqs, 1);
	assert_int_equal(t.regs.d[0], 0);
}

/* Above TASK_SIZE is the kernel's, even right after a kernel entry. */
static void test_kernel_area(void **state)
{
	struct ut *u = *state;
	struct mm_plan p = { .u = u, .at = 0, .action = -1 };
	struct msim_ucpu_thread t;

	ut_cpu(u, "fixup-rts.o");
	ut_thread(&t, 0, 0);
	assert_int_equal(call(u, &t, P_KREAD, NULL, NULL), -EFAULT);
	assert_int_equal(msim_ucpu_fault_address(u->cpu),
			 MSIM_UCPU_KERNEL_BASE);
	assert_int_equal(call(u, &t, P_KREAD, &mm_ops, &p), -EFAULT);
	assert_int_equal(p.irqs, 1);
	assert_int_equal(msim_ucpu_fault_address(u->cpu),
			 MSIM_UCPU_KERNEL_BASE);
	assert_int_equal(msim_ucpu_call(u->cpu, &t, MSIM_UCPU_KERNEL_BASE, NULL,
					NULL, 0),
			 -EINVAL);
}

/*
 * trap #0 is a system call: its entry is not the one the seed gave the
 * fixup, so even a fixup that sends every context elsewhere leaves it
 * alone, and the code goes on after it with -ENOSYS in %d0.
 */
static void test_syscall(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread t;

	unsigned long rewinds;

	ut_cpu(u, "fixup-rewind.o");
	ut_thread(&t, 0, 0);
	/*
	 * The TLB misses on the code and the stack go through the fixup
	 * too, and are sent to p_target: take them first.
	 */
	assert_int_equal(call(u, &t, P_TARGET, NULL, NULL), 0);
	rewinds = stats(u).fixup_rewinds;
	ut_thread(&t, 0, 0);
	t.regs.d[0] = 20; /* getpid */
	t.regs.d[4] = 0;
	t.regs.d[5] = 0;
	assert_int_equal(call(u, &t, P_TRAP, NULL, NULL), 0);
	assert_int_equal(t.regs.d[0], (uint32_t)-ENOSYS);
	assert_int_equal(t.regs.d[5], 7);
	assert_int_equal(t.regs.d[4], 0);
	assert_int_equal(stats(u).syscalls, 1);
	assert_int_equal(stats(u).traps, 0);
	assert_int_equal(stats(u).fixup_rewinds, rewinds);
}

/*
 * Any other trap takes the kernel's trap entry, which calls the fixup as
 * the seed's entry.S does, then signals the thread: the call ends with the
 * thread's context as the frame holds it, at the PC the fixup left (after
 * the trap for one that changes nothing), and the instruction after the
 * trap has not run.
 */
static void test_trap_entry_runs_the_fixup(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread t;
	unsigned long rewinds;

	ut_cpu(u, "fixup-rts.o");
	ut_thread(&t, 0, 0);
	t.regs.d[5] = 0;
	assert_int_equal(call(u, &t, P_TRAP1, NULL, NULL), -EILSEQ);
	assert_non_null(strstr(msim_ucpu_last_error(u->cpu), "SIGILL"));
	assert_int_equal(t.regs.pc, UT_CODE + P_TRAP1 + 2);
	assert_int_equal(t.regs.d[5], 0);
	assert_int_equal(stats(u).traps, 1);
	assert_int_equal(stats(u).fixup_rewinds, 0);

	msim_ucpu_destroy(u->cpu);
	u->cpu = NULL;
	ut_cpu(u, "fixup-rewind.o");
	ut_thread(&t, 0, 0);
	/* As above: the TLB misses first, through p_target. */
	assert_int_equal(call(u, &t, P_TARGET, NULL, NULL), 0);
	rewinds = stats(u).fixup_rewinds;
	ut_thread(&t, 0, 0);
	t.regs.d[5] = 0;
	assert_int_equal(call(u, &t, P_TRAP1, NULL, NULL), -EILSEQ);
	assert_int_equal(t.regs.pc, UT_CODE + P_TARGET);
	assert_int_equal(t.regs.d[5], 0);
	assert_int_equal(stats(u).traps, 1);
	assert_int_equal(stats(u).fixup_rewinds, rewinds + 1);
}

/*
 * A fixup that sets the interrupt mask in the frame's SR: the return
 * cannot resume user mode with it, and says so instead of dropping it.
 */
static void test_fixup_sets_ipl(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread t;

	ut_cpu(u, "fixup-ipl.o");
	ut_thread(&t, 0, 0);
	assert_int_equal(call(u, &t, P_NOPS, NULL, NULL), -EFAULT);
	assert_non_null(strstr(msim_ucpu_last_error(u->cpu), "rte: SR 0x07"));
}

/*
 * An interrupt between a compare and its branch: the kernel entry and the
 * handler's nested call change the flags; the return must bring back the
 * interrupted ones, or the branch goes the other way.
 */
struct ccr_plan {
	struct ut *u;
	struct msim_ucpu_thread other;
	uint32_t irq_pc;
	int nested;
};

static bool want_after_cmp(void *arg, struct msim_ucpu *cpu,
			   struct msim_ucpu_thread *t, uint32_t pc,
			   unsigned int n, unsigned int depth)
{
	(void)arg;
	(void)cpu;
	(void)t;
	(void)pc;
	return depth == 0 && n == 1;
}

static void ccr_handler(void *arg, struct msim_ucpu *cpu,
			struct msim_ucpu_thread *t, uint32_t irq_pc,
			uint32_t resume_pc, unsigned int depth)
{
	struct ccr_plan *p = arg;

	p->irq_pc = irq_pc;
	assert_int_equal(resume_pc, irq_pc);
	/* The other thread compares the opposite way. */
	p->other.regs.d[0] = 1;
	p->other.regs.d[1] = t->regs.d[0] == t->regs.d[1] ? 2 : 1;
	p->nested = msim_ucpu_call(cpu, &p->other, UT_CODE + P_CMP, NULL, NULL,
				   depth + 1);
}

static const struct msim_ucpu_irq_ops ccr_ops = {
	.want_irq = want_after_cmp,
	.handler = ccr_handler,
};

static void test_ccr_across_irq(void **state)
{
	struct ut *u = *state;
	struct ccr_plan p = { .u = u };
	struct msim_ucpu_thread t;
	int equal;

	ut_cpu(u, NULL);
	ut_thread(&p.other, 1, 0);
	for (equal = 0; equal < 2; equal++) {
		ut_thread(&t, 0, 0);
		t.regs.d[0] = 5;
		t.regs.d[1] = equal ? 5 : 6;
		assert_int_equal(call(u, &t, P_CMP, &ccr_ops, &p), 0);
		assert_int_equal(p.nested, 0);
		assert_int_equal(p.irq_pc, UT_CODE + P_CMP + 2);
		assert_int_equal(p.other.regs.d[2], equal ? 2 : 1);
		assert_int_equal(t.regs.d[2], equal ? 1 : 2);
	}
}

/* Every boundary: each n asked once, in order; the sum comes out right. */
struct every_plan {
	unsigned int next_n;
	unsigned int asked, irqs;
	bool bad_n;
};

static bool want_every(void *arg, struct msim_ucpu *cpu,
		       struct msim_ucpu_thread *t, uint32_t pc, unsigned int n,
		       unsigned int depth)
{
	struct every_plan *p = arg;

	(void)cpu;
	(void)t;
	(void)pc;
	(void)depth;
	if (n != p->next_n)
		p->bad_n = true;
	p->next_n = n + 1;
	p->asked++;
	return true;
}

static void count_irq(void *arg, struct msim_ucpu *cpu,
		      struct msim_ucpu_thread *t, uint32_t irq_pc,
		      uint32_t resume_pc, unsigned int depth)
{
	struct every_plan *p = arg;

	(void)cpu;
	(void)t;
	(void)irq_pc;
	(void)resume_pc;
	(void)depth;
	p->irqs++;
}

static const struct msim_ucpu_irq_ops every_ops = {
	.want_irq = want_every,
	.handler = count_irq,
};

static void test_irq_every_boundary(void **state)
{
	struct ut *u = *state;
	struct every_plan p = { 0 };
	struct msim_ucpu_thread t;
	unsigned long insns;

	ut_cpu(u, NULL);
	ut_thread(&t, 0, 0);
	t.regs.d[1] = 100;
	assert_int_equal(call(u, &t, P_COUNT, &every_ops, &p), 0);
	assert_int_equal(t.regs.d[2], 5050);
	assert_false(p.bad_n);
	insns = stats(u).insns;
	/* moveq, moveq, 100 times four, rts */
	assert_int_equal(insns, 2 + 400 + 1);
	assert_int_equal(p.irqs, insns);
	assert_int_equal(p.asked, insns);
	assert_int_equal(stats(u).irqs, insns);
}

/*
 * Thread pointers: each thread reads its own through __kernel_read_tp,
 * interrupted anywhere, with other threads run in between at up to three
 * levels.
 */
struct tp_plan {
	struct ut *u;
	struct msim_ucpu_thread th[3];
	struct mt_rng rng;
	unsigned int percent;
	int bad;
	unsigned int nested;
};

static bool want_random(void *arg, struct msim_ucpu *cpu,
			struct msim_ucpu_thread *t, uint32_t pc, unsigned int n,
			unsigned int depth)
{
	struct tp_plan *p = arg;

	(void)cpu;
	(void)t;
	(void)pc;
	(void)n;
	return depth < 2 && mt_rand_below(&p->rng, 100) < p->percent;
}

static void tp_handler(void *arg, struct msim_ucpu *cpu,
		       struct msim_ucpu_thread *t, uint32_t irq_pc,
		       uint32_t resume_pc, unsigned int depth);

static const struct msim_ucpu_irq_ops tp_ops = {
	.want_irq = want_random,
	.handler = tp_handler,
};

static void tp_handler(void *arg, struct msim_ucpu *cpu,
		       struct msim_ucpu_thread *t, uint32_t irq_pc,
		       uint32_t resume_pc, unsigned int depth)
{
	struct tp_plan *p = arg;
	struct msim_ucpu_thread *next = &p->th[depth + 1];
	struct msim_m68k_regs saved = next->regs;
	int ret;

	(void)t;
	(void)irq_pc;
	(void)resume_pc;
	/* The interrupted thread's pointer is the current one. */
	if (msim_vdso_get_tp(p->u->tt->m) != p->th[depth].tp)
		p->bad++;
	next->regs.d[6] = 2;
	next->regs.d[7] = next->tp;
	ret = msim_ucpu_call(cpu, next, UT_CODE + P_TP, &tp_ops, p, depth + 1);
	if (ret || next->regs.d[0])
		p->bad++;
	p->nested++;
	next->regs = saved;
	if (msim_vdso_get_tp(p->u->tt->m) != p->th[depth].tp)
		p->bad++;
}

static void test_tp_switching(void **state)
{
	struct ut *u = *state;
	struct tp_plan p = { .u = u };
	int i, round;

	p.rng.s = mt_seed("test_tp_switching");
	ut_cpu(u, NULL);
	for (i = 0; i < 3; i++)
		ut_thread(&p.th[i], i, 0x1000000 * (i + 1) + 0xabc0 + i);
	for (round = 0; round < 4; round++) {
		p.percent = round == 0 ? 100 : 5 + 30 * round;
		p.th[0].regs.d[6] = 40;
		p.th[0].regs.d[7] = p.th[0].tp;
		assert_int_equal(call(u, &p.th[0], P_TP, &tp_ops, &p), 0);
		assert_int_equal(p.th[0].regs.d[0], 0);
		assert_int_equal(p.bad, 0);
		assert_int_equal(msim_vdso_get_tp(u->tt->m), p.th[0].tp);
	}
	assert_true(p.nested > 40);
	printf("test_tp_switching: %u nested calls, %lu interrupts\n", p.nested,
	       stats(u).irqs);
}

static void test_runaway(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread t;

	ut_cpu(u, NULL);
	ut_thread(&t, 0, 0);
	msim_ucpu_set_insn_limit(u->cpu, 1000);
	assert_int_equal(call(u, &t, P_LOOP, NULL, NULL), -ELOOP);
	assert_non_null(strstr(msim_ucpu_last_error(u->cpu), "1000"));
	assert_int_equal(t.regs.pc, UT_CODE + P_LOOP);
	/* A call within the limit still works afterwards. */
	t.regs.d[1] = 10;
	assert_int_equal(call(u, &t, P_COUNT, NULL, NULL), 0);
	assert_int_equal(t.regs.d[2], 55);
}

/* Nested calls that break the rules, and other bad arguments. */
struct bad_plan {
	struct msim_ucpu_thread *self;
	int same, depth0, depth2;
};

static void bad_handler(void *arg, struct msim_ucpu *cpu,
			struct msim_ucpu_thread *t, uint32_t irq_pc,
			uint32_t resume_pc, unsigned int depth)
{
	struct bad_plan *p = arg;

	(void)irq_pc;
	(void)resume_pc;
	p->same =
		msim_ucpu_call(cpu, t, UT_CODE + P_NOPS, NULL, NULL, depth + 1);
	p->depth0 = msim_ucpu_call(cpu, p->self, UT_CODE + P_NOPS, NULL, NULL,
				   depth);
	p->depth2 = msim_ucpu_call(cpu, p->self, UT_CODE + P_NOPS, NULL, NULL,
				   depth + 2);
}

static const struct msim_ucpu_irq_ops bad_ops = {
	.want_irq = want_after_cmp,
	.handler = bad_handler,
};

static void test_bad_args(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread t, other;
	struct bad_plan p = { .self = &other };
	struct msim_ucpu *cpu;

	ut_cpu(u, NULL);
	ut_thread(&t, 0, 0);
	ut_thread(&other, 1, 0);
	assert_int_equal(msim_ucpu_call(u->cpu, NULL, UT_CODE, NULL, NULL, 0),
			 -EINVAL);
	assert_int_equal(msim_ucpu_call(u->cpu, &t, UT_CODE, NULL, NULL, 1),
			 -EINVAL);
	assert_int_equal(msim_ucpu_call(u->cpu, &t, UT_CODE + 1, NULL, NULL, 0),
			 -EINVAL);
	assert_int_equal(call(u, &t, P_NOPS, &bad_ops, &p), 0);
	assert_int_equal(p.same, -EINVAL);
	assert_int_equal(p.depth0, -EINVAL);
	assert_int_equal(p.depth2, -EINVAL);
	assert_int_equal(t.regs.d[3], 3);
	/* A stack the mm does not map: the return address cannot go. */
	t.regs.a[7] = 0x20000000;
	assert_int_equal(call(u, &t, P_NOPS, NULL, NULL), -EFAULT);

	cpu = msim_ucpu_create(NULL, NULL, 0);
	assert_int_equal(PTR_ERR(cpu), -EINVAL);
	assert_non_null(strstr(msim_ucpu_last_error(NULL), "coldfire"));
}

static void test_create_needs_vdso(void **state)
{
	struct tt *t = *state;
	struct msim_ucpu *cpu = msim_ucpu_create(t->task[0]->mm, NULL, 0);

	assert_int_equal(PTR_ERR(cpu), -EINVAL);
	assert_non_null(strstr(msim_ucpu_last_error(NULL), "vDSO"));
}

static void test_create_other_arch(void **state)
{
	struct tt *t = *state;
	struct msim_ucpu *cpu = msim_ucpu_create(t->task[0]->mm, NULL, 0);

	assert_int_equal(PTR_ERR(cpu), -EINVAL);
}

/* The mm goes away under the CPU: ->release empties it. */
static void test_mm_exit(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread t;
	struct mm_struct *mm = u->mm;

	ut_cpu(u, NULL);
	ut_thread(&t, 0, 0);
	t.regs.a[0] = UT_DATA;
	assert_int_equal(call(u, &t, P_LOAD, NULL, NULL), 0);
	tt_exit(u->tt, u->init);
	assert_int_equal(msim_ucpu_check(u->cpu, NULL, 0), 0);
	assert_int_equal(
		msim_ucpu_call(u->cpu, &t, UT_CODE + P_LOAD, NULL, NULL, 0),
		-EFAULT);
	(void)mm;
}

/* Code replaced under the same address is what runs next. */
static void test_new_code_same_address(void **state)
{
	struct ut *u = *state;
	const unsigned long code = UT_DATA;
	unsigned char insn[4] = { 0x70, 0x01, 0x4e, 0x75 }; /* moveq #1; rts */
	struct msim_ucpu_thread t;

	ut_cpu(u, NULL);
	ut_thread(&t, 0, 0);
	tt_munmap(u->mm, code, u->tt->page);
	tt_map(u->mm, code, u->tt->page, PROT_RW | PROT_EXEC);
	tt_write(u->mm, code, insn, 4);
	assert_int_equal(msim_ucpu_call(u->cpu, &t, code, NULL, NULL, 0), 0);
	assert_int_equal(t.regs.d[0], 1);
	/* munmap and a new mapping: a new frame with other code. */
	tt_munmap(u->mm, code, u->tt->page);
	tt_map(u->mm, code, u->tt->page, PROT_RW | PROT_EXEC);
	insn[1] = 2;
	tt_write(u->mm, code, insn, 4);
	assert_int_equal(msim_ucpu_call(u->cpu, &t, code, NULL, NULL, 0), 0);
	assert_int_equal(t.regs.d[0], 2);
	/* The same frame rewritten from outside: cacheflush() first. */
	insn[1] = 3;
	tt_write(u->mm, code, insn, 4);
	msim_ucpu_flush_icache(u->cpu, code, code + 4);
	assert_int_equal(msim_ucpu_call(u->cpu, &t, code, NULL, NULL, 0), 0);
	assert_int_equal(t.regs.d[0], 3);
}

/*
 * Invalidations from another thread while the CPU runs: the notifier
 * takes the CPU's lock and waits for the run in progress.  The program
 * only reads, and the other thread only changes what reads may see.
 */
struct churn {
	struct mm_struct *mm;
	atomic_bool stop;
	unsigned long rounds;
};

static void *churn_thread(void *arg)
{
	struct churn *c = arg;

	while (!atomic_load(&c->stop)) {
		msim_madvise(c->mm, UT_DATA, UT_DATA_LEN, MADV_DONTNEED);
		msim_mprotect(c->mm, UT_DATA, UT_DATA_LEN, PROT_READ);
		msim_mprotect(c->mm, UT_DATA, UT_DATA_LEN, PROT_RW);
		c->rounds++;
	}
	return NULL;
}

static void test_invalidate_from_other_thread(void **state)
{
	struct ut *u = *state;
	struct churn c = { .mm = u->mm };
	struct msim_ucpu_thread t;
	pthread_t thr;
	int i, ret = 0;

	ut_cpu(u, NULL);
	ut_thread(&t, 0, 0);
	assert_int_equal(pthread_create(&thr, NULL, churn_thread, &c), 0);
	for (i = 0; i < 300 && !ret; i++) {
		t.regs.a[0] = UT_DATA;
		t.regs.d[1] = UT_DATA_LEN / 4;
		ret = msim_ucpu_call(u->cpu, &t, UT_CODE + P_SUM, NULL, NULL,
				     0);
		/* Nothing but zeros was ever there. */
		if (!ret && t.regs.d[0])
			ret = -EIO;
	}
	atomic_store(&c.stop, true);
	pthread_join(thr, NULL);
	assert_int_equal(ret, 0);
	ut_check(u);
	printf("test_invalidate_from_other_thread: %lu rounds, %lu pages "
	       "dropped\n",
	       c.rounds, stats(u).tlb_flushes);
}

/*
 * Interrupts anywhere change nothing a program can see: random plans
 * against the same calls without interrupts, with a handler that runs
 * another thread (other registers, other condition codes) in between.
 * p_count branches on compares; p_rmw adds into memory, so that a store
 * done twice by a replay would show.
 */
struct diff_plan {
	struct mt_rng rng;
	unsigned int percent;
	struct msim_ucpu_thread other;
	int bad;
};

static bool want_diff(void *arg, struct msim_ucpu *cpu,
		      struct msim_ucpu_thread *t, uint32_t pc, unsigned int n,
		      unsigned int depth)
{
	struct diff_plan *p = arg;

	(void)cpu;
	(void)t;
	(void)pc;
	(void)n;
	return depth == 0 && mt_rand_below(&p->rng, 100) < p->percent;
}

static void diff_handler(void *arg, struct msim_ucpu *cpu,
			 struct msim_ucpu_thread *t, uint32_t irq_pc,
			 uint32_t resume_pc, unsigned int depth)
{
	struct diff_plan *p = arg;

	(void)t;
	(void)irq_pc;
	(void)resume_pc;
	memset(p->other.regs.d, 0xff, sizeof(p->other.regs.d));
	p->other.regs.d[1] = 3;
	p->other.regs.a[7] = UT_STACK + UT_STACK_LEN - 0x400;
	if (msim_ucpu_call(cpu, &p->other, UT_CODE + P_COUNT, NULL, NULL,
			   depth + 1) ||
	    p->other.regs.d[2] != 6)
		p->bad++;
}

static const struct msim_ucpu_irq_ops diff_ops = {
	.want_irq = want_diff,
	.handler = diff_handler,
};

static void test_irq_invisible(void **state)
{
	struct ut *u = *state;
	struct diff_plan p;
	struct msim_ucpu_thread a, b;
	uint32_t mem_a[16], mem_b[16];
	unsigned int round, i, n;
	unsigned long entry;

	memset(&p, 0, sizeof(p));
	p.rng.s = mt_seed("test_irq_invisible");
	ut_cpu(u, "fixup-rts.o");
	ut_thread(&p.other, 1, 0);
	/*
	 * At least 200 rounds, and on until the kernel engine has been
	 * replaced once (KERNEL_ENGINE_REPLAYS replays), so that calls run
	 * on both sides of a replacement.
	 */
	for (round = 0;
	     round < 200 || (!stats(u).kernel_engines && round < 20000);
	     round++) {
		n = 1 + mt_rand_below(&p.rng, 16);
		entry = UT_CODE + (round & 1 ? P_RMW : P_COUNT);
		p.percent = mt_rand_below(&p.rng, 101);
		ut_thread(&a, 0, 0);
		for (i = 0; i < 8; i++)
			a.regs.d[i] = (uint32_t)mt_rand(&p.rng);
		a.regs.d[1] = n;
		a.regs.a[0] = UT_DATA;
		a.regs.sr = mt_rand_below(&p.rng, 32);
		b = a;
		for (i = 0; i < 16; i++)
			ut_poke(u->mm, UT_DATA + 4 * i, i * 0x01010101);
		assert_int_equal(
			msim_ucpu_call(u->cpu, &a, entry, NULL, NULL, 0), 0);
		for (i = 0; i < 16; i++) {
			mem_a[i] = ut_peek(u->mm, UT_DATA + 4 * i);
			ut_poke(u->mm, UT_DATA + 4 * i, i * 0x01010101);
		}
		assert_int_equal(
			msim_ucpu_call(u->cpu, &b, entry, &diff_ops, &p, 0), 0);
		for (i = 0; i < 16; i++)
			mem_b[i] = ut_peek(u->mm, UT_DATA + 4 * i);
		assert_int_equal(p.bad, 0);
		/* Member by member: the padding after sr is nobody's. */
		assert_memory_equal(a.regs.d, b.regs.d, sizeof(a.regs.d));
		assert_memory_equal(a.regs.a, b.regs.a, sizeof(a.regs.a));
		assert_int_equal(a.regs.pc, b.regs.pc);
		assert_int_equal(a.regs.sr, b.regs.sr);
		assert_memory_equal(mem_a, mem_b, sizeof(mem_a));
	}
	ut_check(u);
	assert_true(stats(u).kernel_engines >= 1);
	/* Most replays ran on the engines of their PCs, none differing. */
	assert_true(stats(u).replay_engines >= 1);
	assert_true(stats(u).replays_cached > stats(u).replays / 2);
	printf("test_irq_invisible: %u rounds, %lu interrupts, %lu replays "
	       "(%lu on %lu replay engines), %lu kernel engines replaced\n",
	       round, stats(u).irqs, stats(u).replays, stats(u).replays_cached,
	       stats(u).replay_engines, stats(u).kernel_engines);
}

/* The plan of test_run_*: interrupt at one instruction index. */
struct at_n {
	unsigned long n;
	int asked;
};

static bool want_run_at(void *arg, struct msim_ucpu *cpu,
			struct msim_ucpu_thread *t, uint32_t pc, unsigned int n,
			unsigned int depth)
{
	struct at_n *a = arg;

	(void)cpu;
	(void)t;
	(void)pc;
	(void)depth;
	a->asked++;
	return n == a->n;
}

static const struct msim_ucpu_irq_ops run_at_ops = { .want_irq = want_run_at };

/*
 * msim_ucpu_run(): a thread interrupted in the middle of a loop stops
 * with its context, another thread runs from start to end meanwhile,
 * and the first goes on where it stopped with its condition codes intact
 * (the loop's compare is before the branch), each with its own pointer
 * in kuser_vdso_tp.
 */
static void test_run_threads(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread a, b;
	struct at_n plan = { 5, 0 }, none = { ~0UL, 0 };
	uint32_t arg = 0;

	ut_cpu(u, "fixup-rts.o");
	ut_thread(&a, 0, 0x1000);
	ut_thread(&b, 1, 0x2000);
	a.regs.d[1] = 10; /* 1 + ... + 10 */
	b.regs.d[1] = 4;
	assert_int_equal(
		msim_ucpu_thread_start(u->cpu, &a, UT_CODE + P_COUNT, 1, &arg),
		0);
	assert_int_equal(
		msim_ucpu_thread_start(u->cpu, &b, UT_CODE + P_COUNT, 0, NULL),
		0);
	/* Instruction 5: the bnes, right after the first compare. */
	assert_int_equal(msim_ucpu_run(u->cpu, &a, &run_at_ops, &plan),
			 MSIM_UCPU_STOP_IRQ);
	assert_int_equal(a.insns, 5);
	assert_int_equal(a.regs.pc, UT_CODE + P_COUNT + 10);
	assert_int_equal(a.regs.d[3], 1);
	assert_int_equal(msim_vdso_get_tp(u->tt->m), 0x1000);
	/* The other thread, whole, with its own registers. */
	assert_int_equal(msim_ucpu_run(u->cpu, &b, &run_at_ops, &none),
			 MSIM_UCPU_STOP_RETURN);
	assert_int_equal(b.regs.d[2], 10);
	assert_int_equal(msim_vdso_get_tp(u->tt->m), 0x2000);
	/* The first goes on: the compare's codes say "not equal" still. */
	assert_int_equal(msim_ucpu_run(u->cpu, &a, &run_at_ops, &plan),
			 MSIM_UCPU_STOP_RETURN);
	assert_int_equal(a.regs.d[2], 55);
	assert_int_equal(a.regs.pc, MSIM_UCPU_RETURN_ADDR);
	assert_int_equal(a.regs.a[7], UT_STACK + UT_STACK_LEN - 4);
	assert_int_equal(msim_vdso_get_tp(u->tt->m), 0x1000);
	/* Each boundary was asked once, across the two runs. */
	assert_int_equal((unsigned long)plan.asked, a.insns);
	msim_ucpu_thread_release(u->cpu, &a);
	msim_ucpu_thread_release(u->cpu, &b);
	ut_check(u);
}

/* A system call stops the run; the caller answers it in %d0. */
static void test_run_syscall(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread t;

	ut_cpu(u, "fixup-rts.o");
	ut_thread(&t, 0, 0);
	t.regs.d[0] = 20; /* getpid */
	assert_int_equal(
		msim_ucpu_thread_start(u->cpu, &t, UT_CODE + P_TRAP, 0, NULL),
		0);
	assert_int_equal(msim_ucpu_run(u->cpu, &t, NULL, NULL),
			 MSIM_UCPU_STOP_SYSCALL);
	assert_int_equal(t.regs.pc, UT_CODE + P_TRAP + 2);
	assert_int_equal(t.regs.d[0], 20);
	t.regs.d[0] = 1234;
	assert_int_equal(msim_ucpu_run(u->cpu, &t, NULL, NULL),
			 MSIM_UCPU_STOP_RETURN);
	assert_int_equal(t.regs.d[0], 1234);
	assert_int_equal(t.regs.d[5], 7);
	msim_ucpu_thread_release(u->cpu, &t);
}

/* Access errors are told, with what the PTE held. */
struct told {
	int n;
	struct msim_ucpu_access a[8];
};

static void tell(void *arg, struct msim_ucpu *cpu, struct msim_ucpu_thread *t,
		 const struct msim_ucpu_access *a)
{
	struct told *told = arg;

	(void)cpu;
	(void)t;
	if (told->n < 8)
		told->a[told->n++] = *a;
}

static const struct msim_ucpu_irq_ops tell_ops = { .access_error = tell };

static void test_run_access_errors(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread t;
	struct told told = { 0 };

	ut_cpu(u, "fixup-rts.o");
	ut_thread(&t, 0, 0);
	t.regs.a[0] = UT_DATA + 0x2000; /* never touched: a first touch */
	t.regs.d[1] = 5;
	assert_int_equal(
		msim_ucpu_thread_start(u->cpu, &t, UT_CODE + P_STORE, 0, NULL),
		0);
	assert_int_equal(msim_ucpu_run(u->cpu, &t, &tell_ops, &told),
			 MSIM_UCPU_STOP_RETURN);
	/*
	 * The code fetch and the return's read of the stack: TLB fills;
	 * the store: a fault on a first touch.
	 */
	assert_int_equal(told.n, 3);
	assert_int_equal(told.a[0].access, MSIM_ACCESS_EXEC);
	assert_int_equal(told.a[0].fault, MSIM_UCPU_FAULT_NONE);
	assert_int_equal(told.a[1].addr, UT_DATA + 0x2000);
	assert_int_equal(told.a[1].access, MSIM_ACCESS_WRITE);
	assert_int_equal(told.a[1].fault, MSIM_UCPU_FAULT_NEW);
	assert_int_equal(told.a[1].resume_pc, told.a[1].pc);
	assert_int_equal(told.a[2].access, MSIM_ACCESS_READ);
	assert_int_equal(told.a[2].addr, t.regs.a[7] - 4);
	assert_int_equal(told.a[2].fault, MSIM_UCPU_FAULT_NONE);
	msim_ucpu_thread_release(u->cpu, &t);
}

/* msim_ucpu_set_mm(): a fork's mm, with its own pages. */
static void test_set_mm(void **state)
{
	struct ut *u = *state;
	struct task_struct *child;
	struct msim_ucpu_thread t;

	ut_cpu(u, "fixup-rts.o");
	ut_poke(u->mm, UT_DATA, 1);
	child = tt_fork(u->tt, u->init, 0);
	ut_poke(child->mm, UT_DATA, 2);
	assert_int_equal(msim_ucpu_set_mm(u->cpu, child->mm), 0);
	ut_thread(&t, 0, 0);
	t.regs.a[0] = UT_DATA;
	assert_int_equal(call(u, &t, P_LOAD, NULL, NULL), 0);
	assert_int_equal(t.regs.d[0], 2);
	assert_int_equal(msim_ucpu_set_mm(u->cpu, u->mm), 0);
	assert_int_equal(call(u, &t, P_LOAD, NULL, NULL), 0);
	assert_int_equal(t.regs.d[0], 1);
	tt_exit(u->tt, child);
	tt_put(u->tt, child);
}

/*
 * A code page unmapped and mapped again at the same address, holding
 * other code: the CPU runs the new code, never a translation of the old
 * one (Unicorn may give the new page the memory block offset of the old,
 * under which the old translations would be found).
 */
static void test_code_page_replaced(void **state)
{
	static const unsigned char code[2][4] = {
		{ 0x70, 0x01, 0x4e, 0x75 }, /* moveq #1,%d0; rts */
		{ 0x70, 0x02, 0x4e, 0x75 }, /* moveq #2,%d0; rts */
	};
	const unsigned long x = 0x10400000UL;
	struct ut *u = *state;
	struct msim_ucpu_thread t;
	int round;

	ut_cpu(u, "fixup-rts.o");
	for (round = 0; round < 6; round++) {
		tt_map_flags(u->mm, x, u->tt->page,
			     PROT_READ | PROT_WRITE | PROT_EXEC,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
		tt_write(u->mm, x, code[round & 1], sizeof(code[0]));
		ut_thread(&t, 0, 0);
		assert_int_equal(msim_ucpu_call(u->cpu, &t, x, NULL, NULL, 0),
				 0);
		assert_int_equal(t.regs.d[0], 1 + (round & 1));
		tt_munmap(u->mm, x, u->tt->page);
		ut_check(u);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		ut_test(test_call),
		ut_test(test_call_ccr),
		ut_test(test_munmap),
		ut_test(test_code_page_replaced),
		ut_test(test_munmap_in_handler),
		ut_test(test_mprotect),
		ut_test(test_cow_fork),
		ut_test(test_dontneed),
		ut_test(test_kernel_area),
		ut_test(test_syscall),
		ut_test(test_trap_entry_runs_the_fixup),
		ut_test(test_fixup_sets_ipl),
		ut_test(test_ccr_across_irq),
		ut_test(test_irq_every_boundary),
		ut_test(test_irq_invisible),
		ut_test(test_tp_switching),
		ut_test(test_runaway),
		ut_test(test_bad_args),
		tt_test_coldfire(test_create_needs_vdso),
		tt_test(test_create_other_arch),
		ut_test(test_mm_exit),
		ut_test(test_new_code_same_address),
		ut_test(test_invalidate_from_other_thread),
		ut_test(test_run_threads),
		ut_test(test_run_syscall),
		ut_test(test_run_access_errors),
		ut_test(test_set_mm),
	};

	if (getenv("UT_FILTER"))
		cmocka_set_test_filter(getenv("UT_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
