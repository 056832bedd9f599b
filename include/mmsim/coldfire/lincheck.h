/* SPDX-License-Identifier: MIT */
/*
 * Linearizability of a small history of operations on one 32-bit word, by
 * brute force in the manner of Wing and Gong: search for a total order of
 * the operations that respects their real-time order (an operation that
 * returned before another was invoked comes first) and under which each
 * operation, applied in turn to a sequential word, gives the result it
 * was seen to give, ending at the final value seen.
 *
 * Times are abstract ticks: only their order matters.  A store is
 * instantaneous (inv == res).
 */
#ifndef MMSIM_COLDFIRE_LINCHECK_H
#define MMSIM_COLDFIRE_LINCHECK_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stdint.h>

/* Largest history msim_vf_linearizable() takes. */
#define MSIM_VF_LIN_MAX_OPS 192

enum msim_vf_lin_kind {
	/* cmpxchg(expected, new) returning the previous value */
	MSIM_VF_LIN_CMPXCHG,
	/* a plain store of a value */
	MSIM_VF_LIN_STORE,
};

struct msim_vf_lin_op {
	enum msim_vf_lin_kind kind;
	uint32_t expected; /* or the stored value */
	uint32_t new;
	uint32_t ret;
	unsigned int inv, res;
};

/*
 * Is the history @ops[0..@n) linearizable from @initial to @final?  On
 * success and when @order is not NULL, @order[0..@n) is one witness order
 * (indexes into @ops).  Returns false for @n > MSIM_VF_LIN_MAX_OPS.
 */
MSIM_API bool msim_vf_linearizable(const struct msim_vf_lin_op *ops,
				   unsigned int n, uint32_t initial,
				   uint32_t final, unsigned int *order);

#endif /* MMSIM_COLDFIRE_LINCHECK_H */
