/* SPDX-License-Identifier: MIT */
/**
 * DOC: interrupt-injection experiments on ColdFire programs (cf-explore)
 *
 * A static ColdFire program (exec.h) runs as N threads sharing one mm,
 * each with its own stack and TLS, each calling the program's
 * thread_main(id); when all have returned, check() runs on thread 0 and
 * must return 0.  The threads run on one CPU as a uniprocessor kernel
 * runs them: each until it returns, exits, yields (sched_yield), or is
 * interrupted, and an interrupt (kernel entry, the entry fixup, the
 * return) may do one of:
 *
 *  - nothing but enter and leave the kernel ('-');
 *  - switch to another runnable thread: a preemption, with the TLS
 *    switch ('s' and the thread);
 *  - a kernel action on the page the next instruction touches: reclaim
 *    to swap ('r'), migration to a new frame ('m'), or an mprotect round
 *    trip to PROT_NONE and back ('p'); each drops the page from the CPU's
 *    TLB, so that the instruction takes a TLB miss, the access-error entry
 *    runs the fixup, and the fault is resolved underneath.
 *
 * System calls go through trap #0 with the m68k ABI: exit, exit_group,
 * write (standard output and error captured per thread), brk, mmap2,
 * munmap, mprotect, madvise (the calls the scenario commands make),
 * sched_yield (the next runnable thread runs), gettid,
 * set_thread_area/get_thread_area; any other returns -ENOSYS and is
 * counted.
 *
 * A case is the list of the interrupts it delivers, in order, each named
 * by its thread and the number of instructions that thread had run to
 * completion (its instruction index), with its effect:
 *
 *	case   := '-' | irq { '/' irq }
 *	irq    := 'T' DEC '@' DEC '=' effect
 *	effect := '-' | 's' DEC | 'r' | 'm' | 'p'
 *
 * e.g. T0@14=s1/T1@3=r: thread 0 is interrupted before its instruction
 * 14 and thread 1 runs; thread 1 is interrupted before its instruction 3
 * and the page its next instruction touches is reclaimed.  Every run is
 * deterministic: the text replays the case (with the same program,
 * threads, entry, check and fixup).
 *
 * A violation: check() returned non-zero, a thread faulted (SIGSEGV,
 * SIGBUS) or raised an exception (an illegal instruction, a trap), a
 * thread never finished (its instruction bound: a livelock, or a fixup
 * that rewinds forever), the fixup failed, or the program exited
 * (exit_group) with a status other than 0.
 */
#ifndef MMSIM_COLDFIRE_CFX_H
#define MMSIM_COLDFIRE_CFX_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mmsim/coldfire/ucpu.h>

#define MSIM_CFX_MAX_THREADS 8
#define MSIM_CFX_MAX_IRQS 16
#define MSIM_CFX_MAX_EVENTS 1024
/* Bytes of output kept per thread per case (check()'s is thread N's). */
#define MSIM_CFX_OUTPUT 512
/* The longest text form of a case, NUL included. */
#define MSIM_CFX_CASE_TEXT_MAX (MSIM_CFX_MAX_IRQS * 32 + 2)
/* System call numbers counted when answered -ENOSYS. */
#define MSIM_CFX_NR_SYSCALLS 512

enum msim_cfx_effect {
	MSIM_CFX_EFF_NONE,
	MSIM_CFX_EFF_SWITCH,
	MSIM_CFX_EFF_RECLAIM,
	MSIM_CFX_EFF_MIGRATE,
	MSIM_CFX_EFF_MPROTECT,
};

/**
 * struct msim_cfx_irq - one interrupt of a case
 * @thread: the thread interrupted
 * @at: its instruction index: before which of its instructions
 * @effect: what the interrupt does
 * @to: MSIM_CFX_EFF_SWITCH: the thread that runs
 */
struct msim_cfx_irq {
	int thread;
	unsigned long at;
	enum msim_cfx_effect effect;
	int to;
};

/** struct msim_cfx_case - the interrupts of a case, in the order delivered */
struct msim_cfx_case {
	int nr_irqs;
	struct msim_cfx_irq irq[MSIM_CFX_MAX_IRQS];
};

/** msim_cfx_case_format - the text form of @c; returns its length */
MSIM_API size_t msim_cfx_case_format(const struct msim_cfx_case *c, char *buf,
				     size_t size);

