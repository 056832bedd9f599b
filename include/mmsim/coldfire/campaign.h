/* SPDX-License-Identifier: MIT */
/**
 * DOC: vDSO fuzz campaigns
 *
 * A campaign runs many fuzz cases on one environment (vdso_run.h) and
 * groups the violating ones by kind, function and interrupted PC: what
 * mmsim vdso-fuzz does, for a C program.  Exhaustive mode runs every case
 * of at most K interrupts in all, at every instruction boundary, with
 * every effect and every pattern of equal values (explore.h); random mode
 * runs random cases of up to K interrupts per call, calls nested up to
 * MSIM_VF_RANDOM_DEPTH deep, and shrinks each violating case to the
 * smallest that still fails the same way (msim_vf_shrink()).  Each group
 * keeps its simplest case (msim_vf_case_simpler()) as its example, and
 * counts its cases; of the distinct cases it keeps only the
 * MSIM_VF_GROUP_KEEP simplest, so that a campaign's memory does not grow
 * with the cases it runs, however many violate.
 *
 * A window is an interrupted PC of a function at which atomicity breaks:
 * a group of not-linearizable cases.  The verdict says how many windows
 * are open, and where.
 */
#ifndef MMSIM_COLDFIRE_CAMPAIGN_H
#define MMSIM_COLDFIRE_CAMPAIGN_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mmsim/coldfire/fuzz_case.h>
#include <mmsim/coldfire/vdso_run.h>

/* Distinct violating cases a group keeps: its simplest ones. */
#define MSIM_VF_GROUP_KEEP 16

/* Shape of random cases: nesting depth, and interrupts at indexes below. */
#define MSIM_VF_RANDOM_DEPTH 3
#define MSIM_VF_RANDOM_MAX_AT 12

enum msim_vf_mode {
	MSIM_VF_MODE_EXHAUSTIVE,
	MSIM_VF_MODE_RANDOM,
};

/**
 * struct msim_vf_campaign_opts - what a campaign runs
 * @interrupts: K: interrupts in all (exhaustive) or per call (random),
 *	0 to MSIM_VF_MAX_PLAN
 * @cases: random: cases to run; exhaustive: stop after so many (0: run
 *	them all)
 * @seed: random: the generator's seed (0 is a seed too)
 * @no_shrink: random: record violating cases as they were found
 * @shard: run only this part of the case space, of @shards (0 of 0 or 1:
 *	all of it)
 * @shards: parts the case space is split into, deterministically:
 *	exhaustive, the subtrees of the explorer's first
 *	MSIM_VF_SHARD_DEPTH decisions, in depth-first order, subtree s in
 *	part s mod @shards; random, case i in part i mod @shards.  The
 *	parts' counts and groups add up to the whole run's
 *	(msim_vf_campaign_merge())
 * @jobs: threads to run on (0 or 1: this one), each with an environment
 *	of its own made as @env was, each running a part; the result is
 *	the same whatever @jobs is (but for an exhaustive campaign cut
 *	short by @cases, which each job cuts on its own)
 * @progress: if not NULL, called after every case (of the first job,
 *	with the counts of all)
 * @arg: passed to @progress
 */
struct msim_vf_campaign_opts {
	int interrupts;
	unsigned long cases;
	uint64_t seed;
	bool no_shrink;
	unsigned int shard, shards;
	unsigned int jobs;
	void (*progress)(void *arg, unsigned long cases,
			 unsigned long violating);
	void *arg;
};

/* The depth of the explorer's decisions that --shard splits on. */
#define MSIM_VF_SHARD_DEPTH 8

/**
 * struct msim_vf_group - violating cases of one kind, in one function, last
 * interrupted at one PC
 * @kind: the violation
 * @fn: the function of the call it blames
 * @has_pc: false when that call was not interrupted itself
 * @pc: where it was last interrupted
 * @insn: the instruction at @pc ("" without @has_pc)
 * @count: violating cases run that fall in the group
 * @example: its simplest case (as recorded: shrunk in random mode)
 * @nr_kept: distinct cases kept, at most MSIM_VF_GROUP_KEEP
 * @kept: private: those cases, simplest first
 * @first: private: where its first case is in the campaign's order (so
 *	that parts merge into the order of the whole)
 */
struct msim_vf_group {
	enum msim_vf_kind kind;
	enum msim_vf_fn fn;
	bool has_pc;
	uint32_t pc;
	char insn[48];
	unsigned long count;
	struct msim_vf_case example;
	size_t nr_kept;
	struct msim_vf_kept *kept;
	uint64_t first;
};

/**
 * struct msim_vf_found - one distinct violating case a group kept
 * @text: its text form, which replays it (msim_vf_case_parse())
 * @found_as: random mode: the case as it was found, before shrinking
 *	(NULL otherwise)
 * @group: its group, an index into msim_vf_campaign.group
 */
