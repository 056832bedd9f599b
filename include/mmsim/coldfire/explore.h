/* SPDX-License-Identifier: MIT */
/*
 * Exhaustive exploration by re-execution.  A run asks for a choice at each
 * decision it meets (interrupt here or not, which effect, which value);
 * the explorer answers from the path it is replaying and, past its end,
 * with the first option, remembering how many there were.  After each run
 * msim_vf_explore_next() moves to the next path in depth-first order, so that
 * every sequence of decisions a deterministic run can meet is visited
 * exactly once.
 *
 * Values are chosen as restricted growth strings: each new value is equal
 * to one of the distinct values chosen so far or new, which visits every
 * set partition of the values of a case (every pattern of equal and
 * unequal) exactly once, with one representative value per block.
 */
#ifndef MMSIM_COLDFIRE_EXPLORE_H
#define MMSIM_COLDFIRE_EXPLORE_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stdint.h>

#define MSIM_VF_EXPLORE_MAX 256

struct msim_vf_explore {
	unsigned int len, pos;
	struct {
		uint8_t pick, nopts;
	} path[MSIM_VF_EXPLORE_MAX];
	/* distinct values chosen so far in this run */
	unsigned int nblocks;
	bool overflow;
};

MSIM_API void msim_vf_explore_init(struct msim_vf_explore *e);

/* Before each run. */
MSIM_API void msim_vf_explore_begin(struct msim_vf_explore *e);

/* A choice among @nopts (1 to 255) options: returns 0 to @nopts - 1. */
MSIM_API unsigned int msim_vf_explore_choose(struct msim_vf_explore *e,
					     unsigned int nopts);

/*
 * A value equal to one chosen before in this run, or a new one: the
 * representative of block b is b + 1.
 */
MSIM_API uint32_t msim_vf_explore_value(struct msim_vf_explore *e);

/* After a run: false when every path has been visited. */
MSIM_API bool msim_vf_explore_next(struct msim_vf_explore *e);

#endif /* MMSIM_COLDFIRE_EXPLORE_H */