/**
 * msim_cfx_case_parse - a case from its text form
 * Return: 0, or -EINVAL with @why saying where and what is wrong.
 */
MSIM_API int msim_cfx_case_parse(const char *s, struct msim_cfx_case *c,
				 char *why, size_t whylen);

/**
 * msim_cfx_case_simpler - < 0 when @a is the simpler case: fewer
 * interrupts, then fewer that switch or act on the mm, then earlier
 * instruction indexes, then the text; 0 when they are the same
 */
MSIM_API int msim_cfx_case_simpler(const struct msim_cfx_case *a,
				   const struct msim_cfx_case *b);

/**
 * struct msim_cfx_opts - what a program's environment is made of
 * @threads: N, 1 to MSIM_CFX_MAX_THREADS
 * @entry: the threads' function (NULL: "thread_main"), called with id
 * @check: the check (NULL: "check"), called with no argument
 * @fixup: the entry fixup object (NULL: the seed's), @fixup_len long
 * @name: the program's name for exec (argv[0], maps; NULL: "prog")
 * @step_limit: instructions a thread may run in a case (0: 100000)
 */
struct msim_cfx_opts {
	int threads;
	const char *entry;
	const char *check;
	const void *fixup;
	size_t fixup_len;
	const char *name;
	unsigned long step_limit;
};

struct msim_cfx_env;

/**
 * msim_cfx_env_create - a machine with the program exec'd in a template
 * process (its threads' stacks and TLS mapped, __cfrt_init() run if it
 * has one) and a CPU with the fixup; every case runs in a fork of it
 * @elf: the program, @len bytes
 * @o: the options
 * @why: on failure, a one-line reason
 *
 * Return: the environment, or an ERR_PTR(): -ENOEXEC for a program or a
 * fixup it cannot load, -ENOENT for an entry or check symbol the program
 * does not define, -EINVAL for bad options, -EPROTO when the setup code
 * fails, -ENOMEM.
 */
MSIM_API struct msim_cfx_env *msim_cfx_env_create(const void *elf, size_t len,
						  const struct msim_cfx_opts *o,
						  char *why, size_t whylen);

MSIM_API void msim_cfx_env_destroy(struct msim_cfx_env *env);

/** msim_cfx_env_threads - N */
MSIM_API int msim_cfx_env_threads(const struct msim_cfx_env *env);

/**
 * msim_cfx_env_symbolize - @addr as "symbol+0xoff" (the program's or the
 * vDSO's symbols) into @buf, or its hex value
 */
MSIM_API void msim_cfx_env_symbolize(const struct msim_cfx_env *env,
				     uint32_t addr, char *buf, size_t size);

/**
 * msim_cfx_env_disasm - the instructions around @pc of the program (or
 * the vDSO), @pc marked, one a line after @indent; returns how many
 */
MSIM_API int msim_cfx_env_disasm(struct msim_cfx_env *env, FILE *out,
				 uint32_t pc, const char *indent);

enum msim_cfx_ev_kind {
	MSIM_CFX_EV_START,  /* a: the function, b: its argument */
	MSIM_CFX_EV_IRQ,    /* a: pc, b: instruction index */
	MSIM_CFX_EV_REWIND, /* a: from, b: to */
	MSIM_CFX_EV_SWITCH, /* a: the thread that runs, b: its TLS pointer */
	MSIM_CFX_EV_ACTION, /* a: effect, b: page, c: result (pages or -errno)
			     */
	MSIM_CFX_EV_ACCESS, /* a: pc, b: address, c: access | fault << 4 */
	MSIM_CFX_EV_ACCESS_REWIND, /* a: from, b: to: the fixup, on an access
				    * error */
	MSIM_CFX_EV_SYSCALL,	   /* a: number, b: result, c: first argument */
	MSIM_CFX_EV_RETURN,	   /* a: d0 */
	MSIM_CFX_EV_EXIT,	   /* a: status, b: 1 for exit_group */
	MSIM_CFX_EV_ERROR,	   /* a: -errno, b: enum msim_ucpu_error_kind */
};

/** struct msim_cfx_event - what happened, to which thread (N: check) */
struct msim_cfx_event {
	enum msim_cfx_ev_kind kind;
	int thread;
	uint32_t a, b, c;
};

