// SPDX-License-Identifier: MIT
/*
 * Fibers for the controlled scheduler.
 *
 * Why stackful coroutines on one host thread: in controlled mode exactly
 * one simulated thread runs, and the scheduler decides at every
 * scheduling point which one runs next.  A simulated thread stops in the
 * middle of library code (inside spin_lock(), inside a notifier
 * callback), so it needs a stack of its own; handing the CPU from one to
 * the next is then a switch of registers and stack pointer, about as
 * cheap as a function call, where handing it between host threads takes
 * a futex wake and a sleep on each side (bench/sched_switch.c measures
 * both).  One host thread also makes a run deterministic by construction:
 * nothing runs that the scheduler did not choose.
 *
 * The switch on x86_64 is a dozen instructions: push the callee-saved
 * registers (rbp rbx r12-r15) and the two floating-point control words
 * the ABI also preserves (MXCSR, the x87 control word), store the stack
 * pointer, load the other fiber's, pop.  A new fiber's stack is laid out
 * as if it had switched away just before calling its entry.  Elsewhere
 * the fallback is ucontext (swapcontext() also saves the signal mask,
 * with a system call: correct, slower).
 *
 * The sanitizers must be told.  AddressSanitizer keeps a fake stack per
 * thread for use-after-return detection and needs to know the stack a
 * switch goes to (__sanitizer_start_switch_fiber() before,
 * __sanitizer_finish_switch_fiber() after, with NULL for a fiber that
 * ends).  ThreadSanitizer keeps a thread state per fiber
 * (__tsan_create_fiber()) and is switched with __tsan_switch_to_fiber(),
 * which also orders everything before the switch before everything after
 * it, as the hand-over does.
 *
 * Stacks are mmap()ed with a guard page below and reused from run to run
 * (msim_fiber_reset()): a run of a small scenario is a few microseconds,
 * and a new mapping per thread per run would cost more than the run.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "fiber.h"

#if defined(__SANITIZE_ADDRESS__)
#define MSIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MSIM_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define MSIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MSIM_TSAN 1
#endif
#endif

#ifdef MSIM_ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom,
				    size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save,
				     const void **bottom_old, size_t *size_old);
void __asan_unpoison_memory_region(const volatile void *addr, size_t size);
#endif
#ifdef MSIM_TSAN
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
void __tsan_switch_to_fiber(void *fiber, unsigned flags);
#endif

/* Sanitized builds use far bigger frames. */
#if defined(MSIM_ASAN) || defined(MSIM_TSAN)
#define STACK_SIZE (2UL << 20)
#else
#define STACK_SIZE (512UL << 10)
#endif

/* The fiber a switch came from, for the sanitizers' half after it. */
static _Thread_local struct msim_fiber *switching_from;

#ifdef MSIM_FIBER_ASM
void msim_fiber_swap(void **save_sp, void *new_sp)
	__attribute__((visibility("hidden")));
void msim_fiber_start(void) __attribute__((visibility("hidden")));

/*
 * msim_fiber_swap(&from->sp, to->sp): the System V callee-saved state is
 * pushed on the old stack, whose pointer is saved; the new one is loaded
 * and popped.  msim_fiber_start is where a new fiber's first swap
 * "returns": r12 holds the entry, r13 its argument, and the stack is
 * 16-byte aligned for the call.
 */
__asm__(".text\n"
	".globl msim_fiber_swap\n"
	".hidden msim_fiber_swap\n"
	".type msim_fiber_swap,@function\n"
	"msim_fiber_swap:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	subq $8, %rsp\n"
	"	stmxcsr (%rsp)\n"
	"	fnstcw 4(%rsp)\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	ldmxcsr (%rsp)\n"
	"	fldcw 4(%rsp)\n"
	"	addq $8, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size msim_fiber_swap, .-msim_fiber_swap\n"
	".globl msim_fiber_start\n"
	".hidden msim_fiber_start\n"
	".type msim_fiber_start,@function\n"
	"msim_fiber_start:\n"
	"	movq %r13, %rdi\n"
	"	callq *%r12\n"
	"	ud2\n"
	".size msim_fiber_start, .-msim_fiber_start\n");
#endif

static void fiber_main(void *arg)
{
	struct msim_fiber *f = arg;

	msim_fiber_started(f);
	f->entry(f->arg);
	/* An entry ends with msim_fiber_exit(), never by returning. */
	abort();
}

#ifndef MSIM_FIBER_ASM
static void fiber_main_uc(unsigned int hi, unsigned int lo)
{
	fiber_main((void *)(((uintptr_t)hi << 32) | lo));
}
#endif

void msim_fiber_init_host(struct msim_fiber *host)
{
	memset(host, 0, sizeof(*host));
#ifdef MSIM_TSAN
	host->tsan = __tsan_get_current_fiber();
#endif
}

