/* SPDX-License-Identifier: MIT */
/*
 * cf-explore's engine, shared by its files: cfx_run.c (the environment,
 * one case: scheduling, system calls, interrupts and their effects),
 * cfx_case.c (the text form), cfx_campaign.c (exhaustive and random
 * campaigns, shards, jobs, groups) and cfx_report.c (reports, JSON).
 */
#ifndef MMSIM_COLDFIRE_CFX_INTERNAL_H
#define MMSIM_COLDFIRE_CFX_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <mmsim/coldfire/cfx.h>
#include <mmsim/coldfire/exec.h>

/* The m68k system call numbers (<asm/unistd.h>). */
#define MSIM_CF_NR_EXIT 1
#define MSIM_CF_NR_WRITE 4
#define MSIM_CF_NR_BRK 45
#define MSIM_CF_NR_MUNMAP 91
#define MSIM_CF_NR_MPROTECT 125
#define MSIM_CF_NR_SCHED_YIELD 158
#define MSIM_CF_NR_MMAP2 192
#define MSIM_CF_NR_GETTID 221
#define MSIM_CF_NR_MADVISE 238
#define MSIM_CF_NR_EXIT_GROUP 247
#define MSIM_CF_NR_GET_THREAD_AREA 333
#define MSIM_CF_NR_SET_THREAD_AREA 334

struct task_struct;
struct msim_machine;

struct msim_cfx_env {
	struct msim_machine *m;
	struct task_struct *tmpl;  /* the exec'd program, never run again */
	struct task_struct *child; /* the last case's process */
	struct msim_cf_image *img;
	struct msim_ucpu *cpu;
	int nthreads;
	unsigned long step_limit;
	uint32_t entry, check;
	uint32_t stack_top[MSIM_CFX_MAX_THREADS];
	uint32_t tp[MSIM_CFX_MAX_THREADS];
	/* What made it, for another environment alike (jobs). */
	struct msim_cfx_opts opts;
	void *elf, *fixup;
	size_t elf_len;
	char name[256], entry_name[128], check_name[128];
};

/* A plan by global boundary (the explorer's): option indexes, not effects. */
struct cfx_ord_plan {
	int nr;
	unsigned long at[MSIM_CFX_MAX_IRQS];
	int pick[MSIM_CFX_MAX_IRQS];
};

/* One case being run. */
struct cfx_run {
	struct msim_cfx_env *env;
	const struct msim_cfx_case *plan; /* by thread and index, or */
	const struct cfx_ord_plan *ord;	  /* by boundary, or neither */
	uint64_t *rng;			  /* random effects (with @ord) */
	struct msim_cfx_result *r;
	struct mm_struct *mm;
	struct msim_ucpu_thread th[MSIM_CFX_MAX_THREADS];
	bool runnable[MSIM_CFX_MAX_THREADS];
	bool exited, in_check;
	int exit_thread;       /* the one that called exit_group */
	int next;	       /* the plan's next interrupt */
	unsigned long ordinal; /* boundaries asked so far, all threads */
	int pending_effect;    /* @ord's option, or -1 for @plan's */
	const struct msim_cfx_irq *pending_plan;
	uint32_t irq_pc;
	unsigned long irq_at;
	bool irq_pending;	 /* want_irq() said yes; not recorded yet */
	unsigned int trace_host; /* the record's thread before the case */
	bool last_irq_valid;
	uint32_t last_irq_pc;
	int nopts[MSIM_CFX_MAX_IRQS]; /* options at each delivered one */
};

int cfx_run(struct msim_cfx_env *env, struct cfx_run *run);
/* cfx_report.c: @e as the report says it, one line. */
void cfx_event_text(struct msim_cfx_env *env, const struct msim_cfx_event *e,
		    char *buf, size_t size);
struct msim_cfx_env *cfx_env_clone(struct msim_cfx_env *env, char *why,
				   size_t whylen);
long msim_cfx_brk(struct mm_struct *mm, unsigned long brk);

/* xorshift64*, as the vDSO fuzzer's random cases use. */
static inline uint64_t msim_cfx_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

#endif /* MMSIM_COLDFIRE_CFX_INTERNAL_H */
