/* SPDX-License-Identifier: MIT */
/*
 * Running one vDSO fuzz case on the Unicorn CPU and judging it.
 *
 * An environment is one simulated coldfire machine with one mm holding the
 * vDSO, a data page with the word under test and the user stacks of the
 * threads, and one CPU with the fixup under test; it is reused across
 * cases.  Every case starts with the pages it touches already in the
 * CPU's TLB (msim_vf_env_warm()): a TLB miss enters the kernel, and the fixup,
 * too, and would make instruction indexes differ between the first case
 * of a process and the others.  Interrupts are the plan's only.  Each call of a
 * case is a thread of its own (call i is thread i, with its own thread pointer
 * and its own register pattern).
 *
 * A run follows either a given case or, for exhaustive mode, an explorer
 * that makes every decision as the run meets it; either way the result
 * holds the case as it ran (the interrupts that were delivered), the
 * events, and the violations found:
 *  - the cmpxchg calls and the stores, in their real-time order, are not
 *    linearizable (with the final word value);
 *  - a call changed a register it must preserve (all but d0 and the
 *    condition codes for cmpxchg; all but a0 and d0 for read_tp);
 *  - read_tp returned another thread's pointer;
 *  - the call did not return (fault, or ran too long);
 *  - the entry fixup failed on one of the case's interrupts (faulted,
 *    ran past its bound, raised an exception or left a frame the return
 *    cannot follow): the interrupt is part of the case as it ran, so that
 *    the case replays the failure.
 */
#ifndef MMSIM_COLDFIRE_VDSO_RUN_H
#define MMSIM_COLDFIRE_VDSO_RUN_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <mmsim/coldfire/ucpu.h>

#include <mmsim/coldfire/explore.h>
#include <mmsim/coldfire/fuzz_case.h>
#include <mmsim/coldfire/lincheck.h>

struct msim_machine;
struct mm_struct;
struct msim_vdso_image;

/*
 * struct msim_vf_env - what cases run on: a machine, an mm with the vDSO,
 * a word and a stack, a CPU with the fixup; @fixup, @fixup_len: a copy of
 * the fixup it was made with (NULL for the seed's), for environments
 * alike (the jobs of a campaign)
 */
struct msim_vf_env {
	struct msim_machine *m;
	struct mm_struct *mm;
	struct msim_ucpu *cpu;
	const struct msim_vdso_image *img;
	uint32_t word_addr;
	uint32_t stack_addr;
	void *fixup;
	size_t fixup_len;
};

/* Bounds of exhaustive exploration. */
struct msim_vf_limits {
	int irqs_total;
	int irqs_per_call;
	int depth;
};

enum msim_vf_ev_kind {
	MSIM_VF_EV_CALL,   /* a: word before; the call's args are in the case */
	MSIM_VF_EV_IRQ,	   /* a: interrupted pc, b: instruction index */
	MSIM_VF_EV_REWIND, /* a: from, b: to */
	MSIM_VF_EV_RESUME, /* a: pc the interrupted thread resumes at */
	MSIM_VF_EV_STORE,  /* a: value, b: word before */
	MSIM_VF_EV_RETURN, /* a: d0, b: a0, c: word after */
	MSIM_VF_EV_ERROR,  /* a: -errno from msim_ucpu_call(), b: the
			    * enum msim_ucpu_error_kind */
};

struct msim_vf_event {
	enum msim_vf_ev_kind kind;
	int call; /* in msim_vf_result.ran */
	uint32_t a, b, c;
};

enum msim_vf_kind {
	MSIM_VF_NOT_LINEARIZABLE,
	MSIM_VF_CLOBBER,
	MSIM_VF_WRONG_TP,
	MSIM_VF_NO_RETURN,
	MSIM_VF_FIXUP_FAILED,
};

struct msim_vf_violation {
	enum msim_vf_kind kind;
	int call;
	/* last interrupt delivered to that call before it returned */
	bool has_pc;
	uint32_t pc;
	char detail[160];
};

#define MSIM_VF_MAX_EVENTS (MSIM_VF_MAX_CALLS * (MSIM_VF_MAX_PLAN * 4 + 2))
#define MSIM_VF_MAX_VIOLATIONS 8

/*
 * @insns: instructions the call ran, to its return (or to where it
 * stopped), counted as interrupt indexes count them
 * @error: with @err, why the call did not return (msim_ucpu_error())
 */
struct msim_vf_call_result {
	uint32_t tp;
	uint32_t d0, a0;
	uint32_t word_before, word_after;
	unsigned int inv, res;
	int err;
	bool has_irq;
	uint32_t last_irq_pc;
	unsigned int insns;
	struct msim_ucpu_error error;
};