enum msim_cfx_kind {
	MSIM_CFX_CHECK_FAILED,
	MSIM_CFX_FAULT,
	MSIM_CFX_SIGNAL,
	MSIM_CFX_NO_PROGRESS,
	MSIM_CFX_FIXUP_FAILED,
	MSIM_CFX_EXIT_STATUS,
};

/** msim_cfx_kind_name - "check-failed", "fault", ... */
MSIM_API const char *msim_cfx_kind_name(enum msim_cfx_kind kind);

/**
 * struct msim_cfx_result - one run
 * @ran: the case as it ran: the interrupts delivered
 * @nr_undelivered: interrupts of the plan never delivered (their thread
 *	returned, or never ran that far, first)
 * @violated: a violation, below
 * @kind: its kind
 * @thread: the thread it is about (N for check())
 * @has_pc: a case interrupt was delivered before it
 * @pc: the PC of the last such interrupt: where the window is
 * @detail: the violation in words
 * @check_value: what check() returned (when it ran)
 * @check_ran: check() ran
 * @exit_status: exit_group()'s status, when a thread called it
 * @error: the CPU's error, for a thread that failed
 * @output: per thread, and check()'s at [N], what it wrote, at most
 *	MSIM_CFX_OUTPUT bytes
 * @output_len: how many bytes each wrote in all
 * @insns: per thread, the instructions it ran
 * @enosys: per system call number, how often it was answered -ENOSYS
 * @nr_enosys: those calls in all
 * @nr_events: events, at most MSIM_CFX_MAX_EVENTS (@events_lost more)
 * @ev: the events
 */
struct msim_cfx_result {
	struct msim_cfx_case ran;
	int nr_undelivered;
	bool violated;
	enum msim_cfx_kind kind;
	int thread;
	bool has_pc;
	uint32_t pc;
	char detail[256];
	int check_value;
	bool check_ran;
	int exit_status;
	struct msim_ucpu_error error;
	char output[MSIM_CFX_MAX_THREADS + 1][MSIM_CFX_OUTPUT];
	size_t output_len[MSIM_CFX_MAX_THREADS + 1];
	unsigned long insns[MSIM_CFX_MAX_THREADS];
	unsigned short enosys[MSIM_CFX_NR_SYSCALLS];
	unsigned long nr_enosys;
	int nr_events;
	unsigned long events_lost;
	struct msim_cfx_event ev[MSIM_CFX_MAX_EVENTS];
};

/**
 * msim_cfx_run - one case: its interrupts delivered where @plan says
 * (each at its thread's instruction index, in order), in a fresh fork of
 * the template; @r gets what happened
 *
 * Return: 0 (a violation is in @r), or -errno when the environment
 * failed (out of memory, a fork that could not be made).
 */
MSIM_API int msim_cfx_run(struct msim_cfx_env *env,
			  const struct msim_cfx_case *plan,
			  struct msim_cfx_result *r);

/* Campaigns. */

enum msim_cfx_mode {
	MSIM_CFX_MODE_EXHAUSTIVE,
	MSIM_CFX_MODE_RANDOM,
};

/**
 * struct msim_cfx_campaign_opts - what a campaign runs
 * @mode: every case of at most @interrupts interrupts in all, at every
 *	instruction boundary, with every effect (exhaustive), or @cases
 *	random cases of @interrupts interrupts each (random)
 * @interrupts: K, 0 to MSIM_CFX_MAX_IRQS
 * @cases: random: how many; exhaustive: stop after so many (0: all)
 * @seed: random: the seed
 * @shard: this part of the case space, of @shards (0 of 1: all of it)
 * @shards: parts the case space is split into, deterministically: the
 *	subtree of cases whose first interrupt is at the global boundary
 *	b is part b mod @shards (the case without interrupts is part 0's);
 *	random case i is part i mod @shards
 * @jobs: threads to run the campaign on, each with an environment of
 *	its own (1: this one)
 * @progress: if not NULL, called now and then with the cases run (from
 *	the first job)
 * @on_case: if not NULL, called with every case run, from the job that
 *	ran it (with @o->jobs > 1, from several threads at once)
 * @arg: passed to @progress and @on_case
 */
