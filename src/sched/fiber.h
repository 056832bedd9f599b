/* SPDX-License-Identifier: MIT */
/*
 * Fibers: stackful coroutines on one host thread, for the controlled
 * scheduler (see fiber.c for why and how).
 */
#ifndef MMSIM_SCHED_FIBER_H
#define MMSIM_SCHED_FIBER_H

#include <stdbool.h>
#include <stddef.h>

#if defined(__x86_64__) && !defined(MSIM_FIBER_UCONTEXT)
#define MSIM_FIBER_ASM 1
#else
#include <ucontext.h>
#endif

/**
 * struct msim_fiber - one coroutine, or the host thread's own stack
 * @sp: where its registers were saved when it last switched away
 * @map, @map_size: the stack's mapping, guard page included (NULL for the
 *	host's)
 * @stack, @stack_size: the usable stack
 * @entry, @arg: what it runs when started
 * @fake_stack: AddressSanitizer's fake stack of this fiber while it is
 *	switched away
 * @asan_bottom, @asan_size: its stack as AddressSanitizer is told about
 *	it when switching to it (learnt on the first switch for the host)
 * @tsan: ThreadSanitizer's fiber (the host thread's own for the host)
 */
struct msim_fiber {
	void *sp;
	void *map;
	size_t map_size;
	void *stack;
	size_t stack_size;
	void (*entry)(void *arg);
	void *arg;
	void *fake_stack;
	const void *asan_bottom;
	size_t asan_size;
	void *tsan;
#ifndef MSIM_FIBER_ASM
	ucontext_t uc;
#endif
};

/* The host thread, as a fiber that others switch back to. */
void msim_fiber_init_host(struct msim_fiber *host);

/* A stack for @f; 0 or -ENOMEM. */
int msim_fiber_create(struct msim_fiber *f);

/* Make @f start @entry(@arg) when next switched to; it must not be running. */
void msim_fiber_reset(struct msim_fiber *f, void (*entry)(void *), void *arg);

/* Save the running fiber @from and run @to. */
void msim_fiber_switch(struct msim_fiber *from, struct msim_fiber *to);

/* The same, for a fiber @from that will never be resumed (its entry ended). */
void msim_fiber_exit(struct msim_fiber *from, struct msim_fiber *to);

void msim_fiber_destroy(struct msim_fiber *f);

/* In a child after fork(): drop the parent's fiber, keep nothing. */
void msim_fiber_forget(struct msim_fiber *f);

/* The first thing a fiber's entry does (the sanitizers' half of the switch). */
void msim_fiber_started(struct msim_fiber *self);

#endif /* MMSIM_SCHED_FIBER_H */