/*
 * An interrupt of a plan that was never delivered: the call (in
 * msim_vf_result.ran) returned, or stopped, before instruction @at.
 */
struct msim_vf_undelivered {
	int call;
	unsigned int at;
};

/*
 * @nr_undelivered, @undelivered: the plan's interrupts that were not
 * delivered, which are not in @ran (nor the calls they would have run)
 */
struct msim_vf_result {
	struct msim_vf_case ran;
	int nr_undelivered;
	struct msim_vf_undelivered
		undelivered[MSIM_VF_MAX_CALLS * MSIM_VF_MAX_PLAN];
	struct msim_vf_call_result call[MSIM_VF_MAX_CALLS];
	int nr_events;
	struct msim_vf_event ev[MSIM_VF_MAX_EVENTS];
	int nr_violations;
	struct msim_vf_violation v[MSIM_VF_MAX_VIOLATIONS];
	uint32_t final_word;
};

/*
 * Builds the machine, the mm and the CPU with @fixup (an m68k ELF object,
 * or NULL for the seed's), and warms it (msim_vf_env_warm()).  Returns 0 or
 * -errno; -ENOEXEC for a fixup the CPU cannot load, -EPROTO for one that
 * breaks calls without interrupts; msim_vf_env_error() says why.
 */
MSIM_API int msim_vf_env_create(struct msim_vf_env *env, const void *fixup,
				size_t fixup_len);
MSIM_API void msim_vf_env_destroy(struct msim_vf_env *env);

/*
 * Runs a cmpxchg and a read_tp without interrupts so that their pages are
 * in the TLB; after a fresh CPU.  Returns 0, or -EPROTO when they fail
 * (the fixup, run for the TLB misses, broke them); msim_vf_env_error()
 * says why.
 */
MSIM_API int msim_vf_env_warm(struct msim_vf_env *env);

/*
 * Why the calling thread's last msim_vf_env_create() or msim_vf_env_warm()
 * failed, in one line ("" if it did not): for -EPROTO, which call did not
 * return and why (msim_ucpu_error_describe()), e.g.
 * "__kernel_atomic_cmpxchg_32 did not return: the fixup faulted: read of
 * 0x00000010 at pc 0xc0000100, on the access-error entry (TLB miss) at pc
 * 0x5fffe40c".
 */
MSIM_API const char *msim_vf_env_error(void);

/*
 * Runs @plan, or with @plan NULL the decisions of @ex within @lim, and
 * judges the run.  Returns 0, or -errno when the environment failed
 * (not the code under test).
 */
MSIM_API int msim_vf_run(struct msim_vf_env *env,
			 const struct msim_vf_case *plan,
			 struct msim_vf_explore *ex,
			 const struct msim_vf_limits *lim,
			 struct msim_vf_result *r);

/*
 * One operation of a history in a linearization: the cmpxchg of call
 * @call (in msim_vf_result.ran), or, with @call < 0, a store of @value.
 */
struct msim_vf_step {
	int call;
	uint32_t value;
};

#define MSIM_VF_MAX_OUTCOMES 16
#define MSIM_VF_MAX_STEPS 32

/*
 * An outcome of a cmpxchg that would have been linearizable: what it
 * returns and the word it leaves, and an order of its history that gives
 * them (@nr_steps operations; 0 when the history has more than
 * MSIM_VF_MAX_STEPS).
 */
struct msim_vf_outcome {
	uint32_t returned;
	uint32_t word_after;
	int nr_steps;
	struct msim_vf_step step[MSIM_VF_MAX_STEPS];
};

/*
 * Which outcomes would have been linearizable for a not-linearizable
 * violation @v of @r: the cmpxchg @v blames, with the stores and the
 * other calls that ran while it was in progress and their results as they
 * were seen, from the word it found, gives each of @out[0..n) and nothing
 * else (n = the smaller of the return value and @max; each value the word
 * ever held is tried for its result and for the word it leaves).  In
 * order of @returned, then @word_after.  Returns how many there are,
 * possibly 0, or -EINVAL when @v is not a not-linearizable cmpxchg, or
 * its history is larger than msim_vf_linearizable() takes.
 */
MSIM_API int msim_vf_outcomes(const struct msim_vf_result *r,
			      const struct msim_vf_violation *v,
			      struct msim_vf_outcome *out, int max);

MSIM_API const char *msim_vf_kind_name(enum msim_vf_kind kind);

/* "ELOOP" for -ELOOP: the errors msim_ucpu_call() returns, by name. */
MSIM_API const char *msim_vf_errname(int err);

#endif /* MMSIM_COLDFIRE_VDSO_RUN_H */
