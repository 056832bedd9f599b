// SPDX-License-Identifier: MIT
/*
 * Brute-force linearizability (Wing and Gong): a depth-first search over
 * the orders in which a pending operation may take effect.  An operation
 * may go next only when every operation that returned before it was
 * invoked has gone already.  The histories of a fuzz case are a handful of
 * operations, so no pruning beyond that is needed.
 */
#include "lincheck.h"

struct search {
	const struct vf_lin_op *ops;
	unsigned int n;
	uint32_t final;
	uint32_t done; /* bit i: ops[i] has taken effect */
	unsigned int *order;
};

static bool may_go(const struct search *s, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < s->n; j++)
		if (!(s->done & (1u << j)) && j != i &&
		    s->ops[j].res < s->ops[i].inv)
			return false;
	return true;
}

static bool step(const struct vf_lin_op *op, uint32_t *word)
{
	if (op->kind == VF_LIN_STORE) {
		*word = op->expected;
		return true;
	}
	if (op->ret != *word)
		return false;
	if (*word == op->expected)
		*word = op->new;
	return true;
}

static bool search(struct search *s, unsigned int depth, uint32_t word)
{
	unsigned int i;

	if (depth == s->n)
		return word == s->final;
	for (i = 0; i < s->n; i++) {
		uint32_t w = word;

		if (s->done & (1u << i) || !may_go(s, i))
			continue;
		if (!step(&s->ops[i], &w))
			continue;
		s->done |= 1u << i;
		if (s->order)
			s->order[depth] = i;
		if (search(s, depth + 1, w))
			return true;
		s->done &= ~(1u << i);
	}
	return false;
}

bool vf_linearizable(const struct vf_lin_op *ops, unsigned int n,
		     uint32_t initial, uint32_t final, unsigned int *order)
{
	struct search s = {ops, n, final, 0, order};

	if (n > VF_LIN_MAX_OPS)
		return false;
	return search(&s, 0, initial);
}