struct msim_cfx_campaign_opts {
	enum msim_cfx_mode mode;
	int interrupts;
	unsigned long cases;
	uint64_t seed;
	unsigned int shard, shards;
	unsigned int jobs;
	void (*progress)(void *arg, unsigned long cases,
			 unsigned long violating);
	void (*on_case)(void *arg, struct msim_cfx_env *env,
			const struct msim_cfx_result *r);
	void *arg;
};

/* Distinct cases a group keeps: its simplest. */
#define MSIM_CFX_GROUP_KEEP 16

/**
 * struct msim_cfx_group - violating cases of one kind, last interrupted
 * at one PC
 * @kind: the violation
 * @has_pc: false when no interrupt came before it
 * @pc: the PC of the last interrupt
 * @count: cases that fall in the group
 * @nr_kept: its simplest cases kept, at most MSIM_CFX_GROUP_KEEP
 * @kept: those, simplest first; kept[0] is its example
 */
struct msim_cfx_group {
	enum msim_cfx_kind kind;
	bool has_pc;
	uint32_t pc;
	unsigned long count;
	int nr_kept;
	struct msim_cfx_case kept[MSIM_CFX_GROUP_KEEP];
};

/**
 * struct msim_cfx_campaign - what a campaign found
 * @o: its options
 * @cases: cases run
 * @violating: of those, the ones with a violation
 * @undelivered: random mode: planned interrupts never delivered
 * @nr_groups: groups, ordered by kind, then PC (no PC first)
 * @group: the groups
 * @enosys: system calls answered -ENOSYS, by number, over all cases
 * @nr_enosys: those calls in all (numbers beyond @enosys' too)
 */
struct msim_cfx_campaign {
	struct msim_cfx_campaign_opts o;
	unsigned long cases;
	unsigned long violating;
	unsigned long undelivered;
	size_t nr_groups;
	struct msim_cfx_group *group;
	unsigned long enosys[MSIM_CFX_NR_SYSCALLS];
	unsigned long nr_enosys;
};

/**
 * msim_cfx_campaign_run - a campaign on @env (and, for @o->jobs > 1, on
 * as many more environments made as @env was) into @c, which
 * msim_cfx_campaign_free() frees whatever the return.  The groups and
 * counts do not depend on @o->jobs; those of the @o->shards parts add up
 * to those of the whole (but for an exhaustive campaign cut short by
 * @o->cases, which each part, and each job, cuts on its own).
 *
 * Return: 0, or -errno when an environment failed.
 */
MSIM_API int msim_cfx_campaign_run(struct msim_cfx_env *env,
				   const struct msim_cfx_campaign_opts *o,
				   struct msim_cfx_campaign *c);

/**
 * msim_cfx_campaign_record - count the run @r of a case in @c, as the
 * campaigns do (for a program that runs its own cases); @c starts zeroed
 *
 * Return: 0 or -ENOMEM.
 */
MSIM_API int msim_cfx_campaign_record(struct msim_cfx_campaign *c,
				      const struct msim_cfx_result *r);

/**
 * msim_cfx_campaign_merge - add @from's counts and groups into @into
 * (the parts of a sharded campaign, or of its jobs)
 *
 * Return: 0 or -ENOMEM.
 */
MSIM_API int msim_cfx_campaign_merge(struct msim_cfx_campaign *into,
				     const struct msim_cfx_campaign *from);

MSIM_API void msim_cfx_campaign_free(struct msim_cfx_campaign *c);

/* Reports. */

/**
 * msim_cfx_report_result - one run in words: the violation, the code
 * around its PC, the events, what each thread wrote, the system calls
 * answered -ENOSYS, and the command that replays it (@replay_prefix and
 * the case)
 */
MSIM_API void msim_cfx_report_result(FILE *out, struct msim_cfx_env *env,
				     const struct msim_cfx_result *r,
				     const char *replay_prefix);

/** msim_cfx_json_result - one run as a JSON object (no newline) */
MSIM_API void msim_cfx_json_result(FILE *out, struct msim_cfx_env *env,
				   const struct msim_cfx_result *r,
				   const char *replay_prefix);

/** msim_cfx_campaign_verdict - the campaign in one sentence */
MSIM_API size_t msim_cfx_campaign_verdict(struct msim_cfx_env *env,
					  const struct msim_cfx_campaign *c,
					  char *buf, size_t size);

#endif /* MMSIM_COLDFIRE_CFX_H */
