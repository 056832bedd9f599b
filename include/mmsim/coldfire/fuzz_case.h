/* SPDX-License-Identifier: MIT */
/*
 * A vDSO fuzz case: which vDSO function runs, the word's initial value, and
 * an interrupt plan for the call.  Each interrupt sits at an instruction
 * boundary of its call, counted from 0 at the entry point, and has an
 * effect: nothing (entry, fixup and return alone), a plain store to the
 * word, or another thread's call through the same vDSO, itself with a plan.
 *
 * A case has two encodings.  The text form is what reports print and
 * --replay takes:
 *
 *	case   := 'w' HEX ':' call
 *	call   := 'x' HEX ',' HEX [plan]		cmpxchg(expected, new)
 *		| 't' [plan]				read_tp
 *	plan   := '[' irq { '/' irq } ']'
 *	irq    := DEC '=' effect			at instruction DEC
 *	effect := '-' | 's' HEX | call
 *
 * e.g. w1:x1,2[1=s3/2=x3,1] - the word starts at 1; cmpxchg(1, 2) is
 * interrupted before its instruction 1 by a store of 3, and before its
 * instruction 2 by another thread's cmpxchg(3, 1).
 *
 * The byte form is for libFuzzer: every byte string decodes to a valid
 * case within the bounds below.
 */
#ifndef MMSIM_COLDFIRE_FUZZ_CASE_H
#define MMSIM_COLDFIRE_FUZZ_CASE_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds of every case, whatever made it. */
#define MSIM_VF_MAX_CALLS 16
#define MSIM_VF_MAX_PLAN 8
#define MSIM_VF_MAX_DEPTH 6
#define MSIM_VF_MAX_AT 64
/* Longest text form of a case within those bounds, with its NUL. */
#define MSIM_VF_CASE_TEXT_MAX 2048

enum msim_vf_fn {
	MSIM_VF_FN_CMPXCHG,
	MSIM_VF_FN_READ_TP,
};

enum msim_vf_effect {
	MSIM_VF_EFF_NONE,
	MSIM_VF_EFF_STORE,
	MSIM_VF_EFF_CALL,
};

struct msim_vf_irq {
	unsigned int at;
	enum msim_vf_effect effect;
	uint32_t value;
	/* MSIM_VF_EFF_CALL: index of the nested call in msim_vf_case.call[]. */
	int call;
};

struct msim_vf_call {
	enum msim_vf_fn fn;
	uint32_t expected;
	uint32_t new;
	int depth;
	int nr_irqs;
	struct msim_vf_irq irq[MSIM_VF_MAX_PLAN];
};

/* call[0] is the outermost call; nested calls follow in pre-order. */
struct msim_vf_case {
	uint32_t word;
	int nr_calls;
	struct msim_vf_call call[MSIM_VF_MAX_CALLS];
};

/* A case of one uninterrupted call. */
MSIM_API void msim_vf_case_init(struct msim_vf_case *c, enum msim_vf_fn fn,
				uint32_t word, uint32_t expected, uint32_t new);

/* Appends a nested call at @depth; returns its index or -ENOSPC. */
MSIM_API int msim_vf_case_add_call(struct msim_vf_case *c, enum msim_vf_fn fn,
				   uint32_t expected, uint32_t new, int depth);

/* Writes the text form; returns its length (always < MSIM_VF_CASE_TEXT_MAX). */
MSIM_API size_t msim_vf_case_format(const struct msim_vf_case *c, char *buf,
				    size_t size);

/*
 * Parses the text form.  Returns 0, or -EINVAL with @why saying where and
 * what is wrong.
 */
MSIM_API int msim_vf_case_parse(const char *s, struct msim_vf_case *c,
				char *why, size_t whylen);

/* Decodes any byte string into a case within the bounds. */
MSIM_API void msim_vf_case_decode(const uint8_t *data, size_t len,
				  struct msim_vf_case *c);

/*
 * A random case: up to @irqs_per_call interrupts per call at indexes
 * below @max_at, calls nested up to @depth deep, values from a small pool
 * of random words so that equal values are common.  @rng is the state of
 * an xorshift64* generator (not 0).
 */
MSIM_API void msim_vf_case_random(uint64_t *rng, int irqs_per_call, int depth,
				  unsigned int max_at, struct msim_vf_case *c);

/*
 * Orders cases by how easily a person follows them: fewer interrupts,
 * then shallower nesting, fewer calls, fewer stores, then more distinct
 * values (no two values equal that need not be), then smaller values, in
 * the order the text form shows them, then the text itself.  Returns < 0
 * when @a is the simpler, 0 when they are the same case, > 0 otherwise.
 */
MSIM_API int msim_vf_case_simpler(const struct msim_vf_case *a,
				  const struct msim_vf_case *b);

/* Number of interrupts in the whole case. */
MSIM_API int msim_vf_case_nr_irqs(const struct msim_vf_case *c);

#endif /* MMSIM_COLDFIRE_FUZZ_CASE_H */
