// SPDX-License-Identifier: MIT
/*
 * Brute-force linearizability (Wing and Gong): a depth-first search over
 * the orders in which a pending operation may take effect.  An operation
 * may go next only when every operation that returned before it was
 * invoked has gone already.  Large histories (deeply nested calls with
 * many stores) also remember the configurations, the set of operations
 * gone and the word's value, already found to lead nowhere (as Lowe's
 * just-in-time linearizability does), so that the search cannot blow up.
 */
#include <stdlib.h>
#include <string.h>

#include <mmsim/coldfire/lincheck.h>

#define MSIM_VF_LIN_WORDS ((MSIM_VF_LIN_MAX_OPS + 63) / 64)
/* Below this many operations the plain search is cheaper. */
#define MSIM_VF_LIN_MEMO_MIN 20

struct config {
	uint64_t done[MSIM_VF_LIN_WORDS];
	uint32_t word;
	uint32_t used;
};

struct search {
	const struct msim_vf_lin_op *ops;
	unsigned int n;
	uint32_t final;
	uint64_t done[MSIM_VF_LIN_WORDS];
	unsigned int *order;
	struct config *memo;
	size_t cap, used;
	bool nomem;
};

static bool is_done(const struct search *s, unsigned int i)
{
	return s->done[i / 64] >> (i % 64) & 1;
}

static bool may_go(const struct search *s, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < s->n; j++)
		if (j != i && !is_done(s, j) && s->ops[j].res < s->ops[i].inv)
			return false;
	return true;
}

static bool step(const struct msim_vf_lin_op *op, uint32_t *word)
{
	if (op->kind == MSIM_VF_LIN_STORE) {
		*word = op->expected;
		return true;
	}
	if (op->ret != *word)
		return false;
	if (*word == op->expected)
		*word = op->new;
	return true;
}

static size_t config_hash(const struct search *s, uint32_t word)
{
	uint64_t h = word * 0x9e3779b97f4a7c15ULL;
	int i;

	for (i = 0; i < MSIM_VF_LIN_WORDS; i++)
		h = (h ^ s->done[i]) * 0xff51afd7ed558ccdULL;
	return (size_t)(h ^ h >> 29);
}

/* Is (done, word) known to fail?  With @add, remember that it does. */
static bool memo_find(struct search *s, uint32_t word, bool add)
{
	size_t i;

	if (!s->memo)
		return false;
	if (add && 2 * (s->used + 1) > s->cap) {
		struct search old = *s;
		size_t k;

		s->cap *= 2;
		s->memo = calloc(s->cap, sizeof(*s->memo));
		if (!s->memo) {
			/* Carry on without: slower, still right. */
			s->nomem = true;
			free(old.memo);
			return false;
		}
		s->used = 0;
		for (k = 0; k < old.cap; k++) {
			if (!old.memo[k].used)
				continue;
			memcpy(s->done, old.memo[k].done, sizeof(s->done));
			memo_find(s, old.memo[k].word, true);
		}
		memcpy(s->done, old.done, sizeof(s->done));
		free(old.memo);
	}
	for (i = config_hash(s, word) & (s->cap - 1);;
	     i = (i + 1) & (s->cap - 1)) {
		struct config *c = &s->memo[i];

		if (!c->used)
			break;
		if (c->word == word &&
		    !memcmp(c->done, s->done, sizeof(s->done)))
			return true;
	}
	if (add) {
		memcpy(s->memo[i].done, s->done, sizeof(s->done));
		s->memo[i].word = word;
		s->memo[i].used = 1;
		s->used++;
	}
	return false;
}

static bool search(struct search *s, unsigned int depth, uint32_t word)
{
	unsigned int i;

	if (depth == s->n)
		return word == s->final;
	if (memo_find(s, word, false))
		return false;
	for (i = 0; i < s->n; i++) {
		uint32_t w = word;

		if (is_done(s, i) || !may_go(s, i))
			continue;
		if (!step(&s->ops[i], &w))
			continue;
		s->done[i / 64] |= 1ULL << (i % 64);
		if (s->order)
			s->order[depth] = i;
		if (search(s, depth + 1, w))
			return true;
		s->done[i / 64] &= ~(1ULL << (i % 64));
	}
	memo_find(s, word, true);
	return false;
}

bool msim_vf_linearizable(const struct msim_vf_lin_op *ops, unsigned int n,
			  uint32_t initial, uint32_t final, unsigned int *order)
{
	struct search s;
	bool ok;

	if (n > MSIM_VF_LIN_MAX_OPS)
		return false;
	memset(&s, 0, sizeof(s));
	s.ops = ops;
	s.n = n;
	s.final = final;
	s.order = order;
	if (n >= MSIM_VF_LIN_MEMO_MIN) {
		s.cap = 256;
		s.memo = calloc(s.cap, sizeof(*s.memo));
	}
	ok = search(&s, 0, initial);
	free(s.memo);
	return ok;
}