int msim_fiber_create(struct msim_fiber *f)
{
	long page = sysconf(_SC_PAGESIZE);

	memset(f, 0, sizeof(*f));
	f->map_size = STACK_SIZE + (size_t)page;
	f->map = mmap(NULL, f->map_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (f->map == MAP_FAILED) {
		f->map = NULL;
		return -ENOMEM;
	}
	/* The guard: running off the stack faults instead of corrupting. */
	mprotect(f->map, (size_t)page, PROT_NONE);
	f->stack = (char *)f->map + page;
	f->stack_size = STACK_SIZE;
	f->asan_bottom = f->stack;
	f->asan_size = f->stack_size;
#ifdef MSIM_TSAN
	f->tsan = __tsan_create_fiber(0);
#endif
	return 0;
}

void msim_fiber_reset(struct msim_fiber *f, void (*entry)(void *), void *arg)
{
	f->entry = entry;
	f->arg = arg;
	f->fake_stack = NULL;
#ifdef MSIM_TSAN
	/*
	 * A new thread state each time: the last run's frames never
	 * returned, and ThreadSanitizer would keep them on its shadow stack.
	 */
	if (f->tsan)
		__tsan_destroy_fiber(f->tsan);
	f->tsan = __tsan_create_fiber(0);
#endif
#ifdef MSIM_ASAN
	/* Frames of the last run that never returned left their redzones. */
	__asan_unpoison_memory_region(f->stack, f->stack_size);
#endif
#ifdef MSIM_FIBER_ASM
	{
		uint64_t *top = (uint64_t *)((uintptr_t)((char *)f->stack +
							 f->stack_size) &
					     ~(uintptr_t)15);
		uint64_t *sp = top - 10;

		/*
		 * From the saved stack pointer up: MXCSR and the x87
		 * control word, r15, r14, r13 (the argument), r12 (the
		 * entry), rbx, rbp (0: the end of a backtrace), the return
		 * address msim_fiber_start, and a zero word that leaves
		 * the stack 16-byte aligned after the ret.
		 */
		sp[0] = 0x1f80 | ((uint64_t)0x037f << 32);
		sp[1] = 0;				 /* r15 */
		sp[2] = 0;				 /* r14 */
		sp[3] = (uint64_t)(uintptr_t)f;		 /* r13 */
		sp[4] = (uint64_t)(uintptr_t)fiber_main; /* r12 */
		sp[5] = 0;				 /* rbx */
		sp[6] = 0;				 /* rbp */
		sp[7] = (uint64_t)(uintptr_t)msim_fiber_start;
		sp[8] = 0;
		sp[9] = 0;
		f->sp = sp;
	}
#else
	getcontext(&f->uc);
	f->uc.uc_stack.ss_sp = f->stack;
	f->uc.uc_stack.ss_size = f->stack_size;
	f->uc.uc_link = NULL;
	makecontext(&f->uc, (void (*)(void))fiber_main_uc, 2,
		    (unsigned int)((uintptr_t)f >> 32),
		    (unsigned int)(uintptr_t)f);
#endif
}

/* After a switch has landed in @self: the sanitizers' second half. */
void msim_fiber_started(struct msim_fiber *self)
{
#ifdef MSIM_ASAN
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(self->fake_stack, &bottom, &size);
	/* The host's stack is learnt from the first switch away from it. */
	if (switching_from && !switching_from->map &&
	    !switching_from->asan_size) {
		switching_from->asan_bottom = bottom;
		switching_from->asan_size = size;
	}
#else
	(void)self;
#endif
	switching_from = NULL;
}

static void do_switch(struct msim_fiber *from, struct msim_fiber *to,
		      bool ending)
{
	switching_from = from;
#ifdef MSIM_ASAN
	__sanitizer_start_switch_fiber(ending ? NULL : &from->fake_stack,
				       to->asan_bottom, to->asan_size);
#else
	(void)ending;
#endif
#ifdef MSIM_TSAN
	__tsan_switch_to_fiber(to->tsan, 0);
#endif
#ifdef MSIM_FIBER_ASM
	msim_fiber_swap(&from->sp, to->sp);
#else
	swapcontext(&from->uc, &to->uc);
#endif
	msim_fiber_started(from);
}

void msim_fiber_switch(struct msim_fiber *from, struct msim_fiber *to)
{
	do_switch(from, to, false);
}

void msim_fiber_exit(struct msim_fiber *from, struct msim_fiber *to)
{
	do_switch(from, to, true);
	abort(); /* never resumed */
}

/*
 * In a child just forked: the fibers are the parent's (ThreadSanitizer's
 * thread states of them do not survive a fork); let go of their stacks
 * and make new ones when needed.
 */
void msim_fiber_forget(struct msim_fiber *f)
{
	if (f->map)
		munmap(f->map, f->map_size);
	memset(f, 0, sizeof(*f));
}

void msim_fiber_destroy(struct msim_fiber *f)
{
#ifdef MSIM_TSAN
	if (f->tsan && f->map)
		__tsan_destroy_fiber(f->tsan);
#endif
	if (f->map)
		munmap(f->map, f->map_size);
	memset(f, 0, sizeof(*f));
}