struct msim_vf_found {
	char *text;
	char *found_as;
	size_t group;
};

struct msim_vf_kept;

/**
 * struct msim_vf_campaign - what a campaign found
 * @mode: how it ran
 * @interrupts: K
 * @seed: random mode's seed
 * @shard: the part run, of @shards (0 of 1: all)
 * @shrunk: violating cases were shrunk
 * @cases: cases run
 * @violating: of those, the ones with a violation
 * @nr_groups: groups, in the order first found
 * @group: the groups
 * @nr_found: the distinct violating cases (as recorded) the groups kept,
 *	at most MSIM_VF_GROUP_KEEP a group
 * @found: those cases, group by group in the order of @group, each
 *	group's simplest first (the strings belong to the campaign)
 */
struct msim_vf_campaign {
	enum msim_vf_mode mode;
	int interrupts;
	uint64_t seed;
	unsigned int shard, shards;
	bool shrunk;
	unsigned long cases;
	unsigned long violating;
	size_t nr_groups;
	struct msim_vf_group *group;
	size_t nr_found;
	struct msim_vf_found *found;
};

/**
 * msim_vf_campaign_exhaustive - every case of at most @o->interrupts
 * interrupts in all, on @env, into @c (which msim_vf_campaign_free() frees
 * whatever the return)
 *
 * Return: 0, -E2BIG when a case needs more decisions than the explorer
 * keeps (MSIM_VF_EXPLORE_MAX), -ENOMEM, or -errno from msim_vf_run() when
 * the environment failed.
 */
MSIM_API int msim_vf_campaign_exhaustive(struct msim_vf_env *env,
					 const struct msim_vf_campaign_opts *o,
					 struct msim_vf_campaign *c);

/**
 * msim_vf_campaign_random - @o->cases random cases from @o->seed on @env,
 * into @c; each violating case is shrunk unless @o->no_shrink
 *
 * Return: as msim_vf_campaign_exhaustive().
 */
MSIM_API int msim_vf_campaign_random(struct msim_vf_env *env,
				     const struct msim_vf_campaign_opts *o,
				     struct msim_vf_campaign *c);

/**
 * msim_vf_campaign_record - counts the run @r of a case in @c and records
 * its first violation, if any, as the campaigns do: for a program that
 * runs its own cases.  @c starts zeroed (its @mode is then exhaustive).
 * Its memory is bounded by the number of groups, not of cases.
 *
 * Return: 0 or -ENOMEM.
 */
MSIM_API int msim_vf_campaign_record(struct msim_vf_campaign *c,
				     struct msim_vf_env *env,
				     const struct msim_vf_result *r);

/**
 * msim_vf_campaign_merge - add @from's counts, groups and kept cases to
 * @into (parts of a sharded campaign, run anywhere), in the order of the
 * whole campaign
 *
 * Return: 0 or -ENOMEM.
 */
MSIM_API int msim_vf_campaign_merge(struct msim_vf_campaign *into,
				    const struct msim_vf_campaign *from);

/** msim_vf_campaign_free - frees what a campaign recorded in @c */
MSIM_API void msim_vf_campaign_free(struct msim_vf_campaign *c);

/**
 * msim_vf_campaign_windows - how many windows @c found open: distinct
 * functions and PCs of its not-linearizable groups
 */
MSIM_API size_t msim_vf_campaign_windows(const struct msim_vf_campaign *c);

/**
 * msim_vf_campaign_verdict - the verdict on @c in one sentence (how many
 * windows are open, and where, with their instructions; the other
 * violations; how many cases violate), without a newline
 *
 * Return: its length, as snprintf() does.
 */
MSIM_API size_t msim_vf_campaign_verdict(const struct msim_vf_campaign *c,
					 char *buf, size_t size);

/**
 * msim_vf_shrink - the smallest case that still fails as @c does
 * @env: the environment
 * @c: in: a case; out: the smallest found
 * @r: out: the result of the last run of *@c
 *
 * Runs @c and, when it violates, keeps the first violation's kind,
 * function and interrupted PC; then, as long as a change keeps them,
 * runs a nested call alone as the outermost one (from the word it found),
 * removes interrupts and the calls they run, replaces a nested call by a
 * store or by nothing and a store by nothing, renumbers the values 1, 2,
 * ... in the order they appear and makes equal values distinct.  Every
 * step is kept only if a run of the changed case still violates the same
 * way, and the steps go in a fixed order: the same case always shrinks to
 * the same one.  Interrupts that were not delivered are dropped first.
 *
 * Return: 0 (@c unchanged when it does not violate), or -errno from
 * msim_vf_run().
 */
MSIM_API int msim_vf_shrink(struct msim_vf_env *env, struct msim_vf_case *c,
			    struct msim_vf_result *r);

#endif /* MMSIM_COLDFIRE_CAMPAIGN_H */
